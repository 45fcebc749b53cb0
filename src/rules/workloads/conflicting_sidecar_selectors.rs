//! `conflicting-sidecar-selectors` (IST0110): a workload is selected by more than one Sidecar.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::index::workloads::pod_in_ambient;
use crate::rules::workloads::selectors::report_conflicts;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0110",
    name: "conflicting-sidecar-selectors",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("sidecar.SelectorAnalyzer"),
    summary: "a workload is selected by more than one Sidecar",
};

pub fn check(cx: &mut RuleCx) {
    let items = crate::rules::workloads::sidecar_selector_no_workload::selecting(cx);
    // ambient workloads have no sidecar: ineffective-sidecar-ambient reports them instead
    report_conflicts(cx, &META, &items, pod_in_ambient);
}
