//! `unreadable-input` (ML006): a file cannot be read as UTF-8 text (I/O error, binary or invalid UTF-8)
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML006",
    name: "unreadable-input",
    severity: Severity::Error,
    category: Category::Syntax,
    analyzer: None,
    summary: "a file cannot be read as UTF-8 text (I/O error, binary or invalid UTF-8)",
};
