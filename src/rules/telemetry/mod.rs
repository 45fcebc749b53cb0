//! Telemetry resources: selectors, defaults and providers.

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/telemetry.rs"));
