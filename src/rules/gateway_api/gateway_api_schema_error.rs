//! `gateway-api-schema-error` (ML650): a Gateway API object that the API server rejects under
//! the CRDs' OpenAPI schema (required fields, enums, patterns, lengths, item counts, ranges,
//! duplicate list keys) or their CEL rules (`x-kubernetes-validations`). The checks run while
//! the document is loaded ([`super::schema`], [`super::cel`]).

use crate::diagnostics::{Category, Level, RuleMeta, Severity};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML650",
    name: "gateway-api-schema-error",
    severity: Severity::Error,
    category: Category::Schema,
    analyzer: None,
    summary: "a Gateway API object the API server rejects (CRD schema or CEL rule): it is not applied at all",
};

pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    super::report_validation(cx, &META, Level::Error);
}
