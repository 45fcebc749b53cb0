//! `destinationrule-schema-error` (IST0106): a DestinationRule value that Istio's validation rejects (host, subsets, traffic policy, load balancer, TLS, exportTo). The checks live in [`crate::rules::validation::destinationrule`].

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "destinationrule-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.DestinationRule"),
    summary: "a DestinationRule value that Istio's validation rejects (host, subsets, traffic policy, load balancer, TLS, exportTo)",
};

pub fn check(cx: &mut RuleCx) {
    crate::rules::validation::run(
        cx,
        &META,
        "DestinationRule",
        crate::rules::validation::Level::Error,
    );
}
