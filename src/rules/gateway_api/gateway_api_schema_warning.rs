//! `gateway-api-schema-warning` (ML651): a field the Gateway API CRDs do not have (standard or
//! experimental channel). kubectl's strict field validation rejects the object; clients that
//! apply without it (server default `Warn`) have the field dropped. The check runs while the
//! document is loaded ([`super::schema`]).

use crate::diagnostics::{Category, Level, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML651",
    name: "gateway-api-schema-warning",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: None,
    summary: "a field the Gateway API CRDs do not have: kubectl rejects the object, other clients drop the field",
};

pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    super::report_validation(cx, &META, Level::Warning);
}
