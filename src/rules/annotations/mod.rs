//! Istio annotations on Kubernetes and Istio objects.

pub mod annotation_registry;
pub mod deprecated_annotation;
pub mod invalid_annotation;
pub mod misplaced_annotation;
pub mod unknown_annotation;
