//! `sidecar-schema-warning` (IST0133): duplicate Sidecar egress hosts, `*/*` with other hosts, or a selector without labels.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0133",
    name: "sidecar-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.Sidecar"),
    summary: "duplicate Sidecar egress hosts, `*/*` with other hosts, or a selector without labels",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "Sidecar", Level::Warning);
}
