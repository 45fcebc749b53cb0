//! `duplicate-host-on-gateway` (ML505, Kiali KIA1106 for gateways): VirtualServices bound to the
//! same Istio Gateway declare the same host, and the order istiod merges their routes in (their
//! creation order) decides which rule takes some request.
//!
//! istiod concatenates the routes of every VirtualService for a host on a gateway and then moves
//! every catch-all route to the end (pilot/pkg/networking/core/gateway.go calling
//! route.SortVHostRoutes / route.IsCatchAllRoute; see [`crate::route::merge`]). So the order can
//! only matter for (a) two non-catch-all routes of different VirtualServices that can take the
//! same request, and (b) catch-all routes of two VirtualServices (the first created takes every
//! request the other routes leave). A catch-all in one VirtualService does not hide another's
//! narrower routes. The `mesh` gateway is istioctl's IST0109 and is left to it. Unlike Kiali,
//! gateway references are resolved (`gw`, `ns/gw` and `./gw` are the same gateway).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::host::resolve_gateway_ref;
use crate::index::{GatewayTarget, ResourceId};
use crate::model::istio::{HttpRoute, VirtualService};
use crate::route::matcher::Match;
use crate::route::merge::may_overlap;
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "ML505",
    name: "duplicate-host-on-gateway",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary: "rules of several VirtualServices for one gateway host overlap, so creation order decides which applies",
};

/// One route istiod emits for a VirtualService at the gateway (one per `match` entry).
struct Emitted<'r> {
    vs: ResourceId,
    rule: &'r HttpRoute,
    /// `match[]` index; `None` for a rule without `match`.
    match_index: Option<usize>,
    span: Span,
    m: Match,
    catch_all: bool,
}

/// `BuildHTTPRoutesForVirtualService` at gateway `gw` (`ns/name`): one route per match that
/// exists there, stopping after the first catch-all. Rules that delegate are left out (their
/// routes come from the delegate and are not compared).
fn emitted<'r>(vid: ResourceId, ns: &str, vs: &'r VirtualService, gw: &str) -> Vec<Emitted<'r>> {
    let resolve = |g: &str| {
        if g == "mesh" {
            "mesh".to_string()
        } else {
            let (n, name) = resolve_gateway_ref(g, ns);
            format!("{n}/{name}")
        }
    };
    let mut out = Vec::new();
    for h in &vs.http {
        if h.extras().delegate_ref.is_some() {
            continue;
        }
        let ms = match h.matches.as_ref().filter(|m| !m.is_empty()) {
            None => {
                out.push(Emitted {
                    vs: vid,
                    rule: h,
                    match_index: None,
                    span: h
                        .name
                        .as_ref()
                        .map(|n| n.span)
                        .or(h.route_key)
                        .unwrap_or(h.span),
                    m: Match::default(),
                    catch_all: true,
                });
                return out;
            }
            Some(ms) => ms,
        };
        for hm in ms {
            let m = Match::from_model(hm, &resolve);
            if !m.gateways.is_empty() && !m.gateways.iter().any(|g| g == gw) {
                continue;
            }
            let catch_all = m.is_catch_all();
            out.push(Emitted {
                vs: vid,
                rule: h,
                match_index: Some(hm.index),
                span: hm.span,
                m,
                catch_all,
            });
            if catch_all {
                return out;
            }
        }
    }
    out
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // (gateway, host) → the VirtualServices declaring it, in input order, with the host's span
    let mut groups: HashMap<(ResourceId, String), Vec<(ResourceId, Span)>> = HashMap::new();
    let mut order: Vec<(ResourceId, String)> = Vec::new();
    for (vid, r, vs) in ix.virtual_services() {
        let mut gws: Vec<ResourceId> = Vec::new();
        for g in &vs.gateways {
            if let GatewayTarget::Istio(id) = ix.resolve_gateway(&g.value, &r.namespace) {
                if !gws.contains(&id) {
                    gws.push(id);
                }
            }
        }
        for gid in gws {
            for h in &vs.hosts {
                let fqdn = ix.fqdn(&h.value, &r.namespace).to_ascii_lowercase();
                let key = (gid, fqdn);
                let members = groups.entry(key.clone()).or_default();
                if members.iter().any(|(v, _)| *v == vid) {
                    continue;
                }
                if members.is_empty() {
                    order.push(key);
                }
                members.push((vid, h.span));
            }
        }
    }
    for key in order {
        let members = &groups[&key];
        if members.len() < 2 {
            continue;
        }
        let g = ix.resource(key.0);
        let gw = format!("{}/{}", g.namespace, g.name);
        let routes: Vec<Vec<Emitted>> = members
            .iter()
            .map(|&(vid, _)| {
                let r = ix.resource(vid);
                match &r.spec {
                    crate::model::Spec::VirtualService(vs) => emitted(vid, &r.namespace, vs, &gw),
                    _ => Vec::new(),
                }
            })
            .collect();
        // (a) overlapping non-catch-all routes of two VirtualServices: the first pair found
        let mut pair: Option<(&Emitted, &Emitted)> = None;
        let mut more = 0usize;
        for (i, ri) in routes.iter().enumerate() {
            for rj in &routes[i + 1..] {
                for a in ri.iter().filter(|e| !e.catch_all) {
                    for b in rj.iter().filter(|e| !e.catch_all) {
                        if may_overlap(&a.m, &b.m) {
                            if pair.is_none() {
                                pair = Some((a, b));
                            } else {
                                more += 1;
                            }
                        }
                    }
                }
            }
        }
        // (b) catch-alls of two VirtualServices or more
        let catch_alls: Vec<&Emitted> = routes
            .iter()
            .filter_map(|r| r.iter().find(|e| e.catch_all))
            .collect();
        let span_of = |vid: ResourceId| {
            members
                .iter()
                .find(|(v, _)| *v == vid)
                .map(|(_, s)| *s)
                .unwrap_or(ix.resource(vid).name_span)
        };
        let diag = if let Some((a, b)) = pair {
            let (ra, rb) = (ix.resource(a.vs), ix.resource(b.vs));
            let also = if more > 0 {
                format!(
                    " ({more} more overlapping pair{})",
                    if more == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            let d = Diagnostic::new(
                &META,
                format!(
                    "host `{}` on Gateway `{gw}` gets routes from VirtualServices `{}/{}` and `{}/{}` whose rules overlap: {} of `{}` and {} of `{}` can take the same request{also}, and istiod orders them by creation time, so which one wins is not under your control",
                    key.1,
                    ra.namespace,
                    ra.name,
                    rb.namespace,
                    rb.name,
                    describe(a),
                    ra.name,
                    describe(b),
                    rb.name
                ),
            )
            .at(span_of(b.vs), "host declared again on this gateway")
            .related(span_of(a.vs), "also declared here")
            .related(a.span, format!("rule of `{}/{}`", ra.namespace, ra.name))
            .related(b.span, format!("overlapping rule of `{}/{}`", rb.namespace, rb.name))
            .help("keep the host's overlapping rules in one VirtualService (in the order you want), make the matches disjoint, or use delegate VirtualServices");
            Some((rb, d))
        } else if catch_alls.len() >= 2 {
            let (a, b) = (catch_alls[0], catch_alls[1]);
            let (ra, rb) = (ix.resource(a.vs), ix.resource(b.vs));
            Some((
                rb,
                Diagnostic::new(
                    &META,
                    format!(
                        "host `{}` on Gateway `{gw}` has a catch-all route in VirtualServices `{}/{}` ({}) and `{}/{}` ({}): istiod moves both to the end in creation order, so the first created takes every request the other rules leave and the other is never used",
                        key.1,
                        ra.namespace,
                        ra.name,
                        parts(a).join(", "),
                        rb.namespace,
                        rb.name,
                        parts(b).join(", ")
                    ),
                )
                .at(span_of(b.vs), "host declared again on this gateway")
                .related(span_of(a.vs), "also declared here")
                .related(a.span, "catch-all")
                .related(b.span, "catch-all")
                .help("keep one catch-all route for the host, in one VirtualService"),
            ))
        } else {
            None
        };
        if let Some((r, d)) = diag {
            cx.report(r, d);
        }
    }
}

/// `http rule "name" (uri prefix `/api`)`, with the match index when the rule has several.
fn describe(e: &Emitted) -> String {
    let p = parts(e);
    format!("{} ({})", p[0], p[1..].join(", "))
}

/// The rule, the match index when the rule has several, and what the match takes.
fn parts(e: &Emitted) -> Vec<String> {
    let mut out = vec![match &e.rule.name {
        Some(n) if !n.value.is_empty() => format!("http rule \"{}\"", n.value),
        _ => format!("http rule #{}", e.rule.index),
    }];
    if let Some(i) = e.match_index {
        if e.rule.matches.as_ref().is_some_and(|m| m.len() > 1) {
            out.push(format!("match #{i}"));
        }
    }
    out.push(match (&e.m.uri, e.match_index) {
        (_, None) => "no match".to_string(),
        (Some(u), _) => format!("uri {u}"),
        (None, _) => "any uri".to_string(),
    });
    out
}
