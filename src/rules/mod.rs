//! The rule registry and the context rules run in.
//!
//! A rule is one file with a `pub static META: RuleMeta` and, unless the loader emits it, a
//! `pub fn check(cx: &mut RuleCx)`. Rules only read the [`Index`]; they report diagnostics and
//! never decide severity overrides, suppression or output.

use crate::diagnostics::{Diagnostic, RuleMeta};
use crate::index::Index;
use crate::model::Resource;

// one folder per domain; `gateway_api/` and `ambient/` will sit next to them
pub mod annotations;
pub mod envoyfilter;
pub mod gateways;
pub mod input;
pub mod resilience;
pub mod routing;
pub mod security;
pub mod telemetry;
pub mod validation;
pub mod workloads;

use self::annotations::*;
use self::envoyfilter::*;
use self::gateways::*;
use self::input::*;
use self::resilience::*;
use self::routing::*;
use self::security::*;
use self::telemetry::*;
use self::validation::*;
use self::workloads::*;

/// Metadata of the rules the loader and model emit, by name (the diagnostics catalogue).
pub mod meta {
    pub use crate::diagnostics::catalogue::*;
}

/// What rules see: the index, and a sink for diagnostics.
pub struct RuleCx<'a, 'r> {
    pub index: &'a Index<'r>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'a, 'r> RuleCx<'a, 'r> {
    pub fn new(index: &'a Index<'r>) -> Self {
        RuleCx {
            index,
            diagnostics: Vec::new(),
        }
    }

    /// Reports a diagnostic about `resource`.
    pub fn report(&mut self, resource: &Resource, d: Diagnostic) {
        let mut d = d;
        if d.resource.is_none() {
            d.resource = Some(resource.object_ref());
        }
        self.diagnostics.push(d);
    }
}

pub type CheckFn = fn(&mut RuleCx);

pub struct RuleEntry {
    pub meta: &'static RuleMeta,
    /// `None` for rules emitted by the loader or the model.
    pub check: Option<CheckFn>,
    /// The rule's documentation (rules/<name>.md).
    pub doc: &'static str,
}

macro_rules! loader_rule {
    ($m:ident, $doc:literal) => {
        RuleEntry {
            meta: &$m::META,
            check: None,
            doc: include_str!(concat!("../../rules/", $doc, ".md")),
        }
    };
}

macro_rules! rule {
    ($m:ident, $doc:literal) => {
        RuleEntry {
            meta: &$m::META,
            check: Some($m::check),
            doc: include_str!(concat!("../../rules/", $doc, ".md")),
        }
    };
}

/// Every rule, in code order.
pub static RULES: &[RuleEntry] = &[
    loader_rule!(yaml_syntax_error, "yaml-syntax-error"),
    loader_rule!(unknown_field, "unknown-field"),
    loader_rule!(invalid_type, "invalid-type"),
    loader_rule!(duplicate_key, "duplicate-key"),
    loader_rule!(input_limit, "input-limit"),
    loader_rule!(unreadable_input, "unreadable-input"),
    loader_rule!(not_a_resource, "not-a-resource"),
    loader_rule!(missing_name, "missing-name"),
    loader_rule!(duplicate_object, "duplicate-object"),
    loader_rule!(not_in_input, "not-in-input"),
    loader_rule!(helm_chart_not_rendered, "helm-chart-not-rendered"),
    loader_rule!(kustomize_not_built, "kustomize-not-built"),
    rule!(removed_istio_kind, "removed-istio-kind"),
    loader_rule!(yaml_flow_indentation, "yaml-flow-indentation"),
    rule!(two_part_host, "two-part-host"),
    rule!(subset_not_found, "subset-not-found"),
    rule!(gateway_not_found, "gateway-not-found"),
    rule!(host_not_in_gateway, "host-not-in-gateway"),
    rule!(internal_gateway_reference, "internal-gateway-reference"),
    rule!(schema_error, "schema-error"),
    rule!(weights_not_100, "weights-not-100"),
    rule!(retry_budget_exceeds_timeout, "retry-budget-exceeds-timeout"),
    rule!(unreachable_rule, "unreachable-rule"),
    rule!(ineffective_match, "ineffective-match"),
    rule!(sidecar_selector_no_workload, "sidecar-selector-no-workload"),
    rule!(
        conflicting_sidecar_selectors,
        "conflicting-sidecar-selectors"
    ),
    rule!(multiple_default_sidecars, "multiple-default-sidecars"),
    rule!(ineffective_sidecar_ambient, "ineffective-sidecar-ambient"),
    rule!(
        telemetry_selector_no_workload,
        "telemetry-selector-no-workload"
    ),
    rule!(
        conflicting_telemetry_selectors,
        "conflicting-telemetry-selectors"
    ),
    rule!(multiple_default_telemetries, "multiple-default-telemetries"),
    rule!(telemetry_provider_missing, "telemetry-provider-missing"),
    rule!(lightstep_deprecated, "lightstep-deprecated"),
    rule!(ineffective_gateway_selector, "ineffective-gateway-selector"),
    rule!(
        jwt_claim_route_without_authn,
        "jwt-claim-route-without-authn"
    ),
    rule!(authz_no_matching_workloads, "authz-no-matching-workloads"),
    rule!(authz_namespace_not_found, "authz-namespace-not-found"),
    rule!(unknown_annotation, "unknown-annotation"),
    rule!(misplaced_annotation, "misplaced-annotation"),
    rule!(invalid_annotation, "invalid-annotation"),
    rule!(deprecated_annotation, "deprecated-annotation"),
    rule!(deprecated_field, "deprecated-field"),
    rule!(deployment_multiple_services, "deployment-multiple-services"),
    rule!(port_name_convention, "port-name-convention"),
    rule!(dr_no_ca_certificate, "dr-no-ca-certificate"),
    rule!(dr_port_no_ca_certificate, "dr-port-no-ca-certificate"),
    rule!(
        serviceentry_addresses_required,
        "serviceentry-addresses-required"
    ),
    rule!(deployment_conflicting_ports, "deployment-conflicting-ports"),
    rule!(invalid_application_uid, "invalid-application-uid"),
    rule!(externalname_port_name, "externalname-port-name"),
    rule!(
        envoyfilter_relative_without_priority,
        "envoyfilter-relative-without-priority"
    ),
    rule!(
        envoyfilter_relative_fixed_anchor,
        "envoyfilter-relative-fixed-anchor"
    ),
    rule!(envoyfilter_invalid_replace, "envoyfilter-invalid-replace"),
    rule!(envoyfilter_invalid_add, "envoyfilter-invalid-add"),
    rule!(envoyfilter_invalid_remove, "envoyfilter-invalid-remove"),
    rule!(
        envoyfilter_relative_with_proxy_version,
        "envoyfilter-relative-with-proxy-version"
    ),
    rule!(subset_selects_no_pods, "subset-selects-no-pods"),
    rule!(
        unrouted_subset_selects_no_pods,
        "unrouted-subset-selects-no-pods"
    ),
    rule!(
        destinationrule_host_not_found,
        "destinationrule-host-not-found"
    ),
    rule!(
        conflicting_serviceentry_protocol,
        "conflicting-serviceentry-protocol"
    ),
    rule!(shadowed_by_catch_all, "shadowed-by-catch-all"),
    rule!(gateway_selector_no_workload, "gateway-selector-no-workload"),
    rule!(gateway_port_not_on_service, "gateway-port-not-on-service"),
    rule!(gateway_credential_not_found, "gateway-credential-not-found"),
    rule!(gateway_invalid_credential, "gateway-invalid-credential"),
    rule!(conflicting_gateways, "conflicting-gateways"),
    rule!(
        duplicate_gateway_certificate,
        "duplicate-gateway-certificate"
    ),
    rule!(destination_host_not_found, "destination-host-not-found"),
    rule!(destination_port_required, "destination-port-required"),
    rule!(
        ingress_route_ignores_subsets,
        "ingress-route-ignores-subsets"
    ),
    rule!(conflicting_mesh_hosts, "conflicting-mesh-hosts"),
    rule!(destinationrule_schema_error, "destinationrule-schema-error"),
    rule!(gateway_schema_error, "gateway-schema-error"),
    rule!(
        virtualservice_schema_warning,
        "virtualservice-schema-warning"
    ),
    rule!(
        destinationrule_schema_warning,
        "destinationrule-schema-warning"
    ),
    rule!(gateway_schema_warning, "gateway-schema-warning"),
    loader_rule!(unused_suppression, "unused-suppression"),
    loader_rule!(unknown_suppression_code, "unknown-suppression-code"),
    rule!(
        retries_without_circuit_breaker,
        "retries-without-circuit-breaker"
    ),
    rule!(fault_injection_active, "fault-injection-active"),
    rule!(
        fault_ignores_retries_timeout,
        "fault-ignores-retries-timeout"
    ),
    rule!(aggressive_outlier_ejection, "aggressive-outlier-ejection"),
    rule!(mirror_to_primary, "mirror-to-primary"),
    rule!(mirror_full_traffic, "mirror-full-traffic"),
    rule!(retry_non_idempotent, "retry-non-idempotent"),
    rule!(fallback_to_self, "fallback-to-self"),
    rule!(fallback_does_not_cascade, "fallback-does-not-cascade"),
    rule!(fallback_capacity, "fallback-capacity"),
    rule!(
        external_host_without_serviceentry,
        "external-host-without-serviceentry"
    ),
    rule!(ingress_host_without_gateway, "ingress-host-without-gateway"),
    rule!(https_server_without_tls, "https-server-without-tls"),
    rule!(passthrough_with_http_routes, "passthrough-with-http-routes"),
    rule!(dr_cluster_tls_system_roots, "dr-cluster-tls-system-roots"),
    rule!(multiple_destinationrules, "multiple-destinationrules"),
    rule!(subset_without_labels, "subset-without-labels"),
    rule!(single_destination_weight, "single-destination-weight"),
    rule!(duplicate_route_destination, "duplicate-route-destination"),
    rule!(duplicate_host_on_gateway, "duplicate-host-on-gateway"),
    rule!(dotted_gateway_reference, "dotted-gateway-reference"),
    rule!(match_gateway_not_bound, "match-gateway-not-bound"),
    rule!(exportto_unknown_namespace, "exportto-unknown-namespace"),
    rule!(target_port_not_on_workload, "target-port-not-on-workload"),
    rule!(
        sidecar_egress_host_not_found,
        "sidecar-egress-host-not-found"
    ),
    rule!(duplicate_serviceentry, "duplicate-serviceentry"),
    rule!(serviceentry_schema_error, "serviceentry-schema-error"),
    rule!(serviceentry_schema_warning, "serviceentry-schema-warning"),
    rule!(sidecar_schema_error, "sidecar-schema-error"),
    rule!(sidecar_schema_warning, "sidecar-schema-warning"),
    rule!(
        authorizationpolicy_schema_error,
        "authorizationpolicy-schema-error"
    ),
    rule!(
        peerauthentication_schema_error,
        "peerauthentication-schema-error"
    ),
    rule!(
        requestauthentication_schema_error,
        "requestauthentication-schema-error"
    ),
    rule!(telemetry_schema_error, "telemetry-schema-error"),
    rule!(envoyfilter_schema_error, "envoyfilter-schema-error"),
    rule!(envoyfilter_schema_warning, "envoyfilter-schema-warning"),
    rule!(workloadentry_schema_error, "workloadentry-schema-error"),
    rule!(workloadgroup_schema_error, "workloadgroup-schema-error"),
];

/// Rules that judge one object at a time (nothing they report depends on another object):
/// they also run over the replaced copies of objects defined more than once, since every copy
/// gets its per-document checks. Istio's validation (the `*-schema-*` rules) reads the copies
/// itself.
pub const PER_DOCUMENT: &[&str] = &[
    "unreachable-rule",
    "ineffective-match",
    "deprecated-field",
    "deprecated-annotation",
    "misplaced-annotation",
    "invalid-annotation",
    "unknown-annotation",
    "fault-injection-active",
    "mirror-full-traffic",
    "retry-budget-exceeds-timeout",
    "weights-not-100",
    "single-destination-weight",
    "duplicate-route-destination",
    "shadowed-by-catch-all",
    "retry-non-idempotent",
    "port-name-convention",
    "fault-ignores-retries-timeout",
    "lightstep-deprecated",
    "invalid-application-uid",
    "externalname-port-name",
    "envoyfilter-invalid-add",
    "envoyfilter-invalid-remove",
    "envoyfilter-invalid-replace",
];

/// Rules whose checks also report `not-in-input` (ML012): they run when ML012 is selected,
/// even if they are not (their own findings are then dropped).
pub const NOT_IN_INPUT_REPORTERS: &[&str] =
    &["destination-host-not-found", "gateway-credential-not-found"];

/// Istio message codes that Istio itself shares between several checks; only these may be
/// used by more than one rule.
///
/// IST0151 is one istioctl message for two situations meshlint tells apart by severity: a
/// relative patch whose anchor another EnvoyFilter may add (a warning) and one anchored on a
/// filter istiod always generates (info); both keep istioctl's code. Likewise IST0173: a subset
/// that selects no workload is an error when a route sends traffic to it, a warning otherwise.
pub const SHARED_ISTIO_CODES: &[&str] = &[
    "IST0101", "IST0106", "IST0133", "IST0002", "IST0151", "IST0173",
];

/// Finds rules by code (several for shared Istio codes) or by name.
pub fn lookup(code_or_name: &str) -> Vec<&'static RuleEntry> {
    RULES
        .iter()
        .filter(|r| r.meta.code.eq_ignore_ascii_case(code_or_name) || r.meta.name == code_or_name)
        .collect()
}

/// Rules that mirror an istioctl analyzer, by its `--analyzer` name.
pub fn by_analyzer(name: &str) -> Vec<&'static RuleEntry> {
    RULES
        .iter()
        .filter(|r| r.meta.analyzer == Some(name))
        .collect()
}
