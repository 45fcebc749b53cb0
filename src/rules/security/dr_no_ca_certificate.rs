//! `dr-no-ca-certificate` (IST0128): `trafficPolicy.tls` originates SIMPLE or MUTUAL TLS
//! without `caCertificates`, so the server certificate is verified against the system's public
//! root CAs (`ptr.NonEmptyOrDefault(tls.CaCertificates, "system")` in `constructUpstreamTLS`,
//! pilot/pkg/networking/core/cluster_tls.go).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::istio::DestinationRule;
use crate::model::tls::ClientTls;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0128",
    name: "dr-no-ca-certificate",
    severity: Severity::Info,
    category: Category::Schema,
    analyzer: Some("destinationrule.CaCertificateAnalyzer"),
    summary: "a DestinationRule originates SIMPLE or MUTUAL TLS without caCertificates",
};

/// The TLS mode (SIMPLE or MUTUAL) when these settings verify the server certificate against the
/// system's root CAs: no `caCertificates`, no CA from a gateway's credential, verification on.
pub fn system_roots<'t>(dr: &DestinationRule, tls: &'t ClientTls) -> Option<&'t str> {
    let mode = tls.mode.as_ref()?;
    if mode.value != "SIMPLE" && mode.value != "MUTUAL" {
        return None;
    }
    if tls
        .ca_certificates
        .as_ref()
        .is_some_and(|c| !c.value.is_empty())
    {
        return None;
    }
    // a gateway DestinationRule reads the CA from the credential's `ca.crt`
    let credential = tls
        .credential_name
        .as_ref()
        .is_some_and(|c| !c.value.is_empty());
    if credential && dr.workload_selector.is_some() {
        return None;
    }
    // verification explicitly turned off: the author knows
    if tls.insecure_skip_verify.as_ref().is_some_and(|b| b.value) {
        return None;
    }
    Some(mode.value.as_str())
}

pub const HELP: &str = "set `caCertificates` (or, for a gateway DestinationRule with `workloadSelector`, a `credentialName` whose secret holds `ca.crt`) to pin a private CA; without it any certificate a public CA issued for the name is accepted";

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, dr) in ix.destination_rules() {
        let Some(tls) = &dr.tls else { continue };
        let Some(mode) = system_roots(dr, tls) else {
            continue;
        };
        let host = dr.host.as_ref().map(|h| h.value.as_str()).unwrap_or("");
        let span = tls.mode.as_ref().map(|m| m.span).unwrap_or(tls.span);
        let d = Diagnostic::new(
            &META,
            format!(
                "`trafficPolicy.tls` of DestinationRule `{}/{}` originates {mode} TLS to `{host}` without `caCertificates`: the server certificate is verified against the system's public root CAs; set caCertificates to pin a private CA",
                r.namespace, r.name
            ),
        )
        .at(span, format!("{mode}: verified against the system root CAs"))
        .istio_args([
            r.name.to_string(),
            r.namespace.to_string(),
            mode.to_string(),
            host.to_string(),
        ])
        .help(HELP);
        cx.report(r, d);
    }
}
