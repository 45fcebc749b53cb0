//! What the status rules share: turning istiod's conditions ([`crate::index::gateway_api_status`])
//! of one family into findings.

use crate::diagnostics::{Diagnostic, RuleMeta};
use crate::index::gateway_api_status::Family;
use crate::rules::RuleCx;

/// Reports every condition of `family` as a finding of `meta`, on the object whose status
/// would hold it, with the condition attached (JSON `gateway_api`).
pub fn report_family(cx: &mut RuleCx, meta: &'static RuleMeta, family: Family) {
    let ix = cx.index;
    for c in ix
        .gateway_api_status()
        .conditions
        .iter()
        .filter(|c| c.family == family)
    {
        let r = ix.resource(c.resource);
        let mut d = Diagnostic::new(meta, c.message.clone())
            .at(c.span, c.label.clone())
            .severity(c.severity)
            .condition(c.type_, c.reason, c.scope.clone());
        for (span, label) in &c.related {
            d = d.related(*span, label.clone());
        }
        if let Some(h) = &c.help {
            d = d.help(h.clone());
        }
        cx.report(r, d);
    }
}
