//! Istio's `pkg/config/validation` checks (the admission webhook and `istioctl analyze`'s
//! `schema.ValidationAnalyzer`) for VirtualService, DestinationRule and Gateway, on the spanned
//! spec tree. The rule files (`*_schema_error`, `*_schema_warning`) only pick findings by
//! severity: Istio's errors are IST0106, its warnings IST0133.

pub mod common;
pub mod destinationrule;
pub mod gateway;
pub mod virtualservice;

use crate::diagnostics::{Diagnostic, RuleMeta};
use crate::rules::RuleCx;
use crate::source::Span;

/// One validation finding, before it is bound to a rule.
pub struct Finding {
    pub warning: bool,
    pub span: Span,
    pub message: String,
    pub label: String,
    pub help: String,
}

#[derive(Default)]
pub struct Out(pub Vec<Finding>);

impl Out {
    pub fn err(&mut self, span: Span, message: String, label: &str, help: &str) {
        self.push(false, span, message, label, help);
    }
    pub fn warn(&mut self, span: Span, message: String, label: &str, help: &str) {
        self.push(true, span, message, label, help);
    }
    fn push(&mut self, warning: bool, span: Span, message: String, label: &str, help: &str) {
        self.0.push(Finding {
            warning,
            span,
            message,
            label: label.to_string(),
            help: help.to_string(),
        });
    }
}

/// Runs `validate` on every resource of `kind` and reports the findings of one severity.
pub fn report(
    cx: &mut RuleCx,
    meta: &'static RuleMeta,
    kind: &str,
    warnings: bool,
    validate: fn(&crate::model::Resource, &mut Out),
) {
    let ix = cx.index;
    let mut found = Vec::new();
    for &id in ix.of_kind(kind) {
        let r = ix.resource(id);
        let mut out = Out::default();
        validate(r, &mut out);
        for f in out.0.into_iter().filter(|f| f.warning == warnings) {
            found.push((
                r,
                Diagnostic::new(meta, f.message)
                    .at(f.span, f.label)
                    .help(f.help),
            ));
        }
    }
    for (r, d) in found {
        cx.report(r, d);
    }
}
