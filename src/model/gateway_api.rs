//! The Kubernetes Gateway API kinds Istio implements (gateway.networking.k8s.io, its
//! experimental group gateway.networking.x-k8s.io, and inference.networking.k8s.io's
//! InferencePool as a backend): GatewayClass, Gateway, ListenerSet, HTTPRoute, GRPCRoute,
//! TCPRoute, TLSRoute, UDPRoute, ReferenceGrant, BackendTLSPolicy, XBackendTrafficPolicy,
//! XBackend, InferencePool.
//!
//! Every served version (v1, v1beta1, v1alpha2, v1alpha3, v1alpha1) is read by one reader per
//! kind: the versions differ in which fields exist, not in what shared fields mean. Fields keep
//! their spans; the whole spec is also kept as a spanned tree ([`super::spec_tree`]) for the
//! schema and CEL validation of the CRDs, which checks every field, and is dropped once that has
//! run. Wrong types are `invalid-type` findings (the API server rejects them); unknown fields are
//! left to the schema validation.

use super::reader::Cx;
use super::spec_tree;
use super::Labels;
use crate::source::{Span, Spanned, Str};
use crate::yaml::Value;

/// The Gateway API's groups.
pub const GROUP: &str = "gateway.networking.k8s.io";
pub const EXPERIMENTAL_GROUP: &str = "gateway.networking.x-k8s.io";
pub const INFERENCE_GROUP: &str = "inference.networking.k8s.io";

/// Whether `group`/`kind` is a kind this module reads.
pub fn is_gateway_api(group: &str, kind: &str) -> bool {
    match group {
        GROUP | EXPERIMENTAL_GROUP => matches!(
            kind,
            "GatewayClass"
                | "Gateway"
                | "ListenerSet"
                | "XListenerSet"
                | "HTTPRoute"
                | "GRPCRoute"
                | "TCPRoute"
                | "TLSRoute"
                | "UDPRoute"
                | "ReferenceGrant"
                | "BackendTLSPolicy"
                | "XBackendTrafficPolicy"
                | "BackendTrafficPolicy"
                | "XBackend"
        ),
        INFERENCE_GROUP => kind == "InferencePool",
        _ => false,
    }
}

/// One Gateway API object.
#[derive(Debug, Clone)]
pub struct GatewayApi {
    pub object: Object,
    /// The whole spec (schema/CEL validation); `None` once validated.
    pub tree: spec_tree::Tree,
    /// `metadata.creationTimestamp` when written (RFC 3339): istiod orders routes by it.
    pub creation_timestamp: Option<Spanned<Str>>,
}

/// Boxed as a whole in [`crate::model::Spec`], so variant sizes do not grow other specs.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Object {
    GatewayClass(GatewayClass),
    Gateway(Gateway),
    /// ListenerSet (v1) and the experimental XListenerSet.
    ListenerSet(ListenerSet),
    /// HTTPRoute, GRPCRoute, TCPRoute, TLSRoute and UDPRoute.
    Route(Route),
    ReferenceGrant(ReferenceGrant),
    BackendTLSPolicy(BackendTlsPolicy),
    /// XBackendTrafficPolicy (and BackendTrafficPolicy of older releases).
    BackendTrafficPolicy(BackendTrafficPolicy),
    /// Istio's experimental XBackend (gateway.networking.x-k8s.io).
    XBackend(XBackend),
    /// An InferencePool (inference.networking.k8s.io): a backend kind.
    InferencePool(InferencePool),
}

/// A reference as the Gateway API writes it (`ParentReference`, `BackendRef`,
/// `SecretObjectReference`, `LocalPolicyTargetReference`, `ParametersReference`, ...): every
/// field optional, defaults applied by [`ObjRef::group_or`]/[`ObjRef::kind_or`] at the use site
/// (they differ between reference types).
#[derive(Debug, Clone, Default)]
pub struct ObjRef {
    pub group: Option<Spanned<Str>>,
    pub kind: Option<Spanned<Str>>,
    pub name: Option<Spanned<Str>>,
    pub namespace: Option<Spanned<Str>>,
    pub section_name: Option<Spanned<Str>>,
    pub port: Option<Spanned<i64>>,
    /// The whole reference.
    pub span: Span,
}

impl ObjRef {
    /// The group, `default` when not written (`""` is the core group).
    pub fn group_or<'s>(&'s self, default: &'s str) -> &'s str {
        self.group
            .as_ref()
            .map(|g| g.value.as_str())
            .unwrap_or(default)
    }

    pub fn kind_or<'s>(&'s self, default: &'s str) -> &'s str {
        self.kind
            .as_ref()
            .map(|g| g.value.as_str())
            .unwrap_or(default)
    }

    pub fn name(&self) -> &str {
        self.name.as_ref().map(|n| n.value.as_str()).unwrap_or("")
    }

    /// The namespace, the referrer's when not written.
    pub fn namespace_or<'s>(&'s self, referrer: &'s str) -> &'s str {
        self.namespace
            .as_ref()
            .map(|n| n.value.as_str())
            .unwrap_or(referrer)
    }

    /// The span of the name, or of the whole reference.
    pub fn name_span(&self) -> Span {
        self.name.as_ref().map(|n| n.span).unwrap_or(self.span)
    }
}

#[derive(Debug, Clone, Default)]
pub struct GatewayClass {
    pub controller_name: Option<Spanned<Str>>,
    pub parameters_ref: Option<ObjRef>,
}

/// A label selector (`matchLabels`, `matchExpressions`).
#[derive(Debug, Clone, Default)]
pub struct LabelSelector {
    pub match_labels: Labels,
    pub match_expressions: Vec<LabelExpression>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct LabelExpression {
    pub key: Spanned<Str>,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`.
    pub operator: Spanned<Str>,
    pub values: Vec<Spanned<Str>>,
    pub span: Span,
}

impl LabelSelector {
    /// Whether `labels` satisfy the selector (Kubernetes' `LabelSelectorAsSelector`); an
    /// unknown operator selects nothing, as the conversion fails.
    pub fn matches(&self, labels: &Labels) -> bool {
        let get = |k: &str| {
            labels
                .iter()
                .find(|(lk, _)| lk.value == k)
                .map(|(_, v)| v.value.as_str())
        };
        self.match_labels
            .iter()
            .all(|(k, v)| get(&k.value) == Some(v.value.as_str()))
            && self.match_expressions.iter().all(|e| {
                let value = get(&e.key.value);
                let in_values = |v: &str| e.values.iter().any(|x| x.value == v);
                match e.operator.value.as_str() {
                    "In" => value.is_some_and(in_values),
                    "NotIn" => !value.is_some_and(in_values),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
    }
}

/// `allowedRoutes` of a listener (or `allowedListeners` of a Gateway: only `namespaces`).
#[derive(Debug, Clone, Default)]
pub struct AllowedRoutes {
    /// `namespaces.from`: `Same` (the default for routes, and for listeners `None`), `All`,
    /// `Selector`, `None`.
    pub from: Option<Spanned<Str>>,
    pub selector: Option<LabelSelector>,
    /// `kinds`: group (default `gateway.networking.k8s.io`) and kind.
    pub kinds: Vec<ObjRef>,
    /// The whole `allowedRoutes` block, when written.
    pub span: Option<Span>,
}

#[derive(Debug, Clone, Default)]
pub struct Listener {
    pub name: Option<Spanned<Str>>,
    pub hostname: Option<Spanned<Str>>,
    pub port: Option<Spanned<i64>>,
    pub protocol: Option<Spanned<Str>>,
    pub tls: Option<ListenerTls>,
    pub allowed_routes: AllowedRoutes,
    pub span: Span,
}

impl Listener {
    pub fn name(&self) -> &str {
        self.name.as_ref().map(|n| n.value.as_str()).unwrap_or("")
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListenerTls {
    /// `Terminate` (the default) or `Passthrough`.
    pub mode: Option<Spanned<Str>>,
    pub certificate_refs: Vec<ObjRef>,
    /// `frontendValidation.caCertificateRefs` (the listener-level form of older releases).
    pub ca_certificate_refs: Vec<ObjRef>,
    pub options: Labels,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Address {
    /// `IPAddress` (the default), `Hostname`, or a domain-prefixed custom type.
    pub type_: Option<Spanned<Str>>,
    pub value: Option<Spanned<Str>>,
    pub span: Span,
}

/// Gateway-level TLS (`spec.tls`): client certificate for backends, frontend validation.
#[derive(Debug, Clone, Default)]
pub struct GatewayTls {
    /// `backend.clientCertificateRef`.
    pub backend_client_certificate: Option<ObjRef>,
    /// `frontend.default.validation.caCertificateRefs`.
    pub frontend_ca_refs: Vec<ObjRef>,
    /// `frontend.perPort[]`: port and its `tls.validation.caCertificateRefs`.
    pub frontend_per_port: Vec<(Option<Spanned<i64>>, Vec<ObjRef>)>,
    pub span: Option<Span>,
}

#[derive(Debug, Clone, Default)]
pub struct Gateway {
    pub class_name: Option<Spanned<Str>>,
    pub listeners: Vec<Listener>,
    pub addresses: Vec<Address>,
    /// `infrastructure.parametersRef`.
    pub parameters_ref: Option<ObjRef>,
    pub infrastructure_labels: Labels,
    /// `allowedListeners` (which ListenerSets may attach); `None`: none may.
    pub allowed_listeners: Option<AllowedRoutes>,
    pub tls: GatewayTls,
}

#[derive(Debug, Clone, Default)]
pub struct ListenerSet {
    /// `parentRef`: the Gateway.
    pub parent_ref: Option<ObjRef>,
    pub listeners: Vec<Listener>,
}

/// The route kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteKind {
    Http,
    Grpc,
    Tcp,
    Tls,
    Udp,
}

impl RouteKind {
    pub fn of(kind: &str) -> Option<RouteKind> {
        Some(match kind {
            "HTTPRoute" => RouteKind::Http,
            "GRPCRoute" => RouteKind::Grpc,
            "TCPRoute" => RouteKind::Tcp,
            "TLSRoute" => RouteKind::Tls,
            "UDPRoute" => RouteKind::Udp,
            _ => return None,
        })
    }

    pub fn kind(self) -> &'static str {
        match self {
            RouteKind::Http => "HTTPRoute",
            RouteKind::Grpc => "GRPCRoute",
            RouteKind::Tcp => "TCPRoute",
            RouteKind::Tls => "TLSRoute",
            RouteKind::Udp => "UDPRoute",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Route {
    pub kind: RouteKind,
    pub parent_refs: Vec<ObjRef>,
    pub hostnames: Vec<Spanned<Str>>,
    pub rules: Vec<RouteRule>,
}

#[derive(Debug, Clone, Default)]
pub struct RouteRule {
    pub name: Option<Spanned<Str>>,
    pub matches: Vec<RouteMatch>,
    pub filters: Vec<Filter>,
    pub backend_refs: Vec<BackendRef>,
    /// `timeouts.request`, `timeouts.backendRequest` (HTTPRoute).
    pub timeout_request: Option<Spanned<Str>>,
    pub timeout_backend_request: Option<Spanned<Str>>,
    /// `retry` (HTTPRoute, experimental): attempts, codes, backoff.
    pub retry_attempts: Option<Spanned<i64>>,
    pub retry_codes: Vec<Spanned<i64>>,
    pub retry_backoff: Option<Spanned<Str>>,
    pub span: Span,
}

/// A string match with its type (`Exact`, `PathPrefix`, `RegularExpression`, ...).
#[derive(Debug, Clone, Default)]
pub struct StringMatch {
    /// The written type; `None` means the kind's default (`PathPrefix` for paths, `Exact`
    /// for headers, query parameters and gRPC methods).
    pub type_: Option<Spanned<Str>>,
    pub name: Option<Spanned<Str>>,
    pub value: Option<Spanned<Str>>,
    pub span: Span,
}

impl StringMatch {
    pub fn type_or<'s>(&'s self, default: &'s str) -> &'s str {
        self.type_
            .as_ref()
            .map(|t| t.value.as_str())
            .unwrap_or(default)
    }

    pub fn value(&self) -> &str {
        self.value.as_ref().map(|v| v.value.as_str()).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.name.as_ref().map(|v| v.value.as_str()).unwrap_or("")
    }
}

#[derive(Debug, Clone, Default)]
pub struct RouteMatch {
    /// HTTPRoute `path` (absent: `PathPrefix /`).
    pub path: Option<StringMatch>,
    pub headers: Vec<StringMatch>,
    pub query_params: Vec<StringMatch>,
    pub method: Option<Spanned<Str>>,
    /// GRPCRoute `method`: type, `service` (in `name`) and `method` (in `value`).
    pub grpc_method: Option<StringMatch>,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct HeaderModifier {
    pub set: Vec<(Spanned<Str>, Spanned<Str>)>,
    pub add: Vec<(Spanned<Str>, Spanned<Str>)>,
    pub remove: Vec<Spanned<Str>>,
    pub span: Span,
}

/// `path` of a redirect or rewrite.
#[derive(Debug, Clone, Default)]
pub struct PathModifier {
    /// `ReplaceFullPath` or `ReplacePrefixMatch`.
    pub type_: Option<Spanned<Str>>,
    pub replace_full_path: Option<Spanned<Str>>,
    pub replace_prefix_match: Option<Spanned<Str>>,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Redirect {
    pub scheme: Option<Spanned<Str>>,
    pub hostname: Option<Spanned<Str>>,
    pub path: Option<PathModifier>,
    pub port: Option<Spanned<i64>>,
    pub status_code: Option<Spanned<i64>>,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Rewrite {
    pub hostname: Option<Spanned<Str>>,
    pub path: Option<PathModifier>,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Mirror {
    pub backend_ref: ObjRef,
    pub percent: Option<Spanned<i64>>,
    /// `fraction`: numerator, denominator (default 100).
    pub fraction: Option<(Spanned<i64>, Option<Spanned<i64>>)>,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// `RequestHeaderModifier`, `ResponseHeaderModifier`, `RequestMirror`, `RequestRedirect`,
    /// `URLRewrite`, `ExtensionRef`, `CORS`, `ExternalAuth`.
    pub type_: Option<Spanned<Str>>,
    pub request_header_modifier: Option<HeaderModifier>,
    pub response_header_modifier: Option<HeaderModifier>,
    pub request_mirror: Option<Mirror>,
    pub request_redirect: Option<Redirect>,
    pub url_rewrite: Option<Rewrite>,
    pub extension_ref: Option<ObjRef>,
    pub span: Span,
}

impl Filter {
    pub fn type_name(&self) -> &str {
        self.type_.as_ref().map(|t| t.value.as_str()).unwrap_or("")
    }
}

#[derive(Debug, Clone, Default)]
pub struct BackendRef {
    /// group (default core), kind (default `Service`), name, namespace, port.
    pub target: ObjRef,
    /// Default 1.
    pub weight: Option<Spanned<i64>>,
    pub filters: Vec<Filter>,
    pub span: Span,
}

impl BackendRef {
    pub fn weight(&self) -> i64 {
        self.weight.as_ref().map(|w| w.value).unwrap_or(1)
    }
}

/// One `from` entry of a ReferenceGrant.
#[derive(Debug, Clone)]
pub struct GrantFrom {
    pub group: Option<Spanned<Str>>,
    pub kind: Option<Spanned<Str>>,
    pub namespace: Option<Spanned<Str>>,
    pub span: Span,
}

/// One `to` entry of a ReferenceGrant.
#[derive(Debug, Clone)]
pub struct GrantTo {
    pub group: Option<Spanned<Str>>,
    pub kind: Option<Spanned<Str>>,
    /// Absent: every object of the kind.
    pub name: Option<Spanned<Str>>,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct ReferenceGrant {
    pub from: Vec<GrantFrom>,
    pub to: Vec<GrantTo>,
}

impl ReferenceGrant {
    /// Whether the grant lets a `from_kind` of `from_group` in namespace `from_ns` refer to
    /// the object `to_group`/`to_kind`/`to_name` in the grant's namespace.
    pub fn allows(
        &self,
        from_group: &str,
        from_kind: &str,
        from_ns: &str,
        to_group: &str,
        to_kind: &str,
        to_name: &str,
    ) -> bool {
        fn s(v: &Option<Spanned<Str>>) -> &str {
            v.as_ref().map(|x| x.value.as_str()).unwrap_or("")
        }
        self.from.iter().any(|f| {
            s(&f.group) == from_group && s(&f.kind) == from_kind && s(&f.namespace) == from_ns
        }) && self.to.iter().any(|t| {
            s(&t.group) == to_group
                && s(&t.kind) == to_kind
                && t.name.as_ref().is_none_or(|n| n.value == to_name)
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct BackendTlsPolicy {
    pub target_refs: Vec<ObjRef>,
    /// `validation.caCertificateRefs`.
    pub ca_certificate_refs: Vec<ObjRef>,
    /// `validation.wellKnownCACertificates` (`System`).
    pub well_known_ca: Option<Spanned<Str>>,
    /// `validation.hostname`.
    pub hostname: Option<Spanned<Str>>,
    pub subject_alt_names: Vec<Spanned<Str>>,
    pub validation_span: Option<Span>,
}

#[derive(Debug, Clone, Default)]
pub struct BackendTrafficPolicy {
    pub target_refs: Vec<ObjRef>,
}

#[derive(Debug, Clone, Default)]
pub struct XBackend {
    pub parent_refs: Vec<ObjRef>,
    /// `type` (`ExternalHostname`).
    pub type_: Option<Spanned<Str>>,
    /// `externalHostname.hostname`.
    pub external_hostname: Option<Spanned<Str>>,
    /// `port.port`.
    pub port: Option<Spanned<i64>>,
    /// `tls.mode` (`ServerOnly`, `ClientAndServer`, ...).
    pub tls_mode: Option<Spanned<Str>>,
}

#[derive(Debug, Clone, Default)]
pub struct InferencePool {
    pub selector: Labels,
    pub target_ports: Vec<Spanned<i64>>,
}

/// Reads the spec of a Gateway API object of `group`/`kind` (see [`is_gateway_api`]).
pub fn read<'a>(cx: &mut Cx<'a>, kind: &str, spec: Option<Value<'a>>) -> GatewayApi {
    cx.check_unknown = false;
    let tree = spec_tree::build(cx, spec);
    let spec = spec.filter(|v| v.is_map());
    let object = match kind {
        "GatewayClass" => Object::GatewayClass(GatewayClass {
            controller_name: spec
                .and_then(|s| cx.string(s.get("controllerName"), "controllerName")),
            parameters_ref: obj_ref(cx, spec.and_then(|s| s.get("parametersRef"))),
        }),
        "Gateway" => Object::Gateway(gateway(cx, spec)),
        "ListenerSet" | "XListenerSet" => Object::ListenerSet(ListenerSet {
            parent_ref: obj_ref(cx, spec.and_then(|s| s.get("parentRef"))),
            listeners: listeners(cx, spec.and_then(|s| s.get("listeners"))),
        }),
        "ReferenceGrant" => Object::ReferenceGrant(reference_grant(cx, spec)),
        "BackendTLSPolicy" => Object::BackendTLSPolicy(backend_tls_policy(cx, spec)),
        "XBackendTrafficPolicy" | "BackendTrafficPolicy" => {
            Object::BackendTrafficPolicy(BackendTrafficPolicy {
                target_refs: obj_refs(cx, spec.and_then(|s| s.get("targetRefs")), "targetRefs"),
            })
        }
        "XBackend" => Object::XBackend(XBackend {
            parent_refs: obj_refs(cx, spec.and_then(|s| s.get("parentRefs")), "parentRefs"),
            type_: spec.and_then(|s| string(cx, s, "type")),
            external_hostname: spec
                .and_then(|s| s.get("externalHostname"))
                .filter(|h| h.is_map())
                .and_then(|h| string(cx, h, "hostname")),
            port: spec
                .and_then(|s| s.get("port"))
                .filter(|p| p.is_map())
                .and_then(|p| cx.int(p.get("port"), "port", false)),
            tls_mode: spec
                .and_then(|s| s.get("tls"))
                .filter(|t| t.is_map())
                .and_then(|t| string(cx, t, "mode")),
        }),
        "InferencePool" => Object::InferencePool(InferencePool {
            selector: spec
                .and_then(|s| s.get("selector"))
                .map(|sel| {
                    // v1: `selector.matchLabels`; v1alpha2: a plain map
                    match sel.get("matchLabels") {
                        Some(m) => cx.string_map(Some(m), "selector.matchLabels"),
                        None => cx.string_map(Some(sel), "selector"),
                    }
                })
                .unwrap_or_default(),
            target_ports: spec
                .map(|s| {
                    let mut ports = Vec::new();
                    for p in cx.list(s.get("targetPorts"), "targetPorts") {
                        if let Some(n) = cx.int(p.get("number"), "targetPorts.number", false) {
                            ports.push(n);
                        }
                    }
                    if let Some(n) = cx.int(s.get("targetPortNumber"), "targetPortNumber", false) {
                        ports.push(n);
                    }
                    ports
                })
                .unwrap_or_default(),
        }),
        _ => Object::Route(route(cx, kind, spec)),
    };
    GatewayApi {
        object,
        tree,
        creation_timestamp: None,
    }
}

fn string<'a>(cx: &mut Cx<'a>, v: Value<'a>, key: &str) -> Option<Spanned<Str>> {
    cx.string(v.get(key), key)
}

/// Reads a reference; `None` when absent or not a mapping.
pub fn obj_ref<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Option<ObjRef> {
    let v = v.filter(|v| !v.is_null())?;
    if !v.is_map() {
        cx.invalid_type(v, "reference", "a mapping");
        return None;
    }
    Some(ObjRef {
        group: string(cx, v, "group"),
        kind: string(cx, v, "kind"),
        name: string(cx, v, "name"),
        namespace: string(cx, v, "namespace"),
        section_name: string(cx, v, "sectionName"),
        port: cx.int(v.get("port"), "port", false),
        span: v.span(),
    })
}

fn obj_refs<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>, what: &str) -> Vec<ObjRef> {
    cx.list(v, what)
        .into_iter()
        .filter_map(|i| obj_ref(cx, Some(i)))
        .collect()
}

fn label_selector<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Option<LabelSelector> {
    let v = v.filter(|v| v.is_map())?;
    let mut s = LabelSelector {
        match_labels: cx.string_map(v.get("matchLabels"), "matchLabels"),
        match_expressions: Vec::new(),
        span: v.span(),
    };
    for e in cx.list(v.get("matchExpressions"), "matchExpressions") {
        if !e.is_map() {
            continue;
        }
        let (Some(key), Some(operator)) = (string(cx, e, "key"), string(cx, e, "operator")) else {
            continue;
        };
        s.match_expressions.push(LabelExpression {
            key,
            operator,
            values: cx.string_list(e.get("values"), "values"),
            span: e.span(),
        });
    }
    Some(s)
}

fn allowed<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> AllowedRoutes {
    let Some(v) = v.filter(|v| v.is_map()) else {
        return AllowedRoutes::default();
    };
    let ns = v.get("namespaces").filter(|n| n.is_map());
    AllowedRoutes {
        from: ns.and_then(|n| string(cx, n, "from")),
        selector: label_selector(cx, ns.and_then(|n| n.get("selector"))),
        kinds: obj_refs(cx, v.get("kinds"), "kinds"),
        span: Some(v.span()),
    }
}

fn listeners<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Vec<Listener> {
    let mut out = Vec::new();
    for l in cx.list(v, "listeners") {
        if !l.is_map() {
            continue;
        }
        let tls = l.get("tls").filter(|t| t.is_map()).map(|t| ListenerTls {
            mode: string(cx, t, "mode"),
            certificate_refs: obj_refs(cx, t.get("certificateRefs"), "certificateRefs"),
            ca_certificate_refs: obj_refs(
                cx,
                t.get("frontendValidation")
                    .and_then(|f| f.get("caCertificateRefs")),
                "caCertificateRefs",
            ),
            options: cx.string_map(t.get("options"), "options"),
            span: t.span(),
        });
        out.push(Listener {
            name: string(cx, l, "name"),
            hostname: string(cx, l, "hostname"),
            port: cx.int(l.get("port"), "port", false),
            protocol: string(cx, l, "protocol"),
            tls,
            allowed_routes: allowed(cx, l.get("allowedRoutes")),
            span: l.span(),
        });
    }
    out
}

fn gateway<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> Gateway {
    let Some(spec) = spec else {
        return Gateway::default();
    };
    let mut g = Gateway {
        class_name: string(cx, spec, "gatewayClassName"),
        listeners: listeners(cx, spec.get("listeners")),
        ..Gateway::default()
    };
    for a in cx.list(spec.get("addresses"), "addresses") {
        if a.is_map() {
            g.addresses.push(Address {
                type_: string(cx, a, "type"),
                value: string(cx, a, "value"),
                span: a.span(),
            });
        }
    }
    if let Some(infra) = spec.get("infrastructure").filter(|i| i.is_map()) {
        g.parameters_ref = obj_ref(cx, infra.get("parametersRef"));
        g.infrastructure_labels = cx.string_map(infra.get("labels"), "infrastructure.labels");
    }
    if let Some(al) = spec.get("allowedListeners").filter(|a| a.is_map()) {
        g.allowed_listeners = Some(allowed(cx, Some(al)));
    }
    if let Some(tls) = spec.get("tls").filter(|t| t.is_map()) {
        g.tls.span = Some(tls.span());
        g.tls.backend_client_certificate = obj_ref(
            cx,
            tls.get("backend")
                .and_then(|b| b.get("clientCertificateRef")),
        );
        if let Some(front) = tls.get("frontend").filter(|f| f.is_map()) {
            g.tls.frontend_ca_refs = obj_refs(
                cx,
                front
                    .get("default")
                    .and_then(|d| d.get("validation"))
                    .and_then(|v| v.get("caCertificateRefs")),
                "caCertificateRefs",
            );
            for p in cx.list(front.get("perPort"), "perPort") {
                if !p.is_map() {
                    continue;
                }
                let port = cx.int(p.get("port"), "port", false);
                let refs = obj_refs(
                    cx,
                    p.get("tls")
                        .and_then(|t| t.get("validation"))
                        .and_then(|v| v.get("caCertificateRefs")),
                    "caCertificateRefs",
                );
                g.tls.frontend_per_port.push((port, refs));
            }
        }
    }
    g
}

fn reference_grant<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> ReferenceGrant {
    let Some(spec) = spec else {
        return ReferenceGrant::default();
    };
    let mut g = ReferenceGrant::default();
    for f in cx.list(spec.get("from"), "from") {
        if f.is_map() {
            g.from.push(GrantFrom {
                group: string(cx, f, "group"),
                kind: string(cx, f, "kind"),
                namespace: string(cx, f, "namespace"),
                span: f.span(),
            });
        }
    }
    for t in cx.list(spec.get("to"), "to") {
        if t.is_map() {
            g.to.push(GrantTo {
                group: string(cx, t, "group"),
                kind: string(cx, t, "kind"),
                name: string(cx, t, "name"),
                span: t.span(),
            });
        }
    }
    g
}

fn backend_tls_policy<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> BackendTlsPolicy {
    let Some(spec) = spec else {
        return BackendTlsPolicy::default();
    };
    let mut p = BackendTlsPolicy {
        target_refs: obj_refs(cx, spec.get("targetRefs"), "targetRefs"),
        ..BackendTlsPolicy::default()
    };
    if let Some(v) = spec.get("validation").filter(|v| v.is_map()) {
        p.validation_span = Some(v.span());
        p.ca_certificate_refs = obj_refs(cx, v.get("caCertificateRefs"), "caCertificateRefs");
        p.well_known_ca = string(cx, v, "wellKnownCACertificates");
        p.hostname = string(cx, v, "hostname");
        for san in cx.list(v.get("subjectAltNames"), "subjectAltNames") {
            if !san.is_map() {
                continue;
            }
            if let Some(s) = string(cx, san, "hostname").or_else(|| string(cx, san, "uri")) {
                p.subject_alt_names.push(s);
            }
        }
    }
    p
}

fn string_match<'a>(cx: &mut Cx<'a>, v: Value<'a>, value_key: &str) -> StringMatch {
    StringMatch {
        type_: string(cx, v, "type"),
        name: string(cx, v, "name"),
        value: string(cx, v, value_key),
        span: v.span(),
    }
}

fn header_modifier<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Option<HeaderModifier> {
    let v = v.filter(|v| v.is_map())?;
    let pairs = |cx: &mut Cx<'a>, key: &str| {
        let mut out = Vec::new();
        for h in cx.list(v.get(key), key) {
            if !h.is_map() {
                continue;
            }
            if let Some(name) = string(cx, h, "name") {
                let value = string(cx, h, "value")
                    .unwrap_or_else(|| Spanned::new(Str::default(), h.span()));
                out.push((name, value));
            }
        }
        out
    };
    Some(HeaderModifier {
        set: pairs(cx, "set"),
        add: pairs(cx, "add"),
        remove: cx.string_list(v.get("remove"), "remove"),
        span: v.span(),
    })
}

fn path_modifier<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Option<PathModifier> {
    let v = v.filter(|v| v.is_map())?;
    Some(PathModifier {
        type_: string(cx, v, "type"),
        replace_full_path: string(cx, v, "replaceFullPath"),
        replace_prefix_match: string(cx, v, "replacePrefixMatch"),
        span: v.span(),
    })
}

fn filters<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Vec<Filter> {
    let mut out = Vec::new();
    for f in cx.list(v, "filters") {
        if !f.is_map() {
            continue;
        }
        let mirror = f
            .get("requestMirror")
            .filter(|m| m.is_map())
            .map(|m| Mirror {
                backend_ref: obj_ref(cx, m.get("backendRef")).unwrap_or_default(),
                percent: cx.int(m.get("percent"), "percent", false),
                fraction: m.get("fraction").filter(|x| x.is_map()).and_then(|x| {
                    let num = cx.int(x.get("numerator"), "numerator", false)?;
                    Some((num, cx.int(x.get("denominator"), "denominator", false)))
                }),
                span: m.span(),
            });
        let redirect = f
            .get("requestRedirect")
            .filter(|m| m.is_map())
            .map(|r| Redirect {
                scheme: string(cx, r, "scheme"),
                hostname: string(cx, r, "hostname"),
                path: path_modifier(cx, r.get("path")),
                port: cx.int(r.get("port"), "port", false),
                status_code: cx.int(r.get("statusCode"), "statusCode", false),
                span: r.span(),
            });
        let rewrite = f.get("urlRewrite").filter(|m| m.is_map()).map(|r| Rewrite {
            hostname: string(cx, r, "hostname"),
            path: path_modifier(cx, r.get("path")),
            span: r.span(),
        });
        out.push(Filter {
            type_: string(cx, f, "type"),
            request_header_modifier: header_modifier(cx, f.get("requestHeaderModifier")),
            response_header_modifier: header_modifier(cx, f.get("responseHeaderModifier")),
            request_mirror: mirror,
            request_redirect: redirect,
            url_rewrite: rewrite,
            extension_ref: obj_ref(cx, f.get("extensionRef")),
            span: f.span(),
        });
    }
    out
}

fn route<'a>(cx: &mut Cx<'a>, kind: &str, spec: Option<Value<'a>>) -> Route {
    let kind = RouteKind::of(kind).unwrap_or(RouteKind::Http);
    let mut r = Route {
        kind,
        parent_refs: Vec::new(),
        hostnames: Vec::new(),
        rules: Vec::new(),
    };
    let Some(spec) = spec else {
        return r;
    };
    r.parent_refs = obj_refs(cx, spec.get("parentRefs"), "parentRefs");
    r.hostnames = cx.string_list(spec.get("hostnames"), "hostnames");
    for rule in cx.list(spec.get("rules"), "rules") {
        if !rule.is_map() {
            continue;
        }
        let mut out = RouteRule {
            name: string(cx, rule, "name"),
            filters: filters(cx, rule.get("filters")),
            span: rule.span(),
            ..RouteRule::default()
        };
        for m in cx.list(rule.get("matches"), "matches") {
            if !m.is_map() {
                continue;
            }
            let mut rm = RouteMatch {
                span: m.span(),
                ..RouteMatch::default()
            };
            if kind == RouteKind::Grpc {
                rm.grpc_method = m.get("method").filter(|x| x.is_map()).map(|x| StringMatch {
                    type_: string(cx, x, "type"),
                    name: string(cx, x, "service"),
                    value: string(cx, x, "method"),
                    span: x.span(),
                });
            } else {
                rm.path = m
                    .get("path")
                    .filter(|x| x.is_map())
                    .map(|x| string_match(cx, x, "value"));
                rm.method = string(cx, m, "method");
            }
            for h in cx.list(m.get("headers"), "headers") {
                if h.is_map() {
                    rm.headers.push(string_match(cx, h, "value"));
                }
            }
            for q in cx.list(m.get("queryParams"), "queryParams") {
                if q.is_map() {
                    rm.query_params.push(string_match(cx, q, "value"));
                }
            }
            out.matches.push(rm);
        }
        for b in cx.list(rule.get("backendRefs"), "backendRefs") {
            if !b.is_map() {
                continue;
            }
            out.backend_refs.push(BackendRef {
                target: obj_ref(cx, Some(b)).unwrap_or_default(),
                weight: cx.int(b.get("weight"), "weight", false),
                filters: filters(cx, b.get("filters")),
                span: b.span(),
            });
        }
        if let Some(t) = rule.get("timeouts").filter(|t| t.is_map()) {
            out.timeout_request = string(cx, t, "request");
            out.timeout_backend_request = string(cx, t, "backendRequest");
        }
        if let Some(rt) = rule.get("retry").filter(|t| t.is_map()) {
            out.retry_attempts = cx.int(rt.get("attempts"), "attempts", false);
            out.retry_backoff = string(cx, rt, "backoff");
            for c in cx.list(rt.get("codes"), "codes") {
                if let Some(n) = cx.int(Some(c), "codes", false) {
                    out.retry_codes.push(n);
                }
            }
        }
        r.rules.push(out);
    }
    r
}

#[cfg(test)]
mod tests {
    use crate::model::Spec;

    fn read(text: &str) -> super::GatewayApi {
        let (_, resources, _) = crate::engine::load(
            vec![crate::engine::Input::text("g.yaml", text)],
            &crate::engine::Options::default(),
        );
        match &resources[0].spec {
            Spec::GatewayApi(g) => (**g).clone(),
            other => panic!("not read as Gateway API: {other:?}"),
        }
    }

    #[test]
    fn reads_a_gateway_and_a_route() {
        let g = read(
            "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: web, namespace: infra}\nspec:\n  gatewayClassName: istio\n  listeners:\n  - name: https\n    port: 443\n    protocol: HTTPS\n    hostname: '*.example.com'\n    tls: {certificateRefs: [{name: cert}]}\n    allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {team: a}}}}\n",
        );
        let super::Object::Gateway(gw) = &g.object else {
            panic!()
        };
        let l = &gw.listeners[0];
        assert_eq!(l.name(), "https");
        assert_eq!(l.port.as_ref().unwrap().value, 443);
        assert_eq!(l.tls.as_ref().unwrap().certificate_refs[0].name(), "cert");
        assert_eq!(l.allowed_routes.from.as_ref().unwrap().value, "Selector");
        // the spec tree is dropped once the load has validated it
        assert!(g.tree.is_none());

        let r = read(
            "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: HTTPRoute\nmetadata: {name: r}\nspec:\n  parentRefs: [{name: web, namespace: infra, sectionName: https}]\n  hostnames: [a.example.com]\n  rules:\n  - matches: [{path: {type: Exact, value: /x}, headers: [{name: h, value: v}]}]\n    filters: [{type: RequestRedirect, requestRedirect: {scheme: https, statusCode: 301}}]\n    backendRefs: [{name: svc, port: 80, weight: 3}]\n",
        );
        let super::Object::Route(route) = &r.object else {
            panic!()
        };
        assert_eq!(route.kind, super::RouteKind::Http);
        assert_eq!(route.parent_refs[0].namespace_or("x"), "infra");
        let rule = &route.rules[0];
        assert_eq!(rule.matches[0].path.as_ref().unwrap().type_or(""), "Exact");
        assert_eq!(rule.backend_refs[0].weight(), 3);
        assert_eq!(
            rule.filters[0]
                .request_redirect
                .as_ref()
                .unwrap()
                .status_code
                .as_ref()
                .unwrap()
                .value,
            301
        );
    }

    #[test]
    fn label_selectors() {
        use crate::source::{Span, Spanned, Str};
        let s = |t: &str| Spanned::new(Str::from(t), Span::default());
        let sel = super::LabelSelector {
            match_labels: vec![(s("a"), s("1"))],
            match_expressions: vec![super::LabelExpression {
                key: s("b"),
                operator: s("NotIn"),
                values: vec![s("x")],
                span: Span::default(),
            }],
            span: Span::default(),
        };
        assert!(sel.matches(&vec![(s("a"), s("1"))]));
        assert!(!sel.matches(&vec![(s("a"), s("1")), (s("b"), s("x"))]));
        assert!(!sel.matches(&vec![]));
    }
}
