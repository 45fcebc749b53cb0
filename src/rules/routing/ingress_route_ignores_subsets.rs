//! `ingress-route-ignores-subsets` (IST0140): a VirtualService bound to a gateway routes to a
//! host without a subset while the mesh VirtualService of that host splits it by subsets. The
//! gateway sends straight to the host's endpoints, so the mesh rules (canary, version pinning)
//! do not apply to ingress traffic.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::ResourceId;
use crate::model::istio::VirtualService;
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "IST0140",
    name: "ingress-route-ignores-subsets",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: Some("virtualservice.DestinationHostAnalyzer"),
    summary: "a gateway route skips the subset routing a mesh VirtualService defines for its host",
};

fn bound_to_mesh(vs: &VirtualService) -> bool {
    vs.gateways.is_empty() || vs.gateways.iter().any(|g| g.value == "mesh")
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // host FQDN → mesh VirtualServices that route that host (one of their own hosts) to subsets
    let mut subset_routed: HashMap<String, Vec<(ResourceId, Span)>> = HashMap::new();
    for (id, r, vs) in ix.virtual_services() {
        if !bound_to_mesh(vs) {
            continue;
        }
        let own: Vec<String> = vs
            .hosts
            .iter()
            .map(|h| ix.fqdn(&h.value, &r.namespace))
            .collect();
        for route in &vs.http {
            for rd in &route.route {
                let Some(d) = &rd.destination else { continue };
                let (Some(h), Some(sub)) = (&d.host, &d.subset) else {
                    continue;
                };
                let fqdn = ix.fqdn(&h.value, &r.namespace);
                if !own.contains(&fqdn) {
                    continue;
                }
                let e = subset_routed.entry(fqdn).or_default();
                if !e.iter().any(|(x, _)| *x == id) {
                    e.push((id, sub.span));
                }
            }
        }
    }
    if subset_routed.is_empty() {
        return;
    }
    for (id, r, vs) in ix.virtual_services() {
        if !vs.gateways.iter().any(|g| g.value != "mesh") {
            continue;
        }
        for route in &vs.http {
            for rd in &route.route {
                let Some(d) = &rd.destination else { continue };
                let Some(h) = &d.host else { continue };
                if d.subset.is_some() {
                    continue;
                }
                let fqdn = ix.fqdn(&h.value, &r.namespace);
                let Some(others) = subset_routed.get(&fqdn) else {
                    continue;
                };
                let others: Vec<_> = others.iter().filter(|(o, _)| *o != id).collect();
                let Some((first, _)) = others.first() else {
                    continue;
                };
                let f = ix.resource(*first);
                let mut diag = Diagnostic::new(
                    &META,
                    format!(
                        "gateway route of VirtualService `{}/{}` sends to host `{}` without a subset, bypassing the subset routing of VirtualService `{}/{}`",
                        r.namespace, r.name, h.value, f.namespace, f.name
                    ),
                )
                .at(h.span, "no subset: ingress traffic reaches every version")
                .istio_args([
                    format!("{}/{}", f.namespace, f.name),
                    format!("{}/{}", r.namespace, r.name),
                ]);
                for (o, span) in &others {
                    let o = ix.resource(*o);
                    diag = diag.related(
                        *span,
                        format!(
                            "VirtualService `{}/{}` routes `{}` to subsets here (mesh traffic only)",
                            o.namespace, o.name, h.value
                        ),
                    );
                }
                let diag = diag.help(format!(
                    "gateway traffic does not pass through the mesh VirtualService of `{}`: set a `subset` here, or bind VirtualService `{}/{}` to this gateway too",
                    h.value, f.namespace, f.name
                ));
                cx.report(r, diag);
            }
        }
    }
}
