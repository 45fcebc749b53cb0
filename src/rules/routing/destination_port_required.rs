//! `destination-port-required` (IST0112): a destination without `port` routes to a host whose
//! Service or ServiceEntry exposes more than one port, so which port is meant is ambiguous.

use crate::diagnostics::istio_messages::go_list;
use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::routing::destination_host_not_found::{lookup, scopes, Lookup};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0112",
    name: "destination-port-required",
    severity: Severity::Error,
    category: Category::Routing,
    analyzer: Some("virtualservice.DestinationHostAnalyzer"),
    summary: "a destination without a port routes to a host that exposes several ports",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        let sc = scopes(r, vs);
        let own_hosts: Vec<String> = vs
            .hosts
            .iter()
            .map(|h| ix.fqdn(&h.value, &r.namespace))
            .collect();
        for (role, d) in vs.destinations() {
            let Some(h) = &d.host else { continue };
            if d.port.is_some() {
                continue;
            }
            // a route to one of the VirtualService's own hosts runs on that host's listener
            // ports, and istiod uses the listener port (`GetDestinationCluster`): not ambiguous
            if own_hosts.contains(&ix.fqdn(&h.value, &r.namespace)) {
                continue;
            }
            let Lookup::Found(targets) = lookup(ix, r, &sc, &h.value) else {
                continue;
            };
            // ambiguous only when every declaration of the host has several ports
            if targets.iter().any(|(_, p)| {
                let mut p = p.clone();
                p.sort_unstable();
                p.dedup();
                p.len() <= 1
            }) {
                continue;
            }
            let (tid, ports) = &targets[0];
            let t = ix.resource(*tid);
            let list = ports
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let diag = Diagnostic::new(
                &META,
                format!(
                    "{} host `{}` of VirtualService `{}/{}` exposes several ports ({list}) but the destination sets no `port`",
                    role.field(),
                    h.value,
                    r.namespace,
                    r.name
                ),
            )
            .at(h.span, "destination without `port.number`")
            .istio_args([
                h.value.to_string(),
                go_list(&ports.iter().map(|p| p.to_string()).collect::<Vec<_>>()),
            ])
            .related(
                t.name_span,
                format!("{} `{}/{}` exposes ports {list}", t.kind, t.namespace, t.name),
            )
            .help(format!(
                "add `port: {{number: N}}` to the destination with one of: {list}"
            ));
            cx.report(r, diag);
        }
    }
}
