//! `weights-not-100` (ML101): the destination weights of one HTTP, TCP or TLS route do not add up
//! to 100. Istio accepts any total since 1.15 and splits traffic by `weight / total`, so the
//! written numbers are not the split that happens.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::istio::RouteDestination;
use crate::rules::RuleCx;
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    code: "ML101",
    name: "weights-not-100",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary: "the destination weights of a route do not add up to 100, so Istio rescales them",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        let routes = vs.routes().into_iter().map(|rt| {
            let label = match rt.name {
                Some(n) => format!("{} (`{}`)", rt.path, n.value),
                None => rt.path,
            };
            (label, rt.route_key, rt.destinations)
        });
        for (route, route_key, dests) in routes {
            if let Some(d) = check_route(&route, route_key, dests) {
                cx.report(r, d);
            }
        }
    }
}

fn check_route(
    route: &str,
    route_key: Option<Span>,
    dests: &[RouteDestination],
) -> Option<Diagnostic> {
    // A single destination gets all traffic whatever its weight.
    if dests.len() < 2 {
        return None;
    }
    let weights: Vec<i64> = dests
        .iter()
        .map(|d| d.weight.as_ref().map_or(0, |w| w.value))
        .collect();
    // Negative weights and a zero total are rejected by Istio's validation (IST0106).
    if weights.iter().any(|w| *w < 0) {
        return None;
    }
    let total: i64 = weights.iter().sum();
    if total == 0 || total == 100 {
        return None;
    }
    let names: Vec<String> = dests.iter().enumerate().map(|(i, d)| name(d, i)).collect();
    let split: Vec<String> = names
        .iter()
        .zip(&weights)
        .map(|(n, w)| format!("{n} gets {}", percent(*w, total)))
        .collect();
    let unweighted: Vec<&str> = dests
        .iter()
        .zip(&names)
        .filter(|(d, _)| d.weight.is_none())
        .map(|(_, n)| n.as_str())
        .collect();
    let mut diag = Diagnostic::new(
        &META,
        format!(
            "weights of route {route} add up to {total}, not 100: Istio normalizes them, so {}",
            split.join(", ")
        ),
    );
    let first_weight = dests.iter().find_map(|d| d.weight.as_ref());
    let primary = route_key
        .or(first_weight.map(|w| w.span))
        .unwrap_or(dests[0].span);
    diag = diag.at(primary, format!("weights total {total}"));
    for (d, n) in dests.iter().zip(&names) {
        match &d.weight {
            Some(w) => {
                diag = diag.related(
                    w.span,
                    format!("{n}: weight {} → {}", w.value, percent(w.value, total)),
                )
            }
            None => {
                let dest = d.destination.as_ref();
                let span = dest
                    .and_then(|x| x.subset.as_ref().or(x.host.as_ref()))
                    .map_or(d.span, |s| s.span);
                diag = diag.related(span, format!("{n}: no weight, counts as 0 → no traffic"))
            }
        }
    }
    let mut help = "make the weights add up to 100 to state the split you mean".to_string();
    if !unweighted.is_empty() {
        help.push_str(&format!(
            "; a destination without `weight` gets no traffic when others have one ({})",
            unweighted.join(", ")
        ));
    }
    Some(diag.help(help))
}

/// How a destination is named in messages: its subset, else its host, else its position.
fn name(d: &RouteDestination, i: usize) -> String {
    let dest = d.destination.as_ref();
    if let Some(s) = dest.and_then(|x| x.subset.as_ref()) {
        return s.value.to_string();
    }
    if let Some(h) = dest.and_then(|x| x.host.as_ref()) {
        if let Some(p) = dest.and_then(|x| x.port.as_ref()) {
            return format!("{}:{}", h.value, p.value);
        }
        return h.value.to_string();
    }
    format!("destination #{}", i + 1)
}

fn percent(w: i64, total: i64) -> String {
    let p = w as f64 * 100.0 / total as f64;
    let s = format!("{p:.1}");
    format!("{} %", s.strip_suffix(".0").unwrap_or(&s))
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn percents() {
        assert_eq!(percent(80, 90), "88.9 %");
        assert_eq!(percent(10, 90), "11.1 %");
        assert_eq!(percent(50, 200), "25 %");
        assert_eq!(percent(0, 90), "0 %");
    }
}
