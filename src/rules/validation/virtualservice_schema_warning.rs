//! `virtualservice-schema-warning` (IST0133): a VirtualService value that Istio's validation accepts with a warning (legacy gateway names, IP SNI hosts, large direct-response bodies). The checks live in [`crate::rules::validation::virtualservice`].

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0133",
    name: "virtualservice-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.VirtualService"),
    summary: "a VirtualService value that Istio's validation accepts with a warning (legacy gateway names, IP SNI hosts, large direct-response bodies)",
};

pub fn check(cx: &mut RuleCx) {
    crate::rules::validation::run(
        cx,
        &META,
        "VirtualService",
        crate::rules::validation::Level::Warning,
    );
}
