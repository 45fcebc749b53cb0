//! `conflicting-sidecar-selectors` (IST0110): a workload is selected by more than one Sidecar.

use super::workload_util::{pod_in_ambient, report_conflicts};
use super::RuleCx;
use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "IST0110",
    name: "conflicting-sidecar-selectors",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("sidecar.SelectorAnalyzer"),
    summary: "a workload is selected by more than one Sidecar",
};

pub fn check(cx: &mut RuleCx) {
    let items = super::sidecar_selector_no_workload::selecting(cx);
    // ambient workloads have no sidecar: ineffective-sidecar-ambient reports them instead
    report_conflicts(cx, &META, &items, pod_in_ambient);
}
