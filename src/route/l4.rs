//! TCP and TLS connections (`meshlint route --protocol tcp|tls`): the `tcp` and `tls` sections
//! of VirtualServices at a sidecar or an Istio Gateway.
//!
//! Semantics from istiod:
//! - sidecar: pilot/pkg/networking/core/tls.go, `buildSidecarOutboundTCPFilterChainOpts` (the
//!   first `tcp` route whose match applies, in VirtualService order; none: the service itself)
//!   and `buildSidecarOutboundTLSFilterChainOpts` (a filter chain per applying `tls` match,
//!   keyed by its SNI hosts, the first of equal keys kept; none at all: the service itself),
//!   with `matchTCP`/`matchTLS` (port, `sourceLabels`, `gateways`, `sourceNamespace`). TLS
//!   routes apply only on ports istiod treats as TLS (`TLS`, `HTTPS`);
//! - gateway: pilot/pkg/networking/core/gateway.go, `createGatewayTCPFilterChainOpts`: a
//!   passthrough server gets a filter chain per applying `tls` match of the VirtualServices
//!   bound to it (`buildGatewayNetworkFiltersFromTLSRoutes`; SNI hosts already taken on the
//!   port are skipped), any other TCP or TLS server the first applying `tcp` route of the first
//!   VirtualService whose hosts match the server's (`buildGatewayNetworkFiltersFromTCPRoutes`,
//!   `pickMatchingGatewayHosts`, `l4MultiMatch`: only `port` and `gateways` count there);
//! - the client's SNI picks a filter chain as Envoy does (`server_names`: the exact name first,
//!   then the longest wildcard suffix); no chain: Envoy closes the connection.

use super::matcher::{Gateway, NoMatchReason, Request};
use super::sim::{Outcome, Query, ResolvedDestination, RuleRow, Simulation, Simulator};
use crate::index::host::{self, resolve_gateway_ref, resolve_short};
use crate::index::ResourceId;
use crate::model::istio::{L4Match, L4Route, RouteDestination, Server, VirtualService};
use crate::model::Spec;

/// TCP or TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum L4 {
    Tcp,
    Tls,
}

impl L4 {
    fn section(self) -> &'static str {
        match self {
            L4::Tcp => "tcp",
            L4::Tls => "tls",
        }
    }
}

/// A route of a VirtualService's `tcp` or `tls` section.
struct Candidate<'r> {
    vs: ResourceId,
    route: &'r L4Route,
}

/// Simulates one connection.
pub fn simulate(sim: &Simulator, q: &Query, l4: L4) -> Result<Simulation, String> {
    if let Some((ns, name)) = q.gateway.as_deref().and_then(|g| g.split_once('/')) {
        if sim.ix.gateway(ns, name).is_none() && sim.ix.kube_gateway(ns, name).is_some() {
            return Err(format!(
                "`{ns}/{name}` is a Gateway API Gateway: TCPRoute and TLSRoute are not simulated (only VirtualService `tcp`/`tls` routes)"
            ));
        }
    }
    let (req, fqdn, mut notes) = sim.request(q)?;
    let sni = q.host.to_ascii_lowercase();
    let mut rows = Vec::new();
    let outcome = match &req.gateway {
        Gateway::Any => {
            return Err("TCP and TLS routing is simulated at `mesh` or a Gateway".to_string())
        }
        Gateway::Mesh => sidecar(sim, &req, &fqdn, &sni, l4, &mut rows, &mut notes)?,
        Gateway::Named { namespace, name } => {
            let id = sim
                .ix
                .gateway(namespace, name)
                .ok_or_else(|| format!("no Gateway `{namespace}/{name}` in the input"))?;
            let Spec::Gateway(g) = &sim.ix.resource(id).spec else {
                return Err(format!("`{namespace}/{name}` is not an Istio Gateway"));
            };
            gateway(sim, &req, &g.servers, &sni, l4, &mut rows, &mut notes)?
        }
    };
    let mut vss: Vec<String> = rows.iter().map(|r| r.virtual_service.clone()).collect();
    vss.dedup();
    Ok(Simulation {
        request: req,
        host: if matches!(l4, L4::Tls) { sni } else { fqdn },
        protocol: Some(l4.section()),
        virtual_services: vss,
        rules: rows,
        outcome,
        notes,
        gateway_api: None,
    })
}

/// The protocol istiod gives port `port` of the Services and ServiceEntries of `fqdn`, when the
/// input declares one.
pub(crate) fn port_protocol(sim: &Simulator, fqdn: &str, port: u32) -> Option<String> {
    for &id in sim.ix.services_for_host(fqdn) {
        if let Spec::Service(s) = &sim.ix.resource(id).spec {
            for p in &s.ports {
                if p.port.as_ref().is_some_and(|n| n.value == i64::from(port)) {
                    return crate::index::kubernetes::service_port_protocol(
                        Some(i64::from(port)),
                        p.name.as_ref().map_or("", |n| n.value.as_str()),
                        p.protocol.as_ref().map(|x| x.value.as_str()),
                        p.app_protocol.as_ref().map(|x| x.value.as_str()),
                    )
                    .map(str::to_string);
                }
            }
        }
    }
    for id in sim.ix.service_entries_for_host(fqdn) {
        if let Spec::ServiceEntry(se) = &sim.ix.resource(id).spec {
            for p in &se.ports {
                if p.number
                    .as_ref()
                    .is_some_and(|n| n.value == i64::from(port))
                {
                    return p
                        .protocol
                        .as_ref()
                        .map(|x| x.value.as_str().to_ascii_uppercase());
                }
            }
        }
    }
    None
}

fn is_tls(protocol: &str) -> bool {
    matches!(protocol, "TLS" | "HTTPS")
}

pub(crate) fn is_http(protocol: &str) -> bool {
    matches!(
        protocol,
        "HTTP" | "HTTP2" | "GRPC" | "GRPC-WEB" | "GRPC-Web" | "HTTP_PROXY"
    )
}

/// The mesh VirtualServices for `fqdn` visible to the client, in istiod's order (by
/// namespace/name here: istiod takes the oldest first, and files have no creation time).
fn mesh_virtual_services<'r>(
    sim: &Simulator<'_, 'r>,
    req: &Request,
    fqdn: &str,
    notes: &mut Vec<String>,
) -> Vec<(ResourceId, &'r VirtualService)> {
    let mut out: Vec<(ResourceId, &'r VirtualService)> = sim
        .ix
        .virtual_services()
        .filter(|(_, r, vs)| {
            let mesh = vs.gateways.is_empty() || vs.gateways.iter().any(|g| g.value == "mesh");
            mesh && !vs.hosts.is_empty()
                && sim.visible(&vs.export_to, &r.namespace, &req.source_namespace)
                && vs.hosts.iter().any(|h| {
                    host::matches(
                        &resolve_short(&h.value, &r.namespace, &sim.ix.mesh.domain),
                        fqdn,
                    )
                })
        })
        .map(|(id, _, vs)| (id, vs))
        .collect();
    out.sort_by_key(|(id, _)| sim.vs_name(*id));
    if out.len() > 1 {
        notes.push(format!(
            "{} VirtualServices apply to `{fqdn}`; meshlint takes them by namespace/name, istiod oldest first",
            out.len()
        ));
    }
    out
}

/// The VirtualServices bound to Gateway `gw` (`ns/name`), in istiod's order (namespace/name
/// here, as for [`mesh_virtual_services`]).
fn gateway_virtual_services<'r>(
    sim: &Simulator<'_, 'r>,
    req: &Request,
    gw: &str,
) -> Vec<(ResourceId, &'r VirtualService)> {
    let mut out: Vec<(ResourceId, &'r VirtualService)> = sim
        .ix
        .virtual_services()
        .filter(|(_, r, vs)| {
            vs.gateways.iter().any(|g| {
                let (ns, name) = resolve_gateway_ref(&g.value, &r.namespace);
                format!("{ns}/{name}") == gw
            }) && sim.visible(&vs.export_to, &r.namespace, &req.source_namespace)
        })
        .map(|(id, _, vs)| (id, vs))
        .collect();
    out.sort_by_key(|(id, _)| sim.vs_name(*id));
    out
}

/// Why a match does not apply at a sidecar (`matchTCP`, `matchTLS`); `sni` also checks the SNI
/// hosts, which are the filter chain's own key.
fn sidecar_mismatch(m: &L4Match, req: &Request) -> Vec<NoMatchReason> {
    let mut why = Vec::new();
    if let Some(p) = m.port.as_ref().filter(|p| p.value != 0) {
        if p.value != i64::from(req.port) {
            why.push(NoMatchReason::new(
                "port",
                p.value.to_string(),
                req.port.to_string(),
            ));
        }
    }
    if !m.gateways.is_empty() && !m.gateways.iter().any(|g| g.value == "mesh") {
        let want: Vec<&str> = m.gateways.iter().map(|g| g.value.as_str()).collect();
        why.push(NoMatchReason::new("gateways", want.join(", "), "mesh"));
    }
    for (k, v) in &m.source_labels {
        let have = req
            .source_labels
            .iter()
            .find(|(a, _)| a == k.value.as_str())
            .map(|(_, b)| b.as_str());
        if have != Some(v.value.as_str()) {
            why.push(NoMatchReason::new(
                format!("sourceLabels.{}", k.value),
                format!("`{}`", v.value),
                have.map_or_else(|| "no such label".to_string(), |h| format!("`{h}`")),
            ));
        }
    }
    if let Some(ns) = m.source_namespace.as_ref().filter(|n| !n.value.is_empty()) {
        if ns.value != req.source_namespace {
            why.push(NoMatchReason::new(
                "sourceNamespace",
                format!("`{}`", ns.value),
                req.source_namespace.clone(),
            ));
        }
    }
    why
}

/// Why a match does not apply at a gateway (`l4SingleMatch`: port and gateways only).
fn gateway_mismatch(m: &L4Match, server_port: i64, gw: &str, vs_ns: &str) -> Vec<NoMatchReason> {
    let mut why = Vec::new();
    if let Some(p) = m.port.as_ref().filter(|p| p.value != 0) {
        if p.value != server_port {
            why.push(NoMatchReason::new(
                "port",
                p.value.to_string(),
                server_port.to_string(),
            ));
        }
    }
    let bound = m.gateways.is_empty()
        || m.gateways.iter().any(|g| {
            let (ns, name) = resolve_gateway_ref(&g.value, vs_ns);
            format!("{ns}/{name}") == gw
        });
    if !bound {
        let want: Vec<&str> = m.gateways.iter().map(|g| g.value.as_str()).collect();
        why.push(NoMatchReason::new(
            "gateways",
            want.join(", "),
            gw.to_string(),
        ));
    }
    why
}

/// Envoy's choice among filter chains by SNI: the exact name, else the longest wildcard
/// suffix (`*.example.com` for `a.b.example.com`). Returns the index of the chain and the
/// server name that matched.
fn pick_by_sni(chains: &[Vec<String>], sni: &str) -> Option<(usize, String)> {
    let exact = chains
        .iter()
        .position(|names| names.iter().any(|n| n.eq_ignore_ascii_case(sni)));
    if let Some(i) = exact {
        return Some((i, sni.to_string()));
    }
    let mut rest = sni;
    while let Some((_, parent)) = rest.split_once('.') {
        let wildcard = format!("*.{parent}");
        if let Some(i) = chains
            .iter()
            .position(|names| names.iter().any(|n| n.eq_ignore_ascii_case(&wildcard)))
        {
            return Some((i, wildcard));
        }
        rest = parent;
    }
    None
}

fn row(sim: &Simulator, c: &Candidate, l4: L4) -> RuleRow {
    RuleRow {
        section: Some(l4.section()),
        ..RuleRow::new(sim.vs_name(c.vs), c.route.index, sim.location(c.route.span))
    }
}

/// The destinations of a matched route, with their shares (weight 0 is dropped when there are
/// several, as for HTTP).
fn destinations(
    sim: &Simulator,
    route: &[RouteDestination],
    vs: ResourceId,
    req: &Request,
) -> Vec<ResolvedDestination> {
    let ns = &sim.ix.resource(vs).namespace;
    let mut out = Vec::new();
    for (d, pct, w) in super::sim::shares(route) {
        if let Some(dest) = &d.destination {
            out.push(sim.resolve_dest(dest, ns, &req.source_namespace, req.port, pct, w));
        }
    }
    out
}

fn routed(sim: &Simulator, c: &Candidate, req: &Request, l4: L4) -> Outcome {
    let rule = format!("{} {}[{}]", sim.vs_name(c.vs), l4.section(), c.route.index);
    Outcome::Route {
        destinations: destinations(sim, &c.route.route, c.vs, req),
        extras: super::sim::Extras {
            rule,
            ..Default::default()
        },
    }
}

/// The service itself: istiod's default filter chain.
fn to_service(sim: &Simulator, req: &Request, fqdn: &str) -> Outcome {
    Outcome::Default {
        destination: Some(sim.resolve(
            fqdn,
            fqdn,
            Some(req.port),
            None,
            100.0,
            None,
            &req.source_namespace,
            req.port,
        )),
    }
}

fn sidecar(
    sim: &Simulator,
    req: &Request,
    fqdn: &str,
    sni: &str,
    l4: L4,
    rows: &mut Vec<RuleRow>,
    notes: &mut Vec<String>,
) -> Result<Outcome, String> {
    let protocol = port_protocol(sim, fqdn, req.port);
    match (protocol.as_deref(), l4) {
        (Some(p), _) if is_http(p) => {
            return Err(format!(
                "port {} of `{fqdn}` is {p}: simulate an HTTP request (without --protocol)",
                req.port
            ))
        }
        (Some(p), L4::Tcp) if is_tls(p) => {
            return Err(format!(
                "port {} of `{fqdn}` is {p}: its connections are routed by SNI (--protocol tls)",
                req.port
            ))
        }
        (Some(p), L4::Tls) if !is_tls(p) => {
            notes.push(format!(
                "port {} of `{fqdn}` is {p}, not TLS or HTTPS: istiod ignores `tls` routes there and routes the connection as TCP",
                req.port
            ));
            return sidecar(sim, req, fqdn, sni, L4::Tcp, rows, notes);
        }
        (None, L4::Tls) => {
            notes.push(format!(
                "the input does not declare the protocol of port {} of `{fqdn}`: istiod uses `tls` routes only on TLS and HTTPS ports (port name `tls-...`/`https-...` or appProtocol); assumed TLS",
                req.port
            ));
        }
        _ => {}
    }
    let vss = mesh_virtual_services(sim, req, fqdn, notes);
    let mut candidates = Vec::new();
    for (id, vs) in &vss {
        let section = match l4 {
            L4::Tcp => &vs.tcp,
            L4::Tls => &vs.tls,
        };
        for route in section {
            candidates.push(Candidate { vs: *id, route });
        }
    }
    match l4 {
        L4::Tcp => {
            let mut winner = None;
            for c in &candidates {
                let mut r = row(sim, c, l4);
                if winner.is_some() {
                    rows.push(r);
                    continue;
                }
                if c.route.route.is_empty() {
                    r.status = "not-applied";
                    r.detail = Some("no `route`: istiod skips it".to_string());
                    rows.push(r);
                    continue;
                }
                let Some(ms) = c.route.matches.as_ref().filter(|m| !m.is_empty()) else {
                    r.status = "matched";
                    r.detail = Some("no `match`: every connection".to_string());
                    winner = Some(rows.len());
                    rows.push(r);
                    continue;
                };
                let mut reasons = Vec::new();
                for (i, m) in ms.iter().enumerate() {
                    let mut why = sidecar_mismatch(m, req);
                    if why.is_empty() && !m.destination_subnets.is_empty() {
                        why.push(NoMatchReason::new(
                            "destinationSubnets",
                            "a destination IP in them (not simulated: a filter chain of its own)",
                            "a connection by host name",
                        ));
                    }
                    if why.is_empty() {
                        r.matched_match = Some(i);
                        break;
                    }
                    for mut w in why {
                        w.match_index = Some(i);
                        reasons.push(w);
                    }
                }
                if r.matched_match.is_some() {
                    r.status = "matched";
                    winner = Some(rows.len());
                } else {
                    r.status = "no-match";
                    r.reasons = reasons;
                }
                rows.push(r);
            }
            Ok(match winner {
                Some(i) => routed(sim, &candidates[i], req, l4),
                None => {
                    notes.push(format!(
                        "no `tcp` route applies: the sidecar sends the connection to `{fqdn}` itself"
                    ));
                    to_service(sim, req, fqdn)
                }
            })
        }
        L4::Tls => {
            // one filter chain per applying match, keyed by its SNI hosts and subnets; the
            // first of equal keys is kept
            let mut keys: Vec<String> = Vec::new();
            let chains = tls_chains(
                sim,
                &candidates,
                rows,
                |_, m| sidecar_mismatch(m, req),
                |_, i, m, names| {
                    let subnets: Vec<&str> = m
                        .destination_subnets
                        .iter()
                        .map(|s| s.value.as_str())
                        .collect();
                    let key = format!("{}|{}", names.join(","), subnets.join(","));
                    if keys.contains(&key) {
                        return Some(format!(
                            "match #{i}: the same SNI hosts as an earlier route: istiod keeps the first"
                        ));
                    }
                    keys.push(key);
                    None
                },
            );
            if chains.is_empty() {
                notes.push(format!(
                    "no `tls` route applies: the sidecar sends the connection to `{fqdn}` itself"
                ));
                return Ok(to_service(sim, req, fqdn));
            }
            Ok(by_sni(
                sim,
                req,
                sni,
                l4,
                &candidates,
                &chains,
                rows,
                "sidecar",
            ))
        }
    }
}

/// A filter chain of `tls` routes: (candidate index, match index, its SNI hosts).
type Chain = (usize, usize, Vec<String>);

/// One row per candidate and one chain per applying match of its `tls` route: `mismatch` says
/// why a match does not apply; `skipped` says why an applying match makes no chain of its own
/// (a duplicate), or records it and returns `None`.
fn tls_chains(
    sim: &Simulator,
    candidates: &[Candidate],
    rows: &mut Vec<RuleRow>,
    mismatch: impl Fn(&Candidate, &L4Match) -> Vec<NoMatchReason>,
    mut skipped: impl FnMut(&Candidate, usize, &L4Match, &[String]) -> Option<String>,
) -> Vec<Chain> {
    let mut chains = Vec::new();
    for (ci, c) in candidates.iter().enumerate() {
        let mut r = row(sim, c, L4::Tls);
        r.status = "no-match";
        if c.route.route.is_empty() {
            r.status = "not-applied";
            r.detail = Some("no `route`: istiod skips it".to_string());
            rows.push(r);
            continue;
        }
        for (i, m) in c.route.matches.iter().flatten().enumerate() {
            let why = mismatch(c, m);
            if !why.is_empty() {
                for mut w in why {
                    w.match_index = Some(i);
                    r.reasons.push(w);
                }
                continue;
            }
            let names: Vec<String> = m
                .sni_hosts
                .iter()
                .map(|h| h.value.as_str().to_ascii_lowercase())
                .collect();
            if let Some(why) = skipped(c, i, m, &names) {
                r.detail = Some(why);
                continue;
            }
            chains.push((ci, i, names));
        }
        if r.reasons.is_empty() && r.detail.is_some() && !chains.iter().any(|c: &Chain| c.0 == ci) {
            r.status = "not-applied";
        }
        rows.push(r);
    }
    chains
}

/// The chain the SNI picks, marked in `rows` (one row per candidate, in order).
#[allow(clippy::too_many_arguments)]
fn by_sni(
    sim: &Simulator,
    req: &Request,
    sni: &str,
    l4: L4,
    candidates: &[Candidate],
    chains: &[Chain],
    rows: &mut [RuleRow],
    proxy: &str,
) -> Outcome {
    let names: Vec<Vec<String>> = chains.iter().map(|(_, _, n)| n.clone()).collect();
    match pick_by_sni(&names, sni) {
        Some((k, by)) => {
            let (ci, mi, _) = &chains[k];
            for (j, (cj, mj, n)) in chains.iter().enumerate() {
                if j != k && rows[*cj].status != "matched" {
                    rows[*cj].reasons.push(NoMatchReason {
                        match_index: Some(*mj),
                        field: "sniHosts".to_string(),
                        expected: n.join(", "),
                        actual: if j < k || !n.iter().any(|x| x == &by) {
                            sni.to_string()
                        } else {
                            format!("`{sni}` (a more specific chain wins)")
                        },
                    });
                }
            }
            let r = &mut rows[*ci];
            r.status = "matched";
            r.matched_match = Some(*mi);
            r.reasons.clear();
            if by != sni {
                r.detail = Some(format!("SNI `{sni}` matched by `{by}`"));
            }
            routed(sim, &candidates[*ci], req, l4)
        }
        None => {
            for (cj, mj, n) in chains {
                rows[*cj].reasons.push(NoMatchReason {
                    match_index: Some(*mj),
                    field: "sniHosts".to_string(),
                    expected: n.join(", "),
                    actual: sni.to_string(),
                });
            }
            Outcome::NoRoute {
                reason: format!(
                    "no `tls` route matches SNI `{sni}` on port {}: the {proxy} has no filter chain for it and Envoy closes the connection",
                    req.port
                ),
            }
        }
    }
}

fn gateway(
    sim: &Simulator,
    req: &Request,
    servers: &[Server],
    sni: &str,
    l4: L4,
    rows: &mut Vec<RuleRow>,
    notes: &mut Vec<String>,
) -> Result<Outcome, String> {
    let gw = req.gateway.to_string();
    let on_port: Vec<&Server> = servers
        .iter()
        .filter(|s| {
            s.port_number
                .as_ref()
                .is_some_and(|p| p.value == i64::from(req.port))
        })
        .collect();
    let Some(first) = on_port.first() else {
        return Ok(Outcome::NoRoute {
            reason: format!("Gateway `{gw}` has no server on port {}", req.port),
        });
    };
    let protocol = first
        .port_protocol
        .as_ref()
        .map_or(String::new(), |p| p.value.as_str().to_ascii_uppercase());
    if is_http(&protocol) || protocol == "HTTPS" && !passthrough(first) {
        return Err(format!(
            "the server on port {} of Gateway `{gw}` is {protocol}: simulate an HTTP request (without --protocol)",
            req.port
        ));
    }
    let vss = gateway_virtual_services(sim, req, &gw);
    let gw_ns = match &req.gateway {
        Gateway::Named { namespace, .. } => namespace.as_str(),
        _ => "",
    };
    let serves = |s: &Server, id: ResourceId, vs: &VirtualService| -> bool {
        let vs_ns = sim.ix.resource(id).namespace.as_str();
        crate::index::gateways::server_serves(s, gw_ns, vs_ns, &vs.hosts)
    };
    if first
        .tls_mode
        .as_ref()
        .is_some_and(|m| m.value == "AUTO_PASSTHROUGH")
    {
        return Ok(auto_passthrough(sim, req, sni, notes));
    }
    let tls_routes = l4 == L4::Tls && passthrough(first);
    if l4 == L4::Tls && !tls_routes {
        notes.push(format!(
            "the server on port {} terminates TLS (mode {}): its connections are routed by the `tcp` routes",
            req.port,
            first.tls_mode.as_ref().map_or("none", |m| m.value.as_str())
        ));
    }
    if l4 == L4::Tcp && passthrough(first) {
        return Err(format!(
            "the server on port {} of Gateway `{gw}` passes TLS through: its connections are routed by SNI (--protocol tls)",
            req.port
        ));
    }
    let server_port = i64::from(req.port);
    if tls_routes {
        let mut candidates = Vec::new();
        for (id, vs) in &vss {
            if !on_port.iter().any(|s| serves(s, *id, vs)) {
                continue;
            }
            for route in &vs.tls {
                candidates.push(Candidate { vs: *id, route });
            }
        }
        // SNI hosts routed so far on the port, with the VirtualService that took each
        let mut taken: Vec<(String, ResourceId)> = Vec::new();
        let mut order_note = None;
        let chains = tls_chains(
            sim,
            &candidates,
            rows,
            |c, m| {
                let vs_ns = sim.ix.resource(c.vs).namespace.as_str();
                gateway_mismatch(m, server_port, &gw, vs_ns)
            },
            |c, i, _, names| {
                if let Some((host, by)) = taken.iter().find(|(t, _)| names.contains(t)) {
                    if *by != c.vs && order_note.is_none() {
                        order_note = Some(format!(
                            "several VirtualServices route SNI host `{host}`: istiod keeps the oldest; meshlint takes them by namespace/name"
                        ));
                    }
                    return Some(format!(
                        "match #{i}: SNI host `{host}` is already routed on port {} by an earlier route; istiod skips this match (duplicate-sni-on-gateway)",
                        req.port
                    ));
                }
                taken.extend(names.iter().map(|n| (n.clone(), c.vs)));
                None
            },
        );
        notes.extend(order_note);
        if chains.is_empty() {
            return Ok(Outcome::NoRoute {
                reason: format!(
                    "no `tls` route of a VirtualService bound to `{gw}` applies on port {}: the gateway has no filter chain there and closes the connection",
                    req.port
                ),
            });
        }
        let proxy = format!("gateway `{gw}`");
        return Ok(by_sni(
            sim,
            req,
            sni,
            l4,
            &candidates,
            &chains,
            rows,
            &proxy,
        ));
    }
    // TCP, or TLS terminated at the gateway: the first applying tcp route of the first
    // VirtualService serving the server's hosts
    let server = first;
    for (id, vs) in &vss {
        if !serves(server, *id, vs) {
            continue;
        }
        let vs_ns = sim.ix.resource(*id).namespace.to_string();
        for route in &vs.tcp {
            let c = Candidate { vs: *id, route };
            let mut r = row(sim, &c, L4::Tcp);
            let ms = route.matches.as_deref().unwrap_or(&[]);
            let mut reasons = Vec::new();
            let mut hit = ms.is_empty().then_some(None);
            for (i, m) in ms.iter().enumerate() {
                let why = gateway_mismatch(m, server_port, &gw, &vs_ns);
                if why.is_empty() {
                    hit = Some(Some(i));
                    break;
                }
                for mut w in why {
                    w.match_index = Some(i);
                    reasons.push(w);
                }
            }
            match hit {
                Some(_) if route.route.is_empty() => {
                    r.status = "not-applied";
                    r.detail = Some("no `route`: istiod skips it".to_string());
                    rows.push(r);
                }
                Some(m) => {
                    r.status = "matched";
                    r.matched_match = m;
                    r.detail = match m.map(|i| &ms[i]) {
                        None => Some("no `match`: every connection".to_string()),
                        Some(m) => ignored_at_gateway(m),
                    };
                    rows.push(r);
                    return Ok(routed(sim, &c, req, L4::Tcp));
                }
                None => {
                    r.status = "no-match";
                    r.reasons = reasons;
                    rows.push(r);
                }
            }
        }
    }
    Ok(Outcome::NoRoute {
        reason: format!(
            "no `tcp` route of a VirtualService bound to `{gw}` and serving the hosts of the server on port {} applies: istiod builds no filter chain for it and the gateway closes the connection",
            req.port
        ),
    })
}

/// The conditions of a match a gateway does not read (`l4SingleMatch` checks `port` and
/// `gateways` only), said when that match is the one taken.
fn ignored_at_gateway(m: &L4Match) -> Option<String> {
    let mut ignored = Vec::new();
    if !m.source_labels.is_empty() {
        ignored.push("`sourceLabels`");
    }
    if m.source_namespace.is_some() {
        ignored.push("`sourceNamespace`");
    }
    if !m.destination_subnets.is_empty() {
        ignored.push("`destinationSubnets`");
    }
    (!ignored.is_empty()).then(|| {
        format!(
            "its {} not checked at a gateway (istiod's l4SingleMatch reads `port` and `gateways` only)",
            match ignored.len() {
                1 => format!("{} is", ignored[0]),
                _ => format!("{} are", ignored.join(" and ")),
            }
        )
    })
}

fn passthrough(s: &Server) -> bool {
    s.tls_mode
        .as_ref()
        .is_some_and(|m| matches!(m.value.as_str(), "PASSTHROUGH" | "AUTO_PASSTHROUGH"))
}

/// `AUTO_PASSTHROUGH`: the SNI names the cluster (`outbound_.PORT_.SUBSET_.HOST`).
fn auto_passthrough(sim: &Simulator, req: &Request, sni: &str, notes: &mut Vec<String>) -> Outcome {
    let parts: Vec<&str> = sni.splitn(4, '_').collect();
    let parsed = match parts.as_slice() {
        ["outbound", port, subset, host] => port
            .trim_matches('.')
            .parse::<u32>()
            .ok()
            .map(|p| (p, subset.trim_matches('.'), host.trim_start_matches('.'))),
        _ => None,
    };
    notes.push(
        "AUTO_PASSTHROUGH: the gateway reads the destination from the SNI, no VirtualService applies"
            .to_string(),
    );
    match parsed {
        Some((port, subset, host)) => Outcome::Default {
            destination: Some(sim.resolve(
                host,
                host,
                Some(port),
                (!subset.is_empty()).then_some(subset),
                100.0,
                None,
                &req.source_namespace,
                req.port,
            )),
        },
        None => Outcome::NoRoute {
            reason: format!(
                "SNI `{sni}` is not of the form `outbound_.PORT_.SUBSET_.HOST` an AUTO_PASSTHROUGH server routes by: Envoy closes the connection"
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::pick_by_sni;

    #[test]
    fn sni_picks_exact_then_longest_wildcard() {
        let chains = vec![
            vec!["*.example.com".to_string()],
            vec!["*.shop.example.com".to_string()],
            vec!["api.shop.example.com".to_string()],
        ];
        assert_eq!(pick_by_sni(&chains, "api.shop.example.com").unwrap().0, 2);
        assert_eq!(pick_by_sni(&chains, "web.shop.example.com").unwrap().0, 1);
        assert_eq!(pick_by_sni(&chains, "a.b.example.com").unwrap().0, 0);
        assert!(pick_by_sni(&chains, "example.com").is_none());
    }
}
