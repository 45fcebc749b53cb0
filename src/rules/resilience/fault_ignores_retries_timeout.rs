//! `fault-ignores-retries-timeout` (ML209): a route injects a fault and sets `retries` or a
//! `timeout` as if they could act on it. They cannot:
//!
//! - istiod puts Envoy's fault filter before the router in every HTTP filter chain
//!   (pilot/pkg/networking/core/listener_builder.go: `xdsfilters.Fault` is appended before the
//!   router filter, which "must be last"), and passes the route's `fault` to it as per-route
//!   config (pilot/pkg/networking/core/route/route.go `TranslateFault`);
//! - an abort is answered by the fault filter itself (source/extensions/filters/http/fault/
//!   fault_filter.cc `FaultFilter::decodeHeaders` → `abortWithHTTPStatus` → `sendLocalReply`,
//!   and iteration stops): the request never reaches the router, so the route's retry policy
//!   never sees it;
//! - a delay holds the request in the fault filter (`delay_timer_`, `StopIteration`) and lets it
//!   continue to the router only afterwards (`postDelayInjection` → `continueDecoding`); the
//!   route timeout is started by the router once it has the whole request
//!   (source/common/router/router.cc `Filter::onRequestComplete` → `response_timeout_`), so the
//!   delay is not part of it.
//!
//! The fault itself is `fault-injection-active` (ML203); this rule is about the retries and the
//! timeout next to it, and points at them.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::istio::{Fault, HttpRoute};
use crate::rules::resilience::retry_budget_exceeds_timeout::go_duration;
use crate::rules::routing::common::route_label;
use crate::rules::RuleCx;
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    code: "ML209",
    name: "fault-ignores-retries-timeout",
    severity: Severity::Warning,
    category: Category::Resilience,
    analyzer: None,
    summary: "a route's retries never retry its injected abort, and its timeout does not cover its injected delay",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

/// The injected delay in nanoseconds when it fires for some requests (pilot `TranslateFault`:
/// `percentage`, else the deprecated integer `percent`; only a fixed delay is supported).
fn active_delay(f: &Fault) -> Option<(i128, Span)> {
    let fires = match (&f.delay_percentage, &f.delay_percent) {
        (Some(p), _) => p.value > 0.0,
        (None, Some(p)) => p.value > 0,
        (None, None) => false,
    };
    let d = f.delay_fixed.as_ref()?;
    let n = d.value.nanos.filter(|&n| n > 0)?;
    fires.then_some((n, d.span))
}

/// The abort, when it fires for some requests (an absent `percentage` is a zero fraction).
fn active_abort(f: &Fault) -> Option<Span> {
    let p = f.abort_percentage.as_ref().filter(|p| p.value > 0.0)?;
    Some(f.abort_status.as_ref().map_or(p.span, |s| s.span))
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for h in &vs.http {
            if let Some(d) = check_route(h) {
                cx.report(r, d);
            }
        }
    }
}

fn check_route(h: &HttpRoute) -> Option<Diagnostic> {
    let f = h.extras().fault.as_ref()?;
    // retries with attempts > 0 (pilot `retry.ConvertPolicy`: 0 attempts is "no retries")
    let retries = h
        .retries
        .as_ref()
        .and_then(|r| r.attempts.as_ref().filter(|a| a.value > 0));
    // a route timeout that is set and not 0 (0 disables it)
    let timeout = h
        .timeout
        .as_ref()
        .and_then(|t| t.value.nanos.filter(|&n| n > 0).map(|n| (n, t.span)));
    let abort = active_abort(f).filter(|_| retries.is_some());
    let delay = active_delay(f).filter(|_| timeout.is_some());
    if abort.is_none() && delay.is_none() {
        return None;
    }
    let mut parts = Vec::new();
    if let (Some(_), Some(attempts)) = (abort, retries) {
        let status = f
            .abort_status
            .as_ref()
            .map_or("the injected abort".to_string(), |s| {
                format!("the injected HTTP {} abort", s.value)
            });
        parts.push(format!(
            "its `retries` ({} attempts) never retry {status}: the fault filter answers it before the router",
            attempts.value
        ));
    }
    if let (Some((d, _)), Some((t, _))) = (delay, timeout) {
        if d >= t {
            parts.push(format!(
                "its `timeout` of {} never cuts the injected {} delay: the timeout starts after the delay, so callers wait {} plus the upstream's time",
                go_duration(t),
                go_duration(d),
                go_duration(d)
            ));
        } else {
            parts.push(format!(
                "the injected {} delay comes on top of its `timeout` of {}: the timeout starts after the delay",
                go_duration(d),
                go_duration(t)
            ));
        }
    }
    let mut diag = Diagnostic::new(
        &META,
        format!(
            "route {} injects a fault, and {}",
            route_label(h),
            parts.join("; ")
        ),
    );
    diag = match (abort, retries, delay, timeout) {
        (Some(_), Some(attempts), _, _) => {
            diag.at(attempts.span, "retries do not see the injected abort")
        }
        (_, _, Some(_), Some((_, ts))) => diag.at(ts, "timeout starts after the injected delay"),
        _ => return None,
    };
    if let Some(a) = abort {
        diag = diag.related(a, "aborted by the fault filter, before the router");
    }
    if let (Some((_, ds)), Some((_, ts))) = (delay, timeout) {
        if abort.is_some() {
            diag = diag.related(ts, "this timeout starts after the injected delay");
        }
        diag = diag.related(ds, "delay injected before the router");
    }
    Some(diag.help(
        "this route's `retries` and `timeout` act only on the destination's own responses: to \
         exercise them, make the destination fail or slow down instead of injecting the fault \
         here; to test a caller against the fault, give the caller (one hop earlier) the \
         retries and timeout",
    ))
}
