//! `serviceentry-schema-warning` (IST0133): a ServiceEntry with a partial wildcard host or a selector without labels, which Istio's validation warns about.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0133",
    name: "serviceentry-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.ServiceEntry"),
    summary: "a ServiceEntry with a partial wildcard host or a selector without labels, which Istio's validation warns about",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "ServiceEntry", Level::Warning);
}
