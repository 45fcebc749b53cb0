//! Index queries about Kubernetes objects as Istio reads them: system namespaces, the control
//! plane and gateways, which Services select which workloads, and with which port protocols.

use crate::index::{Index, ResourceId};
use crate::model::k8s::Workload;
use crate::model::{Resource, Spec};
use std::collections::HashMap;

/// Namespaces istioctl drops on load (`inject.IgnoredNamespaces`).
pub fn is_system_namespace(ns: &str) -> bool {
    matches!(
        ns,
        "kube-system" | "kube-public" | "kube-node-lease" | "local-path-storage"
    )
}

fn label<'r>(r: &'r Resource, key: &str) -> Option<&'r str> {
    r.labels
        .iter()
        .find(|(k, _)| k.value == key)
        .map(|(_, v)| v.value.as_str())
}

/// Istio's `IsIstioControlPlane`: labelled `istio` (any value) or `release=istio`.
pub fn is_istio_control_plane(r: &Resource) -> bool {
    label(r, "istio").is_some() || label(r, "release") == Some("istio")
}

/// Services and Deployments that Istio's gateway controllers generate (waypoints, gateways).
pub fn is_managed_gateway(r: &Resource) -> bool {
    matches!(
        label(r, "gateway.istio.io/managed"),
        Some(
            "istio.io-gateway-controller"
                | "istio.io-mesh-controller"
                | "istio.io-eastwest-controller"
        )
    )
}

pub fn is_waypoint(r: &Resource) -> bool {
    label(r, "gateway.istio.io/managed") == Some("istio.io-mesh-controller")
}

/// Whether a workload runs with a sidecar: an injected `istio-proxy` container, the
/// `sidecar.istio.io/inject` pod label or annotation, or its namespace's injection label.
/// A namespace that is not in the input is assumed to be injected (istioctl assumes it is not).
pub fn in_mesh(ix: &Index, r: &Resource, w: &Workload) -> bool {
    if w.has_istio_proxy {
        return true;
    }
    let key = "sidecar.istio.io/inject";
    if let Some((_, v)) = w.pod_labels.iter().find(|(k, _)| k.value == key) {
        return v.value == "true";
    }
    let annotations = if r.kind == "Pod" {
        &r.annotations
    } else {
        &w.template_annotations
    };
    if let Some((_, v)) = annotations.iter().find(|(k, _)| k.value == key) {
        return v.value == "true";
    }
    match ix.get("Namespace", "", &r.namespace) {
        Some(id) => {
            let ns = ix.resource(id);
            label(ns, "istio-injection") == Some("enabled")
                || (label(ns, "istio-injection").is_none()
                    && label(ns, "istio.io/rev").is_some_and(|v| !v.is_empty()))
        }
        None => true,
    }
}

/// For every workload, the Services of its namespace whose non-empty selector selects it,
/// found through the index's label lookup (one lookup per Service).
pub fn services_by_workload(ix: &Index) -> HashMap<ResourceId, Vec<ResourceId>> {
    let mut out: HashMap<ResourceId, Vec<ResourceId>> = HashMap::new();
    for &sid in ix.of_kind("Service") {
        let r = ix.resource(sid);
        let Spec::Service(svc) = &r.spec else {
            continue;
        };
        if svc.selector.is_empty() {
            continue;
        }
        for wid in ix.workloads_selected(Some(&r.namespace), &svc.selector) {
            out.entry(wid).or_default().push(sid);
        }
    }
    out
}

/// Istio's `ConvertProtocol`: the protocol of a Service port from `protocol`, `appProtocol`
/// and the `<protocol>[-suffix]` name. `None` when it cannot be determined (Istio sniffs).
pub fn service_port_protocol(
    port: Option<i64>,
    name: &str,
    protocol: Option<&str>,
    app_protocol: Option<&str>,
) -> Option<&'static str> {
    if protocol == Some("UDP") {
        return Some("UDP");
    }
    let name = match app_protocol {
        Some(ap) => match ap {
            "kubernetes.io/h2c" => return Some("HTTP2"),
            "kubernetes.io/ws" => return Some("HTTP"),
            "kubernetes.io/wss" => return Some("HTTPS"),
            _ => ap,
        },
        None => name,
    };
    if name.len() >= 8 && name[..8].eq_ignore_ascii_case("grpc-web") {
        return Some("GRPC-Web");
    }
    let prefix = name.split('-').next().unwrap_or("");
    let p = match prefix.to_ascii_lowercase().as_str() {
        "tcp" => Some("TCP"),
        "udp" => Some("UDP"),
        "grpc" => Some("GRPC"),
        "http" => Some("HTTP"),
        "http_proxy" => Some("HTTP_PROXY"),
        "http2" => Some("HTTP2"),
        "https" => Some("HTTPS"),
        "tls" => Some("TLS"),
        "mongo" => Some("Mongo"),
        "redis" => Some("Redis"),
        "mysql" => Some("MySQL"),
        _ => None,
    };
    p.or_else(|| matches!(port, Some(25 | 53 | 3306 | 27017)).then_some("TCP"))
}

/// Controllers whose pod template is a workload (istioctl's MultiServiceAnalyzer looks at these).
pub const CONTROLLERS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"];

/// In-mesh, non-waypoint controller workloads with the Services (in their namespace) that
/// select them, in input order; workloads no Service selects are left out.
pub fn meshed_controllers_with_services<'r>(
    ix: &Index<'r>,
) -> Vec<(&'r Resource, &'r Workload, Vec<ResourceId>)> {
    let mut by_workload = services_by_workload(ix);
    let mut out = Vec::new();
    for kind in CONTROLLERS {
        for &id in ix.of_kind(kind) {
            let r = ix.resource(id);
            let crate::model::Spec::Workload(w) = &r.spec else {
                continue;
            };
            let Some(services) = by_workload.remove(&id) else {
                continue;
            };
            if is_waypoint(r) || !in_mesh(ix, r, w) {
                continue;
            }
            out.push((r, w, services));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols() {
        assert_eq!(
            service_port_protocol(Some(80), "http-web", None, None),
            Some("HTTP")
        );
        assert_eq!(
            service_port_protocol(Some(80), "grpc-web-x", None, None),
            Some("GRPC-Web")
        );
        assert_eq!(service_port_protocol(Some(80), "web", None, None), None);
        assert_eq!(
            service_port_protocol(Some(3306), "", None, None),
            Some("TCP")
        );
        assert_eq!(
            service_port_protocol(Some(80), "web", None, Some("http")),
            Some("HTTP")
        );
        assert_eq!(
            service_port_protocol(Some(80), "", Some("UDP"), None),
            Some("UDP")
        );
        assert_eq!(
            service_port_protocol(Some(80), "http", None, Some("hbone")),
            None
        );
    }
}
