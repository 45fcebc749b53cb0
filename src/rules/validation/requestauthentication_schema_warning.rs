//! `requestauthentication-schema-warning` (IST0133): a RequestAuthentication that Istio's validation accepts with a warning (a workload selector without labels).

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0133",
    name: "requestauthentication-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.RequestAuthentication"),
    summary: "a RequestAuthentication that Istio's validation accepts with a warning (a workload selector without labels)",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "RequestAuthentication", Level::Warning);
}
