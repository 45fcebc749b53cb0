//! `unknown-field` (ML002): a field that the Istio kind does not have (often a typo)
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML002",
    name: "unknown-field",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: None,
    summary: "a field that the Istio kind does not have (often a typo)",
};
