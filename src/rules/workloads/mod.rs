//! Workload selectors, ports, Sidecars, Deployments and ServiceEntries.

pub mod selectors;

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/workloads.rs"));
