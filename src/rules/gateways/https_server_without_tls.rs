//! `https-server-without-tls` (ML403): a Gateway server with protocol HTTPS that has no `tls`
//! settings, no `tls.mode` (the proto default is PASSTHROUGH), or SIMPLE/MUTUAL without a
//! credential.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML403",
    name: "https-server-without-tls",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: None,
    summary: "an HTTPS gateway server lacks TLS settings, a TLS mode or a credential",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for &id in ix.of_kind("Gateway") {
        let r = ix.resource(id);
        let Spec::Gateway(gw) = &r.spec else { continue };
        for s in &gw.servers {
            let Some(p) = &s.port_protocol else { continue };
            if !p.value.eq_ignore_ascii_case("HTTPS") {
                continue;
            }
            let port = s
                .port_number
                .as_ref()
                .map_or(String::new(), |n| format!(" on port {}", n.value));
            let d = match (&s.tls_span, &s.tls_mode) {
                (None, _) => Diagnostic::new(
                    &META,
                    format!("HTTPS server{port} has no `tls` settings: Istio rejects the server (\"server must have TLS settings for HTTPS/TLS protocols\")"),
                )
                .at(p.span, "HTTPS without tls")
                .help("add `tls: {mode: SIMPLE, credentialName: <secret>}`"),
                (Some(t), None) => Diagnostic::new(
                    &META,
                    format!("HTTPS server{port} sets `tls` without `mode`: the mode defaults to PASSTHROUGH, so the gateway does not terminate TLS and HTTP routes do not apply"),
                )
                .at(*t, "no tls.mode")
                .help("set `mode: SIMPLE` (or MUTUAL) with `credentialName`"),
                (Some(_), Some(m)) => {
                    let mode = m.value.as_str().to_ascii_uppercase();
                    let needs = matches!(mode.as_str(), "SIMPLE" | "MUTUAL" | "OPTIONAL_MUTUAL");
                    if !needs || s.credential_name.is_some() || s.tls_has_other_credentials {
                        continue;
                    }
                    Diagnostic::new(
                        &META,
                        format!("HTTPS server{port} uses tls mode {mode} but names no credential (`credentialName`, `credentialNames` or `serverCertificate`/`privateKey`): the gateway has no certificate to serve"),
                    )
                    .at(m.span, format!("{mode} without a credential"))
                    .help("add `credentialName: <kubernetes TLS secret in the gateway's namespace>`")
                }
            };
            cx.report(r, d);
        }
    }
}
