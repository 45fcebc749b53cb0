//! `subset-selects-no-pods` (IST0173): a DestinationRule subset whose labels select none of the
//! workloads behind its host.

use super::destinationrule_host_not_found::host_known;
use super::RuleCx;
use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::{Labels, Spec};
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    code: "IST0173",
    name: "subset-selects-no-pods",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("destinationrule.SubsetSelectPodAnalyzer"),
    summary: "a DestinationRule subset selects none of the workloads behind its host",
};

/// Merges `extra` into `base` (the later value wins), like `labels.Merge`.
fn merge(base: &Labels, extra: &Labels) -> Labels {
    let mut out: Labels = base
        .iter()
        .filter(|(k, _)| !extra.iter().any(|(e, _)| e.value == k.value))
        .cloned()
        .collect();
    out.extend(extra.iter().cloned());
    out
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    if !ix.has_workloads() {
        return;
    }
    for (id, r, dr) in ix.destination_rules() {
        if dr.subsets.is_empty() {
            continue;
        }
        let Some(fqdn) = ix.dr_host(id) else { continue };
        if host_known(ix, fqdn) != Some(true) {
            continue;
        }
        // the workload selectors behind the host: (namespace, selector, what, span)
        let mut backends: Vec<(&str, &Labels, String, Span)> = Vec::new();
        let mut opaque = false;
        for &sid in ix.services_for_host(fqdn) {
            let s = ix.resource(sid);
            match &s.spec {
                Spec::Service(svc) if !svc.selector.is_empty() => backends.push((
                    s.namespace.as_str(),
                    &svc.selector,
                    format!("Service `{}/{}`", s.namespace, s.name),
                    svc.selector[0].0.span,
                )),
                _ => opaque = true,
            }
        }
        for sid in ix.service_entries_for_host(fqdn) {
            let s = ix.resource(sid);
            match &s.spec {
                Spec::ServiceEntry(se) => match &se.workload_selector {
                    Some(ws) if !ws.is_empty() => backends.push((
                        s.namespace.as_str(),
                        ws,
                        format!("ServiceEntry `{}/{}`", s.namespace, s.name),
                        ws[0].0.span,
                    )),
                    _ => opaque = true,
                },
                _ => opaque = true,
            }
        }
        // endpoints we cannot see (no selector, static endpoints): say nothing
        if opaque || backends.is_empty() {
            continue;
        }
        for subset in &dr.subsets {
            if subset.labels.is_empty() {
                continue;
            }
            let selected = backends.iter().any(|(ns, sel, _, _)| {
                !ix.workloads_selected(Some(ns), &merge(sel, &subset.labels))
                    .is_empty()
            });
            if selected {
                continue;
            }
            let name = subset.name.as_ref().map(|n| n.value.as_str()).unwrap_or("");
            let labels: Vec<String> = subset
                .labels
                .iter()
                .map(|(k, v)| format!("{}={}", k.value, v.value))
                .collect();
            let mut d = Diagnostic::new(
                &META,
                format!(
                    "subset `{name}` of DestinationRule `{}/{}` selects no workload of host `{fqdn}`",
                    r.namespace, r.name
                ),
            )
            .at(subset.labels[0].0.span, format!("no workload of the host has {}", labels.join(", ")))
            .istio_args([name]);
            for (_, _, what, span) in &backends {
                d = d.related(*span, format!("{what} selects its workloads here"));
            }
            d = d.help(format!(
                "fix the labels of subset `{name}` to match the pods of the service (or add the workload that carries them); traffic routed to this subset fails with 503 (no healthy upstream)"
            ));
            cx.report(r, d);
        }
    }
}
