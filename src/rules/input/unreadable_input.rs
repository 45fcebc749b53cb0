//! `unreadable-input` (ML006): a file cannot be read as UTF-8 text (I/O error, binary or invalid UTF-8)
//!
//! Emitted by the loader and the model while reading input; there is no separate check.

pub use crate::diagnostics::catalogue::UNREADABLE_INPUT as META;
