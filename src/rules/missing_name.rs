//! `missing-name` (ML008): an object has no metadata.name
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML008",
    name: "missing-name",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: None,
    summary: "an object has no metadata.name",
};
