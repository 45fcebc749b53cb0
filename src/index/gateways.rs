//! Index queries about Istio Gateways: every Gateway with its spec, the workloads its selector
//! matches, and whether that match can be decided from the input.

use crate::index::{Index, ResourceId};
use crate::model::istio::Gateway;
use crate::model::{Resource, Spec};
use std::collections::HashSet;

/// Every Istio Gateway with its spec.
pub fn istio_gateways<'a, 'r>(
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

/// The workloads (Pods and pod templates, in any namespace) a Gateway's selector matches; an
/// empty selector matches every workload, as Kubernetes label selectors do.
pub fn selected_by_gateway(ix: &Index, g: &Gateway) -> Vec<ResourceId> {
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
        if ix.role(r) == crate::source::Role::Builtin {
            continue;
        }
        if let Spec::Workload(w) = &r.spec {
            keys.extend(w.pod_labels.iter().map(|(k, _)| k.value.as_str()));
        }
    }
    keys
}

/// Whether a server of a Gateway of namespace `gateway_ns` serves a VirtualService of
/// namespace `vs_ns` with hosts `vs_hosts` (istiod's `pickMatchingGatewayHosts`): a server host
/// `ns/host` only counts for VirtualServices of `ns` (`./host`: the Gateway's namespace,
/// `*/host` and `host`: any), and the host must match a VirtualService host (wildcards both ways).
pub fn server_serves(
    server: &crate::model::istio::Server,
    gateway_ns: &str,
    vs_ns: &str,
    vs_hosts: &[crate::source::Spanned<crate::source::Str>],
) -> bool {
    server.hosts.iter().any(|gh| {
        let (ns, h) = match gh.value.split_once('/') {
            Some((".", h)) => (Some(gateway_ns), h),
            Some(("*", h)) => (None, h),
            Some((ns, h)) => (Some(ns), h),
            None => (None, gh.value.as_str()),
        };
        ns.is_none_or(|ns| ns == vs_ns)
            && vs_hosts.iter().any(|vh| super::host::matches(h, &vh.value))
    })
}
