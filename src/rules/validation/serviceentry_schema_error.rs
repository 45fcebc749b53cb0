//! `serviceentry-schema-error` (IST0106): a ServiceEntry host, address, port, endpoint, resolution or exportTo that Istio's validation rejects.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "serviceentry-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.ServiceEntry"),
    summary: "a ServiceEntry host, address, port, endpoint, resolution or exportTo that Istio's validation rejects",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "ServiceEntry", Level::Error);
}
