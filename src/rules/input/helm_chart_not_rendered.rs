//! `helm-chart-not-rendered` (ML013): a Helm chart in the input; its templates are not YAML
//! until rendered, so they are not checked.
//!
//! Emitted by the loader for each chart's `Chart.yaml`; there is no separate check.

pub use crate::diagnostics::catalogue::HELM_CHART_NOT_RENDERED as META;
