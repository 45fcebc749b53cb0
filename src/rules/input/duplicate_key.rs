//! `duplicate-key` (ML004): a mapping defines the same key twice
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

pub use crate::diagnostics::catalogue::DUPLICATE_KEY as META;
