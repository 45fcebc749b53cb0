//! `http-rule-at-ztunnel` (ML705): an AuthorizationPolicy that only ztunnel enforces uses HTTP
//! attributes, which ztunnel cannot see.
//!
//! A policy without `targetRefs` is converted for ztunnel (pilot/pkg/serviceregistry/ambient/
//! authorization.go, `convertAuthorizationPolicy`, `handleRule`) and is never applied by a
//! waypoint (`ShouldAttachPolicy`, pilot/pkg/model/policyattachment.go). The conversion drops
//! `hosts`, `methods`, `paths` (and their `not` forms) of `to.operation`, `remoteIpBlocks` and
//! `requestPrincipals` (and their `not` forms) of `from.source`, and every `when` key other than
//! `source.ip`, `source.namespace`, `source.principal`, `destination.ip`, `destination.port`:
//!
//! - in an ALLOW policy a rule with any of them is dropped whole: what only it allowed is denied;
//! - in a DENY policy the rule keeps its L4 part; a clause (`to`, `from`, a `when`) left with
//!   nothing to match never matches (ztunnel skips empty matches), so the rule has no effect;
//!   otherwise it denies everything its L4 part matches: more than written.
//!
//! istiod accepts such a policy with the status reason `UnsupportedValue`.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::workloads::{
    label, namespace_in_ambient, namespace_object, pod_in_ambient, selected_in_namespace,
};
use crate::model::policy::{AuthorizationPolicy, AuthzRule};
use crate::model::{Labels, Resource, Spec};
use crate::rules::ambient::common::{
    has_sidecar, is_gateway_pod, opted_out_of_ambient, selects_gateway_pods,
};
use crate::rules::workloads::selectors::describe;
use crate::rules::RuleCx;
use crate::source::{Span, Spanned, Str};

pub static META: RuleMeta = RuleMeta {
    code: "ML705",
    name: "http-rule-at-ztunnel",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: None,
    summary: "an AuthorizationPolicy enforced by ztunnel only uses HTTP attributes it cannot match",
};

/// What ztunnel makes of one DENY rule with HTTP attributes (an ALLOW rule is dropped).
enum Effect {
    /// DENY: a clause is left empty, the rule never matches.
    NoEffect,
    /// DENY: the rule matches on its L4 part alone.
    Wider,
}

fn http_attributes(rule: &AuthzRule) -> Vec<&Spanned<Str>> {
    rule.to
        .iter()
        .chain(&rule.from)
        .chain(&rule.when)
        .flat_map(|e| &e.http)
        .collect()
}

fn deny_effect(rule: &AuthzRule) -> Effect {
    let clause = |entries: &[crate::model::policy::AuthzEntry]| entries.iter().any(|e| e.l4);
    let mut effective = true;
    if !rule.to.is_empty() {
        effective &= clause(&rule.to);
    }
    if !rule.from.is_empty() {
        effective &= clause(&rule.from);
    }
    for w in &rule.when {
        effective &= w.l4;
    }
    if effective {
        Effect::Wider
    } else {
        Effect::NoEffect
    }
}

/// Whom the policy applies to, when the input shows ambient workloads among them.
fn ambient_scope(
    cx: &RuleCx,
    r: &Resource,
    ap: &AuthorizationPolicy,
) -> Option<(String, Option<Span>)> {
    let ix = cx.index;
    let ns = r.namespace.as_str();
    let sidecar_like =
        |w: &Resource| has_sidecar(w) || is_gateway_pod(w) || opted_out_of_ambient(w);
    let root = ns == ix.mesh.root_namespace;
    match ap.attach.labels() {
        Some(l) if selects_gateway_pods(l) => None,
        Some(l) if root => {
            // mesh-wide selector: some selected workload must be in ambient mode
            let w = ix
                .workloads_selected(None, l)
                .into_iter()
                .map(|id| ix.resource(id))
                .find(|w| {
                    !sidecar_like(w)
                        && (pod_in_ambient(w) || namespace_in_ambient(ix, &w.namespace))
                })?;
            Some((
                format!("the workloads it selects (such as {})", describe(w)),
                Some(w.name_span),
            ))
        }
        Some(l) => {
            if !namespace_in_ambient(ix, ns) {
                return None;
            }
            let selected: Vec<&Resource> = selected_in_namespace(ix, ns, l)
                .into_iter()
                .map(|id| ix.resource(id))
                .collect();
            if selected.iter().any(|w| sidecar_like(w)) {
                return None;
            }
            Some((
                "the workloads it selects".to_string(),
                namespace_span(cx, ns),
            ))
        }
        None if root => {
            let n = ix
                .of_kind("Namespace")
                .iter()
                .map(|&id| ix.resource(id))
                .find(|n| namespace_in_ambient(ix, &n.name))?;
            Some((
                format!(
                    "every ambient workload of the mesh (namespace `{}` is in ambient mode)",
                    n.name
                ),
                Some(n.name_span),
            ))
        }
        None => {
            if !namespace_in_ambient(ix, ns) {
                return None;
            }
            let all = selected_in_namespace(ix, ns, &Labels::new());
            if !all.is_empty() && all.iter().all(|&id| sidecar_like(ix.resource(id))) {
                return None;
            }
            Some((
                format!("every workload of namespace `{ns}`"),
                namespace_span(cx, ns),
            ))
        }
    }
}

fn namespace_span(cx: &RuleCx, ns: &str) -> Option<Span> {
    namespace_object(cx.index, ns).map(|n| n.name_span)
}

fn rule_list(ix: &[usize]) -> String {
    let items: Vec<String> = ix.iter().map(|i| format!("#{i}")).collect();
    let noun = if ix.len() == 1 { "rule" } else { "rules" };
    format!("{noun} {}", items.join(", "))
}

fn attr_list(attrs: &[&Spanned<Str>]) -> String {
    let mut names: Vec<&str> = attrs.iter().map(|a| a.value.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for &id in ix.of_kind("AuthorizationPolicy") {
        let r = ix.resource(id);
        let Spec::AuthorizationPolicy(ap) = &r.spec else {
            continue;
        };
        if ap.attach.target_ref.is_some()
            || label(&r.annotations, "istio.io/dry-run").is_some_and(|v| v == "true")
        {
            continue;
        }
        let action = ap.action();
        if action != "ALLOW" && action != "DENY" {
            continue;
        }
        let l7: Vec<(usize, &AuthzRule, Vec<&Spanned<Str>>)> = ap
            .rules
            .iter()
            .enumerate()
            .map(|(i, rule)| (i, rule, http_attributes(rule)))
            .filter(|(_, _, a)| !a.is_empty())
            .collect();
        if l7.is_empty() {
            continue;
        }
        let Some((scope, scope_span)) = ambient_scope(cx, r, ap) else {
            continue;
        };
        let policy = describe(r);
        let attrs: Vec<&Spanned<Str>> = l7.iter().flat_map(|(_, _, a)| a.iter().copied()).collect();
        let first = attrs[0];
        let (message, label_text, severity, help) = if action == "ALLOW" {
            let rules: Vec<usize> = l7.iter().map(|(i, _, _)| *i).collect();
            if l7.len() == ap.rules.len() {
                (
                    format!(
                        "{policy} (ALLOW) is enforced by ztunnel only, which cannot match HTTP attributes ({}); it drops every rule, so the policy allows nothing and ztunnel denies the requests to {scope} that no other ALLOW policy allows",
                        attr_list(&attrs)
                    ),
                    "ztunnel drops the rule",
                    Severity::Error,
                    "attach the policy to a waypoint with `targetRefs` (and bind the workloads' Services to it with `istio.io/use-waypoint`), or keep only L4 attributes (ports, namespaces, principals, ipBlocks) in a policy ztunnel enforces",
                )
            } else {
                (
                    format!(
                        "{policy} (ALLOW) is enforced by ztunnel only, which cannot match HTTP attributes ({}); it drops {} whole, so requests to {scope} that only {} allowed are denied",
                        attr_list(&attrs),
                        rule_list(&rules),
                        if rules.len() == 1 { "that rule" } else { "those rules" }
                    ),
                    "ztunnel drops the rule",
                    Severity::Error,
                    "attach the policy to a waypoint with `targetRefs` (and bind the workloads' Services to it with `istio.io/use-waypoint`), or keep only L4 attributes (ports, namespaces, principals, ipBlocks) in a policy ztunnel enforces",
                )
            }
        } else {
            let wider: Vec<usize> = l7
                .iter()
                .filter(|(_, rule, _)| matches!(deny_effect(rule), Effect::Wider))
                .map(|(i, _, _)| *i)
                .collect();
            if wider.is_empty() {
                let rules: Vec<usize> = l7.iter().map(|(i, _, _)| *i).collect();
                (
                    format!(
                        "{policy} (DENY) is enforced by ztunnel only, which cannot match HTTP attributes ({}); without them nothing is left of {} to match, so the requests {} should deny reach {scope}",
                        attr_list(&attrs),
                        rule_list(&rules),
                        if rules.len() == 1 { "it" } else { "they" }
                    ),
                    "ztunnel cannot match this",
                    Severity::Warning,
                    "attach the policy to a waypoint with `targetRefs` (and bind the workloads' Services to it with `istio.io/use-waypoint`) so the HTTP attributes are enforced",
                )
            } else {
                (
                    format!(
                        "{policy} (DENY) is enforced by ztunnel only, which cannot match HTTP attributes ({}); it applies {} without them, so it denies every request to {scope} that matches the rest of the rule, more than written",
                        attr_list(&attrs),
                        rule_list(&wider)
                    ),
                    "ztunnel ignores this and denies more",
                    Severity::Error,
                    "attach the policy to a waypoint with `targetRefs` (and bind the workloads' Services to it with `istio.io/use-waypoint`), or remove the HTTP attributes from the rule",
                )
            }
        };
        let mut d = Diagnostic::new(&META, message)
            .severity(severity)
            .at(first.span, label_text);
        for a in attrs.iter().skip(1).take(4) {
            d = d.related(a.span, "also an HTTP attribute");
        }
        if let Some(s) = scope_span {
            d = d.related(s, "in ambient mode");
        }
        cx.report(r, d.help(help));
    }
}
