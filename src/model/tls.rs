//! Client TLS settings of a DestinationRule (`trafficPolicy.tls`, `portLevelSettings[].tls`).

use super::reader::Cx;
use crate::source::{Span, Spanned, Str};
use crate::yaml::Value;

const CLIENT_TLS_FIELDS: &[&str] = &[
    "mode",
    "clientCertificate",
    "privateKey",
    "caCertificates",
    "credentialName",
    "subjectAltNames",
    "sni",
    "insecureSkipVerify",
    "caCrl",
];
const PORT_TRAFFIC_POLICY_FIELDS: &[&str] = &[
    "port",
    "loadBalancer",
    "connectionPool",
    "outlierDetection",
    "tls",
];
const PORT_SELECTOR_FIELDS: &[&str] = &["number"];

/// `ClientTLSSettings`: only what the analysis needs.
#[derive(Debug, Clone)]
pub struct ClientTls {
    /// The whole `tls` mapping.
    pub span: Span,
    /// Span of the `tls` key.
    pub key: Option<Span>,
    pub mode: Option<Spanned<Str>>,
    pub ca_certificates: Option<Spanned<Str>>,
    pub credential_name: Option<Spanned<Str>>,
    pub insecure_skip_verify: Option<Spanned<bool>>,
}

/// One `portLevelSettings[]` entry that has a `tls` block.
#[derive(Debug, Clone)]
pub struct PortTls {
    pub span: Span,
    pub port: Option<Spanned<i64>>,
    pub tls: ClientTls,
}

pub fn client_tls<'a>(
    cx: &mut Cx<'a>,
    v: Option<Value<'a>>,
    key: Option<Span>,
) -> Option<ClientTls> {
    let mut o = cx.obj(v, "client TLS settings", CLIENT_TLS_FIELDS)?;
    let tls = ClientTls {
        span: o.span(),
        key,
        mode: cx.string(o.take("mode"), "mode"),
        ca_certificates: cx.string(o.take("caCertificates"), "caCertificates"),
        credential_name: cx.string(o.take("credentialName"), "credentialName"),
        insecure_skip_verify: cx.boolean(o.take("insecureSkipVerify"), "insecureSkipVerify"),
    };
    let _ = cx.string(o.take("clientCertificate"), "clientCertificate");
    let _ = cx.string(o.take("privateKey"), "privateKey");
    let _ = cx.string(o.take("sni"), "sni");
    let _ = cx.string(o.take("caCrl"), "caCrl");
    let _ = cx.string_list(o.take("subjectAltNames"), "subjectAltNames");
    cx.finish(o);
    Some(tls)
}

/// `portLevelSettings`: the entries with TLS settings.
pub fn port_level_tls<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Vec<PortTls> {
    let mut out = Vec::new();
    for p in cx.list(v, "portLevelSettings") {
        let Some(mut o) = cx.obj(Some(p), "port traffic policy", PORT_TRAFFIC_POLICY_FIELDS) else {
            continue;
        };
        let port = o.take("port").and_then(|pv| {
            let mut po = cx.obj(Some(pv), "port selector", PORT_SELECTOR_FIELDS)?;
            let n = cx.int(po.take("number"), "number", true);
            cx.finish(po);
            n
        });
        let key = o.key_span("tls");
        let tls = client_tls(cx, o.take("tls"), key);
        // the other policies are read elsewhere, if at all; mark them used
        for k in ["loadBalancer", "connectionPool", "outlierDetection"] {
            let _ = o.take(k);
        }
        cx.finish(o);
        if let Some(tls) = tls {
            out.push(PortTls {
                span: p.span(),
                port,
                tls,
            });
        }
    }
    out
}
