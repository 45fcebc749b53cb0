//! `mirror-full-traffic` (ML207): a mirror copies 100 % of the rule's requests. Istio mirrors
//! 100 % when no percentage is set (pilot `MirrorPercent` / `MirrorPercentByPolicy`).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::routing::common::{dest_name, dest_span, route_label};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML207",
    name: "mirror-full-traffic",
    severity: Severity::Info,
    category: Category::Resilience,
    analyzer: None,
    summary: "a mirror copies 100 % of requests (mirrorPercentage absent means 100 %)",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for h in &vs.http {
            let mut found = Vec::new();
            if let Some(m) = h.extras().mirror.as_deref() {
                let p = match (&h.extras().mirror_percentage, &h.extras().mirror_percent) {
                    (Some(p), _) => Some((p.value, Some(p.span))),
                    (None, Some(p)) => Some((p.value as f64, Some(p.span))),
                    (None, None) => Some((100.0, None)),
                };
                if let Some((v, span)) = p.filter(|(v, _)| *v >= 100.0) {
                    let _ = v;
                    found.push((m, span));
                }
            }
            for (i, m) in h.extras().mirrors.iter().enumerate() {
                let p = h
                    .extras()
                    .mirrors_policy_percentage
                    .get(i)
                    .cloned()
                    .flatten();
                match p {
                    None => found.push((m, None)),
                    Some(p) if p.value >= 100.0 => found.push((m, Some(p.span))),
                    _ => {}
                }
            }
            for (m, span) in found {
                let how = if span.is_some() {
                    "mirrors 100 % of its requests"
                } else {
                    "mirrors 100 % of its requests (no percentage is set, and Istio then mirrors everything)"
                };
                let mut diag = Diagnostic::new(
                    &META,
                    format!(
                        "route {} {how} to {}: the mirror target gets the full production load, and requests with side effects (writes, payments, emails) are executed twice",
                        route_label(h),
                        dest_name(m)
                    ),
                )
                .at(dest_span(m), "mirror at 100 %");
                if let Some(s) = span {
                    diag = diag.related(s, "100 %");
                }
                cx.report(r, diag.help("set `mirrorPercentage: {value: 10}` (or `mirrors[].percentage`) to sample, and make sure the mirror target does not repeat side effects"));
            }
        }
    }
}
