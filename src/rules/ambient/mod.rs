//! Ambient mode: waypoints (`istio.io/use-waypoint`, `istio.io/waypoint-for`), policies that
//! attach to waypoints through `targetRefs`, and what ztunnel alone cannot enforce.

pub mod common;

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/ambient.rs"));
