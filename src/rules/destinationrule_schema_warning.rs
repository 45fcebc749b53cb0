//! `destinationrule-schema-warning` (IST0133): a DestinationRule value that Istio's validation accepts with a warning (deprecated fields, selector without labels). The checks live in [`super::validate::destinationrule`].

use super::RuleCx;
use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "IST0133",
    name: "destinationrule-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.DestinationRule"),
    summary: "a DestinationRule value that Istio's validation accepts with a warning (deprecated fields, selector without labels)",
};

pub fn check(cx: &mut RuleCx) {
    super::validate::run(
        cx,
        &META,
        "DestinationRule",
        super::validate::Level::Warning,
    );
}
