//! Shared pieces of the Istio validation rules in this module: findings, the runner used by the
//! thin per-kind rule files, and value checks that mirror istio/istio `pkg/config/validation`
//! (`agent/validation.go`, `labels`, `visibility`, `security`).

use crate::model::spec_tree::Node;
use crate::rules::validation::common::{check_fqdn, check_wildcard_domain, DomainError};
pub use crate::rules::validation::common::{
    is_dns1123_label, is_ip, is_ip_or_cidr, is_wildcard_dns1123_label, label_value_ok,
};
pub use crate::rules::validation::{run, Level, Out};
use crate::source::{Span, Spanned};

/// The span to blame for a missing key: the parent's key, else the node, else the name.
pub fn key_or(n: &Node, key: &str) -> Span {
    n.key_span(key).unwrap_or(n.span)
}

// ---------------------------------------------------------------------------------------------
// Names and hosts

/// The domain checks in this module's wording (the checks themselves are shared with
/// `rules::validation`).
fn domain_message(name: &str, e: DomainError) -> String {
    match e {
        DomainError::Empty => "an empty domain name is not allowed".into(),
        DomainError::TooLong(_) => format!("domain name `{name}` is too long (max 255)"),
        DomainError::NumericTld(tld) => format!(
            "domain name `{name}` is invalid: the top-level domain `{tld}` cannot be all-numeric"
        ),
        DomainError::Label(l) => {
            format!("domain name `{name}` is invalid: label `{l}` is not a DNS-1123 label")
        }
        DomainError::FirstLabel(l) => format!(
            "domain name `{name}` is invalid: label `{l}` is not a DNS-1123 label or wildcard"
        ),
    }
}

/// `agent.ValidateFQDN`.
pub fn validate_fqdn(s: &str) -> Result<(), String> {
    check_fqdn(s).map_err(|e| domain_message(s, e))
}

/// `agent.ValidateWildcardDomain`: only the first label may be a wildcard.
pub fn validate_wildcard_domain(s: &str) -> Result<(), String> {
    check_wildcard_domain(s).map_err(|e| domain_message(s, e))
}

/// `agent.ValidatePartialWildCard`: `*` alone or as `*.`.
pub fn is_partial_wildcard(host: &str) -> bool {
    host.contains('*') && host.len() != 1 && !host.starts_with("*.")
}

/// `ValidateUnixAddress` (the text after `unix://`).
pub fn unix_address_error(addr: &str) -> Option<String> {
    if addr.is_empty() {
        return Some("a unix address must not be empty".into());
    }
    if addr.starts_with('@') {
        return None;
    }
    if !addr.starts_with('/') || addr.ends_with('/') {
        return Some(format!("`{addr}` is not an absolute path to a file"));
    }
    None
}

/// `ValidateProtocol`'s known names (case-insensitive; empty means sniffing).
pub const PROTOCOLS: &[&str] = &[
    "HTTP",
    "HTTPS",
    "HTTP2",
    "HTTP_PROXY",
    "GRPC",
    "GRPC-WEB",
    "TCP",
    "TLS",
    "UDP",
    "Mongo",
    "Redis",
    "MySQL",
];

pub fn protocol_known(p: &str) -> bool {
    p.is_empty() || PROTOCOLS.iter().any(|k| k.eq_ignore_ascii_case(p))
}

/// `protocol.IsHTTP`.
pub fn protocol_is_http(p: &str) -> bool {
    ["HTTP", "HTTP2", "HTTP_PROXY", "GRPC", "GRPC-WEB"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(p))
}

/// `protocol.IsTLS`.
pub fn protocol_is_tls(p: &str) -> bool {
    p.eq_ignore_ascii_case("HTTPS") || p.eq_ignore_ascii_case("TLS")
}

pub fn protocol_list() -> String {
    PROTOCOLS.join(", ")
}

// ---------------------------------------------------------------------------------------------
// Labels

/// A Kubernetes qualified name (a non-empty label value).
fn qualified_name_ok(s: &str) -> bool {
    !s.is_empty() && label_value_ok(s)
}

fn dns1123_subdomain_ok(s: &str) -> bool {
    s.len() <= 253
        && s.split('.').all(|l| {
            let b = l.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        })
}

/// `labels.Instance.Validate` for a key: `[prefix/]name`.
pub fn label_key_error(k: &str) -> Option<String> {
    let parts: Vec<&str> = k.split('/').collect();
    let ok = match parts.as_slice() {
        [name] => qualified_name_ok(name),
        [prefix, name] => dns1123_subdomain_ok(prefix) && qualified_name_ok(name),
        _ => false,
    };
    (!ok).then(|| format!("`{k}` is not a valid label key"))
}

/// `labels.Instance.Validate` for a value (empty is allowed).
pub fn label_value_error(v: &str) -> Option<String> {
    (!label_value_ok(v)).then(|| format!("`{v}` is not a valid label value"))
}

pub const LABEL_HELP: &str = "label keys are `[prefix/]name` and values are empty or up to 63 characters of letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit";

/// Validates a map of labels at `path`.
pub fn labels(n: Option<&Node>, path: &str, out: &mut Out) {
    let Some(n) = n else { return };
    for (k, v) in n.entries() {
        if let Some(e) = label_key_error(&k.value) {
            out.err(
                k.span,
                format!("`{path}`: {e}"),
                "invalid label key",
                LABEL_HELP,
            );
        }
        if let Some(val) = v.text() {
            if let Some(e) = label_value_error(val) {
                out.err(
                    v.span,
                    format!("`{path}.{}`: {e}", k.value),
                    "invalid label value",
                    LABEL_HELP,
                );
            }
        }
    }
}

/// `validateWorkloadSelector` / `validateAlphaWorkloadSelector`: no empty keys, no `*`; an
/// empty selector is a warning.
pub fn workload_selector(sel: Option<&Node>, sel_key: Option<Span>, path: &str, out: &mut Out) {
    let Some(sel) = sel else { return };
    if !sel.is_map() {
        return;
    }
    let labels = sel.entries();
    for (k, v) in labels {
        let val = v.text().unwrap_or("");
        if k.value.is_empty() {
            out.err(
                k.span,
                format!("`{path}` has an empty label key; Istio does not support empty keys in selectors"),
                "empty key",
                "use the workload's label name as the key",
            );
        }
        if k.value.contains('*') || val.contains('*') {
            let span = if k.value.contains('*') {
                k.span
            } else {
                v.span
            };
            out.err(
                span,
                format!(
                    "`{path}` label `{}={val}` has a wildcard; selectors match labels exactly and Istio rejects `*`",
                    k.value
                ),
                "wildcard in selector",
                "write the exact label value, or drop the label to select more workloads",
            );
        }
    }
    if labels.is_empty() {
        out.warn(
            sel_key.unwrap_or(sel.span),
            format!("`{path}` has no labels; Istio warns that a workload selector without labels is specified"),
            "selector without labels",
            "add the labels of the workloads to select, or remove the selector to apply to the whole namespace",
        );
    }
}

/// `exportTo` rules (`validateExportTo`); `~` is allowed only for ServiceEntries and alone.
pub fn export_to(spec: &Node, namespace: &str, service_entry: bool, out: &mut Out) {
    let entries = spec.list("exportTo");
    if entries.is_empty() {
        return;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut public = None;
    let mut none = None;
    for e in entries {
        let Some(v) = e.text() else { continue };
        let key = if v == "." { namespace } else { v };
        if seen.iter().any(|s| s == key) {
            let msg = if key != v {
                format!("`exportTo` has both `.` and the current namespace `{namespace}`")
            } else {
                format!("`exportTo` has `{v}` twice")
            };
            out.err(e.span, msg, "duplicate entry", "list each namespace once");
            continue;
        }
        seen.push(key.to_string());
        match v {
            "*" => public = Some(e.span),
            "~" if service_entry => none = Some(e.span),
            "~" => out.err(
                e.span,
                "`exportTo: ~` (visible to no one) is allowed only for ServiceEntries",
                "not allowed here",
                "use `.` to keep the resource in its own namespace",
            ),
            "." => {}
            _ if !is_dns1123_label(v) => out.err(
                e.span,
                format!(
                    "`exportTo` entry `{v}` is not `.`, `*` or a namespace name (a DNS-1123 label)"
                ),
                "invalid exportTo entry",
                "use `.` for the own namespace, `*` for all, or a namespace name",
            ),
            _ => {}
        }
    }
    if let (Some(span), true) = (public, entries.len() > 1) {
        out.err(
            span,
            "`exportTo` combines `*` (public) with other entries; Istio rejects mixing public and non-public values",
            "`*` must be alone",
            "keep only `*`, or list the namespaces without `*`",
        );
    }
    if let (Some(span), true) = (none, entries.len() > 1) {
        out.err(
            span,
            "`exportTo` combines `~` (no one) with other entries; Istio rejects exporting to no one and someone",
            "`~` must be alone",
            "keep only `~`, or list the namespaces without `~`",
        );
    }
}

/// Checks a string enum field; unknown values are rejected by the CRD schema.
pub fn enum_field(n: &Node, key: &str, path: &str, allowed: &[&str], out: &mut Out) {
    let Some(v) = n.get(key) else { return };
    let Some(s) = v.text() else { return };
    if !allowed.contains(&s) {
        out.err(
            v.span,
            format!(
                "`{path}` is `{s}`; allowed values are {}",
                allowed.join(", ")
            ),
            "unknown value",
            format!("use one of {} (upper case, as written)", allowed.join(", ")),
        );
    }
}

/// A port number 1..65535.
pub fn port_ok(n: i64) -> bool {
    (1..=65535).contains(&n)
}

pub fn check_port(n: &Node, key: &str, path: &str, out: &mut Out) {
    if let Some(Spanned { value: p, span }) = n.get_int(key) {
        if !port_ok(p) {
            out.err(
                span,
                format!("`{path}` is {p}; port numbers must be in the range 1..65535"),
                "not a valid port",
                "use the port number the workload listens on (1..65535)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert!(validate_wildcard_domain("*.example.com").is_ok());
        assert!(validate_wildcard_domain("*foo.example.com").is_ok());
        assert!(validate_wildcard_domain("foo.*.com").is_err());
        assert!(validate_wildcard_domain("example.123").is_err());
        assert!(validate_wildcard_domain("istio.io.").is_ok());
        assert!(validate_fqdn("*.example.com").is_err());
        assert!(is_partial_wildcard("*foo.com"));
        assert!(!is_partial_wildcard("*.foo.com"));
        assert!(is_ip_or_cidr("10.0.0.0/8"));
        assert!(!is_ip_or_cidr("10.0.0.0/33"));
        assert!(!is_ip_or_cidr("10.0.0.0/08"));
        assert!(is_ip_or_cidr("0.0.0.0/0"));
        assert!(is_ip_or_cidr("2001:db8::/32"));
        assert!(!is_ip_or_cidr("example.com"));
        assert!(label_key_error("app.kubernetes.io/name").is_none());
        assert!(label_key_error("a/b/c").is_some());
        assert!(label_value_error("v1").is_none());
        assert!(label_value_error("-v1").is_some());
    }
}
