//! `ValidateAuthorizationPolicy` (istio/istio `pkg/config/validation/validation.go`,
//! `pkg/config/security/security.go`).

use super::security::{attachment, selector};
use super::values::*;
use crate::model::spec_tree::Node;
use crate::model::Resource;

const SOURCE_FIELDS: &[&str] = &[
    "principals",
    "notPrincipals",
    "requestPrincipals",
    "notRequestPrincipals",
    "namespaces",
    "notNamespaces",
    "ipBlocks",
    "notIpBlocks",
    "remoteIpBlocks",
    "notRemoteIpBlocks",
    "serviceAccounts",
    "notServiceAccounts",
    "trustDomains",
    "notTrustDomains",
];
/// The source fields action CUSTOM does not support (identities: the external authorizer
/// checks them).
const CUSTOM_UNSUPPORTED_SOURCE: &[&str] = &[
    "namespaces",
    "notNamespaces",
    "serviceAccounts",
    "notServiceAccounts",
    "trustDomains",
    "notTrustDomains",
    "principals",
    "notPrincipals",
    "requestPrincipals",
    "notRequestPrincipals",
];
const OPERATION_FIELDS: &[&str] = &[
    "hosts",
    "notHosts",
    "ports",
    "notPorts",
    "methods",
    "notMethods",
    "paths",
    "notPaths",
];

pub fn authorization_policy(r: &Resource, out: &mut Out) {
    let Some(a) = attachment(r) else { return };
    let empty = Node {
        span: r.name_span,
        kind: crate::model::spec_tree::Kind::Map(Vec::new()),
    };
    let spec = a.tree.as_deref().unwrap_or(&empty);
    selector(a, spec, out);
    enum_field(
        spec,
        "action",
        "action",
        &["ALLOW", "DENY", "AUDIT", "CUSTOM"],
        out,
    );
    let action = spec.get("action").and_then(|n| n.text()).unwrap_or("ALLOW");
    let rules = spec.get("rules");
    let provider = spec.get("provider");
    let action_span = spec.get("action").map(|n| n.span).unwrap_or(spec.span);
    if action == "CUSTOM" {
        if rules.is_none() {
            out.err(
                action_span,
                "action CUSTOM without `rules` never triggers",
                "CUSTOM without rules",
                "add `rules: [{}]` to send every request to the provider, or rules that select requests",
            );
        } else if provider
            .and_then(|p| p.get("name"))
            .and_then(|n| n.text())
            .is_none_or(|n| n.is_empty())
        {
            out.err(
                provider.map(|p| p.span).unwrap_or(action_span),
                "`provider.name` is empty; action CUSTOM needs the name of an extension provider",
                "no provider name",
                "set `provider.name` to an `extensionProviders` entry of the mesh config",
            );
        }
        for (i, rule) in spec.list("rules").iter().enumerate() {
            for (j, from) in rule.list("from").iter().enumerate() {
                let Some(src) = from.get("source") else {
                    continue;
                };
                for k in CUSTOM_UNSUPPORTED_SOURCE {
                    if src.get(k).is_some_and(|n| !n.items().is_empty()) {
                        out.err(
                            key_or(src, k),
                            format!("`rules[{i}].from[{j}].source.{k}` is not supported with action CUSTOM"),
                            "not supported with CUSTOM",
                            "match on ipBlocks, or on `to`/`when` conditions; identities are checked by the external authorizer",
                        );
                    }
                }
            }
            for (j, w) in rule.list("when").iter().enumerate() {
                let key = w.get("key").and_then(|k| k.text()).unwrap_or("");
                if key == "source.namespace"
                    || key == "source.serviceAccount"
                    || key == "source.trustDomain"
                    || key == "source.principal"
                    || key.starts_with("request.auth.")
                {
                    out.err(
                        w.get("key").map(|k| k.span).unwrap_or(w.span),
                        format!("`rules[{i}].when[{j}].key` `{key}` is not supported with action CUSTOM"),
                        "not supported with CUSTOM",
                        "remove the condition; identities are checked by the external authorizer",
                    );
                }
            }
        }
    }
    if let Some(p) = provider {
        if action != "CUSTOM" {
            out.err(
                key_or(spec, "provider"),
                format!("`provider` is set but the action is {action}; a provider is allowed only with action CUSTOM"),
                "provider without CUSTOM",
                "set `action: CUSTOM`, or remove `provider`",
            );
            let _ = p;
        }
    }
    if action == "DENY" && rules.is_none() {
        out.err(
            action_span,
            "action DENY without `rules` never triggers",
            "DENY without rules",
            "add `rules: [{}]` to deny every request, or rules that select the requests to deny",
        );
    }
    for (i, rule) in spec.list("rules").iter().enumerate() {
        if rule.is_null() {
            out.err(
                rule.span,
                format!("`rules[{i}]` is null"),
                "null rule",
                "write `{}` to match every request",
            );
            continue;
        }
        for (j, from) in rule.list("from").iter().enumerate() {
            let path = format!("rules[{i}].from[{j}].source");
            let Some(src) = from.get("source") else {
                out.err(
                    from.span,
                    format!("`{path}` is not set; every `from` entry needs a source"),
                    "no source",
                    "add `source:` with principals, namespaces or ipBlocks",
                );
                continue;
            };
            // keys but none known: the loader reported the unknown field as the error
            if SOURCE_FIELDS.iter().all(|k| src.list(k).is_empty())
                && !has_unknown_keys(src, SOURCE_FIELDS)
            {
                out.err(
                    src.span,
                    format!("`{path}` is empty"),
                    "empty source",
                    "add principals, namespaces or ipBlocks, or remove this `from` entry",
                );
            }
            let set = |k: &str| !src.list(k).is_empty();
            if (set("principals")
                || set("notPrincipals")
                || set("namespaces")
                || set("notNamespaces"))
                && (set("serviceAccounts") || set("notServiceAccounts"))
            {
                let at = ["serviceAccounts", "notServiceAccounts"]
                    .iter()
                    .find(|k| set(k))
                    .map(|k| key_or(src, k))
                    .unwrap_or(src.span);
                out.err(
                    at,
                    format!("`{path}` sets `serviceAccounts` together with `namespaces` or `principals`"),
                    "serviceAccounts with namespaces/principals",
                    "match on service accounts (`namespace/name`) alone, or on principals and namespaces alone",
                );
            }
            for k in SOURCE_FIELDS {
                match *k {
                    "serviceAccounts" | "notServiceAccounts" => {
                        service_accounts(src.list(k), &format!("{path}.{k}"), out)
                    }
                    "trustDomains" | "notTrustDomains" => {
                        wildcard_values(src.list(k), &format!("{path}.{k}"), true, out)
                    }
                    _ => values(src, k, &path, out),
                }
            }
            for k in [
                "ipBlocks",
                "notIpBlocks",
                "remoteIpBlocks",
                "notRemoteIpBlocks",
            ] {
                ips(src, k, &format!("{path}.{k}"), out);
            }
        }
        for (j, to) in rule.list("to").iter().enumerate() {
            let path = format!("rules[{i}].to[{j}].operation");
            let Some(op) = to.get("operation") else {
                out.err(
                    to.span,
                    format!("`{path}` is not set; every `to` entry needs an operation"),
                    "no operation",
                    "add `operation:` with hosts, ports, methods or paths",
                );
                continue;
            };
            if OPERATION_FIELDS.iter().all(|k| op.list(k).is_empty())
                && !has_unknown_keys(op, OPERATION_FIELDS)
            {
                out.err(
                    op.span,
                    format!("`{path}` is empty"),
                    "empty operation",
                    "add hosts, ports, methods or paths, or remove this `to` entry",
                );
            }
            for k in OPERATION_FIELDS {
                values(op, k, &path, out);
            }
            for k in ["ports", "notPorts"] {
                ports(op, k, &format!("{path}.{k}"), out);
            }
        }
        for (j, w) in rule.list("when").iter().enumerate() {
            condition(w, &format!("rules[{i}].when[{j}]"), out);
        }
    }
}

/// Whether a mapping has keys that are not among `known` (reported by the loader as unknown
/// fields).
fn has_unknown_keys(n: &Node, known: &[&str]) -> bool {
    match &n.kind {
        crate::model::spec_tree::Kind::Map(entries) => entries
            .iter()
            .any(|(k, _)| !known.contains(&k.value.as_str())),
        _ => false,
    }
}

/// `security.CheckServiceAccount`: at most 16 values, each `name` or `namespace/name`, no
/// wildcard, at most 320 characters (Istio stops at the first bad value).
fn service_accounts(items: &[Node], path: &str, out: &mut Out) {
    if items.len() > 16 {
        out.err(
            items[16].span,
            format!(
                "`{path}` has {} values; at most 16 are allowed",
                items.len()
            ),
            "too many values",
            "split the rule, or match on namespaces or principals",
        );
        return;
    }
    for (k, v) in items.iter().enumerate() {
        let s = v.text().unwrap_or("");
        let problem = if s.is_empty() {
            Some("is empty".to_string())
        } else if s.contains('*') {
            Some("has a wildcard, which service accounts do not allow".to_string())
        } else if s.matches('/').count() > 1 {
            Some("is not `serviceAccount` or `namespace/serviceAccount`".to_string())
        } else if s.len() > 320 {
            Some("is longer than 320 characters".to_string())
        } else if s.starts_with('/') || s.ends_with('/') {
            Some("has an empty namespace or service account part".to_string())
        } else {
            None
        };
        if let Some(p) = problem {
            out.err(
                v.span,
                format!("`{path}[{k}]` `{s}` {p}"),
                "invalid service account",
                "write the service account as `name` (the policy's namespace) or `namespace/name`",
            );
            return;
        }
    }
}

/// `security.CheckWildcardValues` (and, for trust domains, `CheckTrustDomainValues`): non-empty
/// values with at most one `*`, at the start or the end.
fn wildcard_values(items: &[Node], path: &str, trust_domain: bool, out: &mut Out) {
    for (k, v) in items.iter().enumerate() {
        let s = v.text().unwrap_or("");
        let stars = s.matches('*').count();
        let problem = if s.is_empty() {
            Some("is empty")
        } else if stars > 1 {
            Some("has more than one wildcard")
        } else if stars == 1 && s != "*" && !s.starts_with('*') && !s.ends_with('*') {
            Some("has a wildcard in the middle; it is only allowed at the start or the end")
        } else if trust_domain && s.contains('/') {
            Some("contains `/`, which a trust domain cannot")
        } else {
            None
        };
        if let Some(p) = problem {
            out.err(
                v.span,
                format!("`{path}[{k}]` `{s}` {p}"),
                "invalid value",
                "write an exact value, a prefix (`foo*`), a suffix (`*foo`) or `*`",
            );
            return;
        }
    }
}

/// `security.CheckEmptyValues`.
fn values(n: &Node, key: &str, path: &str, out: &mut Out) {
    for (k, v) in n.list(key).iter().enumerate() {
        if v.text().is_some_and(|s| s.is_empty()) || v.is_null() {
            out.err(
                v.span,
                format!("`{path}.{key}[{k}]` is empty; empty values are not allowed"),
                "empty value",
                "remove the empty entry",
            );
        }
    }
}

/// `security.ValidateIPs`.
fn ips(n: &Node, key: &str, path: &str, out: &mut Out) {
    for v in n.list(key) {
        if let Some(s) = v.text().filter(|s| !s.is_empty()) {
            if !is_ip_or_cidr(s) {
                out.err(
                    v.span,
                    format!("`{path}` entry `{s}` is not a valid IP address or CIDR block"),
                    "not an IP or CIDR",
                    "use an address such as `10.0.0.1` or a block such as `10.0.0.0/16`",
                );
            }
        }
    }
}

/// `security.ValidatePorts`: decimal numbers up to 65535.
fn ports(n: &Node, key: &str, path: &str, out: &mut Out) {
    for v in n.list(key) {
        if let Some(s) = v.text().filter(|s| !s.is_empty()) {
            if !(s.bytes().all(|c| c.is_ascii_digit())
                && s.parse::<u32>().is_ok_and(|p| p <= 65535))
            {
                out.err(
                    v.span,
                    format!("`{path}` entry `{s}` is not a valid port (a number up to 65535)"),
                    "invalid port",
                    "write the port as a number in quotes, such as `\"8080\"`",
                );
            }
        }
    }
}

fn map_key_ok(key: &str) -> bool {
    let open = key.find('[');
    key.ends_with(']') && open.is_some_and(|o| o > 0 && o < key.len() - 2)
}

/// `security.ValidateAttribute`, with the empty-key and no-values checks.
fn condition(w: &Node, path: &str, out: &mut Out) {
    let key = w.get("key").and_then(|k| k.text()).unwrap_or("");
    let key_span = w.get("key").map(|k| k.span).unwrap_or(w.span);
    if key.is_empty() {
        out.err(
            key_span,
            format!("`{path}.key` is empty"),
            "no key",
            "set the attribute to test, such as `request.headers[x-user]` or `source.ip`",
        );
        return;
    }
    let vals: Vec<&Node> = w.list("values").iter().chain(w.list("notValues")).collect();
    if vals.is_empty() {
        out.err(
            w.span,
            format!("`{path}` has neither `values` nor `notValues` for key `{key}`"),
            "no values",
            "add `values` (or `notValues`) to compare the attribute with",
        );
        return;
    }
    let exact = [
        "source.ip",
        "remote.ip",
        "source.namespace",
        "source.serviceAccount",
        "source.principal",
        "source.trustDomain",
        "request.auth.principal",
        "request.auth.audiences",
        "request.auth.presenter",
        "destination.ip",
        "destination.port",
        "connection.sni",
    ];
    let known = exact.contains(&key)
        || key.starts_with("request.headers")
        || key.starts_with("request.auth.claims")
        || key.starts_with("experimental.");
    if !known {
        out.err(
            key_span,
            format!("`{path}.key` `{key}` is not a known attribute; known keys are request.headers[...], source.ip, remote.ip, source.namespace, source.serviceAccount, source.principal, source.trustDomain, request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[...], destination.ip, destination.port, connection.sni, experimental.*"),
            "unknown attribute",
            "use one of the documented condition keys",
        );
        return;
    }
    if (key.starts_with("request.headers") || key.starts_with("request.auth.claims"))
        && !map_key_ok(key)
    {
        out.err(
            key_span,
            format!(
                "`{path}.key` `{key}` is not a valid map key; write it as `{}[name]`",
                if key.starts_with("request.headers") {
                    "request.headers"
                } else {
                    "request.auth.claims"
                }
            ),
            "invalid map key",
            "put the header or claim name in brackets, such as `request.headers[x-user]`",
        );
    }
    for vk in ["values", "notValues"] {
        match key {
            "source.ip" | "remote.ip" | "destination.ip" => {
                ips(w, vk, &format!("{path}.{vk}"), out)
            }
            "destination.port" => ports(w, vk, &format!("{path}.{vk}"), out),
            "source.serviceAccount" => service_accounts(w.list(vk), &format!("{path}.{vk}"), out),
            "source.trustDomain" => {
                wildcard_values(w.list(vk), &format!("{path}.{vk}"), false, out)
            }
            _ => {}
        }
    }
}
