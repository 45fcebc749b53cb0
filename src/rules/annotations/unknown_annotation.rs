//! `unknown-annotation` (IST0108): an annotation in an Istio namespace (`*istio.io/`) that Istio
//! does not define.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::reader::did_you_mean;
use crate::rules::annotations::registry::{written, ANNOTATIONS};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0108",
    name: "unknown-annotation",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("annotations.K8sAnalyzer"),
    summary: "an Istio annotation that Istio does not define",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    let names: Vec<&str> = ANNOTATIONS.iter().map(|a| a.name).collect();
    for w in written(cx.index) {
        if w.def.is_some() {
            continue;
        }
        let help = match did_you_mean(&w.key.value, &names) {
            Some(s) => format!("did you mean `{s}`? Istio ignores annotations it does not define"),
            None => "remove it or fix the name; Istio ignores annotations it does not define"
                .to_string(),
        };
        let d = Diagnostic::new(
            &META,
            format!(
                "unknown Istio annotation `{}` on {}",
                w.key.value,
                w.where_()
            ),
        )
        .at(w.key.span, "not an Istio annotation")
        .istio_args([w.key.value.as_str()])
        .help(help);
        cx.report(w.resource, d);
    }
}
