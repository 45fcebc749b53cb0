//! `ineffective-sidecar-ambient` (IST0167): a Sidecar applies only to ambient workloads, which
//! have no sidecar proxy.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::workloads::{namespace_in_ambient, pod_in_ambient, selected_in_namespace};
use crate::rules::workloads::selectors::{describe, labels_span};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0167",
    name: "ineffective-sidecar-ambient",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: Some("sidecar.SelectorAnalyzer"),
    summary: "a Sidecar selects ambient-mode workloads or lives in an ambient namespace",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for s in crate::rules::workloads::sidecar_selector_no_workload::selecting(cx) {
        let Some(w) = selected_in_namespace(ix, &s.r.namespace, s.labels)
            .into_iter()
            .map(|w| ix.resource(w))
            .find(|w| pod_in_ambient(w))
        else {
            continue;
        };
        let d = Diagnostic::new(
            &META,
            format!(
                "{} selects {}, which runs in ambient mode without a sidecar; the Sidecar has no effect on it",
                describe(s.r),
                describe(w)
            ),
        )
        .at(labels_span(s.labels).unwrap_or(s.r.name_span), "selects an ambient workload")
        .related(w.name_span, "`ambient.istio.io/redirection: enabled`")
        .help("in ambient mode configure egress with a waypoint and ServiceEntries instead, or remove the Sidecar");
        cx.report(s.r, d);
    }
    for r in crate::rules::workloads::multiple_default_sidecars::defaults(cx) {
        if !namespace_in_ambient(ix, &r.namespace) {
            continue;
        }
        let mut d = Diagnostic::new(
            &META,
            format!(
                "{} applies to namespace `{}`, which is in ambient mode; the Sidecar has no effect",
                describe(r),
                r.namespace
            ),
        )
        .at(
            r.name_span,
            "namespace-wide Sidecar in an ambient namespace",
        );
        if let Some(n) = crate::index::workloads::namespace_object(ix, &r.namespace) {
            d = d.related(n.name_span, "labelled `istio.io/dataplane-mode: ambient`");
        }
        cx.report(
            r,
            d.help("remove the Sidecar, or label the namespace `istio-injection: enabled` to use sidecars"),
        );
    }
}
