//! `misplaced-annotation` (IST0107): an Istio annotation on a kind it does not apply to.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::annotations::registry::written;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0107",
    name: "misplaced-annotation",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("annotations.K8sAnalyzer"),
    summary: "an Istio annotation on a kind of object it does not apply to",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    for w in written(cx.index) {
        let Some(def) = w.def else { continue };
        if w.placed_right() {
            continue;
        }
        let belongs = def.resources.join(", ");
        let help = if belongs == "Pod"
            && w.resource.kind != "Pod"
            && matches!(w.resource.spec, crate::model::Spec::Workload(_))
        {
            format!(
                "move it to `spec.template.metadata.annotations` of {} `{}` so the pods get it",
                w.resource.kind, w.resource.name
            )
        } else {
            format!(
                "move it to the {belongs} it is meant for; on a {} it has no effect",
                w.placed_on
            )
        };
        let d = Diagnostic::new(
            &META,
            format!(
                "annotation `{}` on {} has no effect: it applies to {belongs}",
                def.name,
                w.where_()
            ),
        )
        .at(w.key.span, format!("only for {belongs}"))
        .istio_args([def.name.to_string(), belongs.clone()])
        .help(help);
        cx.report(w.resource, d);
    }
}
