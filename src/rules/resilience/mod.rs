//! Timeouts, retries, outlier detection, circuit breaking, fallback, mirroring and faults.

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/resilience.rs"));
