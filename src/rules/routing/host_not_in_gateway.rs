//! `host-not-in-gateway` (IST0132): none of a VirtualService's hosts is served by a gateway it
//! binds to (taking the gateway servers' `namespace/` host prefixes into account).

use crate::diagnostics::istio_messages::go_list;
use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::evidence::Class;
use crate::index::{host, GatewayTarget};
use crate::model::gateway_api::Object;
use crate::model::Spec;
use crate::rules::RuleCx;
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    code: "IST0132",
    name: "host-not-in-gateway",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: Some("virtualservice.GatewayAnalyzer"),
    summary: "no host of a VirtualService is served by a gateway it binds to",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for gw in &vs.gateways {
            // (server host without namespace prefix, its span) visible to this VirtualService
            let mut served: Vec<(String, Option<Span>)> = Vec::new();
            let mut all_hosts: Vec<String> = Vec::new();
            let gw_label;
            let gw_span;
            let gw_full;
            match ix.resolve_gateway(&gw.value, &r.namespace) {
                GatewayTarget::Mesh | GatewayTarget::Internal => continue,
                GatewayTarget::Istio(id) => {
                    let g = ix.resource(id);
                    let Spec::Gateway(spec) = &g.spec else {
                        continue;
                    };
                    for s in &spec.servers {
                        for h in &s.hosts {
                            let (ns, name) = match h.value.split_once('/') {
                                Some((".", n)) => (g.namespace.as_str(), n),
                                Some((ns, n)) => (ns, n),
                                None => ("*", h.value.as_str()),
                            };
                            all_hosts.push(h.value.to_string());
                            if ns == "*" || ns == r.namespace {
                                served.push((name.to_string(), Some(h.span)));
                            }
                        }
                    }
                    gw_label = format!("Gateway `{}/{}`", g.namespace, g.name);
                    gw_full = format!("{}/{}", g.namespace, g.name);
                    gw_span = Some(g.name_span);
                }
                GatewayTarget::Kube(id) => {
                    let g = ix.resource(id);
                    let Some(Object::Gateway(kg)) =
                        crate::index::gateway_api::object(g).map(|x| &x.object)
                    else {
                        continue;
                    };
                    for l in &kg.listeners {
                        // istioctl (istio#60776): a listener without a hostname, or with an
                        // empty one, serves every host
                        match l.hostname.as_ref().filter(|h| !h.value.is_empty()) {
                            Some(h) => {
                                all_hosts.push(h.value.to_string());
                                served.push((h.value.to_string(), Some(h.span)));
                            }
                            None => served.push(("*".to_string(), None)),
                        }
                    }
                    gw_label = format!("Gateway `{}/{}` (Gateway API)", g.namespace, g.name);
                    gw_full = format!("{}/{}", g.namespace, g.name);
                    gw_span = Some(g.name_span);
                }
                GatewayTarget::Missing(ns, name)
                    if !ix.evidence(Class::Gateway, &ns, r)
                        && ix.gateways_named(&name).is_empty() =>
                {
                    // outside the input (see gateway-not-found): nothing to compare against
                    continue;
                }
                GatewayTarget::Missing(ns, name) => {
                    // istioctl reports this alongside the missing gateway; keep parity
                    gw_label = format!("gateway `{ns}/{name}` (not found)");
                    gw_full = format!("{ns}/{name}");
                    gw_span = None;
                }
            }
            let hit = vs
                .hosts
                .iter()
                .any(|vh| served.iter().any(|(sh, _)| host::matches(sh, &vh.value)));
            if hit {
                continue;
            }
            let vs_hosts: Vec<&str> = vs.hosts.iter().map(|h| h.value.as_str()).collect();
            let at = vs.hosts.first().map(|h| h.span).unwrap_or(gw.span);
            let message = if gw_span.is_none() {
                format!(
                    "host(s) {} of VirtualService `{}/{}` cannot be served: {gw_label} does not exist",
                    quote_list(&vs_hosts),
                    r.namespace,
                    r.name
                )
            } else {
                format!(
                    "no host of VirtualService `{}/{}` ({}) is served by {gw_label}",
                    r.namespace,
                    r.name,
                    quote_list(&vs_hosts)
                )
            };
            let mut d = Diagnostic::new(&META, message)
                .at(at, "host not served by the gateway")
                .related(gw.span, "bound to this gateway")
                .istio_args([
                    go_list(&vs_hosts),
                    format!("{}/{}", r.namespace, r.name),
                    gw_full,
                ]);
            if let Some(s) = gw_span {
                d = d.related(s, format!("{gw_label} is defined here"));
            }
            let help = if gw_span.is_none() {
                "create the gateway or fix the `gateways` entry".to_string()
            } else if all_hosts.is_empty() {
                format!("{gw_label} has no server hosts; add a server listing one of the VirtualService's hosts")
            } else if served.is_empty() {
                format!(
                    "{gw_label} serves {} but none is visible to namespace `{}`; prefix the server host with `{}/` or `*/`",
                    quote_list(&all_hosts.iter().map(String::as_str).collect::<Vec<_>>()),
                    r.namespace,
                    r.namespace
                )
            } else {
                format!(
                    "add one of the VirtualService's hosts to {gw_label} or use a host it serves: {}",
                    quote_list(&all_hosts.iter().map(String::as_str).collect::<Vec<_>>())
                )
            };
            cx.report(r, d.help(help));
        }
    }
}

fn quote_list(items: &[&str]) -> String {
    if items.is_empty() {
        return "(none)".to_string();
    }
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
