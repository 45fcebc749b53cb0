//! `peerauthentication-schema-warning` (IST0133): a PeerAuthentication that Istio's validation accepts with a warning (a workload selector without labels).

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0133",
    name: "peerauthentication-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.PeerAuthentication"),
    summary: "a PeerAuthentication that Istio's validation accepts with a warning (a workload selector without labels)",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "PeerAuthentication", Level::Warning);
}
