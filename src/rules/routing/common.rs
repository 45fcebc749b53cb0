//! Helpers shared by the route-level rules: naming routes and destinations, traffic shares.
//! (Resolving a destination is an index query: `index::host::resolved_destination`.)

use crate::model::istio::{Destination, HttpRoute, RouteDestination};

/// `http[1]` or `http[1] (`name`)`.
pub fn route_label(h: &HttpRoute) -> String {
    match &h.name {
        Some(n) => format!("http[{}] (`{}`)", h.index, n.value),
        None => format!("http[{}]", h.index),
    }
}

/// Where to point at a destination: its subset, else its host, else the whole mapping.
pub fn dest_span(d: &Destination) -> crate::source::Span {
    d.subset
        .as_ref()
        .or(d.host.as_ref())
        .map_or(d.span, |s| s.span)
}

/// How messages name a destination: `host` or `host` subset `v1` shortened to the subset.
pub fn dest_name(d: &Destination) -> String {
    match (&d.host, &d.subset) {
        (_, Some(s)) => s.value.to_string(),
        (Some(h), None) => h.value.to_string(),
        _ => "(no host)".to_string(),
    }
}

/// The share of the route's traffic (0–100) each destination receives, as Envoy splits it:
/// a single destination gets everything; otherwise weight / total (no weight counts as 0).
pub fn shares(route: &[RouteDestination]) -> Vec<f64> {
    if route.len() == 1 {
        return vec![100.0];
    }
    let w: Vec<i64> = route
        .iter()
        .map(|d| d.weight.as_ref().map_or(0, |w| w.value.max(0)))
        .collect();
    let total: i64 = w.iter().sum();
    if total == 0 {
        return vec![0.0; route.len()];
    }
    w.iter().map(|x| *x as f64 * 100.0 / total as f64).collect()
}

/// `50 %`, `33.3 %`.
pub fn pct(p: f64) -> String {
    let s = format!("{p:.1}");
    format!("{} %", s.strip_suffix(".0").unwrap_or(&s))
}
