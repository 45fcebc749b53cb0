//! `telemetry-selector-no-workload` (IST0101): a Telemetry's `selector` matches no workload in
//! its namespace.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::workloads::selectors::{report_no_workload, Selecting};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0101",
    name: "telemetry-selector-no-workload",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("telemetry.SelectorAnalyzer"),
    summary: "a Telemetry's selector matches no workload in its namespace",
};

/// Telemetries with a non-empty `selector.matchLabels` and no `targetRef`.
pub fn selecting<'r>(cx: &RuleCx<'_, 'r>) -> Vec<Selecting<'r>> {
    let ix = cx.index;
    ix.of_kind("Telemetry")
        .iter()
        .filter_map(|&id| {
            let r = ix.resource(id);
            let Spec::Telemetry(t) = &r.spec else {
                return None;
            };
            if t.attach.target_ref.is_some() {
                return None;
            }
            t.attach.labels().map(|labels| Selecting {
                id,
                r,
                labels,
                field: "selector.matchLabels",
            })
        })
        .collect()
}

pub fn check(cx: &mut RuleCx) {
    let items = selecting(cx);
    report_no_workload(cx, &META, &items);
}
