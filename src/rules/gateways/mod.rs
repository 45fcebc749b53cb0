//! Gateway servers, certificates, credentials, conflicts and selectors.

pub mod common;

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/gateways.rs"));
