//! `listener-invalid` (ML603): a Gateway or ListenerSet listener istiod rejects: protocol, certificate and CA references, route kinds. The conditions come from istiod's Gateway API translation,
//! replayed offline in `index::gateway_api_status`.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::index::gateway_api_status::Family;
use crate::rules::gateway_api::common::report_family;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML603",
    name: "listener-invalid",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: None,
    summary: "a Gateway or ListenerSet listener istiod rejects: protocol, certificate and CA references, route kinds",
};

pub fn check(cx: &mut RuleCx) {
    report_family(cx, &META, Family::Listener);
}
