//! `invalid-annotation` (IST0125): an Istio annotation whose value the sidecar injector rejects.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::annotations::registry::{validate, written};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0125",
    name: "invalid-annotation",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("annotations.K8sAnalyzer"),
    summary: "an Istio annotation with a value Istio rejects",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    for w in written(cx.index) {
        if !w.placed_right() {
            continue;
        }
        let Some(reason) = validate(&w.key.value, &w.value.value) else {
            continue;
        };
        let d = Diagnostic::new(
            &META,
            format!(
                "invalid value for annotation `{}` on {}: {reason}",
                w.key.value,
                w.where_()
            ),
        )
        .at(w.value.span, "rejected by the sidecar injector")
        .istio_args([w.key.value.to_string(), reason.to_string()])
        .help("fix the value; the injector refuses pods with an invalid value, so the pod is not created or runs without the setting");
        cx.report(w.resource, d);
    }
}
