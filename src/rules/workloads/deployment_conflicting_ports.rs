//! `deployment-conflicting-ports` (IST0137): Services selecting one workload send different
//! service ports to the same target port.

use crate::diagnostics::istio_messages::go_list;
use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::kubernetes::meshed_controllers_with_services;
use crate::model::Spec;
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    code: "IST0137",
    name: "deployment-conflicting-ports",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: Some("deployment.MultiServiceAnalyzer"),
    summary: "several Services selecting the same workload map different ports to one target port",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    if !ix.has_kind("Service") {
        return;
    }
    for (r, w, services) in meshed_controllers_with_services(ix) {
        let kind = r.kind.as_str();
        // target port → service port → (service, span)
        let mut targets: BTreeMap<String, BTreeMap<i64, (usize, Span)>> = BTreeMap::new();
        for &sid in &services {
            let Spec::Service(svc) = &ix.resource(sid).spec else {
                continue;
            };
            for p in &svc.ports {
                let Some(port) = &p.port else { continue };
                let (target, span) = match &p.target_port {
                    Some(t) if !t.value.is_empty() && t.value != "0" => {
                        // a named target port resolves to the container port of that name
                        let named = w
                            .container_ports
                            .iter()
                            .find(|(n, _)| n.as_deref() == Some(t.value.as_str()))
                            .map(|(_, n)| n.to_string());
                        (named.unwrap_or_else(|| t.value.to_string()), t.span)
                    }
                    _ => (port.value.to_string(), port.span),
                };
                targets
                    .entry(target)
                    .or_default()
                    .insert(port.value, (sid, span));
            }
        }
        for (target, ports) in targets {
            if ports.len() < 2 {
                continue;
            }
            let list: Vec<String> = ports.keys().map(|p| p.to_string()).collect();
            let mut d = Diagnostic::new(
                &META,
                format!(
                    "the Services selecting {kind} `{}/{}` send ports {} to the same target port {target}",
                    r.namespace,
                    r.name,
                    list.join(", ")
                ),
            )
            .at(r.name_span, "workload selected by these Services")
            .istio_args({
                let mut svcs: Vec<&str> = ports
                    .values()
                    .map(|(sid, _)| ix.resource(*sid).name.as_str())
                    .collect();
                svcs.sort_unstable();
                [r.name.to_string(), go_list(&svcs), target.clone(), go_list(&list)]
            });
            for (port, (sid, span)) in &ports {
                let s = ix.resource(*sid);
                d = d.related(
                    *span,
                    format!(
                        "Service `{}/{}` sends port {port} to {target}",
                        s.namespace, s.name
                    ),
                );
            }
            d = d.help(format!(
                "give each service port its own target port, or use one service port for target port {target}; the sidecar cannot tell the inbound traffic of the two ports apart"
            ));
            cx.report(r, d);
        }
    }
}
