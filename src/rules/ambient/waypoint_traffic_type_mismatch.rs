//! `waypoint-traffic-type-mismatch` (ML703): an object uses a waypoint whose
//! `istio.io/waypoint-for` does not carry its kind of traffic.
//!
//! A waypoint carries `service` traffic unless its Gateway (or, failing that, its GatewayClass)
//! says otherwise with `istio.io/waypoint-for: service | workload | all | none`
//! (`gatewayToWaypointTransform`). A Service or ServiceEntry bound to a waypoint without
//! `service` or `all`, or a workload labelled with one without `workload` or `all`, gets no
//! waypoint and the status reason `UnsupportedTrafficType` (`fetchWaypointForService`,
//! `fetchWaypointForWorkload` in pilot/pkg/serviceregistry/ambient/waypoints.go). A workload
//! that only inherits its Namespace's label is skipped silently by istiod; Services inheriting
//! it are not.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::{Resource, Spec};
use crate::rules::ambient::common::{
    allows_namespace, binding_labels, describe, home_namespace, is_gateway_service, labelled,
    traffic_type, use_waypoint, waypoint, TrafficTypeSource, UseWaypoint,
};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML703",
    name: "waypoint-traffic-type-mismatch",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "an object uses a waypoint whose `istio.io/waypoint-for` does not carry its traffic",
};

fn carries(traffic_type: &str, wanted: &str) -> bool {
    traffic_type == wanted || traffic_type == "all"
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (r, named) in labelled(ix) {
        let Some(w) = waypoint(ix, &named.namespace, named.name()) else {
            continue;
        };
        if matches!(
            allows_namespace(ix, &w, home_namespace(r)),
            Some((false, _))
        ) {
            // waypoint-attachment-denied reports it
            continue;
        }
        let Some((tt, source)) = traffic_type(ix, &w) else {
            continue;
        };
        let key = named.key();
        let (wanted, what, inheriting) = match &r.spec {
            Spec::Workload(_) => ("workload", "its workload traffic".to_string(), Vec::new()),
            Spec::Service(_) | Spec::ServiceEntry(_) if is_gateway_service(r) => continue,
            Spec::Service(_) | Spec::ServiceEntry(_) => {
                ("service", format!("the traffic of {}", r.kind), Vec::new())
            }
            Spec::Namespace => {
                // Services and ServiceEntries of the namespace without a label of their own
                let ns = r.name.as_str();
                let inheriting: Vec<&Resource> = ix
                    .resources
                    .iter()
                    .filter(|s| matches!(s.spec, Spec::Service(_) | Spec::ServiceEntry(_)))
                    .filter(|s| s.namespace == ns && !is_gateway_service(s))
                    .filter(|s| matches!(use_waypoint(binding_labels(s), ns), UseWaypoint::Absent))
                    .collect();
                if inheriting.is_empty() {
                    continue;
                }
                ("service", String::new(), inheriting)
            }
            _ => continue,
        };
        if carries(tt, wanted) {
            continue;
        }
        let message = if let Some(first) = inheriting.first() {
            let more = match inheriting.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            format!(
                "{} binds its Services to waypoint `{key}`, which carries `{tt}` traffic only (`istio.io/waypoint-for`); {}{more} get no waypoint (UnsupportedTrafficType)",
                describe(r),
                describe(first)
            )
        } else {
            format!(
                "{} uses waypoint `{key}`, which carries `{tt}` traffic only (`istio.io/waypoint-for`); istiod does not bind {what} to it (UnsupportedTrafficType) and the traffic skips the waypoint",
                describe(r)
            )
        };
        let mut d = Diagnostic::new(&META, message)
            .at(named.span(), "waypoint does not carry this traffic");
        d = match source {
            TrafficTypeSource::Gateway(s) => d.related(s, "the waypoint's traffic type"),
            TrafficTypeSource::Class(s) => {
                d.related(s, "the traffic type of the waypoint's GatewayClass")
            }
            TrafficTypeSource::Default => d.related(
                w.r.name_span,
                "no `istio.io/waypoint-for` label: the waypoint carries `service` traffic",
            ),
        };
        if let Some(first) = inheriting.first() {
            d = d.related(first.name_span, "inherits the Namespace's waypoint");
        }
        let help = if wanted == "workload" {
            format!(
                "label Gateway `{key}` `istio.io/waypoint-for: workload` (or `all`), or bind the workload's Service instead of the workload"
            )
        } else {
            format!(
                "label Gateway `{key}` `istio.io/waypoint-for: service` (or `all`), or use a waypoint that carries service traffic"
            )
        };
        cx.report(r, d.help(help));
    }
}
