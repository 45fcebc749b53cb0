//! `passthrough-with-http-routes` (ML404): a PASSTHROUGH/AUTO_PASSTHROUGH server does not
//! terminate TLS, so `http` routes of VirtualServices bound to it for its hosts never apply;
//! only `tls` routes (matched by `sniHosts`) do.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::host::matches;
use crate::index::GatewayTarget;
use crate::model::Spec;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML404",
    name: "passthrough-with-http-routes",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary: "http routes are bound to a TLS PASSTHROUGH gateway server, where they never apply",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        let Some(first_http) = vs.http.first() else {
            continue;
        };
        for g in &vs.gateways {
            let GatewayTarget::Istio(gid) = ix.resolve_gateway(&g.value, &r.namespace) else {
                continue;
            };
            let gr = ix.resource(gid);
            let Spec::Gateway(gw) = &gr.spec else {
                continue;
            };
            // servers of this gateway that pass TLS through and serve one of the VS hosts
            let hit = gw.servers.iter().find_map(|s| {
                let m = s.tls_mode.as_ref()?;
                let mode = m.value.as_str().to_ascii_uppercase();
                if mode != "PASSTHROUGH" && mode != "AUTO_PASSTHROUGH" {
                    return None;
                }
                let host = vs.hosts.iter().find(|h| {
                    s.hosts.iter().any(|sh| {
                        let dns = sh.value.rsplit_once('/').map_or(sh.value.as_str(), |x| x.1);
                        matches(&h.value, dns)
                    })
                })?;
                Some((m, mode, host))
            });
            let Some((m, mode, host)) = hit else { continue };
            let diag = Diagnostic::new(
                &META,
                format!(
                    "VirtualService has `http` routes for `{}`, but Gateway `{}/{}` serves that host with tls mode {mode}: the gateway does not terminate TLS, so HTTP routes never apply",
                    host.value, gr.namespace, gr.name
                ),
            )
            .at(
                first_http.route_key.unwrap_or(first_http.span),
                "http route never applied",
            )
            .related(m.span, format!("{mode}: TLS is passed through"))
            .help(format!(
                "route with `tls:` and `match: [{{sniHosts: [{}]}}]`, or terminate TLS at the gateway (mode SIMPLE with credentialName) to use http routes",
                host.value
            ));
            cx.report(r, diag);
        }
    }
}
