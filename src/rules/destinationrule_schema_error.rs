//! `destinationrule-schema-error` (IST0106): a DestinationRule value that Istio's validation rejects (host, subsets, traffic policy, load balancer, TLS, exportTo). The checks live in [`super::validate::destinationrule`].

use super::RuleCx;
use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "destinationrule-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.DestinationRule"),
    summary: "a DestinationRule value that Istio's validation rejects (host, subsets, traffic policy, load balancer, TLS, exportTo)",
};

pub fn check(cx: &mut RuleCx) {
    super::validate::run(cx, &META, "DestinationRule", super::validate::Level::Error);
}
