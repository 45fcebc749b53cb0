//! `retry-budget-exceeds-timeout` (ML201): the route `timeout` is too short for the retries the
//! route configures, so some of the tries can never run.
//!
//! Envoy's route timeout covers the whole request including every retry; `perTryTimeout` bounds
//! each try. With `attempts` A the request may make 1 + A tries, which need up to
//! (1 + A) × perTryTimeout. Istio (pilot `retry.ConvertPolicy`) turns a `retries` block whose
//! `attempts` is 0 or unset into "no retries", and uses `timeout: 0` (disabled) when no timeout
//! is set, so both must be set explicitly for this rule to apply.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::istio::HttpRoute;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML201",
    name: "retry-budget-exceeds-timeout",
    severity: Severity::Warning,
    category: Category::Resilience,
    analyzer: None,
    summary: "the route timeout is shorter than the retries need: (1 + attempts) × perTryTimeout",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

const MS: i128 = 1_000_000;

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
    let timeout = h.timeout.as_ref()?;
    let retries = h.retries.as_ref()?;
    let attempts = retries.attempts.as_ref()?;
    let per_try = retries.per_try_timeout.as_ref()?;
    // Invalid durations and attempts are IST0106's business.
    let t = timeout.value.nanos.filter(|n| *n >= MS)?;
    let p = per_try.value.nanos.filter(|n| *n >= MS)?;
    let a = attempts.value;
    if a <= 0 {
        return None;
    }
    let route = match &h.name {
        Some(n) => format!("route http[{}] (`{}`)", h.index, n.value),
        None => format!("route http[{}]", h.index),
    };
    let tries = 1 + a as i128;
    if p >= t {
        let diag = Diagnostic::new(
            &META,
            format!(
                "perTryTimeout {} is not shorter than the route timeout {} of {route}: the first try alone can use the whole timeout, so none of the {a} retries can run after a timed-out try",
                go_duration(p),
                go_duration(t)
            ),
        )
        .at(per_try.span, format!("{} per try", go_duration(p)))
        .related(timeout.span, format!("whole request limited to {}", go_duration(t)))
        .help(format!(
            "make perTryTimeout shorter than the timeout: with {a} retries, at most {} keeps all {tries} tries inside {}; or raise the timeout to at least {}",
            go_duration(floor_ms(t / tries)),
            go_duration(t),
            go_duration(tries * p)
        ));
        return Some(diag);
    }
    let needed = tries.checked_mul(p)?;
    if t >= needed {
        return None;
    }
    let full = t / p;
    let rest = t - full * p;
    let cut = i128::from(rest > 0);
    let never = tries - full - cut;
    let mut detail = format!(
        "only {full} of the 1 + {a} tries can run to their perTryTimeout within the {} timeout",
        go_duration(t)
    );
    if cut == 1 {
        detail.push_str(&format!(
            "; try {} is cut off after {}",
            full + 1,
            go_duration(rest)
        ));
    }
    if never > 0 {
        detail.push_str(&format!(
            "; {never} {} never start{}",
            if never == 1 { "try" } else { "tries" },
            if never == 1 { "s" } else { "" }
        ));
    }
    let diag = Diagnostic::new(
        &META,
        format!(
            "retries of {route} need up to {tries} × {} = {}, but the route timeout is {}: {detail}",
            go_duration(p),
            go_duration(needed),
            go_duration(t)
        ),
    )
    .at(timeout.span, format!("{} for the whole request", go_duration(t)))
    .related(attempts.span, format!("{a} retries → {tries} tries"))
    .related(per_try.span, format!("up to {} each", go_duration(p)));
    let mut help = format!(
        "raise the timeout to at least {} (plus retry back-off), or lower perTryTimeout to {}",
        go_duration(needed),
        go_duration(floor_ms(t / tries))
    );
    let fitting = t / p - 1;
    if fitting >= 1 {
        help.push_str(&format!(" or attempts to {fitting}"));
    }
    Some(diag.help(help))
}

fn floor_ms(n: i128) -> i128 {
    n / MS * MS
}

/// Formats nanoseconds the way Go prints a `time.Duration` (`1m30s`, `1.5s`, `250ms`).
pub fn go_duration(n: i128) -> String {
    if n == 0 {
        return "0s".to_string();
    }
    let neg = n < 0;
    let n = n.unsigned_abs();
    let mut out = String::new();
    if n < 1_000_000_000 {
        let (unit, div) = if n >= 1_000_000 {
            ("ms", 1_000_000u128)
        } else if n >= 1_000 {
            ("µs", 1_000)
        } else {
            ("ns", 1)
        };
        out.push_str(&frac(n, div));
        out.push_str(unit);
    } else {
        let h = n / 3_600_000_000_000;
        let m = n / 60_000_000_000 % 60;
        let s = n % 60_000_000_000;
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac(s, 1_000_000_000));
        out.push('s');
    }
    if neg {
        format!("-{out}")
    } else {
        out
    }
}

fn frac(n: u128, div: u128) -> String {
    let whole = n / div;
    let rest = n % div;
    if rest == 0 {
        return whole.to_string();
    }
    let width = div.to_string().len() - 1;
    let digits = format!("{rest:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::go_duration;

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(3_000_000_000), "3s");
        assert_eq!(go_duration(1_500_000_000), "1.5s");
        assert_eq!(go_duration(250_000_000), "250ms");
        assert_eq!(go_duration(90_000_000_000), "1m30s");
        assert_eq!(go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(go_duration(1_500), "1.5µs");
        assert_eq!(go_duration(-2_000_000), "-2ms");
    }
}
