//! `peerauthentication-schema-error` (IST0106): a PeerAuthentication mode, selector or port-level mTLS setting that Istio's validation rejects.

use super::values::{run, Level};
use crate::diagnostics::{Category, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0106",
    name: "peerauthentication-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: Some("schema.ValidationAnalyzer.PeerAuthentication"),
    summary: "a PeerAuthentication mode, selector or port-level mTLS setting that Istio's validation rejects",
};

pub fn check(cx: &mut RuleCx) {
    run(cx, &META, "PeerAuthentication", Level::Error);
}
