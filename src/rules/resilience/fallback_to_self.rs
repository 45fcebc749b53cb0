//! `fallback-to-self` (ML301): an ASM `fallback.target` is the destination it is attached to.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::host::resolved_destination;
use crate::rules::routing::common::{dest_name, dest_span, route_label};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML301",
    name: "fallback-to-self",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary: "an ASM fallback target is the same host and subset as its own destination",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for h in &vs.http {
            for d in &h.route {
                let (Some(dest), Some(fb)) = (&d.destination, &d.fallback) else {
                    continue;
                };
                let (Some(a), Some(b)) = (
                    resolved_destination(ix, dest, &r.namespace),
                    resolved_destination(ix, fb, &r.namespace),
                ) else {
                    continue;
                };
                if a != b {
                    continue;
                }
                let what = match &a.1 {
                    Some(s) => format!("host `{}` subset `{s}`", a.0),
                    None => format!("host `{}` (no subset)", a.0),
                };
                let diag = Diagnostic::new(
                    &META,
                    format!(
                        "the fallback target of `{}` in route {} is the destination itself ({what}): when it has no healthy endpoints, the fallback goes to the same endpoints and the request still fails with 503",
                        dest_name(dest),
                        route_label(h)
                    ),
                )
                .at(dest_span(fb), "falls back to itself")
                .related(dest_span(dest), "destination")
                .help("point `fallback.target` at another subset or host that can serve the traffic, or remove the fallback");
                cx.report(r, diag);
            }
        }
    }
}
