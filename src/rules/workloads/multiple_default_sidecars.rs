//! `multiple-default-sidecars` (IST0111): more than one Sidecar without a workload selector in a
//! namespace.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::index::workloads::namespace_in_ambient;
use crate::model::{Resource, Spec};
use crate::rules::workloads::selectors::report_multiple_defaults;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0111",
    name: "multiple-default-sidecars",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("sidecar.SelectorAnalyzer"),
    summary: "more than one Sidecar without a workload selector in a namespace",
};

/// Sidecars without a workload selector (or with an empty one).
pub fn defaults<'r>(cx: &RuleCx<'_, 'r>) -> Vec<&'r Resource> {
    let ix = cx.index;
    ix.of_kind("Sidecar")
        .iter()
        .map(|&id| ix.resource(id))
        .filter(|r| match &r.spec {
            Spec::Sidecar(sc) => sc.workload_selector.as_ref().is_none_or(|l| l.is_empty()),
            _ => false,
        })
        .collect()
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let items = defaults(cx);
    report_multiple_defaults(cx, &META, &items, |ns| namespace_in_ambient(ix, ns));
}
