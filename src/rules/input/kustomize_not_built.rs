//! `kustomize-not-built` (ML014): a Kustomize root could not be built, so its files were
//! analysed as plain files instead.
//!
//! Emitted by the loader for the kustomization file, with the reason the CLI gives; there is no
//! separate check.

pub use crate::diagnostics::catalogue::KUSTOMIZE_NOT_BUILT as META;
