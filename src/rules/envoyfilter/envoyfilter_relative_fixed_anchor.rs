//! `envoyfilter-relative-fixed-anchor` (IST0151, info): an EnvoyFilter without priority inserts
//! relative to a filter istiod always generates, or to none; it applies in any order.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::envoyfilter::patches::{op, report, Finding};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0151",
    name: "envoyfilter-relative-fixed-anchor",
    severity: Severity::Info,
    category: Category::Schema,
    analyzer: Some("envoyfilter.EnvoyPatchAnalyzer"),
    summary: "an EnvoyFilter without priority inserts relative to a filter istiod always generates",
};

pub fn check(cx: &mut RuleCx) {
    report(
        cx,
        &META,
        Finding::RelativeFixedAnchor,
        |ef, p| {
            format!("patch operation {} of EnvoyFilter `{ef}` has no `priority`, but its anchor is a filter istiod always generates (or it has none), so it applies whatever the order of the EnvoyFilters", op(p))
        },
        "relative operation on a fixed anchor",
        "nothing to fix; set `priority` only if several EnvoyFilters insert at the same place and their relative order matters",
    );
}
