//! `waypoint-canary-ignored` (ML707): a canary waypoint (`istio.io/use-waypoint-canary`) that
//! istiod ignores, so every connection keeps going to the primary waypoint.
//!
//! istiod reads a canary for Services and ServiceEntries next to their primary waypoint
//! (pilot/pkg/serviceregistry/ambient/waypoints.go: `buildWeightedWaypoints`,
//! `ResolveUseWaypointCanary`, `getUseWaypointCanary`, `getCanaryWeight`,
//! `resolveCanaryWaypoint`): from the object's own labels, else, when the object names no
//! primary of its own, from its Namespace's. The canary is dropped, with the binding status
//! reasons of ambient/status.go, when it is the primary (`CanarySameAsPrimary`), when
//! `istio.io/use-waypoint-canary-weight` is not an integer from 0 to 100 (`CanaryInvalidWeight`),
//! when its Gateway does not exist (`WaypointIsNotReady`), refuses the namespace
//! (`AttachmentDenied`) or does not carry Service traffic (`UnsupportedTrafficType`); without a
//! primary it is never read.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::evidence::Class;
use crate::index::Index;
use crate::model::{Labels, Resource, Spec};
use crate::rules::ambient::common::{
    allows_namespace, binding, describe, is_gateway_service, label_entry, traffic_type, waypoint,
    Binding, Named, USE_WAYPOINT,
};
use crate::rules::RuleCx;
use crate::source::{Spanned, Str};

pub static META: RuleMeta = RuleMeta {
    code: "ML707",
    name: "waypoint-canary-ignored",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "a canary waypoint istiod ignores: every connection keeps going to the primary",
};

pub const USE_WAYPOINT_CANARY: &str = "istio.io/use-waypoint-canary";
pub const USE_WAYPOINT_CANARY_NAMESPACE: &str = "istio.io/use-waypoint-canary-namespace";
pub const CANARY_WEIGHT: &str = "istio.io/use-waypoint-canary-weight";

type Entry = (Spanned<Str>, Spanned<Str>);

/// A canary named by a set of labels (`getUseWaypointCanary`): `None` without the label, or
/// when it is empty or `none`.
fn canary<'r>(
    labels: &'r Labels,
    default_ns: &str,
) -> Option<(&'r Entry, Option<&'r Entry>, String)> {
    let l = label_entry(labels, USE_WAYPOINT_CANARY)?;
    if l.1.value.is_empty() || l.1.value == "none" {
        return None;
    }
    let ns_label = label_entry(labels, USE_WAYPOINT_CANARY_NAMESPACE);
    let ns = ns_label.map_or(default_ns, |n| n.1.value.as_str());
    Some((l, ns_label, format!("{ns}/{}", l.1.value)))
}

/// Go's `strconv.Atoi` followed by the range check of `getCanaryWeight`.
fn weight_ok(v: &str) -> bool {
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && v.parse::<i64>().is_ok_and(|n| (0..=100).contains(&n))
}

/// Whether the primary waypoint fails a check another rule reports (missing where the input
/// would hold it, refusing the namespace, not carrying Service traffic): istiod then reads no
/// canary, and the primary's finding says why.
fn primary_broken(ix: &Index, named: &Named, ns: &str, r: &Resource) -> bool {
    match waypoint(ix, &named.namespace, named.name()) {
        None => ix.evidence(Class::Gateway, &named.namespace, r),
        Some(w) => {
            matches!(allows_namespace(ix, &w, ns), Some((false, _)))
                || traffic_type(ix, &w).is_some_and(|(t, _)| t != "service" && t != "all")
        }
    }
}

/// `CanaryInvalidWeight`: the weight `w` of `r`'s canary `key`.
fn invalid_weight(r: &Resource, w: &Entry, key: &str) -> Diagnostic {
    Diagnostic::new(
        &META,
        format!(
            "`{CANARY_WEIGHT}` of {} is `{}`, not an integer from 0 to 100; istiod ignores canary waypoint `{key}` (CanaryInvalidWeight) and every connection keeps going to the primary waypoint",
            describe(r),
            w.1.value
        ),
    )
    .at(w.1.span, "not a percentage")
    .help("write the canary's share of new connections as a whole number from 0 to 100, such as \"10\"")
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for r in ix.resources {
        let (ns, primary, weight) = match &r.spec {
            Spec::Service(_) | Spec::ServiceEntry(_) if !is_gateway_service(r) => {
                let b = binding(ix, r);
                // the weight of the object, else of its Namespace when it has no primary of its
                // own (`getCanaryWeight` with the namespace's metadata)
                let weight = label_entry(&r.annotations, CANARY_WEIGHT).or(match &b {
                    Binding::Namespace(_, n) => label_entry(&n.annotations, CANARY_WEIGHT),
                    _ => None,
                });
                (r.namespace.as_str(), b, weight)
            }
            Spec::Namespace => {
                let b = match crate::rules::ambient::common::use_waypoint(&r.labels, &r.name) {
                    crate::rules::ambient::common::UseWaypoint::Named(n) => Binding::Own(n),
                    _ => Binding::None,
                };
                (
                    r.name.as_str(),
                    b,
                    label_entry(&r.annotations, CANARY_WEIGHT),
                )
            }
            _ => continue,
        };
        // only a canary written on this object: an inherited one is the Namespace's finding,
        // but a weight of the object's own applies to it
        let Some((label, ns_label, key)) = canary(&r.labels, ns) else {
            if let (Binding::Namespace(_, n), Some(w)) =
                (&primary, label_entry(&r.annotations, CANARY_WEIGHT))
            {
                if let Some((inherited, _, key)) = canary(&n.labels, ns) {
                    if !weight_ok(&w.1.value) {
                        let d = invalid_weight(r, w, &key)
                            .related(inherited.1.span, "canary waypoint of the Namespace");
                        cx.report(r, d);
                    }
                }
            }
            continue;
        };
        let what = describe(r);
        let named = match &primary {
            Binding::Own(n) | Binding::Namespace(n, _) => n,
            Binding::Unknown => continue,
            Binding::None => {
                let opted =
                    label_entry(&r.labels, USE_WAYPOINT).is_some_and(|l| l.1.value == "none");
                let why = if opted {
                    format!("opts out of waypoints (`{USE_WAYPOINT}: none`)")
                } else {
                    format!("names no primary waypoint (`{USE_WAYPOINT}`)")
                };
                let d = Diagnostic::new(
                    &META,
                    format!(
                        "{what} sets canary waypoint `{key}` (`{USE_WAYPOINT_CANARY}`) but {why}; istiod reads a canary only next to a primary, so it is ignored"
                    ),
                )
                .at(label.1.span, "canary without a primary")
                .help(format!(
                    "label {what} `{USE_WAYPOINT}` with the waypoint that should keep the rest of the traffic, or remove `{USE_WAYPOINT_CANARY}`"
                ));
                cx.report(r, d);
                continue;
            }
        };
        if primary_broken(ix, named, ns, r) {
            continue;
        }
        let pkey = named.key();
        let ignored = format!("every connection keeps going to the primary `{pkey}`");
        let related = |d: Diagnostic| {
            let d = d.related(named.span(), "primary waypoint");
            match ns_label {
                Some(n) => d.related(n.1.span, "canary namespace"),
                None => d,
            }
        };
        if key == pkey {
            let d = Diagnostic::new(
                &META,
                format!(
                    "{what} names waypoint `{key}` as both its primary (`{USE_WAYPOINT}`) and its canary (`{USE_WAYPOINT_CANARY}`); istiod ignores the canary (CanarySameAsPrimary)"
                ),
            )
            .at(label.1.span, "same as the primary");
            cx.report(
                r,
                related(d).help(format!(
                    "name the new waypoint in `{USE_WAYPOINT_CANARY}`, or remove the label once the rollout is done"
                )),
            );
            continue;
        }
        if let Some(w) = weight.filter(|w| !weight_ok(&w.1.value)) {
            let d = invalid_weight(r, w, &key).related(label.1.span, "canary waypoint");
            cx.report(r, related(d));
            continue;
        }
        let (cns, cname) = key.split_once('/').unwrap_or(("", &key));
        let d = match waypoint(ix, cns, cname) {
            None if ix.evidence(Class::Gateway, cns, r) => Diagnostic::new(
                &META,
                format!(
                    "{what} uses canary waypoint `{key}`, but no Gateway `{key}` exists; istiod ignores the canary (WaypointIsNotReady) and {ignored}"
                ),
            )
            .at(label.1.span, "canary waypoint not found")
            .help(format!(
                "create the canary waypoint (a Gateway `{key}` with `gatewayClassName: istio-waypoint`) or fix the label"
            )),
            None => Diagnostic::new(
                &META,
                format!(
                    "canary waypoint `{key}` used by {what} is not in the input (no Gateway of namespace `{cns}` is defined next to it), so the canary was not checked"
                ),
            )
            .severity(Severity::Info)
            .at(label.1.span, "defined outside the input?")
            .help(format!(
                "pass the Gateways of namespace `{cns}` with `--context` to check this reference"
            )),
            Some(w) => match (allows_namespace(ix, &w, ns), traffic_type(ix, &w)) {
                (Some((false, decided)), _) => {
                    let d = Diagnostic::new(
                        &META,
                        format!(
                            "{what} uses canary waypoint `{key}`, which does not accept namespace `{ns}`; istiod ignores the canary (AttachmentDenied) and {ignored}"
                        ),
                    )
                    .at(label.1.span, "canary waypoint refuses this namespace");
                    let d = match decided {
                        Some(s) => d.related(s, "the namespaces the canary accepts"),
                        None => d.related(w.r.name_span, "accepts its own namespace only"),
                    };
                    d.help(format!(
                        "set `allowedRoutes.namespaces.from: All` (or a selector matching `{ns}`) on the HBONE listener of Gateway `{key}`, or use a canary of namespace `{ns}`"
                    ))
                }
                (_, Some((t, _))) if t != "service" && t != "all" => Diagnostic::new(
                    &META,
                    format!(
                        "{what} uses canary waypoint `{key}`, which carries `{t}` traffic only (`istio.io/waypoint-for`); istiod ignores the canary (UnsupportedTrafficType) and {ignored}"
                    ),
                )
                .at(label.1.span, "canary does not carry Service traffic")
                .related(w.r.name_span, "canary waypoint")
                .help(format!(
                    "label Gateway `{key}` `istio.io/waypoint-for: service` (or `all`)"
                )),
                _ => continue,
            },
        };
        cx.report(r, related(d));
    }
}

#[cfg(test)]
mod tests {
    use super::weight_ok;

    #[test]
    fn weights_are_read_like_go_atoi() {
        for ok in ["0", "10", "100", "+5", "007", "-0"] {
            assert!(weight_ok(ok), "{ok}");
        }
        for bad in [
            "",
            "101",
            "-1",
            "10%",
            " 10",
            "1.5",
            "ten",
            "+",
            "99999999999999999999",
        ] {
            assert!(!weight_ok(bad), "{bad}");
        }
    }
}
