//! `internal-gateway-reference` (IST0165): a VirtualService references a gateway that istiod
//! generates internally for a Gateway API Gateway.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::GatewayTarget;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0165",
    name: "internal-gateway-reference",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: Some("virtualservice.GatewayAnalyzer"),
    summary: "a VirtualService binds to an auto-generated internal gateway name",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for gw in &vs.gateways {
            if ix.resolve_gateway(&gw.value, &r.namespace) != GatewayTarget::Internal {
                continue;
            }
            let d = Diagnostic::new(
                &META,
                format!(
                    "gateway `{}` is generated internally by istiod for a Gateway API Gateway; it is not a stable name to bind to",
                    gw.value
                ),
            )
            .at(gw.span, "internal gateway name")
            .istio_args([format!("{}/{}", r.namespace, r.name), gw.value.to_string()])
            .help("reference the Gateway API Gateway through an HTTPRoute, or bind to an Istio Gateway you define");
            cx.report(r, d);
        }
    }
}
