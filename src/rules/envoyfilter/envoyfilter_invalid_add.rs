//! `envoyfilter-invalid-add` (IST0153): an EnvoyFilter uses ADD on ROUTE_CONFIGURATION or HTTP_ROUTE, where Istio ignores it.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::envoyfilter::patches::{apply_to, report, Finding};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0153",
    name: "envoyfilter-invalid-add",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("envoyfilter.EnvoyPatchAnalyzer"),
    summary: "an EnvoyFilter uses ADD on ROUTE_CONFIGURATION or HTTP_ROUTE, where Istio ignores it",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    report(
        cx,
        &META,
        Finding::Add,
        |ef, p| {
            format!("operation ADD with applyTo {} in EnvoyFilter `{ef}` has no effect: Istio ignores it there", apply_to(p))
        },
        "ADD is ignored here",
        "ADD does nothing for ROUTE_CONFIGURATION and HTTP_ROUTE; use MERGE to change a route configuration, or INSERT_BEFORE/INSERT_AFTER/INSERT_FIRST for routes",
    );
}
