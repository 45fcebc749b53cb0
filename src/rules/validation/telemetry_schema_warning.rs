//! `telemetry-schema-warning` (IST0133): a Telemetry that Istio's validation accepts with a warning (a workload selector without labels).

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0133",
    name: "telemetry-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.Telemetry"),
    summary: "a Telemetry that Istio's validation accepts with a warning (a workload selector without labels)",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "Telemetry", Level::Warning);
}
