//! EnvoyFilter patches.

pub mod patches;

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/envoyfilter.rs"));
