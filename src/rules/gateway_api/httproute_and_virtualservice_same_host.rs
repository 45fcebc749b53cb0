//! `httproute-and-virtualservice-same-host` (ML691): a Service is routed for the mesh both by an
//! HTTPRoute (a `parentRef` to the Service, GAMMA) and by a mesh VirtualService.
//!
//! istiod converts the HTTPRoute into a VirtualService for the Service's host bound to `mesh`
//! and marked with Gateway API semantics (pilot/pkg/config/kube/gateway/route_collections.go).
//! A sidecar imports the mesh VirtualServices in this order (`SelectVirtualServices`,
//! pilot/pkg/model/virtualservice.go, with `PILOT_UNIFIED_SIDECAR_SCOPE` on by default): those
//! exported to its namespace alone (`exportTo: ["."]` or a list naming it) before the public
//! ones, and within each group the Gateway API ones of its own namespace first, the rest by
//! creation time (`sortMergedVirtualServicesByCreationTime`). For one host and port it keeps the
//! first and drops the rest as duplicate virtual hosts (`BuildSidecarVirtualHostWrapper`,
//! pilot/pkg/networking/core/httproute.go). So which object routes a request depends on the
//! client's namespace and on which object is older, something the files do not tell.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::gateway_api::RouteKind;
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "ML691",
    name: "httproute-and-virtualservice-same-host",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "a Service is routed for the mesh by both an HTTPRoute and a VirtualService",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // Service FQDN → (route resource, parentRef span)
    let mut by_host: HashMap<String, Vec<(&crate::model::Resource, Span)>> = HashMap::new();
    for (_, rr, route) in ix.routes() {
        if !matches!(route.kind, RouteKind::Http | RouteKind::Grpc) {
            continue;
        }
        for p in &route.parent_refs {
            let group = p.group_or("gateway.networking.k8s.io");
            if p.kind_or("Gateway") != "Service" || !(group.is_empty() || group == "core") {
                continue;
            }
            let fqdn = format!(
                "{}.{}.svc.{}",
                p.name(),
                p.namespace_or(&rr.namespace),
                ix.mesh.domain
            );
            by_host.entry(fqdn).or_default().push((rr, p.name_span()));
        }
    }
    if by_host.is_empty() {
        return;
    }
    for (_, r, vs) in ix.virtual_services() {
        let mesh = vs.gateways.is_empty() || vs.gateways.iter().any(|g| g.value == "mesh");
        if !mesh {
            continue;
        }
        let export: Vec<&str> = vs.export_to.iter().map(|e| e.value.as_str()).collect();
        if export == ["~"] {
            continue;
        }
        let public = export.is_empty() || export.contains(&"*");
        for h in &vs.hosts {
            let fqdn = ix.fqdn(&h.value, &r.namespace);
            let Some(routes) = by_host.get(&fqdn) else {
                continue;
            };
            let (rr, parent_span) = routes[0];
            let route = format!("{} `{}/{}`", rr.kind, rr.namespace, rr.name);
            let vsname = format!("VirtualService `{}/{}`", r.namespace, r.name);
            let outcome = if public {
                format!(
                    "sidecars of namespace `{}` use the {}, sidecars of other namespaces whichever of the two was created first",
                    rr.namespace, rr.kind
                )
            } else {
                let mut names: Vec<&str> = export
                    .iter()
                    .map(|e| if *e == "." { r.namespace.as_str() } else { e })
                    .collect();
                names.sort_unstable();
                names.dedup();
                let list = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "sidecars of {list} (the VirtualService's `exportTo`) use the VirtualService, all others the {}",
                    rr.kind
                )
            };
            let d = Diagnostic::new(
                &META,
                format!(
                    "`{fqdn}` is routed for the mesh by both {route} and {vsname}; a sidecar keeps only one of them per host and port: {outcome}"
                ),
            )
            .at(h.span, "routes the same Service")
            .related(parent_span, format!("{route} routes it here (parentRef to the Service)"))
            .help(format!(
                "route `{fqdn}` with one API: move these rules into {route} and delete the VirtualService's host, or drop the Service parentRef"
            ));
            cx.report(r, d);
            break;
        }
    }
}
