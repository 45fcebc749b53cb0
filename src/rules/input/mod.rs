//! What the loader, the model and the suppression step report about the input (no checks:
//! their metadata lives in the diagnostics catalogue).

pub mod duplicate_key;
pub mod duplicate_object;
pub mod helm_chart_not_rendered;
pub mod input_limit;
pub mod invalid_type;
pub mod kustomize_not_built;
pub mod missing_name;
pub mod not_a_resource;
pub mod not_in_input;
pub mod unknown_field;
pub mod unknown_suppression_code;
pub mod unreadable_input;
pub mod unused_suppression;
pub mod yaml_flow_indentation;
pub mod yaml_syntax_error;
