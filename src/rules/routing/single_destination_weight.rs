//! `single-destination-weight` (ML503, Kiali KIA1104): a route with one destination sets a
//! weight between 0 and 100. A single destination always gets all traffic, so the weight
//! suggests a split that does not happen.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML503",
    name: "single-destination-weight",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary: "a route with a single destination sets a weight below 100, but it gets all traffic",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for rt in vs.routes() {
            let (label, route) = (rt.path, rt.destinations);
            let [d] = route else { continue };
            let Some(w) = d.weight.as_ref().filter(|w| w.value > 0 && w.value < 100) else {
                continue;
            };
            let diag = Diagnostic::new(
                &META,
                format!(
                    "route {label} has a single destination with weight {}: it receives 100 % of the traffic anyway",
                    w.value
                ),
            )
            .at(w.span, format!("weight {} → 100 %", w.value))
            .help("remove the weight, or add the other destinations that should share the traffic");
            cx.report(r, diag);
        }
    }
}
