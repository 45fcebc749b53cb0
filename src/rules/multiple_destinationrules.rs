//! `multiple-destinationrules` (ML501, Kiali KIA0201): two DestinationRules in one namespace for
//! the same host collide: istiod merges them (`mergeDestinationRule`), combining subsets
//! (a duplicate name is dropped) and keeping one top-level traffic policy. Rules differ from Kiali's:
//! - only DestinationRules of the same namespace collide (Kiali compares across namespaces,
//!   but a namespace-local rule legitimately overrides another namespace's);
//! - rules with a `workloadSelector` are skipped (they apply to different workloads), and so
//!   are pairs with different `exportTo` (istiod keeps those apart);
//! - as in Kiali, mesh/namespace-wide `*.local` / `*.<ns>.svc.<domain>` ISTIO_MUTUAL rules are
//!   ignored.

use super::RuleCx;
use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::ResourceId;
use crate::model::Spec;
use std::collections::HashMap;

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
    for key in order {
        let ids = &groups[&key];
        for (i, &a) in ids.iter().enumerate() {
            for &b in &ids[..i] {
                let (ra, rb) = (ix.resource(a), ix.resource(b));
                let (Spec::DestinationRule(da), Spec::DestinationRule(db)) = (&ra.spec, &rb.spec)
                else {
                    continue;
                };
                let names = |d: &crate::model::istio::DestinationRule| -> Vec<String> {
                    d.subsets
                        .iter()
                        .filter_map(|s| s.name.as_ref().map(|n| n.value.to_string()))
                        .collect()
                };
                let (na, nb) = (names(da), names(db));
                let shared: Vec<&String> = na.iter().filter(|n| nb.contains(n)).collect();
                let overlap = da.subsets.is_empty() || db.subsets.is_empty() || !shared.is_empty();
                // istiod keeps rules with different exportTo apart instead of merging them
                let exports = |d: &crate::model::istio::DestinationRule| -> Vec<String> {
                    d.export_to.iter().map(|e| e.value.to_string()).collect()
                };
                let overlap = overlap && exports(da) == exports(db);
                if !overlap {
                    continue;
                }
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
                let span_of =
                    |r: &crate::model::Resource, d: &crate::model::istio::DestinationRule| {
                        d.host.as_ref().map_or(r.name_span, |h| h.span)
                    };
                let diag = Diagnostic::new(
                    &META,
                    format!(
                        "DestinationRules `{}` and `{}` both apply to host `{}` ({what}): istiod merges them: subsets are combined (a duplicate name is dropped) and only one top-level traffic policy is kept, so which settings win depends on creation order",
                        rb.name, ra.name, key.1
                    ),
                )
                .at(span_of(ra, da), "second DestinationRule for this host")
                .related(span_of(rb, db), "first DestinationRule for this host")
                .help("merge them into one DestinationRule per host");
                cx.report(ra, diag);
            }
        }
    }
}
