//! `authz-namespace-not-found` (IST0101): an AuthorizationPolicy source `namespaces` /
//! `notNamespaces` entry matches no namespace.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::RuleCx;
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    code: "IST0101",
    name: "authz-namespace-not-found",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("auth.AuthorizationPoliciesAnalyzer"),
    summary: "an AuthorizationPolicy source namespace matches no namespace",
};

/// Istio's `namespaceMatch`: `*`, a `prefix*` or `*suffix` glob, else equal ignoring case.
fn namespace_match(ns: &str, exp: &str) -> bool {
    if exp == "*" {
        return true;
    }
    if let Some(suffix) = exp.strip_prefix('*') {
        return ns.ends_with(suffix);
    }
    if let Some(prefix) = exp.strip_suffix('*') {
        return ns.starts_with(prefix);
    }
    ns.eq_ignore_ascii_case(exp)
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // partial input: without Namespace objects there is nothing to compare against
    if !ix.has_kind("Namespace") {
        return;
    }
    let mut known: BTreeSet<&str> = BTreeSet::new();
    for r in ix.resources {
        if matches!(r.spec, Spec::Namespace) {
            known.insert(r.name.as_str());
        } else if !r.cluster_scoped {
            known.insert(r.namespace.as_str());
        }
    }
    for &id in ix.of_kind("AuthorizationPolicy") {
        let r = ix.resource(id);
        let Spec::AuthorizationPolicy(ap) = &r.spec else {
            continue;
        };
        for s in &ap.source_namespaces {
            if known.iter().any(|ns| namespace_match(ns, &s.value.value)) {
                continue;
            }
            let field = if s.negated {
                "notNamespaces"
            } else {
                "namespaces"
            };
            let d = Diagnostic::new(
                &META,
                format!(
                    "`{field}` entry `{}` of AuthorizationPolicy `{}/{}` matches no namespace",
                    s.value.value, r.namespace, r.name
                ),
            )
            .at(s.value.span, "no such namespace")
            .istio_args(["namespace", s.value.value.as_str()])
            .help(format!(
                "fix the namespace name (known: {}{}); `*`, `prefix*` and `*suffix` globs are allowed",
                known.iter().take(10).copied().collect::<Vec<_>>().join(", "),
                if known.len() > 10 { ", ..." } else { "" }
            ));
            cx.report(r, d);
        }
    }
}
