//! `missing-name` (ML008): an object has no metadata.name
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

pub use crate::diagnostics::catalogue::MISSING_NAME as META;
