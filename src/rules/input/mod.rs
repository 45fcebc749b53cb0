//! What the loader, the model and the suppression step report about the input (no checks:
//! their metadata lives in the diagnostics catalogue).

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/input.rs"));
