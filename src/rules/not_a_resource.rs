//! `not-a-resource` (ML007): a YAML document is not a Kubernetes object and is skipped
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML007",
    name: "not-a-resource",
    severity: Severity::Info,
    category: Category::Syntax,
    analyzer: None,
    summary: "a YAML document is not a Kubernetes object and is skipped",
};
