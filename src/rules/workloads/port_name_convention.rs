//! `port-name-convention` (IST0118): a Service port whose protocol Istio cannot tell from
//! `appProtocol` or a `<protocol>[-suffix]` name.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::kubernetes::{
    is_istio_control_plane, is_managed_gateway, is_system_namespace, service_port_protocol,
};
use crate::model::k8s::{Service, ServicePort};
use crate::model::{Resource, Spec};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0118",
    name: "port-name-convention",
    severity: Severity::Info,
    category: Category::Routing,
    analyzer: Some("service.PortNameAnalyzer"),
    summary: "a Service port has neither appProtocol nor a name of the form <protocol>[-suffix]",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

/// The Services the port-name analyzer looks at, with the ports it reports.
pub fn unsupported_ports(r: &Resource) -> Option<(&Service, Vec<&ServicePort>)> {
    let Spec::Service(svc) = &r.spec else {
        return None;
    };
    if is_system_namespace(&r.namespace) || is_istio_control_plane(r) || is_managed_gateway(r) {
        return None;
    }
    let external = svc
        .type_
        .as_ref()
        .is_some_and(|t| t.value == "ExternalName");
    let ports = svc
        .ports
        .iter()
        .filter(|p| {
            let name = p.name.as_ref().map(|n| n.value.as_str()).unwrap_or("");
            let proto = service_port_protocol(
                p.port.as_ref().map(|p| p.value),
                name,
                p.protocol.as_ref().map(|p| p.value.as_str()),
                p.app_protocol.as_ref().map(|p| p.value.as_str()),
            );
            proto.is_none() || (external && name == "tcp")
        })
        .collect();
    Some((svc, ports))
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for &id in ix.of_kind("Service") {
        let r = ix.resource(id);
        let Some((svc, ports)) = unsupported_ports(r) else {
            continue;
        };
        if svc
            .type_
            .as_ref()
            .is_some_and(|t| t.value == "ExternalName")
        {
            continue;
        }
        for p in ports {
            let number = p
                .port
                .as_ref()
                .map(|n| n.value.to_string())
                .unwrap_or_else(|| "?".into());
            let (msg, span, label) = match (&p.name, &p.app_protocol) {
                (Some(n), Some(ap)) => (
                    format!(
                        "port {number} of Service `{}/{}` has appProtocol `{}`, which Istio does not know",
                        r.namespace, r.name, ap.value
                    ),
                    ap.span,
                    format!("unknown protocol; port name `{}` is not used", n.value),
                ),
                (None, Some(ap)) => (
                    format!(
                        "port {number} of Service `{}/{}` has appProtocol `{}`, which Istio does not know",
                        r.namespace, r.name, ap.value
                    ),
                    ap.span,
                    "unknown protocol".to_string(),
                ),
                (Some(n), None) => (
                    format!(
                        "port {number} of Service `{}/{}` is named `{}`, which does not start with a protocol",
                        r.namespace, r.name, n.value
                    ),
                    n.span,
                    "not `<protocol>[-suffix]`".to_string(),
                ),
                (None, None) => (
                    format!(
                        "port {number} of Service `{}/{}` has no name and no appProtocol",
                        r.namespace, r.name
                    ),
                    p.port.as_ref().map(|n| n.span).unwrap_or(r.name_span),
                    "protocol unknown".to_string(),
                ),
            };
            // istioctl: port name, port, targetPort (files are not defaulted: unset is 0)
            let target = p
                .target_port
                .as_ref()
                .map(|t| t.value.to_string())
                .unwrap_or_else(|| "0".to_string());
            let name = p
                .name
                .as_ref()
                .map(|n| n.value.to_string())
                .unwrap_or_default();
            let d = Diagnostic::new(&META, msg)
                .at(span, label)
                .istio_args([name, number.clone(), target])
                .help("set `appProtocol` (http, http2, grpc, tcp, tls, ...) or name the port `<protocol>[-suffix]` such as `http-web`; otherwise Istio sniffs the protocol, which adds latency and fails for server-first protocols");
            cx.report(r, d);
        }
    }
}
