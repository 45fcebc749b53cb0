//! `envoyfilter-relative-with-proxy-version` (IST0155): an EnvoyFilter without priority uses a relative operation on a filter that another patch limits by proxyVersion.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::envoyfilter::patches::{op, report, Finding};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0155",
    name: "envoyfilter-relative-with-proxy-version",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("envoyfilter.EnvoyPatchAnalyzer"),
    summary: "an EnvoyFilter without priority uses a relative operation on a filter that another patch limits by proxyVersion",
};

pub fn check(cx: &mut RuleCx) {
    report(
        cx,
        &META,
        Finding::RelativeWithProxyVersion,
        |ef, p| {
            format!("patch operation {} of EnvoyFilter `{ef}` is relative to a filter that another patch adds only for some proxy versions, and the EnvoyFilter has no `priority`", op(p))
        },
        "relative operation without priority",
        "set `priority` so this patch runs after the version-specific one; during an upgrade the filter it refers to may be missing on proxies of other versions and the patch is silently skipped",
    );
}
