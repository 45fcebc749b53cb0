//! Lookups over the Kubernetes Gateway API objects: objects by (kind, namespace, name) within
//! the Gateway API groups (a Gateway API `Gateway` and an Istio `Gateway` of the same name are
//! different objects), routes and ListenerSets in input order, ReferenceGrants by namespace,
//! GatewayClasses by name and Namespace labels (for `allowedRoutes` selectors).

use super::{Index, ResourceId};
use crate::model::gateway_api::{self as gw, GatewayApi, Object};
use crate::model::{Labels, Resource, Spec};
use foldhash::HashMap;

#[derive(Debug, Default)]
pub struct GatewayApiIndex<'r> {
    by_key: HashMap<(&'r str, &'r str, &'r str), ResourceId>,
    gateways: Vec<ResourceId>,
    routes: Vec<ResourceId>,
    listener_sets: Vec<ResourceId>,
    policies: Vec<ResourceId>,
    grants_by_ns: HashMap<&'r str, Vec<ResourceId>>,
    classes: HashMap<&'r str, ResourceId>,
    namespace_objects: HashMap<&'r str, ResourceId>,
    /// istiod's verdicts, computed on first use ([`Index::gateway_api_status`]).
    pub(super) status: std::sync::OnceLock<super::gateway_api_status::Status>,
    /// The evidence classes of the objects of each file, built on first use
    /// ([`Index::file_holds`]).
    file_classes: std::sync::OnceLock<
        std::collections::HashSet<(crate::source::FileId, super::evidence::Class)>,
    >,
}

impl<'r> GatewayApiIndex<'r> {
    pub(super) fn add(&mut self, id: ResourceId, r: &'r Resource) {
        if matches!(r.spec, Spec::Namespace) {
            self.namespace_objects.entry(r.name.as_str()).or_insert(id);
            return;
        }
        let Spec::GatewayApi(g) = &r.spec else {
            return;
        };
        self.by_key
            .entry((r.kind.as_str(), r.namespace.as_str(), r.name.as_str()))
            .or_insert(id);
        match &g.object {
            Object::Gateway(_) => self.gateways.push(id),
            Object::Route(_) => self.routes.push(id),
            Object::ListenerSet(_) => self.listener_sets.push(id),
            Object::BackendTLSPolicy(_) | Object::BackendTrafficPolicy(_) => self.policies.push(id),
            Object::ReferenceGrant(_) => self
                .grants_by_ns
                .entry(r.namespace.as_str())
                .or_default()
                .push(id),
            Object::GatewayClass(_) => {
                self.classes.entry(r.name.as_str()).or_insert(id);
            }
            Object::XBackend(_) | Object::InferencePool(_) => {}
        }
    }
}

/// The Gateway API object of a resource, if it is one.
pub fn object(r: &Resource) -> Option<&GatewayApi> {
    match &r.spec {
        Spec::GatewayApi(g) => Some(g),
        _ => None,
    }
}

impl<'r> Index<'r> {
    /// A Gateway API object (any of its groups) by kind, namespace and name (cluster-scoped
    /// kinds: namespace `""`).
    pub fn gateway_api_object(&self, kind: &str, ns: &str, name: &str) -> Option<ResourceId> {
        self.gateway_api.by_key.get(&(kind, ns, name)).copied()
    }

    /// Every Gateway API Gateway with its spec, in input order.
    pub fn kube_gateways(
        &self,
    ) -> impl Iterator<Item = (ResourceId, &'r Resource, &'r gw::Gateway)> + '_ {
        self.gateway_api.gateways.iter().filter_map(|&id| {
            let r = self.resource(id);
            match object(r).map(|g| &g.object) {
                Some(Object::Gateway(g)) => Some((id, r, g)),
                _ => None,
            }
        })
    }

    /// Every route (HTTPRoute, GRPCRoute, TCPRoute, TLSRoute, UDPRoute), in input order.
    pub fn routes(&self) -> impl Iterator<Item = (ResourceId, &'r Resource, &'r gw::Route)> + '_ {
        self.gateway_api.routes.iter().filter_map(|&id| {
            let r = self.resource(id);
            match object(r).map(|g| &g.object) {
                Some(Object::Route(x)) => Some((id, r, x)),
                _ => None,
            }
        })
    }

    /// Every ListenerSet, in input order.
    pub fn listener_sets(
        &self,
    ) -> impl Iterator<Item = (ResourceId, &'r Resource, &'r gw::ListenerSet)> + '_ {
        self.gateway_api.listener_sets.iter().filter_map(|&id| {
            let r = self.resource(id);
            match object(r).map(|g| &g.object) {
                Some(Object::ListenerSet(x)) => Some((id, r, x)),
                _ => None,
            }
        })
    }

    /// BackendTLSPolicies and (X)BackendTrafficPolicies, in input order.
    pub fn backend_policies(&self) -> impl Iterator<Item = (ResourceId, &'r Resource)> + '_ {
        self.gateway_api
            .policies
            .iter()
            .map(|&id| (id, self.resource(id)))
    }

    /// Whether file `file` defines an object of evidence class `class` (a Namespace listing
    /// next to a reference: `index::gateway_api_status`'s evidence).
    pub fn file_holds(&self, file: crate::source::FileId, class: super::evidence::Class) -> bool {
        self.gateway_api
            .file_classes
            .get_or_init(|| {
                self.resources
                    .iter()
                    .filter_map(|r| super::evidence::Class::of(r).map(|c| (r.file, c)))
                    .collect()
            })
            .contains(&(file, class))
    }

    /// A GatewayClass by name.
    pub fn gateway_class(&self, name: &str) -> Option<(ResourceId, &'r gw::GatewayClass)> {
        let id = *self.gateway_api.classes.get(name)?;
        match object(self.resource(id)).map(|g| &g.object) {
            Some(Object::GatewayClass(c)) => Some((id, c)),
            _ => None,
        }
    }

    /// The labels of the Namespace object `ns`, when the input defines it (Kubernetes adds
    /// `kubernetes.io/metadata.name` itself: callers match on that too).
    pub fn namespace_labels(&self, ns: &str) -> Option<&'r Labels> {
        self.gateway_api
            .namespace_objects
            .get(ns)
            .map(|&id| &self.resource(id).labels)
    }

    /// Whether a ReferenceGrant in `to_ns` lets a `from_group`/`from_kind` of `from_ns` refer
    /// to `to_group`/`to_kind` `to_name` (always true within one namespace).
    #[allow(clippy::too_many_arguments)]
    pub fn reference_granted(
        &self,
        from_group: &str,
        from_kind: &str,
        from_ns: &str,
        to_group: &str,
        to_kind: &str,
        to_ns: &str,
        to_name: &str,
    ) -> bool {
        if from_ns == to_ns {
            return true;
        }
        self.reference_grants_in(to_ns)
            .any(|(_, _, g)| g.allows(from_group, from_kind, from_ns, to_group, to_kind, to_name))
    }

    /// The ReferenceGrants of namespace `ns`.
    pub fn reference_grants_in(
        &self,
        ns: &str,
    ) -> impl Iterator<Item = (ResourceId, &'r Resource, &'r gw::ReferenceGrant)> + '_ {
        self.gateway_api
            .grants_by_ns
            .get(ns)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(|&id| {
                let r = self.resource(id);
                match object(r).map(|g| &g.object) {
                    Some(Object::ReferenceGrant(x)) => Some((id, r, x)),
                    _ => None,
                }
            })
    }
}
