//! `authz-no-matching-workloads` (IST0127): an AuthorizationPolicy applies to no workload in the
//! mesh.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::evidence::Class;
use crate::index::workloads::{maybe_in_mesh, pod_labels};
use crate::model::{Labels, Spec};
use crate::rules::workloads::selectors::{describe, labels_span, selector_text};
use crate::rules::RuleCx;
use std::collections::HashSet;

pub static META: RuleMeta = RuleMeta {
    code: "IST0127",
    name: "authz-no-matching-workloads",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: Some("auth.AuthorizationPoliciesAnalyzer"),
    summary: "an AuthorizationPolicy matches no workload in the mesh",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    if !ix.has_workloads() {
        return;
    }
    // whether an in-mesh workload of `ns` (any namespace: `None`) has the selector's labels;
    // candidates come from the label index, not from a scan of the namespace's workloads
    // (an empty selector: whether the namespace has any in-mesh workload, from a set built once)
    let mesh_namespaces: HashSet<&str> = ix
        .resources
        .iter()
        .filter(|r| pod_labels(r).is_some() && maybe_in_mesh(ix, r))
        .map(|r| r.namespace.as_str())
        .collect();
    let matches_in = |ns: Option<&str>, sel: &Labels| {
        if sel.is_empty() {
            return ns.map_or(!mesh_namespaces.is_empty(), |ns| {
                mesh_namespaces.contains(ns)
            });
        }
        ix.workloads_selected(ns, sel)
            .into_iter()
            .any(|w| maybe_in_mesh(ix, ix.resource(w)))
    };
    let no_labels = Labels::new();
    let root = ix.mesh.root_namespace.as_str();
    for &id in ix.of_kind("AuthorizationPolicy") {
        let r = ix.resource(id);
        let Spec::AuthorizationPolicy(ap) = &r.spec else {
            continue;
        };
        if ap.attach.target_ref.is_some() {
            continue;
        }
        let ns = r.namespace.as_str();
        // open world: without evidence that the namespace's workloads would be in the input
        // (they may be deployed from elsewhere), the finding is info and says so
        let unknown = ns != root && !ix.evidence(Class::Workload, ns, r);
        let d = match &ap.attach.selector {
            Some(sel) if ns == root => {
                if matches_in(None, &sel.match_labels) {
                    continue;
                }
                Diagnostic::new(
                    &META,
                    format!(
                        "mesh-wide {} (in root namespace `{root}`) selects {} but no workload in the mesh has those labels",
                        describe(r),
                        selector_text(&sel.match_labels)
                    ),
                )
                .at(labels_span(&sel.match_labels).unwrap_or(sel.span), "matches no in-mesh workload")
                .istio_args([selector_text(&sel.match_labels)])
                .help("fix `selector.matchLabels`, or make sure the workloads it targets have a sidecar or are ambient")
            }
            None if ns == root => continue,
            Some(sel) => {
                if matches_in(Some(ns), &sel.match_labels) {
                    continue;
                }
                Diagnostic::new(
                    &META,
                    format!(
                        "{} selects {} but no workload in namespace `{ns}` that is in the mesh has those labels",
                        describe(r),
                        selector_text(&sel.match_labels)
                    ),
                )
                .at(labels_span(&sel.match_labels).unwrap_or(sel.span), "matches no in-mesh workload")
                .istio_args([selector_text(&sel.match_labels)])
                .help(format!("fix `selector.matchLabels` to match in-mesh workloads of namespace `{ns}` (policies only select workloads of their own namespace)"))
            }
            None => {
                if matches_in(Some(ns), &no_labels) {
                    continue;
                }
                Diagnostic::new(
                    &META,
                    format!(
                        "namespace-wide {} applies to namespace `{ns}`, which has no workload in the mesh",
                        describe(r)
                    ),
                )
                .at(r.name_span, "applies to no in-mesh workload")
                .istio_args([""])
                .help(format!("deploy the workloads of namespace `{ns}` with a sidecar (label the namespace `istio-injection: enabled`) or in ambient mode, or move the policy to the namespace of its workloads"))
            }
        };
        let d = if unknown {
            let mut d = d.severity(Severity::Info);
            d.message.push_str(&format!(
                " (no workload of namespace `{ns}` is in the input next to it: it may be deployed from elsewhere)"
            ));
            d
        } else {
            d
        };
        cx.report(r, d);
    }
}
