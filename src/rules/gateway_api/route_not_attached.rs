//! `route-not-attached` (ML609, beyond istiod; Kiali KIA1401-style): a Gateway API route that
//! attaches nowhere: it has no `parentRefs`, or a parentRef names a Gateway that is not in the
//! input. istiod writes no status for either (it cannot tell the parent is its own), so the
//! route silently routes nothing there. A warning when the input holds Gateways of that
//! namespace next to the route (evidence), info otherwise.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML609",
    name: "route-not-attached",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "a Gateway API route attaches to no Gateway: no parentRefs, or its parent Gateway is not there",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for u in &ix.gateway_api_status().unattached {
        let r = ix.resource(u.route);
        let (label, help, sev) = match u.parent_ref_index {
            None => (
                "no parentRefs",
                "add a `parentRefs` entry naming the Gateway (or, for mesh routing, the Service) the route is for",
                Severity::Warning,
            ),
            Some(_) => (
                "Gateway not found",
                "fix the parentRef's `name`/`namespace`, or pass the Gateway's manifest (with `--context` if it lives elsewhere)",
                if u.evidence { Severity::Warning } else { Severity::Info },
            ),
        };
        let d = Diagnostic::new(&META, u.message.clone())
            .at(u.span, label)
            .severity(sev)
            .help(help);
        cx.report(r, d);
    }
}
