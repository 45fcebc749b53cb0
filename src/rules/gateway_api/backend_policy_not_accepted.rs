//! `backend-policy-not-accepted` (ML607): a BackendTLSPolicy or XBackendTrafficPolicy istiod does not apply to a target. The conditions come from istiod's Gateway API translation,
//! replayed offline in `index::gateway_api_status`.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::index::gateway_api_status::Family;
use crate::rules::gateway_api::common::report_family;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML607",
    name: "backend-policy-not-accepted",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "a BackendTLSPolicy or XBackendTrafficPolicy istiod does not apply to a target",
};

pub fn check(cx: &mut RuleCx) {
    report_family(cx, &META, Family::Policy);
}
