//! `gateway-schema-error` (IST0106): a Gateway value that Istio's validation rejects (name, servers, hosts, ports, bind, TLS settings). The checks live in [`crate::rules::validation::gateway`].

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "gateway-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.Gateway"),
    summary: "a Gateway value that Istio's validation rejects (name, servers, hosts, ports, bind, TLS settings)",
};

pub fn check(cx: &mut RuleCx) {
    crate::rules::validation::run(cx, &META, "Gateway", crate::rules::validation::Level::Error);
}
