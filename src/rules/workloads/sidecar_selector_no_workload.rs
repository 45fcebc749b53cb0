//! `sidecar-selector-no-workload` (IST0101): a Sidecar's `workloadSelector` matches no workload
//! in its namespace.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::workloads::selectors::{report_no_workload, Selecting};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0101",
    name: "sidecar-selector-no-workload",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("sidecar.SelectorAnalyzer"),
    summary: "a Sidecar's workloadSelector matches no workload in its namespace",
};

/// Sidecars with a non-empty `workloadSelector`.
pub fn selecting<'r>(cx: &RuleCx<'_, 'r>) -> Vec<Selecting<'r>> {
    let ix = cx.index;
    ix.of_kind("Sidecar")
        .iter()
        .filter_map(|&id| {
            let r = ix.resource(id);
            match &r.spec {
                Spec::Sidecar(sc) => {
                    sc.workload_selector
                        .as_ref()
                        .filter(|l| !l.is_empty())
                        .map(|labels| Selecting {
                            id,
                            r,
                            labels,
                            field: "workloadSelector.labels",
                        })
                }
                _ => None,
            }
        })
        .collect()
}

pub fn check(cx: &mut RuleCx) {
    let items = selecting(cx);
    report_no_workload(cx, &META, &items);
}
