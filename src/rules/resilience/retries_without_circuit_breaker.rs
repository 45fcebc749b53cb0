//! `retries-without-circuit-breaker` (ML202): a route retries (explicit `attempts` > 0) to a
//! host whose applicable DestinationRule sets neither `outlierDetection` nor `connectionPool`.
//!
//! When no DestinationRule applies: reported only if the input holds DestinationRules for other
//! hosts (the rules were given, this host has none); an input without any DestinationRule is
//! treated as partial and stays silent.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::routing::common::route_label;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML202",
    name: "retries-without-circuit-breaker",
    severity: Severity::Info,
    category: Category::Resilience,
    analyzer: None,
    summary:
        "a route retries to a host whose DestinationRule has no outlierDetection or connectionPool",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let have_drs = ix.has_kind("DestinationRule");
    if !have_drs {
        return;
    }
    for (_, r, vs) in ix.virtual_services() {
        for h in &vs.http {
            let Some(retries) = &h.retries else { continue };
            let Some(attempts) = retries.attempts.as_ref().filter(|a| a.value > 0) else {
                continue;
            };
            let mut seen: Vec<String> = Vec::new();
            for d in &h.route {
                let Some(dest) = &d.destination else { continue };
                let Some(host) = &dest.host else { continue };
                let fqdn = ix.fqdn(&host.value, &r.namespace);
                if fqdn.starts_with('*') || seen.contains(&fqdn) {
                    continue;
                }
                seen.push(fqdn.clone());
                let applied = ix.destination_rules_for(&fqdn, &r.namespace);
                let protected = applied.as_ref().is_some_and(|a| {
                    a.rules.iter().any(|&id| match &ix.resource(id).spec {
                        Spec::DestinationRule(dr) => {
                            dr.has_outlier_detection
                                || dr.has_connection_pool
                                || dr.subsets.iter().any(|s| {
                                    dest.subset.as_ref().is_some_and(|x| {
                                        s.name.as_ref().is_some_and(|n| n.value == x.value)
                                    }) && (s.outlier.is_some() || s.has_connection_pool)
                                })
                        }
                        _ => false,
                    })
                });
                if protected {
                    continue;
                }
                let mut diag = Diagnostic::new(
                    &META,
                    format!(
                        "route {} retries up to {} times to `{fqdn}`, but {}: retries keep hitting failing pods and multiply load during an outage",
                        route_label(h),
                        attempts.value,
                        match &applied {
                            Some(_) => "its DestinationRule sets neither outlierDetection nor connectionPool",
                            None => "no DestinationRule applies to that host",
                        }
                    ),
                )
                .at(attempts.span, format!("{} retries", attempts.value))
                .related(host.span, format!("host `{fqdn}`"));
                if let Some(a) = &applied {
                    let dr = ix.resource(a.rules[0]);
                    let span = match &dr.spec {
                        Spec::DestinationRule(x) => {
                            x.host.as_ref().map_or(dr.name_span, |h| h.span)
                        }
                        _ => dr.name_span,
                    };
                    diag = diag.related(
                        span,
                        format!(
                            "DestinationRule `{}/{}` applies here",
                            dr.namespace, dr.name
                        ),
                    );
                }
                cx.report(r, diag.help(format!(
                    "add `trafficPolicy.outlierDetection` (eject failing pods) and/or `connectionPool` limits to the DestinationRule for `{fqdn}`"
                )));
            }
        }
    }
}
