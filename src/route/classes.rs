//! Request classes, for comparing two versions of the routing (`meshlint diff`).
//!
//! An entry point is where requests enter: the mesh (sidecars) or a Gateway, for one host and
//! port. Its request classes are the distinct `match` entries of the HTTP rules that apply
//! there, in either version, plus "all other requests". Each class is evaluated with one
//! witness request that satisfies its match, through the same simulator as `route`, `test` and
//! ML104 ([`super::sim`]); a class whose witness cannot be built (an unsatisfiable regex) is
//! reported as such, never guessed. A witness is accepted only when the matcher (istiod's
//! `TranslateRouteMatch` semantics, [`super::matcher`]) says it satisfies its match. A
//! catch-all match (istio/istio `pilot/pkg/networking/core/route/route.go` `IsCatchAllRoute`:
//! path prefix `/` or regex `.*`, no header or query-parameter matcher) with no context
//! condition is "all other requests" itself.
//!
//! The outcome of a class is reduced to what decides where requests go and what happens to
//! them ([`OutcomeView`]): destinations with their effective share, redirect or direct
//! response, fault, timeout, retries, mirrors, fallback, rewrite and header changes. Which rule
//! decided (its position) is kept beside it but not compared: moving a rule without changing
//! what it does is no change.

use super::matcher::{full_regex, Match, MatchKindName, Sm};
use super::sim::{Outcome, Query, ResolvedDestination, Simulator};
use crate::index::host::{self, resolve_gateway_ref, resolve_short};
use crate::model::istio::{DirectResponse, HeaderOps, Redirect, Rewrite};
use crate::model::Spec;
use serde::Serialize;
use std::collections::BTreeSet;

/// Where requests enter: the mesh (sidecars) or a Gateway, for one host and port.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EntryPoint {
    /// `mesh`, or `namespace/name` of the Gateway.
    pub gateway: String,
    /// The host: an FQDN for the mesh, as written (lower case) for a gateway.
    pub host: String,
    /// The port requests arrive on (`None`: none is known; the simulator's default).
    pub port: Option<u32>,
    /// `tcp` or `tls` for connections through the `tcp`/`tls` routes (for TLS, `host` is the
    /// SNI); `None` for HTTP requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<&'static str>,
}

/// The entry points of the HTTP routes of one version: every (gateway or mesh, host) a
/// VirtualService with hosts is bound to, on each port the host is served on there (the
/// Service's ports for the mesh, the Gateway's servers for that host), plus the ports its
/// matches name.
pub fn entry_points(sim: &Simulator) -> BTreeSet<EntryPoint> {
    let ix = sim.ix;
    let domain = &ix.mesh.domain;
    let mut out = BTreeSet::new();
    for (_, r, vs) in ix.virtual_services() {
        if vs.hosts.is_empty() || vs.http.is_empty() {
            continue;
        }
        let gateways = bound_gateways(&vs.gateways, &r.namespace);
        let mut match_ports: Vec<u32> = vs
            .http
            .iter()
            .flat_map(|h| h.matches.iter().flatten())
            .filter_map(|m| m.extras().port.as_ref())
            .filter_map(|p| u32::try_from(p.value).ok())
            .filter(|&p| p != 0)
            .collect();
        match_ports.sort_unstable();
        match_ports.dedup();
        for gw in &gateways {
            for h in &vs.hosts {
                let written = h.value.as_str().to_ascii_lowercase();
                let fqdn = if gw == "mesh" {
                    resolve_short(&written, &r.namespace, domain)
                } else {
                    written.clone()
                };
                let mut ports: Vec<u32> = if gw == "mesh" {
                    service_ports(sim, &fqdn)
                } else {
                    server_ports(sim, gw, &fqdn)
                };
                ports.extend(match_ports.iter().copied());
                ports.sort_unstable();
                ports.dedup();
                if ports.is_empty() {
                    out.insert(EntryPoint {
                        gateway: gw.clone(),
                        host: fqdn.clone(),
                        port: None,
                        protocol: None,
                    });
                }
                for p in ports {
                    out.insert(EntryPoint {
                        gateway: gw.clone(),
                        host: fqdn.clone(),
                        port: Some(p),
                        protocol: None,
                    });
                }
            }
        }
    }
    out
}

/// The entry points of the `tcp` and `tls` routes of one version: for TCP, every (gateway or
/// mesh, host) a VirtualService with `tcp` routes is bound to, on the Service's ports (mesh) or
/// the TCP and TLS-terminating servers serving the host (gateway); for TLS, every SNI host of
/// its `tls` matches (a wildcard stands for a name under it), on the Service's ports (mesh) or
/// the passthrough servers serving the VirtualService (gateway). Hosts without a known port
/// are left out.
pub fn l4_entry_points(sim: &Simulator) -> BTreeSet<EntryPoint> {
    let ix = sim.ix;
    let domain = &ix.mesh.domain;
    let mut out = BTreeSet::new();
    // a connection is routed per listener port: without a known port (no Service port, no
    // server for the host) there is nothing to compare
    let mut add = |gateway: &str, host: String, ports: Vec<u32>, protocol: &'static str| {
        for p in ports {
            out.insert(EntryPoint {
                gateway: gateway.to_string(),
                host: host.clone(),
                port: Some(p),
                protocol: Some(protocol),
            });
        }
    };
    for (_, r, vs) in ix.virtual_services() {
        if vs.hosts.is_empty() || (vs.tcp.is_empty() && vs.tls.is_empty()) {
            continue;
        }
        let gateways = bound_gateways(&vs.gateways, &r.namespace);
        let mut snis: Vec<String> = vs
            .tls
            .iter()
            .flat_map(|t| t.matches.iter().flatten())
            .flat_map(|m| m.sni_hosts.iter())
            .map(|h| h.value.as_str().to_ascii_lowercase())
            .collect();
        snis.sort();
        snis.dedup();
        for gw in &gateways {
            if !vs.tcp.is_empty() {
                for h in &vs.hosts {
                    let written = h.value.as_str().to_ascii_lowercase();
                    if gw == "mesh" {
                        let fqdn = resolve_short(&written, &r.namespace, domain);
                        let ports = host_ports(sim, &fqdn);
                        add(gw, fqdn, ports, "tcp");
                    } else {
                        let ports = l4_server_ports(sim, gw, &written, false);
                        add(gw, written, ports, "tcp");
                    }
                }
            }
            for sni in &snis {
                if gw == "mesh" {
                    let fqdn = resolve_short(&concrete_host(sni), &r.namespace, domain);
                    let ports = host_ports(sim, &fqdn);
                    add(gw, sni.clone(), ports, "tls");
                } else {
                    let ports = l4_server_ports(sim, gw, sni, true);
                    add(gw, sni.clone(), ports, "tls");
                }
            }
        }
    }
    out
}

/// The ports of a Gateway's servers serving `host` that pass TLS through (`passthrough`) or
/// carry TCP (TCP, or TLS terminated at the gateway).
fn l4_server_ports(sim: &Simulator, gw: &str, host_written: &str, passthrough: bool) -> Vec<u32> {
    let Some(g) = istio_gateway(sim, gw) else {
        return Vec::new();
    };
    let mut out: Vec<u32> = g
        .servers
        .iter()
        .filter(|s| {
            let mode = s.tls_mode.as_ref().map(|m| m.value.as_str());
            let protocol = s
                .port_protocol
                .as_ref()
                .map(|p| p.value.as_str().to_ascii_uppercase());
            let is_passthrough = mode == Some("PASSTHROUGH");
            if passthrough {
                is_passthrough
            } else {
                !is_passthrough
                    && matches!(
                        protocol.as_deref(),
                        Some("TCP" | "TLS" | "MONGO" | "REDIS" | "MYSQL")
                    )
            }
        })
        .filter(|s| {
            s.hosts.iter().any(|h| {
                let h = h.value.rsplit('/').next().unwrap_or(&h.value);
                host::matches(h, host_written)
            })
        })
        .filter_map(|s| s.port_number.as_ref())
        .filter_map(|p| u32::try_from(p.value).ok())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The classes of a TCP or TLS entry point: connections from each source (labels and
/// namespace) a `tcp`/`tls` match of either version names, at a sidecar (gateways do not read
/// sources), then "all other connections".
pub fn l4_classes(sims: &[&Simulator], e: &EntryPoint) -> Vec<Class> {
    let mut out = Vec::new();
    let base = || Query {
        protocol: e.protocol.map(str::to_string),
        ..entry_query(e)
    };
    if e.gateway == "mesh" {
        // (source labels, source namespace) already made a class
        type Source = (Vec<(String, String)>, Option<String>);
        let mut seen: Vec<Source> = Vec::new();
        for sim in sims {
            for (_, _, vs) in sim.ix.virtual_services() {
                let section = if e.protocol == Some("tls") {
                    &vs.tls
                } else {
                    &vs.tcp
                };
                for m in section.iter().flat_map(|t| t.matches.iter().flatten()) {
                    let labels: Vec<(String, String)> = m
                        .source_labels
                        .iter()
                        .map(|(k, v)| (k.value.to_string(), v.value.to_string()))
                        .collect();
                    let ns = m.source_namespace.as_ref().map(|n| n.value.to_string());
                    if (labels.is_empty() && ns.is_none())
                        || seen.contains(&(labels.clone(), ns.clone()))
                    {
                        continue;
                    }
                    seen.push((labels.clone(), ns.clone()));
                    let mut label = String::from("connections from");
                    if !labels.is_empty() {
                        let l: Vec<String> =
                            labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        label.push_str(&format!(" workloads {}", l.join(",")));
                    }
                    if let Some(ns) = &ns {
                        label.push_str(&format!(" namespace {ns}"));
                    }
                    out.push(Class {
                        label,
                        query: Some(Query {
                            source_labels: labels,
                            source_namespace: ns,
                            ..base()
                        }),
                    });
                }
            }
        }
    }
    out.push(Class {
        label: if out.is_empty() {
            "all connections".to_string()
        } else {
            "all other connections".to_string()
        },
        query: Some(base()),
    });
    out
}

/// The proxies a VirtualService binds: `mesh` when it names none, else each gateway as
/// `namespace/name` (or `mesh`).
fn bound_gateways(
    gateways: &[crate::source::Spanned<crate::source::Str>],
    vs_ns: &str,
) -> Vec<String> {
    if gateways.is_empty() {
        return vec!["mesh".to_string()];
    }
    gateways
        .iter()
        .map(|g| gateway_name(&g.value, vs_ns))
        .collect()
}

fn gateway_name(written: &str, vs_ns: &str) -> String {
    if written == "mesh" {
        return "mesh".to_string();
    }
    let (ns, name) = resolve_gateway_ref(written, vs_ns);
    format!("{ns}/{name}")
}

fn service_ports(sim: &Simulator, fqdn: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for &id in sim.ix.services_for_host(fqdn) {
        if let Spec::Service(s) = &sim.ix.resource(id).spec {
            out.extend(
                s.ports
                    .iter()
                    .filter_map(|p| p.port.as_ref())
                    .filter_map(|p| u32::try_from(p.value).ok()),
            );
        }
    }
    out
}

/// The ports of the Services and ServiceEntries of a host.
fn host_ports(sim: &Simulator, fqdn: &str) -> Vec<u32> {
    let mut out = service_ports(sim, fqdn);
    for id in sim.ix.service_entries_for_host(fqdn) {
        if let Spec::ServiceEntry(se) = &sim.ix.resource(id).spec {
            out.extend(
                se.ports
                    .iter()
                    .filter_map(|p| p.number.as_ref())
                    .filter_map(|p| u32::try_from(p.value).ok()),
            );
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The Istio Gateway `namespace/name` of the input.
fn istio_gateway<'s>(
    sim: &Simulator<'s, '_>,
    gw: &str,
) -> Option<&'s crate::model::istio::Gateway> {
    let (ns, name) = gw.split_once('/')?;
    match &sim.ix.resource(sim.ix.gateway(ns, name)?).spec {
        Spec::Gateway(g) => Some(g),
        _ => None,
    }
}

fn server_ports(sim: &Simulator, gw: &str, host_written: &str) -> Vec<u32> {
    let Some(g) = istio_gateway(sim, gw) else {
        return Vec::new();
    };
    g.servers
        .iter()
        .filter(|s| {
            s.hosts.iter().any(|h| {
                let h = h.value.rsplit('/').next().unwrap_or(&h.value);
                host::matches(h, host_written)
            })
        })
        .filter_map(|s| s.port_number.as_ref())
        .filter_map(|p| u32::try_from(p.value).ok())
        .collect()
}

/// The request that stands for a host: a wildcard host gets a concrete name under it.
fn concrete_host(host: &str) -> String {
    if host == "*" {
        return "any-host.example".to_string();
    }
    match host.strip_prefix('*') {
        Some(rest) => format!("any-host{rest}"),
        None => host.to_string(),
    }
}

/// The base query of an entry point (no path, header or parameter set).
pub fn entry_query(e: &EntryPoint) -> Query {
    Query {
        host: concrete_host(&e.host),
        port: e.port,
        gateway: Some(e.gateway.clone()),
        ..Query::default()
    }
}

/// The `match` entries of the HTTP rules that apply at an entry point, in rule order (delegate
/// rules with their own matches). Rules without `match` add nothing: they are "all other
/// requests".
pub fn entry_matches(sim: &Simulator, e: &EntryPoint) -> Vec<Match> {
    let Ok(s) = sim.simulate(&entry_query(e)) else {
        return Vec::new();
    };
    let mut out: Vec<Match> = Vec::new();
    for row in &s.rules {
        let Some((ns, name)) = row.virtual_service.split_once('/') else {
            continue;
        };
        let Some(id) = sim.ix.get("VirtualService", ns, name) else {
            continue;
        };
        let Spec::VirtualService(vs) = &sim.ix.resource(id).spec else {
            continue;
        };
        let Some(h) = vs.http.iter().find(|h| h.index == row.index) else {
            continue;
        };
        let resolve = |g: &str| gateway_name(g, ns);
        for m in h.matches.iter().flatten() {
            let mut m = Match::from_model(m, &resolve);
            m.name = None;
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

/// One request class of an entry point.
#[derive(Debug, Clone)]
pub struct Class {
    /// "requests with header end-user: jason", "all other requests".
    pub label: String,
    /// The witness request; `None` when no request satisfying the match could be built.
    pub query: Option<Query>,
}

/// The classes of an entry point: each distinct match of either version that can exist there
/// (its port, gateways), then "all other requests". Catch-all matches (`prefix: /` and no
/// other condition) are "all other requests" themselves.
pub fn classes(sim: &Simulator, e: &EntryPoint, matches: &[Match]) -> Vec<Class> {
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut real: Vec<&Match> = Vec::new();
    for m in matches {
        if let (Some(p), Some(q)) = (m.port, e.port) {
            if p != q {
                continue;
            }
        }
        if !m.gateways.is_empty() && !m.gateways.contains(&e.gateway) {
            continue;
        }
        if is_plain_catch_all(m) {
            continue;
        }
        let label = describe(m);
        if seen.contains(&label) {
            continue;
        }
        seen.push(label.clone());
        real.push(m);
        out.push(Class {
            label: format!("requests with {label}"),
            query: witness(sim, e, m),
        });
    }
    // all other requests: a request none of the matches takes
    let base = entry_query(e);
    let candidates = ["/", "/meshlint/unmatched-path"];
    let other = candidates.iter().find_map(|p| {
        let mut q = base.clone();
        q.path = Some(p.to_string());
        let (req, _, _) = sim.request(&q).ok()?;
        real.iter()
            .all(|m| !m.reasons(&req).is_empty())
            .then_some(q)
    });
    out.push(Class {
        label: "all other requests".to_string(),
        query: other.or_else(|| real.is_empty().then_some(base)),
    });
    out
}

/// A catch-all match with no context condition either: the same as no `match`.
fn is_plain_catch_all(m: &Match) -> bool {
    m.is_catch_all()
        && m.port.is_none()
        && m.gateways.is_empty()
        && m.source_labels.is_empty()
        && m.source_namespace.is_none()
}

/// A value that `sm` accepts (`None`: a presence check).
fn sample(sm: &Option<Sm>, uri: bool) -> Option<String> {
    let Some(s) = sm else {
        return Some("1".to_string());
    };
    match s.kind {
        MatchKindName::Exact => Some(s.value.clone()),
        MatchKindName::Prefix if uri && s.value.is_empty() => Some("/".to_string()),
        MatchKindName::Prefix => Some(s.value.clone()),
        MatchKindName::Regex if s.value == "*" => Some("1".to_string()),
        MatchKindName::Regex => regex_sample(&s.value),
    }
}

/// A string the (whole-value) regex matches: the pattern read as a literal after the common
/// wildcards are filled in, or a few plain values; `None` when none of them matches.
fn regex_sample(pattern: &str) -> Option<String> {
    let re = full_regex(pattern)?;
    let first_alt = pattern.split('|').next().unwrap_or(pattern);
    let mut tries = Vec::new();
    for p in [pattern, first_alt] {
        let mut s = p
            .trim_start_matches('^')
            .trim_end_matches('$')
            .replace(".*", "")
            .replace(".+", "x")
            .replace("[0-9]+", "1")
            .replace("\\d+", "1")
            .replace("[0-9]", "1")
            .replace("\\d", "1")
            .replace("[^/]+", "x")
            .replace("[a-z]+", "x")
            .replace("\\w+", "x");
        for c in ['(', ')', '?', '^', '$'] {
            s = s.replace(c, "");
        }
        s = s.replace('\\', "");
        tries.push(s);
    }
    tries.extend(["", "x", "/", "1"].map(str::to_string));
    tries.into_iter().find(|t| re.is_match(t))
}

/// The witness request of a class: satisfies `m` at the entry point, checked with the matcher.
fn witness(sim: &Simulator, e: &EntryPoint, m: &Match) -> Option<Query> {
    let mut q = entry_query(e);
    if let Some(u) = &m.uri {
        q.path = Some(sample(&Some(u.clone()), true)?);
    }
    if let Some(x) = &m.method {
        q.method = Some(sample(&Some(x.clone()), false)?);
    }
    if let Some(x) = &m.authority {
        q.authority = Some(sample(&Some(x.clone()), false)?);
    }
    if let Some(x) = &m.scheme {
        q.scheme = Some(sample(&Some(x.clone()), false)?);
    }
    for (k, sm) in &m.headers {
        q.headers.push((k.clone(), sample(sm, false)?));
    }
    for (k, sm) in &m.query_params {
        q.query.push((k.clone(), sample(sm, false)?));
    }
    for (k, sm) in &m.without_headers {
        // a value matcher treats a missing header as empty: send another value if needed
        if let Some(s) = sm
            .as_ref()
            .filter(|s| !(s.kind == MatchKindName::Regex && s.value == "*"))
        {
            if s.matches("", false) {
                let other = ["meshlint-other", "0"]
                    .into_iter()
                    .find(|v| !s.matches(v, false))?;
                q.headers.push((k.clone(), other.to_string()));
            }
        }
    }
    if m.gateways.is_empty() {
        if !m.source_labels.is_empty() {
            q.source_labels = m.source_labels.clone();
        }
        if let Some(ns) = &m.source_namespace {
            q.source_namespace = Some(ns.clone());
        }
    }
    if e.port.is_none() {
        q.port = m.port;
    }
    let (req, _, _) = sim.request(&q).ok()?;
    m.reasons(&req).is_empty().then_some(q)
}

fn describe_sm(sm: &Option<Sm>) -> String {
    match sm {
        None => "present".to_string(),
        Some(s) if s.kind == MatchKindName::Regex && s.value == "*" => "present".to_string(),
        Some(s) => match s.kind {
            MatchKindName::Exact => s.value.clone(),
            MatchKindName::Prefix => format!("{}*", s.value),
            MatchKindName::Regex => format!("~{}", s.value),
        },
    }
}

/// "header end-user: jason, path /api*": the conditions of a match, for people. `exact`
/// values are written as they are, `prefix` with a trailing `*`, `regex` after a `~`.
pub fn describe(m: &Match) -> String {
    let mut parts = Vec::new();
    if let Some(u) = &m.uri {
        let case = if m.ignore_uri_case { " (any case)" } else { "" };
        parts.push(format!("path {}{case}", describe_sm(&Some(u.clone()))));
    }
    for (what, sm) in [
        ("method", &m.method),
        ("authority", &m.authority),
        ("scheme", &m.scheme),
    ] {
        if sm.is_some() {
            parts.push(format!("{what} {}", describe_sm(sm)));
        }
    }
    for (k, sm) in &m.headers {
        parts.push(format!("header {k}: {}", describe_sm(sm)));
    }
    for (k, sm) in &m.without_headers {
        parts.push(format!("without header {k}: {}", describe_sm(sm)));
    }
    for (k, sm) in &m.query_params {
        parts.push(format!("query {k}: {}", describe_sm(sm)));
    }
    if let Some(p) = m.port {
        parts.push(format!("port {p}"));
    }
    if !m.source_labels.is_empty() {
        let l: Vec<String> = m
            .source_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.push(format!("from workloads {}", l.join(",")));
    }
    if let Some(ns) = &m.source_namespace {
        parts.push(format!("from namespace {ns}"));
    }
    if !m.gateways.is_empty() {
        parts.push(format!("via {}", m.gateways.join(", ")));
    }
    if parts.is_empty() {
        "path /*".to_string()
    } else {
        parts.join(", ")
    }
}

/// One destination of an outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DestView {
    /// FQDN.
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u32>,
    /// Effective share of requests, in percent.
    pub percent: f64,
    /// The fallback destination (ASM), `host[ subset]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<HeaderOps>,
    /// Why requests sent there fail: `subset not defined: 503`, `host not in the input`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// What happens to a class of requests, reduced to what is compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeView {
    /// `route`, `redirect`, `direct_response`, `no_route` (404) or `unavailable` (the entry
    /// point does not exist in this version: its Gateway is not in the input).
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub destinations: Vec<DestView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect: Option<Redirect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct_response: Option<DirectResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// `default` (the mesh default: 2 attempts) or `N attempts[, T per try][, on CONDITIONS]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries: Option<String>,
    /// `delay 5s 10%`, `abort 503 50%` (joined by `, `).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// `host[ subset] N%` for each mirror.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mirrors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewrite: Option<Rewrite>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<HeaderOps>,
}

impl OutcomeView {
    fn bare(kind: &'static str, reason: Option<String>) -> OutcomeView {
        OutcomeView {
            kind,
            destinations: Vec::new(),
            redirect: None,
            direct_response: None,
            reason,
            timeout: None,
            retries: None,
            fault: None,
            mirrors: Vec::new(),
            rewrite: None,
            headers: None,
        }
    }
}

fn dest_name(d: &ResolvedDestination) -> String {
    match &d.subset {
        Some(s) => format!("{} {s}", d.host),
        None => d.host.clone(),
    }
}

fn dest_view(d: &ResolvedDestination) -> DestView {
    DestView {
        host: d.host.clone(),
        subset: d.subset.clone(),
        port: d.port,
        percent: d.percent,
        fallback: d.fallback.as_deref().map(dest_name),
        headers: d.headers.clone().filter(|h| !h.is_empty()),
        problem: d.problems.first().map(|p| {
            if p.starts_with("subset") {
                "subset not defined: 503".to_string()
            } else {
                "host not in the input".to_string()
            }
        }),
    }
}

/// The outcome of a class's witness (and the rule that decided, `ns/name http[i]`).
pub fn evaluate(sim: &Simulator, q: &Query) -> (OutcomeView, Option<String>) {
    let s = match sim.simulate(q) {
        Ok(s) => s,
        Err(e) => return (OutcomeView::bare("unavailable", Some(e)), None),
    };
    let default_retries = Some("default".to_string());
    let (extras, mut view) = match &s.outcome {
        Outcome::Default { destination } => {
            let mut v = match destination {
                Some(_) => OutcomeView::bare("route", None),
                None => OutcomeView::bare(
                    "no_route",
                    Some("no VirtualService for this host".to_string()),
                ),
            };
            if let Some(d) = destination {
                v.destinations.push(dest_view(d));
                // a TCP proxy has no retries
                if s.protocol.is_none() {
                    v.retries = default_retries;
                }
            }
            return (v, None);
        }
        Outcome::NoRoute { reason } => {
            return (OutcomeView::bare("no_route", Some(reason.clone())), None);
        }
        Outcome::Redirect {
            redirect,
            status,
            extras,
        } => {
            let mut v = OutcomeView::bare("redirect", None);
            let mut r = redirect.clone();
            r.redirect_code = Some(*status);
            v.redirect = Some(r);
            (extras, v)
        }
        Outcome::DirectResponse {
            direct_response,
            extras,
        } => {
            let mut v = OutcomeView::bare("direct_response", None);
            v.direct_response = Some(direct_response.clone());
            (extras, v)
        }
        Outcome::Route {
            destinations,
            extras,
        } => {
            let mut v = OutcomeView::bare("route", None);
            v.destinations = destinations.iter().map(dest_view).collect();
            (extras, v)
        }
    };
    if s.protocol.is_some() {
        // a TCP proxy: destinations only
        return (view, Some(extras.rule.clone()));
    }
    view.timeout = extras.timeout.clone();
    let r = &extras.retries;
    view.retries = if r.mesh_default {
        default_retries
    } else {
        let mut parts = vec![format!("{} attempts", r.attempts.unwrap_or(0))];
        if let Some(t) = &r.per_try_timeout {
            parts.push(format!("{t} per try"));
        }
        if let Some(on) = &r.retry_on {
            parts.push(format!("on {on}"));
        }
        Some(parts.join(", "))
    };
    view.fault = extras.fault.as_ref().map(|f| {
        let mut parts = Vec::new();
        if let Some(d) = &f.delay {
            parts.push(format!("delay {d} {}%", f.delay_percent.unwrap_or(100.0)));
        }
        if let Some(a) = f.abort_status {
            parts.push(format!("abort {a} {}%", f.abort_percent.unwrap_or(100.0)));
        }
        parts.join(", ")
    });
    view.mirrors = extras
        .mirrors
        .iter()
        .map(|m| format!("{} {}%", dest_name(&m.destination), m.percent))
        .collect();
    view.rewrite = extras.rewrite.clone();
    view.headers = extras.headers.clone().filter(|h| !h.is_empty());
    (view, Some(extras.rule.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_samples_match_their_pattern() {
        assert_eq!(regex_sample("/api/v[0-9]+/.*").as_deref(), Some("/api/v1/"));
        assert_eq!(regex_sample(".*jason.*").as_deref(), Some("jason"));
        assert_eq!(regex_sample("^(a|b)$").as_deref(), Some("a"));
        assert!(regex_sample("[").is_none());
    }

    #[test]
    fn descriptions() {
        let m = Match {
            headers: vec![(
                "end-user".into(),
                Some(Sm {
                    kind: MatchKindName::Exact,
                    value: "jason".into(),
                }),
            )],
            ..Match::default()
        };
        assert_eq!(describe(&m), "header end-user: jason");
        assert_eq!(concrete_host("*.example.com"), "any-host.example.com");
    }
}
