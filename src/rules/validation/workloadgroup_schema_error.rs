//! `workloadgroup-schema-error` (IST0106): a WorkloadGroup without a template, or with labels or a probe that Istio's validation rejects.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "workloadgroup-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.WorkloadGroup"),
    summary: "a WorkloadGroup without a template, or with labels or a probe that Istio's validation rejects",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "WorkloadGroup", Level::Error);
}
