//! Istio's `pkg/config/validation` checks (the admission webhook and `istioctl analyze`'s
//! `schema.ValidationAnalyzer`) for every kind Istio validates, on the spanned spec tree. One
//! validator per kind (`virtualservice`, `destinationrule`, `gateway`, `serviceentry`, `sidecar`,
//! `envoyfilter`, `authorizationpolicy`, `peerauthentication`, `requestauthentication`,
//! `telemetry`, `workloadentry`, `workloadgroup`) reads a resource and returns findings of both
//! levels; `security` holds what the security kinds share, `common` the shared value checks and
//! `values` the ones in the later validators' wording. The rule files (`*_schema_error`,
//! `*_schema_warning`) only pick findings by severity: Istio's errors are IST0106, its warnings
//! IST0133.

pub mod authorizationpolicy;
pub mod common;
pub mod destinationrule;
pub mod envoyfilter;
pub mod gateway;
pub mod peerauthentication;
pub mod requestauthentication;
pub mod security;
pub mod serviceentry;
pub mod sidecar;
pub mod telemetry;
pub mod values;
pub mod virtualservice;
pub mod workloadentry;
pub mod workloadgroup;

// the rule files of this folder (`*_schema_error`, `*_schema_warning`; build.rs)
include!(concat!(env!("OUT_DIR"), "/rules/validation.rs"));

use crate::diagnostics::{Diagnostic, RuleMeta};
use crate::model::Resource;
use crate::rules::RuleCx;
use crate::source::Span;
use std::borrow::Cow;

pub use crate::diagnostics::{Finding, Level};

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
        label: impl Into<Cow<'static, str>>,
        help: impl Into<Cow<'static, str>>,
    ) {
        self.push(Level::Error, span, message, label, help);
    }

    pub fn warn(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: impl Into<Cow<'static, str>>,
        help: impl Into<Cow<'static, str>>,
    ) {
        self.push(Level::Warning, span, message, label, help);
    }

    fn push(
        &mut self,
        level: Level,
        span: Span,
        message: impl Into<String>,
        label: impl Into<Cow<'static, str>>,
        help: impl Into<Cow<'static, str>>,
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

/// The validator of a kind (the kinds `ix.of_kind` keys on: `metadata.kind` as written).
pub fn validator_for(kind: &str) -> Option<Validator> {
    Some(match kind {
        "VirtualService" => virtualservice::validate,
        "DestinationRule" => destinationrule::validate,
        "Gateway" => gateway::validate,
        "ServiceEntry" => serviceentry::validate,
        "Sidecar" => sidecar::validate,
        "EnvoyFilter" => envoyfilter::validate,
        "AuthorizationPolicy" => authorizationpolicy::authorization_policy,
        "PeerAuthentication" => peerauthentication::peer_authentication,
        "RequestAuthentication" => requestauthentication::request_authentication,
        "Telemetry" => telemetry::telemetry,
        "WorkloadEntry" => workloadentry::validate_entry,
        "WorkloadGroup" => workloadgroup::validate_group,
        _ => return None,
    })
}

/// The validator of a resource, by group and kind: the Gateway API kinds (whatever their name;
/// `Gateway` is also Istio's) go to the CRD schema and CEL validation
/// ([`crate::rules::gateway_api::schema`]), the others to Istio's validator of their kind.
pub fn validator_of(r: &Resource) -> Option<Validator> {
    if matches!(r.spec, crate::model::Spec::GatewayApi(_)) {
        return Some(crate::rules::gateway_api::schema::validate);
    }
    validator_for(&r.kind)
}

/// Runs the validation of one resource while it is loaded, keeps the findings of both levels on
/// the resource and drops its spec tree (the rules below only read the findings). Done per
/// document in the parallel load, so no resource keeps a copy of its spec.
pub fn precompute(r: &mut Resource, validate: bool) {
    if validate {
        if let Some(v) = validator_of(r) {
            let mut out = Out::default();
            v(r, &mut out);
            r.validation = out.items.into_boxed_slice();
        }
    }
    r.spec.drop_tree();
}

/// Reports the findings of `level` on every resource of `kind` as `meta`.
pub fn run(cx: &mut RuleCx, meta: &'static RuleMeta, kind: &'static str, level: Level) {
    let ix = cx.index;
    // replaced copies of an object still get their per-document checks
    for r in ix.documents_of_kind(kind) {
        // a Gateway API object of the same kind name (Gateway): its findings are ML650/ML651
        if matches!(r.spec, crate::model::Spec::GatewayApi(_)) {
            continue;
        }
        for f in r.validation.iter().filter(|f| f.level == level) {
            cx.report(
                r,
                Diagnostic::new(meta, f.message.clone())
                    .at(f.span, f.label.clone())
                    .help(f.help.clone()),
            );
        }
    }
}
