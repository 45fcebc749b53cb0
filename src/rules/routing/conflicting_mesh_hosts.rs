//! `conflicting-mesh-hosts` (IST0109): several VirtualServices bound to the mesh (sidecars)
//! declare the same host for the same namespaces. istiod merges them in an undefined order, so
//! which routes apply is not predictable.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::{host, ResourceId};
use crate::rules::RuleCx;
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

/// One host of a mesh VirtualService.
struct HostRef {
    vs: ResourceId,
    /// The host as written.
    span: Span,
    fqdn: String,
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // every host of every mesh VirtualService, once; the tables below hold indices into it
    let mut hosts: Vec<HostRef> = Vec::new();
    // per VirtualService: its hosts, the namespaces it is exported to, whether to all (`*`)
    let mut per_vs: Vec<(std::ops::Range<usize>, Vec<&str>, bool)> = Vec::new();
    for (id, r, vs) in ix.virtual_services() {
        let mesh = vs.gateways.is_empty() || vs.gateways.iter().any(|g| g.value == "mesh");
        if !mesh {
            continue;
        }
        let all = vs.export_to.is_empty() || vs.export_to.iter().any(|e| e.value == "*");
        let mut scopes: Vec<&str> = if all {
            vec!["*"]
        } else {
            vs.export_to
                .iter()
                .map(|e| {
                    if e.value == "." {
                        r.namespace.as_str()
                    } else {
                        e.value.as_str()
                    }
                })
                .collect()
        };
        scopes.sort_unstable();
        scopes.dedup();
        let start = hosts.len();
        hosts.extend(vs.hosts.iter().map(|h| HostRef {
            vs: id,
            span: h.span,
            fqdn: ix.fqdn(&h.value, &r.namespace),
        }));
        per_vs.push((start..hosts.len(), scopes, all));
    }
    // (scope, FQDN) → hosts; scope `*` = exported to every namespace
    let mut by_scope: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    // hosts exported to every namespace: wildcards, and non-wildcards by every `.suffix`
    let mut all_wild: Vec<usize> = Vec::new();
    let mut all_suffix: HashMap<&str, Vec<usize>> = HashMap::new();
    for (range, scopes, all) in &per_vs {
        for i in range.clone() {
            let h = &hosts[i];
            for s in scopes {
                let e = by_scope.entry((s, h.fqdn.as_str())).or_default();
                // the same host twice in one VirtualService is no conflict
                if !e.iter().any(|&x| hosts[x].vs == h.vs) {
                    e.push(i);
                }
            }
            if !*all {
                continue;
            }
            if host::is_wildcard(&h.fqdn) {
                all_wild.push(i);
            } else {
                let mut rest = h.fqdn.as_str();
                while let Some(p) = rest.find('.') {
                    rest = &rest[p..];
                    all_suffix.entry(rest).or_default().push(i);
                    rest = &rest[1..];
                }
            }
        }
    }
    // per VirtualService: its first conflicting host, the hosts it conflicts with, and
    // istioctl's parameters (every VirtualService's `ns/name`, the scoped host)
    let mut conflicts: BTreeMap<ResourceId, (usize, Vec<usize>, [String; 2])> = BTreeMap::new();
    let has_sidecars = ix.has_kind("Sidecar");
    for (&(scope, fqdn), entries) in &by_scope {
        let mut group: Vec<usize> = entries.clone();
        if scope != "*" {
            // namespace-scoped hosts also clash with overlapping hosts exported everywhere
            let mut add = |i: usize| {
                if !group.iter().any(|&x| hosts[x].vs == hosts[i].vs) {
                    group.push(i);
                }
            };
            if let Some(v) = by_scope.get(&("*", fqdn)) {
                v.iter().for_each(|&i| add(i));
            }
            for &w in &all_wild {
                if host::matches(&hosts[w].fqdn, fqdn) {
                    add(w);
                }
            }
            if host::is_wildcard(fqdn) {
                if let Some(v) = all_suffix.get(&fqdn[1..]) {
                    v.iter().for_each(|&i| add(i));
                }
            }
        }
        if scope != "*" && group.len() >= 2 && has_sidecars {
            // only VirtualServices the namespace's sidecars import can conflict there
            // (sidecar.go / virtualservice.go `SelectVirtualServices`: by the VirtualService's
            // namespace and hosts against the Sidecar's egress hosts)
            group.retain(|&i| {
                let id = hosts[i].vs;
                // a VirtualService's hosts are contiguous in `hosts`
                let (mut a, mut b) = (i, i + 1);
                while a > 0 && hosts[a - 1].vs == id {
                    a -= 1;
                }
                while b < hosts.len() && hosts[b].vs == id {
                    b += 1;
                }
                let own: Vec<String> = hosts[a..b].iter().map(|h| h.fqdn.clone()).collect();
                ix.may_import_virtual_service(scope, &ix.resource(id).namespace, &own)
            });
        }
        if group.len() < 2 {
            continue;
        }
        let mut all_names: Vec<String> = group
            .iter()
            .map(|&i| {
                let x = ix.resource(hosts[i].vs);
                format!("{}/{}", x.namespace, x.name)
            })
            .collect();
        all_names.sort();
        let args = [all_names.join(","), format!("{scope}/{fqdn}")];
        for &i in &group {
            let id = hosts[i].vs;
            conflicts.entry(id).or_insert_with(|| {
                let others = group
                    .iter()
                    .copied()
                    .filter(|&x| hosts[x].vs != id)
                    .collect();
                (i, others, args.clone())
            });
        }
    }
    for (id, (own, others, args)) in conflicts {
        let r = ix.resource(id);
        let names: Vec<String> = others
            .iter()
            .map(|&o| {
                let o = ix.resource(hosts[o].vs);
                format!("`{}/{}`", o.namespace, o.name)
            })
            .collect();
        let mut d = Diagnostic::new(
            &META,
            format!(
                "host `{}` of mesh VirtualService `{}/{}` overlaps a host of mesh VirtualService {}",
                hosts[own].fqdn,
                r.namespace,
                r.name,
                names.join(", ")
            ),
        )
        .at(
            hosts[own].span,
            "host declared by several mesh VirtualServices",
        )
        .istio_args(args);
        for &o in &others {
            let h = &hosts[o];
            let vs = ix.resource(h.vs);
            d = d.related(
                h.span,
                format!(
                    "VirtualService `{}/{}` declares `{}` here",
                    vs.namespace, vs.name, h.fqdn
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
