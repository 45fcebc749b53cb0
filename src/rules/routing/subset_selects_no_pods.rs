//! `subset-selects-no-pods` (IST0173): a DestinationRule subset that a VirtualService sends
//! traffic to selects none of the workloads behind its host. The analysis is shared with
//! `unrouted-subset-selects-no-pods` (the same code, a warning), which reports the subsets no
//! route of the input uses.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::evidence::Class;
use crate::index::Index;
use crate::model::{Labels, Spec};
use crate::rules::routing::destinationrule_host_not_found::host_known;
use crate::rules::RuleCx;
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    code: "IST0173",
    name: "subset-selects-no-pods",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("destinationrule.SubsetSelectPodAnalyzer"),
    summary: "a DestinationRule subset that receives traffic selects none of the workloads behind its host",
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

/// What stands behind a host.
enum Backend<'r> {
    /// A Service selector or a ServiceEntry `workloadSelector`: the Pods (workloads) and
    /// WorkloadEntries of `ns` it selects.
    Selector {
        ns: &'r str,
        labels: &'r Labels,
        owner: &'r crate::model::Resource,
        span: Span,
    },
    /// A ServiceEntry's static `endpoints`, each with its labels.
    Endpoints {
        eps: &'r [(Span, Labels)],
        owner: &'r crate::model::Resource,
        span: Span,
    },
}

impl Backend<'_> {
    fn selects(&self, ix: &Index, subset: &Labels) -> bool {
        match self {
            Backend::Selector { ns, labels, .. } => {
                let merged = merge(labels, subset);
                ix.any_workload_selected(Some(ns), &merged)
                    || !ix.workload_entries_selected(ns, &merged).is_empty()
            }
            Backend::Endpoints { eps, .. } => eps.iter().any(|(_, l)| {
                subset.iter().all(|(k, v)| {
                    l.iter()
                        .any(|(a, b)| a.value == k.value && b.value == v.value)
                })
            }),
        }
    }

    /// Written only for a finding (`Service ns/name`, `ServiceEntry ns/name`).
    fn label(&self) -> (Span, String) {
        let what = |r: &crate::model::Resource| format!("{} `{}/{}`", r.kind, r.namespace, r.name);
        match self {
            Backend::Selector { owner, span, .. } => {
                (*span, format!("{} selects its workloads here", what(owner)))
            }
            Backend::Endpoints { owner, span, .. } => {
                (*span, format!("{} lists its endpoints here", what(owner)))
            }
        }
    }
}

/// Reports the subsets that select nothing: those that receive traffic when `routed`, the others
/// otherwise.
pub fn report(cx: &mut RuleCx, meta: &'static RuleMeta, routed: bool) {
    let ix = cx.index;
    // selectors are only judged when the input has workloads to match
    let visible = ix.has_workloads() || !ix.of_kind("WorkloadEntry").is_empty();
    let traffic = ix.routed_subsets();
    for (id, r, dr) in ix.destination_rules() {
        if dr.subsets.is_empty() {
            continue;
        }
        let Some(fqdn) = ix.dr_host(id) else { continue };
        if host_known(ix, fqdn) != Some(true) {
            continue;
        }
        let mut backends: Vec<Backend> = Vec::new();
        let mut opaque = false;
        let mut evident = true;
        for &sid in ix.services_for_host(fqdn) {
            let s = ix.resource(sid);
            match &s.spec {
                // a Service defined far from the rule (another sample, another stage) says
                // nothing about the workloads this rule's cluster runs
                _ if !ix.next_to(s, r) => opaque = true,
                Spec::Service(svc) if !svc.selector.is_empty() && visible => {
                    // open world: without the namespace's workloads next to the rule, say so
                    evident &= ix.evidence(Class::Workload, &s.namespace, r);
                    backends.push(Backend::Selector {
                        ns: s.namespace.as_str(),
                        labels: &svc.selector,
                        owner: s,
                        span: svc.selector[0].0.span,
                    })
                }
                _ => opaque = true,
            }
        }
        for sid in ix.service_entries_for_host(fqdn) {
            let s = ix.resource(sid);
            match &s.spec {
                // as for Services: one defined far from the rule does not decide
                _ if !ix.next_to(s, r) => opaque = true,
                Spec::ServiceEntry(se) => match &se.workload_selector {
                    Some(ws) if !ws.is_empty() && visible => {
                        evident &= ix.evidence(Class::Workload, &s.namespace, r);
                        backends.push(Backend::Selector {
                            ns: s.namespace.as_str(),
                            labels: ws,
                            owner: s,
                            span: ws[0].0.span,
                        })
                    }
                    None if !se.endpoints.is_empty() => backends.push(Backend::Endpoints {
                        eps: &se.endpoints,
                        owner: s,
                        span: se.endpoints[0].0,
                    }),
                    _ => opaque = true,
                },
                _ => opaque = true,
            }
        }
        // endpoints we cannot see (no selector, DNS hosts, no workloads in the input): say nothing
        if opaque || backends.is_empty() {
            continue;
        }
        for subset in &dr.subsets {
            if subset.labels.is_empty() {
                continue;
            }
            let name = subset.name.as_ref().map(|n| n.value.as_str()).unwrap_or("");
            let sent = traffic.get(&(id, crate::source::Str::from(name)));
            if sent.is_some() != routed {
                continue;
            }
            if backends.iter().any(|b| b.selects(ix, &subset.labels)) {
                continue;
            }
            let labels: Vec<String> = subset
                .labels
                .iter()
                .map(|(k, v)| format!("{}={}", k.value, v.value))
                .collect();
            let message = if sent.is_some() {
                format!(
                    "subset `{name}` of DestinationRule `{}/{}` receives traffic but selects no workload of host `{fqdn}`",
                    r.namespace, r.name
                )
            } else {
                format!(
                    "subset `{name}` of DestinationRule `{}/{}` selects no workload of host `{fqdn}` (no route of the input sends traffic to it)",
                    r.namespace, r.name
                )
            };
            let mut d = Diagnostic::new(meta, message)
                .at(
                    subset.labels[0].0.span,
                    format!("no workload of the host has {}", labels.join(", ")),
                )
                .istio_args([name]);
            for b in &backends {
                let (span, label) = b.label();
                d = d.related(span, label);
            }
            if let Some(t) = sent {
                let vs = ix.resource(t.vs);
                d = d.related(
                    t.span,
                    format!(
                        "VirtualService `{}/{}` sends traffic to it",
                        vs.namespace, vs.name
                    ),
                );
                d = d.help(format!(
                    "fix the labels of subset `{name}` to match the workloads of the host (or deploy the workload that carries them); until then the traffic routed to it fails with 503 (no healthy upstream)"
                ));
            } else {
                d = d.help(format!(
                    "deploy the workload that carries these labels before routing to subset `{name}`, fix the labels, or remove the subset; a route to it would fail with 503 (no healthy upstream)"
                ));
            }
            if !evident {
                d = d.severity(Severity::Info);
                d.message.push_str(
                    " in the input (no workload of its namespace is next to the DestinationRule: they may be deployed from elsewhere)",
                );
            }
            cx.report(r, d);
        }
    }
}

pub fn check(cx: &mut RuleCx) {
    report(cx, &META, true);
}
