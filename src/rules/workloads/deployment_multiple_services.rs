//! `deployment-multiple-services` (IST0116): a workload is selected by several Services that
//! give the same port different protocols.

use crate::diagnostics::istio_messages::go_list;
use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::kubernetes::meshed_controllers_with_services;
use crate::model::Spec;
use crate::rules::RuleCx;
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    code: "IST0116",
    name: "deployment-multiple-services",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: Some("deployment.MultiServiceAnalyzer"),
    summary:
        "several Services selecting the same workload use one port number with different protocols",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    if !ix.has_kind("Service") {
        return;
    }
    for (r, _, services) in meshed_controllers_with_services(ix) {
        let kind = r.kind.as_str();
        if services.len() < 2 {
            continue;
        }
        // port → protocol → (service, span of the port)
        let mut ports: BTreeMap<i64, BTreeMap<String, Vec<(usize, crate::source::Span)>>> =
            BTreeMap::new();
        for &sid in &services {
            let Spec::Service(svc) = &ix.resource(sid).spec else {
                continue;
            };
            for p in &svc.ports {
                let Some(port) = &p.port else { continue };
                let proto = p
                    .protocol
                    .as_ref()
                    .map(|p| p.value.as_str().to_ascii_uppercase())
                    .unwrap_or_else(|| "TCP".to_string());
                let span = p.protocol.as_ref().map(|p| p.span).unwrap_or(port.span);
                ports
                    .entry(port.value)
                    .or_default()
                    .entry(proto.to_string())
                    .or_default()
                    .push((sid, span));
            }
        }
        for (port, protos) in ports {
            if protos.len() < 2 {
                continue;
            }
            let mut names: Vec<String> = Vec::new();
            let mut d = Diagnostic::new(
                &META,
                format!(
                    "port {port} of {kind} `{}/{}` gets different protocols from the Services selecting it: {}",
                    r.namespace,
                    r.name,
                    protos.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )
            .at(r.name_span, "workload selected by these Services");
            for (proto, uses) in &protos {
                for (sid, span) in uses {
                    let s = ix.resource(*sid);
                    names.push(s.name.to_string());
                    d = d.related(
                        *span,
                        format!(
                            "Service `{}/{}` declares port {port} as {proto}",
                            s.namespace, s.name
                        ),
                    );
                }
            }
            names.sort();
            names.dedup();
            d = d.istio_args([r.name.to_string(), port.to_string(), go_list(&names)]);
            d = d.help(format!(
                "use one protocol for port {port} in Services {} (a port without `protocol` is TCP); the sidecar builds one listener per port and cannot serve both",
                names.join(", ")
            ));
            cx.report(r, d);
        }
    }
}
