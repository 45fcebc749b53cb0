//! `listener-conflict` (ML604): two listeners of one Gateway (with its ListenerSets) conflict on a port; the later one is not programmed. The conditions come from istiod's Gateway API translation,
//! replayed offline in `index::gateway_api_status`.

use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::index::gateway_api_status::Family;
use crate::rules::gateway_api::common::report_family;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML604",
    name: "listener-conflict",
    severity: Severity::Error,
    category: Category::Routing,
    analyzer: None,
    summary: "two listeners of one Gateway (with its ListenerSets) conflict on a port; the later one is not programmed",
};

pub fn check(cx: &mut RuleCx) {
    report_family(cx, &META, Family::ListenerConflict);
}
