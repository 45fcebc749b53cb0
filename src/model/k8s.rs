//! Core Kubernetes kinds the mesh refers to: Services and workloads (Pods and pod templates).
//! Their schemas are large and not ours; we read only what the analysis needs and never report
//! unknown fields in them.

use super::reader::Cx;
use super::Labels;
use crate::source::{Spanned, Str};
use crate::yaml::Value;

#[derive(Debug, Clone, Default)]
pub struct Service {
    pub selector: Labels,
    pub ports: Vec<ServicePort>,
    pub type_: Option<Spanned<Str>>,
    pub external_name: Option<Spanned<Str>>,
}

#[derive(Debug, Clone)]
pub struct ServicePort {
    pub name: Option<Spanned<Str>>,
    pub port: Option<Spanned<i64>>,
    /// A number or a named container port.
    pub target_port: Option<Spanned<Str>>,
    pub protocol: Option<Spanned<Str>>,
    pub app_protocol: Option<Spanned<Str>>,
}

/// A Pod or a pod template of a controller.
#[derive(Debug, Clone, Default)]
pub struct Workload {
    /// The pod's labels (the template's labels for controllers).
    pub pod_labels: Labels,
    pub replicas: Option<Spanned<i64>>,
    pub container_ports: Vec<(Option<Str>, i64)>,
    pub containers: Vec<Str>,
    /// The pod template's Istio annotations (a Pod's own are on the resource).
    pub template_annotations: Labels,
    /// Pod-level `securityContext.runAsUser`.
    pub run_as_user: Option<Spanned<i64>>,
    /// Container-level `securityContext.runAsUser`, with the container name.
    pub container_run_as_user: Vec<(Str, Spanned<i64>)>,
    /// An `istio-proxy` container (or init container) with an image: an injected sidecar.
    pub has_istio_proxy: bool,
}

pub fn service<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> Service {
    let mut s = Service::default();
    let Some(spec) = spec.filter(|v| v.is_map()) else {
        return s;
    };
    s.selector = cx.string_map(spec.get("selector"), "selector");
    s.type_ = cx.string(spec.get("type"), "type");
    s.external_name = cx.string(spec.get("externalName"), "externalName");
    for p in cx.list(spec.get("ports"), "ports") {
        if !p.is_map() {
            continue;
        }
        let target_port = p.get("targetPort").and_then(|t| {
            t.scalar()
                .map(|(v, _)| Spanned::new(Str::from(v), t.span()))
        });
        s.ports.push(ServicePort {
            name: cx.string(p.get("name"), "name"),
            port: cx.int(p.get("port"), "port", false),
            target_port,
            protocol: cx.string(p.get("protocol"), "protocol"),
            app_protocol: cx.string(p.get("appProtocol"), "appProtocol"),
        });
    }
    s
}

fn pod_spec<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>, w: &mut Workload) {
    let Some(spec) = spec.filter(|v| v.is_map()) else {
        return;
    };
    w.run_as_user = run_as_user(cx, spec);
    for c in cx.list(spec.get("initContainers"), "initContainers") {
        w.has_istio_proxy |= is_istio_proxy(c);
        // a native sidecar (restartPolicy: Always) keeps running and serves its ports; Kubernetes
        // resolves named target ports on it too (FindPort)
        let sidecar = c
            .get("restartPolicy")
            .and_then(|v| v.scalar())
            .is_some_and(|v| v.0 == "Always");
        if sidecar {
            container_ports(cx, c, w);
        }
    }
    for c in cx.list(spec.get("containers"), "containers") {
        if !c.is_map() {
            continue;
        }
        w.has_istio_proxy |= is_istio_proxy(c);
        let name = c
            .get("name")
            .and_then(|n| n.scalar())
            .map(|n| Str::from(n.0));
        if let Some(n) = &name {
            w.containers.push(n.clone());
        }
        if let Some(uid) = run_as_user(cx, c) {
            w.container_run_as_user
                .push((name.clone().unwrap_or_default(), uid));
        }
        container_ports(cx, c, w);
    }
    // kept for the whole run: no spare capacity
    w.containers.shrink_to_fit();
    w.container_ports.shrink_to_fit();
    w.container_run_as_user.shrink_to_fit();
}

/// Istio's `hasIstioProxy`: a container named `istio-proxy` with a non-empty image.
/// The `ports[].containerPort` (with their names) of one container.
fn container_ports<'a>(cx: &mut Cx<'a>, c: Value<'a>, w: &mut Workload) {
    for p in cx.list(c.get("ports"), "ports") {
        if !p.is_map() {
            continue;
        }
        if let Some(n) = cx.int(p.get("containerPort"), "containerPort", false) {
            let name = p
                .get("name")
                .and_then(|n| n.scalar())
                .map(|s| Str::from(s.0));
            w.container_ports.push((name, n.value));
        }
    }
}

fn is_istio_proxy(c: Value) -> bool {
    let s = |k: &str| c.get(k).and_then(|v| v.scalar()).map(|s| s.0);
    c.is_map() && s("name") == Some("istio-proxy") && s("image").is_some_and(|i| !i.is_empty())
}

/// `securityContext.runAsUser` of a pod spec or a container.
fn run_as_user<'a>(cx: &mut Cx<'a>, v: Value<'a>) -> Option<Spanned<i64>> {
    let sc = v.get("securityContext").filter(|s| s.is_map())?;
    cx.int(sc.get("runAsUser"), "securityContext.runAsUser", false)
}

pub fn pod<'a>(cx: &mut Cx<'a>, labels: &Labels, spec: Option<Value<'a>>) -> Workload {
    let mut w = Workload {
        pod_labels: labels.clone(),
        ..Workload::default()
    };
    pod_spec(cx, spec, &mut w);
    w
}

pub fn pod_template<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> Option<Workload> {
    let spec = spec.filter(|v| v.is_map())?;
    let template = spec.get("template").filter(|t| t.is_map())?;
    let mut w = Workload {
        pod_labels: cx.string_map(
            template.get("metadata").and_then(|m| m.get("labels")),
            "template.metadata.labels",
        ),
        replicas: cx.int(spec.get("replicas"), "replicas", false),
        template_annotations: super::istio_annotations(cx.string_map(
            template.get("metadata").and_then(|m| m.get("annotations")),
            "template.metadata.annotations",
        )),
        ..Workload::default()
    };
    pod_spec(cx, template.get("spec"), &mut w);
    Some(w)
}
