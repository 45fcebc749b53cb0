//! `listenerset-not-accepted` (ML606): a ListenerSet its parent Gateway does not accept or program. The conditions come from istiod's Gateway API translation,
//! replayed offline in `index::gateway_api_status`.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::index::gateway_api_status::Family;
use crate::rules::gateway_api::common::report_family;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML606",
    name: "listenerset-not-accepted",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: None,
    summary: "a ListenerSet its parent Gateway does not accept or program",
};

pub fn check(cx: &mut RuleCx) {
    report_family(cx, &META, Family::ListenerSet);
}
