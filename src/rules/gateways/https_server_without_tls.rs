//! `https-server-without-tls` (ML403): a Gateway server with protocol HTTPS whose `tls` has no
//! `mode` (the proto default is PASSTHROUGH: TLS is not terminated). A server without `tls`, or
//! SIMPLE/MUTUAL without a credential, is rejected by Istio's validation (IST0106) and left to it.

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
            // a server without `tls`, or SIMPLE/MUTUAL without a credential, is rejected by
            // Istio's validation: that is `gateway-schema-error` (IST0106)'s finding
            let (Some(t), None) = (&s.tls_span, &s.tls_mode) else {
                continue;
            };
            let d = Diagnostic::new(
                &META,
                format!("HTTPS server{port} sets `tls` without `mode`: the mode defaults to PASSTHROUGH, so the gateway does not terminate TLS and HTTP routes do not apply"),
            )
            .at(*t, "no tls.mode")
            .help("set `mode: SIMPLE` (or MUTUAL) with `credentialName`");
            cx.report(r, d);
        }
    }
}
