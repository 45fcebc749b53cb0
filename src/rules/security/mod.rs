//! AuthorizationPolicy, PeerAuthentication, RequestAuthentication, JWT, and TLS origination.

pub mod authz_namespace_not_found;
pub mod authz_no_matching_workloads;
pub mod dr_cluster_tls_system_roots;
pub mod dr_no_ca_certificate;
pub mod dr_port_no_ca_certificate;
pub mod jwt_claim_route_without_authn;
