//! Gateway servers, certificates, credentials, conflicts and selectors.

pub mod conflicting_gateways;
pub mod duplicate_gateway_certificate;
pub mod gateway_common;
pub mod gateway_credential_not_found;
pub mod gateway_invalid_credential;
pub mod gateway_port_not_on_service;
pub mod gateway_selector_no_workload;
pub mod https_server_without_tls;
pub mod ineffective_gateway_selector;
pub mod passthrough_with_http_routes;
