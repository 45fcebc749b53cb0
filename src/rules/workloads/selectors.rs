//! Shared logic of the selector rules (Sidecar, Telemetry, AuthorizationPolicy, gateways):
//! reporting selectors that match no workload, conflicting selectors and several defaults, and
//! how selectors and resources are named in messages.

use crate::diagnostics::istio_messages::go_list;
use crate::diagnostics::{capped, Diagnostic, RuleMeta, MAX_LISTED};
use crate::index::workloads::selected_in_namespace;
use crate::index::ResourceId;
use crate::model::{Labels, Resource};
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::BTreeMap;

/// `a=b,c=d`, sorted by key as Kubernetes prints selectors.
pub fn selector_text(labels: &Labels) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{}={}", k.value, v.value))
        .collect();
    parts.sort();
    parts.join(",")
}

/// `Kind ns/name` of a resource, for messages.
pub fn describe(r: &Resource) -> String {
    format!("{} `{}/{}`", r.kind, r.namespace, r.name)
}

/// The span of a selector written as a label list: from the first key to the last value.
pub fn labels_span(labels: &Labels) -> Option<Span> {
    let first = labels.first()?;
    let last = labels.last()?;
    if first.0.span.file != last.1.span.file || last.1.span.end < first.0.span.start {
        return Some(first.0.span);
    }
    Some(Span {
        file: first.0.span.file,
        start: first.0.span.start,
        end: last.1.span.end,
    })
}

/// A policy that selects workloads by labels.
pub struct Selecting<'r> {
    pub id: ResourceId,
    pub r: &'r Resource,
    /// Its non-empty selector labels.
    pub labels: &'r Labels,
    /// How the selector field is written (`workloadSelector.labels`, `selector.matchLabels`).
    pub field: &'static str,
}

/// IST0101 "selector": a selector matching no workload of the policy's own namespace. Silent
/// when the input holds no workloads at all.
pub fn report_no_workload(cx: &mut RuleCx, meta: &'static RuleMeta, items: &[Selecting]) {
    let ix = cx.index;
    if !ix.has_workloads() {
        return;
    }
    for s in items {
        if !selected_in_namespace(ix, &s.r.namespace, s.labels).is_empty() {
            continue;
        }
        let at = labels_span(s.labels).unwrap_or(s.r.name_span);
        // open world: the namespace's workloads may be deployed from elsewhere
        let known = ix.evidence(crate::index::evidence::Class::Workload, &s.r.namespace, s.r);
        let mut d = Diagnostic::new(
            meta,
            format!(
                "`{}` of {} ({}) matches no workload in namespace `{}`",
                s.field,
                describe(s.r),
                selector_text(s.labels),
                s.r.namespace
            ),
        )
        .at(at, "selects no workload")
        .istio_args(["selector".to_string(), selector_text(s.labels)]);
        let elsewhere = ix.workloads_selected(None, s.labels);
        let help = if let Some(&w) = elsewhere.first() {
            let w = ix.resource(w);
            d = d.related(
                w.name_span,
                format!("matching {} is in another namespace", describe(w)),
            );
            format!(
                "a {} only selects workloads of its own namespace; create it in namespace `{}` or fix `{}`",
                s.r.kind, w.namespace, s.field
            )
        } else {
            format!(
                "fix `{}` to match the pod labels of a workload in namespace `{}`, or remove the selector to apply to the whole namespace",
                s.field, s.r.namespace
            )
        };
        if !known {
            d = d.severity(crate::diagnostics::Severity::Info);
            d.message.push_str(" in the input (none of its workloads is next to it: they may be deployed from elsewhere)");
        }
        cx.report(s.r, d.help(help));
    }
}

/// Workloads selected by more than one policy: one finding per (policy, workload). Workloads
/// for which `skip` holds are left out.
pub fn report_conflicts(
    cx: &mut RuleCx,
    meta: &'static RuleMeta,
    items: &[Selecting],
    skip: impl Fn(&Resource) -> bool,
) {
    let ix = cx.index;
    let mut by_workload: BTreeMap<ResourceId, Vec<usize>> = BTreeMap::new();
    for (i, s) in items.iter().enumerate() {
        for w in selected_in_namespace(ix, &s.r.namespace, s.labels) {
            by_workload.entry(w).or_default().push(i);
        }
    }
    for (w, list) in by_workload {
        let wr = ix.resource(w);
        if list.len() < 2 || skip(wr) {
            continue;
        }
        let mut all: Vec<&str> = list.iter().map(|&j| items[j].r.name.as_str()).collect();
        all.sort_unstable();
        let args = [go_list(&all), wr.namespace.to_string(), wr.name.to_string()];
        for &i in &list {
            let s = &items[i];
            let others: Vec<&Selecting> = list
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| &items[j])
                .collect();
            let names: Vec<String> = others.iter().map(|o| format!("`{}`", o.r.name)).collect();
            let mut d = Diagnostic::new(
                meta,
                format!(
                    "{} selects {}, which {} {} also select{}",
                    describe(s.r),
                    describe(wr),
                    s.r.kind,
                    names.join(", "),
                    if others.len() == 1 { "s" } else { "" }
                ),
            )
            .at(
                labels_span(s.labels).unwrap_or(s.r.name_span),
                "selects the same workload",
            )
            .related(wr.name_span, "selected workload")
            .istio_args(args.clone());
            for o in &others {
                d = d.related(
                    labels_span(o.labels).unwrap_or(o.r.name_span),
                    format!("{} `{}` selects it too", o.r.kind, o.r.name),
                );
            }
            let help = format!(
                "Istio applies only one {} per workload and which one is unspecified; make the selectors disjoint or merge the resources",
                s.r.kind
            );
            cx.report(s.r, d.help(help));
        }
    }
}

/// More than one selector-less policy in a namespace (namespaces where `skip_ns` holds are left
/// out).
pub fn report_multiple_defaults(
    cx: &mut RuleCx,
    meta: &'static RuleMeta,
    items: &[&Resource],
    skip_ns: impl Fn(&str) -> bool,
) {
    let mut by_ns: BTreeMap<&str, Vec<&Resource>> = BTreeMap::new();
    for r in items {
        by_ns.entry(r.namespace.as_str()).or_default().push(r);
    }
    for (ns, list) in by_ns {
        if list.len() < 2 || skip_ns(ns) {
            continue;
        }
        let mut all: Vec<&str> = list.iter().map(|r| r.name.as_str()).collect();
        all.sort_unstable();
        let args = [go_list(&capped(&all)), ns.to_string()];
        for r in &list {
            // `r` is in `list` once: the others are all the rest, of which MAX_LISTED are named
            let total = list.len() - 1;
            let others: Vec<&&Resource> = list
                .iter()
                .filter(|o| o.name != r.name || o.span != r.span)
                .take(MAX_LISTED)
                .collect();
            let names: Vec<String> = others.iter().map(|o| format!("`{}`", o.name)).collect();
            let mut names = names.join(", ");
            if total > MAX_LISTED {
                names.push_str(&format!(" and {} more", total - MAX_LISTED));
            }
            let mut d = Diagnostic::new(
                meta,
                format!(
                    "{} has no selector, like {} {} in namespace `{ns}`",
                    describe(r),
                    r.kind,
                    names
                ),
            )
            .at(r.name_span, "namespace-wide default")
            .istio_args(args.clone());
            for o in &others {
                d = d.related(
                    o.name_span,
                    format!("{} `{}` is a default too", o.kind, o.name),
                );
            }
            let help = format!(
                "only one {} without a selector may exist per namespace; merge them or add a selector to all but one",
                r.kind
            );
            cx.report(r, d.help(help));
        }
    }
}
