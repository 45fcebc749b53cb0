//! `unknown-field` (ML002): a field that the Istio kind does not have (often a typo)
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

pub use crate::diagnostics::catalogue::UNKNOWN_FIELD as META;
