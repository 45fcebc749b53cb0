//! `fallback-does-not-cascade` (ML302): a destination falls back to a target that is itself a
//! primary destination of the same route with its own fallback. ASM fallback is one hop: the
//! target's own fallback is not followed.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::host::resolved_destination;
use crate::rules::routing::common::{dest_name, dest_span, pct, route_label, shares};
use crate::rules::RuleCx;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "ML302",
    name: "fallback-does-not-cascade",
    severity: Severity::Info,
    category: Category::Routing,
    analyzer: None,
    summary: "a fallback chain (v3 → v2 → v1) is written, but ASM fallback does not cascade",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for h in &vs.http {
            let share = shares(&h.route);
            // primary destinations that carry their own fallback, by resolved identity
            let mut primaries = HashMap::new();
            for (i, d) in h.route.iter().enumerate() {
                if let (Some(dest), Some(_)) = (&d.destination, &d.fallback) {
                    if let Some(k) = resolved_destination(ix, dest, &r.namespace) {
                        primaries.entry(k).or_insert(i);
                    }
                }
            }
            for (i, d) in h.route.iter().enumerate() {
                let (Some(dest), Some(fb)) = (&d.destination, &d.fallback) else {
                    continue;
                };
                let Some(k) = resolved_destination(ix, fb, &r.namespace) else {
                    continue;
                };
                let Some(&j) = primaries.get(&k) else {
                    continue;
                };
                if j == i {
                    continue; // fallback-to-self
                }
                let mid = &h.route[j];
                let (Some(mid_dest), Some(next)) = (&mid.destination, &mid.fallback) else {
                    continue;
                };
                // a cycle (v3 → v2 → v3) has nothing further to cascade to
                if resolved_destination(ix, next, &r.namespace)
                    == resolved_destination(ix, dest, &r.namespace)
                {
                    continue;
                }
                let (a, b, c) = (dest_name(dest), dest_name(mid_dest), dest_name(next));
                let diag = Diagnostic::new(
                    &META,
                    format!(
                        "fallback does not cascade in route {}: if {a} and {b} are both unavailable, the {} routed to {a} fails with 503; it does not continue to {c}",
                        route_label(h),
                        pct(share[i])
                    ),
                )
                .at(dest_span(fb), format!("{a} falls back to {b} only"))
                .related(dest_span(next), format!("{b}'s own fallback to {c} is not used for {a}'s traffic"))
                .help(format!(
                    "if {a}'s traffic must survive an outage of both {a} and {b}, point {a}'s fallback at {c} (the last resort), or accept 503s when both are down"
                ));
                cx.report(r, diag);
            }
        }
    }
}
