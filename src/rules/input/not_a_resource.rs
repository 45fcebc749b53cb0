//! `not-a-resource` (ML007): a YAML document is not a Kubernetes object and is skipped
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

pub use crate::diagnostics::catalogue::NOT_A_RESOURCE as META;
