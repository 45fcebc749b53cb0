//! `not-in-input` (ML012): a reference the input cannot resolve, where the input holds no
//! evidence that it would contain the target ([`crate::index::evidence`]).
//!
//! Reported by the rules that resolve references (instead of their own "not found" error);
//! there is no separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML012",
    name: "not-in-input",
    severity: Severity::Info,
    category: Category::Reference,
    analyzer: None,
    summary: "a reference to an object the input does not hold and gives no evidence of (checked with --context)",
};
