//! `gateway-schema-warning` (IST0133): a Gateway value that Istio's validation accepts with a warning (ignored certificates, cipher suites, httpsRedirect). The checks live in [`crate::rules::validation::gateway`].

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0133",
    name: "gateway-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.Gateway"),
    summary: "a Gateway value that Istio's validation accepts with a warning (ignored certificates, cipher suites, httpsRedirect)",
};

pub fn check(cx: &mut RuleCx) {
    crate::rules::validation::run(
        cx,
        &META,
        "Gateway",
        crate::rules::validation::Level::Warning,
    );
}
