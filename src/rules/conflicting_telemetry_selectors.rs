//! `conflicting-telemetry-selectors` (IST0159): a workload is selected by more than one
//! Telemetry.

use super::workload_util::report_conflicts;
use super::RuleCx;
use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "IST0159",
    name: "conflicting-telemetry-selectors",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("telemetry.SelectorAnalyzer"),
    summary: "a workload is selected by more than one Telemetry",
};

pub fn check(cx: &mut RuleCx) {
    let items = super::telemetry_selector_no_workload::selecting(cx);
    report_conflicts(cx, &META, &items, |_| false);
}
