//! `deprecated-annotation` (IST0135): an Istio annotation that is deprecated.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::workloads::label;
use crate::rules::annotations::registry::written;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0135",
    name: "deprecated-annotation",
    severity: Severity::Info,
    category: Category::Schema,
    analyzer: Some("annotations.K8sAnalyzer"),
    summary: "a deprecated Istio annotation",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    for w in written(cx.index) {
        let Some(def) = w.def.filter(|d| d.deprecated) else {
            continue;
        };
        // both the annotation and its replacement label: the user knows, keep quiet
        if def.name == "sidecar.istio.io/inject" {
            let labels = match &w.resource.spec {
                crate::model::Spec::Workload(wl) if w.in_template => &wl.pod_labels,
                _ => &w.resource.labels,
            };
            if label(labels, "sidecar.istio.io/inject").is_some() {
                continue;
            }
        }
        let d = Diagnostic::new(
            &META,
            format!(
                "annotation `{}` on {} is deprecated{}",
                def.name,
                w.where_(),
                def.replacement
            ),
        )
        .at(w.key.span, "deprecated annotation")
        .istio_args([def.name.to_string(), def.replacement.to_string()])
        .help(if def.name == "sidecar.istio.io/inject" {
            "use the `sidecar.istio.io/inject` label instead".to_string()
        } else {
            "remove it; Istio may ignore it in a future release (see the Istio annotation reference for its replacement)".to_string()
        });
        cx.report(w.resource, d);
    }
}
