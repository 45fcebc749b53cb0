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
    for rule in cx.list(spec.get("rules"), "rules") {
        if !rule.is_map() {
            continue;
        }
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
