//! Telemetry resources: selectors, defaults and providers.

pub mod conflicting_telemetry_selectors;
pub mod lightstep_deprecated;
pub mod multiple_default_telemetries;
pub mod telemetry_provider_missing;
pub mod telemetry_selector_no_workload;
