//! `dr-cluster-tls-system-roots` (ML405): a DestinationRule originates SIMPLE or MUTUAL TLS to a
//! service inside the cluster without `caCertificates` or `credentialName`, so the server
//! certificate is checked against the system's public root CAs, which an in-cluster certificate
//! is rarely issued by.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::Index;
use crate::model::tls::ClientTls;
use crate::model::Spec;
use crate::rules::security::dr_no_ca_certificate::system_roots;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML405",
    name: "dr-cluster-tls-system-roots",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "a DestinationRule originates TLS to an in-cluster service and verifies it against the public root CAs",
};

/// Why `fqdn` is a service inside the cluster, or `None`.
fn in_cluster(ix: &Index, fqdn: &str) -> Option<String> {
    let suffix = format!(".svc.{}", ix.mesh.domain);
    if let Some(svc) = ix.services_for_host(fqdn).iter().find_map(|&id| {
        let r = ix.resource(id);
        matches!(r.spec, Spec::Service(_)).then_some(r)
    }) {
        return Some(format!(
            "Kubernetes Service `{}/{}`",
            svc.namespace, svc.name
        ));
    }
    if fqdn.ends_with(&suffix) {
        return Some(format!("a cluster-local name, `*{suffix}`"));
    }
    None
}

/// The mode when these settings check an in-cluster server against the system root CAs.
fn checks_system_roots<'t>(
    dr: &crate::model::istio::DestinationRule,
    tls: &'t ClientTls,
) -> Option<&'t str> {
    let mode = system_roots(dr, tls)?;
    // a credential brings its own CA (`ca.crt`)
    if tls
        .credential_name
        .as_ref()
        .is_some_and(|c| !c.value.is_empty())
    {
        return None;
    }
    Some(mode)
}

const HELP: &str = "set `caCertificates` to the CA that signed the service's certificate (for a service in the mesh, prefer `mode: ISTIO_MUTUAL`), or `credentialName` with a `ca.crt`; keep it only if the service presents a certificate from a public CA";

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (id, r, dr) in ix.destination_rules() {
        let Some(fqdn) = ix.dr_host(id) else { continue };
        let Some(why) = in_cluster(ix, fqdn) else {
            continue;
        };
        let mut settings: Vec<(&ClientTls, Option<i64>)> = Vec::new();
        if let Some(tls) = &dr.tls {
            settings.push((tls, None));
        }
        for p in &dr.port_tls {
            settings.push((&p.tls, p.port.as_ref().map(|n| n.value)));
        }
        for (tls, port) in settings {
            let Some(mode) = checks_system_roots(dr, tls) else {
                continue;
            };
            let at = match port {
                Some(p) => format!("`{fqdn}` port {p}"),
                None => format!("`{fqdn}`"),
            };
            let span = tls.mode.as_ref().map(|m| m.span).unwrap_or(tls.span);
            let d = Diagnostic::new(
                &META,
                format!(
                    "DestinationRule `{}/{}` originates {mode} TLS to {at} ({why}) without `caCertificates` or `credentialName`: the server certificate must then chain to a public root CA, or every connection fails verification",
                    r.namespace, r.name
                ),
            )
            .at(span, format!("{mode} TLS checked against the public root CAs"))
            .help(HELP);
            cx.report(r, d);
        }
    }
}
