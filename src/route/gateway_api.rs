//! Route simulation for the Kubernetes Gateway API: where istiod sends a request that reaches a
//! Gateway API `Gateway`, or (GAMMA) a Service that HTTPRoutes name as their parent.
//!
//! What istiod does, and what this module follows (istio/istio):
//!
//! - **Listeners** (`pilot/pkg/config/kube/gateway/conversion.go` `buildListener`,
//!   `buildHostnameMatch`): each listener becomes one Istio server. HTTP listeners of one port
//!   share a route table; an HTTPS listener is picked by SNI first (the most specific hostname).
//! - **Attachment** (`extractParentReferenceInfo`, `referenceAllowed`,
//!   `gatewaycommon.GenerateGatewaySupportedKinds`, `namespacesFromSelector`): a parentRef
//!   names the Gateway (group/kind default to the Gateway API's Gateway, namespace to the
//!   route's), `port` and `sectionName` must fit the listener, one route hostname must overlap
//!   the listener hostname, the route's namespace must be allowed (`Same` by default, `All`,
//!   `Selector` over Namespace labels plus `kubernetes.io/metadata.name`), and the route kind
//!   must be among the listener's kinds (HTTP/HTTPS: HTTPRoute and GRPCRoute, intersected with
//!   `allowedRoutes.kinds`). Listener isolation (`hostnameAllowedByIsolation`): a route
//!   hostname that a more specific listener of the same port and protocol also covers is left
//!   to that listener.
//! - **Order** (`route_collections.go` `HTTPRouteCollection`, `mergeHTTPRoutes`;
//!   `conversion.go` `sortHTTPRoutes`, `sortRoutesByCreationTime`): every rule is split into one
//!   route per match; the routes of one listener and hostname are concatenated route by route
//!   (oldest first, then namespace/name), then sorted stably: exact path before prefix before
//!   regex, longer path first, a method match first, more header matches first, more query
//!   matches first, no match last. `BuildHTTPRoutesForVirtualService` stops after the first
//!   catch-all, and the gateway's virtual host moves catch-alls to the end
//!   (`core/gateway.go`, `route.SortVHostRoutes`).
//! - **Matching** (`createURIMatch`, `createHeadersMatch`, `createQueryParamsMatch`,
//!   `createMethodMatch`, `createGRPCURIMatch`; `core/route/route.go` `TranslateRouteMatch`):
//!   `PathPrefix` drops a trailing `/` and matches whole path segments
//!   (`path_separated_prefix`); the rest is the VirtualService matcher ([`super::matcher`]).
//! - **Filters and backends** (`convertHTTPRoute`, `convertGRPCRoute`, `createRedirectFilter`,
//!   `createRewriteFilter`, `createMirrorFilter`, `createHeadersFilter`,
//!   `buildHTTPDestination`, `buildDestination`): weight 0 backends are dropped; no backend
//!   with weight > 0 and no redirect is a direct 500; an invalid backend (not found, kind not
//!   supported, another namespace without a ReferenceGrant) keeps its share, which Envoy
//!   answers with 500 (`ClusterNotFoundResponseCode` in `applyHTTPRouteDestination`); some
//!   mistakes (a backendRef without `port`, a Service name with a dot, an unsupported filter)
//!   make istiod drop the whole route.
//! - **Mesh** (GAMMA, `HTTPRouteCollection` with a Service parent; `core/route/route.go`
//!   `BuildSidecarVirtualHostWrapper`): a route with a Service parent applies to requests for
//!   that Service from the route's namespace (consumer route) or in the Service's namespace
//!   (producer route); a parentRef `port` adds a port match.

use super::matcher::{Match, MatchKindName, Request, Sm};
use super::sim::{
    fmt_duration, Extras, MirrorInfo, Outcome, Query, ResolvedDestination, RetryInfo, RuleRow,
    Simulation, Simulator,
};
use crate::index::evidence::Class;
use crate::index::{host, Index, ResourceId};
use crate::model::gateway_api::{self as gw, ObjRef, RouteKind, GROUP};
use crate::model::istio::{DirectResponse, HeaderOp, HeaderOps, Redirect, Rewrite};
use crate::model::{Duration, Resource};
use serde::Serialize;
use std::collections::HashSet;

/// What the Gateway API part of a simulation looked at.
#[derive(Debug, Clone, Serialize)]
pub struct GatewayApiView {
    /// `ns/name` of the Gateway, or `mesh`.
    pub gateway: String,
    /// The listener the request arrived on (`name` of `spec.listeners[]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listener: Option<String>,
    /// The virtual host (hostname) that took the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virtual_host: Option<String>,
    /// The routes whose rules were considered (`HTTPRoute ns/name`).
    pub routes: Vec<String>,
}

/// The routes attached to `listener` (its `name`) of the Gateway `gateway`, in input order.
/// istiod's attachment (see the module doc); kept narrow so it can be swapped for the status
/// rules' own computation.
pub fn attached_routes(ix: &Index, gateway: ResourceId, listener: &str) -> Vec<ResourceId> {
    let accepted = accepted_by_istiod(ix, gateway);
    ix.routes()
        .filter(|(id, _, route)| {
            matches!(route.kind, RouteKind::Http | RouteKind::Grpc)
                && accepted.contains(&(*id, listener))
        })
        .map(|(id, _, _)| id)
        .collect()
}

/// (route, listener name) pairs the Gateway's own listeners accept, as the status rules decide
/// them (`index::gateway_api_status`, istiod's translation): one attachment semantics for
/// `check`, `route`, `test` and `graph`. This module's [`attachment`] only explains refusals.
fn accepted_by_istiod<'a>(ix: &'a Index, gateway: ResourceId) -> HashSet<(ResourceId, &'a str)> {
    ix.gateway_api_status()
        .attachments
        .iter()
        .filter(|a| a.parent == Some(gateway))
        .flat_map(|a| a.listeners.iter().map(move |l| (a.route, l.as_str())))
        .collect()
}

fn kube_gateway(r: &Resource) -> Option<&gw::Gateway> {
    match crate::index::gateway_api::object(r).map(|o| &o.object) {
        Some(gw::Object::Gateway(g)) => Some(g),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Attach {
    /// No parentRef names this Gateway.
    NotReferenced,
    Yes,
    /// Referenced, but the listener refuses it: why, and whether only because the parentRef
    /// asks for another listener (`sectionName`, `port`).
    Denied(String, bool),
}

fn listener_port(l: &gw::Listener) -> Option<i64> {
    l.port.as_ref().map(|p| p.value)
}

fn listener_hostname(l: &gw::Listener) -> Option<&str> {
    l.hostname
        .as_ref()
        .map(|h| h.value.as_str())
        .filter(|h| !h.is_empty())
}

fn listener_protocol(l: &gw::Listener) -> &str {
    l.protocol.as_ref().map(|p| p.value.as_str()).unwrap_or("")
}

/// The route hostnames, `*` when there are none (`hostnameToStringList`).
fn route_hostnames(route: &gw::Route) -> Vec<String> {
    if route.hostnames.is_empty() {
        return vec!["*".to_string()];
    }
    route
        .hostnames
        .iter()
        .map(|h| h.value.to_ascii_lowercase().to_string())
        .collect()
}

/// `namespacesFromSelector`: whether the listener admits routes of namespace `ns`; `Err` when
/// it depends on the labels of a Namespace the input does not define.
fn namespace_allowed(ix: &Index, gw_ns: &str, l: &gw::Listener, ns: &str) -> Result<bool, String> {
    let ar = &l.allowed_routes;
    match ar.from.as_ref().map(|f| f.value.as_str()) {
        None | Some("Same") => Ok(ns == gw_ns),
        Some("All") => Ok(true),
        Some("Selector") => {
            let Some(sel) = &ar.selector else {
                return Ok(true); // istiod: "should never happen", allows all
            };
            let name_label = "kubernetes.io/metadata.name";
            let mut labels: crate::model::Labels =
                ix.namespace_labels(ns).cloned().unwrap_or_default();
            let known = ix.namespace_labels(ns).is_some();
            if !labels.iter().any(|(k, _)| k.value == name_label) {
                let s = |t: &str| {
                    crate::source::Spanned::new(
                        crate::source::Str::from(t),
                        crate::source::Span::default(),
                    )
                };
                labels.push((s(name_label), s(ns)));
            }
            let ok = sel.matches(&labels);
            if !ok && !known {
                return Err(format!(
                    "the listener selects namespaces by label and Namespace `{ns}` is not in the input"
                ));
            }
            Ok(ok)
        }
        Some(_) => Ok(false), // `None` (and anything else): no namespace
    }
}

/// `GenerateGatewaySupportedKinds` intersected with `allowedRoutes.kinds`.
fn kind_allowed(l: &gw::Listener, kind: RouteKind) -> bool {
    let supported: &[RouteKind] = match listener_protocol(l) {
        "HTTP" | "HTTPS" => &[RouteKind::Http, RouteKind::Grpc],
        "TCP" => &[RouteKind::Tcp],
        "TLS" => &[RouteKind::Tls, RouteKind::Tcp],
        _ => &[],
    };
    if !supported.contains(&kind) {
        return false;
    }
    let kinds = &l.allowed_routes.kinds;
    kinds.is_empty()
        || kinds
            .iter()
            .any(|k| k.group_or(GROUP) == GROUP && k.kind_or("") == kind.kind())
}

/// Whether a parentRef names the Gateway `g` (group and kind default to the Gateway API's
/// Gateway, the namespace to the route's).
fn names_gateway(p: &ObjRef, route_ns: &str, g: &Resource) -> bool {
    p.group_or(GROUP) == GROUP
        && p.kind_or("Gateway") == "Gateway"
        && p.name() == g.name.as_str()
        && p.namespace_or(route_ns) == g.namespace.as_str()
}

/// `referenceAllowed` for the parentRefs of `route` that name the Gateway `g`, against
/// listener `l`.
fn attachment(
    ix: &Index,
    g: &Resource,
    l: &gw::Listener,
    rr: &Resource,
    route: &gw::Route,
) -> Attach {
    let mut out = Attach::NotReferenced;
    for p in &route.parent_refs {
        if !names_gateway(p, &rr.namespace, g) {
            continue;
        }
        let why = (|| -> Option<(String, bool)> {
            if let Some(port) = p.port.as_ref().map(|x| x.value).filter(|&x| x != 0) {
                if Some(port) != listener_port(l) {
                    return Some((format!("its parentRef asks for port {port}"), true));
                }
            }
            if let Some(s) = p.section_name.as_ref().filter(|s| !s.value.is_empty()) {
                if s.value != l.name() {
                    return Some((
                        format!("its parentRef asks for sectionName `{}`", s.value),
                        true,
                    ));
                }
            }
            if let Some(lh) = listener_hostname(l) {
                let lh = lh.to_ascii_lowercase();
                if !route_hostnames(route).iter().any(|h| host::matches(&lh, h)) {
                    return Some((
                        format!("no route hostname overlaps the listener hostname `{lh}`"),
                        false,
                    ));
                }
            }
            match namespace_allowed(ix, &g.namespace, l, &rr.namespace) {
                Ok(true) => {}
                Ok(false) => {
                    return Some((
                        format!(
                        "the listener does not allow routes from namespace `{}` (allowedRoutes)",
                        rr.namespace
                    ),
                        false,
                    ))
                }
                Err(e) => return Some((e, false)),
            }
            if !kind_allowed(l, route.kind) {
                return Some((
                    format!(
                        "the listener ({} protocol) does not allow {} (allowedRoutes.kinds)",
                        listener_protocol(l),
                        route.kind.kind()
                    ),
                    false,
                ));
            }
            None
        })();
        match why {
            None => return Attach::Yes,
            Some((w, other)) => {
                if !(other && matches!(out, Attach::Denied(_, false))) {
                    out = Attach::Denied(w, other);
                }
            }
        }
    }
    out
}

/// `hostnameAllowedByIsolation`: a route hostname on a wildcard (or empty) listener is left to
/// a more specific listener of the same port and protocol that covers it.
fn allowed_by_isolation(route_host: &str, l: &gw::Listener, others: &[&gw::Listener]) -> bool {
    let ours = listener_hostname(l).unwrap_or("").to_ascii_lowercase();
    if !ours.is_empty() && !host::is_wildcard(&ours) {
        return true;
    }
    if !ours.is_empty() && !host::matches(route_host, &ours) {
        return false;
    }
    for o in others {
        if std::ptr::eq(*o, l)
            || listener_port(o) != listener_port(l)
            || listener_protocol(o) != listener_protocol(l)
        {
            continue;
        }
        let check = listener_hostname(o).unwrap_or("").to_ascii_lowercase();
        if check == ours || ours.len() > check.len() {
            continue;
        }
        if host::subset_of(route_host, &check) {
            return false;
        }
    }
    true
}

/// `host.Names.Intersection` of one server host and one route host: the more specific one.
fn intersect(server: &str, route: &str) -> Option<String> {
    if host::subset_of(route, server) {
        Some(route.to_string())
    } else if host::subset_of(server, route) {
        Some(server.to_string())
    } else {
        None
    }
}

/// Envoy's virtual host choice: the exact domain, else the longest `*.suffix`, else `*`.
fn pick_vhost<'v>(names: impl Iterator<Item = &'v String>, authority: &str) -> Option<&'v String> {
    let h = authority
        .rsplit_once(':')
        .filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()))
        .map(|(h, _)| h)
        .unwrap_or(authority)
        .to_ascii_lowercase();
    let mut best: Option<(usize, &String)> = None;
    for n in names {
        let score = if *n == h {
            usize::MAX
        } else if n == "*" {
            0
        } else if host::is_wildcard(n) && h.ends_with(&n[1..]) && h.len() > n.len() - 1 {
            n.len()
        } else {
            continue;
        };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, n));
        }
    }
    best.map(|(_, n)| n)
}

/// One route istiod makes: one match of one rule (or a rule without matches).
#[derive(Clone)]
struct Split<'r> {
    id: ResourceId,
    res: &'r Resource,
    route: &'r gw::Route,
    rule: usize,
    /// Index in the rule's `matches[]`; `None` for a rule without matches.
    match_index: Option<usize>,
    m: Option<Match>,
    /// Why istiod emits no route for it.
    not_applied: Option<String>,
    /// Moved to the end of the virtual host (a catch-all, `SortVHostRoutes`).
    moved: bool,
}

/// `getURIRank`, `getURILength`.
fn uri_rank(m: &Option<Match>) -> (i32, usize) {
    match m.as_ref().and_then(|m| m.uri.as_ref()) {
        None => (-1, 0),
        Some(u) => (
            match u.kind {
                MatchKindName::Exact => 3,
                MatchKindName::Prefix => 2,
                MatchKindName::Regex => 1,
            },
            u.value.len(),
        ),
    }
}

/// `sortHTTPRoutes`: whether `a` goes before `b`.
fn precedes(a: &Option<Match>, b: &Option<Match>) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a, b) {
        (None, None) => return Equal,
        (None, _) => return Greater,
        (_, None) => return Less,
        _ => {}
    }
    let (r1, l1) = uri_rank(a);
    let (r2, l2) = uri_rank(b);
    let (Some(m1), Some(m2)) = (a, b) else {
        return Equal;
    };
    r2.cmp(&r1)
        .then(l2.cmp(&l1))
        .then(m2.method.is_some().cmp(&m1.method.is_some()))
        .then(m2.headers.len().cmp(&m1.headers.len()))
        .then(m2.query_params.len().cmp(&m1.query_params.len()))
}

fn typed(t: &str, v: &str, exact: &str, regex: &str) -> Result<Sm, String> {
    let kind = if t == exact {
        MatchKindName::Exact
    } else if t == regex {
        MatchKindName::Regex
    } else {
        return Err(format!("match type `{t}` is not supported"));
    };
    Ok(Sm {
        kind,
        value: v.to_string(),
    })
}

/// Named matches as a map (istiod's Go map: a later entry of the same name replaces an earlier
/// one).
fn named(list: &[gw::StringMatch], lower: bool) -> Result<Vec<(String, Option<Sm>)>, String> {
    let mut out: Vec<(String, Option<Sm>)> = Vec::new();
    for h in list {
        let sm = typed(h.type_or("Exact"), h.value(), "Exact", "RegularExpression")?;
        let name = if lower {
            h.name().to_ascii_lowercase()
        } else {
            h.name().to_string()
        };
        match out.iter_mut().find(|(n, _)| *n == h.name()) {
            Some(e) => e.1 = Some(sm),
            None => out.push((name, Some(sm))),
        }
    }
    Ok(out)
}

/// `createURIMatch` etc.: the Istio match istiod makes of one HTTPRoute/GRPCRoute match.
fn to_match(m: &gw::RouteMatch, kind: RouteKind) -> Result<Match, String> {
    let mut out = Match {
        path_separated_prefix: true,
        ..Match::default()
    };
    if kind == RouteKind::Grpc {
        if let Some(g) = &m.grpc_method {
            let svc = g.name.as_ref().map(|s| s.value.as_str());
            let method = g.value.as_ref().map(|s| s.value.as_str());
            let sm = |kind, value: String| Sm { kind, value };
            out.uri = Some(match (g.type_or("Exact"), svc, method) {
                (_, None, None) => {
                    return Err("a gRPC method match needs `service` or `method`".to_string())
                }
                ("Exact", Some(s), None) => sm(MatchKindName::Prefix, format!("/{s}/")),
                ("Exact", None, Some(me)) => sm(MatchKindName::Regex, format!("/[^/]+/{me}")),
                ("Exact", Some(s), Some(me)) => sm(MatchKindName::Exact, format!("/{s}/{me}")),
                ("RegularExpression", Some(s), None) => {
                    sm(MatchKindName::Regex, format!("/{s}/.+"))
                }
                ("RegularExpression", None, Some(me)) => {
                    sm(MatchKindName::Regex, format!("/[^/]+/{me}"))
                }
                ("RegularExpression", Some(s), Some(me)) => {
                    sm(MatchKindName::Regex, format!("/{s}/{me}"))
                }
                (t, _, _) => return Err(format!("gRPC method match type `{t}` is not supported")),
            });
        }
    } else {
        let (t, v) = match &m.path {
            Some(p) => (
                p.type_or("PathPrefix").to_string(),
                p.value
                    .as_ref()
                    .map(|v| v.value.to_string())
                    .unwrap_or_else(|| "/".to_string()),
            ),
            None => ("PathPrefix".to_string(), "/".to_string()),
        };
        out.uri = Some(match t.as_str() {
            "PathPrefix" => Sm {
                kind: MatchKindName::Prefix,
                value: if v == "/" {
                    v
                } else {
                    v.strip_suffix('/').unwrap_or(&v).to_string()
                },
            },
            "Exact" => Sm {
                kind: MatchKindName::Exact,
                value: v,
            },
            "RegularExpression" => Sm {
                kind: MatchKindName::Regex,
                value: v,
            },
            other => return Err(format!("path match type `{other}` is not supported")),
        });
        out.method = m.method.as_ref().map(|me| Sm {
            kind: MatchKindName::Exact,
            value: me.value.to_string(),
        });
        out.query_params = named(&m.query_params, false)?;
    }
    out.headers = named(&m.headers, true)?;
    Ok(out)
}

/// One backend as istiod builds it.
struct Backend<'r> {
    written: String,
    host: String,
    port: Option<u32>,
    weight: i64,
    /// Why Envoy answers 500 for this share (`isInvalidBackend`).
    invalid: Option<String>,
    /// Not decidable from the input (shown as a problem, not as a 500).
    unknown: Option<String>,
    filters: &'r [gw::Filter],
}

/// `createHeadersFilter` + `headerListToMap`: names lower-cased, the first of a name kept.
fn header_op(m: &gw::HeaderModifier) -> Result<HeaderOp, String> {
    let mut op = HeaderOp::default();
    for (list, dst) in [(&m.set, &mut op.set), (&m.add, &mut op.add)] {
        for (k, v) in list {
            if v.value
                .bytes()
                .any(|c| !(c == 0x09 || (c >= 0x20 && c != 0x7f)))
            {
                return Err(format!(
                    "header `{}` value contains invalid characters",
                    k.value
                ));
            }
            let k = k.value.to_ascii_lowercase();
            if !dst.iter().any(|(x, _)| *x == k) {
                dst.push((k.to_string(), v.value.to_string()));
            }
        }
    }
    op.remove = m.remove.iter().map(|r| r.value.to_string()).collect();
    Ok(op)
}

/// What istiod makes of a rule's filters, backends, timeouts and retries.
struct Converted<'r> {
    headers: Option<HeaderOps>,
    redirect: Option<&'r gw::Redirect>,
    rewrite: Option<&'r gw::Rewrite>,
    mirrors: Vec<(Backend<'r>, f64)>,
    backends: Vec<Backend<'r>>,
    timeout: Option<String>,
    retries: Option<RetryInfo>,
    /// No backend with weight > 0 and no redirect: a direct 500.
    direct_500: bool,
    notes: Vec<String>,
}

struct Ctx<'s, 'a, 'r> {
    sim: &'s Simulator<'a, 'r>,
    /// Gateway routes enforce ReferenceGrants; mesh routes do not (`enforceRefGrant`).
    gateway: bool,
}

impl<'s, 'a, 'r> Ctx<'s, 'a, 'r> {
    fn ix(&self) -> &'a Index<'r> {
        self.sim.ix
    }

    /// `buildDestination`: `Err` for a mistake that drops the whole route.
    fn backend(
        &self,
        t: &ObjRef,
        weight: i64,
        filters: &'r [gw::Filter],
        rr: &Resource,
        kind: RouteKind,
    ) -> Result<Backend<'r>, String> {
        let ix = self.ix();
        let group = t.group_or("");
        let bkind = t.kind_or("Service");
        let name = t.name();
        let ns = t.namespace_or(&rr.namespace).to_string();
        let mut b = Backend {
            written: name.to_string(),
            host: String::new(),
            port: t.port.as_ref().and_then(|p| u32::try_from(p.value).ok()),
            weight,
            invalid: None,
            unknown: None,
            filters,
        };
        if self.gateway && ns != rr.namespace.as_str() {
            let to_group = if group.is_empty() { "" } else { group };
            if !ix.reference_granted(
                GROUP,
                kind.kind(),
                &rr.namespace,
                to_group,
                bkind,
                &ns,
                name,
            ) {
                b.invalid = Some(format!(
                    "backendRef {ns}/{name} is in another namespace and no ReferenceGrant in the input allows it (RefNotPermitted)"
                ));
                b.host = format!("{name}.{ns}");
                return Ok(b);
            }
        }
        let domain = &ix.mesh.domain;
        match (group, bkind) {
            ("" | "core", "Service") | ("multicluster.x-k8s.io", "ServiceImport") => {
                if name.contains('.') {
                    return Err(format!(
                        "backendRef `{name}`: the name of the Service must be used, not a hostname"
                    ));
                }
                b.host = format!("{name}.{ns}.svc.{domain}");
                if ix.get("Service", &ns, name).is_none() {
                    if ix.evidence(Class::Service, &ns, rr) {
                        b.invalid = Some(format!(
                            "Service {ns}/{name} does not exist (BackendNotFound)"
                        ));
                    } else {
                        b.unknown = Some(format!("Service {ns}/{name} is not in the input"));
                    }
                }
            }
            ("networking.istio.io", "Hostname") => {
                if t.namespace.is_some() {
                    return Err(format!(
                        "backendRef `{name}` of kind Hostname may not set a namespace"
                    ));
                }
                b.host = name.to_string();
                if !ix.host_in_registry(name) {
                    b.unknown = Some(format!("no ServiceEntry in the input declares `{name}`"));
                }
            }
            ("gateway.networking.x-k8s.io", "XBackend")
            | ("inference.networking.k8s.io", "InferencePool") => {
                b.host = format!("{bkind} {ns}/{name}");
                b.unknown = Some(format!(
                    "{bkind} backends depend on istiod feature flags; meshlint does not simulate them"
                ));
                return Ok(b);
            }
            _ => {
                b.host = format!("{bkind} {ns}/{name}");
                b.invalid = Some(format!(
                    "backendRef kind `{bkind}` of group `{group}` is not supported (InvalidKind)"
                ));
                return Ok(b);
            }
        }
        if b.port.is_none() {
            return Err(format!(
                "backendRef `{name}` has no `port` (required for a {bkind})"
            ));
        }
        Ok(b)
    }

    fn convert(
        &self,
        rr: &'r Resource,
        route: &'r gw::Route,
        rule: &'r gw::RouteRule,
    ) -> Result<Converted<'r>, String> {
        let mut c = Converted {
            headers: None,
            redirect: None,
            rewrite: None,
            mirrors: Vec::new(),
            backends: Vec::new(),
            timeout: None,
            retries: None,
            direct_500: false,
            notes: Vec::new(),
        };
        let http = route.kind == RouteKind::Http;
        for f in &rule.filters {
            match f.type_name() {
                "RequestHeaderModifier" | "ResponseHeaderModifier" => {
                    let (m, resp) = if f.type_name() == "RequestHeaderModifier" {
                        (f.request_header_modifier.as_ref(), false)
                    } else {
                        (f.response_header_modifier.as_ref(), true)
                    };
                    if let Some(m) = m {
                        let op = header_op(m)?;
                        let h = c.headers.get_or_insert_with(HeaderOps::default);
                        if resp {
                            h.response = op;
                        } else {
                            h.request = op;
                        }
                    }
                }
                "RequestRedirect" if http => c.redirect = f.request_redirect.as_ref(),
                "URLRewrite" if http => c.rewrite = f.url_rewrite.as_ref(),
                "CORS" if http => c.notes.push("a CORS filter applies (not simulated)".into()),
                "RequestMirror" => {
                    let Some(m) = &f.request_mirror else { continue };
                    let pct = match (&m.fraction, &m.percent) {
                        (Some((n, d)), _) => {
                            let d = d.as_ref().map(|d| d.value).unwrap_or(100);
                            if d == 0 {
                                0.0
                            } else {
                                100.0 * n.value as f64 / d as f64
                            }
                        }
                        (None, Some(p)) => p.value as f64,
                        (None, None) => 100.0,
                    };
                    match self.backend(&m.backend_ref, 1, &[], rr, route.kind) {
                        Ok(b) if b.invalid.is_none() => c.mirrors.push((b, pct)),
                        Ok(b) => c
                            .notes
                            .push(format!("mirror dropped: {}", b.invalid.unwrap_or_default())),
                        // HTTPRoute: the mirror is dropped; GRPCRoute: the whole route
                        Err(e) if http => c.notes.push(format!("mirror dropped: {e}")),
                        Err(e) => return Err(e),
                    }
                }
                t => return Err(format!("unsupported filter type `{t}`")),
            }
        }
        if http {
            let has_retry = rule.retry_attempts.is_some()
                || !rule.retry_codes.is_empty()
                || rule.retry_backoff.is_some();
            if has_retry {
                let attempts = rule.retry_attempts.as_ref().map(|a| a.value).unwrap_or(2);
                let mut on = vec![
                    "connect-failure".to_string(),
                    "refused-stream".into(),
                    "unavailable".into(),
                    "cancelled".into(),
                ];
                on.extend(rule.retry_codes.iter().map(|c| c.value.to_string()));
                c.retries = Some(RetryInfo {
                    mesh_default: false,
                    attempts: Some(attempts),
                    per_try_timeout: None,
                    retry_on: (attempts != 0).then(|| on.join(",")),
                });
            }
            let dur = |s: &Option<crate::source::Spanned<crate::source::Str>>| {
                s.as_ref()
                    .and_then(|d| Duration::parse(&d.value).nanos)
                    .filter(|&n| n != 0)
            };
            if let Some(n) = dur(&rule.timeout_request) {
                c.timeout = Some(fmt_duration(Some(n)));
            }
            if let Some(n) = dur(&rule.timeout_backend_request) {
                match c.retries.as_mut() {
                    Some(r) => r.per_try_timeout = Some(fmt_duration(Some(n))),
                    None => c.timeout = Some(fmt_duration(Some(n))),
                }
            }
        }
        let sum: i64 = rule.backend_refs.iter().map(|b| b.weight()).sum();
        if sum == 0 && c.redirect.is_none() {
            c.direct_500 = true;
            return Ok(c);
        }
        for b in &rule.backend_refs {
            let w = b.weight();
            if w == 0 {
                continue;
            }
            for f in &b.filters {
                if !matches!(
                    f.type_name(),
                    "RequestHeaderModifier" | "ResponseHeaderModifier"
                ) {
                    return Err(format!(
                        "unsupported filter type `{}` on a backendRef",
                        f.type_name()
                    ));
                }
            }
            c.backends
                .push(self.backend(&b.target, w, &b.filters, rr, route.kind)?);
        }
        Ok(c)
    }
}

/// The splits of one route: one per match of each rule; `not_applied` set on all of them when
/// istiod cannot convert the route.
fn splits<'r>(
    ctx: &Ctx<'_, '_, 'r>,
    id: ResourceId,
    res: &'r Resource,
    route: &'r gw::Route,
) -> Vec<Split<'r>> {
    let mut out = Vec::new();
    let mut error: Option<String> = None;
    for (ri, rule) in route.rules.iter().enumerate() {
        if let Err(e) = ctx.convert(res, route, rule) {
            error.get_or_insert(format!("rules[{ri}]: {e}"));
        }
        if rule.matches.is_empty() {
            out.push(Split {
                id,
                res,
                route,
                rule: ri,
                match_index: None,
                m: None,
                not_applied: None,
                moved: false,
            });
        }
        for (mi, m) in rule.matches.iter().enumerate() {
            let m = match to_match(m, route.kind) {
                Ok(m) => Some(m),
                Err(e) => {
                    error.get_or_insert(format!("rules[{ri}].matches[{mi}]: {e}"));
                    None
                }
            };
            out.push(Split {
                id,
                res,
                route,
                rule: ri,
                match_index: Some(mi),
                m,
                not_applied: None,
                moved: false,
            });
        }
    }
    if let Some(e) = error {
        for s in &mut out {
            s.not_applied = Some(format!(
                "istiod cannot convert this {} ({e}) and drops all of its rules",
                route.kind.kind()
            ));
        }
    }
    out
}

/// istiod's creation-time order of routes: `metadata.creationTimestamp` when written (those
/// first, oldest first), else input order; then namespace/name.
fn age_key(id: ResourceId, r: &Resource) -> (u8, String, usize, String, String) {
    let ts = crate::index::gateway_api::object(r)
        .and_then(|g| g.creation_timestamp.as_ref())
        .map(|t| t.value.to_string());
    let input_order = if ts.is_none() { id } else { 0 };
    (
        u8::from(ts.is_none()),
        ts.unwrap_or_default(),
        input_order,
        r.namespace.to_string(),
        r.name.to_string(),
    )
}

/// Sorts and cuts the routes of one merged VirtualService (one listener and hostname).
fn merged_order<'r>(
    mut members: Vec<(ResourceId, &'r Resource, &'r gw::Route)>,
    ctx: &Ctx<'_, '_, 'r>,
) -> Vec<Split<'r>> {
    members.sort_by_key(|(id, r, _)| age_key(*id, r));
    members.dedup_by_key(|(id, _, _)| *id);
    let mut all: Vec<Split<'r>> = Vec::new();
    let mut dropped: Vec<Split<'r>> = Vec::new();
    for (id, r, route) in members {
        for s in splits(ctx, id, r, route) {
            if s.not_applied.is_some() {
                dropped.push(s);
            } else {
                all.push(s);
            }
        }
    }
    all.sort_by(|a, b| precedes(&a.m, &b.m));
    // BuildHTTPRoutesForVirtualService: nothing after the first catch-all
    if let Some(k) = all
        .iter()
        .position(|s| s.m.as_ref().is_none_or(|m| m.is_catch_all()))
    {
        for s in &mut all[k + 1..] {
            s.not_applied = Some(
                "after a catch-all route of the same listener and hostname: istiod emits no more routes (BuildHTTPRoutesForVirtualService)"
                    .to_string(),
            );
        }
    }
    all.extend(dropped);
    all
}

/// `SortVHostRoutes`: catch-alls to the end, keeping the others' order.
fn vhost_order(routes: Vec<Split<'_>>) -> Vec<Split<'_>> {
    let mut head = Vec::new();
    let mut tail = Vec::new();
    let mut dropped = Vec::new();
    for mut s in routes {
        if s.not_applied.is_some() {
            dropped.push(s);
        } else if s.m.as_ref().is_none_or(|m| m.is_catch_all()) {
            s.moved = true;
            tail.push(s);
        } else {
            head.push(s);
        }
    }
    let moved_matter = !head.is_empty();
    for s in &mut tail {
        s.moved = moved_matter;
    }
    head.extend(tail);
    head.extend(dropped);
    head
}

/// The Gateway a `--gateway` value names, when it is a Gateway API Gateway (and no Istio
/// Gateway of that name exists).
fn gateway_api_target(ix: &Index, g: &str) -> Result<Option<ResourceId>, String> {
    if g == "mesh" || g == "*" {
        return Ok(None);
    }
    if let Some((ns, name)) = g.split_once('/') {
        if ix.gateway(ns, name).is_some() {
            return Ok(None);
        }
        return Ok(ix.kube_gateway(ns, name));
    }
    if !ix.gateways_named(g).is_empty()
        || ix.of_kind("Gateway").iter().any(|&id| {
            let r = ix.resource(id);
            r.name == g && matches!(r.spec, crate::model::Spec::Gateway(_))
        })
    {
        return Ok(None);
    }
    let found: Vec<ResourceId> = ix
        .kube_gateways()
        .filter(|(_, r, _)| r.name == g)
        .map(|(id, _, _)| id)
        .collect();
    match found.as_slice() {
        [] => Ok(None),
        [id] => Ok(Some(*id)),
        _ => Err(format!(
            "several Gateways are named `{g}`; write it as namespace/name"
        )),
    }
}

/// Simulates `q` with Gateway API semantics when it goes to a Gateway API Gateway, or (mesh)
/// to a Service that HTTPRoutes/GRPCRoutes name as parent; `Ok(None)` otherwise.
pub fn simulate(sim: &Simulator, q: &Query) -> Result<Option<Simulation>, String> {
    let g = q.gateway.as_deref().unwrap_or("mesh");
    if let Some(id) = gateway_api_target(sim.ix, g)? {
        return Ok(Some(at_gateway(sim, q, id)));
    }
    if g == "mesh" {
        return mesh(sim, q);
    }
    Ok(None)
}

fn base_request(q: &Query, gateway: super::matcher::Gateway, ns: &str, port: u32) -> Request {
    let source_namespace = q.source_namespace.clone().unwrap_or_else(|| ns.to_string());
    super::sim::request_of(q, gateway, port, q.source_labels.clone(), source_namespace)
}

/// How specifically a listener hostname covers `h`: exact > longest wildcard > none.
fn host_score(l: &gw::Listener, h: &str) -> Option<usize> {
    match listener_hostname(l).map(|x| x.to_ascii_lowercase()) {
        None => Some(0),
        Some(lh) if lh == h => Some(usize::MAX),
        Some(lh) if host::is_wildcard(&lh) && host::subset_of(h, &lh) => Some(lh.len()),
        _ => None,
    }
}

fn is_http(l: &gw::Listener) -> bool {
    matches!(listener_protocol(l), "HTTP" | "HTTPS")
}

fn at_gateway(sim: &Simulator, q: &Query, gw_id: ResourceId) -> Simulation {
    let ix = sim.ix;
    let gres = ix.resource(gw_id);
    let g = kube_gateway(gres).expect("a Gateway API Gateway");
    let mut notes = Vec::new();
    let host_l = q.host.to_ascii_lowercase();
    let port = match q.port {
        Some(p) => p,
        None => {
            let best = g
                .listeners
                .iter()
                .filter(|l| is_http(l))
                .filter_map(|l| host_score(l, &host_l).map(|s| (s, l)))
                .max_by_key(|(s, _)| *s)
                .map(|(_, l)| l)
                .or_else(|| g.listeners.iter().find(|l| is_http(l)));
            let p = best
                .and_then(listener_port)
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or(80);
            notes.push(format!("port {p} assumed (set it with --port)"));
            p
        }
    };
    let gw_name = format!("{}/{}", gres.namespace, gres.name);
    let gateway = super::matcher::Gateway::Named {
        namespace: gres.namespace.to_string(),
        name: gres.name.to_string(),
    };
    let req = base_request(q, gateway, &gres.namespace, port);
    let mut view = GatewayApiView {
        gateway: gw_name.clone(),
        listener: None,
        virtual_host: None,
        routes: Vec::new(),
    };
    if ix.listener_sets().any(|(_, r, ls)| {
        ls.parent_ref.as_ref().is_some_and(|p| {
            p.name() == gres.name.as_str()
                && p.namespace_or(&r.namespace) == gres.namespace.as_str()
        })
    }) {
        notes.push("ListenerSets attach to this Gateway; meshlint simulates only the Gateway's own listeners".to_string());
    }
    let on_port: Vec<&gw::Listener> = g
        .listeners
        .iter()
        .filter(|l| listener_port(l) == Some(port as i64))
        .collect();
    let http: Vec<&gw::Listener> = on_port.iter().copied().filter(|l| is_http(l)).collect();
    let finish = |rows, outcome, notes, view| Simulation {
        request: req.clone(),
        host: host_l.clone(),
        protocol: None,
        virtual_services: Vec::new(),
        rules: rows,
        outcome,
        notes,
        gateway_api: Some(view),
    };
    if http.is_empty() {
        let reason = if on_port.is_empty() {
            format!("Gateway {gw_name} has no listener on port {port}: the connection is refused")
        } else {
            format!("Gateway {gw_name} has no HTTP or HTTPS listener on port {port}")
        };
        return finish(Vec::new(), Outcome::NoRoute { reason }, notes, view);
    }
    // HTTPS: SNI picks one listener first; HTTP listeners of a port share one route table
    let candidates: Vec<&gw::Listener> = if http.iter().any(|l| listener_protocol(l) == "HTTPS") {
        let best = http
            .iter()
            .filter_map(|l| host_score(l, &host_l).map(|s| (s, *l)))
            .max_by_key(|(s, _)| *s)
            .map(|(_, l)| l);
        match best {
            Some(l) => vec![l],
            None => {
                let reason = format!(
                    "no HTTPS listener of Gateway {gw_name} on port {port} serves `{host_l}` (TLS handshake fails)"
                );
                return finish(Vec::new(), Outcome::NoRoute { reason }, notes, view);
            }
        }
    } else {
        http.clone()
    };
    let ctx = Ctx { sim, gateway: true };
    // virtual host → (listener name, route hostname key) → members
    type Members<'r> = Vec<(ResourceId, &'r Resource, &'r gw::Route)>;
    /// virtual host → ((listener, route hostname), routes)
    type VHosts<'r> = Vec<(String, Vec<((String, String), Members<'r>)>)>;
    let mut vhosts: VHosts = Vec::new();
    let mut denied: Vec<(ResourceId, String)> = Vec::new();
    let mut attached: Vec<ResourceId> = Vec::new();
    let accepted = accepted_by_istiod(ix, gw_id);
    for l in &candidates {
        for (id, rr, route) in ix.routes() {
            if !matches!(route.kind, RouteKind::Http | RouteKind::Grpc) {
                continue;
            }
            let own = match attachment(ix, gres, l, rr, route) {
                Attach::NotReferenced => continue,
                // istiod's acceptance decides; this module's reasons only explain a refusal
                _ if accepted.contains(&(id, l.name())) => Attach::Yes,
                Attach::Yes => Attach::Denied(
                    "istiod does not accept it there (see `route-parent-not-accepted`)".into(),
                    false,
                ),
                denied => denied,
            };
            match own {
                Attach::NotReferenced => continue,
                Attach::Denied(_, true) => continue,
                Attach::Denied(why, false) => {
                    // worth saying only for a route and a listener meant for this host
                    if host_score(l, &host_l).is_some()
                        && route_hostnames(route)
                            .iter()
                            .any(|h| host::matches(h, &host_l))
                    {
                        denied.push((
                            id,
                            format!(
                                "{} {}/{} does not attach to listener `{}`: {why}",
                                route.kind.kind(),
                                rr.namespace,
                                rr.name,
                                l.name()
                            ),
                        ));
                    }
                    continue;
                }
                Attach::Yes => attached.push(id),
            }
            let server = listener_hostname(l).unwrap_or("*").to_ascii_lowercase();
            for h in route_hostnames(route) {
                if !allowed_by_isolation(&h, l, &http) {
                    continue;
                }
                let Some(vh) = intersect(&server, &h) else {
                    continue;
                };
                let key = (l.name().to_string(), h.clone());
                let slot = match vhosts.iter().position(|(n, _)| *n == vh) {
                    Some(i) => &mut vhosts[i].1,
                    None => {
                        vhosts.push((vh.clone(), Vec::new()));
                        &mut vhosts.last_mut().expect("pushed").1
                    }
                };
                match slot.iter().position(|(k, _)| *k == key) {
                    Some(i) => slot[i].1.push((id, rr, route)),
                    None => slot.push((key, vec![(id, rr, route)])),
                }
            }
        }
    }
    for (id, why) in denied {
        if !attached.contains(&id) && !notes.contains(&why) {
            notes.push(why);
        }
    }
    let Some(vh) = pick_vhost(vhosts.iter().map(|(n, _)| n), &req.authority).cloned() else {
        let reason = format!(
            "no route attached to Gateway {gw_name} on port {port} serves `{}`: the proxy answers 404",
            req.authority
        );
        if candidates.len() == 1 {
            view.listener = Some(candidates[0].name().to_string());
        }
        return finish(Vec::new(), Outcome::NoRoute { reason }, notes, view);
    };
    let mut keys = vhosts
        .into_iter()
        .find(|(n, _)| *n == vh)
        .map(|(_, k)| k)
        .unwrap_or_default();
    view.virtual_host = Some(vh.clone());
    // VirtualServicesForGateway: per listener in order; routes in the Gateway's namespace
    // first, then the oldest
    let order = |k: &((String, String), Members)| {
        let li = g
            .listeners
            .iter()
            .position(|l| l.name() == k.0 .0)
            .unwrap_or(usize::MAX);
        let oldest = k.1.iter().map(|(id, r, _)| age_key(*id, r)).min();
        let same_ns = k.1.iter().any(|(_, r, _)| r.namespace == gres.namespace);
        (li, !same_ns, oldest)
    };
    keys.sort_by_key(|k| order(k));
    let listeners: Vec<String> = {
        let mut v: Vec<String> = keys.iter().map(|k| k.0 .0.clone()).collect();
        v.dedup();
        v
    };
    view.listener = Some(listeners.join(", "));
    let mut routes = Vec::new();
    for (_, members) in keys {
        for (_, r, route) in &members {
            let n = format!("{} {}/{}", route.kind.kind(), r.namespace, r.name);
            if !view.routes.contains(&n) {
                view.routes.push(n);
            }
        }
        routes.extend(merged_order(members, &ctx));
    }
    let routes = vhost_order(routes);
    let (rows, outcome) = run(&ctx, &routes, &req, &mut notes);
    finish(rows, outcome, notes, view)
}

/// GAMMA: HTTPRoutes/GRPCRoutes with a Service parent, for a request from a sidecar.
fn mesh(sim: &Simulator, q: &Query) -> Result<Option<Simulation>, String> {
    let ix = sim.ix;
    if ix.routes().next().is_none() {
        return Ok(None);
    }
    let (req0, fqdn, mut notes) = sim.request(q)?;
    let domain = &ix.mesh.domain;
    let mut found: Vec<(ResourceId, &Resource, &gw::Route, Option<u32>)> = Vec::new();
    for (id, rr, route) in ix.routes() {
        if !matches!(route.kind, RouteKind::Http | RouteKind::Grpc) {
            continue;
        }
        for p in &route.parent_refs {
            let (group, kind) = (p.group_or(GROUP), p.kind_or("Gateway"));
            let pns = p.namespace_or(&rr.namespace);
            let h = match (group, kind) {
                ("" | "core", "Service") => format!("{}.{pns}.svc.{domain}", p.name()),
                ("networking.istio.io", "ServiceEntry") => {
                    match ix
                        .get("ServiceEntry", pns, p.name())
                        .map(|i| &ix.resource(i).spec)
                    {
                        Some(crate::model::Spec::ServiceEntry(se))
                            if se.hosts.iter().any(|h| h.value.as_str() == fqdn) =>
                        {
                            fqdn.clone()
                        }
                        _ => continue,
                    }
                }
                _ => continue,
            };
            if h != fqdn {
                continue;
            }
            let port = p
                .port
                .as_ref()
                .and_then(|x| u32::try_from(x.value).ok())
                .filter(|&x| x != 0);
            found.push((id, rr, route, port));
        }
    }
    if found.is_empty() {
        return Ok(None);
    }
    let svc_ns = host::service_namespace(&fqdn, domain)
        .map(str::to_string)
        .unwrap_or_default();
    let client_ns = req0.source_namespace.clone();
    // a consumer route (the client's namespace) before a producer route (the Service's)
    let pick = |ns: &str| -> Vec<(ResourceId, &Resource, &gw::Route, Option<u32>)> {
        found
            .iter()
            .filter(|(_, r, _, _)| r.namespace.as_str() == ns)
            .cloned()
            .collect()
    };
    let mut chosen = pick(&client_ns);
    if chosen.is_empty() && svc_ns != client_ns {
        chosen = pick(&svc_ns);
    } else if !chosen.is_empty() && svc_ns != client_ns && !pick(&svc_ns).is_empty() {
        notes.push(format!(
            "routes of the client's namespace `{client_ns}` (consumer routes) take the place of those of the Service's namespace `{svc_ns}`"
        ));
    }
    if chosen.is_empty() {
        let others: Vec<String> = found
            .iter()
            .map(|(_, r, route, _)| format!("{} {}/{}", route.kind.kind(), r.namespace, r.name))
            .collect();
        notes.push(format!(
            "{} name this Service as parent but apply only to clients in their own namespace or in the Service's namespace `{svc_ns}`",
            others.join(", ")
        ));
        return Ok(None);
    }
    if sim.ix.virtual_services().any(|(_, r, vs)| {
        vs.hosts
            .iter()
            .any(|h| host::resolve_short(&h.value, &r.namespace, domain) == fqdn)
    }) {
        notes.push(
            "a VirtualService also names this host; meshlint simulates the Gateway API routes"
                .to_string(),
        );
    }
    if ix
        .get("Service", &svc_ns, fqdn.split('.').next().unwrap_or(""))
        .is_none()
    {
        notes.push(format!(
            "the parent Service of `{fqdn}` is not in the input; istiod accepts the routes only once it exists"
        ));
    }
    let ctx = Ctx {
        sim,
        gateway: false,
    };
    let mut view = GatewayApiView {
        gateway: "mesh".to_string(),
        listener: None,
        virtual_host: Some(fqdn.clone()),
        routes: Vec::new(),
    };
    let members: Vec<(ResourceId, &Resource, &gw::Route)> =
        chosen.iter().map(|(i, r, rt, _)| (*i, *r, *rt)).collect();
    for (_, r, route) in &members {
        let n = format!("{} {}/{}", route.kind.kind(), r.namespace, r.name);
        if !view.routes.contains(&n) {
            view.routes.push(n);
        }
    }
    let mut routes = merged_order(members, &ctx);
    // augmentPortMatch: a parentRef port becomes a port match
    for s in &mut routes {
        let ports: Vec<u32> = chosen
            .iter()
            .filter(|(i, _, _, _)| *i == s.id)
            .filter_map(|(_, _, _, p)| *p)
            .collect();
        if ports.len() == 1 {
            let m = s.m.get_or_insert_with(|| Match {
                path_separated_prefix: true,
                ..Match::default()
            });
            m.port = Some(ports[0]);
        }
    }
    let (rows, outcome) = run(&ctx, &routes, &req0, &mut notes);
    Ok(Some(Simulation {
        request: req0,
        host: fqdn,
        protocol: None,
        virtual_services: Vec::new(),
        rules: rows,
        outcome,
        notes,
        gateway_api: Some(view),
    }))
}

/// Matches the request against the ordered routes: the rows and the outcome.
fn run(
    ctx: &Ctx,
    routes: &[Split],
    req: &Request,
    notes: &mut Vec<String>,
) -> (Vec<RuleRow>, Outcome) {
    let sim = ctx.sim;
    let mut rows = Vec::new();
    let mut matched: Option<usize> = None;
    for (i, s) in routes.iter().enumerate() {
        let rule = &s.route.rules[s.rule];
        let span = s
            .match_index
            .and_then(|k| rule.matches.get(k))
            .map(|m| m.span)
            .unwrap_or(rule.span);
        let mut row = RuleRow {
            kind: Some(s.route.kind.kind()),
            rule_match: s.match_index,
            name: rule.name.as_ref().map(|n| n.value.to_string()),
            ..RuleRow::new(
                format!("{}/{}", s.res.namespace, s.res.name),
                s.rule,
                sim.location(span),
            )
        };
        if let Some(why) = &s.not_applied {
            row.status = "not-applied";
            row.detail = Some(why.clone());
        } else if matched.is_none() {
            let reasons = s.m.as_ref().map(|m| m.reasons(req)).unwrap_or_default();
            if reasons.is_empty() {
                matched = Some(i);
                row.status = "matched";
                row.matched_match = s.match_index;
                if s.match_index.is_none() {
                    row.detail = Some("no `matches`: every request".to_string());
                }
            } else {
                row.status = "no-match";
                row.reasons = reasons;
            }
        }
        if s.moved && row.detail.is_none() {
            row.detail = Some(
                "catch-all route: istiod moves it after the other routes of this host (SortVHostRoutes)"
                    .to_string(),
            );
        }
        rows.push(row);
    }
    let outcome = match matched {
        None => Outcome::NoRoute {
            reason: "no rule matches: the proxy answers 404 (route not found)".to_string(),
        },
        Some(i) => outcome(ctx, &routes[i], req, notes),
    };
    (rows, outcome)
}

/// Replaces the matched prefix of `path` (`ReplacePrefixMatch`): the prefix's trailing `/` is
/// dropped first, and an empty result is `/`.
fn replace_prefix(path: &str, prefix: &str, with: &str) -> String {
    let rest = if prefix == "/" {
        path.strip_prefix('/')
            .map(|r| format!("/{r}"))
            .unwrap_or_default()
    } else {
        path.get(prefix.len()..).unwrap_or("").to_string()
    };
    let with = with.strip_suffix('/').unwrap_or(with);
    let rest = if prefix == "/" && rest == "/" {
        String::new()
    } else {
        rest
    };
    let out = format!("{with}{rest}");
    if out.is_empty() {
        "/".to_string()
    } else if !out.starts_with('/') {
        format!("/{out}")
    } else {
        out
    }
}

fn outcome(ctx: &Ctx, s: &Split, req: &Request, notes: &mut Vec<String>) -> Outcome {
    let sim = ctx.sim;
    let rule = &s.route.rules[s.rule];
    let c = match ctx.convert(s.res, s.route, rule) {
        Ok(c) => c,
        Err(e) => {
            return Outcome::NoRoute {
                reason: format!("istiod cannot convert this route: {e}"),
            }
        }
    };
    notes.extend(c.notes.iter().cloned());
    let client_ns = &req.source_namespace;
    let mut extras = Extras {
        rule: format!(
            "{} {}/{} rules[{}]{}",
            s.route.kind.kind(),
            s.res.namespace,
            s.res.name,
            s.rule,
            rule.name
                .as_ref()
                .map(|n| format!(" \"{}\"", n.value))
                .unwrap_or_default()
        ),
        ..Extras::default()
    };
    extras.timeout = c.timeout.clone();
    extras.retries = c.retries.clone().unwrap_or(RetryInfo {
        mesh_default: true,
        attempts: Some(2),
        per_try_timeout: None,
        retry_on: Some(
            "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
                .to_string(),
        ),
    });
    extras.headers = c.headers.clone().filter(|h| !h.is_empty());
    for (b, pct) in &c.mirrors {
        if *pct <= 0.0 {
            continue;
        }
        let mut d = sim.resolve(
            &b.written, &b.host, b.port, None, 100.0, None, client_ns, req.port,
        );
        if let Some(u) = &b.unknown {
            d.problems.push(u.clone());
        }
        extras.mirrors.push(MirrorInfo {
            destination: d,
            percent: *pct,
        });
    }
    let matched_prefix =
        s.m.as_ref()
            .and_then(|m| m.uri.as_ref())
            .filter(|u| u.kind == MatchKindName::Prefix)
            .map(|u| u.value.clone());
    if let Some(rw) = c.rewrite {
        let mut out = Rewrite::default();
        if let Some(p) = &rw.path {
            match p.type_.as_ref().map(|t| t.value.as_str()) {
                Some("ReplacePrefixMatch") => {
                    let v = p
                        .replace_prefix_match
                        .as_ref()
                        .map(|v| v.value.to_string())
                        .unwrap_or_default();
                    let v = v.strip_suffix('/').unwrap_or(&v).to_string();
                    out.uri = Some(if v.is_empty() { "/".to_string() } else { v });
                    if let Some(pre) = &matched_prefix {
                        notes.push(format!(
                            "the backend receives path `{}`",
                            replace_prefix(&req.path, pre, out.uri.as_deref().unwrap_or("/"))
                        ));
                    }
                }
                Some("ReplaceFullPath") => {
                    let v = p
                        .replace_full_path
                        .as_ref()
                        .map(|v| v.value.to_string())
                        .unwrap_or_default();
                    notes.push(format!("the backend receives path `{v}`"));
                    out.uri_regex = Some(("/.*".to_string(), v));
                }
                _ => {}
            }
        }
        out.authority = rw.hostname.as_ref().map(|h| h.value.to_string());
        if out != Rewrite::default() {
            extras.rewrite = Some(out);
        }
    }
    if let Some(rd) = c.redirect {
        // createRedirectFilter + Envoy's redirect; the API server defaults statusCode to 302
        let status = rd.status_code.as_ref().map(|s| s.value).unwrap_or(302);
        let scheme = rd
            .scheme
            .as_ref()
            .map(|x| x.value.to_string())
            .unwrap_or_else(|| req.scheme.clone());
        let host_only = req
            .authority
            .rsplit_once(':')
            .filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()))
            .map(|(h, _)| h.to_string())
            .unwrap_or_else(|| req.authority.clone());
        let hostname = rd
            .hostname
            .as_ref()
            .map(|h| h.value.to_string())
            .unwrap_or(host_only);
        let port = match (&rd.port, &rd.scheme) {
            (Some(p), _) => Some(p.value),
            // FROM_PROTOCOL_DEFAULT: no port in Location
            (None, Some(_)) => None,
            // FROM_REQUEST_PORT
            (None, None) => Some(req.port as i64),
        };
        let default_port = if scheme == "https" { 443 } else { 80 };
        let port = port.filter(|&p| p != default_port);
        let path = match &rd.path {
            Some(p) => match p.type_.as_ref().map(|t| t.value.as_str()) {
                Some("ReplaceFullPath") => p
                    .replace_full_path
                    .as_ref()
                    .map(|v| v.value.to_string())
                    .unwrap_or_else(|| req.path.clone()),
                Some("ReplacePrefixMatch") => {
                    let with = p
                        .replace_prefix_match
                        .as_ref()
                        .map(|v| v.value.to_string())
                        .unwrap_or_default();
                    match &matched_prefix {
                        Some(pre) => replace_prefix(&req.path, pre, &with),
                        None => with,
                    }
                }
                _ => req.path.clone(),
            },
            None => req.path.clone(),
        };
        return Outcome::Redirect {
            redirect: Redirect {
                uri: Some(path),
                authority: Some(hostname),
                port,
                derive_port: None,
                scheme: Some(scheme),
                redirect_code: Some(status),
            },
            status,
            extras,
        };
    }
    if c.direct_500 {
        notes.push(
            "the rule has no backendRef with a weight above 0: istiod answers 500 (convertHTTPRoute)"
                .to_string(),
        );
        return answer_500(extras);
    }
    let total: i64 = c.backends.iter().map(|b| b.weight).sum();
    let single = c.backends.len() == 1;
    let mut dests: Vec<ResolvedDestination> = Vec::new();
    for b in &c.backends {
        let pct = if single {
            100.0
        } else if total > 0 {
            b.weight as f64 * 100.0 / total as f64
        } else {
            0.0
        };
        let weight = (!single).then_some(b.weight);
        let mut d = if b.invalid.is_some() {
            ResolvedDestination::unresolved(&b.written, &b.host, b.port, None, pct, weight)
        } else {
            sim.resolve(
                &b.written, &b.host, b.port, None, pct, weight, client_ns, req.port,
            )
        };
        if let Some(why) = &b.invalid {
            d.problems.push(format!(
                "invalid backend: {why}; requests sent here get 500"
            ));
        }
        if let Some(u) = &b.unknown {
            d.problems
                .retain(|p| !p.contains("is not a Service or ServiceEntry in the input"));
            d.problems.push(u.clone());
        }
        let mut h = HeaderOps::default();
        for f in b.filters {
            match f.type_name() {
                "RequestHeaderModifier" => {
                    if let Some(m) = &f.request_header_modifier {
                        h.request = header_op(m).unwrap_or_default();
                    }
                }
                "ResponseHeaderModifier" => {
                    if let Some(m) = &f.response_header_modifier {
                        h.response = header_op(m).unwrap_or_default();
                    }
                }
                _ => {}
            }
        }
        if !h.is_empty() {
            d.headers = Some(h);
        }
        dests.push(d);
    }
    if !c.backends.is_empty() && c.backends.iter().all(|b| b.invalid.is_some()) {
        for d in &dests {
            for p in &d.problems {
                notes.push(format!("{}: {p}", d.host));
            }
        }
        notes.push(
            "every backend of the matched rule is invalid: Envoy answers 500 (ClusterNotFoundResponseCode)"
                .to_string(),
        );
        return answer_500(extras);
    }
    Outcome::Route {
        destinations: dests,
        extras,
    }
}

/// The 500 istiod and Envoy answer for a rule without a usable backend.
fn answer_500(extras: Extras) -> Outcome {
    Outcome::DirectResponse {
        direct_response: DirectResponse {
            status: Some(500),
            body: None,
        },
        extras,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_replacement() {
        assert_eq!(replace_prefix("/foo/bar", "/foo", "/baz"), "/baz/bar");
        assert_eq!(replace_prefix("/foo", "/foo", "/baz"), "/baz");
        assert_eq!(replace_prefix("/foo/bar", "/foo", "/"), "/bar");
        assert_eq!(replace_prefix("/foo", "/foo", "/"), "/");
        assert_eq!(replace_prefix("/x/y", "/", "/api"), "/api/x/y");
    }

    #[test]
    fn vhost_choice() {
        let names = [
            "*".to_string(),
            "*.example.com".to_string(),
            "a.example.com".to_string(),
        ];
        assert_eq!(
            pick_vhost(names.iter(), "a.example.com:80").unwrap(),
            "a.example.com"
        );
        assert_eq!(
            pick_vhost(names.iter(), "b.example.com").unwrap(),
            "*.example.com"
        );
        assert_eq!(pick_vhost(names.iter(), "other.org").unwrap(), "*");
        assert_eq!(
            intersect("*.example.com", "*").as_deref(),
            Some("*.example.com")
        );
        assert_eq!(intersect("*", "a.b").as_deref(), Some("a.b"));
        assert_eq!(intersect("a.example.com", "b.example.com"), None);
    }
}
