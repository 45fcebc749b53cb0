//! `kustomize-not-built` (ML014): a Kustomize root could not be built, so its files were
//! analysed as plain files instead.
//!
//! Emitted by the loader for the kustomization file, with the reason the CLI gives; there is no
//! separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML014",
    name: "kustomize-not-built",
    severity: Severity::Warning,
    category: Category::Syntax,
    analyzer: None,
    summary: "a kustomization could not be built (no kustomize or kubectl, a build error, a remote resource); its files were analysed as plain files",
};
