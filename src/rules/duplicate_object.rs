//! `duplicate-object` (ML011): one object (API group, kind, namespace, name) is defined more
//! than once in the input.
//!
//! Emitted by the engine when it keeps one copy per identity; there is no separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML011",
    name: "duplicate-object",
    severity: Severity::Warning,
    category: Category::Syntax,
    analyzer: None,
    summary: "the same object (group, kind, namespace, name) is defined more than once; only the last copy is analysed",
};
