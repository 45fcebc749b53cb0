//! `input-limit` (ML005): input exceeds a safety limit (file size, nesting depth, node count, alias expansion)
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML005",
    name: "input-limit",
    severity: Severity::Error,
    category: Category::Syntax,
    analyzer: None,
    summary: "input exceeds a safety limit (file size, nesting depth, node count, alias expansion)",
};
