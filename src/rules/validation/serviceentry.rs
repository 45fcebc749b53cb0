//! `ValidateServiceEntry` (istio/istio `pkg/config/validation/validation.go`).

use super::values::*;
use crate::model::{Resource, Spec};
use crate::source::Spanned;

const RESOLUTIONS: &[&str] = &["NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS"];

pub fn validate(r: &Resource, out: &mut Out) {
    let Spec::ServiceEntry(se) = &r.spec else {
        return;
    };
    let Some(spec) = se.tree.as_deref() else {
        out.err(
            r.name_span,
            "ServiceEntry has no `spec.hosts`; a service entry must have at least one host",
            "no hosts",
            "add `spec.hosts` with the DNS names of the service",
        );
        return;
    };
    let resolution = spec
        .get("resolution")
        .and_then(|n| n.text())
        .unwrap_or("NONE");
    enum_field(spec, "resolution", "resolution", RESOLUTIONS, out);
    enum_field(
        spec,
        "location",
        "location",
        &["MESH_EXTERNAL", "MESH_INTERNAL"],
        out,
    );
    let dynamic = resolution == "DYNAMIC_DNS";

    let selector = spec.get("workloadSelector");
    workload_selector(
        selector.and_then(|s| s.get("labels")),
        selector.and_then(|s| s.key_span("labels")),
        "workloadSelector.labels",
        out,
    );
    if selector.is_some() && spec.get("endpoints").is_some() {
        out.err(
            key_or(spec, "endpoints"),
            "`workloadSelector` and `endpoints` are both set; only one of them is allowed in a ServiceEntry",
            "conflicts with workloadSelector",
            "select WorkloadEntries/pods with `workloadSelector`, or list `endpoints`, not both",
        );
    }

    // hosts
    let hosts = spec.list("hosts");
    if hosts.is_empty() {
        out.err(
            spec.key_span("hosts").unwrap_or(r.name_span),
            "`hosts` is empty; a ServiceEntry must have at least one host",
            "no hosts",
            "add the DNS names of the service to `hosts`",
        );
    }
    for h in hosts {
        let Some(name) = h.text() else { continue };
        if name == "*" {
            out.err(
                h.span,
                "`hosts` contains `*`; the full wildcard is not allowed in a ServiceEntry",
                "`*` is not allowed",
                "list the external domains, or a wildcard domain such as `*.example.com`",
            );
        } else if let Err(e) = validate_wildcard_domain(name) {
            out.err(
                h.span,
                format!("`hosts`: {e}"),
                "invalid host",
                "use a DNS name whose labels have letters, digits and `-`; only the first label may be a wildcard (`*.example.com`)",
            );
        } else if is_partial_wildcard(name) && !dynamic {
            out.warn(
                h.span,
                format!("`hosts` entry `{name}` is a partial wildcard; only `*.` prefixes match as wildcards"),
                "partial wildcard",
                "write the wildcard as `*.domain`, or use `resolution: DYNAMIC_DNS`",
            );
        }
    }

    // addresses
    let addresses = spec.get_strs("addresses");
    let mut cidr = None;
    for Spanned { value: a, span } in &addresses {
        if a.contains('/') {
            cidr = cidr.or(Some(*span));
        }
        if !is_ip_or_cidr(a) {
            out.err(
                *span,
                format!("`addresses` entry `{a}` is not a valid IP address or CIDR block"),
                "not an IP or CIDR",
                "use an IPv4/IPv6 address (`240.0.0.1`) or a CIDR block (`10.1.0.0/16`)",
            );
        }
    }
    if let Some(span) = cidr {
        if resolution != "NONE" && resolution != "STATIC" {
            out.err(
                span,
                format!("`addresses` has a CIDR block but `resolution` is {resolution}; CIDR addresses are allowed only with NONE or STATIC"),
                "CIDR needs NONE or STATIC",
                "use single IP addresses, or `resolution: NONE`/`STATIC`",
            );
        }
    }

    // ports
    let mut names: Vec<String> = Vec::new();
    let mut numbers: Vec<i64> = Vec::new();
    let ports = spec.list("ports");
    for (i, p) in ports.iter().enumerate() {
        let path = format!("ports[{i}]");
        let name = p.get("name").and_then(|n| n.text()).unwrap_or("");
        let name_span = p.get("name").map(|n| n.span).unwrap_or(p.span);
        if names.iter().any(|n| n == name) {
            out.err(
                name_span,
                format!("`{path}.name` `{name}` is already defined; port names must be unique"),
                "duplicate port name",
                "give every port its own name",
            );
        }
        names.push(name.to_string());
        if !is_dns1123_label(name) {
            out.err(
                name_span,
                if name.is_empty() {
                    format!("`{path}.name` is not set; every ServiceEntry port needs a name (a DNS-1123 label)")
                } else {
                    format!("`{path}.name` `{name}` is not a valid port name (a DNS-1123 label: letters, digits and `-`, at most 63)")
                },
                "invalid port name",
                "name the port after its protocol, such as `http` or `tls-443`",
            );
        }
        if let Some(Spanned { value: num, span }) = p.get_int("number") {
            if numbers.contains(&num) {
                out.err(
                    span,
                    format!(
                        "`{path}.number` {num} is already defined; port numbers must be unique"
                    ),
                    "duplicate port number",
                    "declare each port number once",
                );
            }
            numbers.push(num);
        } else if p.get("number").is_none() && p.is_map() {
            out.err(
                p.span,
                format!("`{path}.number` is not set; port numbers must be in the range 1..65535"),
                "port without a number",
                "set `number` to the port the service listens on",
            );
        }
        if let Some(Spanned { value: proto, span }) = p.get_str("protocol") {
            if !protocol_known(proto) {
                out.err(
                    span,
                    format!(
                        "`{path}.protocol` `{proto}` is not supported; known protocols are {}",
                        protocol_list()
                    ),
                    "unknown protocol",
                    "use a known protocol, or leave it empty for protocol sniffing",
                );
            }
        }
    }
    let port_names: Vec<&str> = names.iter().map(|s| s.as_str()).collect();

    // resolution
    let endpoints = spec.list("endpoints");
    match resolution {
        "NONE" if !endpoints.is_empty() => {
            out.err(
                    key_or(spec, "endpoints"),
                    "`endpoints` are set but `resolution` is NONE; no endpoints may be given for resolution NONE",
                    "endpoints with resolution NONE",
                    "set `resolution: STATIC` (IP endpoints) or `DNS`, or remove the endpoints",
                );
        }
        "STATIC" => {
            for (i, e) in endpoints.iter().enumerate() {
                super::workloadentry::entry(
                    e,
                    &format!("endpoints[{i}]"),
                    Some(&port_names),
                    false,
                    out,
                );
            }
        }
        "DNS" | "DNS_ROUND_ROBIN" => {
            if endpoints.is_empty() {
                for h in hosts {
                    let Some(name) = h.text() else { continue };
                    if name != "*"
                        && validate_wildcard_domain(name).is_ok()
                        && validate_fqdn(name).is_err()
                    {
                        out.err(
                            h.span,
                            format!("`hosts` entry `{name}` is not an FQDN; hosts must be FQDNs when no endpoints are given for resolution {resolution}"),
                            "wildcard host with DNS resolution",
                            "use `resolution: NONE` or `DYNAMIC_DNS` for wildcard hosts, or add `endpoints`",
                        );
                    }
                }
            }
            if resolution == "DNS_ROUND_ROBIN" && endpoints.len() > 1 {
                out.err(
                    endpoints[1].span,
                    format!("{} endpoints with resolution DNS_ROUND_ROBIN; there must be 0 or 1 endpoint", endpoints.len()),
                    "second endpoint",
                    "use `resolution: DNS` to load-balance over several endpoints",
                );
            }
            for (i, e) in endpoints.iter().enumerate() {
                super::workloadentry::entry(
                    e,
                    &format!("endpoints[{i}]"),
                    Some(&port_names),
                    true,
                    out,
                );
            }
        }
        "DYNAMIC_DNS" => {
            for h in hosts {
                if let Some(name) = h.text() {
                    if !name.starts_with('*') {
                        out.err(
                            h.span,
                            format!("`hosts` entry `{name}` is not a wildcard; resolution DYNAMIC_DNS works only with wildcard hosts"),
                            "not a wildcard host",
                            "use `resolution: DNS` for exact hosts",
                        );
                    }
                }
            }
            if !addresses.is_empty() {
                out.err(
                    key_or(spec, "addresses"),
                    "`addresses` are set with resolution DYNAMIC_DNS, which allows none",
                    "addresses with DYNAMIC_DNS",
                    "remove `addresses`",
                );
            }
            if !endpoints.is_empty() {
                out.err(
                    key_or(spec, "endpoints"),
                    "`endpoints` are set with resolution DYNAMIC_DNS, which allows none",
                    "endpoints with DYNAMIC_DNS",
                    "remove `endpoints`",
                );
            }
            for (i, p) in ports.iter().enumerate() {
                let proto = p.get("protocol").and_then(|n| n.text()).unwrap_or("");
                if !["HTTP", "TLS", "GRPC", "HTTP2"]
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(proto))
                {
                    out.err(
                        p.get("protocol").map(|n| n.span).unwrap_or(p.span),
                        format!("`ports[{i}].protocol` is `{proto}`; resolution DYNAMIC_DNS supports only HTTP, TLS, GRPC and HTTP2"),
                        "protocol not supported with DYNAMIC_DNS",
                        "set the port's protocol to HTTP, TLS, GRPC or HTTP2",
                    );
                }
            }
        }
        _ => {}
    }

    // several hosts on a port that cannot tell them apart
    if resolution != "NONE" && hosts.len() > 1 {
        if let Some((i, p)) = ports.iter().enumerate().find(|(_, p)| {
            let proto = p.get("protocol").and_then(|n| n.text()).unwrap_or("");
            !protocol_is_http(proto) && !protocol_is_tls(proto)
        }) {
            let proto = p.get("protocol").and_then(|n| n.text()).unwrap_or("");
            out.err(
                p.get("protocol").map(|n| n.span).unwrap_or(p.span),
                format!(
                    "{} hosts with `ports[{i}]` ({}) and resolution {resolution}; multiple hosts are allowed only with HTTP or TLS ports, since plain TCP cannot tell the hosts apart",
                    hosts.len(),
                    if proto.is_empty() { "no protocol" } else { proto }
                ),
                "non-HTTP, non-TLS port with several hosts",
                "split the hosts into one ServiceEntry each, set an HTTP/TLS protocol, or use `resolution: NONE`",
            );
        }
    }

    export_to(spec, &r.namespace, true, out);
}
