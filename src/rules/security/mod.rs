//! AuthorizationPolicy, PeerAuthentication, RequestAuthentication, JWT, and TLS origination.

// the rule files of this folder (build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/security.rs"));
