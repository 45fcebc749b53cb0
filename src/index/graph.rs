//! The reference graph: which object refers to which, with the span of the referring field.
//! Unresolved references point at a `Missing` node named after what was looked for.

use super::{Index, ResourceId};
use crate::model::Spec;
use crate::source::Span;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GraphNode {
    Resource(ResourceId),
    /// A referenced object that is not in the input (`Gateway default/foo`, `host reviews...`).
    Missing(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    /// VirtualService `gateways[]` → Gateway.
    Gateway,
    /// A route destination's host → Service / ServiceEntry.
    Host,
    /// A route destination → the DestinationRule that applies to it.
    DestinationRule,
    /// A mirror destination.
    Mirror,
    /// An ASM fallback target.
    Fallback,
    /// A selector → the workloads it selects.
    Selects,
}

#[derive(Debug, Clone)]
pub struct RefEdge {
    pub kind: RefKind,
    pub span: Span,
    /// For VirtualService destinations: the HTTP rule index (`None` for TCP/TLS).
    pub rule: Option<usize>,
    /// The destination's subset and weight as written.
    pub subset: Option<String>,
    pub weight: Option<i64>,
    /// For destinations: the host as written.
    pub host: Option<String>,
}

impl RefEdge {
    pub fn new(kind: RefKind, span: Span) -> RefEdge {
        RefEdge {
            kind,
            span,
            rule: None,
            subset: None,
            weight: None,
            host: None,
        }
    }
}

#[derive(Debug, Default)]
pub struct RefGraph {
    pub graph: StableDiGraph<GraphNode, RefEdge>,
    nodes: HashMap<GraphNode, NodeIndex>,
}

impl RefGraph {
    fn node(&mut self, n: GraphNode) -> NodeIndex {
        if let Some(&i) = self.nodes.get(&n) {
            return i;
        }
        let i = self.graph.add_node(n.clone());
        self.nodes.insert(n, i);
        i
    }

    fn edge(&mut self, from: ResourceId, to: GraphNode, kind: RefKind, span: Span) {
        self.edge_detail(from, to, RefEdge::new(kind, span));
    }

    fn edge_detail(&mut self, from: ResourceId, to: GraphNode, e: RefEdge) {
        let a = self.node(GraphNode::Resource(from));
        let b = self.node(to);
        self.graph.add_edge(a, b, e);
    }

    pub fn build(ix: &Index) -> RefGraph {
        let mut g = RefGraph::default();
        for (id, r) in ix.resources.iter().enumerate() {
            match &r.spec {
                Spec::VirtualService(vs) => {
                    for gw in &vs.gateways {
                        if gw.value == "mesh" {
                            continue;
                        }
                        let (ns, name) = super::host::resolve_gateway_ref(&gw.value, &r.namespace);
                        let to = ix
                            .gateway(&ns, &name)
                            .or_else(|| ix.kube_gateway(&ns, &name))
                            .map(GraphNode::Resource)
                            .unwrap_or_else(|| GraphNode::Missing(format!("Gateway {ns}/{name}")));
                        g.edge(id, to, RefKind::Gateway, gw.span);
                    }
                    // (destination, kind, rule index, weight)
                    let mut dests = Vec::new();
                    for h in &vs.http {
                        let r = Some(h.index);
                        for d in &h.route {
                            let w = d.weight.as_ref().map(|w| w.value);
                            if let Some(x) = &d.destination {
                                dests.push((x, RefKind::Host, r, w));
                            }
                            if let Some(x) = &d.fallback {
                                dests.push((x, RefKind::Fallback, r, None));
                            }
                        }
                        for m in h.mirror_destinations() {
                            dests.push((m, RefKind::Mirror, r, None));
                        }
                    }
                    for t in vs.tcp.iter().chain(vs.tls.iter()) {
                        for d in &t.route {
                            if let Some(x) = &d.destination {
                                let w = d.weight.as_ref().map(|w| w.value);
                                dests.push((x, RefKind::Host, None, w));
                            }
                        }
                    }
                    for (d, kind, rule, weight) in dests {
                        let Some(h) = &d.host else { continue };
                        let fqdn = ix.fqdn(&h.value, &r.namespace);
                        let mut targets: Vec<ResourceId> = ix.services_for_host(&fqdn).to_vec();
                        targets.extend(ix.service_entries_for_host(&fqdn));
                        let e = RefEdge {
                            kind,
                            span: h.span,
                            rule,
                            subset: d.subset.as_ref().map(|s| s.value.to_string()),
                            weight,
                            host: Some(h.value.to_string()),
                        };
                        if targets.is_empty() {
                            g.edge_detail(
                                id,
                                GraphNode::Missing(format!("host {fqdn}")),
                                e.clone(),
                            );
                        }
                        for t in targets {
                            g.edge_detail(id, GraphNode::Resource(t), e.clone());
                        }
                        if let Some(applied) = ix.destination_rules_for(&fqdn, &r.namespace) {
                            for dr in applied.rules {
                                g.edge(
                                    id,
                                    GraphNode::Resource(dr),
                                    RefKind::DestinationRule,
                                    h.span,
                                );
                            }
                        }
                    }
                }
                Spec::DestinationRule(dr) => {
                    let Some(host) = ix.dr_host(id) else { continue };
                    let Some(svc_ns) = ix.service_namespace_of(host) else {
                        continue;
                    };
                    let svc_ns = svc_ns.to_string();
                    for s in &dr.subsets {
                        if s.labels.is_empty() {
                            continue;
                        }
                        for w in ix.workloads_selected(Some(&svc_ns), &s.labels) {
                            g.edge(id, GraphNode::Resource(w), RefKind::Selects, s.span);
                        }
                    }
                }
                Spec::Gateway(gw) => {
                    if gw.selector.is_empty() {
                        continue;
                    }
                    let span = gw.selector[0]
                        .0
                        .span
                        .to(gw.selector[gw.selector.len() - 1].1.span);
                    for w in ix.workloads_selected(None, &gw.selector) {
                        g.edge(id, GraphNode::Resource(w), RefKind::Selects, span);
                    }
                }
                _ => {}
            }
        }
        g
    }

    /// Outgoing references of a resource.
    pub fn references_of(&self, id: ResourceId) -> Vec<(&GraphNode, &RefEdge)> {
        let Some(&n) = self.nodes.get(&GraphNode::Resource(id)) else {
            return Vec::new();
        };
        self.graph
            .edges(n)
            .map(|e| {
                use petgraph::visit::EdgeRef;
                (&self.graph[e.target()], e.weight())
            })
            .collect()
    }
}
