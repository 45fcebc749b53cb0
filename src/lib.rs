//! meshlint: an offline linter and analyzer for Istio traffic-management manifests.
//!
//! Data flows one way: [`yaml`] (spanned tree) → [`model`] (typed resources) → [`index`]
//! (lookups and the reference graph) → [`rules`] → [`engine`] (selection, suppression, order)
//! → [`render`] → [`cli`] (exit code). Everything but `cli` works on strings in memory.

pub mod cli;
pub mod diagnostics;
pub mod diff;
pub mod engine;
pub mod index;
pub mod memory;
pub mod model;
pub mod remap;
pub mod render;
pub mod route;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod yaml;

pub use engine::{analyze, Input, Options, Report};
