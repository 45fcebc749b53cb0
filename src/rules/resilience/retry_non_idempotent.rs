//! `retry-non-idempotent` (ML208): a rule that matches only POST/PATCH requests retries them on
//! conditions where the upstream may already have processed the request.
//!
//! Only explicit `retries.attempts` > 0 count. Istio's default policy (no `retries` block:
//! `connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes` with 503,
//! pilot `retry.DefaultPolicy`) applies to every route regardless of method and is not
//! reported. Envoy's `connect-failure`, `refused-stream`, `reset-before-request` and
//! `envoy-ratelimited` retry only requests the upstream never processed, so a `retryOn` made of
//! those alone is safe.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::istio::MatchKind;
use crate::rules::routing::common::route_label;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML208",
    name: "retry-non-idempotent",
    severity: Severity::Warning,
    category: Category::Resilience,
    analyzer: None,
    summary:
        "a rule matching only POST/PATCH retries on conditions that can repeat a processed request",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

/// Istio's retryOn when a `retries` block leaves it empty (`retry.DefaultPolicy`).
const DEFAULT_RETRY_ON: &str = "connect-failure,refused-stream,unavailable,cancelled,503";
const SAFE: &[&str] = &[
    "connect-failure",
    "refused-stream",
    "reset-before-request",
    "envoy-ratelimited",
    "http3-post-connect-failure",
];

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for h in &vs.http {
            let Some(retries) = &h.retries else { continue };
            let Some(attempts) = retries.attempts.as_ref().filter(|a| a.value > 0) else {
                continue;
            };
            let Some(matches) = h.matches.as_ref().filter(|m| !m.is_empty()) else {
                continue;
            };
            let mut methods: Vec<String> = Vec::new();
            let all_unsafe = matches.iter().all(|m| {
                m.extras().method.as_ref().is_some_and(|x| {
                    let v = x.value.value.as_str().to_ascii_uppercase();
                    let ok = x.kind == MatchKind::Exact && matches!(v.as_str(), "POST" | "PATCH");
                    if ok && !methods.contains(&v) {
                        methods.push(v);
                    }
                    ok
                })
            });
            if !all_unsafe {
                continue;
            }
            let retry_on = retries
                .retry_on
                .as_ref()
                .map_or(DEFAULT_RETRY_ON, |s| s.value.as_str());
            let risky: Vec<&str> = retry_on
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty() && !SAFE.contains(p))
                .collect();
            if risky.is_empty() {
                continue;
            }
            let on = match &retries.retry_on {
                Some(_) => format!("retryOn `{}`", risky.join(",")),
                None => format!("Istio's default retryOn (`{}`)", risky.join(",")),
            };
            let mut diag = Diagnostic::new(
                &META,
                format!(
                    "route {} matches only {} requests but retries them up to {} times on {on}: the upstream may already have applied the request, so a retry can repeat it (double writes, double charges)",
                    route_label(h),
                    methods.join("/"),
                    attempts.value
                ),
            )
            .at(attempts.span, format!("{} retries", attempts.value));
            if let Some(ro) = &retries.retry_on {
                diag = diag.related(ro.span, "retry conditions");
            }
            cx.report(r, diag.help("retry non-idempotent requests only on `connect-failure,refused-stream,reset-before-request` (the request never reached the app), make the API idempotent (idempotency keys), or set `attempts: 0`"));
        }
    }
}
