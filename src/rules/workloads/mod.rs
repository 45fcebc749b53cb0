//! Workload selectors, ports, Sidecars, Deployments and ServiceEntries.

pub mod k8s_util;
pub mod workload_util;

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/workloads.rs"));
