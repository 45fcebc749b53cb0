//! `invalid-type` (ML003): a field holds the wrong type of value
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

pub use crate::diagnostics::catalogue::INVALID_TYPE as META;
