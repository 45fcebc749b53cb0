//! `policy-ignored-in-ambient` (ML704): a RequestAuthentication, WasmPlugin or workload-selecting
//! Telemetry without `targetRefs` in an ambient namespace applies to nothing there.
//!
//! ztunnel receives only AuthorizationPolicies and PeerAuthentications (its workload API,
//! pkg/workloadapi); the L7 policies are Envoy's, and a waypoint applies a policy only through
//! `targetRefs`: `WorkloadPolicyMatcher.ShouldAttachPolicy` (pilot/pkg/model/policyattachment.go)
//! ignores every policy without `targetRefs` for a waypoint ("waypoints never use selector"),
//! for RequestAuthentication (model/authentication.go), Telemetry (model/telemetry.go) and
//! WasmPlugin (converted to a TrafficExtension, model/extensions.go). A namespace-wide Telemetry
//! (no selector) is the exception: waypoints read it like sidecars (`namespaceWideTelemetryConfig`).
//! AuthorizationPolicies are ztunnel's: see `http-rule-at-ztunnel`.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::workloads::{namespace_in_ambient, namespace_object, selected_in_namespace};
use crate::model::{Labels, Spec};
use crate::rules::ambient::common::{
    has_sidecar, is_gateway_pod, opted_out_of_ambient, selects_gateway_pods, WAYPOINT_CLASS,
};
use crate::rules::workloads::selectors::{describe, labels_span};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML704",
    name: "policy-ignored-in-ambient",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "an L7 policy without `targetRefs` in an ambient namespace: neither ztunnel nor a waypoint applies it",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let empty = Labels::new();
    for r in ix.resources {
        let (attach, namespace_wide_ok) = match &r.spec {
            Spec::RequestAuthentication(a) | Spec::WasmPlugin(a) => (a, false),
            Spec::Telemetry(t) => (&t.attach, true),
            _ => continue,
        };
        if attach.target_ref.is_some() || r.namespace == ix.mesh.root_namespace {
            continue;
        }
        let ns = r.namespace.as_str();
        if !namespace_in_ambient(ix, ns) {
            continue;
        }
        let labels = attach.labels();
        match labels {
            Some(l) => {
                if selects_gateway_pods(l) {
                    continue;
                }
                let selected: Vec<_> = selected_in_namespace(ix, ns, l)
                    .into_iter()
                    .map(|id| ix.resource(id))
                    .collect();
                // a sidecar (or a gateway's Envoy) applies it; so does nothing for workloads out
                // of ambient mode
                if selected
                    .iter()
                    .any(|w| has_sidecar(w) || is_gateway_pod(w) || opted_out_of_ambient(w))
                {
                    continue;
                }
            }
            None => {
                if namespace_wide_ok {
                    continue;
                }
                // namespace-wide: still applies to the sidecars and gateways of the namespace
                let others = selected_in_namespace(ix, ns, &empty)
                    .into_iter()
                    .map(|id| ix.resource(id))
                    .any(|w| has_sidecar(w) || is_gateway_pod(w) || opted_out_of_ambient(w));
                let gateways = ix.kube_gateways().any(|(_, g, spec)| {
                    g.namespace == ns
                        && spec.class_name.as_ref().map(|c| c.value.as_str())
                            != Some(WAYPOINT_CLASS)
                });
                if others || gateways {
                    continue;
                }
            }
        }
        let (how, at) = match (labels, attach.selector.as_ref()) {
            (Some(l), Some(s)) => (
                "selects workloads with `selector`",
                labels_span(l).unwrap_or(s.span),
            ),
            _ => ("has no `selector` and no `targetRefs`", r.name_span),
        };
        let who = match r.kind.as_str() {
            "RequestAuthentication" => "ztunnel does not validate JWTs",
            "WasmPlugin" => "ztunnel runs no Wasm",
            _ => "ztunnel does not apply Telemetry to requests",
        };
        let mut d = Diagnostic::new(
            &META,
            format!(
                "{} {how} in namespace `{ns}`, which is in ambient mode: {who} and a waypoint applies only policies with `targetRefs`, so it has no effect",
                describe(r)
            ),
        )
        .at(at, "ignored in ambient mode");
        if let Some(n) = namespace_object(ix, ns) {
            d = d.related(n.name_span, "labelled `istio.io/dataplane-mode: ambient`");
        }
        cx.report(
            r,
            d.help(
                "replace the selector with `targetRefs` to the waypoint (kind Gateway) or to a Service that uses a waypoint (kind Service), and make sure the Service is bound with `istio.io/use-waypoint`",
            ),
        );
    }
}
