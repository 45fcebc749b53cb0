//! `not-in-input` (ML012): a reference the input cannot resolve, where the input holds no
//! evidence that it would contain the target ([`crate::index::evidence`]).
//!
//! Reported by the rules that resolve references (instead of their own "not found" error);
//! there is no separate check.

pub use crate::diagnostics::catalogue::NOT_IN_INPUT as META;
