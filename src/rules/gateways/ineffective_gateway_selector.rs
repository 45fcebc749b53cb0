//! `ineffective-gateway-selector` (IST0166): a policy selects the pods of a Gateway API
//! gateway by label; such policies must use `targetRef` to apply to the gateway.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::labels_subset;
use crate::index::workloads::{label, pod_labels};
use crate::model::policy::Attachment;
use crate::model::Spec;
use crate::rules::workloads::selectors::describe;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0166",
    name: "ineffective-gateway-selector",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: Some("k8sgateway.SelectorAnalyzer"),
    summary: "a policy selects a Gateway API gateway's pods by label instead of targetRef",
};

const GATEWAY_NAME: &str = "gateway.networking.k8s.io/gateway-name";

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for kind in [
        "AuthorizationPolicy",
        "RequestAuthentication",
        "Telemetry",
        "WasmPlugin",
    ] {
        for &id in ix.of_kind(kind) {
            let r = ix.resource(id);
            let attach: &Attachment = match &r.spec {
                Spec::AuthorizationPolicy(p) => &p.attach,
                Spec::Telemetry(t) => &t.attach,
                Spec::RequestAuthentication(a) | Spec::WasmPlugin(a) => a,
                _ => continue,
            };
            let Some(sel) = &attach.selector else {
                continue;
            };
            if attach.target_ref.is_some() {
                continue;
            }
            let mut pods: Vec<usize> = ix.workloads_selected(Some(&r.namespace), &sel.match_labels);
            pods.sort_unstable();
            for w in pods {
                let wr = ix.resource(w);
                let Some(labels) = pod_labels(wr) else {
                    continue;
                };
                let Some(gw) = label(labels, GATEWAY_NAME) else {
                    continue;
                };
                if !labels_subset(&sel.match_labels, labels) {
                    continue;
                }
                let d = Diagnostic::new(
                    &META,
                    format!(
                        "`selector` of {} matches {} of Gateway API gateway `{gw}`; selectors do not apply to Gateway API gateways",
                        describe(r),
                        describe(wr)
                    ),
                )
                .at(sel.span, "selects a gateway pod")
                .istio_args([gw])
                .related(wr.name_span, format!("pod of gateway `{gw}`"))
                .help(format!(
                    "replace `selector` with `targetRefs: [{{group: gateway.networking.k8s.io, kind: Gateway, name: {gw}}}]`"
                ));
                cx.report(r, d);
            }
        }
    }
}
