//! `duplicate-sni-on-gateway` (ML406): two `tls` routes claim one SNI host on a TLS passthrough
//! port of the same gateway workloads; istiod routes the host by the first and skips the other.
//!
//! istiod builds a filter chain per `tls` match of the VirtualServices bound to a PASSTHROUGH
//! server (pilot/pkg/networking/core/gateway.go, `buildGatewayNetworkFiltersFromTLSRoutes`) and
//! skips a match any of whose `sniHosts` an earlier match already routes on that listener port
//! with the same bind (`model.CheckDuplicates`, logged "skipping VirtualService ... duplicate
//! SNI host names" and counted as rejected config). Earlier means: the VirtualServices in order
//! (oldest first), their `tls` routes and matches in order; servers of several Gateways that
//! select the same workloads share the listener.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::gateways::{istio_gateways, server_serves};
use crate::index::{GatewayTarget, ResourceId};
use crate::model::istio::Server;
use crate::rules::gateways::common::selector_string;
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::{BTreeMap, HashMap};

pub static META: RuleMeta = RuleMeta {
    code: "ML406",
    name: "duplicate-sni-on-gateway",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary: "two tls routes claim one SNI host on a TLS passthrough port of the same gateway workloads; istiod keeps the first",
};

/// A listener of the gateway workloads: (selector, port, bind).
type Key = (String, i64, String);

/// One `tls` match routing an SNI host at a passthrough server.
struct Claim {
    vs: ResourceId,
    route: usize,
    match_index: usize,
    span: Span,
    /// The match's duplicate key: a repeat of an earlier match of the same VirtualService is
    /// IST0130/IST0131's finding.
    key: crate::model::istio::MatchKey,
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // passthrough servers by (gateway workloads, port, bind)
    let mut claims: BTreeMap<(Key, String), Vec<Claim>> = BTreeMap::new();
    let mut gateways_of: BTreeMap<Key, Vec<ResourceId>> = BTreeMap::new();
    // the passthrough servers of each Gateway, with their key
    let mut passthrough: HashMap<ResourceId, Vec<(Key, &Server)>> = HashMap::new();
    for (gid, _, g) in istio_gateways(ix) {
        for s in &g.servers {
            let on = s
                .tls_mode
                .as_ref()
                .is_some_and(|m| m.value.eq_ignore_ascii_case("PASSTHROUGH"));
            let Some(port) = s.port_number.as_ref().filter(|_| on) else {
                continue;
            };
            let key: Key = (
                selector_string(&g.selector),
                port.value,
                s.bind
                    .as_ref()
                    .map_or(String::new(), |b| b.value.to_string()),
            );
            let gws = gateways_of.entry(key.clone()).or_default();
            if !gws.contains(&gid) {
                gws.push(gid);
            }
            passthrough.entry(gid).or_default().push((key, s));
        }
    }
    if passthrough.is_empty() {
        return;
    }
    for (vid, vr, vs) in ix.virtual_services() {
        if vs.tls.is_empty() {
            continue;
        }
        for w in &vs.gateways {
            let GatewayTarget::Istio(gid) = ix.resolve_gateway(&w.value, &vr.namespace) else {
                continue;
            };
            let Some(servers) = passthrough.get(&gid) else {
                continue;
            };
            let gr = ix.resource(gid);
            let gw_name = format!("{}/{}", gr.namespace, gr.name);
            for (key, s) in servers {
                if !server_serves(s, &gr.namespace, &vr.namespace, &vs.hosts) {
                    continue;
                }
                for route in vs.tls.iter().filter(|t| !t.route.is_empty()) {
                    for (mi, m) in route.matches.iter().flatten().enumerate() {
                        // l4SingleMatch: the port and the gateways of the match
                        let port_ok = m
                            .port
                            .as_ref()
                            .is_none_or(|p| p.value == 0 || p.value == key.1);
                        let gw_ok = m.gateways.is_empty()
                            || m.gateways.iter().any(|w| {
                                let (ns, name) = crate::index::host::resolve_gateway_ref(
                                    &w.value,
                                    &vr.namespace,
                                );
                                format!("{ns}/{name}") == gw_name
                            });
                        if !port_ok || !gw_ok {
                            continue;
                        }
                        for h in &m.sni_hosts {
                            let list = claims
                                .entry((key.clone(), h.value.to_string()))
                                .or_default();
                            // the same match seen through a second Gateway of these workloads
                            if list.iter().any(|c| {
                                c.vs == vid && c.route == route.index && c.match_index == mi
                            }) {
                                continue;
                            }
                            list.push(Claim {
                                vs: vid,
                                route: route.index,
                                match_index: mi,
                                span: h.span,
                                key: m.canonical,
                            });
                        }
                    }
                }
            }
        }
    }
    for ((key, sni), list) in claims {
        if list.len() < 2 {
            continue;
        }
        let (selector, port, _) = &key;
        let name = |id: ResourceId| {
            let r = ix.resource(id);
            format!("{}/{}", r.namespace, r.name)
        };
        let gws: Vec<String> = gateways_of[&key]
            .iter()
            .map(|&g| format!("`{}`", name(g)))
            .collect();
        let on = format!(
            "port {port} of Gateway{} {} (workloads `{selector}`)",
            if gws.len() > 1 { "s" } else { "" },
            and_list(&gws)
        );
        let one_vs = list.iter().all(|c| c.vs == list[0].vs);
        // within one VirtualService, matches that repeat an earlier one are unreachable
        // (IST0130/IST0131 report them): only the others are this rule's
        let list: Vec<&Claim> = list
            .iter()
            .enumerate()
            .filter(|(i, c)| !one_vs || !list[..*i].iter().any(|e| e.key == c.key))
            .map(|(_, c)| c)
            .collect();
        if list.len() < 2 {
            continue;
        }
        // within one VirtualService the order is known: the later matches are skipped
        let (first, rest) = (list[0], &list[1..]);
        let (primary, message, help) = if one_vs {
            let later = rest[0];
            (
                later,
                format!(
                    "`tls[{}].match[{}]` of VirtualService `{}` routes SNI host `{sni}` on {on}, which `tls[{}].match[{}]` already routes: istiod skips the later match (duplicate SNI host)",
                    later.route,
                    later.match_index,
                    name(later.vs),
                    first.route,
                    first.match_index
                ),
                "remove the later match, or give it SNI hosts no earlier match routes".to_string(),
            )
        } else {
            let mut vss: Vec<String> = list.iter().map(|c| format!("`{}`", name(c.vs))).collect();
            vss.dedup();
            (
                rest.iter().find(|c| c.vs != first.vs).copied().unwrap_or(rest[0]),
                format!(
                    "SNI host `{sni}` is routed on {on} by VirtualServices {}; istiod keeps the route of the oldest and skips the others' match (duplicate SNI host), so each connection for `{sni}` goes to one of them only",
                    and_list(&vss)
                ),
                format!("route `{sni}` in one VirtualService, or give each VirtualService its own SNI hosts"),
            )
        };
        let mut d = Diagnostic::new(&META, message).at(primary.span, "SNI host claimed twice");
        for c in list.iter().filter(|c| !std::ptr::eq(**c, primary)) {
            d = d.related(
                c.span,
                format!(
                    "also routed by VirtualService `{}` tls[{}]",
                    name(c.vs),
                    c.route
                ),
            );
        }
        cx.report(ix.resource(primary.vs), d.help(help));
    }
}
