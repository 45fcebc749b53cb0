//! `waypoint-attachment-denied` (ML702): an object uses a waypoint of another namespace whose
//! HBONE listener does not accept that namespace.
//!
//! istiod lets an object attach only when the waypoint's listener on port 15008 (protocol
//! HBONE) allows routes from the object's namespace (`allowedRoutes.namespaces`, `Same` when
//! not written or without such a listener): pilot/pkg/serviceregistry/ambient/waypoints.go,
//! `makeAllowedRoutes`, `AllowsAttachmentFromNamespace`. Otherwise the object gets no waypoint
//! and the status reason `AttachmentDenied` (ambient/status.go).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::rules::ambient::common::{
    allows_namespace, describe, home_namespace, labelled, waypoint,
};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML702",
    name: "waypoint-attachment-denied",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: None,
    summary: "an object uses a waypoint of another namespace that does not accept its namespace",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (r, named) in labelled(ix) {
        let Some(w) = waypoint(ix, &named.namespace, named.name()) else {
            continue;
        };
        let ns = home_namespace(r);
        let Some((false, decided_by)) = allows_namespace(ix, &w, ns) else {
            continue;
        };
        let key = named.key();
        let mut d = Diagnostic::new(
            &META,
            format!(
                "{} uses waypoint `{key}`, which does not accept namespace `{ns}`; istiod refuses the attachment (AttachmentDenied) and the traffic skips the waypoint",
                describe(r)
            ),
        )
        .at(named.span(), "attachment denied");
        d = match decided_by {
            Some(s) => d.related(s, "the HBONE listener (port 15008) allows these namespaces"),
            None => d.related(
                w.r.name_span,
                "no HBONE listener on port 15008: only its own namespace may attach",
            ),
        };
        cx.report(
            r,
            d.help(format!(
                "allow namespace `{ns}` on the waypoint's HBONE listener (`allowedRoutes: {{namespaces: {{from: All}}}}` or a `Selector`), or use a waypoint of namespace `{ns}`"
            )),
        );
    }
}
