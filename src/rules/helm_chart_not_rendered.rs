//! `helm-chart-not-rendered` (ML013): a Helm chart in the input; its templates are not YAML
//! until rendered, so they are not checked.
//!
//! Emitted by the loader for each chart's `Chart.yaml`; there is no separate check.

use crate::diagnostics::{Category, RuleMeta, Severity};

pub static META: RuleMeta = RuleMeta {
    code: "ML013",
    name: "helm-chart-not-rendered",
    severity: Severity::Info,
    category: Category::Syntax,
    analyzer: None,
    summary: "a Helm chart whose templates are not checked until rendered (`helm template | meshlint check -`)",
};
