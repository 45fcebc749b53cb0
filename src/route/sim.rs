//! The route simulator: which VirtualService rule a request takes and where it goes.
//!
//! Follows istiod: VirtualService selection by host and `gateways` (an omitted list means
//! `mesh`), `exportTo`; the most specific host wins (exact before the longest wildcard); for
//! sidecars one VirtualService per host, for gateways the VirtualServices of a host are merged;
//! delegates one level deep with `mergeHTTPRoute`/`mergeHTTPMatchRequests`/`hasConflict`
//! (istio/istio `pilot/pkg/model/virtualservice.go`); rules in order, first match wins
//! (`BuildHTTPRoutesForVirtualService`); destinations with `GetDestinationCluster`'s port
//! choice and weight-0 destinations dropped (`applyHTTPRouteDestination`).

use super::matcher::{match_rule, Gateway, Match, MatchKindName, NoMatchReason, Request, Sm};
use super::merge::first_catch_all;
use crate::index::host::{self, resolve_gateway_ref, resolve_short};
use crate::index::{Index, ResourceId};
use crate::model::istio::{
    Destination, DirectResponse, HeaderOps, HttpRoute, Redirect, Rewrite, TrafficPolicy,
};
use crate::model::{Labels, Spec};
use crate::source::{SourceDb, Span};
use serde::Serialize;

/// What the user asked: the request, with optional context.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub host: String,
    pub path: Option<String>,
    pub method: Option<String>,
    pub authority: Option<String>,
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub port: Option<u32>,
    pub scheme: Option<String>,
    /// `mesh` (default), `ns/name` or a Gateway name.
    pub gateway: Option<String>,
    pub source_labels: Vec<(String, String)>,
    pub source_namespace: Option<String>,
    /// `http` (the default), or `tcp`/`tls` for a connection routed by the VirtualServices'
    /// `tcp`/`tls` sections ([`super::l4`]; for TLS, `host` is the SNI).
    pub protocol: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    pub request: Request,
    /// The host as an FQDN (for a TLS connection: the SNI).
    pub host: String,
    /// `tcp` or `tls` for a connection routed by the VirtualServices' `tcp` or `tls` sections
    /// ([`super::l4`]); absent for an HTTP request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<&'static str>,
    /// The VirtualServices applied, in order (`ns/name`).
    pub virtual_services: Vec<String>,
    pub rules: Vec<RuleRow>,
    pub outcome: Outcome,
    pub notes: Vec<String>,
    /// Set when the request went through Gateway API routes (a Gateway API Gateway, or
    /// HTTPRoutes with a Service parent for `mesh`): see [`super::gateway_api`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_api: Option<super::gateway_api::GatewayApiView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleRow {
    /// `ns/name` of the VirtualService (or of the HTTPRoute/GRPCRoute, see `kind`).
    pub virtual_service: String,
    /// The rule's index in `http[]` (or in the route's `rules[]`).
    pub index: usize,
    /// `HTTPRoute` or `GRPCRoute` for a Gateway API rule; absent for a VirtualService rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// `tcp` or `tls` for a route of a VirtualService's `tcp[]` or `tls[]` (then `index` is
    /// in that list); absent for `http[]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<&'static str>,
    /// For a Gateway API rule: the index in the rule's `matches[]` of this row (istiod makes
    /// one route per match before it sorts them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_match: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `root-ns/root http[i]` when the rule comes from a delegate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    pub location: String,
    /// matched | no-match | not-reached | not-applied
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_match: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<NoMatchReason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// No VirtualService: the proxy's default route to the service.
    Default {
        destination: Option<ResolvedDestination>,
    },
    NoRoute {
        reason: String,
    },
    Redirect {
        redirect: Redirect,
        status: i64,
        #[serde(flatten)]
        extras: Extras,
    },
    DirectResponse {
        direct_response: DirectResponse,
        #[serde(flatten)]
        extras: Extras,
    },
    Route {
        destinations: Vec<ResolvedDestination>,
        #[serde(flatten)]
        extras: Extras,
    },
}

/// Everything of the matched rule besides its destination.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Extras {
    pub rule: String,
    /// `None`: no timeout (Istio's default).
    pub timeout: Option<String>,
    pub retries: RetryInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<FaultInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mirrors: Vec<MirrorInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewrite: Option<Rewrite>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<HeaderOps>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RetryInfo {
    /// The mesh default (2 attempts) applies when the rule sets none.
    pub mesh_default: bool,
    pub attempts: Option<i64>,
    pub per_try_timeout: Option<String>,
    pub retry_on: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FaultInfo {
    pub delay: Option<String>,
    pub delay_percent: Option<f64>,
    pub abort_status: Option<i64>,
    pub abort_percent: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MirrorInfo {
    pub destination: ResolvedDestination,
    pub percent: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResolvedDestination {
    /// As written.
    pub host_written: String,
    pub host: String,
    pub port: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subset: Option<String>,
    /// Share of requests, in percent.
    pub percent: f64,
    pub weight: Option<i64>,
    /// `Service ns/name`, `ServiceEntry ns/name`, or empty when the host is unknown.
    pub backends: Vec<String>,
    pub subset_labels: Vec<(String, String)>,
    /// `Deployment ns/name` of the workloads selected (Service selector and subset labels).
    pub workloads: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_policy: Option<TrafficPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Box<ResolvedDestination>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headers: Option<HeaderOps>,
}

impl ResolvedDestination {
    /// A destination as written, its share rounded to hundredths of a percent, nothing looked
    /// up yet (no backends, workloads, DestinationRule or problems).
    pub fn unresolved(
        written: &str,
        fqdn: &str,
        port: Option<u32>,
        subset: Option<&str>,
        pct: f64,
        weight: Option<i64>,
    ) -> ResolvedDestination {
        ResolvedDestination {
            host_written: written.to_string(),
            host: fqdn.to_string(),
            port,
            subset: subset.map(str::to_string),
            percent: (pct * 100.0).round() / 100.0,
            weight,
            backends: Vec::new(),
            subset_labels: Vec::new(),
            workloads: Vec::new(),
            destination_rule: None,
            traffic_policy: None,
            fallback: None,
            problems: Vec::new(),
            headers: None,
        }
    }
}

/// Each destination of a route with its share of the traffic in percent and its weight; Istio
/// drops weight-0 destinations when there are several.
pub(crate) fn shares(
    route: &[crate::model::istio::RouteDestination],
) -> impl Iterator<Item = (&crate::model::istio::RouteDestination, f64, Option<i64>)> {
    let single = route.len() == 1;
    let total: i64 = route
        .iter()
        .map(|d| d.weight.as_ref().map_or(0, |w| w.value).max(0))
        .sum();
    route.iter().filter_map(move |d| {
        let w = d.weight.as_ref().map(|w| w.value);
        if !single && w.unwrap_or(0) <= 0 {
            return None;
        }
        let pct = if single {
            100.0
        } else if total > 0 {
            w.unwrap_or(0) as f64 * 100.0 / total as f64
        } else {
            0.0
        };
        Some((d, pct, w))
    })
}

impl RuleRow {
    /// A row for rule `index` of `virtual_service` (`ns/name`) written at `location`, not
    /// reached yet; the other fields are filled in by the caller.
    pub fn new(virtual_service: String, index: usize, location: String) -> RuleRow {
        RuleRow {
            virtual_service,
            index,
            kind: None,
            section: None,
            rule_match: None,
            name: None,
            via: None,
            location,
            status: "not-reached",
            matched_match: None,
            reasons: Vec::new(),
            detail: None,
        }
    }
}

/// A rule as the proxy sees it, after delegate merging.
#[derive(Clone)]
struct SimRule<'r> {
    vs: ResourceId,
    index: usize,
    name: Option<String>,
    matches: Option<Vec<Match>>,
    route: &'r HttpRoute,
    /// The root rule a delegate rule inherits from.
    root: Option<(ResourceId, &'r HttpRoute)>,
    /// Why the rule is not in the proxy's configuration.
    not_applied: Option<String>,
    /// Index in the rule's `match[]` of `matches[0]` (a rule split by istiod's catch-all sort).
    match_offset: usize,
    /// This is the rule's catch-all route, moved to the end of a gateway's merged routes.
    moved: bool,
}

pub struct Simulator<'a, 'r> {
    pub ix: &'a Index<'r>,
    pub sources: &'a SourceDb,
}

fn labels_vec(l: &Labels) -> Vec<(String, String)> {
    l.iter()
        .map(|(k, v)| (k.value.to_string(), v.value.to_string()))
        .collect()
}

impl<'a, 'r> Simulator<'a, 'r> {
    pub fn location(&self, span: Span) -> String {
        if span.file.index() >= self.sources.len() {
            return String::new();
        }
        let f = self.sources.get(span.file);
        let lc = f.line_col(span.start);
        format!("{}:{}", f.path, lc.line)
    }

    pub(crate) fn vs_name(&self, id: ResourceId) -> String {
        let r = self.ix.resource(id);
        format!("{}/{}", r.namespace, r.name)
    }

    fn resolve_gateway_context(&self, g: &str) -> Result<(Gateway, Option<ResourceId>), String> {
        if g == "mesh" {
            return Ok((Gateway::Mesh, None));
        }
        if g == "*" {
            return Ok((Gateway::Any, None));
        }
        if let Some((ns, name)) = g.split_once('/') {
            let id = self.ix.gateway(ns, name);
            if id.is_none() {
                return Err(format!("no Gateway `{g}` in the input"));
            }
            return Ok((
                Gateway::Named {
                    namespace: ns.to_string(),
                    name: name.to_string(),
                },
                id,
            ));
        }
        let found: Vec<ResourceId> = self
            .ix
            .of_kind("Gateway")
            .iter()
            .copied()
            .filter(|&id| self.ix.resource(id).name == g)
            .collect();
        match found.as_slice() {
            [id] => {
                let r = self.ix.resource(*id);
                Ok((
                    Gateway::Named {
                        namespace: r.namespace.to_string(),
                        name: r.name.to_string(),
                    },
                    Some(*id),
                ))
            }
            [] => Err(format!("no Gateway named `{g}` in the input")),
            _ => Err(format!(
                "several Gateways are named `{g}`; write it as namespace/name"
            )),
        }
    }

    /// Builds the request with its defaults filled in, and the FQDN of the host.
    pub fn request(&self, q: &Query) -> Result<(Request, String, Vec<String>), String> {
        let mut notes = Vec::new();
        let gw = q.gateway.as_deref().unwrap_or("mesh");
        let (gateway, gw_id) = self.resolve_gateway_context(gw)?;
        let host_l = q.host.to_ascii_lowercase();
        let domain = &self.ix.mesh.domain;
        // the client's namespace
        let source_namespace = match (&q.source_namespace, gw_id) {
            (Some(ns), _) => ns.clone(),
            (None, Some(id)) => self.ix.resource(id).namespace.to_string(),
            (None, None) => {
                let guess = if host_l.contains('.') {
                    host::service_namespace(&host_l, domain).map(str::to_string)
                } else {
                    let svcs: Vec<&str> = self
                        .ix
                        .of_kind("Service")
                        .iter()
                        .map(|&id| self.ix.resource(id))
                        .filter(|r| r.name == host_l)
                        .map(|r| r.namespace.as_str())
                        .collect();
                    (svcs.len() == 1).then(|| svcs[0].to_string())
                };
                let ns = guess.unwrap_or_else(|| "default".to_string());
                notes.push(format!(
                    "client namespace `{ns}` assumed (set it with --source-namespace)"
                ));
                ns
            }
        };
        let fqdn = if gw_id.is_some() || gw == "*" {
            host_l.clone()
        } else {
            resolve_short(&host_l, &source_namespace, domain)
        };
        let source_labels = if q.source_labels.is_empty() {
            match gw_id.map(|id| &self.ix.resource(id).spec) {
                Some(Spec::Gateway(g)) => labels_vec(&g.selector),
                _ => Vec::new(),
            }
        } else {
            q.source_labels.clone()
        };
        let port = match q.port {
            Some(p) => p,
            None => {
                let p = self.default_port(&fqdn, gw_id);
                notes.push(format!("port {p} assumed (set it with --port)"));
                p
            }
        };
        let req = request_of(q, gateway, port, source_labels, source_namespace);
        Ok((req, fqdn, notes))
    }

    fn default_port(&self, fqdn: &str, gw: Option<ResourceId>) -> u32 {
        if let Some(Spec::Gateway(g)) = gw.map(|id| &self.ix.resource(id).spec) {
            let serving = g.servers.iter().find(|s| {
                s.hosts.iter().any(|h| {
                    let h = h.value.rsplit('/').next().unwrap_or(&h.value);
                    host::matches(h, fqdn)
                })
            });
            return serving
                .or(g.servers.first())
                .and_then(|s| s.port_number.as_ref())
                .and_then(|p| u32::try_from(p.value).ok())
                .unwrap_or(80);
        }
        for &id in self.ix.services_for_host(fqdn) {
            if let Spec::Service(s) = &self.ix.resource(id).spec {
                if s.ports.len() == 1 {
                    if let Some(p) = s.ports[0].port.as_ref() {
                        return p.value as u32;
                    }
                }
            }
        }
        80
    }

    pub(crate) fn visible(
        &self,
        export_to: &[crate::source::Spanned<crate::source::Str>],
        owner: &str,
        ns: &str,
    ) -> bool {
        export_to.is_empty()
            || export_to
                .iter()
                .any(|e| e.value == "*" || e.value == ns || (e.value == "." && owner == ns))
    }

    /// The VirtualServices for the host in the request's context, in application order.
    fn select_virtual_services(
        &self,
        req: &Request,
        fqdn: &str,
        notes: &mut Vec<String>,
    ) -> Vec<ResourceId> {
        let ctx = req.gateway.to_string();
        // (specificity, id): exact host = usize::MAX, wildcard = its length
        let mut found: Vec<(usize, ResourceId)> = Vec::new();
        for (id, r, vs) in self.ix.virtual_services() {
            if vs.hosts.is_empty() {
                continue; // a delegate
            }
            let gws: Vec<String> = if vs.gateways.is_empty() {
                vec!["mesh".to_string()]
            } else {
                vs.gateways
                    .iter()
                    .map(|g| self.gateway_name(&g.value, &r.namespace))
                    .collect()
            };
            if req.gateway != Gateway::Any && !gws.contains(&ctx) {
                continue;
            }
            if !self.visible(&vs.export_to, &r.namespace, &req.source_namespace) {
                continue;
            }
            let mut best = None;
            for h in &vs.hosts {
                let h = if matches!(req.gateway, Gateway::Mesh)
                    || (req.gateway == Gateway::Any && h.value != fqdn)
                {
                    resolve_short(&h.value, &r.namespace, &self.ix.mesh.domain)
                } else {
                    h.value.as_str().to_ascii_lowercase().to_string()
                };
                let spec = if h == fqdn {
                    Some(usize::MAX)
                } else if host::is_wildcard(&h) && host::subset_of(fqdn, &h) {
                    Some(h.len())
                } else {
                    None
                };
                best = best.max(spec);
            }
            if let Some(s) = best {
                found.push((s, id));
            }
        }
        let Some(top) = found.iter().map(|(s, _)| *s).max() else {
            return Vec::new();
        };
        let mut ids: Vec<ResourceId> = found
            .into_iter()
            .filter(|(s, _)| *s == top)
            .map(|(_, id)| id)
            .collect();
        ids.sort_by_key(|&id| {
            let r = self.ix.resource(id);
            (r.namespace.clone(), r.name.clone())
        });
        if ids.len() > 1 {
            if matches!(req.gateway, Gateway::Mesh) {
                let rest: Vec<String> = ids[1..].iter().map(|&i| self.vs_name(i)).collect();
                notes.push(format!(
                    "sidecars use one VirtualService per host: {} ignored (conflict, IST0109); meshlint takes the first by namespace/name, istiod the oldest",
                    rest.join(", ")
                ));
                ids.truncate(1);
            } else {
                notes.push(
                    "several VirtualServices for this host are merged on the gateway; meshlint orders them by namespace/name (istiod: by creation time), then moves catch-all routes to the end as istiod does (SortVHostRoutes)".to_string(),
                );
            }
        }
        ids
    }

    /// istiod's order for the merged routes of several VirtualServices on one gateway host
    /// (see [`super::merge`]): each VirtualService's routes stop after its first catch-all,
    /// and every catch-all moves to the end, in VirtualService order.
    fn gateway_order(
        &self,
        rules: Vec<SimRule<'r>>,
        req: &Request,
        notes: &mut Vec<String>,
    ) -> Vec<SimRule<'r>> {
        let mut head: Vec<SimRule<'r>> = Vec::with_capacity(rules.len());
        let mut tail: Vec<SimRule<'r>> = Vec::new();
        let mut cut: Option<ResourceId> = None;
        for mut r in rules {
            let top = r.root.map(|(rid, _)| rid).unwrap_or(r.vs);
            if cut == Some(top) {
                if r.not_applied.is_none() {
                    r.not_applied = Some(
                        "after this VirtualService's catch-all route: istiod emits no more of its routes (BuildHTTPRoutesForVirtualService)"
                            .to_string(),
                    );
                }
                head.push(r);
                continue;
            }
            if r.not_applied.is_some() {
                head.push(r);
                continue;
            }
            let Some(k) =
                first_catch_all(r.matches.as_deref(), |m| m.context_reasons(req).is_empty())
            else {
                head.push(r);
                continue;
            };
            cut = Some(top);
            let mut moved = r.clone();
            moved.moved = true;
            if let (Some(k), Some(ms)) = (k, r.matches.as_ref()) {
                if k > 0 {
                    let mut before = r.clone();
                    before.matches = Some(ms[..k].to_vec());
                    head.push(before);
                }
                moved.matches = Some(vec![ms[k].clone()]);
                moved.match_offset = k;
            }
            tail.push(moved);
        }
        if !tail.is_empty() && !head.is_empty() {
            let moved: Vec<String> = tail
                .iter()
                .map(|r| {
                    format!(
                        "{} http[{}]",
                        self.vs_name(r.root.map(|(x, _)| x).unwrap_or(r.vs)),
                        r.root.map(|(_, h)| h.index).unwrap_or(r.index)
                    )
                })
                .collect();
            notes.push(format!(
                "catch-all routes moved to the end of the merged routes: {}",
                moved.join(", ")
            ));
        }
        head.extend(tail);
        head
    }

    fn gateway_name(&self, written: &str, vs_ns: &str) -> String {
        if written == "mesh" {
            return "mesh".to_string();
        }
        let (ns, name) = resolve_gateway_ref(written, vs_ns);
        format!("{ns}/{name}")
    }

    fn rules_of(&self, id: ResourceId, req: &Request) -> Vec<SimRule<'r>> {
        let r = self.ix.resource(id);
        let Spec::VirtualService(vs) = &r.spec else {
            return Vec::new();
        };
        let resolve = |g: &str| self.gateway_name(g, &r.namespace);
        let mut out = Vec::new();
        for h in &vs.http {
            let matches = h.matches.as_ref().map(|ms| {
                ms.iter()
                    .map(|m| Match::from_model(m, &resolve))
                    .collect::<Vec<_>>()
            });
            let Some(d) = &h.extras().delegate_ref else {
                out.push(SimRule {
                    vs: id,
                    index: h.index,
                    name: h.name.as_ref().map(|n| n.value.to_string()),
                    matches,
                    route: h,
                    root: None,
                    not_applied: None,
                    match_offset: 0,
                    moved: false,
                });
                continue;
            };
            let dname = d.name.as_ref().map(|n| n.value.as_str()).unwrap_or("");
            let dns = d
                .namespace
                .as_ref()
                .map(|n| n.value.as_str())
                .unwrap_or(&r.namespace);
            let target = self.ix.get("VirtualService", dns, dname);
            let dvs = target.and_then(|t| match &self.ix.resource(t).spec {
                Spec::VirtualService(v) if v.hosts.is_empty() => Some((t, v)),
                _ => None,
            });
            let Some((tid, dvs)) = dvs else {
                out.push(SimRule {
                    vs: id,
                    index: h.index,
                    name: h.name.as_ref().map(|n| n.value.to_string()),
                    matches,
                    route: h,
                    root: None,
                    not_applied: Some(format!(
                        "delegate VirtualService {dns}/{dname} not found (or it has hosts); istiod skips this rule"
                    )),
                    match_offset: 0,
                    moved: false,
                });
                continue;
            };
            let visible = {
                let dr = self.ix.resource(tid);
                self.visible(&dvs.export_to, &dr.namespace, &r.namespace)
            };
            let dres = self.ix.resource(tid);
            let dresolve = |g: &str| self.gateway_name(g, &dres.namespace);
            for dh in &dvs.http {
                let leaf = dh.matches.as_ref().map(|ms| {
                    ms.iter()
                        .map(|m| Match::from_model(m, &dresolve))
                        .collect::<Vec<_>>()
                });
                let merged = merge_matches(matches.as_deref(), leaf.as_deref());
                let name = match (h.name.as_ref(), dh.name.as_ref()) {
                    (Some(a), Some(b)) if !a.value.is_empty() => {
                        Some(format!("{}-{}", a.value, b.value))
                    }
                    (a, None) => a.map(|x| x.value.to_string()),
                    (_, b) => b.map(|x| x.value.to_string()),
                };
                let not_applied = if !visible {
                    Some(format!(
                        "delegate {} is not exported to namespace `{}`",
                        self.vs_name(tid),
                        r.namespace
                    ))
                } else if merged.is_err() {
                    Some(
                        "its matches conflict with the root rule's (hasConflict); istiod drops it"
                            .to_string(),
                    )
                } else {
                    None
                };
                out.push(SimRule {
                    vs: tid,
                    index: dh.index,
                    name,
                    matches: merged.unwrap_or(leaf),
                    route: dh,
                    root: Some((id, h)),
                    not_applied,
                    match_offset: 0,
                    moved: false,
                });
            }
        }
        let _ = req;
        out
    }

    pub fn simulate(&self, q: &Query) -> Result<Simulation, String> {
        match q
            .protocol
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("http") => {}
            Some("tcp") => return super::l4::simulate(self, q, super::l4::L4::Tcp),
            Some("tls") => return super::l4::simulate(self, q, super::l4::L4::Tls),
            Some(other) => return Err(format!("protocol `{other}` is not one of http, tcp, tls")),
        }
        if let Some(s) = super::gateway_api::simulate(self, q)? {
            return Ok(s);
        }
        let (req, fqdn, mut notes) = self.request(q)?;
        if let Some(note) = self.l4_server_note(&req) {
            notes.push(note);
        }
        if req.gateway == Gateway::Mesh {
            if let Some(p) = super::l4::port_protocol(self, &fqdn, req.port) {
                if !super::l4::is_http(&p.to_ascii_uppercase()) && p != "UDP" {
                    let which = if matches!(p.to_ascii_uppercase().as_str(), "TLS" | "HTTPS") {
                        "tls"
                    } else {
                        "tcp"
                    };
                    notes.push(format!(
                        "port {} of `{fqdn}` is {p}: sidecars do not apply `http` routes there (routes-ignored-by-port-protocol); simulate a connection with --protocol {which}",
                        req.port
                    ));
                }
            }
        }
        let vss = self.select_virtual_services(&req, &fqdn, &mut notes);
        let client_ns = req.source_namespace.clone();
        if vss.is_empty() {
            notes.push(format!(
                "no VirtualService for `{fqdn}` applies to {}: the proxy routes to the service directly (round robin unless a DestinationRule says otherwise)",
                req.gateway
            ));
            let d = (matches!(req.gateway, Gateway::Mesh) || !self.backends(&fqdn).is_empty())
                .then(|| {
                    let port = Some(req.port);
                    self.resolve(&fqdn, &fqdn, port, None, 100.0, None, &client_ns, req.port)
                });
            return Ok(Simulation {
                request: req,
                host: fqdn,
                protocol: None,
                virtual_services: Vec::new(),
                rules: Vec::new(),
                outcome: Outcome::Default { destination: d },
                notes,
                gateway_api: None,
            });
        }
        let mut rules = Vec::new();
        for &id in &vss {
            rules.extend(self.rules_of(id, &req));
        }
        if matches!(req.gateway, Gateway::Named { .. }) && vss.len() > 1 {
            rules = self.gateway_order(rules, &req, &mut notes);
        }
        let mut rows = Vec::new();
        let mut matched: Option<usize> = None;
        for (i, r) in rules.iter().enumerate() {
            let mut row = RuleRow {
                name: r.name.clone(),
                via: r
                    .root
                    .map(|(rid, rh)| format!("{} http[{}]", self.vs_name(rid), rh.index)),
                ..RuleRow::new(self.vs_name(r.vs), r.index, self.location(r.route.span))
            };
            if let Some(why) = &r.not_applied {
                row.status = "not-applied";
                row.detail = Some(why.clone());
            } else if matched.is_none() {
                let off = r.match_offset;
                match match_rule(r.matches.as_deref(), &req) {
                    Ok(m) => {
                        matched = Some(i);
                        row.status = "matched";
                        row.matched_match = m.map(|k| k + off);
                        if m.is_none() {
                            row.detail = Some("no `match`: every request".to_string());
                        }
                    }
                    Err(mut reasons) => {
                        if off > 0 {
                            for x in &mut reasons {
                                x.match_index = Some(x.match_index.unwrap_or(0) + off);
                            }
                        }
                        row.status = "no-match";
                        row.reasons = reasons;
                    }
                }
            }
            if r.moved && row.detail.is_none() {
                let which = match &r.matches {
                    Some(_) => format!(" (match #{})", r.match_offset),
                    None => String::new(),
                };
                row.detail = Some(format!(
                    "catch-all route{which}: istiod moves it after the other VirtualServices' routes (SortVHostRoutes)"
                ));
            }
            rows.push(row);
        }
        let outcome = match matched {
            None => Outcome::NoRoute {
                reason: "no rule matches: the proxy answers 404 (route not found)".to_string(),
            },
            Some(i) => self.outcome(&rules[i], &req, &rows[i]),
        };
        Ok(Simulation {
            request: req,
            host: fqdn,
            protocol: None,
            virtual_services: vss.iter().map(|&i| self.vs_name(i)).collect(),
            rules: rows,
            outcome,
            notes,
            gateway_api: None,
        })
    }

    /// A note when the gateway's server on the request's port carries TCP or passes TLS
    /// through: its `http` routes never apply there (`meshlint route --protocol tcp|tls`).
    fn l4_server_note(&self, req: &Request) -> Option<String> {
        let Gateway::Named { namespace, name } = &req.gateway else {
            return None;
        };
        let Spec::Gateway(g) = &self.ix.resource(self.ix.gateway(namespace, name)?).spec else {
            return None;
        };
        let s = g.servers.iter().find(|s| {
            s.port_number
                .as_ref()
                .is_some_and(|p| p.value == i64::from(req.port))
        })?;
        let protocol = s.port_protocol.as_ref()?.value.to_ascii_uppercase();
        let passthrough = s
            .tls_mode
            .as_ref()
            .is_some_and(|m| m.value.ends_with("PASSTHROUGH"));
        let which = match protocol.as_str() {
            "TCP" | "MONGO" | "REDIS" | "MYSQL" => "tcp",
            "TLS" if !passthrough => "tcp",
            "TLS" | "HTTPS" if passthrough => "tls",
            _ => return None,
        };
        Some(format!(
            "the server on port {} of Gateway `{namespace}/{name}` is {protocol}{}: HTTP routes do not apply there; simulate a connection with --protocol {which}",
            req.port,
            if passthrough { " (passthrough)" } else { "" }
        ))
    }

    fn backends(&self, fqdn: &str) -> Vec<ResourceId> {
        let mut v = self.ix.services_for_host(fqdn).to_vec();
        v.extend(self.ix.service_entries_for_host(fqdn));
        v
    }

    fn outcome(&self, r: &SimRule<'r>, req: &Request, row: &RuleRow) -> Outcome {
        let h = r.route;
        let root = r.root.map(|(_, rh)| rh);
        let pick = |f: fn(&HttpRoute) -> bool| -> &HttpRoute {
            match root {
                Some(rt) if !f(h) => rt,
                _ => h,
            }
        };
        let ns = &self.ix.resource(r.vs).namespace;
        let client_ns = &req.source_namespace;
        let mut extras = Extras {
            rule: format!(
                "{} http[{}]{}",
                row.virtual_service,
                row.index,
                row.name
                    .as_ref()
                    .map(|n| format!(" \"{n}\""))
                    .unwrap_or_default()
            ),
            ..Extras::default()
        };
        let t = pick(|x| x.timeout.is_some());
        extras.timeout = t.timeout.as_ref().map(|d| fmt_duration(d.value.nanos));
        let rt = pick(|x| x.retries.is_some());
        extras.retries = match &rt.retries {
            Some(rr) => RetryInfo {
                mesh_default: false,
                attempts: rr.attempts.as_ref().map(|a| a.value),
                per_try_timeout: rr
                    .per_try_timeout
                    .as_ref()
                    .map(|d| fmt_duration(d.value.nanos)),
                retry_on: rr.retry_on.as_ref().map(|s| s.value.to_string()),
            },
            None => RetryInfo {
                mesh_default: true,
                attempts: Some(2),
                per_try_timeout: None,
                retry_on: Some(
                    "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"
                        .to_string(),
                ),
            },
        };
        let f = pick(|x| x.extras().fault.is_some());
        extras.fault = f.extras().fault.as_ref().map(|f| FaultInfo {
            delay: f.delay_fixed.as_ref().map(|d| fmt_duration(d.value.nanos)),
            delay_percent: f.delay_fixed.as_ref().map(|_| {
                f.delay_percentage
                    .as_ref()
                    .map(|p| p.value)
                    .unwrap_or(100.0)
            }),
            abort_status: f.abort_status.as_ref().map(|s| s.value),
            abort_percent: f.abort_status.as_ref().map(|_| {
                f.abort_percentage
                    .as_ref()
                    .map(|p| p.value)
                    .unwrap_or(100.0)
            }),
        });
        let m = pick(|x| x.extras().mirror.is_some() || !x.extras().mirrors.is_empty());
        if let Some(md) = &m.extras().mirror {
            let pct = m
                .extras()
                .mirror_percentage
                .as_ref()
                .map(|p| p.value)
                .unwrap_or(100.0);
            if pct > 0.0 {
                extras.mirrors.push(MirrorInfo {
                    destination: self.resolve_dest(md, ns, client_ns, req.port, 100.0, None),
                    percent: pct,
                });
            }
        }
        for (md, pct) in m
            .extras()
            .mirrors
            .iter()
            .zip(m.extras().mirrors_percent.iter())
        {
            let pct = pct.unwrap_or(100.0);
            if pct > 0.0 {
                extras.mirrors.push(MirrorInfo {
                    destination: self.resolve_dest(md, ns, client_ns, req.port, 100.0, None),
                    percent: pct,
                });
            }
        }
        extras.rewrite = pick(|x| x.extras().rewrite_spec.is_some())
            .extras()
            .rewrite_spec
            .as_deref()
            .cloned();
        extras.headers = pick(|x| x.extras().headers.is_some())
            .extras()
            .headers
            .as_deref()
            .cloned();
        if let Some(rd) = &h.extras().redirect_spec {
            return Outcome::Redirect {
                status: rd.redirect_code.unwrap_or(301),
                redirect: (**rd).clone(),
                extras,
            };
        }
        if let Some(dr) = &pick(|x| x.extras().direct_response_spec.is_some())
            .extras()
            .direct_response_spec
        {
            return Outcome::DirectResponse {
                direct_response: (**dr).clone(),
                extras,
            };
        }
        if h.route.is_empty() {
            return Outcome::NoRoute {
                reason: format!("{} has no route, redirect or directResponse", extras.rule),
            };
        }
        let mut dests = Vec::new();
        for (d, pct, w) in shares(&h.route) {
            let Some(dest) = &d.destination else { continue };
            let mut rd = self.resolve_dest(dest, ns, client_ns, req.port, pct, w);
            if let Some(fb) = &d.fallback {
                rd.fallback = Some(Box::new(
                    self.resolve_dest(fb, ns, client_ns, req.port, pct, None),
                ));
            }
            rd.headers = d.headers.as_deref().cloned();
            dests.push(rd);
        }
        Outcome::Route {
            destinations: dests,
            extras,
        }
    }

    pub fn resolve_dest(
        &self,
        d: &Destination,
        vs_ns: &str,
        client_ns: &str,
        listen_port: u32,
        pct: f64,
        weight: Option<i64>,
    ) -> ResolvedDestination {
        let written = d.host.as_ref().map(|h| h.value.clone()).unwrap_or_default();
        let fqdn = self.ix.fqdn(&written, vs_ns);
        let port = d.port.as_ref().and_then(|p| u32::try_from(p.value).ok());
        let subset = d.subset.as_ref().map(|s| s.value.as_str());
        self.resolve(
            &written,
            &fqdn,
            port,
            subset,
            pct,
            weight,
            client_ns,
            listen_port,
        )
    }

    /// Resolves one destination: backends, port, subset labels, workloads, DestinationRule.
    #[allow(clippy::too_many_arguments)]
    pub fn resolve(
        &self,
        written: &str,
        fqdn: &str,
        port: Option<u32>,
        subset: Option<&str>,
        pct: f64,
        weight: Option<i64>,
        client_ns: &str,
        listen_port: u32,
    ) -> ResolvedDestination {
        let mut out = ResolvedDestination::unresolved(written, fqdn, port, subset, pct, weight);
        let svcs = self.ix.services_for_host(fqdn);
        let mut selector: Option<(String, Labels)> = None;
        for &id in svcs {
            let r = self.ix.resource(id);
            out.backends
                .push(format!("Service {}/{}", r.namespace, r.name));
            if let Spec::Service(s) = &r.spec {
                if out.port.is_none() {
                    // GetDestinationCluster: the only port of the service, else the listener's
                    out.port = Some(if s.ports.len() == 1 {
                        s.ports[0]
                            .port
                            .as_ref()
                            .map(|p| p.value as u32)
                            .unwrap_or(listen_port)
                    } else {
                        listen_port
                    });
                }
                if selector.is_none() && !s.selector.is_empty() {
                    selector = Some((r.namespace.to_string(), s.selector.clone()));
                }
            }
        }
        for id in self.ix.service_entries_for_host(fqdn) {
            let r = self.ix.resource(id);
            out.backends
                .push(format!("ServiceEntry {}/{}", r.namespace, r.name));
        }
        if out.backends.is_empty() {
            out.problems.push(format!(
                "host `{fqdn}` is not a Service or ServiceEntry in the input"
            ));
        }
        if out.port.is_none() {
            out.port = Some(listen_port);
        }
        let applied = self.ix.destination_rules_for(fqdn, client_ns);
        let mut subset_policy = None;
        let mut top_policy = None;
        if let Some(a) = &applied {
            let names: Vec<String> = a.rules.iter().map(|&id| self.vs_name(id)).collect();
            out.destination_rule = Some(names.join(", "));
            for &id in &a.rules {
                if let Spec::DestinationRule(dr) = &self.ix.resource(id).spec {
                    if top_policy.is_none() {
                        top_policy = dr.traffic_policy.clone();
                    }
                    if let Some(sn) = subset {
                        if let Some(s) = dr
                            .subsets
                            .iter()
                            .find(|s| s.name.as_ref().is_some_and(|n| n.value == sn))
                        {
                            if out.subset_labels.is_empty() {
                                out.subset_labels = labels_vec(&s.labels);
                                subset_policy = s.traffic_policy.clone();
                            }
                        }
                    }
                }
            }
        }
        let mut subset_missing = false;
        if let Some(sn) = subset {
            let defined = applied.as_ref().is_some_and(|a| {
                self.ix
                    .subsets_of(&a.rules)
                    .iter()
                    .any(|(n, _, _)| *n == sn)
            });
            subset_missing = !defined;
            if !defined {
                out.problems.push(format!(
                    "subset `{sn}` is not defined by a DestinationRule for `{fqdn}`: requests fail with 503 (no healthy upstream)"
                ));
            }
        }
        out.traffic_policy = merge_policy(top_policy, subset_policy, out.port);
        if let Some((ns, mut sel)) = selector.filter(|_| !subset_missing) {
            if let Some(a) = applied.as_ref() {
                if let Some(sn) = subset {
                    for &id in &a.rules {
                        if let Spec::DestinationRule(dr) = &self.ix.resource(id).spec {
                            if let Some(s) = dr
                                .subsets
                                .iter()
                                .find(|s| s.name.as_ref().is_some_and(|n| n.value == sn))
                            {
                                sel.extend(s.labels.iter().cloned());
                                break;
                            }
                        }
                    }
                }
            }
            for w in self.ix.workloads_selected(Some(&ns), &sel) {
                let r = self.ix.resource(w);
                out.workloads
                    .push(format!("{} {}/{}", r.kind, r.namespace, r.name));
            }
        }
        out
    }
}

/// The subset's settings override the top-level ones field by field; port-level settings for
/// the destination port override both.
fn merge_policy(
    top: Option<TrafficPolicy>,
    subset: Option<TrafficPolicy>,
    port: Option<u32>,
) -> Option<TrafficPolicy> {
    let mut out = match (top, subset) {
        (None, None) => return None,
        (Some(t), None) => t,
        (None, Some(s)) => s,
        (Some(t), Some(s)) => TrafficPolicy {
            load_balancer: s.load_balancer.or(t.load_balancer),
            connection_pool: s.connection_pool.or(t.connection_pool),
            outlier_detection: s.outlier_detection.or(t.outlier_detection),
            tls: s.tls.or(t.tls),
            port_level: if s.port_level.is_empty() {
                t.port_level
            } else {
                s.port_level
            },
        },
    };
    if let Some(p) = port {
        out.port_level.retain(|(n, _)| *n == p as i64);
    }
    Some(out)
}

pub fn fmt_duration(n: Option<i128>) -> String {
    match n {
        None => "invalid".to_string(),
        Some(n) if n % 1_000_000_000 == 0 => format!("{}s", n / 1_000_000_000),
        Some(n) if n % 1_000_000 == 0 => format!("{}ms", n / 1_000_000),
        Some(n) => format!("{}s", n as f64 / 1e9),
    }
}

/// `stringMatchConflict`: a regex on either side conflicts; an exact root needs the same exact
/// leaf; a prefix root needs a leaf (exact or prefix) starting with it.
fn sm_conflict(root: &Option<Sm>, leaf: &Option<Sm>) -> bool {
    let (Some(r), Some(l)) = (root, leaf) else {
        return false;
    };
    if r.kind == MatchKindName::Regex || l.kind == MatchKindName::Regex {
        return true;
    }
    match r.kind {
        MatchKindName::Exact if !r.value.is_empty() => {
            !(l.kind == MatchKindName::Exact && l.value == r.value)
        }
        MatchKindName::Prefix if !r.value.is_empty() => {
            !l.value.starts_with(&r.value) || l.value.is_empty()
        }
        _ => true,
    }
}

fn get<'m>(v: &'m [(String, Option<Sm>)], k: &str) -> Option<&'m Option<Sm>> {
    v.iter().find(|(x, _)| x == k).map(|(_, m)| m)
}

/// `hasConflict` between a root match and a delegate match.
fn has_conflict(root: &Match, leaf: &Match) -> bool {
    for (r, l) in [
        (&root.uri, &leaf.uri),
        (&root.scheme, &leaf.scheme),
        (&root.method, &leaf.method),
        (&root.authority, &leaf.authority),
    ] {
        if sm_conflict(r, l) {
            return true;
        }
    }
    for (k, l) in &leaf.headers {
        if let Some(r) = get(&root.headers, k) {
            if r.is_some() && l.is_some() && sm_conflict(r, l) {
                return true;
            }
        }
    }
    for (k, l) in &leaf.without_headers {
        if let Some(r) = get(&root.headers, k) {
            if r.is_some() && l.is_some() && sm_conflict(r, l) {
                return true;
            }
        }
    }
    for (k, l) in &leaf.query_params {
        if let Some(r) = get(&root.query_params, k) {
            if r.is_some() && l.is_some() && sm_conflict(r, l) {
                return true;
            }
        }
    }
    if root.ignore_uri_case != leaf.ignore_uri_case {
        return true;
    }
    if let (Some(a), Some(b)) = (root.port, leaf.port) {
        if a != b {
            return true;
        }
    }
    if let (Some(a), Some(b)) = (&root.source_namespace, &leaf.source_namespace) {
        if a != b {
            return true;
        }
    }
    if !leaf.gateways.is_empty()
        && !leaf.gateways.iter().all(|g| root.gateways.contains(g))
        && !root.gateways.is_empty()
    {
        return true;
    }
    for (k, v) in &leaf.source_labels {
        if root.source_labels.iter().any(|(rk, rv)| rk == k && rv != v) {
            return true;
        }
    }
    false
}

fn merge_map(
    root: &[(String, Option<Sm>)],
    leaf: &[(String, Option<Sm>)],
) -> Vec<(String, Option<Sm>)> {
    let mut out: Vec<(String, Option<Sm>)> = root.to_vec();
    for (k, v) in leaf {
        match out.iter_mut().find(|(x, _)| x == k) {
            Some(e) => e.1 = v.clone(),
            None => out.push((k.clone(), v.clone())),
        }
    }
    out
}

/// `mergeHTTPMatchRequest`: the delegate's fields, missing ones filled from the root.
fn merge_match(root: &Match, leaf: &Match) -> Match {
    let mut out = leaf.clone();
    out.name = match (&root.name, &leaf.name) {
        (Some(r), Some(l)) if !r.is_empty() => Some(format!("{r}-{l}")),
        (r, None) => r.clone(),
        (_, l) => l.clone(),
    };
    out.uri = out.uri.or_else(|| root.uri.clone());
    out.scheme = out.scheme.or_else(|| root.scheme.clone());
    out.method = out.method.or_else(|| root.method.clone());
    out.authority = out.authority.or_else(|| root.authority.clone());
    out.headers = merge_map(&root.headers, &leaf.headers);
    out.without_headers = merge_map(&root.without_headers, &leaf.without_headers);
    out.query_params = merge_map(&root.query_params, &leaf.query_params);
    out.port = out.port.or(root.port);
    if out.source_namespace.is_none() {
        out.source_namespace = root.source_namespace.clone();
    }
    if out.gateways.is_empty() {
        out.gateways = root.gateways.clone();
    }
    for (k, v) in &root.source_labels {
        if !out.source_labels.iter().any(|(x, _)| x == k) {
            out.source_labels.push((k.clone(), v.clone()));
        }
    }
    out
}

/// `mergeHTTPMatchRequests`: `Err` when a delegate match fits no root match.
fn merge_matches(root: Option<&[Match]>, leaf: Option<&[Match]>) -> Result<Option<Vec<Match>>, ()> {
    let root = root.filter(|r| !r.is_empty());
    let leaf_ = leaf.filter(|l| !l.is_empty());
    let (Some(root), Some(leaf)) = (root, leaf_) else {
        return Ok(leaf_.or(root).map(|m| m.to_vec()));
    };
    let mut out = Vec::new();
    for l in leaf {
        let mut found = false;
        for r in root {
            if has_conflict(r, l) {
                continue;
            }
            out.push(merge_match(r, l));
            found = true;
        }
        if !found {
            return Err(());
        }
    }
    if out.is_empty() {
        return Err(());
    }
    Ok(Some(out))
}

/// The request a query describes, at `port` through `gateway`, from a client with these labels
/// in this namespace (Istio and Gateway API routes alike).
pub(crate) fn request_of(
    q: &Query,
    gateway: super::matcher::Gateway,
    port: u32,
    source_labels: Vec<(String, String)>,
    source_namespace: String,
) -> Request {
    let mut req = Request::new(&q.host);
    if let Some(p) = &q.path {
        req = req.with_path(p);
    }
    req.query.extend(q.query.iter().cloned());
    req.authority = q.authority.clone().unwrap_or_else(|| q.host.clone());
    if let Some(m) = &q.method {
        req.method = m.clone();
    }
    req.headers = q
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    req.port = port;
    if let Some(s) = &q.scheme {
        req.scheme = s.clone();
    }
    req.gateway = gateway;
    req.source_labels = source_labels;
    req.source_namespace = source_namespace;
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(p: &str) -> Match {
        Match {
            uri: Some(Sm {
                kind: MatchKindName::Prefix,
                value: p.to_string(),
            }),
            ..Match::default()
        }
    }

    #[test]
    fn delegate_merge_rules() {
        // delegate prefix inside the root prefix: merged
        let m = merge_matches(Some(&[prefix("/api")]), Some(&[prefix("/api/v1")])).unwrap();
        assert_eq!(m.unwrap()[0].uri.as_ref().unwrap().value, "/api/v1");
        // outside: conflict, the delegate rule is dropped
        assert!(merge_matches(Some(&[prefix("/api")]), Some(&[prefix("/web")])).is_err());
        // no root match: the delegate's are used; no delegate match: the root's
        let m = merge_matches(None, Some(&[prefix("/x")])).unwrap().unwrap();
        assert_eq!(m.len(), 1);
        let m = merge_matches(Some(&[prefix("/api")]), None)
            .unwrap()
            .unwrap();
        assert_eq!(m[0].uri.as_ref().unwrap().value, "/api");
        // a regex on either side conflicts
        let mut re = prefix(".*");
        re.uri.as_mut().unwrap().kind = MatchKindName::Regex;
        assert!(merge_matches(Some(&[re]), Some(&[prefix("/a")])).is_err());
        // differing ignoreUriCase conflicts
        let mut ic = prefix("/api/x");
        ic.ignore_uri_case = true;
        assert!(merge_matches(Some(&[prefix("/api")]), Some(&[ic])).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(fmt_duration(Some(3_000_000_000)), "3s");
        assert_eq!(fmt_duration(Some(250_000_000)), "250ms");
    }
}
