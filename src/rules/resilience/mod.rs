//! Timeouts, retries, outlier detection, circuit breaking, fallback, mirroring and faults.

pub mod aggressive_outlier_ejection;
pub mod fallback_capacity;
pub mod fallback_does_not_cascade;
pub mod fallback_to_self;
pub mod fault_ignores_retries_timeout;
pub mod fault_injection_active;
pub mod mirror_full_traffic;
pub mod mirror_to_primary;
pub mod retries_without_circuit_breaker;
pub mod retry_budget_exceeds_timeout;
pub mod retry_non_idempotent;
