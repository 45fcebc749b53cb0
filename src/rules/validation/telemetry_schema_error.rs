//! `telemetry-schema-error` (IST0106): a Telemetry tracing, match, tag override or selector setting that Istio's validation rejects.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "telemetry-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.Telemetry"),
    summary: "a Telemetry tracing, match, tag override or selector setting that Istio's validation rejects",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "Telemetry", Level::Error);
}
