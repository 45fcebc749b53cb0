//! Helpers shared by the selector and policy rules: workload metadata, mesh membership and
//! ambient mode as Istio's analyzers decide them (`analyzers/util/in_mesh.go`).

use crate::diagnostics::istio_messages::go_list;
use crate::diagnostics::{capped, Diagnostic, RuleMeta, MAX_LISTED};
use crate::index::{Index, ResourceId};
use crate::model::{Labels, Resource, Spec};
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::BTreeMap;

pub fn label<'l>(labels: &'l Labels, key: &str) -> Option<&'l str> {
    labels
        .iter()
        .find(|(k, _)| k.value == key)
        .map(|(_, v)| v.value.as_str())
}

/// The annotations a workload's pods carry: a Pod's own, or a controller's pod template's.
pub fn template_annotations(r: &Resource) -> &Labels {
    match &r.spec {
        Spec::Workload(w) if r.kind != "Pod" => &w.template_annotations,
        _ => &r.annotations,
    }
}

pub fn pod_labels(r: &Resource) -> Option<&Labels> {
    match &r.spec {
        Spec::Workload(w) => Some(&w.pod_labels),
        _ => None,
    }
}

/// A pod captured by ztunnel (`ambient.istio.io/redirection: enabled`).
pub fn pod_in_ambient(r: &Resource) -> bool {
    label(template_annotations(r), "ambient.istio.io/redirection") == Some("enabled")
}

/// The Namespace object of `ns`, if the input has one.
pub fn namespace_object<'r>(ix: &Index<'r>, ns: &str) -> Option<&'r Resource> {
    ix.get("Namespace", "", ns).map(|id| ix.resource(id))
}

/// A namespace labelled `istio.io/dataplane-mode: ambient` without a sidecar injection label.
pub fn namespace_in_ambient(ix: &Index, ns: &str) -> bool {
    let Some(n) = namespace_object(ix, ns) else {
        return false;
    };
    if label(&n.labels, "istio-injection") == Some("enabled") {
        return false;
    }
    if label(&n.labels, "istio.io/rev").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    label(&n.labels, "istio.io/dataplane-mode") == Some("ambient")
}

/// Whether a workload is in the mesh: ambient-captured, an injected `istio-proxy`, the
/// `sidecar.istio.io/inject` label or annotation, else its namespace's `istio-injection` label.
pub fn in_mesh(ix: &Index, r: &Resource) -> bool {
    let Spec::Workload(w) = &r.spec else {
        return false;
    };
    if pod_in_ambient(r) || w.has_istio_proxy {
        return true;
    }
    if let Some(v) = label(&w.pod_labels, "sidecar.istio.io/inject") {
        return v == "true";
    }
    if let Some(v) = label(template_annotations(r), "sidecar.istio.io/inject") {
        return v == "true";
    }
    namespace_object(ix, &r.namespace)
        .is_some_and(|n| label(&n.labels, "istio-injection") == Some("enabled"))
}

/// Whether a workload may be in the mesh as far as the input can tell: [`in_mesh`], or its
/// injection is decided by a namespace label and the input does not hold the Namespace object
/// (namespaces are often created and labelled outside the repository).
pub fn maybe_in_mesh(ix: &Index, r: &Resource) -> bool {
    if in_mesh(ix, r) {
        return true;
    }
    let Spec::Workload(w) = &r.spec else {
        return false;
    };
    label(&w.pod_labels, "sidecar.istio.io/inject").is_none()
        && label(template_annotations(r), "sidecar.istio.io/inject").is_none()
        && namespace_object(ix, &r.namespace).is_none()
}

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

/// Workloads of `ns` whose pod labels include `selector`, sorted by id.
pub fn selected(ix: &Index, ns: &str, selector: &Labels) -> Vec<ResourceId> {
    let mut v = ix.workloads_selected(Some(ns), selector);
    v.sort_unstable();
    v.dedup();
    v
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
        if !selected(ix, &s.r.namespace, s.labels).is_empty() {
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
        for w in selected(ix, &s.r.namespace, s.labels) {
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
