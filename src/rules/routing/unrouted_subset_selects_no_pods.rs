//! `unrouted-subset-selects-no-pods` (IST0173, warning): a DestinationRule subset that no route
//! of the input sends traffic to selects none of the workloads behind its host (often a version
//! that is deployed from another file, or not yet).

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::routing::subset_selects_no_pods::report;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0173",
    name: "unrouted-subset-selects-no-pods",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: Some("destinationrule.SubsetSelectPodAnalyzer"),
    summary: "a DestinationRule subset no route uses selects none of the workloads behind its host",
};

pub fn check(cx: &mut RuleCx) {
    report(cx, &META, false);
}
