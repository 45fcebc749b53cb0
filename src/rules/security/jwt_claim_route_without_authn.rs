//! `jwt-claim-route-without-authn` (IST0149): a VirtualService routes on JWT claims at a
//! gateway whose pods no RequestAuthentication applies to, so the claims are never set.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::workloads::pod_labels;
use crate::index::{labels_subset, GatewayTarget};
use crate::model::{Labels, Spec};
use crate::rules::workloads::selectors::describe;
use crate::rules::RuleCx;
use crate::source::Spanned;

pub static META: RuleMeta = RuleMeta {
    code: "IST0149",
    name: "jwt-claim-route-without-authn",
    severity: Severity::Error,
    category: Category::Routing,
    analyzer: Some("virtualservice.JWTClaimRouteAnalyzer"),
    summary: "routing on JWT claims at a gateway without a RequestAuthentication",
};

const CLAIM_PREFIX: &str = "@request.auth.claims.";

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // RequestAuthentication selectors by namespace (an absent selector selects every pod)
    let mut ra: Vec<(&str, &Labels)> = Vec::new();
    let empty = Labels::new();
    for &id in ix.of_kind("RequestAuthentication") {
        let r = ix.resource(id);
        if let Spec::RequestAuthentication(a) = &r.spec {
            let labels = a
                .selector
                .as_ref()
                .map(|s| &s.match_labels)
                .unwrap_or(&empty);
            ra.push((r.namespace.as_str(), labels));
        }
    }
    let root = ix.mesh.root_namespace.as_str();
    for (_, r, vs) in ix.virtual_services() {
        let claim: Option<&Spanned<crate::source::Str>> = vs
            .http
            .iter()
            .flat_map(|h| h.matches.iter().flatten())
            .flat_map(|m| m.headers.iter().chain(m.extras().without_headers.iter()))
            .map(|(k, _)| k)
            .find(|k| k.value.starts_with(CLAIM_PREFIX));
        let Some(claim) = claim else { continue };
        for gw_ref in &vs.gateways {
            let GatewayTarget::Istio(gid) = ix.resolve_gateway(&gw_ref.value, &r.namespace) else {
                continue;
            };
            let g = ix.resource(gid);
            let Spec::Gateway(gw) = &g.spec else { continue };
            let mut pods = ix.workloads_selected(None, &gw.selector);
            pods.sort_unstable();
            for p in pods {
                let pr = ix.resource(p);
                let Some(labels) = pod_labels(pr) else {
                    continue;
                };
                let covered = ra.iter().any(|(ns, sel)| {
                    (*ns == root || *ns == pr.namespace) && labels_subset(sel, labels)
                });
                if covered {
                    continue;
                }
                let d = Diagnostic::new(
                    &META,
                    format!(
                        "VirtualService `{}/{}` routes on `{}` at Gateway `{}/{}`, but no RequestAuthentication applies to its {}; the claim is never set",
                        r.namespace, r.name, claim.value, g.namespace, g.name, describe(pr)
                    ),
                )
                .at(claim.span, "JWT claim match")
                .related(gw_ref.span, "bound to this gateway")
                .related(pr.name_span, "gateway workload without RequestAuthentication")
                .help(if pr.namespace == root {
                    format!("add a RequestAuthentication in namespace `{root}` whose selector matches the gateway pods")
                } else {
                    format!(
                        "add a RequestAuthentication in namespace `{}` (or `{root}`) whose selector matches the gateway pods",
                        pr.namespace
                    )
                });
                cx.report(r, d);
            }
        }
    }
}
