//! `envoyfilter-relative-without-priority` (IST0151): an EnvoyFilter without priority uses a relative patch operation.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::envoyfilter::patches::{op, report, Finding};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0151",
    name: "envoyfilter-relative-without-priority",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("envoyfilter.EnvoyPatchAnalyzer"),
    summary: "an EnvoyFilter without priority uses a relative patch operation",
};

pub fn check(cx: &mut RuleCx) {
    report(
        cx,
        &META,
        Finding::Relative,
        |ef, p| {
            format!("patch operation {} of EnvoyFilter `{ef}` is relative to another filter, but the EnvoyFilter has no `priority`: whether it applies depends on the order EnvoyFilters are processed", op(p))
        },
        "relative operation without priority",
        "set `priority` on the EnvoyFilter, or use an absolute operation (INSERT_FIRST, ADD); a relative patch applied before the filter it refers to exists is silently skipped",
    );
}
