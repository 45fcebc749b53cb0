//! `yaml-syntax-error` (ML001): a document is not valid YAML
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

pub use crate::diagnostics::catalogue::YAML_SYNTAX_ERROR as META;
