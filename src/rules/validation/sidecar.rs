//! `ValidateSidecar` (istio/istio `pkg/config/validation/validation.go`).

use super::values::*;
use crate::model::spec_tree::Node;
use crate::model::{Resource, Spec};
use crate::source::Spanned;

pub fn validate(r: &Resource, out: &mut Out) {
    let Spec::Sidecar(sc) = &r.spec else { return };
    let Some(spec) = sc.tree.as_deref() else {
        out.err(
            r.name_span,
            "Sidecar has an empty configuration; it needs at least one of egress, ingress, outboundTrafficPolicy or inboundConnectionPool",
            "empty Sidecar",
            "add `egress` hosts (the usual reason for a Sidecar) or remove the resource",
        );
        return;
    };
    let selector = spec.get("workloadSelector");
    workload_selector(
        selector.and_then(|s| s.get("labels")),
        selector.and_then(|s| s.key_span("labels")),
        "workloadSelector.labels",
        out,
    );
    if [
        "egress",
        "ingress",
        "outboundTrafficPolicy",
        "inboundConnectionPool",
    ]
    .iter()
    .all(|k| {
        spec.get(k)
            .is_none_or(|n| n.is_seq() && n.items().is_empty())
    }) {
        out.err(
            spec.span,
            "Sidecar has an empty configuration; it needs at least one of egress, ingress, outboundTrafficPolicy or inboundConnectionPool",
            "empty Sidecar",
            "add `egress` hosts (the usual reason for a Sidecar) or remove the resource",
        );
    }
    ingress(spec, out);
    egress(spec, &r.namespace, out);
    outbound(spec, out);
}

fn port_common(port: &Node, path: &str, out: &mut Out) {
    if let Some(Spanned { value: name, span }) = port.get_str("name") {
        if !name.is_empty() && !is_dns1123_label(name) {
            out.err(
                span,
                format!("`{path}.name` `{name}` is not a valid port name (a DNS-1123 label)"),
                "invalid port name",
                "use letters, digits and `-` (at most 63), such as `http-8080`",
            );
        }
    }
    if let Some(Spanned { value: p, span }) = port.get_str("protocol") {
        if !protocol_known(p) {
            out.err(
                span,
                format!(
                    "`{path}.protocol` `{p}` is not supported; known protocols are {}",
                    protocol_list()
                ),
                "unknown protocol",
                "use a known protocol, or leave it empty for protocol sniffing",
            );
        }
    }
}

fn port_number(port: &Node, path: &str, out: &mut Out) {
    let n = port.get_int("number");
    if n.as_ref().is_none_or(|n| !port_ok(n.value)) {
        out.err(
            n.as_ref().map(|n| n.span).unwrap_or(port.span),
            format!(
                "`{path}.number` is {}; port numbers must be in the range 1..65535",
                n.map(|n| n.value.to_string())
                    .unwrap_or_else(|| "not set".into())
            ),
            "not a valid port",
            "use the port the listener should use (1..65535)",
        );
    }
}

fn bind_ip(l: &Node, path: &str, out: &mut Out) {
    if let Some(Spanned { value: b, span }) = l.get_str("bind") {
        if !b.is_empty() && !is_ip(b) {
            out.err(
                span,
                format!("`{path}.bind` `{b}` is not a valid IP address"),
                "not an IP",
                "bind to an IP address such as `127.0.0.1`, or remove `bind`",
            );
        }
    }
}

fn ingress(spec: &Node, out: &mut Out) {
    let mut ports: Vec<i64> = Vec::new();
    for (i, l) in spec.list("ingress").iter().enumerate() {
        let path = format!("ingress[{i}]");
        let Some(port) = l.get("port") else {
            out.err(
                l.span,
                format!("`{path}.port` is not set; a port is required for ingress listeners"),
                "ingress listener without a port",
                "add `port: {number: ..., protocol: ..., name: ...}`",
            );
            continue;
        };
        port_common(port, &format!("{path}.port"), out);
        port_number(port, &format!("{path}.port"), out);
        if let Some(span) = port.key_span("targetPort") {
            out.err(
                span,
                format!("`{path}.port.targetPort` is set; targetPort has no effect in Sidecars and Istio rejects it"),
                "not allowed in a Sidecar",
                "remove `targetPort`; use `defaultEndpoint` to forward to another port",
            );
        }
        bind_ip(l, &path, out);
        if let Some(Spanned { value: n, span }) = port.get_int("number") {
            if ports.contains(&n) {
                out.err(
                    span,
                    format!("`{path}.port.number` {n} is used by another ingress listener; ports on IP-bound listeners must be unique"),
                    "duplicate port",
                    "give every ingress listener its own port",
                );
            }
            ports.push(n);
        }
        if let Some(Spanned { value: de, span }) = l.get_str("defaultEndpoint") {
            default_endpoint(de, span, &path, out);
        }
        if let Some(tls) = l.get("tls") {
            ingress_tls(tls, port, &path, out);
        }
    }
}

fn default_endpoint(de: &str, span: crate::source::Span, path: &str, out: &mut Out) {
    const FORMS: &str = "`127.0.0.1:<port>`, `0.0.0.0:<port>`, `[::1]:<port>`, `[::]:<port>`, `:<port>` or `unix://<path>`";
    if de.is_empty() {
        return;
    }
    if let Some(rest) = de.strip_prefix("unix://") {
        if let Some(msg) = unix_address_error(rest) {
            out.err(
                span,
                format!("`{path}.defaultEndpoint`: {msg}"),
                "invalid unix address",
                format!("use one of {FORMS}"),
            );
        }
        return;
    }
    let Some((host, port)) = de.rsplit_once(':') else {
        out.err(
            span,
            format!("`{path}.defaultEndpoint` `{de}` must be of the form {FORMS}"),
            "invalid defaultEndpoint",
            "forward to the application on localhost, such as `127.0.0.1:8080`",
        );
        return;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if !matches!(host, "" | "127.0.0.1" | "0.0.0.0" | "::1" | "::") {
        out.err(
            span,
            format!("`{path}.defaultEndpoint` host `{host}` is not allowed; the form is {FORMS}"),
            "invalid defaultEndpoint host",
            "forward to the application on localhost, such as `127.0.0.1:8080`",
        );
    }
    match port.parse::<i64>() {
        Ok(p) if port_ok(p) => {}
        _ => out.err(
            span,
            format!(
                "`{path}.defaultEndpoint` port `{port}` is not a port number in the range 1..65535"
            ),
            "invalid defaultEndpoint port",
            "forward to the port the application listens on, such as `127.0.0.1:8080`",
        ),
    }
}

fn ingress_tls(tls: &Node, port: &Node, path: &str, out: &mut Out) {
    let p = format!("{path}.tls");
    for (key, what) in [
        (
            "subjectAltNames",
            "subjectAltNames is not supported in Sidecar ingress TLS",
        ),
        (
            "httpsRedirect",
            "httpsRedirect is not supported in Sidecars",
        ),
        (
            "credentialName",
            "credentialName is not supported in Sidecars",
        ),
    ] {
        let set = match tls.get(key) {
            Some(n) if key == "httpsRedirect" => n.as_bool() == Some(true),
            Some(n) if key == "subjectAltNames" => !n.items().is_empty(),
            Some(n) => n.text().is_some_and(|s| !s.is_empty()),
            None => false,
        };
        if set {
            out.err(
                tls.key_span(key).unwrap_or(tls.span),
                format!("`{p}.{key}` is set; {what}"),
                "not supported in a Sidecar",
                format!("remove `{key}`; Sidecar ingress TLS reads certificates from files"),
            );
        }
    }
    let mode = tls
        .get("mode")
        .and_then(|m| m.text())
        .unwrap_or("PASSTHROUGH");
    if mode == "ISTIO_MUTUAL" || mode == "AUTO_PASSTHROUGH" {
        out.err(
            tls.get("mode").map(|m| m.span).unwrap_or(tls.span),
            format!("`{p}.mode` is {mode}, which cannot be used in Sidecar ingress TLS"),
            "mode not allowed in a Sidecar",
            "use SIMPLE or MUTUAL with certificate files; mesh mTLS is configured with PeerAuthentication",
        );
    }
    let proto = port.get("protocol").and_then(|n| n.text()).unwrap_or("");
    if !protocol_is_tls(proto) {
        out.err(
            key_or(port, "protocol"),
            format!("`{path}` has `tls` but its port protocol is `{proto}`; TLS settings are allowed only on HTTPS or TLS ports"),
            "not an HTTPS/TLS port",
            "set the port protocol to HTTPS or TLS, or remove `tls`",
        );
    }
    let has = |k: &str| {
        tls.get(k)
            .and_then(|n| n.text())
            .is_some_and(|s| !s.is_empty())
    };
    if (mode == "SIMPLE" || mode == "MUTUAL")
        && !has("credentialName")
        && tls.get("tlsCertificates").is_none()
    {
        let mut missing = Vec::new();
        for k in ["serverCertificate", "privateKey"] {
            if !has(k) {
                missing.push(k);
            }
        }
        if mode == "MUTUAL" && !has("caCertificates") {
            missing.push("caCertificates");
        }
        if !missing.is_empty() {
            out.err(
                tls.get("mode").map(|m| m.span).unwrap_or(tls.span),
                format!("`{p}` mode {mode} requires {}", missing.join(", ")),
                "missing certificate files",
                "set the paths of the certificate, key (and client CA for MUTUAL) mounted in the pod",
            );
        }
    }
}

fn egress(spec: &Node, namespace: &str, out: &mut Out) {
    let listeners = spec.list("egress");
    let mut catch_all = false;
    let mut ports: Vec<i64> = Vec::new();
    let mut uds: Vec<String> = Vec::new();
    for (i, l) in listeners.iter().enumerate() {
        let path = format!("egress[{i}]");
        match l.get("port") {
            None => {
                if catch_all {
                    out.err(
                        l.span,
                        format!("`{path}` has no port, and an earlier listener has none either; egress can have only one listener without a port"),
                        "second listener without a port",
                        "merge the hosts into one listener without a port, or give this one a port",
                    );
                    continue;
                } else if i == listeners.len() - 1 {
                    catch_all = true;
                } else {
                    out.err(
                        l.span,
                        format!("`{path}` has no port but is not the last egress listener; the listener without a port must be the last one"),
                        "catch-all listener not last",
                        "move this listener to the end of `egress`",
                    );
                    catch_all = true;
                }
            }
            Some(port) => {
                let pp = format!("{path}.port");
                port_common(port, &pp, out);
                let number = port.get_int("number").map(|n| n.value).unwrap_or(0);
                let bind = l.get("bind").and_then(|b| b.text()).unwrap_or("");
                if number == 0 {
                    let span = port.get("number").map(|n| n.span).unwrap_or(port.span);
                    match bind.strip_prefix("unix://") {
                        None => out.err(
                            span,
                            format!("`{pp}.number` is 0 (or not set) but `{path}.bind` is not a unix domain socket; port 0 requires a `unix://` bind address"),
                            "port 0 without a unix bind",
                            "set the port number, or bind to `unix:///path/to/socket`",
                        ),
                        Some(rest) => {
                            if let Some(msg) = unix_address_error(rest) {
                                out.err(key_or(l, "bind"), format!("`{path}.bind`: {msg}"), "invalid unix address", "write `unix:///absolute/path`");
                            }
                        }
                    }
                    let mode = l
                        .get("captureMode")
                        .and_then(|m| m.text())
                        .unwrap_or("DEFAULT");
                    if mode != "DEFAULT" && mode != "NONE" {
                        out.err(
                            key_or(l, "captureMode"),
                            format!("`{path}.captureMode` is {mode}; unix domain socket listeners need DEFAULT or NONE"),
                            "capture mode not allowed",
                            "set `captureMode: NONE` or remove it",
                        );
                    }
                    if uds.iter().any(|u| u == bind) {
                        out.err(
                            key_or(l, "bind"),
                            format!("`{path}.bind` `{bind}` is used by another listener; unix domain sockets must be unique"),
                            "duplicate socket",
                            "give each listener its own socket path",
                        );
                    }
                    uds.push(bind.to_string());
                } else {
                    port_number(port, &pp, out);
                    bind_ip(l, &path, out);
                    if ports.contains(&number) {
                        out.err(
                            port.get("number").map(|n| n.span).unwrap_or(port.span),
                            format!("`{pp}.number` {number} is used by another egress listener; ports on IP-bound listeners must be unique"),
                            "duplicate port",
                            "merge the hosts of both listeners into one",
                        );
                    }
                    ports.push(number);
                }
            }
        }
        enum_field(
            l,
            "captureMode",
            &format!("{path}.captureMode"),
            &["DEFAULT", "IPTABLES", "NONE"],
            out,
        );
        hosts(l, &path, namespace, out);
    }
}

fn hosts(l: &Node, path: &str, namespace: &str, out: &mut Out) {
    let hosts = l.list("hosts");
    if hosts.is_empty() {
        out.err(
            key_or(l, "hosts"),
            format!("`{path}.hosts` is empty; an egress listener must contain at least one host"),
            "no hosts",
            "add hosts in `namespace/dnsName` form, such as `./*` or `istio-system/*`",
        );
        return;
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut all = None;
    let mut namespaces: Vec<String> = Vec::new();
    for h in hosts {
        let Some(host) = h.text() else { continue };
        if let Some((ns, svc)) = host.split_once('/') {
            let ns = if ns == "." { namespace } else { ns };
            let dup = if svc == "*" {
                seen.iter().any(|(n, _)| n == ns)
            } else {
                seen.iter().any(|(n, s)| n == ns && (s == svc || s == "*"))
            };
            if dup {
                out.warn(
                    h.span,
                    format!(
                        "`{path}.hosts` entry `{host}` duplicates another host of the listener"
                    ),
                    "duplicated egress host",
                    "remove the duplicate; `ns/*` already covers every host of `ns`",
                );
            }
            seen.push((ns.to_string(), svc.to_string()));
            if !namespaces.iter().any(|n| n == ns) {
                namespaces.push(ns.to_string());
            }
            if ns == "*" && svc == "*" {
                all = Some(h.span);
            }
        }
        for e in namespace_slash_host(host) {
            out.err(
                h.span,
                format!("`{path}.hosts` entry `{host}`: {e}"),
                "invalid host",
                "write `namespace/dnsName`, where namespace is `*`, `.`, `~` or a namespace name and dnsName is `*` or an FQDN (`*.example.com` allowed)",
            );
        }
    }
    if let (Some(span), true) = (all, namespaces.len() != 1) {
        out.warn(
            span,
            format!(
                "`{path}.hosts` has `*/*`, which selects everything, together with other hosts"
            ),
            "`*/*` with other hosts",
            "keep only `*/*`, or list the hosts without it",
        );
    }
}

/// `validateNamespaceSlashWildcardHostname` for Sidecars.
fn namespace_slash_host(host: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let Some((ns, name)) = host.split_once('/') else {
        errs.push("a host must be of the form namespace/dnsName".into());
        return errs;
    };
    if ns.is_empty() || name.is_empty() {
        errs.push("the namespace and dnsName of a host cannot be empty".into());
    }
    if !matches!(ns, "*" | "." | "~") && !ns.is_empty() && !is_dns1123_label(ns) {
        errs.push(format!("`{ns}` is not a valid namespace"));
    }
    if name.is_empty() {
        return errs;
    }
    if name != "*" && !name.contains('.') {
        errs.push("short names (not FQDNs) are not allowed".into());
    }
    if let Err(e) = validate_wildcard_domain(name) {
        errs.push(e);
    }
    errs
}

fn outbound(spec: &Node, out: &mut Out) {
    let Some(otp) = spec.get("outboundTrafficPolicy") else {
        return;
    };
    let mode = otp
        .get("mode")
        .and_then(|m| m.text())
        .unwrap_or("REGISTRY_ONLY");
    if mode == "ALLOW_ANY_DYNAMIC_DNS" {
        out.err(
            key_or(otp, "mode"),
            "`outboundTrafficPolicy.mode` ALLOW_ANY_DYNAMIC_DNS cannot be set in a Sidecar",
            "not allowed in a Sidecar",
            "use ALLOW_ANY or REGISTRY_ONLY here; ALLOW_ANY_DYNAMIC_DNS is a mesh-wide setting",
        );
    } else {
        enum_field(
            otp,
            "mode",
            "outboundTrafficPolicy.mode",
            &["REGISTRY_ONLY", "ALLOW_ANY"],
            out,
        );
    }
    let Some(ep) = otp.get("egressProxy") else {
        return;
    };
    if mode != "ALLOW_ANY" {
        out.err(
            key_or(otp, "egressProxy"),
            format!("`outboundTrafficPolicy.egressProxy` is set but the mode is {mode}; egressProxy may be set only with mode ALLOW_ANY"),
            "egressProxy needs ALLOW_ANY",
            "set `outboundTrafficPolicy.mode: ALLOW_ANY`, or remove `egressProxy`",
        );
        return;
    }
    let host = ep.get("host").and_then(|h| h.text()).unwrap_or("");
    if let Err(e) = validate_fqdn(host) {
        out.err(
            ep.get("host").map(|h| h.span).unwrap_or(ep.span),
            format!("`outboundTrafficPolicy.egressProxy.host`: {e}"),
            "not an FQDN",
            "use the FQDN of the egress proxy service, such as `egress.istio-system.svc.cluster.local`",
        );
    }
    match ep.get("port") {
        None => out.err(
            ep.span,
            "`outboundTrafficPolicy.egressProxy.port` is not set; the egress proxy needs a port",
            "no port",
            "add `port: {number: ...}`",
        ),
        Some(p) => check_port(
            p,
            "number",
            "outboundTrafficPolicy.egressProxy.port.number",
            out,
        ),
    }
}
