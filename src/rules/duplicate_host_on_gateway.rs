//! `duplicate-host-on-gateway` (ML505, Kiali KIA1106 for gateways): two VirtualServices bound to
//! the same Istio Gateway declare the same host. istiod merges their routes in an order the
//! user does not control. The `mesh` gateway is istioctl's IST0109 and is left to it. Unlike
//! Kiali, gateway references are resolved (`gw`, `ns/gw` and `./gw` are the same gateway).

use super::RuleCx;
use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::{GatewayTarget, ResourceId};
use crate::source::Span;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "ML505",
    name: "duplicate-host-on-gateway",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary: "two VirtualServices bound to the same gateway declare the same host",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let mut seen: HashMap<(ResourceId, String), (ResourceId, Span)> = HashMap::new();
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
            let mut own: Vec<String> = Vec::new();
            for h in &vs.hosts {
                let fqdn = ix.fqdn(&h.value, &r.namespace).to_ascii_lowercase();
                if own.contains(&fqdn) {
                    continue;
                }
                own.push(fqdn.clone());
                match seen.get(&(gid, fqdn.clone())) {
                    Some(&(other, span)) if other != vid => {
                        let o = ix.resource(other);
                        let g = ix.resource(gid);
                        let diag = Diagnostic::new(
                            &META,
                            format!(
                                "host `{}` is also declared by VirtualService `{}/{}` on Gateway `{}/{}`: istiod merges both route lists for that host, and their order (which rule matches first) is not under your control",
                                h.value, o.namespace, o.name, g.namespace, g.name
                            ),
                        )
                        .at(h.span, "host declared twice on this gateway")
                        .related(span, "also declared here")
                        .help("keep each host of a gateway in one VirtualService, or use delegate VirtualServices");
                        cx.report(r, diag);
                    }
                    Some(_) => {}
                    None => {
                        seen.insert((gid, fqdn), (vid, h.span));
                    }
                }
            }
        }
    }
}
