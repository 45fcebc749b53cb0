//! Which DestinationRule subsets receive traffic, and which WorkloadEntries a selector selects:
//! the queries behind `subset-selects-no-pods` and `unrouted-subset-selects-no-pods`.

use super::{Index, ResourceId};
use crate::model::istio::{Destination, RouteDestination};
use crate::model::{Labels, Spec};
use crate::source::{Span, Str};
use foldhash::{HashMap, HashMapExt};

/// Where traffic is sent to a subset: the VirtualService and the `subset` field.
#[derive(Debug, Clone, Copy)]
pub struct SubsetTraffic {
    pub vs: ResourceId,
    pub span: Span,
}

/// The destinations of a route list that receive traffic: a single destination always (its
/// weight is ignored), several only with `weight > 0` (`translateRoute` in
/// pilot/pkg/networking/core/route/route.go; the same in `buildOutboundNetworkFilters`,
/// networkfilter.go, for TCP and TLS routes).
fn weighted(route: &[RouteDestination]) -> impl Iterator<Item = &RouteDestination> {
    let single = route.len() == 1;
    route
        .iter()
        .filter(move |d| single || d.weight.as_ref().is_some_and(|w| w.value > 0))
}

impl<'r> Index<'r> {
    /// WorkloadEntries in `ns` whose labels include every label of `selector`.
    pub fn workload_entries_selected(&self, ns: &str, selector: &Labels) -> Vec<ResourceId> {
        self.of_kind("WorkloadEntry")
            .iter()
            .copied()
            .filter(|&id| {
                let r = self.resource(id);
                let Spec::WorkloadEntry(we) = &r.spec else {
                    return false;
                };
                r.namespace == ns
                    && selector.iter().all(|(k, v)| {
                        we.labels
                            .iter()
                            .any(|(a, b)| a.value == k.value && b.value == v.value)
                    })
            })
            .collect()
    }

    /// The DestinationRule subsets (rule, subset name) that some VirtualService of the input sends
    /// traffic to: a route destination with traffic (see [`weighted`]), a mirror whose percentage
    /// is not 0 (`MirrorPercentByPolicy`, route.go) or an ASM fallback target. Hosts resolve to
    /// DestinationRules as in `subset-not-found` (`destination_rules_for`, merged as istiod
    /// merges them: the first rule defining a subset name supplies it).
    ///
    /// Computed once per run (both IST0173 rules ask).
    pub fn routed_subsets(&self) -> &HashMap<(ResourceId, Str), SubsetTraffic> {
        self.routed_subsets
            .get_or_init(|| self.compute_routed_subsets())
    }

    fn compute_routed_subsets(&self) -> HashMap<(ResourceId, Str), SubsetTraffic> {
        let mut out = HashMap::new();
        for (vs_id, r, vs) in self.virtual_services() {
            let mut sent: Vec<&Destination> = Vec::new();
            for h in &vs.http {
                for d in weighted(&h.route) {
                    sent.extend(d.destination.as_ref());
                }
                for d in &h.route {
                    sent.extend(d.fallback.as_deref());
                }
                let e = h.extras();
                let legacy_on = match (&e.mirror_percentage, &e.mirror_percent) {
                    (Some(p), _) => p.value > 0.0,
                    (None, Some(p)) => p.value > 0,
                    (None, None) => true,
                };
                if legacy_on {
                    sent.extend(e.mirror.as_deref());
                }
                for (i, m) in e.mirrors.iter().enumerate() {
                    if e.mirrors_percent.get(i).copied().flatten() != Some(0.0) {
                        sent.push(m);
                    }
                }
            }
            for l4 in vs.tcp.iter().chain(vs.tls.iter()) {
                for d in weighted(&l4.route) {
                    sent.extend(d.destination.as_ref());
                }
            }
            for d in sent {
                let (Some(host), Some(subset)) = (&d.host, &d.subset) else {
                    continue;
                };
                let fqdn = self.fqdn(&host.value, &r.namespace);
                let Some(applied) = self.destination_rules_for(&fqdn, &r.namespace) else {
                    continue;
                };
                // the first rule defining the subset (as `subsets_of` keeps it), without
                // listing every subset of every rule
                let defined = applied.rules.iter().find(|&&id| {
                    matches!(&self.resources[id].spec, Spec::DestinationRule(dr)
                        if dr.subsets.iter().any(|s| s.name.as_ref().is_some_and(|n| n.value == subset.value)))
                });
                if let Some(&dr) = defined {
                    out.entry((dr, subset.value.clone()))
                        .or_insert(SubsetTraffic {
                            vs: vs_id,
                            span: subset.span,
                        });
                }
            }
        }
        out
    }
}
