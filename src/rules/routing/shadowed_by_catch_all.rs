//! `shadowed-by-catch-all` (ML104): an HTTP rule after a match that catches every request in
//! the same proxy context (Istio's `IsCatchAllRoute`: uri prefix `/` or regex `.*`, or no uri,
//! and no header, method, authority, scheme or query-parameter condition). istiod stops
//! emitting routes after such a match (`BuildHTTPRoutesForVirtualService`), so the later rule
//! is not even in the proxy's configuration; istioctl's IST0130 only looks at rules without
//! `match` and at identical matches, so it does not see this.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::host::resolve_gateway_ref;
use crate::model::istio::HttpMatch;
use crate::route::matcher::Match;
use crate::rules::RuleCx;
use std::collections::HashSet;

pub static META: RuleMeta = RuleMeta {
    code: "ML104",
    name: "shadowed-by-catch-all",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary: "an HTTP rule placed after a match that catches every request (uri prefix `/` or regex `.*` alone) in the same gateway/source context",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

/// Whether catch-all `c` takes every request `m` would get: `c`'s context selectors are no
/// narrower than `m`'s. Gateways are the effective lists (match-level, else the
/// VirtualService's).
fn covers(c: &Match, c_gw: &[String], m: &Match, m_gw: &[String]) -> bool {
    if c.port.is_some() && c.port != m.port {
        return false;
    }
    if !m_gw.iter().all(|g| c_gw.contains(g)) {
        return false;
    }
    if c.gateways.is_empty() {
        // sourceLabels / sourceNamespace are checked only without match-level gateways
        if !c.source_labels.is_empty() || c.source_namespace.is_some() {
            if !m.gateways.is_empty() {
                return false;
            }
            if !c.source_labels.iter().all(|l| m.source_labels.contains(l)) {
                return false;
            }
            if c.source_namespace.is_some() && c.source_namespace != m.source_namespace {
                return false;
            }
        }
    }
    true
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        let resolve = |g: &str| {
            if g == "mesh" {
                "mesh".to_string()
            } else {
                let (ns, n) = resolve_gateway_ref(g, &r.namespace);
                format!("{ns}/{n}")
            }
        };
        let vs_gw: Vec<String> = if vs.gateways.is_empty() {
            vec!["mesh".to_string()]
        } else {
            vs.gateways.iter().map(|g| resolve(&g.value)).collect()
        };
        let eff = |m: &Match| -> Vec<String> {
            if m.gateways.is_empty() {
                vs_gw.clone()
            } else {
                m.gateways.clone()
            }
        };
        // earlier catch-all matches: (rule index, model match, converted)
        let mut catch_alls: Vec<(usize, &HttpMatch, Match)> = Vec::new();
        let mut seen_canonical: HashSet<crate::model::istio::MatchKey> = HashSet::new();
        for h in &vs.http {
            // a rule without `match` before others is IST0130's finding; stop there
            let Some(ms) = h.matches.as_ref().filter(|m| !m.is_empty()) else {
                if let Some((ci, cm, c)) = catch_alls
                    .iter()
                    .find(|(_, _, c)| covers(c, &eff(c), &Match::default(), &vs_gw))
                {
                    report(cx, r, h, *ci, cm, c);
                }
                break;
            };
            // all matches repeat earlier ones: IST0130 reports the rule already
            if ms.iter().all(|m| seen_canonical.contains(&m.canonical)) {
                continue;
            }
            let converted: Vec<Match> = ms.iter().map(|m| Match::from_model(m, &resolve)).collect();
            let shadow = catch_alls
                .iter()
                .find(|(_, _, c)| converted.iter().all(|m| covers(c, &eff(c), m, &eff(m))));
            if let Some((ci, cm, c)) = shadow {
                report(cx, r, h, *ci, cm, c);
            }
            for (m, c) in ms.iter().zip(converted) {
                seen_canonical.insert(m.canonical);
                // keep only catch-alls no earlier one already covers
                if c.is_catch_all()
                    && !catch_alls
                        .iter()
                        .any(|(_, _, e)| covers(e, &eff(e), &c, &eff(&c)))
                {
                    catch_alls.push((h.index, m, c));
                }
            }
        }
    }
}

fn report(
    cx: &mut RuleCx,
    r: &crate::model::Resource,
    h: &crate::model::istio::HttpRoute,
    ci: usize,
    cm: &HttpMatch,
    c: &Match,
) {
    let name = |n: &Option<crate::source::Spanned<crate::source::Str>>, i: usize| match n {
        Some(n) if !n.value.is_empty() => format!("\"{}\"", n.value),
        _ => format!("#{i}"),
    };
    let earlier = cx
        .index
        .virtual_services()
        .find(|(_, x, _)| std::ptr::eq(*x, r))
        .and_then(|(_, _, vs)| vs.http.get(ci))
        .map(|e| name(&e.name, ci))
        .unwrap_or_else(|| format!("#{ci}"));
    let this = name(&h.name, h.index);
    let what = match &c.uri {
        Some(u) => format!("uri {u}"),
        None => "no uri".to_string(),
    };
    let at = h
        .name
        .as_ref()
        .map(|n| n.span)
        .or(h.match_key)
        .or(h.route_key)
        .unwrap_or(h.span);
    cx.report(
        r,
        Diagnostic::new(
            &META,
            format!(
                "http rule {this} is never used: match #{} of http rule {earlier} ({what}, no other condition) catches every request first",
                cm.index
            ),
        )
        .at(at, "shadowed")
        .related(cm.span, "catches every request")
        .help(format!(
            "move http rule {this} above http rule {earlier}, or narrow the earlier match"
        )),
    );
}
