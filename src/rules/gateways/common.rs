//! Helpers shared by the gateway rules: how a Gateway's selector is printed and pointed at.
//! The index queries (every Gateway, the workloads it selects) are in `index::gateways`.

use crate::model::istio::Gateway;
use crate::model::{Labels, Resource};
use crate::source::Span;

/// A selector the way Kubernetes prints it: `k=v` pairs sorted by key, comma-separated.
pub fn selector_string(sel: &Labels) -> String {
    let mut pairs: Vec<String> = sel
        .iter()
        .map(|(k, v)| format!("{}={}", k.value, v.value))
        .collect();
    pairs.sort();
    pairs.dedup();
    pairs.join(",")
}

/// Where to point at a gateway's selector: its first label, else the gateway's name.
pub fn selector_span(r: &Resource, g: &Gateway) -> Span {
    g.selector
        .first()
        .map(|(k, v)| k.span.to(v.span))
        .unwrap_or(r.name_span)
}

/// `(a) ⊆ (b)`: every label of `a` is in `b` with the same value.
pub fn selector_subset(a: &Labels, b: &Labels) -> bool {
    crate::index::labels_subset(a, b)
}

/// `` `a`, `b` `` for messages.
pub fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
