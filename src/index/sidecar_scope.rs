//! Which proxies can have a host in scope, as far as the input proves, from the `Sidecar`
//! egress hosts (istio/istio pilot/pkg/model/sidecar.go).
//!
//! - A sidecar in namespace N uses the selector-less Sidecar of N, else the selector-less
//!   Sidecar of the root namespace, else a default that imports `*/*`
//!   (`PushContext.getSidecarScope`, `initSidecarScopeInternalIndexes`).
//! - A service is imported when an egress host `ns/dns` names its namespace (`.` is N, `*` any)
//!   and its host (`*`, `*.suffix` or exact) (`IstioEgressListenerWrapper.selectServices`), or
//!   when an imported VirtualService routes to it (`collectImportedServices`).
//! - A VirtualService is imported when an egress host names *its* namespace and one of its hosts
//!   (`SelectVirtualServices` in virtualservice.go) — not the namespace of the service it routes.
//! - DestinationRules are looked up only for the imported services (`selectDestinationRules`).
//! - Gateways do not use Sidecars (`DefaultSidecarScopeForGateway`).
//!
//! Every answer here is conservative: `false` ("not in scope") only when the input proves it;
//! a namespace that may run a gateway, has a Sidecar with a `workloadSelector` (other workloads,
//! other scope), or no Sidecar in force, counts as importing everything.

use super::host::matches;
use super::Index;
use crate::model::Spec;
use crate::source::{Spanned, Str};
use std::collections::HashSet;

/// The egress hosts of the Sidecar in force for the sidecars of a namespace.
enum Egress<'r> {
    /// Everything may be imported (no Sidecar, no egress hosts, or the input cannot tell).
    All,
    Hosts(&'r [Spanned<Str>]),
}

impl<'r> Index<'r> {
    /// The client namespaces of an object in `ns` with this `exportTo`; `None` for every
    /// namespace (no `exportTo`, or `*`).
    pub fn export_namespaces(&self, export_to: &[Spanned<Str>], ns: &str) -> Option<Vec<String>> {
        if export_to.is_empty() || export_to.iter().any(|e| e.value == "*") {
            return None;
        }
        let mut out: Vec<String> = export_to
            .iter()
            .filter(|e| e.value != "~")
            .map(|e| {
                if e.value == "." {
                    ns.to_string()
                } else {
                    e.value.to_string()
                }
            })
            .collect();
        out.sort();
        out.dedup();
        Some(out)
    }

    /// Every host a VirtualService of the input routes, mirrors or falls back to (resolved):
    /// services these pull into a sidecar's scope whatever its egress hosts say.
    pub fn vs_destination_hosts(&self) -> HashSet<String> {
        let mut out = HashSet::new();
        for (_, r, vs) in self.virtual_services() {
            for (_, d) in vs.destinations() {
                if let Some(h) = &d.host {
                    out.insert(self.fqdn(&h.value, &r.namespace));
                }
            }
        }
        out
    }

    fn egress_for(&self, n: &str) -> Egress<'r> {
        let root = self.mesh.root_namespace.as_str();
        // the root namespace and namespaces that may run a gateway: gateways ignore Sidecars
        if n == root || self.may_run_gateway(n) {
            return Egress::All;
        }
        let sidecars = |ns: &str| -> Vec<&'r crate::model::istio::Sidecar> {
            self.of_kind("Sidecar")
                .iter()
                .map(|&id| &self.resources[id])
                .filter(|r| r.namespace == ns)
                .filter_map(|r| match &r.spec {
                    Spec::Sidecar(s) => Some(s),
                    _ => None,
                })
                .collect()
        };
        let own = sidecars(n);
        if own.iter().any(|s| s.workload_selector.is_some()) {
            return Egress::All;
        }
        let chosen = own
            .into_iter()
            .find(|s| s.workload_selector.is_none())
            .or_else(|| {
                sidecars(root)
                    .into_iter()
                    .find(|s| s.workload_selector.is_none())
            });
        match chosen {
            Some(s) if !s.egress_hosts.is_empty() => Egress::Hosts(&s.egress_hosts),
            _ => Egress::All,
        }
    }

    /// Whether namespace `n` may run a gateway proxy: it has a Gateway resource, or a workload
    /// labelled like Istio's gateways.
    fn may_run_gateway(&self, n: &str) -> bool {
        let gateway = self
            .of_kind("Gateway")
            .iter()
            .any(|&id| self.resource(id).namespace == n);
        gateway
            || self.workloads_in(n).any(|w| {
                w.iter().any(|(k, v)| {
                    (k.value == "istio" && v.value.contains("gateway"))
                        || k.value == "gateway.istio.io/managed"
                        || k.value == "gateway.networking.k8s.io/gateway-name"
                })
            })
    }

    fn workloads_in<'a>(
        &'a self,
        n: &'a str,
    ) -> impl Iterator<Item = &'r [(Spanned<Str>, Spanned<Str>)]> + 'a {
        self.workloads_by_ns
            .get(n)
            .into_iter()
            .flatten()
            .filter_map(move |&id| match &self.resources[id].spec {
                Spec::Workload(w) => Some(w.pod_labels.as_slice()),
                _ => None,
            })
    }

    /// Whether an egress host list names namespace `owner` (seen from namespace `n`) and `host`.
    fn egress_names(hosts: &[Spanned<Str>], n: &str, owner: &str, host: &str) -> bool {
        hosts.iter().any(|e| {
            let Some((ns, dns)) = e.value.split_once('/') else {
                return true; // not understood: assume it imports
            };
            let ns_ok = ns == "*" || ns == owner || (ns == "." && n == owner);
            ns_ok && (dns == "*" || matches(dns, host))
        })
    }

    /// Whether the sidecars of namespace `n` may have the service `host` of namespace `owner`
    /// in scope. `routed`: [`Index::vs_destination_hosts`].
    pub fn may_import_service(
        &self,
        n: &str,
        owner: &str,
        host: &str,
        routed: &HashSet<String>,
    ) -> bool {
        match self.egress_for(n) {
            Egress::All => true,
            Egress::Hosts(h) => Self::egress_names(h, n, owner, host) || routed.contains(host),
        }
    }

    /// Whether the sidecars of namespace `n` may import a VirtualService of namespace `owner`
    /// with these hosts.
    pub fn may_import_virtual_service(&self, n: &str, owner: &str, hosts: &[String]) -> bool {
        match self.egress_for(n) {
            Egress::All => true,
            Egress::Hosts(h) => hosts.iter().any(|x| Self::egress_names(h, n, owner, x)),
        }
    }

    /// The namespaces whose clients istiod may give DestinationRule `id` of namespace `ns`
    /// (`None`: every namespace): its own, plus those it is exported to when it sits in the
    /// service's or the root namespace (`PushContext.destinationRule`).
    pub fn dr_client_namespaces(&self, id: super::ResourceId, host: &str) -> Option<Vec<String>> {
        let r = self.resource(id);
        let Spec::DestinationRule(dr) = &r.spec else {
            return None;
        };
        let ns = r.namespace.as_str();
        let mut out = vec![ns.to_string()];
        let exported_from_here =
            self.service_namespace_of(host) == Some(ns) || ns == self.mesh.root_namespace;
        if exported_from_here && dr.workload_selector.is_none() {
            out.extend(self.export_namespaces(&dr.export_to, ns)?);
        }
        out.sort();
        out.dedup();
        Some(out)
    }
}
