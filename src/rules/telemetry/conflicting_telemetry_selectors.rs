//! `conflicting-telemetry-selectors` (IST0159): a workload is selected by more than one
//! Telemetry.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::workloads::selectors::report_conflicts;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0159",
    name: "conflicting-telemetry-selectors",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("telemetry.SelectorAnalyzer"),
    summary: "a workload is selected by more than one Telemetry",
};

pub fn check(cx: &mut RuleCx) {
    let items = crate::rules::telemetry::telemetry_selector_no_workload::selecting(cx);
    report_conflicts(cx, &META, &items, |_| false);
}
