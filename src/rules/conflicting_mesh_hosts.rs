//! `conflicting-mesh-hosts` (IST0109): several VirtualServices bound to the mesh (sidecars)
//! declare the same host for the same namespaces. istiod merges them in an undefined order, so
//! which routes apply is not predictable.

use super::RuleCx;
use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::{host, ResourceId};
use crate::source::Span;
use std::collections::{BTreeMap, HashMap};

pub static META: RuleMeta = RuleMeta {
    code: "IST0109",
    name: "conflicting-mesh-hosts",
    severity: Severity::Error,
    category: Category::Routing,
    analyzer: Some("virtualservice.ConflictingMeshGatewayHostsAnalyzer"),
    summary: "several mesh VirtualServices declare the same host for the same namespaces",
};

/// One host of a mesh VirtualService: (VirtualService, written host span, its FQDN).
type Entry = (ResourceId, Span, String);

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // (scope, FQDN) → entries; scope `*` = exported to every namespace
    let mut by_scope: BTreeMap<(String, String), Vec<Entry>> = BTreeMap::new();
    // hosts exported to every namespace: wildcards, and non-wildcards by every `.suffix`
    let mut all_wild: Vec<(String, Entry)> = Vec::new();
    let mut all_suffix: HashMap<String, Vec<Entry>> = HashMap::new();
    for (id, r, vs) in ix.virtual_services() {
        let mesh = vs.gateways.is_empty() || vs.gateways.iter().any(|g| g.value == "mesh");
        if !mesh {
            continue;
        }
        let all = vs.export_to.is_empty() || vs.export_to.iter().any(|e| e.value == "*");
        let mut scopes: Vec<String> = if all {
            vec!["*".to_string()]
        } else {
            vs.export_to
                .iter()
                .map(|e| {
                    if e.value == "." {
                        r.namespace.to_string()
                    } else {
                        e.value.to_string()
                    }
                })
                .collect()
        };
        scopes.sort();
        scopes.dedup();
        for h in &vs.hosts {
            let fqdn = ix.fqdn(&h.value, &r.namespace);
            for s in &scopes {
                let e = by_scope.entry((s.clone(), fqdn.clone())).or_default();
                // the same host twice in one VirtualService is no conflict
                if !e.iter().any(|(x, _, _)| *x == id) {
                    e.push((id, h.span, fqdn.clone()));
                }
            }
            if all {
                if host::is_wildcard(&fqdn) {
                    all_wild.push((fqdn.clone(), (id, h.span, fqdn.clone())));
                } else {
                    let mut rest = fqdn.as_str();
                    while let Some(i) = rest.find('.') {
                        rest = &rest[i..];
                        all_suffix.entry(rest.to_string()).or_default().push((
                            id,
                            h.span,
                            fqdn.clone(),
                        ));
                        rest = &rest[1..];
                    }
                }
            }
        }
    }
    // per VirtualService: the first conflicting host and the others it conflicts with
    // (span, host, others, istioctl's parameters: every VirtualService's `ns/name`, the scoped host)
    #[allow(clippy::type_complexity)]
    let mut conflicts: BTreeMap<ResourceId, (Span, String, Vec<Entry>, [String; 2])> =
        BTreeMap::new();
    for ((scope, fqdn), entries) in &by_scope {
        let mut group: Vec<Entry> = entries.clone();
        if scope != "*" {
            // namespace-scoped hosts also clash with overlapping hosts exported everywhere
            let mut add = |e: &Entry| {
                if !group.iter().any(|(x, _, _)| *x == e.0) {
                    group.push(e.clone());
                }
            };
            if let Some(v) = by_scope.get(&("*".to_string(), fqdn.clone())) {
                v.iter().for_each(&mut add);
            }
            for (w, e) in &all_wild {
                if host::matches(w, fqdn) {
                    add(e);
                }
            }
            if host::is_wildcard(fqdn) {
                if let Some(v) = all_suffix.get(&fqdn[1..]) {
                    v.iter().for_each(&mut add);
                }
            }
        }
        if group.len() < 2 {
            continue;
        }
        let mut all_names: Vec<String> = group
            .iter()
            .map(|(x, _, _)| {
                let x = ix.resource(*x);
                format!("{}/{}", x.namespace, x.name)
            })
            .collect();
        all_names.sort();
        let args = [all_names.join(","), format!("{scope}/{fqdn}")];
        for (id, span, own) in &group {
            conflicts.entry(*id).or_insert_with(|| {
                let others = group.iter().filter(|(x, _, _)| x != id).cloned().collect();
                (*span, own.clone(), others, args.clone())
            });
        }
    }
    for (id, (span, fqdn, others, args)) in conflicts {
        let r = ix.resource(id);
        let names: Vec<String> = others
            .iter()
            .map(|(o, _, _)| {
                let o = ix.resource(*o);
                format!("`{}/{}`", o.namespace, o.name)
            })
            .collect();
        let mut d = Diagnostic::new(
            &META,
            format!(
                "host `{fqdn}` of mesh VirtualService `{}/{}` overlaps a host of mesh VirtualService {}",
                r.namespace,
                r.name,
                names.join(", ")
            ),
        )
        .at(span, "host declared by several mesh VirtualServices")
        .istio_args(args);
        for (o, s, h) in &others {
            let o = ix.resource(*o);
            d = d.related(
                *s,
                format!(
                    "VirtualService `{}/{}` declares `{h}` here",
                    o.namespace, o.name
                ),
            );
        }
        let d = d.help(
            "merge the routes into one VirtualService per host, or narrow `exportTo` so that each \
             namespace sees one; sidecars merge duplicates in an undefined order",
        );
        cx.report(r, d);
    }
}
