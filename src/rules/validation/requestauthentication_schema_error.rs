//! `requestauthentication-schema-error` (IST0106): a RequestAuthentication JWT rule or selector that Istio's validation rejects.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "requestauthentication-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.RequestAuthentication"),
    summary: "a RequestAuthentication JWT rule or selector that Istio's validation rejects",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "RequestAuthentication", Level::Error);
}
