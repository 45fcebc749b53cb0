//! `route-parent-not-accepted` (ML601): a route's parentRef is not accepted by its Gateway or ListenerSet (NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname). The conditions come from istiod's Gateway API translation,
//! replayed offline in `index::gateway_api_status`.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::index::gateway_api_status::Family;
use crate::rules::gateway_api::common::report_family;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML601",
    name: "route-parent-not-accepted",
    severity: Severity::Error,
    category: Category::Routing,
    analyzer: None,
    summary: "a route's parentRef is not accepted by its Gateway or ListenerSet (NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname)",
};

pub fn check(cx: &mut RuleCx) {
    report_family(cx, &META, Family::RouteParent);
}
