//! `envoyfilter-schema-error` (IST0106): an EnvoyFilter patch without applyTo, operation or value, or with a match that does not fit applyTo.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "envoyfilter-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.EnvoyFilter"),
    summary: "an EnvoyFilter patch without applyTo, operation or value, or with a match that does not fit applyTo",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "EnvoyFilter", Level::Error);
}
