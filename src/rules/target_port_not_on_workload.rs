//! `target-port-not-on-workload` (ML508, Kiali KIA0701): a Service port's target (a named or
//! numbered container port) is not declared by any workload the Service selects. Unlike Kiali,
//! workloads are matched by their pod-template labels (what the selector really matches), and
//! workloads that declare no container ports at all are skipped (declaring them is optional).

use super::RuleCx;
use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::Spec;

pub static META: RuleMeta = RuleMeta {
    code: "ML508",
    name: "target-port-not-on-workload",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "a Service targetPort is not a container port of the workloads it selects",
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
        let workloads: Vec<_> = ix
            .workloads_selected(Some(&r.namespace), &svc.selector)
            .into_iter()
            .filter_map(|w| match &ix.resource(w).spec {
                Spec::Workload(wl) if !wl.container_ports.is_empty() => Some((w, wl)),
                _ => None,
            })
            .collect();
        if workloads.is_empty() {
            continue;
        }
        for p in &svc.ports {
            let target = p.target_port.as_ref();
            let (found, shown, span) = match target.map(|t| (t, t.value.parse::<i64>())) {
                Some((t, Err(_))) => (
                    workloads.iter().any(|(_, w)| {
                        w.container_ports
                            .iter()
                            .any(|(n, _)| n.as_deref() == Some(t.value.as_str()))
                    }),
                    format!("named port `{}`", t.value),
                    t.span,
                ),
                Some((t, Ok(n))) => (
                    workloads
                        .iter()
                        .any(|(_, w)| w.container_ports.iter().any(|(_, c)| *c == n)),
                    format!("port {n}"),
                    t.span,
                ),
                None => {
                    let Some(port) = &p.port else { continue };
                    (
                        workloads
                            .iter()
                            .any(|(_, w)| w.container_ports.iter().any(|(_, c)| *c == port.value)),
                        format!("port {} (targetPort defaults to port)", port.value),
                        port.span,
                    )
                }
            };
            if found {
                continue;
            }
            let w = ix.resource(workloads[0].0);
            let declared: Vec<String> = workloads[0]
                .1
                .container_ports
                .iter()
                .map(|(n, c)| match n {
                    Some(n) => format!("{c} ({n})"),
                    None => c.to_string(),
                })
                .collect();
            let diag = Diagnostic::new(
                &META,
                format!(
                    "Service targets {shown}, but the workloads it selects do not declare it ({} `{}` declares {})",
                    w.kind,
                    w.name,
                    declared.join(", ")
                ),
            )
            .at(span, "target port not on the workload")
            .related(w.name_span, "selected workload")
            .help("point targetPort at a containerPort (or its name) the pods declare");
            cx.report(r, diag);
        }
    }
}
