//! The index: every lookup a rule needs, through hash maps built once (no pairwise scans).
//!
//! - resources by (kind, namespace, name) and by kind;
//! - hosts: Kubernetes Services by FQDN, ServiceEntry hosts (exact and wildcard);
//! - DestinationRules per namespace with istiod's lookup order and `exportTo`;
//! - Gateways (Istio and Gateway API) by namespace/name;
//! - workloads by namespace and label for selector matching;
//! - a petgraph reference graph whose edges carry the span of the referring field.

pub mod dr_scope;
pub mod evidence;
pub mod gateway_api;
pub mod gateway_api_status;
pub mod gateways;
pub mod graph;
pub mod host;
pub mod kinds;
pub mod kubernetes;
pub mod mesh;
pub mod sidecar_scope;
pub mod subsets;
pub mod workloads;

use crate::model::istio::{DestinationRule, VirtualService};
use crate::model::{Labels, Resource, Spec};
use crate::source::{Origin, Role, Span};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use host::{is_wildcard, resolve_short};
pub use mesh::MeshConfig;

pub type ResourceId = usize;

/// DestinationRules of one visibility pool, split like istiod's `consolidatedDestRules`.
#[derive(Debug, Default)]
struct DrTable {
    specific: HashMap<String, Vec<ResourceId>>,
    wildcard: host::WildcardTable<Vec<ResourceId>>,
}

impl DrTable {
    fn add(&mut self, host: &str, id: ResourceId) {
        if is_wildcard(host) {
            self.wildcard.entry(host, Vec::new).push(id);
        } else {
            self.specific.entry(host.to_string()).or_default().push(id);
        }
    }

    /// istiod's `MostSpecificHostMatch`: the exact host, else the longest matching wildcard.
    fn lookup(&self, host: &str) -> Option<&[ResourceId]> {
        if let Some(v) = self.specific.get(host) {
            return Some(v);
        }
        self.wildcard
            .covering(host)
            .first()
            .map(|(_, v)| v.as_slice())
    }
}

/// What a VirtualService `gateways[]` entry refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayTarget {
    /// The reserved `mesh` (all sidecars).
    Mesh,
    /// An Istio Gateway in the input.
    Istio(ResourceId),
    /// A Gateway API Gateway in the input.
    Kube(ResourceId),
    /// A gateway istiod generates from a Gateway API Gateway; not to be referenced by users.
    Internal,
    /// Not in the input: (namespace, name) that was looked for.
    Missing(String, String),
}

/// The DestinationRule(s) that apply to a host for clients in a namespace.
#[derive(Debug, Clone)]
pub struct AppliedRules<'a> {
    pub rules: Vec<ResourceId>,
    /// Which step of the lookup found them.
    pub found_in: FoundIn<'a>,
}

/// The step of istiod's DestinationRule lookup that found the rules (written only when a
/// message says it).
#[derive(Debug, Clone, Copy)]
pub enum FoundIn<'a> {
    /// The client's namespace.
    Client(&'a str),
    /// The service's namespace.
    Service(&'a str),
    /// The root namespace.
    Root(&'a str),
}

impl std::fmt::Display for FoundIn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FoundIn::Client(ns) => write!(f, "namespace `{ns}`"),
            FoundIn::Service(ns) => write!(f, "namespace `{ns}` (the service's)"),
            FoundIn::Root(ns) => write!(f, "root namespace `{ns}`"),
        }
    }
}

pub struct Index<'r> {
    /// One object per identity (the copy `kubectl apply` keeps).
    pub resources: &'r [Resource],
    /// The replaced copies of objects defined more than once: only per-document checks (Istio's
    /// validation) read them.
    pub copies: &'r [Resource],
    /// Where each file came from, by file index (empty: every file checked and named).
    origins: Vec<Origin>,
    /// What the input says about which namespaces hold which kinds ([`evidence`]).
    evidence: evidence::Evidence,
    pub mesh: MeshConfig,
    by_key: HashMap<(&'r str, &'r str, &'r str), ResourceId>,
    by_kind: HashMap<&'r str, Vec<ResourceId>>,
    /// Kinds of objects not from the built-in table.
    checked_kinds: HashSet<&'r str>,
    /// Whether a workload not from the built-in table is in the input.
    checked_workloads: bool,
    /// The origin of files `origins` does not list (in-memory inputs of tests).
    default_origin: Origin,
    /// Secrets made by other objects, by (namespace, Secret name).
    secret_providers: HashMap<(&'r str, &'r str), ResourceId>,
    namespaces: HashSet<&'r str>,
    services_by_host: HashMap<String, Vec<ResourceId>>,
    se_by_host: HashMap<String, Vec<ResourceId>>,
    se_wildcards: host::WildcardTable<Vec<ResourceId>>,
    dr_local: HashMap<&'r str, DrTable>,
    dr_exported: HashMap<&'r str, DrTable>,
    dr_root_local: DrTable,
    /// DestinationRule resolved hosts, by resource id.
    dr_hosts: HashMap<ResourceId, String>,
    dr_exported_to: HashMap<ResourceId, Vec<String>>,
    gateways: HashMap<(&'r str, &'r str), ResourceId>,
    gateways_by_name: HashMap<&'r str, Vec<ResourceId>>,
    kube_gateways: HashMap<(&'r str, &'r str), ResourceId>,
    gateway_api: gateway_api::GatewayApiIndex<'r>,
    workloads_by_label: HashMap<(&'r str, &'r str, &'r str), Vec<ResourceId>>,
    workloads_by_ns: HashMap<&'r str, Vec<ResourceId>>,
    workloads_by_label_any_ns: HashMap<(&'r str, &'r str), Vec<ResourceId>>,
    services_by_ns: HashMap<&'r str, Vec<ResourceId>>,
    /// Built on first use ([`Index::graph`]): `check` never needs it, and its edge count is
    /// the size of the reference relation (DestinationRule subsets × selected workloads).
    graph: std::sync::OnceLock<graph::RefGraph>,
    /// [`Index::routed_subsets`], computed on first use.
    routed_subsets:
        std::sync::OnceLock<HashMap<(ResourceId, crate::source::Str), subsets::SubsetTraffic>>,
}

/// The DestinationRule tables of an [`Index`] being built.
struct DrTables<'a, 'r> {
    local: &'a mut HashMap<&'r str, DrTable>,
    exported: &'a mut HashMap<&'r str, DrTable>,
    root_local: &'a mut DrTable,
    hosts: &'a mut HashMap<ResourceId, String>,
    exported_to: &'a mut HashMap<ResourceId, Vec<String>>,
}

impl<'r> DrTables<'_, 'r> {
    /// istiod's `setDestinationRules`: namespace-local pools, exported pools and the root
    /// namespace's private pool.
    fn fill(&mut self, resources: &'r [Resource], mesh: &MeshConfig) {
        for (id, r) in resources.iter().enumerate() {
            let Spec::DestinationRule(dr) = &r.spec else {
                continue;
            };
            let Some(h) = &dr.host else { continue };
            let fqdn = resolve_short(&h.value, &r.namespace, &mesh.domain);
            let ns = r.namespace.as_str();
            let export: Vec<String> = if dr.workload_selector.is_some() {
                vec![".".to_string()]
            } else {
                dr.export_to.iter().map(|e| e.value.to_string()).collect()
            };
            let has = |x: &str| export.iter().any(|e| e == x);
            if export.is_empty() || has("*") || has(".") || has(ns) {
                self.local.entry(ns).or_default().add(&fqdn, id);
            }
            let private_only = export.len() == 1 && (has(".") || has(ns));
            if !private_only {
                self.exported.entry(ns).or_default().add(&fqdn, id);
            } else if ns == mesh.root_namespace {
                self.root_local.add(&fqdn, id);
            }
            self.hosts.insert(id, fqdn);
            self.exported_to.insert(id, export);
        }
    }
}

impl<'r> Index<'r> {
    pub fn build(resources: &'r [Resource], mesh: MeshConfig) -> Index<'r> {
        Index::build_with(resources, &[], Vec::new(), mesh)
    }

    /// An index over `resources` (one per identity), with the replaced `copies` and the origin
    /// of each file.
    pub fn build_with(
        resources: &'r [Resource],
        copies: &'r [Resource],
        origins: Vec<Origin>,
        mesh: MeshConfig,
    ) -> Index<'r> {
        let mut ix = Index {
            resources,
            copies,
            origins,
            evidence: evidence::Evidence::default(),
            mesh,
            by_key: HashMap::with_capacity(resources.len()),
            by_kind: HashMap::new(),
            checked_kinds: HashSet::new(),
            secret_providers: HashMap::new(),
            checked_workloads: false,
            default_origin: Origin {
                role: Role::Checked,
                named: true,
                dir: String::new(),
            },
            namespaces: HashSet::new(),
            services_by_host: HashMap::new(),
            se_by_host: HashMap::new(),
            se_wildcards: host::WildcardTable::default(),
            dr_local: HashMap::new(),
            dr_exported: HashMap::new(),
            dr_root_local: DrTable::default(),
            dr_hosts: HashMap::new(),
            dr_exported_to: HashMap::new(),
            gateways: HashMap::new(),
            gateways_by_name: HashMap::new(),
            kube_gateways: HashMap::new(),
            gateway_api: gateway_api::GatewayApiIndex::default(),
            workloads_by_label: HashMap::new(),
            workloads_by_ns: HashMap::new(),
            workloads_by_label_any_ns: HashMap::new(),
            services_by_ns: HashMap::new(),
            graph: std::sync::OnceLock::new(),
            routed_subsets: std::sync::OnceLock::new(),
        };
        // the tables are independent: filled in four parts on the thread pool (this is the
        // serial step between loading and the rules)
        let Index {
            origins,
            evidence,
            mesh,
            by_key,
            by_kind,
            checked_kinds,
            secret_providers,
            checked_workloads,
            namespaces,
            services_by_host,
            se_by_host,
            se_wildcards,
            dr_local,
            dr_exported,
            dr_root_local,
            dr_hosts,
            dr_exported_to,
            gateways,
            gateways_by_name,
            kube_gateways,
            gateway_api,
            workloads_by_label,
            workloads_by_ns,
            workloads_by_label_any_ns,
            services_by_ns,
            ..
        } = &mut ix;
        let (origins, mesh) = (&*origins, &*mesh);
        let role = |r: &Resource| {
            origins
                .get(r.file.index())
                .map_or(Role::Checked, |o| o.role)
        };
        let by_name = || {
            for (id, r) in resources.iter().enumerate() {
                by_key
                    .entry((r.kind.as_str(), r.namespace.as_str(), r.name.as_str()))
                    .or_insert(id);
                by_kind.entry(r.kind.as_str()).or_default().push(id);
                gateway_api.add(id, r);
                // the built-in table of Istio's defaults says nothing about the user's
                // kinds or namespaces
                if role(r) == Role::Builtin {
                    continue;
                }
                checked_kinds.insert(r.kind.as_str());
                if !r.cluster_scoped {
                    namespaces.insert(r.namespace.as_str());
                } else if matches!(r.spec, Spec::Namespace) {
                    namespaces.insert(r.name.as_str());
                }
            }
        };
        let by_spec = || {
            for (id, r) in resources.iter().enumerate() {
                match &r.spec {
                    Spec::Service(_) => {
                        let fqdn = format!("{}.{}.svc.{}", r.name, r.namespace, mesh.domain);
                        services_by_host.entry(fqdn).or_default().push(id);
                        services_by_ns
                            .entry(r.namespace.as_str())
                            .or_default()
                            .push(id);
                    }
                    Spec::ServiceEntry(se) => {
                        for h in &se.hosts {
                            let fqdn = resolve_short(&h.value, &r.namespace, &mesh.domain);
                            if is_wildcard(&fqdn) {
                                se_wildcards.entry(&fqdn, Vec::new).push(id);
                            } else {
                                se_by_host.entry(fqdn).or_default().push(id);
                            }
                        }
                    }
                    Spec::Gateway(_) => {
                        gateways.insert((r.namespace.as_str(), r.name.as_str()), id);
                        gateways_by_name
                            .entry(r.name.as_str())
                            .or_default()
                            .push(id);
                    }
                    Spec::SecretProvider(names) => {
                        for n in names {
                            secret_providers
                                .entry((r.namespace.as_str(), n.as_str()))
                                .or_insert(id);
                        }
                    }
                    Spec::GatewayApi(g)
                        if matches!(g.object, crate::model::gateway_api::Object::Gateway(_)) =>
                    {
                        kube_gateways.insert((r.namespace.as_str(), r.name.as_str()), id);
                    }
                    _ => {}
                }
            }
        };
        let by_workload = || {
            for (id, r) in resources.iter().enumerate() {
                let Spec::Workload(w) = &r.spec else { continue };
                *checked_workloads |= role(r) != Role::Builtin;
                workloads_by_ns
                    .entry(r.namespace.as_str())
                    .or_default()
                    .push(id);
                for (k, v) in &w.pod_labels {
                    workloads_by_label
                        .entry((r.namespace.as_str(), k.value.as_str(), v.value.as_str()))
                        .or_default()
                        .push(id);
                    workloads_by_label_any_ns
                        .entry((k.value.as_str(), v.value.as_str()))
                        .or_default()
                        .push(id);
                }
            }
        };
        let rules_and_evidence = || {
            *evidence = evidence::Evidence::build(resources, origins);
            let mut drs = DrTables {
                local: dr_local,
                exported: dr_exported,
                root_local: dr_root_local,
                hosts: dr_hosts,
                exported_to: dr_exported_to,
            };
            drs.fill(resources, mesh);
        };
        rayon::join(
            || rayon::join(by_name, by_spec),
            || rayon::join(by_workload, rules_and_evidence),
        );
        ix
    }

    /// The reference graph, built on the first call.
    pub fn graph(&self) -> &graph::RefGraph {
        self.graph.get_or_init(|| graph::RefGraph::build(self))
    }

    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<ResourceId> {
        self.by_key.get(&(kind, namespace, name)).copied()
    }

    pub fn of_kind(&self, kind: &str) -> &[ResourceId] {
        self.by_kind.get(kind).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// Every object of kind `kind`, the replaced copies of objects defined more than once
    /// included (for per-document checks).
    pub fn documents_of_kind<'a>(
        &'a self,
        kind: &'a str,
    ) -> impl Iterator<Item = &'r Resource> + 'a {
        self.of_kind(kind)
            .iter()
            .map(|&id| self.resource(id))
            .chain(self.copies_of_kind(kind))
    }

    /// The replaced copies of kind `kind` (for per-document checks).
    pub fn copies_of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'r Resource> + 'a {
        self.copies.iter().filter(move |r| r.kind == kind)
    }

    /// The origin of the file a resource was read from.
    pub fn origin(&self, r: &Resource) -> &Origin {
        self.origins
            .get(r.file.index())
            .unwrap_or(&self.default_origin)
    }

    /// The role of the file a resource was read from (checked input when unknown).
    pub fn role(&self, r: &Resource) -> Role {
        self.origins
            .get(r.file.index())
            .map_or(Role::Checked, |o| o.role)
    }

    pub fn resource(&self, id: ResourceId) -> &'r Resource {
        &self.resources[id]
    }

    /// Whether any resource of the input lives in (or defines) this namespace.
    pub fn namespace_known(&self, ns: &str) -> bool {
        self.namespaces.contains(ns)
    }

    /// The FQDN of a host written in a resource of namespace `ns`.
    pub fn fqdn(&self, host: &str, ns: &str) -> String {
        resolve_short(host, ns, &self.mesh.domain)
    }

    /// The resolved host of a DestinationRule.
    pub fn dr_host(&self, id: ResourceId) -> Option<&str> {
        self.dr_hosts.get(&id).map(|s| s.as_str())
    }

    /// The DestinationRule(s) istiod applies to `host` (an FQDN) for a client in
    /// `client_ns`, in istiod's order: the client's namespace, the service's namespace (rules
    /// exported to the client), then the root namespace.
    pub fn destination_rules_for<'a>(
        &'a self,
        host: &'a str,
        client_ns: &'a str,
    ) -> Option<AppliedRules<'a>> {
        let root = self.mesh.root_namespace.as_str();
        let local = if client_ns != root {
            self.dr_local.get(client_ns).and_then(|t| t.lookup(host))
        } else {
            self.dr_root_local.lookup(host)
        };
        if let Some(rules) = local {
            return Some(AppliedRules {
                rules: rules.to_vec(),
                found_in: FoundIn::Client(client_ns),
            });
        }
        let svc_ns = self.service_namespace_of(host);
        if let Some(svc_ns) = svc_ns {
            if let Some(rules) = self.exported_from(svc_ns, host, client_ns) {
                return Some(AppliedRules {
                    rules,
                    found_in: FoundIn::Service(svc_ns),
                });
            }
        }
        self.exported_from(root, host, client_ns)
            .map(|rules| AppliedRules {
                rules,
                found_in: FoundIn::Root(root),
            })
    }

    fn exported_from(
        &self,
        owner_ns: &str,
        host: &str,
        client_ns: &str,
    ) -> Option<Vec<ResourceId>> {
        let rules = self.dr_exported.get(owner_ns)?.lookup(host)?;
        let visible: Vec<ResourceId> = rules
            .iter()
            .copied()
            .filter(|id| {
                let e = &self.dr_exported_to[id];
                e.is_empty() || e.iter().any(|x| x == "*" || x == client_ns)
            })
            .collect();
        (!visible.is_empty()).then_some(visible)
    }

    /// The namespace of the service behind an FQDN: from `x.ns.svc.<domain>`, else from a
    /// ServiceEntry declaring it.
    pub fn service_namespace_of<'a>(&'a self, host: &'a str) -> Option<&'a str> {
        if let Some(ns) = host::service_namespace(host, &self.mesh.domain) {
            return Some(ns);
        }
        self.se_by_host
            .get(host)
            .and_then(|ids| ids.first())
            .map(|&id| self.resources[id].namespace.as_str())
    }

    /// Defined subsets of the applied rules: (subset name, its span, the rule it is in).
    pub fn subsets_of(&self, rules: &[ResourceId]) -> Vec<(&'r str, Span, ResourceId)> {
        let mut out: Vec<(&str, Span, ResourceId)> = Vec::new();
        for &id in rules {
            if let Spec::DestinationRule(dr) = &self.resources[id].spec {
                for s in &dr.subsets {
                    if let Some(n) = &s.name {
                        if !out.iter().any(|(x, _, _)| *x == n.value) {
                            out.push((n.value.as_str(), n.span, id));
                        }
                    }
                }
            }
        }
        out
    }

    /// Kubernetes Services registered under an FQDN.
    pub fn services_for_host(&self, fqdn: &str) -> &[ResourceId] {
        self.services_by_host
            .get(fqdn)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// ServiceEntries declaring a host (exactly, or by a wildcard that covers it).
    pub fn service_entries_for_host(&self, fqdn: &str) -> Vec<ResourceId> {
        let mut out: Vec<ResourceId> = self.se_by_host.get(fqdn).cloned().unwrap_or_default();
        for (_, ids) in self.se_wildcards.covering(fqdn) {
            for id in ids {
                if !out.contains(id) {
                    out.push(*id);
                }
            }
        }
        out
    }

    /// An Istio Gateway by namespace and name.
    pub fn gateway(&self, ns: &str, name: &str) -> Option<ResourceId> {
        self.gateways.get(&(ns, name)).copied()
    }

    /// Resolves a VirtualService `gateways[]` entry written in namespace `vs_ns`.
    pub fn resolve_gateway(&self, reference: &str, vs_ns: &str) -> GatewayTarget {
        if reference == "mesh" {
            return GatewayTarget::Mesh;
        }
        if reference.contains("~istio-autogenerated-k8s-gateway~") {
            return GatewayTarget::Internal;
        }
        let (ns, name) = host::resolve_gateway_ref(reference, vs_ns);
        if let Some(id) = self.gateway(&ns, &name) {
            return GatewayTarget::Istio(id);
        }
        if let Some(id) = self.kube_gateway(&ns, &name) {
            return GatewayTarget::Kube(id);
        }
        GatewayTarget::Missing(ns, name)
    }

    /// Istio Gateways with this name, in any namespace.
    pub fn gateways_named(&self, name: &str) -> &[ResourceId] {
        self.gateways_by_name
            .get(name)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// A Gateway API Gateway by namespace and name.
    pub fn kube_gateway(&self, ns: &str, name: &str) -> Option<ResourceId> {
        self.kube_gateways.get(&(ns, name)).copied()
    }

    /// Every VirtualService with its spec.
    pub fn virtual_services(
        &self,
    ) -> impl Iterator<Item = (ResourceId, &'r Resource, &'r VirtualService)> + '_ {
        self.of_kind("VirtualService").iter().filter_map(|&id| {
            let r = &self.resources[id];
            match &r.spec {
                Spec::VirtualService(vs) => Some((id, r, vs)),
                _ => None,
            }
        })
    }

    /// Every DestinationRule with its spec.
    pub fn destination_rules(
        &self,
    ) -> impl Iterator<Item = (ResourceId, &'r Resource, &'r DestinationRule)> + '_ {
        self.of_kind("DestinationRule").iter().filter_map(|&id| {
            let r = &self.resources[id];
            match &r.spec {
                Spec::DestinationRule(dr) => Some((id, r, &**dr)),
                _ => None,
            }
        })
    }

    /// Whether the input holds an object of this kind (the built-in table of Istio's defaults
    /// does not count: it is no evidence of what the input holds).
    pub fn has_kind(&self, kind: &str) -> bool {
        self.checked_kinds.contains(kind)
    }

    /// Kubernetes Services in a namespace.
    pub fn services_in(&self, ns: &str) -> &[ResourceId] {
        self.services_by_ns
            .get(ns)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    /// Whether the input holds any workload (Pod or pod template) at all, other than the
    /// built-in table of Istio's defaults.
    pub fn has_workloads(&self) -> bool {
        self.checked_workloads
    }

    /// Workloads in `ns` (all namespaces when `None`) whose pod labels include `selector`.
    /// Uses the label index: candidates come from the selector's rarest label.
    pub fn workloads_selected(&self, ns: Option<&str>, selector: &Labels) -> Vec<ResourceId> {
        self.selection_candidates(ns, selector)
            .iter()
            .copied()
            .filter(|&id| self.workload_has(id, selector))
            .collect()
    }

    /// Whether any workload is selected ([`Index::workloads_selected`] without collecting).
    pub fn any_workload_selected(&self, ns: Option<&str>, selector: &Labels) -> bool {
        self.selection_candidates(ns, selector)
            .iter()
            .any(|&id| self.workload_has(id, selector))
    }

    /// The workloads that may match `selector`: those of the rarest of its labels (all of the
    /// namespace, or of the input, for an empty selector).
    fn selection_candidates<'s>(
        &'s self,
        ns: Option<&'s str>,
        selector: &'s Labels,
    ) -> std::borrow::Cow<'s, [ResourceId]> {
        use std::borrow::Cow;
        match (ns, selector.is_empty()) {
            (Some(ns), true) => Cow::Borrowed(
                self.workloads_by_ns
                    .get(ns)
                    .map(|v| v.as_slice())
                    .unwrap_or(&[]),
            ),
            (None, true) => {
                let mut v: Vec<ResourceId> =
                    self.workloads_by_ns.values().flatten().copied().collect();
                v.sort_unstable();
                Cow::Owned(v)
            }
            (Some(ns), false) => Cow::Borrowed(
                selector
                    .iter()
                    .map(|(k, v)| {
                        self.workloads_by_label
                            .get(&(ns, k.value.as_str(), v.value.as_str()))
                            .map(|v| v.as_slice())
                            .unwrap_or(&[])
                    })
                    .min_by_key(|c| c.len())
                    .unwrap_or(&[]),
            ),
            (None, false) => Cow::Borrowed(
                selector
                    .iter()
                    .map(|(k, v)| {
                        self.workloads_by_label_any_ns
                            .get(&(k.value.as_str(), v.value.as_str()))
                            .map(|v| v.as_slice())
                            .unwrap_or(&[])
                    })
                    .min_by_key(|c| c.len())
                    .unwrap_or(&[]),
            ),
        }
    }

    fn workload_has(&self, id: ResourceId, selector: &Labels) -> bool {
        match &self.resources[id].spec {
            Spec::Workload(w) => labels_subset(selector, &w.pod_labels),
            _ => false,
        }
    }

    /// The resolved host of a DestinationRule resource (also a replaced copy).
    pub fn dr_host_for_resource(&self, r: &Resource) -> Option<String> {
        match &r.spec {
            Spec::DestinationRule(dr) => self.dr_host_for(dr, &r.namespace),
            _ => None,
        }
    }

    /// The resolved host of a DestinationRule spec written in namespace `ns`.
    pub fn dr_host_for(&self, dr: &DestinationRule, ns: &str) -> Option<String> {
        dr.host.as_ref().map(|h| self.fqdn(&h.value, ns))
    }

    /// Whether a host (FQDN) is known to the registry of the input: a Kubernetes Service or a
    /// ServiceEntry declares it.
    pub fn host_in_registry(&self, fqdn: &str) -> bool {
        !self.services_for_host(fqdn).is_empty() || !self.service_entries_for_host(fqdn).is_empty()
    }

    /// Whether a host (FQDN) lies inside the cluster domain (`*.svc.<domain>`).
    pub fn is_cluster_host(&self, fqdn: &str) -> bool {
        fqdn.strip_suffix(self.mesh.domain.as_str())
            .is_some_and(|rest| rest.ends_with(".svc."))
    }
}

/// Whether every label of `selector` is in `labels` with the same value.
pub fn labels_subset(selector: &Labels, labels: &Labels) -> bool {
    selector.iter().all(|(k, v)| {
        labels
            .iter()
            .any(|(lk, lv)| lk.value == k.value && lv.value == v.value)
    })
}

impl<'r> Index<'r> {
    /// The Secret `ns/name`, or the object that makes it (a cert-manager `Certificate`, a
    /// `SealedSecret`, an `ExternalSecret`, a `SecretProviderClass`).
    pub fn secret(&self, ns: &str, name: &str) -> Option<ResourceId> {
        if let Some(id) = self.get("Secret", ns, name) {
            return Some(id);
        }
        self.secret_providers.get(&(ns, name)).copied()
    }

    /// Whether `found` was defined where it speaks for `referrer` (context, the same directory
    /// tree, or both named on the command line; the rules of [`evidence`]).
    pub fn next_to(&self, found: &Resource, referrer: &Resource) -> bool {
        evidence::related(self.origin(found), self.origin(referrer))
    }

    /// Whether the input holds evidence that objects of `class` in namespace `ns` would be in
    /// it, for a reference written in `referrer` ([`evidence`]).
    pub fn evidence(&self, class: evidence::Class, ns: &str, referrer: &Resource) -> bool {
        self.evidence
            .holds(class, ns, referrer, self.origin(referrer))
    }
}
