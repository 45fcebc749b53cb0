//! `gateway-schema-error` (IST0106): a Gateway value that Istio's validation rejects (name, servers, hosts, ports, bind, TLS settings). The checks live in [`super::validate::gateway`].

use super::RuleCx;
use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "gateway-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.Gateway"),
    summary: "a Gateway value that Istio's validation rejects (name, servers, hosts, ports, bind, TLS settings)",
};

pub fn check(cx: &mut RuleCx) {
    super::validate::run(cx, &META, "Gateway", super::validate::Level::Error);
}
