//! `yaml-syntax-error` (ML001): a document is not valid YAML
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML001",
    name: "yaml-syntax-error",
    severity: Severity::Error,
    category: Category::Syntax,
    analyzer: None,
    summary: "a document is not valid YAML",
};
