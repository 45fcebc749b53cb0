//! `input-limit` (ML005): input exceeds a safety limit (file size, nesting depth, node count, alias expansion)
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

pub use crate::diagnostics::catalogue::INPUT_LIMIT as META;
