//! `duplicate-route-destination` (ML504, Kiali KIA1105): one route lists the same host, subset
//! and port twice. Envoy adds the weights of the duplicates, which is never what the list
//! suggests. Unlike Kiali, destinations on different ports are not duplicates.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    code: "ML504",
    name: "duplicate-route-destination",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary: "one route lists the same host, subset and port more than once",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for rt in vs.routes() {
            let (label, route) = (rt.path, rt.destinations);
            let mut first: HashMap<(String, Option<&str>, Option<i64>), Span> = HashMap::new();
            for d in route {
                let Some(dest) = &d.destination else { continue };
                let Some(h) = &dest.host else { continue };
                let key = (
                    ix.fqdn(&h.value, &r.namespace),
                    dest.subset.as_ref().map(|s| s.value.as_str()),
                    dest.port.as_ref().map(|p| p.value),
                );
                if let Some(prev) = first.get(&key) {
                    let what = match &key.1 {
                        Some(s) => format!("`{}` subset `{s}`", key.0),
                        None => format!("`{}`", key.0),
                    };
                    let diag = Diagnostic::new(
                        &META,
                        format!("route {label} lists destination {what} twice: Envoy adds the weights of both entries"),
                    )
                    .at(dest.span, "duplicate destination")
                    .related(*prev, "first listed here")
                    .help("merge the two entries into one with the combined weight");
                    cx.report(r, diag);
                } else {
                    first.insert(key, dest.span);
                }
            }
        }
    }
}
