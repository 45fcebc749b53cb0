//! `target-port-not-on-workload` (ML508, Kiali KIA0701): a Service port's *named* `targetPort` is
//! not a container port name of any workload the Service selects. Unlike Kiali, workloads are
//! matched by their pod-template labels (what the selector really matches), and numeric target
//! ports are not checked: Kubernetes uses a number as it is, declared or not
//! (`FindPort`, pilot/pkg/serviceregistry/kube/controller/util.go, forked from Kubernetes).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML508",
    name: "target-port-not-on-workload",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: None,
    summary:
        "a Service's named targetPort is not a container port name of the workloads it selects",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for &id in ix.of_kind("Service") {
        let r = ix.resource(id);
        let Spec::Service(svc) = &r.spec else {
            continue;
        };
        if svc.selector.is_empty() {
            continue;
        }
        // a named target port: a number (or no targetPort, which means the port number) is
        // used as it is, whether a container declares it or not
        let named: Vec<_> = svc
            .ports
            .iter()
            .filter_map(|p| p.target_port.as_ref())
            .filter(|t| t.value.parse::<i64>().is_err())
            .collect();
        if named.is_empty() {
            continue;
        }
        // every selected workload counts, also one that declares no ports: it has no name either
        let workloads: Vec<_> = ix
            .workloads_selected(Some(&r.namespace), &svc.selector)
            .into_iter()
            .filter_map(|w| match &ix.resource(w).spec {
                Spec::Workload(wl) => Some((w, wl)),
                _ => None,
            })
            .collect();
        if workloads.is_empty() {
            continue;
        }
        for t in named {
            let found = workloads.iter().any(|(_, w)| {
                w.container_ports
                    .iter()
                    .any(|(n, _)| n.as_deref() == Some(t.value.as_str()))
            });
            if found {
                continue;
            }
            let w = ix.resource(workloads[0].0);
            let names: Vec<&str> = workloads[0]
                .1
                .container_ports
                .iter()
                .filter_map(|(n, _)| n.as_deref())
                .collect();
            let declared = if names.is_empty() {
                "declares no named port".to_string()
            } else {
                format!("declares {}", names.join(", "))
            };
            let diag = Diagnostic::new(
                &META,
                format!(
                    "targetPort `{}` of Service `{}/{}` names no container port of the workloads it selects ({} `{}` {declared})",
                    t.value, r.namespace, r.name, w.kind, w.name
                ),
            )
            .at(t.span, "no selected container declares this port name")
            .related(w.name_span, "selected workload")
            .help(format!(
                "name a container port `{}` in the pod template, or set targetPort to a declared port name or to the port number; until then the pods get no endpoint for this port and its traffic fails with 503",
                t.value
            ));
            cx.report(r, diag);
        }
    }
}
