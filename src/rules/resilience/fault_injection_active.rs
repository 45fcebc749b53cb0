//! `fault-injection-active` (ML203): a route injects delays or aborts. A warning when the fault
//! hits 100 % of a catch-all rule (every request of the host), info otherwise.
//!
//! Istio passes the percentage to Envoy's fault filter as is: an absent `percentage` becomes a
//! zero fraction (pilot `TranslateFault`), so that fault never fires and is not reported.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::resilience::retry_budget_exceeds_timeout::go_duration;
use crate::rules::routing::common::{pct, route_label};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML203",
    name: "fault-injection-active",
    severity: Severity::Warning,
    category: Category::Resilience,
    analyzer: None,
    summary: "a route injects delays or aborts into real traffic",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for h in &vs.http {
            let Some(f) = &h.extras().fault else { continue };
            let catch_all = h.matches.as_ref().is_none_or(|m| m.is_empty());
            let mut parts = Vec::new();
            let mut full = false;
            let mut at = None;
            if let Some(p) = f.delay_percentage.as_ref().filter(|p| p.value > 0.0) {
                let d = f
                    .delay_fixed
                    .as_ref()
                    .and_then(|d| d.value.nanos)
                    .map_or("a delay".to_string(), |n| {
                        format!("a {} delay", go_duration(n))
                    });
                parts.push(format!("{d} on {} of requests", pct(p.value.min(100.0))));
                full |= p.value >= 100.0;
                at.get_or_insert(p.span);
            }
            if let Some(p) = f.abort_percentage.as_ref().filter(|p| p.value > 0.0) {
                let s = f
                    .abort_status
                    .as_ref()
                    .map_or("an abort".to_string(), |s| format!("HTTP {}", s.value));
                parts.push(format!("{s} on {} of requests", pct(p.value.min(100.0))));
                full |= p.value >= 100.0;
                at.get_or_insert(p.span);
            }
            if parts.is_empty() {
                continue;
            }
            let scope = if catch_all {
                "every request of the route's hosts (no `match`)".to_string()
            } else {
                "the requests it matches".to_string()
            };
            let severity = if full && catch_all {
                Severity::Warning
            } else {
                Severity::Info
            };
            let diag = Diagnostic::new(
                &META,
                format!(
                    "route {} injects {} into {scope}",
                    route_label(h),
                    parts.join(" and ")
                ),
            )
            .severity(severity)
            .at(f.span, "fault injection")
            .related(at.unwrap_or(f.span), "percentage")
            .help("remove the `fault` block when the experiment is over, or narrow it with a `match` (for example a test header)");
            cx.report(r, diag);
        }
    }
}
