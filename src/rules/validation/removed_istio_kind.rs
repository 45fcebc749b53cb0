//! `removed-istio-kind` (ML015): an object of an Istio API that no supported Istio release
//! serves any more. istiod watches only the kinds of its schema collections
//! (pkg/config/schema/metadata.yaml); the groups below are not among them, and their CRDs were
//! last shipped in these releases (manifests/.../crd-all.gen.yaml of each tag):
//!
//! - `authentication.istio.io` (Policy, MeshPolicy): Istio 1.5;
//! - `rbac.istio.io` (ServiceRole, ServiceRoleBinding, RbacConfig, ClusterRbacConfig): 1.6;
//! - `config.istio.io` (Mixer: rule, handler, instance, attributemanifest, templates and adapter
//!   kinds, QuotaSpec, HTTPAPISpec, ...): 1.7;
//! - the v1alpha2 traffic kinds RouteRule, DestinationPolicy, EgressRule, which were
//!   `config.istio.io/v1alpha2` (0.2–0.8) and were replaced by networking.istio.io/v1alpha3.
//!
//! Such an object is accepted by nothing (without its CRD the API server rejects it; with a
//! stale CRD it is stored and ignored), so the configuration it carries is not in effect.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::kinds::api_group;
use crate::rules::RuleCx;
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    code: "ML015",
    name: "removed-istio-kind",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: None,
    summary: "an object of an Istio API that no supported Istio applies (Mixer, rbac.istio.io, authentication.istio.io, v1alpha2 routing)",
};

/// What the object is, the release its API was last shipped in, what replaced it (short), and
/// how to migrate.
type Removed = (&'static str, &'static str, &'static str, &'static str);

fn removed(group: &str, kind: &str) -> Option<Removed> {
    let istio_group = group == "istio.io" || group.ends_with(".istio.io");
    match kind {
        "RouteRule" if istio_group => {
            return Some((
                "a v1alpha2 route rule",
                "0.8",
                "VirtualService",
                "rewrite it as a VirtualService (networking.istio.io)",
            ))
        }
        "DestinationPolicy" if istio_group => {
            return Some((
                "a v1alpha2 destination policy",
                "0.8",
                "DestinationRule",
                "rewrite it as a DestinationRule (networking.istio.io)",
            ))
        }
        "EgressRule" if istio_group => {
            return Some((
                "a v1alpha2 egress rule",
                "0.8",
                "ServiceEntry",
                "rewrite it as a ServiceEntry (networking.istio.io)",
            ))
        }
        _ => {}
    }
    match group {
        "config.istio.io" => Some((
            "Mixer configuration",
            "1.7",
            "the Telemetry API and AuthorizationPolicy",
            "configure metrics, logs and traces with the Telemetry API (telemetry.istio.io), \
             access control with AuthorizationPolicy (security.istio.io, CUSTOM for an external \
             authorizer) and rate limits with Envoy's rate limit filter",
        )),
        "rbac.istio.io" => Some((
            "Istio RBAC configuration",
            "1.6",
            "AuthorizationPolicy",
            "rewrite it as AuthorizationPolicy (security.istio.io)",
        )),
        "authentication.istio.io" => Some((
            "an authentication policy",
            "1.5",
            "PeerAuthentication and RequestAuthentication",
            "use PeerAuthentication for mutual TLS and RequestAuthentication (with an \
             AuthorizationPolicy to require a token) for JWT (security.istio.io)",
        )),
        _ => None,
    }
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r) in ix.all_resources() {
        let group = api_group(&r.api_version);
        let Some((what, last, short, instead)) = removed(group, &r.kind) else {
            continue;
        };
        // the start of the object: its first key, `apiVersion:` or `kind:` in nearly every file
        let at = Span::new(r.span.file, r.span.start, r.span.start);
        // MeshPolicy and ClusterRbacConfig were cluster-scoped
        let name = if matches!(r.kind.as_str(), "MeshPolicy" | "ClusterRbacConfig") {
            r.name.to_string()
        } else {
            r.object_ref().qualified_name()
        };
        let d = Diagnostic::new(
            &META,
            format!(
                "{} `{name}` (`{}`) is {what}, an API no supported Istio applies (last shipped in Istio {last}); move it to {short}",
                r.kind, r.api_version
            ),
        )
        .at(at, "removed Istio API")
        .related(r.name_span, "this object")
        .help(format!(
            "{instead}, then delete this object; until then the configuration it carries is not in effect"
        ));
        cx.report(r, d);
    }
}
