//! `external-host-without-serviceentry` (ML401): a VirtualService destination or DestinationRule
//! host outside the cluster domain that no Service or ServiceEntry declares. An error under
//! `outboundTrafficPolicy.mode: REGISTRY_ONLY` (the sidecar blocks the traffic), info under
//! the default ALLOW_ANY (traffic passes through, but without any of the route's policy).
//! A `name.namespace` host of a known namespace is left to `two-part-host` (ML105).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::{host, Index};
use crate::model::istio::DestRole;
use crate::rules::routing::destinationrule_host_not_found::host_known;
use crate::rules::validation::common::check_wildcard_domain;
use crate::rules::RuleCx;
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    code: "ML401",
    name: "external-host-without-serviceentry",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: None,
    summary: "a destination or DestinationRule host outside the cluster has no ServiceEntry",
};

/// Whether `fqdn` is outside the cluster domain and neither a Service nor a ServiceEntry host.
pub fn external(ix: &Index, fqdn: &str) -> bool {
    // `name.namespace` of a known namespace or Service is two-part-host's (ML105) finding
    let two_part = host::looks_two_part(fqdn).is_some_and(|(name, ns)| {
        ix.namespace_known(ns)
            || !ix
                .services_for_host(&format!("{name}.{ns}.svc.{}", ix.mesh.domain))
                .is_empty()
    });
    !two_part
        && !fqdn.is_empty()
        && !fqdn.starts_with('*')
        && fqdn.contains('.')
        && !ix.is_cluster_host(fqdn)
        && !ix.host_in_registry(fqdn)
}

fn diag(ix: &Index, fqdn: &str, span: Span, what: &str) -> Diagnostic {
    let (sev, effect) = if ix.mesh.registry_only {
        (
            Severity::Error,
            "the mesh runs with outboundTrafficPolicy REGISTRY_ONLY, so sidecars block this traffic (502/503, BlackHoleCluster)",
        )
    } else {
        (
            Severity::Info,
            "with the default ALLOW_ANY the traffic leaves through PassthroughCluster, without the routing, retries or TLS settings written for it",
        )
    };
    Diagnostic::new(
        &META,
        format!("{what} `{fqdn}` is outside the cluster and no ServiceEntry declares it: {effect}"),
    )
    .severity(sev)
    .at(span, "external host without ServiceEntry")
    .help(format!(
        "add a ServiceEntry with `hosts: [{fqdn}]`, `location: MESH_EXTERNAL` and its ports"
    ))
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        let mut seen: Vec<String> = Vec::new();
        for (role, d) in vs.destinations() {
            if role == DestRole::Fallback {
                continue;
            }
            let Some(h) = &d.host else { continue };
            let fqdn = ix.fqdn(&h.value, &r.namespace);
            if !external(ix, &fqdn) || seen.contains(&fqdn) {
                continue;
            }
            seen.push(fqdn.clone());
            cx.report(r, diag(ix, &fqdn, h.span, role.field()));
        }
    }
    for (_, r, dr) in ix.destination_rules() {
        let Some(h) = &dr.host else { continue };
        // one problem, one finding: an invalid host is schema validation's (IST0106: the rule
        // is rejected), a host the input shows to be unknown is IST0174's
        if check_wildcard_domain(&h.value).is_err() {
            continue;
        }
        let fqdn = ix.fqdn(&h.value, &r.namespace);
        if host_known(ix, &fqdn) == Some(false) {
            continue;
        }
        if external(ix, &fqdn) {
            cx.report(r, diag(ix, &fqdn, h.span, "DestinationRule host"));
        }
    }
}
