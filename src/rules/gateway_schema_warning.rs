//! `gateway-schema-warning` (IST0133): a Gateway value that Istio's validation accepts with a warning (ignored certificates, cipher suites, httpsRedirect). The checks live in [`super::validate::gateway`].

use super::RuleCx;
use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "IST0133",
    name: "gateway-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.Gateway"),
    summary: "a Gateway value that Istio's validation accepts with a warning (ignored certificates, cipher suites, httpsRedirect)",
};

pub fn check(cx: &mut RuleCx) {
    super::validate::run(cx, &META, "Gateway", super::validate::Level::Warning);
}
