//! Index queries about workloads: their pod labels and annotations, mesh membership and ambient
//! mode as Istio's analyzers decide them (`analyzers/util/in_mesh.go`), and which workloads of a
//! namespace a selector picks.

use crate::index::{Index, ResourceId};
use crate::model::{Labels, Resource, Spec};

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

/// Workloads of `ns` whose pod labels include `selector`, sorted by id.
pub fn selected_in_namespace(ix: &Index, ns: &str, selector: &Labels) -> Vec<ResourceId> {
    let mut v = ix.workloads_selected(Some(ns), selector);
    v.sort_unstable();
    v.dedup();
    v
}
