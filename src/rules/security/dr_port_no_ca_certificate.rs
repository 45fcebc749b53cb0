//! `dr-port-no-ca-certificate` (IST0129): a `portLevelSettings[].tls` originates SIMPLE or
//! MUTUAL TLS without `caCertificates`, so the server certificate is verified against the
//! system's public root CAs (see `dr-no-ca-certificate`).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::security::dr_no_ca_certificate::{system_roots, HELP};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0129",
    name: "dr-port-no-ca-certificate",
    severity: Severity::Info,
    category: Category::Schema,
    analyzer: Some("destinationrule.CaCertificateAnalyzer"),
    summary: "a DestinationRule port-level TLS setting originates SIMPLE or MUTUAL TLS without caCertificates",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, dr) in ix.destination_rules() {
        for p in &dr.port_tls {
            let Some(mode) = system_roots(dr, &p.tls) else {
                continue;
            };
            let host = dr.host.as_ref().map(|h| h.value.as_str()).unwrap_or("");
            let port = p
                .port
                .as_ref()
                .map(|n| n.value.to_string())
                .unwrap_or_else(|| "?".into());
            let span = p.tls.mode.as_ref().map(|m| m.span).unwrap_or(p.tls.span);
            let mut d = Diagnostic::new(
                &META,
                format!(
                    "`portLevelSettings` of DestinationRule `{}/{}` originate {mode} TLS to `{host}` port {port} without `caCertificates`: the server certificate is verified against the system's public root CAs; set caCertificates to pin a private CA",
                    r.namespace, r.name
                ),
            )
            .at(span, format!("{mode}: verified against the system root CAs"))
            .istio_args([
                r.name.to_string(),
                r.namespace.to_string(),
                mode.to_string(),
                host.to_string(),
                port.clone(),
            ]);
            if let Some(n) = &p.port {
                d = d.related(n.span, format!("settings for port {port}"));
            }
            cx.report(r, d.help(HELP));
        }
    }
}
