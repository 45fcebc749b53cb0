//! `routing-without-waypoint` (ML706): a mesh VirtualService or a DestinationRule for a Service
//! of an ambient namespace that no waypoint applies.
//!
//! ztunnel routes on L4 and reads neither VirtualServices nor DestinationRules; in ambient mode
//! they are applied by the waypoint the destination Service is bound to
//! (`istio.io/use-waypoint`, pilot/pkg/serviceregistry/ambient/waypoints.go). A waypoint reads
//! only the VirtualServices of the Service's namespace and of its own
//! (`getVirtualServiceForWaypoint`, pilot/pkg/networking/core/listener_waypoint.go). Sidecar
//! clients (and, for DestinationRules, gateways) still apply them.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::workloads::{namespace_in_ambient, namespace_object};
use crate::model::{Resource, Spec};
use crate::rules::ambient::common::{binding, waypoint, Binding};
use crate::rules::RuleCx;
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    code: "ML706",
    name: "routing-without-waypoint",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "a VirtualService or DestinationRule for an ambient Service that no waypoint applies",
};

/// The Kubernetes Service of a host, in an ambient namespace.
fn ambient_service<'r>(cx: &RuleCx<'_, 'r>, host: &str, ns: &str) -> Option<&'r Resource> {
    let ix = cx.index;
    if host.starts_with('*') {
        return None;
    }
    let fqdn = ix.fqdn(host, ns);
    let s = ix
        .services_for_host(&fqdn)
        .iter()
        .map(|&id| ix.resource(id))
        .find(|s| matches!(s.spec, Spec::Service(_)))?;
    namespace_in_ambient(ix, &s.namespace).then_some(s)
}

fn binding_span<'r>(cx: &RuleCx<'_, 'r>, s: &'r Resource) -> Span {
    namespace_object(cx.index, &s.namespace)
        .map(|n| n.name_span)
        .unwrap_or(s.name_span)
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        let mesh = vs.gateways.is_empty() || vs.gateways.iter().any(|g| g.value == "mesh");
        if !mesh {
            continue;
        }
        for h in &vs.hosts {
            let Some(s) = ambient_service(cx, &h.value, &r.namespace) else {
                continue;
            };
            let svc = format!("Service `{}/{}`", s.namespace, s.name);
            let d = match binding(ix, s) {
                Binding::None => Diagnostic::new(
                    &META,
                    format!(
                        "VirtualService `{}/{}` routes `{}`, {svc} of ambient namespace `{}`, which uses no waypoint: ztunnel does not apply VirtualServices, so only sidecar clients follow these routes",
                        r.namespace, r.name, h.value, s.namespace
                    ),
                )
                .at(h.span, "no waypoint applies this")
                .related(binding_span(cx, s), "ambient namespace; no waypoint bound")
                .help(format!(
                    "bind {svc} to a waypoint: label it (or its Namespace) `istio.io/use-waypoint: <waypoint>`"
                )),
                Binding::Own(n) | Binding::Namespace(n, _) => {
                    let Some(w) = waypoint(ix, &n.namespace, n.name()) else {
                        continue;
                    };
                    if r.namespace == s.namespace || r.namespace == w.r.namespace {
                        continue;
                    }
                    let read = if s.namespace == w.r.namespace {
                        format!("namespace `{}`", s.namespace)
                    } else {
                        format!(
                            "the Service's namespace `{}` and of its own `{}`",
                            s.namespace, w.r.namespace
                        )
                    };
                    Diagnostic::new(
                        &META,
                        format!(
                            "VirtualService `{}/{}` routes `{}` ({svc}, bound to waypoint `{}`), but the waypoint reads only the VirtualServices of {read}; ambient clients ignore this one",
                            r.namespace, r.name, h.value, n.key()
                        ),
                    )
                    .at(h.span, "the waypoint ignores this")
                    .related(n.span(), "the Service's waypoint")
                    .help(format!(
                        "move the VirtualService to namespace `{}`",
                        s.namespace
                    ))
                }
                Binding::Unknown => continue,
            };
            cx.report(r, d);
            break;
        }
    }
    for (_, r, dr) in ix.destination_rules() {
        let Some(h) = &dr.host else {
            continue;
        };
        if dr.workload_selector.is_some() {
            continue;
        }
        let Some(s) = ambient_service(cx, &h.value, &r.namespace) else {
            continue;
        };
        if !matches!(binding(ix, s), Binding::None) {
            continue;
        }
        let svc = format!("Service `{}/{}`", s.namespace, s.name);
        let d = Diagnostic::new(
            &META,
            format!(
                "DestinationRule `{}/{}` configures `{}`, {svc} of ambient namespace `{}`, which uses no waypoint: ztunnel does not apply DestinationRules, so traffic from ambient clients gets none of its policies or subsets (only sidecars and gateways apply it)",
                r.namespace, r.name, h.value, s.namespace
            ),
        )
        .at(h.span, "no waypoint applies this")
        .related(binding_span(cx, s), "ambient namespace; no waypoint bound")
        .help(format!(
            "bind {svc} to a waypoint: label it (or its Namespace) `istio.io/use-waypoint: <waypoint>`"
        ));
        cx.report(r, d);
    }
}
