//! `schema-error` (IST0106): values that Istio's own validation (the admission webhook and
//! `istioctl analyze`'s `schema.ValidationAnalyzer`) rejects, in the fields meshlint models:
//! durations, percentages, match regexes, route weights, port numbers, the retry policy and the
//! fault-injection abort status. Checks follow `pkg/config/validation` (`virtualservice.go`,
//! `validation.go`, `agent/validation.go`) in istio/istio.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::istio::{
    Destination, HttpMatch, MatchKind, RouteDestination, ServiceEntry, StringMatch, VirtualService,
};
use crate::model::{Duration, Spec};
use crate::rules::RuleCx;
use crate::source::{Span, Spanned};
use std::fmt::Display;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.VirtualService"),
    summary: "a duration, percentage, regex, weight, port, retry policy or fault status that Istio's validation rejects",
};

const MS: i128 = 1_000_000;

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let mut found = Vec::new();
    // replaced copies of an object still get their per-document checks
    for r in ix.documents_of_kind("VirtualService") {
        let Spec::VirtualService(vs) = &r.spec else {
            continue;
        };
        let mut out = Vec::new();
        virtual_service(vs, &mut out);
        found.push((r, out));
    }
    for kind in ["ServiceEntry"] {
        for r in ix.documents_of_kind(kind) {
            let mut out = Vec::new();
            match &r.spec {
                Spec::ServiceEntry(se) => service_entry(se, &mut out),
                _ => continue,
            }
            found.push((r, out));
        }
    }
    for (r, out) in found {
        for d in out {
            cx.report(r, d);
        }
    }
    crate::rules::validation::run(
        cx,
        &META,
        "VirtualService",
        crate::rules::validation::Level::Error,
    );
}

fn err(
    out: &mut Vec<Diagnostic>,
    span: Span,
    msg: String,
    label: impl Into<std::borrow::Cow<'static, str>>,
    help: impl Into<std::borrow::Cow<'static, str>>,
) {
    out.push(Diagnostic::new(&META, msg).at(span, label).help(help));
}

// ---------------------------------------------------------------------------------------------
// VirtualService

fn virtual_service(vs: &VirtualService, out: &mut Vec<Diagnostic>) {
    for h in &vs.http {
        let at = format!("http[{}]", h.index);
        if let Some(ms) = &h.matches {
            for m in ms {
                http_match(m, &format_args!("{at}.match[{}]", m.index), out);
            }
        }
        route_ports(out, &h.route, &at);
        destination_port(
            out,
            h.extras().mirror.as_deref(),
            &format_args!("{at}.mirror"),
        );
        for (k, m) in h.extras().mirrors.iter().enumerate() {
            destination_port(out, Some(m), &format_args!("{at}.mirrors[{k}].destination"));
        }
        weights(&h.route, &at, h.route_key, out);
        duration(
            out,
            h.timeout.as_ref(),
            &format_args!("{at}.timeout"),
            "remove `timeout` to disable the route timeout (the default)",
        );
        if let Some(rt) = &h.retries {
            let p = format!("{at}.retries");
            if let Some(a) = &rt.attempts {
                if a.value < 0 {
                    err(
                        out,
                        a.span,
                        format!("`{p}.attempts` is {}; attempts cannot be negative", a.value),
                        "negative attempts",
                        "set `attempts: 0` to disable retries, or a positive number of retries",
                    );
                }
            }
            let attempts = rt.attempts.as_ref().map_or(0, |a| a.value);
            if attempts == 0 {
                let mut set = Vec::new();
                let mut first = None;
                if let Some(x) = &rt.per_try_timeout {
                    set.push("perTryTimeout");
                    first = first.or(Some(x.span));
                }
                if let Some(x) = &rt.retry_on {
                    set.push("retryOn");
                    first = first.or(Some(x.span));
                }
                if let Some(x) = rt.retry_remote_localities {
                    set.push("retryRemoteLocalities");
                    first = first.or(Some(x));
                }
                if let Some(first) = first {
                    let (span, how) = match &rt.attempts {
                        Some(a) => (a.span, "0"),
                        None => (first, "not set (0)"),
                    };
                    err(
                        out,
                        span,
                        format!(
                            "`{p}` sets {} but `attempts` is {how}, which disables retries; Istio rejects a retry policy configured with attempts 0",
                            set.join(", ")
                        ),
                        if rt.attempts.is_some() {
                            "attempts 0 disables retries".to_string()
                        } else {
                            format!("{} set without `attempts`", set[0])
                        },
                        "set `attempts` to the number of retries you want (1 or more), or remove the retry settings; without a `retries` block Istio retries twice by default",
                    );
                }
            }
            duration(
                out,
                rt.per_try_timeout.as_ref(),
                &format_args!("{p}.perTryTimeout"),
                "remove `perTryTimeout` to let each try use the route timeout",
            );
            duration(
                out,
                rt.backoff.as_ref(),
                &format_args!("{p}.backoff"),
                "remove `backoff` to use Envoy's default base interval of 25ms",
            );
            if let Some(ro) = &rt.retry_on {
                retry_on(ro, &format_args!("{p}.retryOn"), out);
            }
        }
        if let Some(f) = &h.extras().fault {
            let p = format!("{at}.fault");
            duration(
                out,
                f.delay_fixed.as_ref(),
                &format_args!("{p}.delay.fixedDelay"),
                "write the delay to inject, such as `5s`",
            );
            fault_percentage(
                out,
                f.delay_percentage.as_ref(),
                &format_args!("{p}.delay.percentage.value"),
            );
            fault_percentage(
                out,
                f.abort_percentage.as_ref(),
                &format_args!("{p}.abort.percentage.value"),
            );
            if let Some(s) = &f.abort_status {
                if s.value < 200 || s.value > 600 {
                    err(
                        out,
                        s.span,
                        format!(
                            "`{p}.abort.httpStatus` is {}; Istio accepts only HTTP statuses from 200 to 599 (it checks 200..600)",
                            s.value
                        ),
                        "not an abort status Istio accepts",
                        "use the status the injected failure should return, for example 503",
                    );
                }
            }
        }
        if let Some(mp) = &h.extras().mirror_percentage {
            mirror_percentage(out, mp, &format_args!("{at}.mirrorPercentage.value"));
        }
        for mp in &h.extras().mirrors_percentage {
            mirror_percentage(out, mp, &format_args!("{at}.mirrors[].percentage.value"));
        }
    }
    for (section, routes) in [("tcp", &vs.tcp), ("tls", &vs.tls)] {
        for r in routes {
            let at = format!("{section}[{}]", r.index);
            for m in r.matches.iter().flatten() {
                if let Some(p) = &m.port {
                    if p.value != 0 {
                        port(out, p, &format_args!("{at}.match[].port"));
                    }
                }
            }
            route_ports(out, &r.route, &at);
            weights(&r.route, &at, None, out);
        }
    }
}

fn destination_port(out: &mut Vec<Diagnostic>, d: Option<&Destination>, field: &dyn Display) {
    if let Some(p) = d.and_then(|d| d.port.as_ref()) {
        port(out, p, &format_args!("{field}.port.number"));
    }
}

fn route_ports(out: &mut Vec<Diagnostic>, dests: &[RouteDestination], at: &dyn Display) {
    for (j, d) in dests.iter().enumerate() {
        destination_port(
            out,
            d.destination.as_ref(),
            &format_args!("{at}.route[{j}].destination"),
        );
        destination_port(
            out,
            d.fallback.as_deref(),
            &format_args!("{at}.route[{j}].fallback.target"),
        );
    }
}

fn http_match(m: &HttpMatch, at: &dyn Display, out: &mut Vec<Diagnostic>) {
    for (key, sm, empty_prefix_ok) in [
        ("uri", m.uri.as_ref(), true),
        ("scheme", m.extras().scheme.as_ref(), false),
        ("method", m.extras().method.as_ref(), false),
        ("authority", m.extras().authority.as_ref(), false),
    ] {
        if let Some(sm) = sm {
            string_match(sm, &format_args!("{at}.{key}"), empty_prefix_ok, false, out);
        }
    }
    for (key, map, star_ok) in [
        ("headers", &m.headers, false),
        ("queryParams", &m.extras().query_params, false),
        ("withoutHeaders", &m.extras().without_headers, true),
    ] {
        for (name, sm) in map {
            if let Some(sm) = sm {
                string_match(
                    sm,
                    &format_args!("{at}.{key}.{}", name.value),
                    false,
                    star_ok,
                    out,
                );
            }
        }
    }
    if let Some(p) = &m.extras().port {
        if p.value != 0 {
            port(out, p, &format_args!("{at}.port"));
        }
    }
}

fn string_match(
    sm: &StringMatch,
    field: &dyn Display,
    empty_prefix_ok: bool,
    star_ok: bool,
    out: &mut Vec<Diagnostic>,
) {
    if sm.null {
        return;
    }
    let v = &sm.value;
    match sm.kind {
        MatchKind::Exact => {}
        MatchKind::Prefix => {
            if v.value.is_empty() && !empty_prefix_ok {
                err(
                    out,
                    v.span,
                    format!("`{field}` has an empty prefix match, which Istio rejects"),
                    "empty prefix",
                    "write the prefix to match; to only require that a header or query parameter is present, write its match as `{}`",
                );
            }
        }
        MatchKind::Regex => {
            if star_ok && v.value == "*" {
                return;
            }
            if v.value.is_empty() {
                err(
                    out,
                    v.span,
                    format!("`{field}` has an empty regex, which Istio rejects"),
                    "empty regex",
                    "write the regex to match, or use `prefix`/`exact`",
                );
            } else if v.value.len() > 1024 {
                err(
                    out,
                    v.span,
                    format!(
                        "`{field}` regex is {} bytes long; Istio allows at most 1024",
                        v.value.len()
                    ),
                    "regex too long",
                    "shorten the regex, or split the route into several matches",
                );
            } else if let Err(e) = re2::check(&v.value) {
                err(
                    out,
                    v.span,
                    format!("`{field}` regex does not compile as RE2: {e}"),
                    "invalid RE2 regex",
                    "Istio and Envoy use RE2 syntax (https://github.com/google/re2/wiki/Syntax): no look-around, no backreferences, no possessive or stacked quantifiers, repeat counts up to 1000",
                );
            }
        }
    }
}

/// Negative weights, and a total of 0 with several destinations (`validateRouteDestinations`).
fn weights(
    dests: &[RouteDestination],
    at: &dyn Display,
    route_key: Option<Span>,
    out: &mut Vec<Diagnostic>,
) {
    let mut negative = false;
    for (j, d) in dests.iter().enumerate() {
        let Some(w) = &d.weight else { continue };
        if w.value < 0 {
            negative = true;
            err(
                out,
                w.span,
                format!(
                    "`{at}.route[{j}].weight` is {}; weights cannot be negative",
                    w.value
                ),
                "negative weight",
                "use 0 for a destination that should get no traffic",
            );
        }
    }
    if dests.len() < 2 || negative {
        return;
    }
    let total: i64 = dests
        .iter()
        .filter_map(|d| d.weight.as_ref())
        .map(|w| w.value)
        .sum();
    if total != 0 {
        return;
    }
    let span = dests
        .iter()
        .find_map(|d| d.weight.as_ref().map(|w| w.span))
        .or(route_key)
        .unwrap_or(dests[0].span);
    err(
        out,
        span,
        format!(
            "the weights of `{at}` add up to 0 over {} destinations; Istio rejects a total weight of 0",
            dests.len()
        ),
        "total weight 0",
        "give the destinations that should receive traffic a positive `weight` (a destination without `weight` counts as 0)",
    );
}

// ---------------------------------------------------------------------------------------------
// Gateway and ServiceEntry

fn service_entry(se: &ServiceEntry, out: &mut Vec<Diagnostic>) {
    for (i, p) in se.ports.iter().enumerate() {
        if let Some(n) = &p.number {
            port(out, n, &format_args!("ports[{i}].number"));
        }
        if let Some(t) = &p.target_port {
            if t.value != 0 {
                port(out, t, &format_args!("ports[{i}].targetPort"));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Value checks

fn port(out: &mut Vec<Diagnostic>, p: &Spanned<i64>, field: &dyn Display) {
    if (1..=65535).contains(&p.value) {
        return;
    }
    err(
        out,
        p.span,
        format!(
            "`{field}` is {}; port numbers must be in the range 1..65535",
            p.value
        ),
        "not a valid port",
        "use the port number the service listens on (1..65535)",
    );
}

/// `agent.ValidateDuration`: at least 1ms, whole milliseconds.
fn duration(
    out: &mut Vec<Diagnostic>,
    d: Option<&Spanned<Duration>>,
    field: &dyn Display,
    fix: &str,
) {
    let Some(d) = d else { return };
    match d.value.nanos {
        None => err(
            out,
            d.span,
            format!("`{field}` is not a valid duration"),
            "not a duration",
            "write a duration such as `500ms`, `2s` or `1m30s` (a number followed by ns, us, ms, s, m or h)",
        ),
        Some(n) if n < MS => err(
            out,
            d.span,
            format!(
                "`{field}` is {}; Istio requires durations of at least 1ms",
                crate::rules::resilience::retry_budget_exceeds_timeout::go_duration(n)
            ),
            "shorter than 1ms",
            format!("use a duration of 1ms or more; {fix}"),
        ),
        Some(n) if n % MS != 0 => err(
            out,
            d.span,
            format!(
                "`{field}` is {}; Istio supports durations only to millisecond precision",
                crate::rules::resilience::retry_budget_exceeds_timeout::go_duration(n)
            ),
            "not a whole number of milliseconds",
            format!(
                "round it to whole milliseconds, for example `{}`",
                crate::rules::resilience::retry_budget_exceeds_timeout::go_duration((n / MS).max(1) * MS)
            ),
        ),
        Some(_) => {}
    }
}

/// `validatePercentage`: exactly 0, or in [0.0001, 100].
fn fault_percentage(out: &mut Vec<Diagnostic>, p: Option<&Spanned<f64>>, field: &dyn Display) {
    let Some(p) = p else { return };
    let v = p.value;
    if !(0.0..=100.0).contains(&v) || (v > 0.0 && v < 0.0001) {
        err(
            out,
            p.span,
            format!("`{field}` is {v}; it must be 0 or in the range 0.0001..100"),
            "percentage out of range",
            "write the share of requests to affect, in percent (for example 10 or 0.5)",
        );
    }
}

fn mirror_percentage(out: &mut Vec<Diagnostic>, p: &Spanned<f64>, field: &dyn Display) {
    let v = p.value;
    if !(0.0..=100.0).contains(&v) {
        err(
            out,
            p.span,
            format!("`{field}` is {v}; it must be in the range 0..100"),
            "percentage out of range",
            "write the share of requests to mirror, in percent (100 mirrors every request)",
        );
    }
}

/// `retryOn` is split on `,` without trimming; each token must be a retry condition Istio
/// knows or an HTTP status code Go's `net/http` knows.
fn retry_on(ro: &Spanned<crate::source::Str>, field: &dyn Display, out: &mut Vec<Diagnostic>) {
    let bad: Vec<&str> = ro.value.split(',').filter(|t| !retry_token_ok(t)).collect();
    if bad.is_empty() {
        return;
    }
    let shown: Vec<String> = bad.iter().map(|t| format!("{t:?}")).collect();
    let spaces = bad
        .iter()
        .any(|t| t.trim() != *t && retry_token_ok(t.trim()));
    let mut help = String::from(
        "use comma-separated Envoy retry conditions (5xx, gateway-error, reset, connect-failure, retriable-4xx, refused-stream, retriable-status-codes, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable, ...) or HTTP status codes such as 503",
    );
    if spaces {
        help = format!("remove the spaces around the commas; {help}");
    } else if let Some(s) = bad
        .iter()
        .find_map(|t| crate::model::reader::did_you_mean(t, RETRY_ON))
    {
        help = format!("did you mean `{s}`? {help}");
    }
    err(
        out,
        ro.span,
        format!(
            "`{field}` has {} Istio does not accept: {}",
            if bad.len() == 1 {
                "a condition"
            } else {
                "conditions"
            },
            shown.join(", ")
        ),
        "unknown retry condition",
        help,
    );
}

const RETRY_ON: &[&str] = &[
    "5xx",
    "gateway-error",
    "reset",
    "reset-before-request",
    "connect-failure",
    "retriable-4xx",
    "refused-stream",
    "retriable-status-codes",
    "retriable-headers",
    "envoy-ratelimited",
    "http3-post-connect-failure",
    "cancelled",
    "deadline-exceeded",
    "internal",
    "resource-exhausted",
    "unavailable",
];

/// Status codes with a text in Go's `net/http` (`http.StatusText`).
const HTTP_STATUSES: &[i64] = &[
    100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304,
    305, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415,
    416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505,
    506, 507, 508, 510, 511,
];

fn retry_token_ok(t: &str) -> bool {
    RETRY_ON.contains(&t) || go_atoi(t).is_some_and(|n| HTTP_STATUSES.contains(&n))
}

/// Go `strconv.Atoi`: optional sign, ASCII digits only.
fn go_atoi(t: &str) -> Option<i64> {
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// RE2 (Go `regexp`) compatibility on top of the `regex` crate, which is close to RE2: this
/// rejects what Go rejects but `regex` accepts (stacked quantifiers, repeat counts over 1000,
/// flags other than `imsU`, `\u` escapes) and rewrites what Go accepts but `regex` rejects
/// (`\Q...\E` literals, `{` that does not start a valid repeat) before compiling.
mod re2 {
    use std::cell::RefCell;
    use std::collections::HashSet;

    /// Regexes already found valid on this thread: manifests repeat the same few regexes
    /// across many routes.
    const REMEMBERED: usize = 4096;
    thread_local! {
        static VALID: RefCell<HashSet<String>> = RefCell::new(HashSet::new());
    }

    pub fn check(re: &str) -> Result<(), String> {
        if VALID.with(|v| v.borrow().contains(re)) {
            return Ok(());
        }
        let verdict = parse(re);
        if verdict.is_ok() {
            VALID.with(|v| {
                let mut v = v.borrow_mut();
                if v.len() < REMEMBERED {
                    v.insert(re.to_string());
                }
            });
        }
        verdict
    }

    fn parse(re: &str) -> Result<(), String> {
        let translated = translate(re)?;
        // parsed, not compiled: the parser is the one `regex` builds with (same defaults), and
        // compiled-size limits are not syntax errors (RE2's limit is the 1024-byte length);
        // compiling every regex of a large input cost more than the rest of the rule
        match regex_syntax::Parser::new().parse(&translated) {
            Ok(_) => Ok(()),
            Err(e) => Err(e
                .to_string()
                .lines()
                .rev()
                .find_map(|l| l.strip_prefix("error: "))
                .unwrap_or("invalid syntax")
                .to_string()),
        }
    }

    fn translate(re: &str) -> Result<String, String> {
        let c: Vec<char> = re.chars().collect();
        let mut out = String::with_capacity(re.len() + 8);
        let mut i = 0;
        let mut after_repeat = false;
        let mut in_class = false;
        while i < c.len() {
            let ch = c[i];
            if in_class {
                match ch {
                    '\\' if i + 1 < c.len() => {
                        out.push(ch);
                        out.push(c[i + 1]);
                        i += 2;
                        continue;
                    }
                    '[' if c.get(i + 1) == Some(&':') => {
                        // [:alpha:]
                        if let Some(end) = (i + 2..c.len().saturating_sub(1))
                            .find(|&j| c[j] == ':' && c[j + 1] == ']')
                        {
                            out.extend(&c[i..end + 2]);
                            i = end + 2;
                            continue;
                        }
                        out.push_str("\\[");
                    }
                    '[' => out.push_str("\\["),
                    '&' | '~' | '-' if c.get(i + 1) == Some(&ch) => {
                        // Go reads `&&`, `~~`, `--` literally; `regex` as set operations.
                        out.push('\\');
                        out.push(ch);
                    }
                    ']' => {
                        in_class = false;
                        out.push(ch);
                    }
                    _ => out.push(ch),
                }
                i += 1;
                continue;
            }
            match ch {
                '\\' => {
                    let Some(&n) = c.get(i + 1) else {
                        return Err("trailing backslash at end of expression".into());
                    };
                    after_repeat = false;
                    match n {
                        'Q' => {
                            let end = (i + 2..c.len())
                                .find(|&j| c[j] == '\\' && c.get(j + 1) == Some(&'E'));
                            let lit: String = c[i + 2..end.unwrap_or(c.len())].iter().collect();
                            out.push_str(&regex::escape(&lit));
                            i = end.map_or(c.len(), |e| e + 2);
                            continue;
                        }
                        'u' | 'U' => return Err(format!("invalid escape sequence: `\\{n}`")),
                        'x' | 'p' | 'P' if c.get(i + 2) == Some(&'{') => {
                            let end = (i + 3..c.len()).find(|&j| c[j] == '}');
                            let e = end.map_or(c.len(), |e| e + 1);
                            out.extend(&c[i..e]);
                            i = e;
                            continue;
                        }
                        _ => {
                            out.push(ch);
                            out.push(n);
                            i += 2;
                            continue;
                        }
                    }
                }
                '[' => {
                    in_class = true;
                    after_repeat = false;
                    out.push('[');
                    i += 1;
                    if c.get(i) == Some(&'^') {
                        out.push('^');
                        i += 1;
                    }
                    if c.get(i) == Some(&']') {
                        out.push_str("\\]");
                        i += 1;
                    }
                    continue;
                }
                '(' => {
                    after_repeat = false;
                    if c.get(i + 1) == Some(&'?') {
                        let rest: String = c[i + 2..].iter().collect();
                        let named = rest.starts_with("P<") || rest.starts_with('<');
                        if !named {
                            let flags: String =
                                rest.chars().take_while(|&x| x != ')' && x != ':').collect();
                            if let Some(bad) = flags.chars().position(|f| !"imsU-".contains(f)) {
                                let shown: String = flags.chars().take(bad + 1).collect();
                                return Err(format!(
                                    "invalid or unsupported Perl syntax: `(?{shown}`"
                                ));
                            }
                            if flags.is_empty() {
                                return Err("missing argument to repetition operator: `?`".into());
                            }
                        }
                    }
                    out.push(ch);
                }
                '*' | '+' | '?' => {
                    if after_repeat {
                        return Err(format!("invalid nested repetition operator: `{ch}`"));
                    }
                    after_repeat = true;
                    out.push(ch);
                    if c.get(i + 1) == Some(&'?') {
                        out.push('?');
                        i += 1;
                    }
                }
                '{' => match repeat(&c[i..]) {
                    Some((len, min, max)) => {
                        if min > 1000 || max.is_some_and(|m| m > 1000) {
                            return Err("invalid repeat count".into());
                        }
                        if after_repeat {
                            return Err("invalid nested repetition operator".into());
                        }
                        after_repeat = true;
                        out.extend(&c[i..i + len]);
                        i += len;
                        if c.get(i) == Some(&'?') {
                            out.push('?');
                            i += 1;
                        }
                        continue;
                    }
                    None => {
                        after_repeat = false;
                        out.push_str("\\{");
                    }
                },
                _ => {
                    after_repeat = false;
                    out.push(ch);
                }
            }
            i += 1;
        }
        Ok(out)
    }

    /// `{n}`, `{n,}` or `{n,m}` at the start of `c`: (length, n, m).
    fn repeat(c: &[char]) -> Option<(usize, u64, Option<u64>)> {
        let close = c.iter().position(|&x| x == '}')?;
        let body: String = c[1..close].iter().collect();
        let num = |s: &str| -> Option<u64> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            Some(s.parse().unwrap_or(u64::MAX))
        };
        let (min, max) = match body.split_once(',') {
            None => {
                let n = num(&body)?;
                (n, Some(n))
            }
            Some((a, "")) => (num(a)?, None),
            Some((a, b)) => (num(a)?, Some(num(b)?)),
        };
        Some((close + 1, min, max))
    }

    #[cfg(test)]
    mod tests {
        use super::check;

        #[test]
        fn go_re2_compat() {
            for ok in [
                "^/api/v[0-9]+/.*$",
                r"\Q.*\E",
                "a{,3}",
                "[[:alpha:]]+",
                "(?i)abc",
                "(?P<n>a)",
                "a*?",
                r"\x{41}{2}",
                r"\p{Greek}{2}",
                "[]a]",
                "[a&&b]",
                r"\/",
            ] {
                assert!(check(ok).is_ok(), "{ok}: {:?}", check(ok));
            }
            for bad in [
                "(?=a)", "a**", "a++", "a{2}{3}", "a{1001}", "(?x)a", r"\u0041", "(a", r"\8",
                r"\Z", "x{2,1}",
            ] {
                assert!(check(bad).is_err(), "{bad} should fail");
            }
        }

        /// Parsing gives the verdict and the message compiling gave (what `check` did before).
        #[test]
        fn parsing_agrees_with_compiling() {
            for re in [
                "(a",
                "a)",
                "[z-a]",
                r"\p{Nope}",
                "(?<n>a)(?<n>b)",
                "a{2,1}",
                r"\8",
                "(?z)",
                "^/api/v[0-9]+/.*$",
                "[[:alpha:]]+",
                "((((((a))))))",
                "(?i)abc",
                "x{1000}",
                "[\\x{10FFFF}]",
                r"\bword\b",
                "a|b|(c",
                "[a",
                "*a",
                "(?P<1n>a)",
            ] {
                let translated = super::translate(re);
                let Ok(t) = translated else { continue };
                let compiled = match regex::RegexBuilder::new(&t).size_limit(1 << 28).build() {
                    Ok(_) => Ok(()),
                    Err(regex::Error::Syntax(s)) => Err(s
                        .lines()
                        .rev()
                        .find_map(|l| l.strip_prefix("error: "))
                        .unwrap_or("invalid syntax")
                        .to_string()),
                    Err(_) => Ok(()),
                };
                assert_eq!(check(re), compiled, "{re}");
            }
        }
    }
}
