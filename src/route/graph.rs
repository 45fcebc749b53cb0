//! The mesh graph in Graphviz `dot` or Mermaid: Gateways → VirtualServices → destinations
//! (host and subset, with the rule and weight) → DestinationRules and workloads. Mirror and
//! fallback edges are styled apart; unresolved references are red dashed edges to a
//! "not found" node. Built from the index's reference graph ([`crate::index::graph`]).

use super::sim::Simulator;
use crate::index::graph::{GraphNode, RefKind};
use crate::index::host;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Style {
    Normal,
    Mirror,
    Fallback,
    Missing,
    Policy,
    Selects,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    Gateway,
    VirtualService,
    Destination,
    DestinationRule,
    Workload,
    Missing,
}

#[derive(Debug, Default)]
pub struct MeshGraph {
    /// key → (kind, label), in insertion order.
    pub nodes: Vec<(String, NodeKind, String)>,
    pub edges: Vec<(String, String, String, Style)>,
}

impl MeshGraph {
    fn node(&mut self, key: &str, kind: NodeKind, label: &str) -> String {
        if !self.nodes.iter().any(|(k, _, _)| k == key) {
            self.nodes.push((key.to_string(), kind, label.to_string()));
        }
        key.to_string()
    }

    fn edge(&mut self, a: &str, b: &str, label: &str, style: Style) {
        let e = (a.to_string(), b.to_string(), label.to_string(), style);
        if !self.edges.contains(&e) {
            self.edges.push(e);
        }
    }

    /// Builds the graph; `host` keeps only VirtualServices with a host matching it.
    pub fn build(sim: &Simulator, host_filter: Option<&str>) -> MeshGraph {
        let ix = sim.ix;
        let mut g = MeshGraph::default();
        let mut vss: Vec<_> = ix.virtual_services().collect();
        vss.sort_by(|a, b| (&a.1.namespace, &a.1.name).cmp(&(&b.1.namespace, &b.1.name)));
        for (id, r, vs) in vss {
            if let Some(h) = host_filter {
                let hf = h.to_ascii_lowercase();
                let hit = vs.hosts.iter().any(|x| {
                    let fq = ix.fqdn(&x.value, &r.namespace);
                    x.value == hf
                        || fq == hf
                        || fq == ix.fqdn(&hf, &r.namespace)
                        || (host::is_wildcard(&fq) && host::subset_of(&hf, &fq))
                });
                if !hit {
                    continue;
                }
            }
            let hosts: Vec<&str> = vs.hosts.iter().map(|h| h.value.as_str()).collect();
            let label = if hosts.is_empty() {
                format!("VirtualService {}/{}\\n(delegate)", r.namespace, r.name)
            } else {
                format!(
                    "VirtualService {}/{}\\n{}",
                    r.namespace,
                    r.name,
                    hosts.join(", ")
                )
            };
            let v = g.node(
                &format!("vs:{}/{}", r.namespace, r.name),
                NodeKind::VirtualService,
                &label,
            );
            if vs.gateways.is_empty() || vs.gateways.iter().any(|x| x.value == "mesh") {
                let m = g.node("gw:mesh", NodeKind::Gateway, "mesh (sidecars)");
                g.edge(&m, &v, "", Style::Normal);
            }
            for h in &vs.http {
                if let Some(d) = &h.extras().delegate_ref {
                    let n = d.name.as_ref().map(|x| x.value.as_str()).unwrap_or("");
                    let ns = d
                        .namespace
                        .as_ref()
                        .map(|x| x.value.as_str())
                        .unwrap_or(&r.namespace);
                    let label = format!("http[{}] delegate", h.index);
                    if ix.get("VirtualService", ns, n).is_some() {
                        let t = g.node(
                            &format!("vs:{ns}/{n}"),
                            NodeKind::VirtualService,
                            &format!("VirtualService {ns}/{n}\\n(delegate)"),
                        );
                        g.edge(&v, &t, &label, Style::Normal);
                    } else {
                        let t = g.node(
                            &format!("missing:VirtualService {ns}/{n}"),
                            NodeKind::Missing,
                            &format!("not found: VirtualService {ns}/{n}"),
                        );
                        g.edge(&v, &t, &label, Style::Missing);
                    }
                }
            }
            for (target, e) in ix.graph().references_of(id) {
                match (e.kind, target) {
                    (RefKind::Gateway, GraphNode::Resource(gid)) => {
                        let gr = ix.resource(*gid);
                        let key = format!("gw:{}/{}", gr.namespace, gr.name);
                        let n = g.node(
                            &key,
                            NodeKind::Gateway,
                            &format!("{} {}/{}", gr.kind, gr.namespace, gr.name),
                        );
                        g.edge(&n, &v, "", Style::Normal);
                    }
                    (_, GraphNode::Missing(what)) => {
                        let n = g.node(
                            &format!("missing:{what}"),
                            NodeKind::Missing,
                            &format!("not found: {what}"),
                        );
                        let label = match e.rule {
                            Some(i) => format!("http[{i}]"),
                            None => format!("{:?}", e.kind).to_lowercase(),
                        };
                        g.edge(&v, &n, &label, Style::Missing);
                    }
                    (
                        RefKind::Host | RefKind::Mirror | RefKind::Fallback,
                        GraphNode::Resource(_),
                    ) => {
                        let written = e.host.clone().unwrap_or_default();
                        let fqdn = ix.fqdn(&written, &r.namespace);
                        let subset = e.subset.as_deref();
                        let key = format!("dest:{fqdn}#{}", subset.unwrap_or(""));
                        let label = match subset {
                            Some(s) => format!("{fqdn}\\nsubset {s}"),
                            None => fqdn.clone(),
                        };
                        let d = g.node(&key, NodeKind::Destination, &label);
                        let mut el = match e.rule {
                            Some(i) => format!("http[{i}]"),
                            None => "tcp/tls".to_string(),
                        };
                        if let Some(w) = e.weight {
                            let _ = write!(el, " {w}%");
                        }
                        let style = match e.kind {
                            RefKind::Mirror => {
                                el.push_str(" mirror");
                                Style::Mirror
                            }
                            RefKind::Fallback => {
                                el.push_str(" fallback");
                                Style::Fallback
                            }
                            _ => Style::Normal,
                        };
                        g.edge(&v, &d, &el, style);
                        let rd = sim.resolve(
                            &written,
                            &fqdn,
                            None,
                            subset,
                            100.0,
                            None,
                            &r.namespace,
                            80,
                        );
                        if let Some(a) = ix.destination_rules_for(&fqdn, &r.namespace) {
                            for dr in a.rules {
                                let x = ix.resource(dr);
                                let n = g.node(
                                    &format!("dr:{}/{}", x.namespace, x.name),
                                    NodeKind::DestinationRule,
                                    &format!("DestinationRule {}/{}", x.namespace, x.name),
                                );
                                g.edge(&d, &n, "policy", Style::Policy);
                            }
                        }
                        if let Some(s) = subset {
                            if rd.problems.iter().any(|p| p.starts_with("subset")) {
                                let n = g.node(
                                    &format!("missing:subset {fqdn}#{s}"),
                                    NodeKind::Missing,
                                    &format!("not found: subset {s} of {fqdn}"),
                                );
                                g.edge(&d, &n, "subset", Style::Missing);
                            }
                        }
                        for w in &rd.workloads {
                            let n = g.node(&format!("wl:{w}"), NodeKind::Workload, w);
                            g.edge(&d, &n, "", Style::Selects);
                        }
                    }
                    _ => {}
                }
            }
        }
        g.gateway_api(sim, host_filter);
        g
    }

    /// Gateway API: Gateway → listener → attached HTTPRoute/GRPCRoute → backend (by rule, with
    /// the weight share); attachment as in [`super::gateway_api::attached_routes`].
    fn gateway_api(&mut self, sim: &Simulator, host_filter: Option<&str>) {
        use crate::model::gateway_api::Object;
        let ix = sim.ix;
        let hf = host_filter.map(|h| h.to_ascii_lowercase());
        for (gid, gr, gw) in ix.kube_gateways() {
            let gkey = format!("kgw:{}/{}", gr.namespace, gr.name);
            for l in &gw.listeners {
                let routes = super::gateway_api::attached_routes(ix, gid, l.name());
                for rid in routes {
                    let rr = ix.resource(rid);
                    let Some(Object::Route(route)) =
                        crate::index::gateway_api::object(rr).map(|o| &o.object)
                    else {
                        continue;
                    };
                    if let Some(h) = &hf {
                        let hit = route.hostnames.is_empty()
                            || route
                                .hostnames
                                .iter()
                                .any(|x| host::matches(&x.value.to_ascii_lowercase(), h));
                        if !hit {
                            continue;
                        }
                    }
                    let gn = self.node(
                        &gkey,
                        NodeKind::Gateway,
                        &format!("Gateway {}/{}", gr.namespace, gr.name),
                    );
                    let lkey = format!("{gkey}#{}", l.name());
                    let label = format!(
                        "listener {} {}:{}{}",
                        l.name(),
                        l.protocol.as_ref().map(|p| p.value.as_str()).unwrap_or(""),
                        l.port.as_ref().map(|p| p.value).unwrap_or(0),
                        l.hostname
                            .as_ref()
                            .map(|h| format!("\\n{}", h.value))
                            .unwrap_or_default()
                    );
                    let ln = self.node(&lkey, NodeKind::Gateway, &label);
                    self.edge(&gn, &ln, "", Style::Normal);
                    let hosts: Vec<&str> =
                        route.hostnames.iter().map(|h| h.value.as_str()).collect();
                    let rn = self.node(
                        &format!("route:{}/{}/{}", route.kind.kind(), rr.namespace, rr.name),
                        NodeKind::VirtualService,
                        &format!(
                            "{} {}/{}{}",
                            route.kind.kind(),
                            rr.namespace,
                            rr.name,
                            if hosts.is_empty() {
                                String::new()
                            } else {
                                format!("\\n{}", hosts.join(", "))
                            }
                        ),
                    );
                    self.edge(&ln, &rn, "", Style::Normal);
                    for (i, rule) in route.rules.iter().enumerate() {
                        let total: i64 = rule.backend_refs.iter().map(|b| b.weight()).sum();
                        for b in &rule.backend_refs {
                            let t = &b.target;
                            let ns = t.namespace_or(&rr.namespace);
                            let kind = t.kind_or("Service");
                            let (key, label, found) =
                                if kind == "Service" && t.group_or("").is_empty() {
                                    let fqdn = format!("{}.{ns}.svc.{}", t.name(), ix.mesh.domain);
                                    let found = ix.get("Service", ns, t.name()).is_some();
                                    (format!("dest:{fqdn}#"), fqdn, found)
                                } else {
                                    let x = format!("{kind} {ns}/{}", t.name());
                                    (format!("dest:{x}#"), x, true)
                                };
                            let mut el = format!("rules[{i}]");
                            if rule.backend_refs.len() > 1 && total > 0 {
                                let _ = write!(el, " {}%", b.weight() * 100 / total);
                            }
                            if found {
                                let d = self.node(&key, NodeKind::Destination, &label);
                                self.edge(&rn, &d, &el, Style::Normal);
                            } else {
                                let d = self.node(
                                    &format!("missing:{label}"),
                                    NodeKind::Missing,
                                    &format!("not found: {label}"),
                                );
                                self.edge(&rn, &d, &el, Style::Missing);
                            }
                        }
                    }
                }
            }
        }
    }

    pub fn to_dot(&self) -> String {
        let mut o = String::from(
            "digraph mesh {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
        );
        let ids: BTreeMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, (k, _, _))| (k.as_str(), i))
            .collect();
        for (i, (_, kind, label)) in self.nodes.iter().enumerate() {
            let attrs = match kind {
                NodeKind::Gateway => "shape=house, style=filled, fillcolor=\"#dbeafe\"",
                NodeKind::VirtualService => "shape=box, style=\"rounded,filled\", fillcolor=\"#ede9fe\"",
                NodeKind::Destination => "shape=box, style=filled, fillcolor=\"#dcfce7\"",
                NodeKind::DestinationRule => "shape=note, style=filled, fillcolor=\"#fef9c3\"",
                NodeKind::Workload => "shape=component, style=filled, fillcolor=\"#f3f4f6\"",
                NodeKind::Missing => "shape=box, style=\"dashed,filled\", color=red, fontcolor=red, fillcolor=\"#fee2e2\"",
            };
            let _ = writeln!(o, "  n{i} [label=\"{}\", {attrs}];", dot_escape(label));
        }
        for (a, b, label, style) in &self.edges {
            let attrs = match style {
                Style::Normal => "",
                Style::Mirror => ", style=dashed, color=blue, fontcolor=blue",
                Style::Fallback => ", style=dotted, color=darkorange, fontcolor=darkorange",
                Style::Missing => ", style=dashed, color=red, fontcolor=red",
                Style::Policy => ", color=gray50, arrowhead=odot",
                Style::Selects => ", color=gray50",
            };
            let _ = writeln!(
                o,
                "  n{} -> n{} [label=\"{}\"{attrs}];",
                ids[a.as_str()],
                ids[b.as_str()],
                dot_escape(label)
            );
        }
        o.push_str("}\n");
        o
    }

    pub fn to_mermaid(&self) -> String {
        let mut o = String::from("flowchart LR\n");
        let ids: BTreeMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, (k, _, _))| (k.as_str(), i))
            .collect();
        for (i, (_, kind, label)) in self.nodes.iter().enumerate() {
            let l = label.replace("\\n", "<br/>").replace('"', "#quot;");
            let (open, close) = match kind {
                NodeKind::Gateway => ("[/", "\\]"),
                NodeKind::VirtualService => ("(", ")"),
                NodeKind::DestinationRule => ("[[", "]]"),
                NodeKind::Workload => ("[(", ")]"),
                _ => ("[", "]"),
            };
            let _ = writeln!(o, "  n{i}{open}\"{l}\"{close}");
        }
        let mut styles = Vec::new();
        for (idx, (a, b, label, style)) in self.edges.iter().enumerate() {
            let arrow = match style {
                Style::Normal | Style::Policy | Style::Selects => "-->",
                _ => "-.->",
            };
            let l = label.replace('"', "#quot;");
            if l.is_empty() {
                let _ = writeln!(o, "  n{} {arrow} n{}", ids[a.as_str()], ids[b.as_str()]);
            } else {
                let _ = writeln!(
                    o,
                    "  n{} {arrow}|\"{l}\"| n{}",
                    ids[a.as_str()],
                    ids[b.as_str()]
                );
            }
            let color = match style {
                Style::Mirror => Some("blue"),
                Style::Fallback => Some("darkorange"),
                Style::Missing => Some("red"),
                _ => None,
            };
            if let Some(c) = color {
                styles.push(format!("  linkStyle {idx} stroke:{c},color:{c}"));
            }
        }
        for s in styles {
            o.push_str(&s);
            o.push('\n');
        }
        o.push_str("  classDef missing stroke:red,stroke-dasharray:5 5,color:red\n");
        let missing: Vec<String> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, (_, k, _))| *k == NodeKind::Missing)
            .map(|(i, _)| format!("n{i}"))
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(o, "  class {} missing", missing.join(","));
        }
        o
    }
}

fn dot_escape(s: &str) -> String {
    s.replace('"', "\\\"")
}
