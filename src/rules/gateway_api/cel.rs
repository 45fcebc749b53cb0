//! The CEL rules (`x-kubernetes-validations`) of the Gateway API CRDs, each as Rust code over the
//! spanned spec tree, with the defaults the API server applies before it evaluates them
//! (backendRef group `""` and kind `Service`, path match `PathPrefix /`, address type
//! `IPAddress`, listener TLS mode `Terminate`, session persistence type `Cookie`). The rules'
//! texts are in `../shared/conformance/gateway-api/cel/rules.json`; the list of what is not
//! ported, and why, is in docs/gateway-api.md ("schema and CEL validation").
//!
//! A finding sits on the field that breaks the rule (the listener's `tls`, the filter's
//! `requestRedirect`, ...), not on the list the CRD attaches the rule to.

use super::schema::{Walk, HOSTNAME};
use crate::model::spec_tree::{Kind, Node};
use crate::model::Resource;
use crate::source::Span;
use crate::yaml::ScalarType;

/// `Kind `namespace/name`` (cluster-scoped: `Kind `name``).
pub fn object_name(r: &Resource) -> String {
    if r.cluster_scoped {
        format!("{} `{}`", r.kind, r.name)
    } else {
        format!("{} `{}/{}`", r.kind, r.namespace, r.name)
    }
}

pub fn check(r: &Resource, spec: &Node, w: &mut Walk) {
    match r.kind.as_str() {
        "Gateway" => {
            listeners(spec, w);
            addresses(spec, w);
            infrastructure(spec, w);
            per_port(spec, w);
        }
        "ListenerSet" | "XListenerSet" => listeners(spec, w),
        "HTTPRoute" => {
            parent_refs(spec, w);
            route_rules(spec, w, true);
        }
        "GRPCRoute" => {
            parent_refs(spec, w);
            route_rules(spec, w, false);
        }
        "TCPRoute" | "UDPRoute" => {
            parent_refs(spec, w);
            l4_backends(spec, w);
        }
        "TLSRoute" => {
            parent_refs(spec, w);
            l4_backends(spec, w);
            if !r.api_version.ends_with("/v1alpha2") {
                tls_hostnames(spec, w);
            }
        }
        "BackendTLSPolicy" => backend_tls_policy(spec, w),
        _ => {}
    }
}

/// A string field after defaulting: `None` when absent or null.
fn text<'n>(n: &'n Node, key: &str) -> Option<&'n str> {
    n.get(key).and_then(Node::text)
}

fn has(n: &Node, key: &str) -> bool {
    n.get(key).is_some()
}

fn span_of(n: &Node, key: &str) -> Span {
    n.get(key).map(|v| v.span).unwrap_or(n.span)
}

fn key_or(n: &Node, key: &str) -> Span {
    n.key_span(key).unwrap_or(n.span)
}

fn int(n: &Node, key: &str) -> Option<i64> {
    match &n.get(key)?.kind {
        Kind::Scalar(t, ScalarType::Int) => crate::yaml::parse_int(t.trim()),
        _ => None,
    }
}

// ---- Gateway and ListenerSet ----------------------------------------------------------------

fn listeners(spec: &Node, w: &mut Walk) {
    let ls = spec.list("listeners");
    for (i, l) in ls.iter().enumerate() {
        let p = format!("spec.listeners[{i}]");
        let name = text(l, "name").unwrap_or("");
        let protocol = text(l, "protocol").unwrap_or("");
        let tls = l.get("tls");
        if matches!(protocol, "HTTP" | "TCP" | "UDP") && tls.is_some() {
            w.err(
                key_or(l, "tls"),
                &format!("{p}.tls"),
                format!("(listener `{name}`) is set with protocol {protocol} (\"tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']\")"),
                "remove `tls`, or use protocol HTTPS (or TLS) to terminate TLS on this listener".into(),
            );
        }
        let mode = tls.map(|t| text(t, "mode").unwrap_or("Terminate"));
        if protocol == "HTTPS" {
            if let (Some(t), Some(m)) = (tls, mode) {
                if m != "Terminate" && !m.is_empty() {
                    w.err(
                        span_of(t, "mode"),
                        &format!("{p}.tls.mode"),
                        format!("(listener `{name}`) is {m} with protocol HTTPS (\"tls mode must be Terminate for protocol HTTPS\")"),
                        "use protocol TLS for a Passthrough listener (with TLSRoutes), or remove `mode` to terminate TLS".into(),
                    );
                }
            }
        }
        if protocol == "TLS" && tls.is_none() {
            w.err(
                key_or(l, "protocol"),
                &format!("{p}.tls"),
                format!("(listener `{name}`) is missing with protocol TLS (\"tls mode must be set for protocol TLS\")"),
                "add `tls: {mode: Passthrough}` (or `mode: Terminate` with `certificateRefs`)".into(),
            );
        }
        if matches!(protocol, "TCP" | "UDP") && text(l, "hostname").is_some_and(|h| !h.is_empty()) {
            w.err(
                span_of(l, "hostname"),
                &format!("{p}.hostname"),
                format!("(listener `{name}`) is set with protocol {protocol} (\"hostname must not be specified for protocols ['TCP', 'UDP']\")"),
                "remove `hostname`: TCP and UDP listeners cannot match on a host name".into(),
            );
        }
        if let (Some(t), Some("Terminate")) = (tls, mode) {
            let certs = t.list("certificateRefs").len();
            let options = t.get("options").map(|o| o.entries().len()).unwrap_or(0);
            if certs == 0 && options == 0 {
                w.err(
                    t.span,
                    &format!("{p}.tls"),
                    format!("(listener `{name}`) terminates TLS without `certificateRefs` or `options` (\"certificateRefs or options must be specified when mode is Terminate\")"),
                    "add `certificateRefs` naming the Secret with the certificate".into(),
                );
            }
        }
        // names unique: reported by the list-map key check of the schema (one finding)
        let hostname = text(l, "hostname");
        let port = int(l, "port");
        if port.is_some()
            && ls[..i].iter().any(|o| {
                int(o, "port") == port
                    && text(o, "protocol").unwrap_or("") == protocol
                    && text(o, "hostname") == hostname
            })
        {
            w.err(
                key_or(l, "port"),
                &p,
                format!(
                    "(listener `{name}`) repeats the port, protocol and hostname of an earlier listener (\"Combination of port, protocol and hostname must be unique for each listener\")"
                ),
                "give the listener another hostname or port, or merge the two listeners".into(),
            );
        }
    }
}

fn addresses(spec: &Node, w: &mut Walk) {
    let addrs = spec.list("addresses");
    for (i, a) in addrs.iter().enumerate() {
        let p = format!("spec.addresses[{i}]");
        let ty = text(a, "type").unwrap_or("IPAddress");
        let value = text(a, "value");
        match ty {
            "IPAddress" => {
                if let Some(v) = value {
                    if v.parse::<std::net::IpAddr>().is_err() {
                        w.err(
                            span_of(a, "value"),
                            &format!("{p}.value"),
                            format!("is {v:?}, not an IPv4 or IPv6 address, and the address type is IPAddress{} (the schema's oneOf fails)", if has(a, "type") { "" } else { " (the default)" }),
                            "write an IP address, or set `type: Hostname` for a host name".into(),
                        );
                    }
                }
            }
            "Hostname" => {
                if let Some(v) = value {
                    if !v.is_empty() && !HOSTNAME.is_match(v) {
                        w.err(
                            span_of(a, "value"),
                            &format!("{p}.value"),
                            format!("is {v:?}, not a valid host name (\"Hostname value must be empty or contain only valid characters\")"),
                            "write a lower-case DNS name without port or scheme".into(),
                        );
                    }
                }
            }
            _ => {}
        }
        if matches!(ty, "IPAddress" | "Hostname") {
            if let Some(v) = value {
                if addrs[..i].iter().any(|o| {
                    text(o, "type").unwrap_or("IPAddress") == ty && text(o, "value") == Some(v)
                }) {
                    w.err(
                        span_of(a, "value"),
                        &format!("{p}.value"),
                        format!("repeats {v:?} (\"{ty} values must be unique\")"),
                        "remove the duplicate address".into(),
                    );
                }
            }
        }
    }
}

fn infrastructure(spec: &Node, w: &mut Walk) {
    let Some(infra) = spec.get("infrastructure") else {
        return;
    };
    for (key, what) in [("labels", "label"), ("annotations", "annotation")] {
        let Some(m) = infra.get(key) else { continue };
        for (k, _) in m.entries() {
            let name = k.value.as_str();
            let prefix_ok = name.split('/').next().is_none_or(|p| p.len() < 253);
            if !qualified_name(name) || !prefix_ok {
                w.err(
                    k.span,
                    &format!("spec.infrastructure.{key}"),
                    format!("has the key {name:?}, which is not a valid {what} key (an optional DNS subdomain prefix and `/`, then a name of up to 63 characters)"),
                    format!("rename the {what} key, for example `example.com/team`"),
                );
            }
        }
    }
}

/// `^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$`
fn qualified_name(s: &str) -> bool {
    static P: super::schema::Pat = super::schema::Pat::new(
        r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$",
    );
    P.is_match(s)
}

fn per_port(_spec: &Node, _w: &mut Walk) {
    // "Port for TLS configuration must be unique": the list-map key `port` of the schema
    // reports the same duplicate (one finding)
}

// ---- routes ---------------------------------------------------------------------------------

/// The two parentRefs rules. The standard channel compares group, kind, name, namespace and
/// sectionName; the experimental one also `port`. Reported only when both channels reject.
fn parent_refs(spec: &Node, w: &mut Walk) {
    let refs = spec.list("parentRefs");
    let group = |n: &Node| {
        text(n, "group")
            .unwrap_or("gateway.networking.k8s.io")
            .to_string()
    };
    let kind = |n: &Node| text(n, "kind").unwrap_or("Gateway").to_string();
    let ns = |n: &Node| {
        text(n, "namespace")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let section = |n: &Node| {
        text(n, "sectionName")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let port = |n: &Node| int(n, "port").filter(|p| *p != 0);
    let same = |a: &Node, b: &Node| {
        group(a) == group(b)
            && kind(a) == kind(b)
            && text(a, "name") == text(b, "name")
            && ns(a) == ns(b)
    };
    for (i, a) in refs.iter().enumerate() {
        for b in &refs[..i] {
            if !same(a, b) {
                continue;
            }
            let std_specified = section(a).is_some() == section(b).is_some();
            let exp_specified = std_specified && port(a).is_some() == port(b).is_some();
            let std_unique = section(a) != section(b);
            let exp_unique = std_unique || port(a) != port(b);
            let name = text(a, "name").unwrap_or("");
            if !std_specified && !exp_specified {
                w.err(
                    a.span,
                    &format!("spec.parentRefs[{i}]"),
                    format!("names parent `{name}` again, and only one of the two references has a `sectionName` (\"sectionName must be specified when parentRefs includes 2 or more references to the same parent\")"),
                    "give both references a `sectionName`, or drop one".into(),
                );
            } else if !std_unique && !exp_unique {
                w.err(
                    a.span,
                    &format!("spec.parentRefs[{i}]"),
                    format!("repeats the reference to parent `{name}` (\"sectionName must be unique when parentRefs includes 2 or more references to the same parent\")"),
                    "remove the duplicate reference, or give each a different `sectionName`".into(),
                );
            }
        }
    }
}

/// "Must have port for Service reference" on a backendRef-like object.
fn backend_port(b: &Node, path: &str, w: &mut Walk) {
    let group = text(b, "group").unwrap_or("");
    let kind = text(b, "kind").unwrap_or("Service");
    if group.is_empty() && kind == "Service" && !has(b, "port") {
        let name = text(b, "name").unwrap_or("");
        w.err(
            key_or(b, "name"),
            path,
            format!("refers to Service `{name}` without a `port` (\"Must have port for Service reference\")"),
            "add the Service port, for example `port: 80`".into(),
        );
    }
}

fn l4_backends(spec: &Node, w: &mut Walk) {
    for (i, rule) in spec.list("rules").iter().enumerate() {
        for (j, b) in rule.list("backendRefs").iter().enumerate() {
            backend_port(b, &format!("spec.rules[{i}].backendRefs[{j}]"), w);
        }
    }
}

fn tls_hostnames(spec: &Node, w: &mut Walk) {
    for (i, h) in spec.list("hostnames").iter().enumerate() {
        let Some(v) = h.as_str() else { continue };
        let p = format!("spec.hostnames[{i}]");
        if v.parse::<std::net::IpAddr>().is_ok() {
            w.err(
                h.span,
                &p,
                format!("is the IP address {v} (\"Hostnames cannot contain an IP\")"),
                "write the SNI host name clients send".into(),
            );
        }
        // the RFC-1123 and wildcard rules say what the schema's hostname pattern says (one
        // finding, from the schema)
    }
}

/// Gateway API durations (`1h30m`, `500ms`) in milliseconds.
fn duration_ms(s: &str) -> Option<u128> {
    let mut total = 0u128;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u128 = num.parse().ok()?;
        num.clear();
        let unit = match c {
            'h' => 3_600_000,
            's' => 1000,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                1
            }
            'm' => 60_000,
            _ => return None,
        };
        total += n * unit;
    }
    num.is_empty().then_some(total)
}

const HTTP_FILTER_FIELDS: &[(&str, &str)] = &[
    ("RequestHeaderModifier", "requestHeaderModifier"),
    ("ResponseHeaderModifier", "responseHeaderModifier"),
    ("RequestMirror", "requestMirror"),
    ("RequestRedirect", "requestRedirect"),
    ("URLRewrite", "urlRewrite"),
    ("ExtensionRef", "extensionRef"),
    ("CORS", "cors"),
    ("ExternalAuth", "externalAuth"),
];

const GRPC_FILTER_FIELDS: &[(&str, &str)] = &[
    ("RequestHeaderModifier", "requestHeaderModifier"),
    ("ResponseHeaderModifier", "responseHeaderModifier"),
    ("RequestMirror", "requestMirror"),
    ("ExtensionRef", "extensionRef"),
];

/// A `filters` list (of a rule or of a backendRef).
fn filters(list: &Node, path: &str, w: &mut Walk, http: bool) {
    let items = list.items();
    let fields = if http {
        HTTP_FILTER_FIELDS
    } else {
        GRPC_FILTER_FIELDS
    };
    let repeatable = ["RequestMirror", "ExtensionRef", "ExternalAuth"];
    for (i, f) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let ty = text(f, "type").unwrap_or("");
        if !ty.is_empty()
            && fields.iter().any(|(t, _)| *t == ty)
            && !repeatable.contains(&ty)
            && items[..i].iter().any(|o| text(o, "type") == Some(ty))
        {
            w.err(
                span_of(f, "type"),
                &format!("{p}.type"),
                format!(
                    "repeats a {ty} filter of the same list (\"{ty} filter cannot be repeated\")"
                ),
                format!("merge the two {ty} filters into one"),
            );
        }
        if http
            && ty == "URLRewrite"
            && items
                .iter()
                .any(|o| text(o, "type") == Some("RequestRedirect"))
        {
            w.err(
                span_of(f, "type"),
                &format!("{p}.type"),
                "is URLRewrite next to a RequestRedirect filter (\"May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both\")".into(),
                "drop one: a redirect answers the client, a rewrite forwards the changed request".into(),
            );
        }
        let own = fields
            .iter()
            .find(|(t, _)| *t == ty)
            .map(|(_, field)| *field);
        let missing = own.filter(|field| !has(f, field));
        let mut extra = false;
        for (t, field) in fields {
            if ty != *t && has(f, field) {
                extra = true;
                let also = missing
                    .map(|m| format!(", and its own `{m}` is missing"))
                    .unwrap_or_default();
                w.err(
                    key_or(f, field),
                    &format!("{p}.{field}"),
                    format!("is set on a filter of type {ty}{also} (\"filter.{field} must be nil if the filter.type is not {t}\")"),
                    format!("set `type: {t}`, or move `{field}` to a filter of its own"),
                );
            }
        }
        if let (Some(field), false) = (missing, extra) {
            w.err(
                span_of(f, "type"),
                &format!("{p}.{field}"),
                format!("is missing for a filter of type {ty} (\"filter.{field} must be specified for {ty} filter.type\")"),
                format!("add `{field}` with the filter's settings"),
            );
        }
        if let Some(m) = f.get("requestMirror") {
            if has(m, "percent") && has(m, "fraction") {
                w.err(
                    key_or(m, "fraction"),
                    &format!("{p}.requestMirror"),
                    "sets both `percent` and `fraction` (\"Only one of percent or fraction may be specified in HTTPRequestMirrorFilter\")".into(),
                    "keep one of them".into(),
                );
            }
            if let Some(fr) = m.get("fraction") {
                let num = int(fr, "numerator");
                let den = int(fr, "denominator").unwrap_or(100);
                if let Some(n) = num.filter(|n| *n > den) {
                    w.err(
                        span_of(fr, "numerator"),
                        &format!("{p}.requestMirror.fraction"),
                        format!("has numerator {n} above denominator {den} (\"numerator must be less than or equal to denominator\")"),
                        "mirror at most every request: numerator ≤ denominator".into(),
                    );
                }
            }
            if let Some(b) = m.get("backendRef") {
                backend_port(b, &format!("{p}.requestMirror.backendRef"), w);
            }
        }
        for modifier in ["requestRedirect", "urlRewrite"] {
            if let Some(path_mod) = f.get(modifier).and_then(|m| m.get("path")) {
                path_modifier(path_mod, &format!("{p}.{modifier}.path"), w);
            }
        }
        if let Some(c) = f.get("cors") {
            for (key, what) in [
                (
                    "allowOrigins",
                    "AllowOrigins cannot contain '*' alongside other origins",
                ),
                (
                    "allowMethods",
                    "AllowMethods cannot contain '*' alongside other methods",
                ),
                (
                    "allowHeaders",
                    "AllowHeaders cannot contain '*' alongside other methods",
                ),
            ] {
                let l = c.list(key);
                if l.len() > 1 {
                    if let Some(star) = l.iter().find(|x| x.text() == Some("*")) {
                        w.err(
                            star.span,
                            &format!("{p}.cors.{key}"),
                            format!("lists `*` next to other values (\"{what}\")"),
                            "keep `*` alone, or list the values without `*`".into(),
                        );
                    }
                }
            }
        }
        if let Some(a) = f.get("externalAuth") {
            let proto = text(a, "protocol").unwrap_or("");
            for (pr, key) in [("GRPC", "grpc"), ("HTTP", "http")] {
                if proto == pr && !has(a, key) {
                    w.err(
                        span_of(a, "protocol"),
                        &format!("{p}.externalAuth.{key}"),
                        format!("is missing with protocol {pr} (\"{key} must be specified when protocol is set to '{pr}'\")"),
                        format!("add `{key}: {{}}`"),
                    );
                } else if proto != pr && has(a, key) {
                    w.err(
                        key_or(a, key),
                        &format!("{p}.externalAuth.{key}"),
                        format!("is set with protocol {proto:?} (\"protocol must be '{pr}' when {key} is set\")"),
                        format!("set `protocol: {pr}` or remove `{key}`"),
                    );
                }
            }
            if let Some(b) = a.get("backendRef") {
                backend_port(b, &format!("{p}.externalAuth.backendRef"), w);
            }
        }
    }
}

fn path_modifier(m: &Node, path: &str, w: &mut Walk) {
    let ty = text(m, "type").unwrap_or("");
    for (t, field) in [
        ("ReplaceFullPath", "replaceFullPath"),
        ("ReplacePrefixMatch", "replacePrefixMatch"),
    ] {
        if ty == t && !has(m, field) {
            w.err(
                span_of(m, "type"),
                &format!("{path}.{field}"),
                format!("is missing with type {t} (\"{field} must be specified when type is set to '{t}'\")"),
                format!("add `{field}`"),
            );
        } else if ty != t && has(m, field) {
            w.err(
                key_or(m, field),
                &format!("{path}.{field}"),
                format!("is set with type {ty:?} (\"type must be '{t}' when {field} is set\")"),
                format!("set `type: {t}`, or remove `{field}`"),
            );
        }
    }
}

/// Whether a filter list holds a filter of `field` with `path.type: ReplacePrefixMatch` and
/// `replacePrefixMatch` set (the CEL rules use `exists_one`: exactly one such filter).
fn prefix_rewrites(filters: &[Node], field: &str) -> usize {
    filters
        .iter()
        .filter(|f| {
            f.get(field).and_then(|x| x.get("path")).is_some_and(|p| {
                text(p, "type") == Some("ReplacePrefixMatch") && has(p, "replacePrefixMatch")
            })
        })
        .count()
}

fn route_rules(spec: &Node, w: &mut Walk, http: bool) {
    let rules = spec.list("rules");
    let total: usize = rules.iter().take(16).map(|r| r.list("matches").len()).sum();
    if total > 128 {
        w.err(
            spec.key_span("rules").unwrap_or(spec.span),
            "spec.rules",
            format!("have {total} matches in all (\"While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128\")"),
            "split the route in two".into(),
        );
    }
    for (i, rule) in rules.iter().enumerate() {
        let p = format!("spec.rules[{i}]");
        let backends = rule.list("backendRefs");
        let rule_filters = rule.list("filters");
        if let Some(fl) = rule.get("filters") {
            filters(fl, &format!("{p}.filters"), w, http);
        }
        for (j, b) in backends.iter().enumerate() {
            let bp = format!("{p}.backendRefs[{j}]");
            backend_port(b, &bp, w);
            if let Some(fl) = b.get("filters") {
                filters(fl, &format!("{bp}.filters"), w, http);
            }
        }
        if !http {
            for (j, m) in rule.list("matches").iter().enumerate() {
                if let Some(method) = m.get("method") {
                    grpc_method(method, &format!("{p}.matches[{j}].method"), w);
                }
            }
            continue;
        }
        if !backends.is_empty() {
            if let Some(f) = rule_filters.iter().find(|f| has(f, "requestRedirect")) {
                w.err(
                    key_or(f, "requestRedirect"),
                    &format!("{p}.filters"),
                    "combine a RequestRedirect filter with `backendRefs` (\"RequestRedirect filter must not be used together with backendRefs\")".into(),
                    "drop the `backendRefs` (a redirect answers the client itself), or drop the redirect".into(),
                );
            }
        }
        let matches = rule.list("matches");
        // `matches` defaults to one `PathPrefix /` match
        let one_prefix = match matches {
            [] => !rule.has_key("matches"),
            [m] => m
                .get("path")
                .is_none_or(|pm| text(pm, "type").unwrap_or("PathPrefix") == "PathPrefix"),
            _ => false,
        };
        for field in ["requestRedirect", "urlRewrite"] {
            let in_rule = prefix_rewrites(rule_filters, field) == 1;
            let in_backends = backends
                .iter()
                .filter(|b| prefix_rewrites(b.list("filters"), field) == 1)
                .count()
                == 1;
            if (in_rule || in_backends) && !one_prefix {
                let what = if field == "urlRewrite" {
                    "URLRewrite"
                } else {
                    "RequestRedirect"
                };
                w.err(
                    rule.key_span("matches").unwrap_or(rule.span),
                    &format!("{p}.matches"),
                    format!("must be exactly one PathPrefix match: a {what} filter of the rule uses `path.replacePrefixMatch` (\"When using {what} filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified\")"),
                    "move the other matches to a rule of their own, or use `ReplaceFullPath`".into(),
                );
            }
        }
        for (j, m) in matches.iter().enumerate() {
            if let Some(pm) = m.get("path") {
                path_match(pm, &format!("{p}.matches[{j}].path"), w);
            }
        }
        if let Some(t) = rule.get("timeouts") {
            let req = text(t, "request").and_then(duration_ms);
            let backend = text(t, "backendRequest").and_then(duration_ms);
            if let (Some(req), Some(backend)) = (req, backend) {
                if req != 0 && backend > req {
                    w.err(
                        span_of(t, "backendRequest"),
                        &format!("{p}.timeouts.backendRequest"),
                        "is longer than `request` (\"backendRequest timeout cannot be longer than request timeout\")".into(),
                        "make `backendRequest` at most the `request` timeout".into(),
                    );
                }
            }
        }
        if let Some(sp) = rule.get("sessionPersistence") {
            session_persistence(sp, &format!("{p}.sessionPersistence"), w);
        }
    }
}

fn path_match(pm: &Node, path: &str, w: &mut Walk) {
    let ty = text(pm, "type").unwrap_or("PathPrefix");
    if !matches!(ty, "Exact" | "PathPrefix") {
        return; // RegularExpression; other values: the schema's enum
    }
    let v = text(pm, "value").unwrap_or("/");
    let span = span_of(pm, "value");
    let at = format!("{path}.value");
    let problem = if !v.starts_with('/') {
        Some("does not start with `/` (\"value must be an absolute path and start with '/'\")")
    } else if v.contains("//") {
        Some("contains `//`")
    } else if v.contains("/./") {
        Some("contains `/./`")
    } else if v.contains("/../") {
        Some("contains `/../`")
    } else if v.contains("%2f") || v.contains("%2F") {
        Some("contains an encoded slash (`%2f`)")
    } else if v.contains('#') {
        Some("contains `#`")
    } else if v.ends_with("/..") {
        Some("ends with `/..`")
    } else if v.ends_with("/.") {
        Some("ends with `/.`")
    } else {
        None
    };
    if let Some(problem) = problem {
        w.err(
            span,
            &at,
            format!("{v:?} {problem}, which the CRD forbids for {ty} matches"),
            "write a normalized absolute path, or use `type: RegularExpression`".into(),
        );
        return;
    }
    static CHARS: super::schema::Pat =
        super::schema::Pat::new(r"^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$");
    if !CHARS.is_match(v) {
        w.err(
            span,
            &at,
            format!("{v:?} has characters a path may not hold unencoded (\"must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{{2}})+$) for types ['Exact', 'PathPrefix']\")"),
            "percent-encode the other characters (a space is `%20`), or use `type: RegularExpression`".into(),
        );
    }
}

fn grpc_method(m: &Node, path: &str, w: &mut Walk) {
    let ty = text(m, "type");
    if ty.is_some() && !has(m, "service") && !has(m, "method") {
        w.err(
            m.span,
            path,
            "sets a match type but neither `service` nor `method` (\"One or both of 'service' or 'method' must be specified\")".into(),
            "add `service` and/or `method`".into(),
        );
    }
    if ty.unwrap_or("Exact") == "Exact" {
        static SERVICE: super::schema::Pat =
            super::schema::Pat::new(r"^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$");
        static METHOD: super::schema::Pat = super::schema::Pat::new(r"^[A-Za-z_][A-Za-z_0-9]*$");
        for (key, pat, hint) in [
            (
                "service",
                &SERVICE,
                "a fully qualified service name such as `helloworld.Greeter`",
            ),
            ("method", &METHOD, "a method name such as `SayHello`"),
        ] {
            if let Some(v) = text(m, key) {
                if !pat.is_match(v) {
                    w.err(
                        span_of(m, key),
                        &format!("{path}.{key}"),
                        format!("is {v:?}, not a valid gRPC {key} name for an Exact match (\"{key} must only contain valid characters (matching {})\")", pat.src),
                        format!("write {hint}, or use `type: RegularExpression`"),
                    );
                }
            }
        }
    }
}

fn session_persistence(sp: &Node, path: &str, w: &mut Walk) {
    let ty = text(sp, "type").unwrap_or("Cookie");
    for (t, key) in [("Cookie", "cookie"), ("Header", "header")] {
        if ty == t && !has(sp, key) && key == "header" {
            w.err(
                span_of(sp, "type"),
                &format!("{path}.{key}"),
                format!("is missing with type {t} (\"{key} must be specified for {t} type\")"),
                format!("add `{key}`"),
            );
        } else if ty != t && has(sp, key) {
            w.err(
                key_or(sp, key),
                &format!("{path}.{key}"),
                format!("is set with type {ty} (\"{key} must be nil if type is not {t}\")"),
                format!("set `type: {t}` or remove `{key}`"),
            );
        }
    }
    if ty == "Cookie" && !has(sp, "cookie") {
        w.err(
            sp.span,
            &format!("{path}.cookie"),
            "is missing with type Cookie (the default) (\"cookie must be specified for Cookie type\")".into(),
            "add `cookie: {lifetimeType: Session}`".into(),
        );
    }
    if let Some(c) = sp.get("cookie") {
        if text(c, "lifetimeType") == Some("Permanent") && !has(sp, "absoluteTimeout") {
            w.err(
                span_of(c, "lifetimeType"),
                &format!("{path}.absoluteTimeout"),
                "is missing with a Permanent cookie (\"AbsoluteTimeout must be specified when cookie lifetimeType is Permanent\")".into(),
                "add `absoluteTimeout`, for example `24h`".into(),
            );
        }
    }
}

// ---- BackendTLSPolicy -----------------------------------------------------------------------

fn backend_tls_policy(spec: &Node, w: &mut Walk) {
    let refs = spec.list("targetRefs");
    for (i, a) in refs.iter().enumerate() {
        for b in &refs[..i] {
            let same = ["group", "kind", "name"]
                .iter()
                .all(|k| text(a, k) == text(b, k));
            if !same {
                continue;
            }
            let sa = text(a, "sectionName").filter(|s| !s.is_empty());
            let sb = text(b, "sectionName").filter(|s| !s.is_empty());
            let name = text(a, "name").unwrap_or("");
            if sa.is_some() != sb.is_some() {
                w.err(
                    a.span,
                    &format!("spec.targetRefs[{i}]"),
                    format!("names target `{name}` again, and only one of the two references has a `sectionName` (\"sectionName must be specified when targetRefs includes 2 or more references to the same target\")"),
                    "give both references a `sectionName`, or drop one".into(),
                );
            } else if sa == sb {
                w.err(
                    a.span,
                    &format!("spec.targetRefs[{i}]"),
                    format!("repeats the reference to target `{name}` (\"sectionName must be unique when targetRefs includes 2 or more references to the same target\")"),
                    "remove the duplicate reference".into(),
                );
            }
        }
    }
    let Some(v) = spec.get("validation") else {
        return;
    };
    let cas = !v.list("caCertificateRefs").is_empty();
    let wk = text(v, "wellKnownCACertificates").is_some_and(|s| !s.is_empty());
    if cas && wk {
        w.err(
            key_or(v, "wellKnownCACertificates"),
            "spec.validation",
            "sets both `caCertificateRefs` and `wellKnownCACertificates` (\"must not contain both CACertificateRefs and WellKnownCACertificates\")".into(),
            "keep one: your own CA certificates, or `wellKnownCACertificates: System`".into(),
        );
    } else if !cas && !wk {
        w.err(
            spec.key_span("validation").unwrap_or(v.span),
            "spec.validation",
            "sets neither `caCertificateRefs` nor `wellKnownCACertificates` (\"must specify either CACertificateRefs or WellKnownCACertificates\")".into(),
            "add `caCertificateRefs` naming a ConfigMap with the CA, or `wellKnownCACertificates: System`".into(),
        );
    }
    for (i, san) in v.list("subjectAltNames").iter().enumerate() {
        let ty = text(san, "type").unwrap_or("");
        let p = format!("spec.validation.subjectAltNames[{i}]");
        let set = |key: &str| text(san, key).is_some_and(|s| !s.is_empty());
        let own = match ty {
            "Hostname" => Some("hostname"),
            "URI" => Some("uri"),
            _ => None,
        };
        let missing = own.filter(|k| !set(k));
        let mut extra = false;
        for (t, key) in [("Hostname", "hostname"), ("URI", "uri")] {
            if ty != t && set(key) {
                extra = true;
                let also = missing
                    .map(|m| format!(", and `{m}` is missing"))
                    .unwrap_or_default();
                w.err(
                    key_or(san, key),
                    &format!("{p}.{key}"),
                    format!("is set with type {ty:?}{also} (\"SubjectAltName element must not contain {t}, if Type is not set to {t}\")"),
                    format!("set `type: {t}`, or write the name in `{}`", missing.unwrap_or("the field of the type")),
                );
            }
        }
        if let (Some(key), false) = (missing, extra) {
            w.err(
                san.span,
                &format!("{p}.{key}"),
                format!("is missing with type {ty} (\"SubjectAltName element must contain {ty}, if Type is set to {ty}\")"),
                format!("add `{key}`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::duration_ms("1h30m"), Some(5_400_000));
        assert_eq!(super::duration_ms("500ms"), Some(500));
        assert_eq!(super::duration_ms("10s"), Some(10_000));
        assert_eq!(super::duration_ms("1x"), None);
    }
}
