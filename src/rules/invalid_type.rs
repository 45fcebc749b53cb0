//! `invalid-type` (ML003): a field holds the wrong type of value
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML003",
    name: "invalid-type",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: None,
    summary: "a field holds the wrong type of value",
};
