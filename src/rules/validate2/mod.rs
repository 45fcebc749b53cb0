//! Istio's own validation (`istioctl analyze`'s `schema.ValidationAnalyzer`) for ServiceEntry,
//! Sidecar, AuthorizationPolicy, PeerAuthentication, RequestAuthentication, Telemetry,
//! EnvoyFilter, WorkloadEntry and WorkloadGroup: errors are IST0106, warnings IST0133.
//!
//! One validator per kind reads the resource's spec tree and returns findings of both levels;
//! the thin `<kind>_schema_error` / `<kind>_schema_warning` rule files report one level each.

pub mod common;
pub mod envoyfilter;
pub mod security;
pub mod serviceentry;
pub mod sidecar;
pub mod workloadentry;

pub mod authorizationpolicy_schema_error;
pub mod envoyfilter_schema_error;
pub mod envoyfilter_schema_warning;
pub mod peerauthentication_schema_error;
pub mod requestauthentication_schema_error;
pub mod serviceentry_schema_error;
pub mod serviceentry_schema_warning;
pub mod sidecar_schema_error;
pub mod sidecar_schema_warning;
pub mod telemetry_schema_error;
pub mod workloadentry_schema_error;
pub mod workloadgroup_schema_error;
