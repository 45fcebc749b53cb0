//! Workload selectors, ports, Sidecars, Deployments and ServiceEntries.

pub mod conflicting_serviceentry_protocol;
pub mod conflicting_sidecar_selectors;
pub mod deployment_conflicting_ports;
pub mod deployment_multiple_services;
pub mod duplicate_serviceentry;
pub mod externalname_port_name;
pub mod ineffective_sidecar_ambient;
pub mod invalid_application_uid;
pub mod k8s_util;
pub mod multiple_default_sidecars;
pub mod port_name_convention;
pub mod serviceentry_addresses_required;
pub mod sidecar_egress_host_not_found;
pub mod sidecar_selector_no_workload;
pub mod target_port_not_on_workload;
pub mod workload_util;
