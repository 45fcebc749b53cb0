//! `subset-without-labels` (ML502, Kiali KIA0209): a DestinationRule subset has no labels, so it
//! selects every endpoint of the host and is not a version at all. As in Kiali, only reported
//! when the host is known (a Service or ServiceEntry in the input); info when another subset of
//! the same rule has labels (probably a deliberate "all versions" subset), else a warning. A
//! subset with its own `trafficPolicy` is not reported: routes name it to get that policy.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML502",
    name: "subset-without-labels",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "a DestinationRule subset has no labels and selects every endpoint of the host",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (id, r, dr) in ix.destination_rules() {
        let Some(fqdn) = ix.dr_host(id) else { continue };
        if fqdn.starts_with('*') || !ix.host_in_registry(fqdn) {
            continue;
        }
        let labelled = dr.subsets.iter().any(|s| !s.labels.is_empty());
        for s in &dr.subsets {
            // a subset without labels but with its own traffic policy applies that policy to
            // the routes that name it (Istio's egress gateway pattern: per-host TLS and SNI
            // towards the gateway): deliberate, not a missing version
            if !s.labels.is_empty() || s.traffic_policy.is_some() {
                continue;
            }
            let name = s.name.as_ref().map_or("(unnamed)", |n| n.value.as_str());
            let sev = if labelled {
                Severity::Info
            } else {
                Severity::Warning
            };
            let diag = Diagnostic::new(
                &META,
                format!(
                    "subset `{name}` of host `{fqdn}` has no labels: it selects every pod of the service, so routing to it does not pick a version"
                ),
            )
            .severity(sev)
            .at(s.name.as_ref().map_or(s.span, |n| n.span), "subset without labels")
            .help("add the pod labels that identify this subset, for example `labels: {version: v1}`");
            cx.report(r, diag);
        }
    }
}
