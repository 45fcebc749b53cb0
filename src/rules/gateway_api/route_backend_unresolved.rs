//! `route-backend-unresolved` (ML602): a route's backend does not resolve as istiod requires (BackendNotFound, InvalidKind, RefNotPermitted, InvalidFilter). The conditions come from istiod's Gateway API translation,
//! replayed offline in `index::gateway_api_status`.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::index::gateway_api_status::Family;
use crate::rules::gateway_api::common::report_family;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML602",
    name: "route-backend-unresolved",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: None,
    summary: "a route's backend does not resolve as istiod requires (BackendNotFound, InvalidKind, RefNotPermitted, InvalidFilter)",
};

pub fn check(cx: &mut RuleCx) {
    report_family(cx, &META, Family::RouteBackend);
}
