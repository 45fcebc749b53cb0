//! `envoyfilter-invalid-replace` (IST0152): an EnvoyFilter uses REPLACE on something other than NETWORK_FILTER, HTTP_FILTER or VIRTUAL_HOST.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::envoyfilter::patches::{apply_to, report, Finding};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0152",
    name: "envoyfilter-invalid-replace",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("envoyfilter.EnvoyPatchAnalyzer"),
    summary: "an EnvoyFilter uses REPLACE on something other than NETWORK_FILTER, HTTP_FILTER or VIRTUAL_HOST",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    report(
        cx,
        &META,
        Finding::Replace,
        |ef, p| {
            format!("operation REPLACE with applyTo {} in EnvoyFilter `{ef}` has no effect: Istio ignores it there", apply_to(p))
        },
        "REPLACE is ignored here",
        "REPLACE works only for NETWORK_FILTER, HTTP_FILTER and VIRTUAL_HOST; use MERGE for other objects, or REMOVE followed by ADD",
    );
}
