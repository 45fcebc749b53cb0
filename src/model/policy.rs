//! Security, telemetry and extension policies that attach to workloads by selector or
//! `targetRef`: Telemetry, AuthorizationPolicy, RequestAuthentication, PeerAuthentication and
//! WasmPlugin; and CustomResourceDefinitions (for removed Istio kinds).
//!
//! These kinds are read leniently (no unknown-field checks): meshlint models only the fields its
//! analyses read, not their full schemas.

use super::reader::Cx;
use super::Labels;
use crate::source::{Span, Spanned, Str};
use crate::yaml::Value;

/// `selector.matchLabels` of a policy.
#[derive(Debug, Clone)]
pub struct Selector {
    /// The `selector` key.
    pub span: Span,
    pub match_labels: Labels,
}

/// What every workload policy has: how it attaches to workloads.
#[derive(Debug, Clone, Default)]
pub struct Attachment {
    pub selector: Option<Selector>,
    /// The `targetRef` / `targetRefs` key, when one is set (the selector is then ignored).
    pub target_ref: Option<Span>,
    /// The whole spec, for validation.
    pub tree: super::spec_tree::Tree,
}

impl Attachment {
    /// The selector's labels when it has any.
    pub fn labels(&self) -> Option<&Labels> {
        self.selector
            .as_ref()
            .map(|s| &s.match_labels)
            .filter(|l| !l.is_empty())
    }
}

#[derive(Debug, Clone)]
pub struct AccessLogging {
    pub span: Span,
    pub providers: Vec<Spanned<Str>>,
    pub disabled: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Telemetry {
    pub attach: Attachment,
    pub access_logging: Vec<AccessLogging>,
    /// `tracing[].providers[].name`.
    pub tracing_providers: Vec<Spanned<Str>>,
}

/// A `rules[].from[].source` namespace entry.
#[derive(Debug, Clone)]
pub struct SourceNamespace {
    pub value: Spanned<Str>,
    /// From `notNamespaces`.
    pub negated: bool,
}

#[derive(Debug, Clone, Default)]
pub struct AuthorizationPolicy {
    pub attach: Attachment,
    pub source_namespaces: Vec<SourceNamespace>,
    /// `action` (`ALLOW` when absent).
    pub action: Option<Spanned<Str>>,
    /// `rules[]`, as far as ztunnel's conversion tells L4 from HTTP attributes.
    pub rules: Vec<AuthzRule>,
}

impl AuthorizationPolicy {
    /// The action as written, `ALLOW` when absent.
    pub fn action(&self) -> &str {
        self.action
            .as_ref()
            .map(|a| a.value.as_str())
            .unwrap_or("ALLOW")
    }
}

/// One `rules[]` entry of an AuthorizationPolicy: its `to`, `from` and `when` clauses.
#[derive(Debug, Clone, Default)]
pub struct AuthzRule {
    pub span: Span,
    pub to: Vec<AuthzEntry>,
    pub from: Vec<AuthzEntry>,
    pub when: Vec<AuthzEntry>,
}

/// A `to[].operation`, a `from[].source` or a `when[]` condition: whether it keeps an L4 part
/// ztunnel can match, and the HTTP attributes (field or condition key, with its span) ztunnel
/// drops.
#[derive(Debug, Clone, Default)]
pub struct AuthzEntry {
    pub l4: bool,
    pub http: Vec<Spanned<Str>>,
}

/// A CustomResourceDefinition: the group and kind it defines.
#[derive(Debug, Clone, Default)]
pub struct Crd {
    pub group: Option<Spanned<Str>>,
    pub kind: Option<Spanned<Str>>,
}

fn key_span(v: Value, key: &str) -> Option<Span> {
    v.entries()
        .into_iter()
        .find(|(k, val)| k.scalar().map(|s| s.0) == Some(key) && !val.is_null())
        .map(|(k, _)| k.span())
}

/// Reads `selector` and `targetRef`/`targetRefs` of a policy spec.
pub fn attachment<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> Attachment {
    let mut a = Attachment {
        tree: super::spec_tree::build(cx, spec),
        ..Attachment::default()
    };
    let Some(spec) = spec.filter(|v| v.is_map()) else {
        return a;
    };
    if let Some(sel) = spec.get("selector").filter(|v| !v.is_null()) {
        let span = key_span(spec, "selector").unwrap_or(sel.span());
        let match_labels = if sel.is_map() {
            cx.string_map(sel.get("matchLabels"), "selector.matchLabels")
        } else {
            cx.invalid_type(sel, "selector", "a mapping");
            Vec::new()
        };
        a.selector = Some(Selector { span, match_labels });
    }
    a.target_ref = key_span(spec, "targetRef").or_else(|| {
        spec.get("targetRefs")
            .filter(|v| v.is_seq() && !v.items().is_empty())
            .and_then(|_| key_span(spec, "targetRefs"))
    });
    a
}

pub fn telemetry<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> Telemetry {
    let mut t = Telemetry {
        attach: attachment(cx, spec),
        ..Telemetry::default()
    };
    let Some(spec) = spec.filter(|v| v.is_map()) else {
        return t;
    };
    for l in cx.list(spec.get("accessLogging"), "accessLogging") {
        if !l.is_map() {
            continue;
        }
        let providers = provider_names(cx, l.get("providers"));
        let disabled = cx
            .boolean(l.get("disabled"), "disabled")
            .is_some_and(|b| b.value);
        t.access_logging.push(AccessLogging {
            span: l.span(),
            providers,
            disabled,
        });
    }
    for tr in cx.list(spec.get("tracing"), "tracing") {
        if tr.is_map() {
            let names = provider_names(cx, tr.get("providers"));
            t.tracing_providers.extend(names);
        }
    }
    t
}

fn provider_names<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Vec<Spanned<Str>> {
    cx.list(v, "providers")
        .into_iter()
        .filter(|p| p.is_map())
        .filter_map(|p| cx.string(p.get("name"), "providers.name"))
        .collect()
}

pub fn authorization_policy<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> AuthorizationPolicy {
    let mut ap = AuthorizationPolicy {
        attach: attachment(cx, spec),
        ..AuthorizationPolicy::default()
    };
    let Some(spec) = spec.filter(|v| v.is_map()) else {
        return ap;
    };
    ap.action = spec.get("action").and_then(|a| {
        a.scalar()
            .map(|(v, _)| Spanned::new(Str::from(v), a.span()))
    });
    for rule in cx.list(spec.get("rules"), "rules") {
        if !rule.is_map() {
            continue;
        }
        ap.rules.push(authz_rule(rule));
        for from in cx.list(rule.get("from"), "from") {
            let Some(source) = from.get("source").filter(|s| s.is_map()) else {
                continue;
            };
            for (key, negated) in [("namespaces", false), ("notNamespaces", true)] {
                for value in cx.string_list(source.get(key), key) {
                    ap.source_namespaces
                        .push(SourceNamespace { value, negated });
                }
            }
        }
    }
    ap
}

/// The HTTP fields of `to[].operation` and `from[].source` that istiod's conversion for ztunnel
/// drops (`httpOperations`, `httpSources` in pilot/pkg/serviceregistry/ambient/authorization.go).
const HTTP_OPERATION: &[&str] = &[
    "hosts",
    "notHosts",
    "methods",
    "notMethods",
    "paths",
    "notPaths",
];
const L4_OPERATION: &[&str] = &["ports", "notPorts"];
const HTTP_SOURCE: &[&str] = &[
    "remoteIpBlocks",
    "notRemoteIpBlocks",
    "requestPrincipals",
    "notRequestPrincipals",
];
const L4_SOURCE: &[&str] = &[
    "ipBlocks",
    "notIpBlocks",
    "namespaces",
    "notNamespaces",
    "serviceAccounts",
    "notServiceAccounts",
    "principals",
    "notPrincipals",
];
/// The `when` keys ztunnel matches (`l4WhenAttributes`).
pub const L4_WHEN_KEYS: &[&str] = &[
    "source.ip",
    "source.namespace",
    "source.principal",
    "destination.ip",
    "destination.port",
];

fn non_empty_list(v: Option<Value>) -> bool {
    v.is_some_and(|v| v.is_seq() && !v.items().is_empty())
}

fn authz_entry(v: Option<Value>, l4: &[&str], http: &[&str]) -> AuthzEntry {
    let mut e = AuthzEntry::default();
    let Some(v) = v.filter(|v| v.is_map()) else {
        return e;
    };
    e.l4 = l4.iter().any(|k| non_empty_list(v.get(k)));
    for (k, val) in v.entries() {
        let Some((key, _)) = k.scalar() else {
            continue;
        };
        if http.contains(&key) && non_empty_list(Some(val)) {
            e.http.push(Spanned::new(Str::from(key), k.span()));
        }
    }
    e
}

fn authz_rule(rule: Value) -> AuthzRule {
    let mut r = AuthzRule {
        span: rule.span(),
        ..AuthzRule::default()
    };
    let items = |key: &str| {
        rule.get(key)
            .filter(|v| v.is_seq())
            .map(|v| v.items())
            .unwrap_or_default()
    };
    for to in items("to") {
        let op = to.get("operation").filter(|o| o.is_map());
        r.to.push(authz_entry(op, L4_OPERATION, HTTP_OPERATION));
    }
    for from in items("from") {
        let source = from.get("source").filter(|o| o.is_map());
        r.from.push(authz_entry(source, L4_SOURCE, HTTP_SOURCE));
    }
    for when in items("when") {
        let Some(key) = when
            .get("key")
            .and_then(|k| k.scalar().map(|s| (s.0, k.span())))
        else {
            continue;
        };
        let mut e = AuthzEntry::default();
        if L4_WHEN_KEYS.contains(&key.0) {
            // `whenMatch`: the values (or notValues) of an L4 key become the match
            e.l4 = non_empty_list(when.get("values")) || non_empty_list(when.get("notValues"));
        } else {
            e.http.push(Spanned::new(Str::from(key.0), key.1));
        }
        r.when.push(e);
    }
    r
}

pub fn crd<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> Crd {
    let Some(spec) = spec.filter(|v| v.is_map()) else {
        return Crd::default();
    };
    Crd {
        group: cx.string(spec.get("group"), "group"),
        kind: spec
            .get("names")
            .filter(|n| n.is_map())
            .and_then(|n| cx.string(n.get("kind"), "names.kind")),
    }
}
