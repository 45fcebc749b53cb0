//! `envoyfilter-invalid-remove` (IST0154): an EnvoyFilter uses REMOVE on ROUTE_CONFIGURATION or HTTP_ROUTE, where Istio ignores it.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::envoyfilter::patches::{apply_to, report, Finding};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0154",
    name: "envoyfilter-invalid-remove",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("envoyfilter.EnvoyPatchAnalyzer"),
    summary:
        "an EnvoyFilter uses REMOVE on ROUTE_CONFIGURATION or HTTP_ROUTE, where Istio ignores it",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    report(
        cx,
        &META,
        Finding::Remove,
        |ef, p| {
            format!("operation REMOVE with applyTo {} in EnvoyFilter `{ef}` has no effect: Istio ignores it there", apply_to(p))
        },
        "REMOVE is ignored here",
        "REMOVE does nothing for ROUTE_CONFIGURATION and HTTP_ROUTE; use MERGE to change them, or remove the patch",
    );
}
