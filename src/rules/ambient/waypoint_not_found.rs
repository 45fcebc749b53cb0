//! `waypoint-not-found` (ML701): an `istio.io/use-waypoint` label names a waypoint Gateway the
//! input does not hold.
//!
//! istiod looks the waypoint up by namespace and name among the Gateway API Gateways
//! (pilot/pkg/serviceregistry/ambient/waypoints.go, `fetchWaypointForTarget`); when it is
//! missing the object gets no waypoint and the status reason `WaypointIsNotReady`
//! (ambient/status.go): its traffic skips the waypoint, so the routes and L7 policies attached
//! to it do not apply.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::evidence::Class;
use crate::rules::ambient::common::{describe, labelled, waypoint, USE_WAYPOINT};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML701",
    name: "waypoint-not-found",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: None,
    summary: "an `istio.io/use-waypoint` label names a waypoint Gateway that does not exist",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (r, named) in labelled(ix) {
        if waypoint(ix, &named.namespace, named.name()).is_some() {
            continue;
        }
        let ns = named.namespace.as_str();
        let name = named.name();
        let how = if named.namespace_label.is_some() {
            format!("`{USE_WAYPOINT}` and `istio.io/use-waypoint-namespace`")
        } else {
            format!("`{USE_WAYPOINT}`")
        };
        // open world: waypoints are often created by the platform team (or `istioctl waypoint
        // apply`) outside the application's manifests; missing is an error only where the
        // input would hold it
        let mut d = if ix.evidence(Class::Gateway, ns, r) {
            Diagnostic::new(
                &META,
                format!(
                    "{} uses waypoint `{ns}/{name}` ({how}), but no Gateway `{ns}/{name}` exists; its traffic skips the waypoint and the routes and policies attached to it do not apply",
                    describe(r)
                ),
            )
            .at(named.span(), "waypoint not found")
            .help(format!(
                "create the waypoint (a Gateway `{ns}/{name}` with `gatewayClassName: istio-waypoint`, e.g. `istioctl waypoint apply -n {ns} --name {name}`) or fix the label"
            ))
        } else {
            Diagnostic::new(
                &META,
                format!(
                    "waypoint `{ns}/{name}` used by {} is not in the input (no Gateway of namespace `{ns}` is defined next to it), so the binding was not checked",
                    describe(r)
                ),
            )
            .severity(Severity::Info)
            .at(named.span(), "defined outside the input?")
            .help(format!(
                "pass the Gateways of namespace `{ns}` with `--context` to check this reference"
            ))
        };
        if let Some(nl) = named.namespace_label {
            d = d.related(nl.1.span, "waypoint namespace");
        }
        cx.report(r, d);
    }
}
