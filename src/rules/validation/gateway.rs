//! `ValidateGateway`, `validateServer`, `validateServerPort`, `validateServerBind` and
//! `validateTLSOptions` (istio/istio `pkg/config/validation/validation.go`).

use super::common::{is_dns1123_label, is_ip, wildcard_domain};
use super::Out;
use crate::model::spec_tree::Node;
use crate::model::{Resource, Spec};

/// `protocol.Parse` names (case-insensitive).
const PROTOCOLS: &[&str] = &[
    "tcp",
    "udp",
    "grpc",
    "grpc-web",
    "http",
    "http_proxy",
    "http2",
    "https",
    "tls",
    "mongo",
    "redis",
    "mysql",
];

pub fn validate(r: &Resource, out: &mut Out) {
    let Spec::Gateway(g) = &r.spec else { return };
    if !is_dns1123_label(&r.name) && !r.name.is_empty() {
        out.err(
            r.name_span,
            format!(
                "Gateway name `{}` is not a DNS-1123 label (lower-case alphanumerics and `-`, no dots, at most 63 characters)",
                r.name
            ),
            "invalid Gateway name",
            "rename the Gateway without dots, for example `public-gateway`",
        );
    }
    let Some(t) = &g.tree else { return };
    let servers = t.get("servers");
    let items = servers.map(Node::items).unwrap_or_default();
    if items.is_empty() {
        out.err(
            t.key_span("servers").unwrap_or(t.span),
            "a Gateway needs at least one server (`servers` is empty or missing)",
            "no servers",
            "add a server with a port and the hosts it accepts",
        );
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, s) in items.iter().enumerate() {
        let at = format!("servers[{i}]");
        if s.is_null() {
            out.err(
                s.span,
                format!("`{at}` is null"),
                "null server",
                "remove the empty entry",
            );
            continue;
        }
        server(s, &at, out);
        if let Some(p) = s.get("port") {
            let name = p.get_str("name");
            let v = name.as_ref().map_or("", |n| n.value);
            if names.contains(&v) {
                out.err(
                    name.map_or(p.span, |n| n.span),
                    format!("`{at}.port.name` `{v}` is used by another server; port names must be unique in a Gateway"),
                    "duplicate port name",
                    "give every server port its own name",
                );
            }
            names.push(v);
            let proto = p.get_str("protocol").map(|x| x.value.to_ascii_lowercase());
            let http = matches!(
                proto.as_deref(),
                Some("http" | "http2" | "grpc" | "grpc-web" | "http_proxy")
            );
            if !http {
                if let Some(tls) = s.get("tls") {
                    if tls.get_bool("httpsRedirect") == Some(true) {
                        out.warn(
                            tls.get("httpsRedirect").map_or(tls.span, |x| x.span),
                            format!("`{at}.tls.httpsRedirect` should only be used on HTTP servers"),
                            "httpsRedirect on a non-HTTP server",
                            "move `httpsRedirect: true` to the plain HTTP (port 80) server",
                        );
                    }
                }
            }
        }
    }
}

fn server(s: &Node, at: &dyn std::fmt::Display, out: &mut Out) {
    let hosts = s.get_strs("hosts");
    if hosts.is_empty() {
        out.err(
            s.key_span("hosts").unwrap_or(s.span),
            format!("`{at}.hosts` is empty; a server needs at least one host"),
            "no hosts",
            "list the hosts this server accepts, for example `\"*.example.com\"` or `\"*\"`",
        );
    }
    for h in &hosts {
        if let Some(e) = host(h.value) {
            out.err(
                h.span,
                format!("`{at}.hosts` entry `{}` is not valid: {e}", h.value),
                "invalid server host",
                "write `[namespace/]dnsName`: the namespace `*`, `.` or a namespace name, the name a FQDN, `*`, `*.domain` or an IP",
            );
        }
    }
    let bind = s.get_str("bind");
    let unix = bind
        .as_ref()
        .is_some_and(|b| b.value.starts_with("unix://"));
    let port = s.get("port");
    let mut port_ok = true;
    match port {
        None => {
            port_ok = false;
            out.err(
                s.span,
                format!("`{at}.port` is required"),
                "server without port",
                "add `port: {number: 443, name: https, protocol: HTTPS}`",
            );
        }
        Some(p) => {
            let proto = p.get_str("protocol");
            let known = proto
                .as_ref()
                .is_some_and(|x| PROTOCOLS.contains(&x.value.to_ascii_lowercase().as_str()));
            if !known {
                port_ok = false;
                out.err(
                    proto.as_ref().map_or(p.span, |x| x.span),
                    match &proto {
                        Some(x) => format!(
                            "`{at}.port.protocol` `{}` is not a protocol Istio knows",
                            x.value
                        ),
                        None => format!("`{at}.port.protocol` is missing"),
                    },
                    "unknown protocol",
                    "use one of HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, MONGO, REDIS, MYSQL",
                );
            }
            let num = p.get_int("number");
            let n = num.as_ref().map_or(0, |x| x.value);
            if (n > 0 || !unix) && !(1..=65535).contains(&n) {
                port_ok = false;
                out.err(
                    num.as_ref().map_or(p.span, |x| x.span),
                    format!("`{at}.port.number` is {n}; it must be in the range 1..65535 (0 only with a `unix://` bind)"),
                    "not a valid port",
                    "use the port the gateway listens on, such as 80 or 443",
                );
            }
            if let Some(tp) = p.get_int("targetPort") {
                if tp.value > 0 {
                    port_ok = false;
                    out.err(
                        tp.span,
                        format!(
                            "`{at}.port.targetPort` has no effect on Gateways; Istio rejects it"
                        ),
                        "targetPort on a Gateway",
                        "remove `targetPort`; the gateway's Service maps its ports to the pod",
                    );
                }
            }
            if p.get_str("name").is_none_or(|x| x.value.is_empty()) {
                port_ok = false;
                out.err(
                    p.key_span("name").unwrap_or(p.span),
                    format!("`{at}.port.name` must be set"),
                    "port without name",
                    "name the port, for example `name: https`",
                );
            }
        }
    }
    if let Some(b) = &bind {
        if let Some(path) = b.value.strip_prefix("unix://") {
            let abs = path.starts_with('@') || (path.starts_with('/') && !path.ends_with('/'));
            if !abs {
                out.err(
                    b.span,
                    format!(
                        "`{at}.bind` `{}` is not an absolute path to a socket file",
                        b.value
                    ),
                    "invalid unix socket path",
                    "write `unix:///absolute/path.sock` (or `unix://@name` for an abstract socket)",
                );
            }
            if let Some(n) = port.and_then(|p| p.get_int("number")) {
                if n.value != 0 {
                    out.err(
                        n.span,
                        format!("`{at}.port.number` must be 0 with a unix domain socket bind"),
                        "port number with a unix bind",
                        "set `number: 0` for a `unix://` bind",
                    );
                }
            }
        } else if !b.value.is_empty() && !is_ip(b.value) {
            out.err(
                b.span,
                format!(
                    "`{at}.bind` `{}` is not an IP address or `unix://` path",
                    b.value
                ),
                "invalid bind address",
                "write the IP to listen on, such as `0.0.0.0`, or `unix:///path.sock`",
            );
        }
    }
    let tls = s.get("tls");
    if let Some(tls) = tls {
        tls_options(tls, &format_args!("{at}.tls"), out);
    }
    if port_ok {
        let p = port.unwrap();
        let proto = p
            .get_str("protocol")
            .map(|x| x.value.to_ascii_lowercase())
            .unwrap_or_default();
        let is_tls = proto == "https" || proto == "tls";
        let is_http = matches!(
            proto.as_str(),
            "http" | "http2" | "grpc" | "grpc-web" | "http_proxy"
        );
        match tls {
            None if is_tls => out.err(
                p.get("protocol").map_or(p.span, |x| x.span),
                format!(
                    "`{at}` uses protocol {} but has no `tls` settings",
                    proto.to_uppercase()
                ),
                "HTTPS/TLS server without tls",
                "add `tls:` with `mode: SIMPLE` and a `credentialName`, or `mode: PASSTHROUGH`",
            ),
            Some(t) if !is_tls => {
                let redirect_only = t.get_bool("httpsRedirect") == Some(true)
                    && ["caCertificates", "privateKey", "serverCertificate"]
                        .iter()
                        .all(|k| t.get_str(k).is_none_or(|x| x.value.is_empty()));
                if !is_http || !redirect_only {
                    out.err(
                        s.key_span("tls").unwrap_or(t.span),
                        if is_http {
                            format!("`{at}` is a plain-text {} server; its `tls` may only set `httpsRedirect: true`", proto.to_uppercase())
                        } else {
                            format!("`{at}` uses protocol {}; only HTTPS and TLS servers may have `tls` settings", proto.to_uppercase())
                        },
                        "tls settings on a non-TLS port",
                        "change the port protocol to HTTPS or TLS, or remove the certificate settings",
                    );
                }
            }
            _ => {}
        }
    }
}

/// `ValidateNamespaceSlashWildcardHostname(host, isGateway=true)`; `None` when valid.
fn host(h: &str) -> Option<String> {
    let Some((ns, name)) = h.split_once('/') else {
        return dns_part(h);
    };
    if ns.is_empty() || name.is_empty() {
        return Some("the namespace and the DNS name cannot be empty".into());
    }
    if ns != "*" && ns != "." && ns != "~" && !is_dns1123_label(ns) {
        return Some(format!(
            "namespace `{ns}` is not `*`, `.` or a namespace name"
        ));
    }
    dns_part(name)
}

/// `validateSidecarOrGatewayHostnamePart(host, true)`.
fn dns_part(h: &str) -> Option<String> {
    if h != "*" && !h.contains('.') {
        return Some(format!("`{h}` is a short name; server hosts must be FQDNs"));
    }
    if let Err(e) = wildcard_domain(h) {
        if !is_ip(h) {
            return Some(e);
        }
    }
    if h.contains('*') && h.len() != 1 && !h.starts_with("*.") {
        return Some(format!(
            "`{h}` is a partial wildcard; only `*` or `*.domain` is allowed"
        ));
    }
    None
}

fn nonempty(t: &Node, k: &str) -> bool {
    t.get_str(k).is_some_and(|x| !x.value.is_empty())
}

/// `validateTLSOptions`.
fn tls_options(t: &Node, at: &dyn std::fmt::Display, out: &mut Out) {
    let mode = t
        .get_str("mode")
        .map(|m| m.value.to_string())
        .unwrap_or_else(|| "PASSTHROUGH".into());
    let mode_span = t.get("mode").map_or(t.span, |m| m.span);
    if let Some(v) = t.get_str("minProtocolVersion") {
        if matches!(v.value, "TLSV1_0" | "TLSV1_1")
            && t.get("cipherSuites").is_none_or(|c| c.items().is_empty())
        {
            out.warn(
                v.span,
                format!("`{at}.minProtocolVersion` is {} but `cipherSuites` is not set; the default ciphers no longer include ones compatible with TLS below 1.2", v.value),
                "TLS below 1.2 without ciphers",
                "set `cipherSuites` to ciphers these clients support, or use TLSV1_2",
            );
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for c in t.get_strs("cipherSuites") {
        if !CIPHERS.contains(&c.value) {
            out.warn(
                c.span,
                format!("`{at}.cipherSuites` entry `{}` is not a cipher suite Envoy supports; it is ignored", c.value),
                "invalid cipher suite",
                "use an Envoy cipher suite name such as ECDHE-RSA-AES128-GCM-SHA256",
            );
        } else if seen.contains(&c.value) {
            out.warn(
                c.span,
                format!(
                    "`{at}.cipherSuites` lists `{}` twice; the duplicate is ignored",
                    c.value
                ),
                "duplicate cipher suite",
                "remove the duplicate",
            );
        } else {
            seen.push(c.value);
        }
    }
    let field = |k: &str| t.get(k).map_or(t.span, |x| x.span);
    if mode == "ISTIO_MUTUAL" {
        for k in [
            "serverCertificate",
            "privateKey",
            "caCertificates",
            "credentialName",
        ] {
            if nonempty(t, k) {
                out.err(
                    field(k),
                    format!("`{at}.{k}` cannot be set with `mode: ISTIO_MUTUAL`, which uses Istio's own certificates"),
                    "not allowed with ISTIO_MUTUAL",
                    "remove the field, or use mode SIMPLE or MUTUAL with your own certificate",
                );
            }
        }
        return;
    }
    let certs = [
        "caCrl",
        "serverCertificate",
        "privateKey",
        "caCertificates",
        "credentialName",
    ];
    if matches!(mode.as_str(), "PASSTHROUGH" | "AUTO_PASSTHROUGH") {
        if let Some(k) = certs.iter().find(|k| nonempty(t, k)) {
            out.warn(
                field(k),
                format!(
                    "`{at}` uses mode {mode}, which does not use certificates; `{k}` is ignored"
                ),
                "ignored with passthrough",
                "remove the certificate settings, or terminate TLS with mode SIMPLE",
            );
        }
    }
    let cred = nonempty(t, "credentialName");
    if matches!(mode.as_str(), "SIMPLE" | "MUTUAL" | "OPTIONAL_MUTUAL") && cred {
        return;
    }
    // Istio appends one error per missing file path; they are one problem (no certificate
    // source), reported once with every missing field named
    let required: &[&str] = match mode.as_str() {
        "SIMPLE" => &["serverCertificate", "privateKey"],
        "MUTUAL" | "OPTIONAL_MUTUAL" => &["serverCertificate", "privateKey", "caCertificates"],
        _ => &[],
    };
    let missing: Vec<String> = required
        .iter()
        .filter(|k| !nonempty(t, k))
        .map(|k| format!("`{k}`"))
        .collect();
    if !missing.is_empty() {
        let (fields, verb) = match missing.split_last() {
            Some((last, rest)) if !rest.is_empty() => {
                (format!("{} and {last}", rest.join(", ")), "are")
            }
            _ => (missing.join(""), "is"),
        };
        out.err(
            mode_span,
            format!("`{at}` uses mode {mode} without `credentialName`, so {fields} {verb} required"),
            "missing certificate",
            "set `credentialName` to the Secret holding the certificate (recommended), or set the file paths",
        );
    }
    if nonempty(t, "caCrl") {
        if cred {
            out.err(
                field("caCrl"),
                format!("`{at}.caCrl` is not supported with `credentialName`; put the CRL in the credential"),
                "caCrl with credentialName",
                "add the CRL (`ca.crl`) to the credential Secret and remove `caCrl`",
            );
        }
        if mode == "SIMPLE" {
            out.err(
                field("caCrl"),
                format!("`{at}.caCrl` is not supported with mode SIMPLE"),
                "caCrl with SIMPLE",
                "remove `caCrl`, or use mode MUTUAL",
            );
        }
    }
}

/// Cipher suites `security.IsValidCipherSuite` accepts (Envoy's BoringSSL names).
const CIPHERS: &[&str] = &[
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-PSK-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-SHA",
    "ECDHE-RSA-AES128-SHA",
    "ECDHE-PSK-AES128-CBC-SHA",
    "ECDHE-ECDSA-AES256-SHA",
    "ECDHE-RSA-AES256-SHA",
    "ECDHE-PSK-AES256-CBC-SHA",
    "AES128-GCM-SHA256",
    "AES256-GCM-SHA384",
    "AES128-SHA",
    "PSK-AES128-CBC-SHA",
    "AES256-SHA",
    "PSK-AES256-CBC-SHA",
    "DES-CBC3-SHA",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
];
