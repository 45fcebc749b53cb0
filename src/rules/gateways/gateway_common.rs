//! Helpers shared by the gateway rules: iterating Istio Gateways, their selectors and the
//! workloads those select.

use crate::index::{Index, ResourceId};
use crate::model::istio::Gateway;
use crate::model::{Labels, Resource, Spec};
use crate::source::Span;
use std::collections::HashSet;

/// Every Istio Gateway with its spec.
pub fn gateways<'a, 'r>(
    ix: &'a Index<'r>,
) -> impl Iterator<Item = (ResourceId, &'r Resource, &'r Gateway)> + 'a {
    ix.of_kind("Gateway").iter().filter_map(|&id| {
        let r = ix.resource(id);
        match &r.spec {
            Spec::Gateway(g) => Some((id, r, g)),
            _ => None,
        }
    })
}

/// A selector the way Kubernetes prints it: `k=v` pairs sorted by key, comma-separated.
pub fn selector_string(sel: &Labels) -> String {
    let mut pairs: Vec<String> = sel
        .iter()
        .map(|(k, v)| format!("{}={}", k.value, v.value))
        .collect();
    pairs.sort();
    pairs.dedup();
    pairs.join(",")
}

/// Where to point at a gateway's selector: its first label, else the gateway's name.
pub fn selector_span(r: &Resource, g: &Gateway) -> Span {
    g.selector
        .first()
        .map(|(k, v)| k.span.to(v.span))
        .unwrap_or(r.name_span)
}

/// The workloads (Pods and pod templates, in any namespace) a Gateway's selector matches; an
/// empty selector matches every workload, as Kubernetes label selectors do.
pub fn selected_workloads(ix: &Index, g: &Gateway) -> Vec<ResourceId> {
    ix.workloads_selected(None, &g.selector)
}

/// Whether the gateway workloads a selector is meant for can be in the input at all: some
/// workload carries every label key of the selector. When none does (an application repository
/// without the Istio-installed `istio: ingressgateway` deployment), a selector that matches
/// nothing says nothing about the cluster.
///
/// A selector that matches the mesh's default ingress gateway (`istio: ingressgateway`, or
/// `istio: <ingressSelector>` from the mesh config, in the root namespace) is never decidable
/// unless `ingressControllerMode: OFF`: that gateway is installed with Istio and assumed to
/// exist, as istioctl assumes when it analyzes files.
pub fn selector_decidable(ix: &Index, g: &Gateway, keys: &HashSet<&str>) -> bool {
    !selects_default_ingress(ix, g)
        && ix.has_workloads()
        && g.selector
            .iter()
            .all(|(k, _)| keys.contains(k.value.as_str()))
}

/// Whether a Gateway's selector matches the pod of the mesh's default ingress gateway (labels
/// `istio: <ingressSelector, default ingressgateway>`), assumed to exist unless the mesh config
/// says `ingressControllerMode: OFF`.
pub fn selects_default_ingress(ix: &Index, g: &Gateway) -> bool {
    if ix.mesh.ingress_controller_off {
        return false;
    }
    let value = ix
        .mesh
        .ingress_selector
        .as_deref()
        .unwrap_or("ingressgateway");
    g.selector
        .iter()
        .all(|(k, v)| k.value == "istio" && v.value == value)
}

/// The label keys of every workload in the input (one pass).
pub fn workload_label_keys<'r>(ix: &Index<'r>) -> HashSet<&'r str> {
    let mut keys = HashSet::new();
    for id in ix.workloads_selected(None, &Vec::new()) {
        let r = ix.resource(id);
        // the built-in table of Istio's defaults is no evidence of which labels are in use
        if ix.origin(r).role == crate::source::Role::Builtin {
            continue;
        }
        if let Spec::Workload(w) = &r.spec {
            keys.extend(w.pod_labels.iter().map(|(k, _)| k.value.as_str()));
        }
    }
    keys
}

/// `(a) ⊆ (b)`: every label of `a` is in `b` with the same value.
pub fn selector_subset(a: &Labels, b: &Labels) -> bool {
    crate::index::labels_subset(a, b)
}

/// `` `a`, `b` `` for messages.
pub fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
