//! `envoyfilter-schema-warning` (IST0133): an EnvoyFilter filter match that has no effect with applyTo LISTENER or FILTER_CHAIN.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0133",
    name: "envoyfilter-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.EnvoyFilter"),
    summary: "an EnvoyFilter filter match that has no effect with applyTo LISTENER or FILTER_CHAIN",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "EnvoyFilter", Level::Warning);
}
