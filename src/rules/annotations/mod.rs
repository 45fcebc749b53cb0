//! Istio annotations on Kubernetes and Istio objects.

pub mod registry;

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/annotations.rs"));
