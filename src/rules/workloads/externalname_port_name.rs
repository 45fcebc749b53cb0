//! `externalname-port-name` (IST0150): an ExternalName Service port whose name does not give
//! Istio a protocol (or is plain `tcp`).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::workloads::port_name_convention::unsupported_ports;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0150",
    name: "externalname-port-name",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: Some("service.PortNameAnalyzer"),
    summary:
        "a port of an ExternalName Service is unnamed, named `tcp`, or its name gives no protocol",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for &id in ix.of_kind("Service") {
        let r = ix.resource(id);
        let Some((svc, ports)) = unsupported_ports(r) else {
            continue;
        };
        let Some(ty) = svc.type_.as_ref().filter(|t| t.value == "ExternalName") else {
            continue;
        };
        for p in ports {
            let number = p
                .port
                .as_ref()
                .map(|n| n.value.to_string())
                .unwrap_or_else(|| "?".into());
            let (what, span) = match &p.name {
                Some(n) if n.value == "tcp" => ("is named `tcp`".to_string(), n.span),
                Some(n) => (
                    format!("is named `{}`, which gives no protocol", n.value),
                    n.span,
                ),
                None => (
                    "has no name".to_string(),
                    p.port.as_ref().map(|n| n.span).unwrap_or(r.name_span),
                ),
            };
            let d = Diagnostic::new(
                &META,
                format!(
                    "port {number} of ExternalName Service `{}/{}` {what}",
                    r.namespace, r.name
                ),
            )
            .at(span, "port name of an ExternalName Service")
            .related(ty.span, "ExternalName Service")
            .help("name the port after its protocol (`http`, `https`, `tls`, `http2`, `grpc`, ...); Istio cannot sniff the protocol of an ExternalName Service and routes it as opaque TCP");
            cx.report(r, d);
        }
    }
}
