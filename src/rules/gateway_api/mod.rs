//! The Kubernetes Gateway API (gateway.networking.k8s.io): what istiod would write as negative
//! status conditions on Gateways, listeners, ListenerSets, routes and backend policies
//! (pilot/pkg/config/kube/gateway), the CRDs' schema and CEL validation, and cross-API checks.

pub mod cel;
pub mod schema;

/// The kinds the schema and CEL validation covers (and UDPRoute), for the rules that report it.
pub const VALIDATED_KINDS: &[&str] = &[
    "GatewayClass",
    "Gateway",
    "ListenerSet",
    "XListenerSet",
    "HTTPRoute",
    "GRPCRoute",
    "TCPRoute",
    "TLSRoute",
    "UDPRoute",
    "ReferenceGrant",
    "BackendTLSPolicy",
];

/// Reports the schema/CEL findings of `level` on every Gateway API object as `meta`.
pub fn report_validation(
    cx: &mut crate::rules::RuleCx,
    meta: &'static crate::diagnostics::RuleMeta,
    level: crate::diagnostics::Level,
) {
    let ix = cx.index;
    for kind in VALIDATED_KINDS {
        // replaced copies: the engine runs these PER_DOCUMENT rules over them separately
        for r in ix.of_kind(kind).iter().map(|&id| ix.resource(id)) {
            if !matches!(r.spec, crate::model::Spec::GatewayApi(_)) {
                continue;
            }
            for f in r.validation.iter().filter(|f| f.level == level) {
                cx.report(
                    r,
                    crate::diagnostics::Diagnostic::new(meta, f.message.clone())
                        .at(f.span, f.label.clone())
                        .help(f.help.clone()),
                );
            }
        }
    }
}

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/gateway_api.rs"));

pub mod common;
