//! `gateway-not-accepted` (ML605): a Gateway istiod does not accept or program: addresses, parametersRef, client certificate, no valid listener. The conditions come from istiod's Gateway API translation,
//! replayed offline in `index::gateway_api_status`.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::index::gateway_api_status::Family;
use crate::rules::gateway_api::common::report_family;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML605",
    name: "gateway-not-accepted",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: None,
    summary: "a Gateway istiod does not accept or program: addresses, parametersRef, client certificate, no valid listener",
};

pub fn check(cx: &mut RuleCx) {
    report_family(cx, &META, Family::Gateway);
}
