//! Value rules shared by the validators (`pkg/config/labels`, `pkg/config/validation/agent`,
//! `pkg/config/host`).

use super::Out;
use crate::model::spec_tree::Node;
use crate::model::Duration;
use crate::source::Spanned;

/// `labels.IsDNS1123Label`: 1..63 characters, alphanumerics and `-`, alphanumeric at both ends
/// (Istio accepts upper case).
pub fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// `labels.IsWildcardDNS1123Label`: a DNS-1123 label, optionally prefixed by `*` or `*-`, or `*`.
pub fn is_wildcard_dns1123_label(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let rest = s
        .strip_prefix("*-")
        .or_else(|| s.strip_prefix('*'))
        .unwrap_or(s);
    s.len() <= 63 && is_dns1123_label(rest)
}

/// Why a domain name fails `agent.ValidateFQDN` / `agent.ValidateWildcardDomain` (each
/// validator family words it its own way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainError<'a> {
    Empty,
    /// Longer than 255 characters (the length).
    TooLong(usize),
    /// The top-level domain is all digits.
    NumericTld(&'a str),
    /// A label that is not a DNS-1123 label.
    Label(&'a str),
    /// The first label, neither a DNS-1123 label nor a wildcard one.
    FirstLabel(&'a str),
}

impl DomainError<'_> {
    /// The wording of this module's validators.
    fn describe(self) -> String {
        match self {
            DomainError::Empty => "it is empty".into(),
            DomainError::TooLong(n) => format!("it is {n} characters long (at most 255)"),
            DomainError::NumericTld(tld) => format!("its top-level domain `{tld}` is all-numeric"),
            DomainError::Label(l) => format!("label `{l}` is not a DNS-1123 label"),
            DomainError::FirstLabel(l) => format!(
                "label `{l}` is not valid (only the first label may be a wildcard: `*`, `*foo` or `*-foo`)"
            ),
        }
    }
}

/// `agent.ValidateDNS1123Labels`: labels separated by dots, a trailing dot allowed, the last
/// label not all-numeric.
fn dns1123_labels(domain: &str) -> Result<(), DomainError<'_>> {
    let parts: Vec<&str> = domain.split('.').collect();
    let tld = parts[parts.len() - 1];
    if !tld.is_empty() && tld.bytes().all(|c| c.is_ascii_digit()) {
        return Err(DomainError::NumericTld(tld));
    }
    for (i, l) in parts.iter().enumerate() {
        if i == parts.len() - 1 && l.is_empty() {
            return Ok(());
        }
        if !is_dns1123_label(l) {
            return Err(DomainError::Label(l));
        }
    }
    Ok(())
}

fn preconditions(domain: &str) -> Result<(), DomainError<'_>> {
    if domain.is_empty() {
        return Err(DomainError::Empty);
    }
    if domain.len() > 255 {
        return Err(DomainError::TooLong(domain.len()));
    }
    Ok(())
}

/// `agent.ValidateWildcardDomain`: only the first label may be a wildcard (`*`, `*foo`, `*-foo`).
pub fn check_wildcard_domain(domain: &str) -> Result<(), DomainError<'_>> {
    preconditions(domain)?;
    let (first, rest) = match domain.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (domain, None),
    };
    if !is_wildcard_dns1123_label(first) {
        return Err(DomainError::FirstLabel(first));
    }
    match rest {
        Some(r) => dns1123_labels(r),
        None => Ok(()),
    }
}

/// `agent.ValidateFQDN`: no wildcards.
pub fn check_fqdn(domain: &str) -> Result<(), DomainError<'_>> {
    preconditions(domain)?;
    dns1123_labels(domain)
}

/// [`check_wildcard_domain`], worded for this module's findings.
pub fn wildcard_domain(domain: &str) -> Result<(), String> {
    check_wildcard_domain(domain).map_err(DomainError::describe)
}

/// [`check_fqdn`], worded for this module's findings.
pub fn fqdn(domain: &str) -> Result<(), String> {
    check_fqdn(domain).map_err(DomainError::describe)
}

pub fn is_ip(s: &str) -> bool {
    s.parse::<std::net::IpAddr>().is_ok()
}

/// `agent.ValidateIPSubnet` / `security.ValidateIPs`: a CIDR block when it contains `/`
/// (`netip.ParsePrefix`: the prefix length is decimal digits without a leading zero, at most
/// 32 or 128), else an IP.
pub fn is_ip_or_cidr(s: &str) -> bool {
    match s.split_once('/') {
        None => is_ip(s),
        Some((ip, bits)) => {
            let Ok(addr) = ip.parse::<std::net::IpAddr>() else {
                return false;
            };
            let max = if addr.is_ipv4() { 32 } else { 128 };
            !bits.is_empty()
                && bits.bytes().all(|c| c.is_ascii_digit())
                && (bits.len() == 1 || !bits.starts_with('0'))
                && bits.parse::<u32>().is_ok_and(|b| b <= max)
        }
    }
}

/// `host.Name.Matches`.
pub fn host_matches(a: &str, b: &str) -> bool {
    match (a.strip_prefix('*'), b.strip_prefix('*')) {
        (Some(a1), Some(b1)) => {
            if a.len() < b.len() {
                b1.ends_with(a1)
            } else {
                a1.ends_with(b1)
            }
        }
        (Some(a1), None) => b.ends_with(a1),
        (None, Some(b1)) => a.ends_with(b1),
        (None, None) => a == b,
    }
}

/// `host.Name.SubsetOf`.
pub fn host_subset_of(n: &str, o: &str) -> bool {
    match (n.strip_prefix('*'), o.strip_prefix('*')) {
        (Some(n1), Some(o1)) => n1.ends_with(o1),
        (None, Some(o1)) => n.ends_with(o1),
        (Some(_), None) => false,
        (None, None) => n == o,
    }
}

/// Kubernetes label key syntax (`[prefix/]name`); `None` when valid.
pub fn label_key_error(k: &str) -> Option<String> {
    let (prefix, name) = match k.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    if let Some(p) = prefix {
        if p.is_empty() || p.len() > 253 || fqdn(p).is_err() || p.ends_with('.') {
            return Some(format!("prefix `{p}` is not a DNS-1123 subdomain"));
        }
    }
    if name.is_empty() {
        return Some("the name part is empty".into());
    }
    if !label_value_ok(name) {
        return Some(format!(
            "name `{name}` must be at most 63 characters of alphanumerics, `-`, `_` or `.`, starting and ending with an alphanumeric"
        ));
    }
    None
}

/// Kubernetes label value syntax (empty allowed).
pub fn label_value_ok(v: &str) -> bool {
    let b = v.as_bytes();
    b.is_empty()
        || (b.len() <= 63
            && b.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric())
}

/// `labels.Instance.Validate` over a `map<string,string>` field.
pub fn labels(out: &mut Out, t: &Node, key: &str, at: &dyn std::fmt::Display) {
    for (k, v) in t.get_string_map(key) {
        if let Some(e) = label_key_error(k.value) {
            out.err(
                k.span,
                format!("`{at}.{key}` has an invalid label key `{}`: {e}", k.value),
                "invalid label key",
                "use a Kubernetes label key such as `app` or `example.com/tier`",
            );
        }
        if !label_value_ok(v.value) {
            out.err(
                v.span,
                format!(
                    "`{at}.{key}.{}` has an invalid label value `{}`: at most 63 characters of alphanumerics, `-`, `_` or `.`, starting and ending with an alphanumeric",
                    k.value, v.value
                ),
                "invalid label value",
                "use a Kubernetes label value such as `v1`",
            );
        }
    }
}

const MS: i128 = 1_000_000;

/// `agent.ValidateDuration` on `t.key`: at least 1ms, whole milliseconds.
pub fn duration(out: &mut Out, t: &Node, key: &str, at: &dyn std::fmt::Display) {
    let Some(v) = t.get(key) else { return };
    let Some(s) = v.as_str() else { return };
    let field = format!("{at}.{key}");
    match Duration::parse(s).nanos {
        None => out.err(
            v.span,
            format!("`{field}` is `{s}`, which is not a duration"),
            "not a duration",
            "write a duration such as `500ms`, `10s` or `1m30s`",
        ),
        Some(n) if n < MS => out.err(
            v.span,
            format!("`{field}` is `{s}`; Istio requires durations of at least 1ms"),
            "shorter than 1ms",
            "use a duration of 1ms or more, or remove the field to use the default",
        ),
        Some(n) if n % MS != 0 => out.err(
            v.span,
            format!("`{field}` is `{s}`; Istio supports durations only to millisecond precision"),
            "not whole milliseconds",
            "round it to whole milliseconds",
        ),
        Some(_) => {}
    }
}

/// `ValidatePercent` on an integer field: 0..100.
pub fn percent(out: &mut Out, t: &Node, key: &str, at: &dyn std::fmt::Display) {
    if let Some(p) = t.get_int(key) {
        if !(0..=100).contains(&p.value) {
            out.err(
                p.span,
                format!(
                    "`{at}.{key}` is {}; it must be in the range 0..100",
                    p.value
                ),
                "not a percentage",
                "write a percentage from 0 to 100",
            );
        }
    }
}

/// A non-negative integer field.
pub fn non_negative(out: &mut Out, t: &Node, key: &str, at: &dyn std::fmt::Display) {
    if let Some(p) = t.get_int(key) {
        if p.value < 0 {
            out.err(
                p.span,
                format!("`{at}.{key}` is {}; it cannot be negative", p.value),
                "negative",
                "use 0 or a positive number",
            );
        }
    }
}

/// `validateExportTo` (not for ServiceEntries): entries `.`, `*` or a namespace name, no
/// duplicates (`.` is the own namespace), `*` alone; with a workload selector (DestinationRule),
/// only the own namespace.
pub fn export_to(out: &mut Out, t: &Node, namespace: &str, with_selector: bool) {
    let entries = t.get_strs("exportTo");
    if entries.is_empty() {
        return;
    }
    let mut seen: Vec<String> = Vec::new();
    for e in &entries {
        let key = if e.value == "." {
            namespace.to_string()
        } else {
            e.value.to_string()
        };
        if seen.contains(&key) {
            out.err(
                e.span,
                if key != e.value {
                    format!(
                        "`exportTo` lists both `.` and the resource's own namespace `{namespace}`"
                    )
                } else {
                    format!("`exportTo` lists `{}` more than once", e.value)
                },
                "duplicate exportTo entry",
                "remove the duplicate entry",
            );
            continue;
        }
        if e.value == "~" {
            out.err(
                e.span,
                "`exportTo: [~]` (export to no namespace) is allowed only for ServiceEntries",
                "`~` not allowed here",
                "use `.` to keep the resource in its own namespace",
            );
            continue;
        }
        if key != "*" && !is_dns1123_label(&key) {
            out.err(
                e.span,
                format!(
                    "`exportTo` entry `{}` is not valid; only `.`, `*` or a namespace name (DNS-1123 label) is allowed",
                    e.value
                ),
                "invalid exportTo entry",
                "write `.` (this namespace), `*` (all namespaces) or a namespace name",
            );
            continue;
        }
        seen.push(key);
    }
    if with_selector && !seen.is_empty() {
        if seen.iter().any(|s| s == namespace) {
            if seen.len() > 1 {
                out.err(
                    entries[0].span,
                    "a DestinationRule with a `workloadSelector` cannot have several `exportTo` entries",
                    "several entries with a workloadSelector",
                    "use `exportTo: [\".\"]` (or remove `exportTo`)",
                );
            }
        } else {
            out.err(
                entries[0].span,
                "a DestinationRule with a `workloadSelector` cannot be exported beyond its own namespace",
                "exported beyond the namespace",
                "use `exportTo: [\".\"]` (or remove `exportTo`)",
            );
        }
    }
    if seen.iter().any(|s| s == "*") && entries.len() > 1 {
        let star = entries
            .iter()
            .find(|e| e.value == "*")
            .unwrap_or(&entries[0]);
        out.err(
            star.span,
            "`exportTo` cannot combine `*` (public) with other entries",
            "`*` with other entries",
            "keep only `*`, or list the namespaces without `*`",
        );
    }
}

/// A `Spanned<&str>` helper for messages.
pub fn q(s: &Spanned<&str>) -> String {
    format!("`{}`", s.value)
}
