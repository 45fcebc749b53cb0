//! `authorizationpolicy-schema-error` (IST0106): an AuthorizationPolicy action, provider, rule, source, operation or condition that Istio's validation rejects.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "authorizationpolicy-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.AuthorizationPolicy"),
    summary: "an AuthorizationPolicy action, provider, rule, source, operation or condition that Istio's validation rejects",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "AuthorizationPolicy", Level::Error);
}
