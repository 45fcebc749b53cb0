//! `ingress-host-without-gateway` (ML402): a VirtualService's external host is listed explicitly
//! (not through `*`) by a Gateway server in the input, but the VirtualService binds none of the
//! gateways that list it, so the gateway serves the host without these routes (404).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::{GatewayTarget, ResourceId};
use crate::model::Spec;
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "ML402",
    name: "ingress-host-without-gateway",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary:
        "a Gateway lists a VirtualService's external host, but the VirtualService does not bind it",
};

/// Gateways listing a host explicitly: (gateway, the namespace it admits, span of the entry).
type Listing<'a> = Vec<(ResourceId, Option<&'a str>, Span)>;

/// A server host without its `ns/` prefix, with the namespace it admits (`None`: any).
fn split_server_host<'h>(h: &'h str, gw_ns: &'h str) -> (Option<&'h str>, &'h str) {
    match h.split_once('/') {
        Some((".", d)) => (Some(gw_ns), d),
        Some(("*", d)) => (None, d),
        Some((ns, d)) => (Some(ns), d),
        None => (None, h),
    }
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // explicit server hosts → (gateway, admitted namespace, span)
    let mut listed: HashMap<String, Listing> = HashMap::new();
    for &id in ix.of_kind("Gateway") {
        let g = ix.resource(id);
        let Spec::Gateway(gw) = &g.spec else { continue };
        for s in &gw.servers {
            for h in &s.hosts {
                let (ns, dns) = split_server_host(&h.value, &g.namespace);
                if dns.contains('*') || !dns.contains('.') {
                    continue;
                }
                listed
                    .entry(dns.to_ascii_lowercase())
                    .or_default()
                    .push((id, ns, h.span));
            }
        }
    }
    if listed.is_empty() {
        return;
    }
    for (_, r, vs) in ix.virtual_services() {
        let bound: Vec<ResourceId> = vs
            .gateways
            .iter()
            .filter_map(|g| match ix.resolve_gateway(&g.value, &r.namespace) {
                GatewayTarget::Istio(id) => Some(id),
                _ => None,
            })
            .collect();
        for h in &vs.hosts {
            if h.value.contains('*') || ix.is_cluster_host(&ix.fqdn(&h.value, &r.namespace)) {
                continue;
            }
            let Some(gws) = listed.get(&h.value.as_str().to_ascii_lowercase()) else {
                continue;
            };
            let admitting: Vec<&(ResourceId, Option<&str>, Span)> = gws
                .iter()
                .filter(|(_, ns, _)| ns.is_none_or(|n| n == r.namespace))
                .collect();
            if admitting.is_empty() || admitting.iter().any(|(id, _, _)| bound.contains(id)) {
                continue;
            }
            let (gid, _, span) = admitting[0];
            let g = ix.resource(*gid);
            let bound_text = if vs.gateways.is_empty() {
                "binds only `mesh` (no `gateways`)".to_string()
            } else {
                format!(
                    "binds {}",
                    vs.gateways
                        .iter()
                        .map(|x| format!("`{}`", x.value))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let diag = Diagnostic::new(
                &META,
                format!(
                    "host `{}` is served by Gateway `{}/{}`, but this VirtualService {bound_text}: requests for it at the gateway get 404",
                    h.value, g.namespace, g.name
                ),
            )
            .at(h.span, "external host")
            .related(*span, "listed by this gateway server")
            .help(format!(
                "add `{}/{}` to `gateways` (keep `mesh` too if sidecars should use these routes)",
                g.namespace, g.name
            ));
            cx.report(r, diag);
        }
    }
}
