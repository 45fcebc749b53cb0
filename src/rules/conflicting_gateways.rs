//! `conflicting-gateways` (IST0145): two Gateways that apply to the same gateway workloads
//! (equal selectors, or selectors that both match a workload) define a server on the same port
//! with the same host and `bind`; the proxy gets two filter chains for one host and keeps one.

use super::gateway_common::{gateways, selected_workloads, selector_string};
use super::RuleCx;
use crate::diagnostics::{join_open, Category, Diagnostic, RuleMeta, Severity, MAX_LISTED};
use crate::index::ResourceId;
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

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let gws: Vec<_> = gateways(ix).collect();
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
                selected_workloads(ix, g).into_iter().collect()
            });
        }
        !workloads[&a].is_disjoint(&workloads[&b])
    };
    for &(id, r, g) in &gws {
        for s in &g.servers {
            let Some(port) = &s.port_number else { continue };
            let bind = s.bind.as_ref().map(|b| b.value.as_str()).unwrap_or("");
            let mut hits: Vec<(ResourceId, &str, crate::source::Span, crate::source::Span)> =
                Vec::new();
            // the gateways already in `hits` (a set: one host can be served by thousands)
            let mut seen: HashSet<ResourceId> = HashSet::new();
            // one past the listed maximum is enough to know the list is cut
            'hosts: for h in &s.hosts {
                let Some(others) = by_key.get(&(port.value, h.value.as_str(), bind)) else {
                    continue;
                };
                for &(other, _, other_span) in others {
                    if other == id || seen.contains(&other) || !overlap(id, other) {
                        continue;
                    }
                    seen.insert(other);
                    hits.push((other, h.value.as_str(), h.span, other_span));
                    if hits.len() > MAX_LISTED {
                        break 'hosts;
                    }
                }
            }
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
            let mut d = Diagnostic::new(
                &META,
                format!(
                    "Gateway `{}/{}` and Gateway {} both serve host `{host}` on port {} of the same gateway workloads (selector `{}`)",
                    r.namespace,
                    r.name,
                    join_open(&names, ", ", cut),
                    port.value,
                    selector_string(&g.selector)
                ),
            )
            .at(at, "host already served on this port")
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
            let d = d.help(
                "serve each host on a port from one Gateway only: merge the servers into one \
                 Gateway, or use different hosts, ports or gateway workloads; with duplicates the \
                 proxy keeps one server and the other's TLS and routes are ignored",
            );
            cx.report(r, d);
        }
    }
}
