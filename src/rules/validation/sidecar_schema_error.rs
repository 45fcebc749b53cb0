//! `sidecar-schema-error` (IST0106): a Sidecar listener, port, bind, host, selector or outbound policy that Istio's validation rejects.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "sidecar-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.Sidecar"),
    summary: "a Sidecar listener, port, bind, host, selector or outbound policy that Istio's validation rejects",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "Sidecar", Level::Error);
}
