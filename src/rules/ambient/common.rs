//! What the ambient rules share: how an object is bound to a waypoint (`istio.io/use-waypoint`,
//! `istio.io/use-waypoint-namespace`, on the object or inherited from its Namespace), which
//! traffic a waypoint carries (`istio.io/waypoint-for`) and which namespaces may attach to it.
//!
//! Semantics: pilot/pkg/serviceregistry/ambient/waypoints.go (`GetUseWaypoint`,
//! `fetchWaypointForTarget`, `fetchWaypointForService`, `fetchWaypointForWorkload`,
//! `gatewayToWaypointTransform`, `makeAllowedRoutes`, `AllowsAttachmentFromNamespace`).

use crate::index::workloads::{label, namespace_object};
use crate::index::{Index, ResourceId};
use crate::model::gateway_api::{Gateway, Object};
use crate::model::{Labels, Resource, Spec};
use crate::source::{Span, Spanned, Str};

pub const USE_WAYPOINT: &str = "istio.io/use-waypoint";
pub const USE_WAYPOINT_NAMESPACE: &str = "istio.io/use-waypoint-namespace";
pub const WAYPOINT_FOR: &str = "istio.io/waypoint-for";
pub const WAYPOINT_CLASS: &str = "istio-waypoint";

/// A label (key and value spans) by key.
pub fn label_entry<'l>(labels: &'l Labels, key: &str) -> Option<&'l (Spanned<Str>, Spanned<Str>)> {
    labels.iter().find(|(k, _)| k.value == key)
}

/// The labels istiod reads `use-waypoint` from: a workload's pod labels, else the object's own.
pub fn binding_labels(r: &Resource) -> &Labels {
    match &r.spec {
        Spec::Workload(w) => &w.pod_labels,
        _ => &r.labels,
    }
}

/// The namespace a `use-waypoint` label without `use-waypoint-namespace` refers to: the
/// object's own (a Namespace's name for a Namespace).
pub fn home_namespace(r: &Resource) -> &str {
    if matches!(r.spec, Spec::Namespace) {
        r.name.as_str()
    } else {
        r.namespace.as_str()
    }
}

/// A `use-waypoint` label naming a waypoint.
#[derive(Debug, Clone)]
pub struct Named<'r> {
    /// The `istio.io/use-waypoint` label (key, value).
    pub label: &'r (Spanned<Str>, Spanned<Str>),
    /// `istio.io/use-waypoint-namespace`, when written.
    pub namespace_label: Option<&'r (Spanned<Str>, Spanned<Str>)>,
    pub namespace: String,
}

impl Named<'_> {
    pub fn name(&self) -> &str {
        self.label.1.value.as_str()
    }

    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name())
    }

    /// The span to point at: the label's value.
    pub fn span(&self) -> Span {
        self.label.1.span
    }
}

/// What a set of labels says about waypoints (`GetUseWaypoint`).
#[derive(Debug, Clone)]
pub enum UseWaypoint<'r> {
    /// No `use-waypoint` label.
    Absent,
    /// `istio.io/use-waypoint: none`: an explicit opt-out.
    Opted(Span),
    Named(Named<'r>),
}

pub fn use_waypoint<'r>(labels: &'r Labels, default_ns: &str) -> UseWaypoint<'r> {
    let Some(l) = label_entry(labels, USE_WAYPOINT) else {
        return UseWaypoint::Absent;
    };
    if l.1.value == "none" {
        return UseWaypoint::Opted(l.1.span);
    }
    let namespace_label = label_entry(labels, USE_WAYPOINT_NAMESPACE);
    UseWaypoint::Named(Named {
        label: l,
        namespace_label,
        namespace: namespace_label
            .map(|n| n.1.value.to_string())
            .unwrap_or_else(|| default_ns.to_string()),
    })
}

/// Where an object's waypoint binding comes from.
#[derive(Debug, Clone)]
pub enum Binding<'r> {
    /// The object's own label.
    Own(Named<'r>),
    /// Its Namespace's label (the Namespace object).
    Namespace(Named<'r>, &'r Resource),
    /// No waypoint: opted out, or neither the object nor its Namespace (when in the input)
    /// names one.
    None,
    /// The object has no label and the input does not hold its Namespace: unknown.
    Unknown,
}

impl<'r> Binding<'r> {
    pub fn named(&self) -> Option<&Named<'r>> {
        match self {
            Binding::Own(n) | Binding::Namespace(n, _) => Some(n),
            _ => None,
        }
    }
}

/// The waypoint binding of a Service, ServiceEntry or workload (`fetchWaypointForTarget`).
pub fn binding<'r>(ix: &Index<'r>, r: &'r Resource) -> Binding<'r> {
    let ns = home_namespace(r);
    match use_waypoint(binding_labels(r), ns) {
        UseWaypoint::Opted(_) => return Binding::None,
        UseWaypoint::Named(n) => return Binding::Own(n),
        UseWaypoint::Absent => {}
    }
    if matches!(r.spec, Spec::Namespace) {
        return Binding::None;
    }
    let Some(n) = namespace_object(ix, ns) else {
        return Binding::Unknown;
    };
    match use_waypoint(&n.labels, ns) {
        UseWaypoint::Named(named) => Binding::Namespace(named, n),
        _ => Binding::None,
    }
}

/// A waypoint Gateway of the input.
pub struct Waypoint<'r> {
    pub id: ResourceId,
    pub r: &'r Resource,
    pub gateway: &'r Gateway,
}

pub fn waypoint<'r>(ix: &Index<'r>, ns: &str, name: &str) -> Option<Waypoint<'r>> {
    let id = ix.kube_gateway(ns, name)?;
    let r = ix.resource(id);
    match crate::index::gateway_api::object(r).map(|g| &g.object) {
        Some(Object::Gateway(gateway)) => Some(Waypoint { id, r, gateway }),
        _ => None,
    }
}

/// Where a waypoint's traffic type comes from.
pub enum TrafficTypeSource {
    /// The Gateway's `istio.io/waypoint-for` label (its value's span).
    Gateway(Span),
    /// The GatewayClass's label.
    Class(Span),
    /// Neither sets it: `service`.
    Default,
}

/// The traffic type of a waypoint (`gatewayToWaypointTransform`): the Gateway's
/// `istio.io/waypoint-for` label, else its GatewayClass's, else `service`. `None` when the
/// Gateway has no label and its class (other than the built-in `istio-waypoint`, which istiod
/// creates without labels) is not in the input.
pub fn traffic_type<'r>(ix: &Index<'r>, w: &Waypoint<'r>) -> Option<(&'r str, TrafficTypeSource)> {
    if let Some((_, v)) = label_entry(&w.r.labels, WAYPOINT_FOR) {
        return Some((v.value.as_str(), TrafficTypeSource::Gateway(v.span)));
    }
    let class = w.gateway.class_name.as_ref().map(|c| c.value.as_str());
    if let Some((cid, _)) = class.and_then(|c| ix.gateway_class(c)) {
        let cr = ix.resource(cid);
        if let Some((_, v)) = label_entry(&cr.labels, WAYPOINT_FOR) {
            return Some((v.value.as_str(), TrafficTypeSource::Class(v.span)));
        }
        return Some(("service", TrafficTypeSource::Default));
    }
    if class == Some(WAYPOINT_CLASS) {
        return Some(("service", TrafficTypeSource::Default));
    }
    None
}

/// Whether a waypoint accepts objects of namespace `ns` (`makeAllowedRoutes` and
/// `AllowsAttachmentFromNamespace`): the `allowedRoutes.namespaces` of its HBONE listener
/// (port 15008), `Same` without one. `None` when undecidable from the input (an inbound
/// binding annotation picks another listener; a `Selector` and the Namespace object of `ns`
/// is not in the input). Returns the span of what decided it.
pub fn allows_namespace(ix: &Index, w: &Waypoint, ns: &str) -> Option<(bool, Option<Span>)> {
    if label(
        &w.r.annotations,
        "ambient.istio.io/waypoint-inbound-binding",
    )
    .is_some()
    {
        return None;
    }
    let listener = w.gateway.listeners.iter().find(|l| {
        l.port.as_ref().is_some_and(|p| p.value == 15008)
            && l.protocol.as_ref().is_some_and(|p| p.value == "HBONE")
    });
    let Some(l) = listener else {
        return Some((w.r.namespace == ns, None));
    };
    let allowed = &l.allowed_routes;
    let from = allowed
        .from
        .as_ref()
        .map(|f| f.value.as_str())
        .unwrap_or("Same");
    let span = allowed
        .from
        .as_ref()
        .map(|f| f.span)
        .or(allowed.span)
        .or(Some(l.span));
    match from {
        "All" => Some((true, span)),
        "Selector" => {
            let sel = allowed.selector.as_ref()?;
            let labels = ix.namespace_labels(ns)?;
            let mut with_name = labels.clone();
            if label(labels, "kubernetes.io/metadata.name").is_none() {
                let k = Spanned::new(Str::from("kubernetes.io/metadata.name"), sel.span);
                with_name.push((k, Spanned::new(Str::from(ns), sel.span)));
            }
            Some((sel.matches(&with_name), span))
        }
        _ => Some((w.r.namespace == ns, span)),
    }
}

/// A waypoint's own proxy or an east-west gateway's Service: never bound to a waypoint
/// (`fetchWaypointForService`).
pub fn is_gateway_service(r: &Resource) -> bool {
    matches!(
        label(&r.labels, "gateway.istio.io/managed"),
        Some("istio.io-mesh-controller" | "istio.io-eastwest-controller")
    )
}

/// Whether a workload runs a sidecar (an injected `istio-proxy`, or asks for one with
/// `sidecar.istio.io/inject: "true"`).
pub fn has_sidecar(r: &Resource) -> bool {
    let Spec::Workload(w) = &r.spec else {
        return false;
    };
    w.has_istio_proxy
        || label(&w.pod_labels, "sidecar.istio.io/inject") == Some("true")
        || label(
            crate::index::workloads::template_annotations(r),
            "sidecar.istio.io/inject",
        ) == Some("true")
}

/// Whether a workload is a Gateway API gateway's (a waypoint's or an ingress's) proxy.
pub fn is_gateway_pod(r: &Resource) -> bool {
    crate::index::workloads::pod_labels(r)
        .is_some_and(|l| label(l, "gateway.networking.k8s.io/gateway-name").is_some())
}

/// Whether a selector picks a Gateway API gateway's pods by their gateway-name label.
pub fn selects_gateway_pods(labels: &Labels) -> bool {
    labels.iter().any(|(k, _)| {
        k.value == "gateway.networking.k8s.io/gateway-name" || k.value == "istio.io/gateway-name"
    })
}

/// Whether a workload is out of ambient mode by its own labels
/// (`istio.io/dataplane-mode: none`).
pub fn opted_out_of_ambient(r: &Resource) -> bool {
    crate::index::workloads::pod_labels(r)
        .is_some_and(|l| label(l, "istio.io/dataplane-mode") == Some("none"))
}

/// Whether istiod reads waypoint labels on this kind of object (Namespace, Service,
/// ServiceEntry, Pod or pod template).
pub fn may_bind(r: &Resource) -> bool {
    matches!(
        r.spec,
        Spec::Namespace | Spec::Service(_) | Spec::ServiceEntry(_) | Spec::Workload(_)
    )
}

/// Every object of the input with its own `use-waypoint` label naming a waypoint, in input
/// order.
pub fn labelled<'r>(ix: &Index<'r>) -> Vec<(&'r Resource, Named<'r>)> {
    ix.resources
        .iter()
        .filter(|r| may_bind(r))
        .filter_map(
            |r| match use_waypoint(binding_labels(r), home_namespace(r)) {
                UseWaypoint::Named(n) => Some((r, n)),
                _ => None,
            },
        )
        .collect()
}

/// How an object is named in messages: `Kind ns/name`, or `Namespace name`.
pub fn describe(r: &Resource) -> String {
    if matches!(r.spec, Spec::Namespace) {
        format!("Namespace `{}`", r.name)
    } else {
        format!("{} `{}/{}`", r.kind, r.namespace, r.name)
    }
}
