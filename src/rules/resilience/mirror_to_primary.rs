//! `mirror-to-primary` (ML206): a rule mirrors to a destination that also receives its real
//! traffic, so those pods get every mirrored request a second time.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::host::resolved_destination;
use crate::rules::routing::common::{dest_name, dest_span, route_label};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML206",
    name: "mirror-to-primary",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: None,
    summary: "a mirror destination is also a route destination of the same rule",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for h in &vs.http {
            for m in h.mirror_destinations() {
                let Some(mk) = resolved_destination(ix, m, &r.namespace) else {
                    continue;
                };
                let Some(primary) = h
                    .route
                    .iter()
                    .filter_map(|d| d.destination.as_ref())
                    .find(|d| resolved_destination(ix, d, &r.namespace).as_ref() == Some(&mk))
                else {
                    continue;
                };
                let diag = Diagnostic::new(
                    &META,
                    format!(
                        "route {} mirrors to {}, which is also one of its route destinations: those pods receive the mirrored copy in addition to the real request, and mirrored writes are applied twice",
                        route_label(h),
                        dest_name(m)
                    ),
                )
                .at(dest_span(m), "mirror")
                .related(dest_span(primary), "same destination receives the live traffic")
                .help("mirror to a separate subset or host (for example the new version under test), not to a destination of the route");
                cx.report(r, diag);
            }
        }
    }
}
