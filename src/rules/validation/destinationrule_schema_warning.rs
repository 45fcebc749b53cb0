//! `destinationrule-schema-warning` (IST0133): a DestinationRule value that Istio's validation accepts with a warning (deprecated fields, selector without labels). The checks live in [`crate::rules::validation::destinationrule`].

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0133",
    name: "destinationrule-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.DestinationRule"),
    summary: "a DestinationRule value that Istio's validation accepts with a warning (deprecated fields, selector without labels)",
};

pub fn check(cx: &mut RuleCx) {
    crate::rules::validation::run(
        cx,
        &META,
        "DestinationRule",
        crate::rules::validation::Level::Warning,
    );
}
