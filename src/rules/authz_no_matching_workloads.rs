//! `authz-no-matching-workloads` (IST0127): an AuthorizationPolicy applies to no workload in the
//! mesh.

use super::workload_util::{describe, in_mesh, labels_span, pod_labels, selector_text};
use super::RuleCx;
use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::labels_subset;
use crate::model::{Labels, Spec};
use std::collections::HashMap;

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
    // in-mesh workloads' pod labels, by namespace
    let mut mesh_pods: HashMap<&str, Vec<&Labels>> = HashMap::new();
    for (id, r) in ix.resources.iter().enumerate() {
        let _ = id;
        if let Some(labels) = pod_labels(r) {
            if in_mesh(ix, r) {
                mesh_pods
                    .entry(r.namespace.as_str())
                    .or_default()
                    .push(labels);
            }
        }
    }
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
        let matches_in = |ns: &str, sel: &Labels| {
            mesh_pods
                .get(ns)
                .is_some_and(|v| v.iter().any(|l| labels_subset(sel, l)))
        };
        let d = match &ap.attach.selector {
            Some(sel) if ns == root => {
                if mesh_pods.keys().any(|n| matches_in(n, &sel.match_labels)) {
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
                if matches_in(ns, &sel.match_labels) {
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
                if mesh_pods.get(ns).is_some_and(|v| !v.is_empty()) {
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
        cx.report(r, d);
    }
}
