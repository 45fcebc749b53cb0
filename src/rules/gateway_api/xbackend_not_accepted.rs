//! `xbackend-not-accepted` (ML608): an XBackend istiod rejects. The conditions come from istiod's Gateway API translation,
//! replayed offline in `index::gateway_api_status`.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::index::gateway_api_status::Family;
use crate::rules::gateway_api::common::report_family;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML608",
    name: "xbackend-not-accepted",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: None,
    summary: "an XBackend istiod rejects",
};

pub fn check(cx: &mut RuleCx) {
    report_family(cx, &META, Family::XBackend);
}
