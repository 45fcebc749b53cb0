//! `routes-ignored-by-port-protocol` (ML106): a mesh VirtualService's `http`, `tcp` or `tls`
//! routes for a host none of whose ports carries that kind of traffic at a sidecar, so they
//! never apply there.
//!
//! A sidecar builds each outbound port's listener from the port's protocol (pilot/pkg/
//! networking/core/listener.go with `ModelProtocolToListenerProtocol`; tls.go): an HTTP port
//! (`http`, `http2`, `grpc`, `grpc-web`, `http_proxy`) gets the HTTP routes only; a TCP port
//! (`tcp`, `mongo`, `redis`, `mysql`) the `tcp` routes (`buildSidecarOutboundTCPFilterChainOpts`);
//! a TLS port (`tls`, `https`) the `tls` routes (`buildSidecarOutboundTLSFilterChainOpts`, which
//! also leaves out `tcp` routes there); a port whose protocol is not declared is sniffed, and
//! gets the HTTP and `tcp` routes.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::host::is_wildcard;
use crate::index::kubernetes::service_port_protocol;
use crate::model::{Resource, Spec};
use crate::rules::RuleCx;
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    code: "ML106",
    name: "routes-ignored-by-port-protocol",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary:
        "http, tcp or tls routes for a host none of whose ports carries that traffic at a sidecar",
};

/// A port of the host: number, protocol (`None`: sniffed), where it is declared, its owner.
struct Port<'r> {
    number: i64,
    protocol: Option<String>,
    span: Span,
    owner: &'r Resource,
}

/// Which route section a sidecar reads on a port of `protocol`.
fn reads(protocol: Option<&str>, section: &str) -> bool {
    match protocol.map(str::to_ascii_uppercase).as_deref() {
        None => section == "http" || section == "tcp",
        Some("HTTP" | "HTTP2" | "GRPC" | "GRPC-WEB" | "HTTP_PROXY") => section == "http",
        Some("TCP" | "MONGO" | "REDIS" | "MYSQL") => section == "tcp",
        Some("TLS" | "HTTPS") => section == "tls",
        // UDP and anything else: not decided here
        Some(_) => true,
    }
}

/// The ports of the Services and ServiceEntries of `fqdn`; `None` when the input does not
/// decide them (none is defined, or one is far from the VirtualService).
fn ports<'r>(cx: &RuleCx<'_, 'r>, fqdn: &str, vs: &Resource) -> Option<Vec<Port<'r>>> {
    let ix = cx.index;
    let mut out = Vec::new();
    let mut owners = 0;
    for &id in ix.services_for_host(fqdn) {
        let r = ix.resource(id);
        let Spec::Service(s) = &r.spec else { continue };
        if !ix.next_to(r, vs) {
            return None;
        }
        owners += 1;
        for p in &s.ports {
            let Some(n) = &p.port else { continue };
            let name = p.name.as_ref().map_or("", |x| x.value.as_str());
            out.push(Port {
                number: n.value,
                protocol: service_port_protocol(
                    Some(n.value),
                    name,
                    p.protocol.as_ref().map(|x| x.value.as_str()),
                    p.app_protocol.as_ref().map(|x| x.value.as_str()),
                )
                .map(str::to_string),
                span: p.name.as_ref().map_or(n.span, |x| x.span),
                owner: r,
            });
        }
    }
    for id in ix.service_entries_for_host(fqdn) {
        let r = ix.resource(id);
        let Spec::ServiceEntry(se) = &r.spec else {
            continue;
        };
        if !ix.next_to(r, vs) {
            return None;
        }
        owners += 1;
        for p in &se.ports {
            let Some(n) = &p.number else { continue };
            out.push(Port {
                number: n.value,
                protocol: p.protocol.as_ref().map(|x| x.value.to_string()),
                span: p.protocol.as_ref().map_or(n.span, |x| x.span),
                owner: r,
            });
        }
    }
    (owners > 0 && !out.is_empty()).then_some(out)
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        let mesh = vs.gateways.is_empty() || vs.gateways.iter().any(|g| g.value == "mesh");
        if !mesh || vs.hosts.is_empty() {
            continue;
        }
        let sections = [
            ("http", vs.http.first().map(|h| h.span)),
            ("tcp", vs.tcp.first().map(|t| t.span)),
            ("tls", vs.tls.first().map(|t| t.span)),
        ];
        for (section, first) in sections {
            let Some(first) = first else { continue };
            // one host whose ports all refuse the section, and none that takes it
            let mut refusing: Option<(String, Vec<Port>)> = None;
            let mut taken = false;
            for h in &vs.hosts {
                if is_wildcard(&h.value) {
                    taken = true;
                    break;
                }
                let fqdn = ix.fqdn(&h.value, &r.namespace);
                let Some(ps) = ports(cx, &fqdn, r) else {
                    taken = true;
                    break;
                };
                if ps.iter().any(|p| reads(p.protocol.as_deref(), section)) {
                    taken = true;
                    break;
                }
                refusing.get_or_insert((h.value.to_string(), ps));
            }
            let Some((host, ps)) = refusing.filter(|_| !taken) else {
                continue;
            };
            let listed: Vec<String> = ps
                .iter()
                .map(|p| {
                    format!(
                        "{} {}",
                        p.number,
                        p.protocol.as_deref().unwrap_or("sniffed")
                    )
                })
                .collect();
            let owner = ps[0].owner;
            let wants = match section {
                "http" => {
                    "HTTP ports (`http-...`, `grpc-...`) or ports without a declared protocol"
                }
                "tcp" => {
                    "TCP ports (`tcp-...`, `mongo-...`, ...) or ports without a declared protocol"
                }
                _ => "TLS ports (`tls-...`, `https-...`)",
            };
            let mut d = Diagnostic::new(
                &META,
                format!(
                    "VirtualService `{}/{}` has `{section}` routes for `{host}`, but no port of {} `{}/{}` carries that traffic at a sidecar ({}); sidecars read `{section}` routes on {wants} only, so they never apply these",
                    r.namespace,
                    r.name,
                    owner.kind,
                    owner.namespace,
                    owner.name,
                    listed.join(", ")
                ),
            )
            .at(first, format!("`{section}` routes never applied at sidecars"));
            for p in ps.iter().take(3) {
                d = d.related(
                    p.span,
                    format!(
                        "port {} is {}",
                        p.number,
                        p.protocol.as_deref().unwrap_or("sniffed")
                    ),
                );
            }
            let help = match section {
                "tls" => "name the port `tls-...` or `https-...` (or set `appProtocol: tls`) if clients send TLS to it, or route it with `tcp`/`http` routes",
                "tcp" => "name the port `tcp-...` (or set `appProtocol: tcp`) if the traffic is not HTTP, or write the routes as `http` routes",
                _ => "name the port `http-...` (or set `appProtocol: http`) if the traffic is plain HTTP, or write the routes as `tcp`/`tls` routes",
            };
            cx.report(r, d.help(help));
        }
    }
}
