//! `ValidateWorkloadEntry`; [`entry`] is also used for ServiceEntry endpoints
//! (`validateWorkloadEntry` with the service's port names) and WorkloadGroup templates.

use super::values::*;
use crate::model::spec_tree::Node;
use crate::model::{Resource, Spec};

/// A WorkloadEntry (or ServiceEntry endpoint) at `path`. `service_ports` are the port names
/// of the ServiceEntry; `allow_fqdn` whether the address may be a DNS name.
pub fn entry(
    e: &Node,
    path: &str,
    service_ports: Option<&[&str]>,
    allow_fqdn: bool,
    out: &mut Out,
) {
    if !e.is_map() {
        return;
    }
    let addr = e.get("address").and_then(|a| a.text()).unwrap_or("");
    let addr_span = e.get("address").map(|a| a.span).unwrap_or(e.span);
    if addr.is_empty()
        && e.get("network")
            .and_then(|n| n.text())
            .is_none_or(|n| n.is_empty())
    {
        out.err(
            addr_span,
            format!("`{path}.address` is not set; an address is required unless `network` is set"),
            "no address",
            "set `address` to the workload's IP address or DNS name",
        );
    }
    let mut unix = false;
    if let Some(rest) = addr.strip_prefix("unix://") {
        unix = true;
        if let Some(msg) = unix_address_error(rest) {
            out.err(
                addr_span,
                format!("`{path}.address`: {msg}"),
                "invalid unix address",
                "write `unix:///absolute/path` or `unix://@abstract`",
            );
        }
        if let Some(p) = e.get("ports").filter(|p| !p.entries().is_empty()) {
            out.err(
                p.span,
                format!("`{path}.ports` is set but the address `{addr}` is a unix socket, which must not include ports"),
                "ports on a unix endpoint",
                "remove `ports` from the unix endpoint",
            );
        }
    } else if !addr.is_empty() && !is_ip(addr) {
        if !allow_fqdn {
            out.err(
                addr_span,
                format!("`{path}.address` `{addr}` is not a valid IP address; resolution STATIC needs IP endpoints"),
                "not an IP address",
                "use the endpoint's IP address, or `resolution: DNS` for host names",
            );
        } else if validate_fqdn(addr).is_err() {
            out.err(
                addr_span,
                format!("`{path}.address` `{addr}` is not a valid FQDN or IP address"),
                "not an FQDN or IP",
                "use an IP address or a DNS name such as `vm1.example.com`",
            );
        }
    }
    if let Some(ports) = e.get("ports") {
        for (k, v) in ports.entries() {
            if let Some(names) = service_ports {
                if !names.contains(&k.value.as_str()) {
                    out.err(
                        k.span,
                        format!(
                            "`{path}.ports.{}` is not a port defined by the ServiceEntry (defined: {})",
                            k.value,
                            if names.is_empty() { "none".to_string() } else { names.join(", ") }
                        ),
                        "port name not declared",
                        "endpoint ports are keyed by the name of a ServiceEntry port; use one of its port names",
                    );
                }
            }
            if !is_dns1123_label(&k.value) {
                out.err(
                    k.span,
                    format!(
                        "`{path}.ports` key `{}` is not a valid port name (a DNS-1123 label)",
                        k.value
                    ),
                    "invalid port name",
                    "use the name of the service port",
                );
            }
            if let Some(n) = v.as_int() {
                if !port_ok(n) {
                    out.err(
                        v.span,
                        format!(
                            "`{path}.ports.{}` is {n}; port numbers must be in the range 1..65535",
                            k.value
                        ),
                        "not a valid port",
                        "use the port the workload listens on (1..65535)",
                    );
                }
            }
        }
    }
    labels(e.get("labels"), &format!("{path}.labels"), out);
    if unix {
        if let Some(names) = service_ports {
            if names.len() != 1 {
                out.err(
                    addr_span,
                    format!("`{path}` is a unix endpoint but the ServiceEntry has {} ports; exactly 1 service port is required for unix endpoints", names.len()),
                    "unix endpoint",
                    "declare exactly one port in the ServiceEntry",
                );
            }
        }
    }
}

pub fn validate_entry(r: &Resource, out: &mut Out) {
    let Spec::WorkloadEntry(we) = &r.spec else {
        return;
    };
    match we.tree.as_deref() {
        Some(spec) => entry(spec, "spec", None, true, out),
        None => out.err(
            r.name_span,
            "WorkloadEntry has no `spec.address`; an address is required",
            "no address",
            "add `spec.address` with the workload's IP address or DNS name",
        ),
    }
}
