//! `aggressive-outlier-ejection` (ML205): outlier detection that can eject every endpoint.
//!
//! - `maxEjectionPercent: 100` with `consecutive5xxErrors` or `consecutiveGatewayErrors` of 1:
//!   one failed request ejects a pod, and nothing stops the last pod from being ejected;
//! - or, when the pods behind a service or subset are in the input, the ejection limit lets
//!   every one of them go. Only ejections that keep the ejected share within
//!   `maxEjectionPercent` are counted (Envoy's `ejectHost`; Istio does not set
//!   `always_eject_one_host`); with the Istio default `minHealthPercent: 0` there is no panic
//!   mode to fall back on.
//!
//! Defaults (istio/api `destination_rule.proto`, Envoy `outlier_detection.proto`):
//! consecutive5xxErrors 5, maxEjectionPercent 10, minHealthPercent 0.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::Index;
use crate::model::istio::{DestinationRule, OutlierDetection};
use crate::model::{Resource, Spec};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML205",
    name: "aggressive-outlier-ejection",
    severity: Severity::Warning,
    category: Category::Resilience,
    analyzer: None,
    summary: "outlier detection can eject every endpoint of a service or subset",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, dr) in ix.destination_rules() {
        // each outlier block with the subsets it governs (None: the whole host)
        if let Some(od) = &dr.outlier {
            let mut units: Vec<Option<usize>> = Vec::new();
            if dr.subsets.is_empty() {
                units.push(None);
            }
            units.extend(
                dr.subsets
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.outlier.is_none())
                    .map(|(i, _)| Some(i)),
            );
            if let Some(d) = evaluate(ix, r, dr, od, &units) {
                cx.report(r, d);
            }
        }
        for (i, s) in dr.subsets.iter().enumerate() {
            if let Some(od) = &s.outlier {
                if let Some(d) = evaluate(ix, r, dr, od, &[Some(i)]) {
                    cx.report(r, d);
                }
            }
        }
    }
}

fn evaluate(
    ix: &Index,
    r: &Resource,
    dr: &DestinationRule,
    od: &OutlierDetection,
    units: &[Option<usize>],
) -> Option<Diagnostic> {
    let max = od.max_ejection_percent.as_ref().map_or(10, |m| m.value);
    let min_health = od.min_health_percent.as_ref().map_or(0, |m| m.value);
    if max <= 0 || min_health > 0 {
        return None;
    }
    let c5 = od.consecutive_5xx_errors.as_ref().map_or(5, |c| c.value);
    let cgw = od
        .consecutive_gateway_errors
        .as_ref()
        .map_or(0, |c| c.value);
    // both error counters at 0 turn consecutive-error ejection off (Envoy's
    // enforcing_consecutive_* are then 0, see Istio's outlier detection conversion): nothing is
    // ejected for errors, whatever maxEjectionPercent says
    if c5 == 0 && cgw == 0 {
        return None;
    }
    let hair_trigger = max >= 100 && (c5 == 1 || cgw == 1);
    // pods per governed unit, where the input has them
    let mut all_out = Vec::new();
    for u in units {
        let Some(n) = pods(ix, r, dr, *u) else {
            continue;
        };
        if n == 0 {
            continue;
        }
        let k = ejectable(n, max);
        if k >= n {
            let name = match u {
                Some(i) => dr.subsets[*i]
                    .name
                    .as_ref()
                    .map_or("subset".to_string(), |n| format!("subset `{}`", n.value)),
                None => "the service".to_string(),
            };
            all_out.push(format!(
                "{name}: {n} pod{}, {k} can be ejected, 0 stay",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    if !hair_trigger && all_out.is_empty() {
        return None;
    }
    let host = dr.host.as_ref().map_or("(no host)", |h| h.value.as_str());
    let mut msg = if hair_trigger {
        let which = if c5 == 1 {
            "consecutive5xxErrors 1"
        } else {
            "consecutiveGatewayErrors 1"
        };
        format!(
            "outlier detection for `{host}` ejects a pod after a single error ({which}) and may eject all of them (maxEjectionPercent {max}): one bad request per pod leaves no endpoint, and every request fails with 503 until the ejection time passes"
        )
    } else {
        format!(
            "outlier detection for `{host}` can eject every pod (maxEjectionPercent {max}): with all pods ejected requests fail with 503"
        )
    };
    if !all_out.is_empty() {
        msg.push_str(&format!(" ({})", all_out.join("; ")));
    }
    let trigger = od
        .consecutive_5xx_errors
        .as_ref()
        .filter(|c| hair_trigger && c.value == 1)
        .or(od
            .consecutive_gateway_errors
            .as_ref()
            .filter(|c| hair_trigger && c.value == 1));
    let max_label = format!("up to {max} % of the pods ejected");
    let diag = Diagnostic::new(&META, msg);
    let diag = match (trigger, &od.max_ejection_percent) {
        (Some(c), Some(m)) => diag
            .at(c.span, "ejected after 1 error")
            .related(m.span, max_label),
        (None, Some(m)) => diag.at(m.span, max_label),
        (Some(c), None) => diag.at(c.span, "ejected after 1 error"),
        (None, None) => diag.at(od.span, "outlier detection"),
    };
    Some(diag.help(
        "raise consecutive5xxErrors (the default is 5), lower maxEjectionPercent so some pods always stay, or set minHealthPercent so Envoy keeps balancing over all pods when too few are healthy",
    ))
}

/// How many of `n` hosts can be ejected with `max` percent without passing it.
fn ejectable(n: i64, max: i64) -> i64 {
    (n * max.min(100) / 100).min(n)
}

/// Pods behind the DestinationRule's host (and subset), when the Service and its workloads are
/// in the input; `None` when that cannot be decided.
fn pods(ix: &Index, r: &Resource, dr: &DestinationRule, subset: Option<usize>) -> Option<i64> {
    let fqdn = ix.dr_host_for(dr, &r.namespace)?;
    let svc_id = *ix.services_for_host(&fqdn).first()?;
    let svc_r = ix.resource(svc_id);
    let Spec::Service(svc) = &svc_r.spec else {
        return None;
    };
    if svc.selector.is_empty() {
        return None;
    }
    let mut sel = svc.selector.clone();
    if let Some(i) = subset {
        sel.extend(dr.subsets[i].labels.iter().cloned());
    }
    let mut n = 0;
    let mut any = false;
    for id in ix.workloads_selected(Some(&svc_r.namespace), &sel) {
        let w = ix.resource(id);
        let Spec::Workload(wl) = &w.spec else {
            continue;
        };
        match w.kind.as_str() {
            "DaemonSet" => return None,
            "Pod" => n += 1,
            _ => n += wl.replicas.as_ref().map_or(1, |r| r.value),
        }
        any = true;
    }
    // no workload at all in the input: unknown, not zero
    if !any && !ix.has_workloads() {
        return None;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::ejectable;

    #[test]
    fn envoy_ejection_limit() {
        assert_eq!(ejectable(1, 10), 0);
        assert_eq!(ejectable(2, 50), 1);
        assert_eq!(ejectable(3, 50), 1);
        assert_eq!(ejectable(10, 10), 1);
        assert_eq!(ejectable(3, 100), 3);
    }
}
