//! Istio's `pkg/config/validation` checks (the admission webhook and `istioctl analyze`'s
//! `schema.ValidationAnalyzer`) for VirtualService, DestinationRule and Gateway, on the spanned
//! spec tree. The rule files (`*_schema_error`, `*_schema_warning`) only pick findings by
//! severity: Istio's errors are IST0106, its warnings IST0133.

pub mod common;
pub mod destinationrule;
pub mod gateway;
pub mod virtualservice;

use crate::diagnostics::{Diagnostic, RuleMeta};
use crate::model::Resource;
use crate::rules::RuleCx;
use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// One problem found by a validator, before it becomes a diagnostic of the error or warning rule.
#[derive(Debug, Clone)]
pub struct Finding {
    pub level: Level,
    pub span: Span,
    pub message: String,
    pub label: String,
    pub help: String,
}

/// Collects findings of one resource.
#[derive(Default)]
pub struct Out {
    pub items: Vec<Finding>,
}

impl Out {
    pub fn err(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(Level::Error, span, message, label, help);
    }

    pub fn warn(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(Level::Warning, span, message, label, help);
    }

    fn push(
        &mut self,
        level: Level,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.items.push(Finding {
            level,
            span,
            message: message.into(),
            label: label.into(),
            help: help.into(),
        });
    }
}

/// Reads one resource and returns findings of both levels.
pub type Validator = fn(&Resource, &mut Out);

/// Runs `validate` on every resource of `kind` and reports the findings of `level` as `meta`.
pub fn run(
    cx: &mut RuleCx,
    meta: &'static RuleMeta,
    kind: &'static str,
    level: Level,
    validate: Validator,
) {
    let ix = cx.index;
    // the error and the warning rule of a kind share one validation pass
    let Some(all) = ix.memo.get_or_init((kind, validate as usize), || {
        ix.of_kind(kind)
            .iter()
            .map(|&id| {
                let mut out = Out::default();
                validate(ix.resource(id), &mut out);
                (id, out.items)
            })
            .collect::<Vec<(usize, Vec<Finding>)>>()
    }) else {
        return;
    };
    for (id, items) in all.iter() {
        let r = ix.resource(*id);
        for f in items.iter().filter(|f| f.level == level) {
            cx.report(
                r,
                Diagnostic::new(meta, f.message.clone())
                    .at(f.span, f.label.clone())
                    .help(f.help.clone()),
            );
        }
    }
}
