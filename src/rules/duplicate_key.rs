//! `duplicate-key` (ML004): a mapping defines the same key twice
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML004",
    name: "duplicate-key",
    severity: Severity::Error,
    category: Category::Syntax,
    analyzer: None,
    summary: "a mapping defines the same key twice",
};
