//! The Kubernetes Gateway API (gateway.networking.k8s.io): what istiod would write as negative
//! status conditions on Gateways, listeners, ListenerSets, routes and backend policies
//! (pilot/pkg/config/kube/gateway), the CRDs' schema and CEL validation, and cross-API checks.

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/gateway_api.rs"));

pub mod common;
