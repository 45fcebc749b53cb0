//! `multiple-destinationrules` (ML501, Kiali KIA0201): two DestinationRules in one namespace for
//! the same host collide: istiod merges them (`mergeDestinationRule`), combining subsets
//! (a duplicate name is dropped) and keeping one top-level traffic policy. Rules differ from Kiali's:
//! - only DestinationRules of the same namespace collide (Kiali compares across namespaces,
//!   but a namespace-local rule legitimately overrides another namespace's);
//! - rules with a `workloadSelector` are skipped (they apply to different workloads), and so
//!   are pairs with different `exportTo` (istiod keeps those apart);
//! - as in Kiali, mesh/namespace-wide `*.local` / `*.<ns>.svc.<domain>` ISTIO_MUTUAL rules are
//!   ignored.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::ResourceId;
use crate::model::istio::DestinationRule;
use crate::model::Spec;
use crate::rules::RuleCx;
use std::collections::{HashMap, HashSet};

pub static META: RuleMeta = RuleMeta {
    code: "ML501",
    name: "multiple-destinationrules",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "two DestinationRules of one namespace target the same host and overlapping subsets",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let mut groups: HashMap<(&str, String), Vec<ResourceId>> = HashMap::new();
    let mut order = Vec::new();
    for (id, r, dr) in ix.destination_rules() {
        if dr.workload_selector.is_some() {
            continue;
        }
        let Some(fqdn) = ix.dr_host(id) else { continue };
        let mtls = dr
            .tls_mode
            .as_ref()
            .is_some_and(|m| m.value == "ISTIO_MUTUAL");
        let ns_wide = format!("*.{}.svc.{}", r.namespace, ix.mesh.domain);
        if mtls && (fqdn == "*.local" || fqdn == ns_wide) {
            continue;
        }
        let key = (r.namespace.as_str(), fqdn.to_string());
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(id);
    }
    let mut routed: Option<HashSet<String>> = None;
    for key in order {
        let ids = &groups[&key];
        if ids.len() < 2 {
            continue;
        }
        // overlapping pairs, joined into groups: one finding per group (one problem, one
        // finding), however many rules pile up on the host
        let mut comp: Vec<usize> = (0..ids.len()).collect();
        fn root(comp: &mut [usize], mut i: usize) -> usize {
            while comp[i] != i {
                comp[i] = comp[comp[i]];
                i = comp[i];
            }
            i
        }
        let mut pairs: Vec<(usize, Vec<String>)> = Vec::new();
        let mut paired = vec![false; ids.len()];
        for i in 0..ids.len() {
            for j in 0..i {
                let Some(shared) = overlap(ix, ids[j], ids[i]) else {
                    continue;
                };
                paired[i] = true;
                paired[j] = true;
                let (a, b) = (root(&mut comp, i), root(&mut comp, j));
                if a != b {
                    comp[a] = b;
                }
                pairs.push((i, shared));
            }
        }
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut roots = Vec::new();
        for (i, &p) in paired.iter().enumerate() {
            if !p {
                continue;
            }
            let r = root(&mut comp, i);
            if !members.contains_key(&r) {
                roots.push(r);
            }
            members.entry(r).or_default().push(i);
        }
        let mut shared_of: HashMap<usize, Vec<String>> = HashMap::new();
        for (i, names) in pairs {
            let e = shared_of.entry(root(&mut comp, i)).or_default();
            for n in names {
                if !e.contains(&n) {
                    e.push(n);
                }
            }
        }
        for r in roots {
            let group: Vec<ResourceId> = members[&r].iter().map(|&i| ids[i]).collect();
            let routed = routed.get_or_insert_with(|| ix.vs_destination_hosts());
            if inert(ix, group[0], &key.1, routed) {
                continue;
            }
            let shared = shared_of.remove(&r).unwrap_or_default();
            report_group(cx, &group, &key.1, &shared);
        }
    }
}

/// Whether no sidecar the rules reach has the host in scope: every client namespace istiod's
/// lookup gives the rule (they share `exportTo`) has a Sidecar whose egress hosts leave the
/// service out (and no VirtualService routes to it), and none may run a gateway. istiod looks
/// DestinationRules up only for a sidecar's imported services (sidecar.go
/// `selectDestinationRules`), so the merge happens nowhere.
fn inert(ix: &crate::index::Index, id: ResourceId, host: &str, routed: &HashSet<String>) -> bool {
    let Some(clients) = ix.dr_client_namespaces(id, host) else {
        return false;
    };
    let Some(owner) = ix.service_namespace_of(host) else {
        return false;
    };
    clients
        .iter()
        .all(|n| !ix.may_import_service(n, owner, host, routed))
}

/// Whether two DestinationRules of one namespace and host collide: one has no subsets or both
/// define a subset of the same name, and their `exportTo` lists are equal (istiod keeps rules
/// with different `exportTo` apart). `Some(shared subset names)` when they collide.
fn overlap(ix: &crate::index::Index, a: ResourceId, b: ResourceId) -> Option<Vec<String>> {
    let (Spec::DestinationRule(da), Spec::DestinationRule(db)) =
        (&ix.resource(a).spec, &ix.resource(b).spec)
    else {
        return None;
    };
    let names = |d: &DestinationRule| -> Vec<String> {
        d.subsets
            .iter()
            .filter_map(|s| s.name.as_ref().map(|n| n.value.to_string()))
            .collect()
    };
    let (na, nb) = (names(da), names(db));
    let shared: Vec<String> = na.into_iter().filter(|n| nb.contains(n)).collect();
    let overlap = da.subsets.is_empty() || db.subsets.is_empty() || !shared.is_empty();
    let exports = |d: &DestinationRule| -> Vec<String> {
        d.export_to.iter().map(|e| e.value.to_string()).collect()
    };
    (overlap && exports(da) == exports(db)).then_some(shared)
}

/// One finding for a group of colliding rules, at the last of them (in input order), with
/// every other member as a related location.
fn report_group(cx: &mut RuleCx, group: &[ResourceId], host: &str, shared: &[String]) {
    let ix = cx.index;
    let span_of = |id: ResourceId| {
        let r = ix.resource(id);
        match &r.spec {
            Spec::DestinationRule(d) => d.host.as_ref().map_or(r.name_span, |h| h.span),
            _ => r.name_span,
        }
    };
    let what = if shared.is_empty() {
        "the whole host".to_string()
    } else {
        format!(
            "subset{} {}",
            if shared.len() == 1 { "" } else { "s" },
            shared
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let names: Vec<String> = group
        .iter()
        .map(|&id| format!("`{}`", ix.resource(id).name))
        .collect();
    let who = match names.len() {
        2 => format!("DestinationRules {} and {} both apply", names[0], names[1]),
        n => format!(
            "{n} DestinationRules ({}) apply",
            crate::diagnostics::capped(&names).join(", ")
        ),
    };
    let Some((&last, rest)) = group.split_last() else {
        return;
    };
    let mut diag = Diagnostic::new(
        &META,
        format!(
            "{who} to host `{host}` ({what}): istiod merges them: subsets are combined (a duplicate name is dropped) and only one top-level traffic policy is kept, so which settings win depends on creation order"
        ),
    )
    .at(
        span_of(last),
        if rest.len() == 1 {
            "second DestinationRule for this host"
        } else {
            "last DestinationRule for this host"
        },
    );
    for (i, &id) in rest.iter().enumerate() {
        let label = if i == 0 {
            "first DestinationRule for this host"
        } else {
            "another DestinationRule for this host"
        };
        diag = diag.related(span_of(id), label);
    }
    let diag = diag.help("merge them into one DestinationRule per host");
    cx.report(ix.resource(last), diag);
}
