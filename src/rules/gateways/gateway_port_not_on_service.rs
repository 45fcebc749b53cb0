//! `gateway-port-not-on-service` (IST0162): a Gateway server port is exposed by no Service that
//! selects the gateway's workloads (neither as `port` nor as `targetPort`).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::gateways::{istio_gateways, selected_by_gateway};
use crate::index::labels_subset;
use crate::model::Spec;
use crate::rules::gateways::common::selector_string;
use crate::rules::RuleCx;
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    code: "IST0162",
    name: "gateway-port-not-on-service",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: Some("gateway.IngressGatewayPortAnalyzer"),
    summary: "a Gateway server port is not exposed by any Service of the gateway workload",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    if !ix.has_workloads() || !ix.has_kind("Service") {
        return;
    }
    for (_, r, g) in istio_gateways(ix) {
        let workloads = selected_by_gateway(ix, g);
        if workloads.is_empty() {
            continue; // gateway-selector-no-workload
        }
        // TCP ports (port and targetPort) of the Services selecting those workloads
        let mut ports: BTreeSet<i64> = BTreeSet::new();
        let mut services: Vec<usize> = Vec::new();
        for &w in &workloads {
            let wr = ix.resource(w);
            let Spec::Workload(wl) = &wr.spec else {
                continue;
            };
            for &sid in ix.services_in(&wr.namespace) {
                let Spec::Service(svc) = &ix.resource(sid).spec else {
                    continue;
                };
                if svc.selector.is_empty() || !labels_subset(&svc.selector, &wl.pod_labels) {
                    continue;
                }
                if !services.contains(&sid) {
                    services.push(sid);
                }
                for p in &svc.ports {
                    // the API server defaults a missing protocol to TCP
                    if p.protocol.as_ref().is_some_and(|x| x.value != "TCP") {
                        continue;
                    }
                    let Some(port) = &p.port else { continue };
                    ports.insert(port.value);
                    match &p.target_port {
                        None => {}
                        Some(t) => match t.value.parse::<i64>() {
                            Ok(n) => {
                                ports.insert(n);
                            }
                            Err(_) => {
                                // a named container port of the workload
                                ports.extend(
                                    wl.container_ports
                                        .iter()
                                        .filter(|(n, _)| n.as_deref() == Some(t.value.as_str()))
                                        .map(|(_, n)| *n),
                                );
                            }
                        },
                    }
                }
            }
        }
        // no Service of the gateway in the input: its ports are unknown, not missing
        if services.is_empty() {
            continue;
        }
        let list = ports
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        for s in &g.servers {
            let Some(port) = &s.port_number else { continue };
            if ports.contains(&port.value) {
                continue;
            }
            let mut d = Diagnostic::new(
                &META,
                format!(
                    "port {} of Gateway `{}/{}` is not exposed by any Service of the workloads selected by `{}`",
                    port.value,
                    r.namespace,
                    r.name,
                    selector_string(&g.selector)
                ),
            )
            .at(port.span, "no Service exposes this port")
            .istio_args([port.value.to_string(), selector_string(&g.selector)])
            .help(format!(
                "add port {} to the gateway's Service (as `port` or `targetPort`, protocol TCP) or use one it exposes: {}",
                port.value,
                if list.is_empty() { "(none)".to_string() } else { list.clone() }
            ));
            for &sid in services.iter().take(3) {
                let sr = ix.resource(sid);
                d = d.related(
                    sr.name_span,
                    format!(
                        "Service `{}/{}` selects the gateway workload",
                        sr.namespace, sr.name
                    ),
                );
            }
            cx.report(r, d);
        }
    }
}
