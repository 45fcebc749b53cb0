//! `ValidateAuthorizationPolicy`, `ValidatePeerAuthentication`, `ValidateRequestAuthentication`
//! and `ValidateTelemetry` (istio/istio `pkg/config/validation/validation.go`,
//! `pkg/config/security/security.go`).

use super::values::*;
use crate::model::policy::Attachment;
use crate::model::spec_tree::Node;
use crate::model::{Resource, Spec};
use crate::source::Spanned;

fn selector(a: &Attachment, spec: &Node, out: &mut Out) {
    let sel = spec.get("selector");
    workload_selector(
        sel.and_then(|s| s.get("matchLabels")),
        sel.and_then(|s| s.key_span("matchLabels")),
        "selector.matchLabels",
        out,
    );
    if let (Some(_), Some(t)) = (sel, a.target_ref) {
        out.err(
            t,
            "`selector` and `targetRef`/`targetRefs` are both set; only one of them is allowed",
            "conflicts with selector",
            "attach the policy with `selector` (sidecars) or `targetRefs` (gateways, waypoints), not both",
        );
    }
}

fn attachment(r: &Resource) -> Option<&Attachment> {
    match &r.spec {
        Spec::AuthorizationPolicy(p) => Some(&p.attach),
        Spec::PeerAuthentication(a) | Spec::RequestAuthentication(a) => Some(a),
        Spec::Telemetry(t) => Some(&t.attach),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// AuthorizationPolicy

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
                for k in &SOURCE_FIELDS[..6] {
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
            if SOURCE_FIELDS.iter().all(|k| src.list(k).is_empty()) {
                out.err(
                    src.span,
                    format!("`{path}` is empty"),
                    "empty source",
                    "add principals, namespaces or ipBlocks, or remove this `from` entry",
                );
            }
            for k in SOURCE_FIELDS {
                values(src, k, &path, out);
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
            if OPERATION_FIELDS.iter().all(|k| op.list(k).is_empty()) {
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
        "source.principal",
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
            format!("`{path}.key` `{key}` is not a known attribute; known keys are request.headers[...], source.ip, remote.ip, source.namespace, source.principal, request.auth.principal, request.auth.audiences, request.auth.presenter, request.auth.claims[...], destination.ip, destination.port, connection.sni, experimental.*"),
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
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// PeerAuthentication

const MTLS_MODES: &[&str] = &["UNSET", "DISABLE", "PERMISSIVE", "STRICT"];

pub fn peer_authentication(r: &Resource, out: &mut Out) {
    let Some(a) = attachment(r) else { return };
    let Some(spec) = a.tree.as_deref() else {
        return;
    };
    selector(a, spec, out);
    if let Some(m) = spec.get("mtls") {
        enum_field(m, "mode", "mtls.mode", MTLS_MODES, out);
    }
    let Some(pl) = spec.get("portLevelMtls") else {
        return;
    };
    let empty_selector = a.labels().is_none();
    if empty_selector && !pl.entries().is_empty() {
        out.err(
            key_or(spec, "portLevelMtls"),
            "`portLevelMtls` is set but the policy has no workload selector; mesh- and namespace-wide PeerAuthentications cannot have port-level mTLS",
            "port-level mTLS without a selector",
            "add `selector.matchLabels` for the workloads whose ports these are",
        );
    }
    if pl.is_map() && pl.entries().is_empty() {
        out.err(
            pl.span,
            "`portLevelMtls` is empty; if defined, it must have at least one port",
            "empty portLevelMtls",
            "add ports, or remove `portLevelMtls`",
        );
    }
    for (k, v) in pl.entries() {
        match k.value.parse::<u64>() {
            Ok(0) => out.err(
                k.span,
                "`portLevelMtls` has port 0; the port cannot be 0",
                "port 0",
                "use the workload's container port",
            ),
            Ok(p) if p > 4_294_967_295 => out.err(
                k.span,
                format!("`portLevelMtls` key `{}` is not a valid port", k.value),
                "invalid port",
                "use the workload's container port",
            ),
            Ok(_) => {}
            Err(_) => out.err(
                k.span,
                format!("`portLevelMtls` key `{}` is not a port number", k.value),
                "not a port number",
                "key the map by the workload's container port number",
            ),
        }
        enum_field(
            v,
            "mode",
            &format!("portLevelMtls.{}.mode", k.value),
            MTLS_MODES,
            out,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// RequestAuthentication

pub fn request_authentication(r: &Resource, out: &mut Out) {
    let Some(a) = attachment(r) else { return };
    let Some(spec) = a.tree.as_deref() else {
        return;
    };
    selector(a, spec, out);
    for (i, rule) in spec.list("jwtRules").iter().enumerate() {
        if !rule.is_map() {
            continue;
        }
        let path = format!("jwtRules[{i}]");
        if rule
            .get("issuer")
            .and_then(|n| n.text())
            .is_none_or(|s| s.is_empty())
        {
            out.err(
                rule.get("issuer").map(|n| n.span).unwrap_or(rule.span),
                format!("`{path}.issuer` is not set; every JWT rule needs an issuer"),
                "no issuer",
                "set `issuer` to the `iss` claim of the tokens, such as `https://accounts.google.com`",
            );
        }
        for (j, aud) in rule.list("audiences").iter().enumerate() {
            if aud.text().is_some_and(|s| s.is_empty()) {
                out.err(
                    aud.span,
                    format!("`{path}.audiences[{j}]` is empty"),
                    "empty audience",
                    "remove the empty entry",
                );
            }
        }
        if let Some(Spanned { value: uri, span }) = rule.get_str("jwksUri") {
            if !uri.is_empty() {
                let scheme = uri.split_once("://").map(|(s, _)| s).unwrap_or("");
                if scheme != "http" && scheme != "https" {
                    out.err(
                        span,
                        format!("`{path}.jwksUri` `{uri}` has scheme `{scheme}`; only http and https are supported"),
                        "unsupported scheme",
                        "use the https URL of the issuer's JWKS, or inline the keys with `jwks`",
                    );
                }
            }
        }
        for (j, h) in rule.list("fromHeaders").iter().enumerate() {
            if h.get("name")
                .and_then(|n| n.text())
                .is_none_or(|s| s.is_empty())
            {
                out.err(
                    h.span,
                    format!("`{path}.fromHeaders[{j}].name` is empty; the header name is required"),
                    "no header name",
                    "set `name`, such as `Authorization`",
                );
            }
        }
        for (j, p) in rule.list("fromParams").iter().enumerate() {
            if p.text().is_some_and(|s| s.is_empty()) {
                out.err(
                    p.span,
                    format!("`{path}.fromParams[{j}]` is empty"),
                    "empty query parameter",
                    "set the query parameter name, or remove the entry",
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Telemetry

pub fn telemetry(r: &Resource, out: &mut Out) {
    let Some(a) = attachment(r) else { return };
    let Some(spec) = a.tree.as_deref() else {
        return;
    };
    selector(a, spec, out);
    let tracing = spec.list("tracing");
    if tracing.len() > 1 {
        out.err(
            tracing[1].span,
            "`tracing` has more than one entry; multiple tracing configurations are not currently supported",
            "second tracing entry",
            "merge the tracing settings into one entry",
        );
    }
    for (i, t) in tracing.iter().enumerate() {
        let providers = t.list("providers");
        if providers.len() > 1 {
            out.err(
                providers[1].span,
                format!("`tracing[{i}].providers` has more than one provider; multiple tracing providers are not currently supported"),
                "second provider",
                "keep one tracing provider",
            );
        }
        if let Some(p) = t.get("randomSamplingPercentage") {
            if let Some(v) = p.text().and_then(|s| s.parse::<f64>().ok()) {
                if !(0.0..=100.0).contains(&v) {
                    out.err(p.span, format!("`tracing[{i}].randomSamplingPercentage` is {v}; it must be in the range 0..100"), "out of range", "use a percentage from 0 to 100");
                }
            }
        }
        if let Some(m) = t.get("match") {
            enum_field(
                m,
                "mode",
                &format!("tracing[{i}].match.mode"),
                &["CLIENT_AND_SERVER", "CLIENT", "SERVER"],
                out,
            );
        }
    }
    for (i, l) in spec.list("accessLogging").iter().enumerate() {
        if let Some(m) = l.get("match") {
            enum_field(
                m,
                "mode",
                &format!("accessLogging[{i}].match.mode"),
                &["CLIENT_AND_SERVER", "CLIENT", "SERVER"],
                out,
            );
        }
    }
    for (i, m) in spec.list("metrics").iter().enumerate() {
        for (j, o) in m.list("overrides").iter().enumerate() {
            let Some(tags) = o.get("tagOverrides") else {
                continue;
            };
            for (name, to) in tags.entries() {
                let path = format!("metrics[{i}].overrides[{j}].tagOverrides.{}", name.value);
                let op = to
                    .get("operation")
                    .and_then(|n| n.text())
                    .unwrap_or("UPSERT");
                let value = to.get("value").and_then(|n| n.text()).unwrap_or("");
                match op {
                    "UPSERT" if value.is_empty() => out.err(
                        name.span,
                        format!("`{path}.value` is not set; a value is required when the operation is UPSERT"),
                        "UPSERT without a value",
                        "set `value` to a CEL expression for the tag, or use `operation: REMOVE`",
                    ),
                    "REMOVE" if !value.is_empty() => out.err(
                        key_or(to, "value"),
                        format!("`{path}.value` is set but the operation is REMOVE; a value is allowed only with UPSERT"),
                        "value with REMOVE",
                        "remove `value`, or use `operation: UPSERT`",
                    ),
                    _ => {}
                }
                enum_field(
                    to,
                    "operation",
                    &format!("{path}.operation"),
                    &["UPSERT", "REMOVE"],
                    out,
                );
            }
        }
    }
}
