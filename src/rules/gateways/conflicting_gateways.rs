//! `conflicting-gateways` (IST0145): two Gateways that apply to the same gateway workloads
//! (equal selectors, or selectors that both match a workload) define a server on the same port
//! with the same host and `bind`.
//!
//! What istiod does with the pair decides the severity (pilot/pkg/model/gateway.go
//! `mergeGateways`): two servers that both carry `tls` go through `CheckDuplicates` and the later
//! one is skipped whole; a pair where either side is not an HTTP protocol (`canMergeProtocols`)
//! is skipped too. Both are errors. Two plain-text HTTP-family servers (HTTP, HTTP2, GRPC,
//! GRPC-Web, HTTP_PROXY) are merged into one route configuration, and
//! pilot/pkg/networking/core/gateway.go `buildGatewayHTTPRouteConfig` appends the routes of both
//! Gateways' VirtualServices to one virtual host (`vHostDedupMap`): nothing is dropped, only the
//! order of the routes across the two Gateways is not the user's; that is reported as info.

use crate::diagnostics::{join_open, Category, Diagnostic, RuleMeta, Severity, MAX_LISTED};
use crate::index::gateways::{istio_gateways, selected_by_gateway};
use crate::index::ResourceId;
use crate::model::istio::Server;
use crate::rules::gateways::common::selector_string;
use crate::rules::RuleCx;
use std::collections::{HashMap, HashSet};

pub static META: RuleMeta = RuleMeta {
    code: "IST0145",
    name: "conflicting-gateways",
    severity: Severity::Error,
    category: Category::Routing,
    analyzer: Some("gateway.ConflictingGatewayAnalyzer"),
    summary: "two Gateways on the same workloads serve the same host on the same port",
};

/// A server host: (gateway, server index, host span).
type ServerHost = (ResourceId, usize, crate::source::Span);

/// istio `protocol.Instance.IsHTTP`: the protocols whose plain-text servers istiod merges.
fn is_http_family(protocol: Option<&str>) -> bool {
    let p = protocol.unwrap_or("").to_ascii_lowercase();
    matches!(
        p.as_str(),
        "http" | "http2" | "http_proxy" | "grpc" | "grpc-web"
    )
}

/// Whether istiod merges the two servers (both plain-text HTTP-family: `canMergeProtocols`, and
/// not both with `tls`, which `CheckDuplicates` would skip) instead of dropping one.
fn merged(a: &Server, b: &Server) -> bool {
    fn proto(s: &Server) -> Option<&str> {
        s.port_protocol.as_ref().map(|p| p.value.as_str())
    }
    is_http_family(proto(a))
        && is_http_family(proto(b))
        && !(a.tls_span.is_some() && b.tls_span.is_some())
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let gws: Vec<_> = istio_gateways(ix).collect();
    if gws.len() < 2 {
        return;
    }
    // (port, host, bind) → (gateway, server index, host span)
    let mut by_key: HashMap<(i64, &str, &str), Vec<ServerHost>> = HashMap::new();
    for &(id, _, g) in &gws {
        for (si, s) in g.servers.iter().enumerate() {
            let Some(port) = &s.port_number else { continue };
            let bind = s.bind.as_ref().map(|b| b.value.as_str()).unwrap_or("");
            for h in &s.hosts {
                by_key
                    .entry((port.value, h.value.as_str(), bind))
                    .or_default()
                    .push((id, si, h.span));
            }
        }
    }
    let selectors: HashMap<ResourceId, String> = gws
        .iter()
        .map(|&(id, _, g)| (id, selector_string(&g.selector)))
        .collect();
    let by_id: HashMap<ResourceId, _> = gws.iter().map(|x| (x.0, x.2)).collect();
    let mut workloads: HashMap<ResourceId, HashSet<ResourceId>> = HashMap::new();
    let mut overlap = |a: ResourceId, b: ResourceId| -> bool {
        if selectors[&a] == selectors[&b] {
            return true;
        }
        for id in [a, b] {
            workloads.entry(id).or_insert_with(|| {
                let Some(&g) = by_id.get(&id) else {
                    return HashSet::new();
                };
                selected_by_gateway(ix, g).into_iter().collect()
            });
        }
        !workloads[&a].is_disjoint(&workloads[&b])
    };
    for &(id, r, g) in &gws {
        for s in &g.servers {
            let Some(port) = &s.port_number else { continue };
            let bind = s.bind.as_ref().map(|b| b.value.as_str()).unwrap_or("");
            // (other gateway, host, span here, span there); the pairs istiod drops a server of,
            // and the pairs it merges
            type Hit<'h> = (
                ResourceId,
                &'h str,
                crate::source::Span,
                crate::source::Span,
            );
            let mut drops: Vec<Hit> = Vec::new();
            let mut merges: Vec<Hit> = Vec::new();
            // the gateways already seen (a set: one host can be served by thousands)
            let mut seen: HashSet<ResourceId> = HashSet::new();
            // one past the listed maximum is enough to know the list is cut
            'hosts: for h in &s.hosts {
                let Some(others) = by_key.get(&(port.value, h.value.as_str(), bind)) else {
                    continue;
                };
                for &(other, osi, other_span) in others {
                    if other == id || seen.contains(&other) || !overlap(id, other) {
                        continue;
                    }
                    seen.insert(other);
                    let merge = by_id
                        .get(&other)
                        .and_then(|og| og.servers.get(osi))
                        .is_some_and(|os| merged(s, os));
                    let hit = (other, h.value.as_str(), h.span, other_span);
                    if !merge {
                        drops.push(hit);
                        if drops.len() > MAX_LISTED {
                            break 'hosts;
                        }
                    } else if merges.len() <= MAX_LISTED {
                        merges.push(hit);
                    }
                }
            }
            let dropped = !drops.is_empty();
            let mut hits = if dropped { drops } else { merges };
            let cut = hits.len() > MAX_LISTED;
            hits.truncate(MAX_LISTED);
            let Some(&(_, host, at, _)) = hits.first() else {
                continue;
            };
            let names: Vec<String> = hits
                .iter()
                .map(|(o, _, _, _)| {
                    let o = ix.resource(*o);
                    format!("`{}/{}`", o.namespace, o.name)
                })
                .collect();
            let message = if dropped {
                format!(
                    "Gateway `{}/{}` and Gateway {} both serve host `{host}` on port {} of the same gateway workloads (selector `{}`); istiod keeps one of the servers and skips the other",
                    r.namespace,
                    r.name,
                    join_open(&names, ", ", cut),
                    port.value,
                    selector_string(&g.selector)
                )
            } else {
                format!(
                    "Gateway `{}/{}` and Gateway {} both serve host `{host}` over plain HTTP on port {} of the same gateway workloads (selector `{}`); istiod merges them and appends the routes of both, in an order the manifests do not control",
                    r.namespace,
                    r.name,
                    join_open(&names, ", ", cut),
                    port.value,
                    selector_string(&g.selector)
                )
            };
            let mut d = Diagnostic::new(&META, message)
                .severity(if dropped {
                    Severity::Error
                } else {
                    Severity::Info
                })
                .at(
                    at,
                    if dropped {
                        "host already served on this port"
                    } else {
                        "host also served by another Gateway on this port"
                    },
                )
                .istio_args({
                    let mut full: Vec<String> = hits
                        .iter()
                        .map(|(o, _, _, _)| {
                            let o = ix.resource(*o);
                            format!("{}/{}", o.namespace, o.name)
                        })
                        .collect();
                    full.sort();
                    if cut {
                        full.push("and others".to_string());
                    }
                    [
                        full.join(","),
                        selector_string(&g.selector),
                        port.value.to_string(),
                        s.hosts
                            .iter()
                            .map(|h| h.value.as_str())
                            .collect::<Vec<_>>()
                            .join(","),
                    ]
                });
            for (o, h, _, span) in &hits {
                let o = ix.resource(*o);
                d = d.related(
                    *span,
                    format!(
                        "Gateway `{}/{}` serves `{h}` on port {} here",
                        o.namespace, o.name, port.value
                    ),
                );
            }
            let d = if dropped {
                d.help(
                    "serve each host on a port from one Gateway only: merge the servers into one \
                     Gateway, or use different hosts, ports or gateway workloads; istiod skips the \
                     later server whole, with its TLS settings and the routes bound through it",
                )
            } else {
                d.help(
                    "nothing is dropped; if the VirtualServices bound to these Gateways have \
                     overlapping matches for the host, serve it from one Gateway so that the route \
                     order is yours",
                )
            };
            cx.report(r, d);
        }
    }
}
