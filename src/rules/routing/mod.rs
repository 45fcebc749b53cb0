//! VirtualService destinations, subsets, hosts, gateway binding, unreachable and shadowed rules, weights.

pub mod common;

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/routing.rs"));
