//! `workloadentry-schema-error` (IST0106): a WorkloadEntry address, port or label that Istio's validation rejects.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "workloadentry-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.WorkloadEntry"),
    summary: "a WorkloadEntry address, port or label that Istio's validation rejects",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "WorkloadEntry", Level::Error);
}
