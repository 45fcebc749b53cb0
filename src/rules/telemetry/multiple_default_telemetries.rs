//! `multiple-default-telemetries` (IST0160): more than one Telemetry without a selector in a
//! namespace.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::model::{Resource, Spec};
use crate::rules::workloads::selectors::report_multiple_defaults;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0160",
    name: "multiple-default-telemetries",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("telemetry.DefaultSelectorAnalyzer"),
    summary: "more than one Telemetry without a selector in a namespace",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let items: Vec<&Resource> = ix
        .of_kind("Telemetry")
        .iter()
        .map(|&id| ix.resource(id))
        .filter(|r| match &r.spec {
            Spec::Telemetry(t) => t.attach.selector.is_none() && t.attach.target_ref.is_none(),
            _ => false,
        })
        .collect();
    report_multiple_defaults(cx, &META, &items, |_| false);
}
