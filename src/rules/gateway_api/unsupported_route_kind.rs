//! `unsupported-route-kind` (ML652): a UDPRoute. istiod builds informers for HTTPRoute,
//! GRPCRoute, TCPRoute and TLSRoute only (`pilot/pkg/config/kube/gateway/controller.go`,
//! `New`), lists UDPRoute among the Gateway API features it skips
//! (`supported_features.go`: "Istio does not support UDPRoute") and rejects a `UDP` listener
//! (`conversion.go`, `listenerProtocolToIstio`: "protocol \"UDP\" is unsupported"). The route
//! is never programmed and gets no status from Istio.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML652",
    name: "unsupported-route-kind",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary: "a UDPRoute: Istio does not implement it, so the route is ignored",
};

pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // replaced copies: the engine runs this PER_DOCUMENT rule over them separately
    for r in ix.of_kind("UDPRoute").iter().map(|&id| ix.resource(id)) {
        if !matches!(r.spec, Spec::GatewayApi(_)) {
            continue;
        }
        cx.report(
            r,
            Diagnostic::new(
                &META,
                format!(
                    "UDPRoute `{}/{}` is ignored by Istio: istiod does not watch UDPRoutes and does not accept UDP listeners, so this traffic is not routed",
                    r.namespace, r.name
                ),
            )
            .at(r.name_span, "Istio does not implement UDPRoute")
            .help("expose the UDP port with a Service of type LoadBalancer (or NodePort) that selects the workload directly, or use a Gateway controller that implements UDPRoute for this Gateway class"),
        );
    }
}
