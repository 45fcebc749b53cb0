//! `serviceentry-addresses-required` (IST0134): a ServiceEntry with TCP ports and no addresses,
//! while the mesh does not allocate addresses automatically.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::MeshConfig;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0134",
    name: "serviceentry-addresses-required",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: Some("serviceentry.Analyzer"),
    summary: "a ServiceEntry with TCP ports has no addresses and the mesh does not allocate them",
};

/// Istio's check of `defaultConfig.proxyMetadata`: DNS capture with address auto-allocation.
fn auto_allocated(mesh: &MeshConfig) -> bool {
    mesh.proxy_metadata("ISTIO_META_DNS_CAPTURE") == Some("true")
        && (mesh.proxy_metadata("ISTIO_META_DNS_AUTO_ALLOCATE") == Some("true")
            || mesh.proxy_metadata("PILOT_ENABLE_IP_AUTOALLOCATE") == Some("true"))
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    if auto_allocated(&ix.mesh) {
        return;
    }
    for &id in ix.of_kind("ServiceEntry") {
        let r = ix.resource(id);
        let crate::model::Spec::ServiceEntry(se) = &r.spec else {
            continue;
        };
        if se.addresses.as_ref().is_some_and(|a| !a.is_empty()) || se.status_addresses {
            continue;
        }
        let tcp: Vec<_> = se
            .ports
            .iter()
            .filter(|p| {
                p.protocol
                    .as_ref()
                    .is_none_or(|x| x.value.is_empty() || x.value.eq_ignore_ascii_case("TCP"))
            })
            .collect();
        let Some(first) = tcp.first() else { continue };
        let number = |p: &crate::model::istio::SePort| {
            p.number
                .as_ref()
                .map(|n| n.value.to_string())
                .unwrap_or_else(|| "?".into())
        };
        let span_of = |p: &crate::model::istio::SePort| {
            p.protocol
                .as_ref()
                .map(|x| x.span)
                .or(p.number.as_ref().map(|n| n.span))
                .unwrap_or(r.name_span)
        };
        let ports: Vec<String> = tcp.iter().map(|p| number(p)).collect();
        let mut d = Diagnostic::new(
            &META,
            format!(
                "no `addresses` in ServiceEntry `{}/{}`, which has TCP port{} {}",
                r.namespace,
                r.name,
                if ports.len() > 1 { "s" } else { "" },
                ports.join(", ")
            ),
        )
        .at(
            span_of(first),
            if first.protocol.as_ref().is_some_and(|p| !p.value.is_empty()) {
                "TCP port without an address"
            } else {
                "no protocol: treated as TCP"
            },
        );
        for p in &tcp[1..] {
            d = d.related(span_of(p), format!("port {} is TCP too", number(p)));
        }
        d = d.help("add `addresses` (a VIP or CIDR) to the ServiceEntry, or enable DNS capture with address auto-allocation (`ISTIO_META_DNS_CAPTURE` and `ISTIO_META_DNS_AUTO_ALLOCATE` in `defaultConfig.proxyMetadata`); without an address the sidecar listens on 0.0.0.0 for the port and the traffic of every host on that port collides");
        cx.report(r, d);
    }
}
