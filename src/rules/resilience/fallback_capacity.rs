//! `fallback-capacity` (ML303): the worst-case share of a route's traffic a fallback target
//! receives when the destinations falling back to it have no healthy endpoints.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::host::resolved_destination;
use crate::rules::routing::common::{dest_name, dest_span, pct, route_label, shares};
use crate::rules::RuleCx;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "ML303",
    name: "fallback-capacity",
    severity: Severity::Info,
    category: Category::Resilience,
    analyzer: None,
    summary: "a fallback target may receive its primaries' whole share of traffic at once",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for h in &vs.http {
            let share = shares(&h.route);
            // the target's own share when it is also a primary destination
            let mut own: HashMap<(String, Option<String>), f64> = HashMap::new();
            for (i, d) in h.route.iter().enumerate() {
                if let Some(k) = d
                    .destination
                    .as_ref()
                    .and_then(|x| resolved_destination(ix, x, &r.namespace))
                {
                    *own.entry(k).or_default() += share[i];
                }
            }
            // targets in first-seen order, with the primaries falling back to them
            let mut order: Vec<(String, Option<String>)> = Vec::new();
            let mut from: HashMap<(String, Option<String>), Vec<usize>> = HashMap::new();
            for (i, d) in h.route.iter().enumerate() {
                let (Some(dest), Some(fb)) = (&d.destination, &d.fallback) else {
                    continue;
                };
                let (Some(dk), Some(k)) = (
                    resolved_destination(ix, dest, &r.namespace),
                    resolved_destination(ix, fb, &r.namespace),
                ) else {
                    continue;
                };
                if dk == k {
                    continue; // fallback-to-self
                }
                if !from.contains_key(&k) {
                    order.push(k.clone());
                }
                from.entry(k).or_default().push(i);
            }
            for k in order {
                let idx = &from[&k];
                let extra: f64 = idx.iter().map(|&i| share[i]).sum();
                if extra <= 0.0 {
                    continue;
                }
                let base = own.get(&k).copied().unwrap_or(0.0);
                let total = (base + extra).min(100.0);
                let first = &h.route[idx[0]];
                let fb = first.fallback.as_ref().expect("fallback");
                let target = dest_name(fb);
                let host = fb
                    .host
                    .as_ref()
                    .map_or(k.0.clone(), |x| x.value.to_string());
                let primaries: Vec<String> = idx
                    .iter()
                    .filter_map(|&i| h.route[i].destination.as_ref().map(dest_name))
                    .collect();
                let now = if base > 0.0 {
                    format!("instead of its own {}", pct(base))
                } else {
                    "although it normally receives none".to_string()
                };
                let mut diag = Diagnostic::new(
                    &META,
                    format!(
                        "{target} may receive up to {} of {host} traffic in route {} when {} {} no healthy endpoints ({now})",
                        pct(total),
                        route_label(h),
                        primaries.join(" and "),
                        if primaries.len() == 1 { "has" } else { "have" }
                    ),
                )
                .at(dest_span(fb), format!("fallback target: up to {}", pct(total)));
                for &i in &idx[1..] {
                    if let Some(f) = &h.route[i].fallback {
                        diag = diag.related(dest_span(f), "also falls back here");
                    }
                }
                let diag = diag.help(format!(
                    "size {target} (replicas, autoscaling, connection pool limits) for {} of the traffic, or spread fallbacks over several targets",
                    pct(total)
                ));
                cx.report(r, diag);
            }
        }
    }
}
