//! `duplicate-object` (ML011): one object (API group, kind, namespace, name) is defined more
//! than once in the input.
//!
//! Emitted by the engine when it keeps one copy per identity; there is no separate check.

pub use crate::diagnostics::catalogue::DUPLICATE_OBJECT as META;
