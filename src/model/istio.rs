//! Typed, lenient views of networking.istio.io kinds (v1alpha3, v1beta1, v1), with spans.

use super::reader::{Cx, Obj};
use super::Duration;
use crate::source::{Span, Spanned, Str};
use crate::yaml::Value;

// ---------------------------------------------------------------------------------------------
// Field lists (from istio.io/api networking/v1alpha3/*.proto). Keys outside these lists are
// reported as unknown fields.

const VS_FIELDS: &[&str] = &["hosts", "gateways", "http", "tls", "tcp", "exportTo"];
const HTTP_ROUTE_FIELDS: &[&str] = &[
    "name",
    "match",
    "route",
    "redirect",
    "directResponse",
    "delegate",
    "rewrite",
    "timeout",
    "retries",
    "fault",
    "mirror",
    "mirrors",
    "mirrorPercent",
    "mirrorPercentage",
    "mirror_percent",
    "corsPolicy",
    "headers",
];
const HTTP_MATCH_FIELDS: &[&str] = &[
    "name",
    "uri",
    "scheme",
    "method",
    "authority",
    "headers",
    "port",
    "sourceLabels",
    "gateways",
    "queryParams",
    "ignoreUriCase",
    "withoutHeaders",
    "sourceNamespace",
    "statPrefix",
];
const STRING_MATCH_FIELDS: &[&str] = &["exact", "prefix", "regex"];
const HTTP_ROUTE_DEST_FIELDS: &[&str] = &["destination", "weight", "headers", "fallback"];
const HTTP_ROUTE_DEST_FIELDS_STRICT: &[&str] = &["destination", "weight", "headers"];
const DESTINATION_FIELDS: &[&str] = &["host", "subset", "port"];
const PORT_SELECTOR_FIELDS: &[&str] = &["number"];
const FALLBACK_FIELDS: &[&str] = &["target"];
const RETRY_FIELDS: &[&str] = &[
    "attempts",
    "perTryTimeout",
    "retryOn",
    "retryRemoteLocalities",
    "retryIgnorePreviousHosts",
    "backoff",
];
const FAULT_FIELDS: &[&str] = &["delay", "abort"];
const DELAY_FIELDS: &[&str] = &["fixedDelay", "exponentialDelay", "percentage", "percent"];
const ABORT_FIELDS: &[&str] = &["httpStatus", "grpcStatus", "http2Error", "percentage"];
const PERCENT_FIELDS: &[&str] = &["value"];
const MIRROR_POLICY_FIELDS: &[&str] = &["destination", "percentage"];
const DELEGATE_FIELDS: &[&str] = &["name", "namespace"];
const REDIRECT_FIELDS: &[&str] = &[
    "uri",
    "authority",
    "port",
    "derivePort",
    "scheme",
    "redirectCode",
];
const DIRECT_RESPONSE_FIELDS: &[&str] = &["status", "body"];
const REWRITE_FIELDS: &[&str] = &["uri", "authority", "uriRegexRewrite"];
const TCP_ROUTE_FIELDS: &[&str] = &["match", "route"];
const TLS_ROUTE_FIELDS: &[&str] = &["match", "route"];
const L4_MATCH_FIELDS: &[&str] = &[
    "destinationSubnets",
    "port",
    "sourceLabels",
    "gateways",
    "sourceNamespace",
    "sourceSubnet",
];
const TLS_MATCH_FIELDS: &[&str] = &[
    "sniHosts",
    "destinationSubnets",
    "port",
    "sourceLabels",
    "gateways",
    "sourceNamespace",
];
const ROUTE_DEST_FIELDS: &[&str] = &["destination", "weight"];

const DR_FIELDS: &[&str] = &[
    "host",
    "trafficPolicy",
    "subsets",
    "exportTo",
    "workloadSelector",
];
const SUBSET_FIELDS: &[&str] = &["name", "labels", "trafficPolicy"];
const TRAFFIC_POLICY_FIELDS: &[&str] = &[
    "loadBalancer",
    "connectionPool",
    "outlierDetection",
    "tls",
    "portLevelSettings",
    "tunnel",
    "proxyProtocol",
    "retryBudget",
];
const WORKLOAD_SELECTOR_FIELDS: &[&str] = &["matchLabels", "labels"];

const GATEWAY_FIELDS: &[&str] = &["selector", "servers"];
const SERVER_FIELDS: &[&str] = &["port", "bind", "hosts", "tls", "defaultEndpoint", "name"];
const PORT_FIELDS: &[&str] = &["number", "protocol", "name", "targetPort"];

const SE_FIELDS: &[&str] = &[
    "hosts",
    "addresses",
    "ports",
    "location",
    "resolution",
    "endpoints",
    "workloadSelector",
    "exportTo",
    "subjectAltNames",
];
const SIDECAR_FIELDS: &[&str] = &[
    "workloadSelector",
    "ingress",
    "egress",
    "outboundTrafficPolicy",
    "inboundConnectionPool",
];
const EGRESS_FIELDS: &[&str] = &["port", "bind", "captureMode", "hosts"];

// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
pub struct VirtualService {
    pub hosts: Vec<Spanned<Str>>,
    pub gateways: Vec<Spanned<Str>>,
    /// Span of the `gateways` key (or `None` when absent: bound to `mesh`).
    pub gateways_key: Option<Span>,
    pub http: Vec<HttpRoute>,
    pub tcp: Vec<L4Route>,
    pub tls: Vec<L4Route>,
    pub export_to: Vec<Spanned<Str>>,
    /// The whole spec, for `schema.ValidationAnalyzer` checks.
    pub tree: super::spec_tree::Tree,
}

#[derive(Debug, Clone)]
pub struct HttpRoute {
    pub span: Span,
    pub index: usize,
    pub name: Option<Spanned<Str>>,
    /// `None` when the rule has no `match` (a catch-all).
    pub matches: Option<Vec<HttpMatch>>,
    /// Span of the `match` key.
    pub match_key: Option<Span>,
    pub route: Vec<RouteDestination>,
    pub route_key: Option<Span>,
    pub timeout: Option<Spanned<Duration>>,
    pub retries: Option<Box<Retries>>,
    /// The settings most rules leave out ([`HttpRoute::extras`]).
    extras: Option<Box<RouteExtras>>,
}

/// The less common settings of an [`HttpRoute`], boxed (and absent when none is written): a
/// route rule is one of the most numerous model structs.
#[derive(Debug, Clone, Default)]
pub struct RouteExtras {
    pub redirect: Option<Span>,
    pub direct_response: Option<Span>,
    pub delegate: Option<Span>,
    pub rewrite: Option<Span>,
    pub fault: Option<Box<Fault>>,
    pub mirror: Option<Box<Destination>>,
    pub mirrors: Vec<Destination>,
    /// `mirrors[].percentage.value`, for the mirror policies that set one.
    pub mirrors_percentage: Vec<Spanned<f64>>,
    /// `mirrors[].percentage.value` aligned with `mirrors` (`None`: not set, 100 %).
    pub mirrors_percent: Vec<Option<f64>>,
    pub mirror_percentage: Option<Spanned<f64>>,
    /// The contents of `redirect`, `directResponse`, `delegate`, `rewrite` and `headers`
    /// (the span fields above stay for the rules that only point at them).
    pub redirect_spec: Option<Box<Redirect>>,
    pub direct_response_spec: Option<Box<DirectResponse>>,
    pub delegate_ref: Option<Box<Delegate>>,
    pub rewrite_spec: Option<Box<Rewrite>>,
    pub headers: Option<Box<HeaderOps>>,
    /// `mirrors[].percentage.value`, aligned with `mirrors` (`None`: not set, 100 %).
    pub mirrors_policy_percentage: Vec<Option<Spanned<f64>>>,
    /// The deprecated integer `mirrorPercent`.
    pub mirror_percent: Option<Spanned<i64>>,
}

static NO_ROUTE_EXTRAS: RouteExtras = RouteExtras {
    redirect: None,
    direct_response: None,
    delegate: None,
    rewrite: None,
    fault: None,
    mirror: None,
    mirrors: Vec::new(),
    mirrors_percentage: Vec::new(),
    mirrors_percent: Vec::new(),
    mirror_percentage: None,
    redirect_spec: None,
    direct_response_spec: None,
    delegate_ref: None,
    rewrite_spec: None,
    headers: None,
    mirrors_policy_percentage: Vec::new(),
    mirror_percent: None,
};

impl RouteExtras {
    fn is_empty(&self) -> bool {
        self.redirect.is_none()
            && self.direct_response.is_none()
            && self.delegate.is_none()
            && self.rewrite.is_none()
            && self.fault.is_none()
            && self.mirror.is_none()
            && self.mirrors.is_empty()
            && self.mirrors_percentage.is_empty()
            && self.mirrors_percent.is_empty()
            && self.mirror_percentage.is_none()
            && self.redirect_spec.is_none()
            && self.direct_response_spec.is_none()
            && self.delegate_ref.is_none()
            && self.rewrite_spec.is_none()
            && self.headers.is_none()
            && self.mirrors_policy_percentage.is_empty()
            && self.mirror_percent.is_none()
    }
}

impl HttpRoute {
    /// Redirect, direct response, delegate, rewrite, fault, mirrors and header operations.
    pub fn extras(&self) -> &RouteExtras {
        self.extras.as_deref().unwrap_or(&NO_ROUTE_EXTRAS)
    }

    /// Where traffic is mirrored: the deprecated `mirror`, then every `mirrors[].destination`.
    pub fn mirror_destinations(&self) -> impl Iterator<Item = &Destination> {
        let e = self.extras();
        e.mirror.as_deref().into_iter().chain(e.mirrors.iter())
    }
}

/// `HTTPRedirect`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Redirect {
    pub uri: Option<String>,
    pub authority: Option<String>,
    pub port: Option<i64>,
    pub derive_port: Option<String>,
    pub scheme: Option<String>,
    pub redirect_code: Option<i64>,
}

/// `HTTPDirectResponse`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DirectResponse {
    pub status: Option<i64>,
    pub body: Option<String>,
}

/// `Delegate`: the VirtualService whose `http` rules replace this rule.
#[derive(Debug, Clone)]
pub struct Delegate {
    pub span: Span,
    pub name: Option<Spanned<Str>>,
    pub namespace: Option<Spanned<Str>>,
}

/// `HTTPRewrite`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Rewrite {
    pub uri: Option<String>,
    pub authority: Option<String>,
    /// `uriRegexRewrite`: (match, rewrite).
    pub uri_regex: Option<(String, String)>,
}

/// `Headers`: request and response manipulation.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct HeaderOps {
    pub request: HeaderOp,
    pub response: HeaderOp,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct HeaderOp {
    pub set: Vec<(String, String)>,
    pub add: Vec<(String, String)>,
    pub remove: Vec<String>,
}

impl HeaderOps {
    pub fn is_empty(&self) -> bool {
        self.request == HeaderOp::default() && self.response == HeaderOp::default()
    }
}

#[derive(Debug, Clone)]
pub struct HttpMatch {
    pub span: Span,
    pub index: usize,
    /// Istio's duplicate-match key: the match without `name` as Go's `encoding/json` writes it
    /// (see [`json_key`]).
    pub canonical: MatchKey,
    pub uri: Option<StringMatch>,
    pub headers: Vec<(Spanned<Str>, Option<StringMatch>)>,
    pub ignore_uri_case: bool,
    /// The conditions most matches leave out ([`HttpMatch::extras`]).
    extras: Option<Box<MatchExtras>>,
}

/// The less common conditions of an [`HttpMatch`], boxed (and absent when none is written):
/// a match is one of the most numerous model structs.
#[derive(Debug, Clone, Default)]
pub struct MatchExtras {
    pub name: Option<Spanned<Str>>,
    pub scheme: Option<StringMatch>,
    pub method: Option<StringMatch>,
    pub authority: Option<StringMatch>,
    pub without_headers: Vec<(Spanned<Str>, Option<StringMatch>)>,
    pub query_params: Vec<(Spanned<Str>, Option<StringMatch>)>,
    pub port: Option<Spanned<i64>>,
    pub source_labels: Vec<(Spanned<Str>, Spanned<Str>)>,
    pub gateways: Vec<Spanned<Str>>,
    pub source_namespace: Option<Spanned<Str>>,
}

static NO_EXTRAS: MatchExtras = MatchExtras {
    name: None,
    scheme: None,
    method: None,
    authority: None,
    without_headers: Vec::new(),
    query_params: Vec::new(),
    port: None,
    source_labels: Vec::new(),
    gateways: Vec::new(),
    source_namespace: None,
};

impl MatchExtras {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.scheme.is_none()
            && self.method.is_none()
            && self.authority.is_none()
            && self.without_headers.is_empty()
            && self.query_params.is_empty()
            && self.port.is_none()
            && self.source_labels.is_empty()
            && self.gateways.is_empty()
            && self.source_namespace.is_none()
    }
}

impl HttpMatch {
    /// `name`, `scheme`, `method`, `authority`, `withoutHeaders`, `queryParams`, `port`,
    /// `sourceLabels`, `gateways`, `sourceNamespace`.
    pub fn extras(&self) -> &MatchExtras {
        self.extras.as_deref().unwrap_or(&NO_EXTRAS)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Exact,
    Prefix,
    Regex,
}

#[derive(Debug, Clone)]
pub struct StringMatch {
    pub span: Span,
    pub kind: MatchKind,
    pub value: Spanned<Str>,
    /// The match type was written with a null value (`exact:`); Istio reads that as unset.
    pub null: bool,
}

#[derive(Debug, Clone)]
pub struct RouteDestination {
    pub span: Span,
    pub destination: Option<Destination>,
    pub weight: Option<Spanned<i64>>,
    /// Alibaba ASM `fallback.target`.
    pub fallback: Option<Box<Destination>>,
    /// Per-destination header manipulation.
    pub headers: Option<Box<HeaderOps>>,
}

#[derive(Debug, Clone)]
pub struct Destination {
    pub span: Span,
    pub host: Option<Spanned<Str>>,
    pub subset: Option<Spanned<Str>>,
    pub port: Option<Spanned<i64>>,
}

#[derive(Debug, Clone)]
pub struct Retries {
    pub span: Span,
    pub attempts: Option<Spanned<i64>>,
    pub per_try_timeout: Option<Spanned<Duration>>,
    pub retry_on: Option<Spanned<Str>>,
    pub backoff: Option<Spanned<Duration>>,
    /// Span of `retryRemoteLocalities` when it is set.
    pub retry_remote_localities: Option<Span>,
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub span: Span,
    pub delay_fixed: Option<Spanned<Duration>>,
    pub delay_percentage: Option<Spanned<f64>>,
    pub abort_status: Option<Spanned<i64>>,
    pub abort_percentage: Option<Spanned<f64>>,
    /// The deprecated integer `delay.percent`.
    pub delay_percent: Option<Spanned<i64>>,
}

/// A TCP or TLS route.
#[derive(Debug, Clone)]
pub struct L4Route {
    pub span: Span,
    pub index: usize,
    pub matches: Option<Vec<L4Match>>,
    /// Spans of the `match` and `route` keys.
    pub match_key: Option<Span>,
    pub route_key: Option<Span>,
    pub route: Vec<RouteDestination>,
}

#[derive(Debug, Clone)]
pub struct L4Match {
    pub span: Span,
    /// The duplicate-match key, as for [`HttpMatch::canonical`].
    pub canonical: MatchKey,
    pub gateways: Vec<Spanned<Str>>,
    pub port: Option<Spanned<i64>>,
    /// `sniHosts` (TLS matches only).
    pub sni_hosts: Vec<Spanned<Str>>,
    pub destination_subnets: Vec<Spanned<Str>>,
    pub source_labels: super::Labels,
    pub source_namespace: Option<Spanned<Str>>,
}

#[derive(Debug, Clone, Default)]
pub struct DestinationRule {
    pub host: Option<Spanned<Str>>,
    pub subsets: Vec<Subset>,
    pub export_to: Vec<Spanned<Str>>,
    pub workload_selector: Option<Vec<(Spanned<Str>, Spanned<Str>)>>,
    pub has_outlier_detection: bool,
    pub has_connection_pool: bool,
    /// `trafficPolicy.tls`.
    pub tls: Option<super::tls::ClientTls>,
    /// `trafficPolicy.portLevelSettings[]` entries that set `tls`.
    pub port_tls: Vec<super::tls::PortTls>,
    /// The top-level `trafficPolicy`, as canonical text per setting.
    pub traffic_policy: Option<TrafficPolicy>,
    /// `trafficPolicy.outlierDetection`.
    pub outlier: Option<Box<OutlierDetection>>,
    /// `trafficPolicy.tls.mode`.
    pub tls_mode: Option<Spanned<Str>>,
    /// The whole spec, for `schema.ValidationAnalyzer` checks.
    pub tree: super::spec_tree::Tree,
}

/// The `outlierDetection` fields meshlint reasons about (absent: Istio's default applies).
#[derive(Debug, Clone)]
pub struct OutlierDetection {
    pub span: Span,
    pub consecutive_5xx_errors: Option<Spanned<i64>>,
    pub consecutive_gateway_errors: Option<Spanned<i64>>,
    pub max_ejection_percent: Option<Spanned<i64>>,
    pub min_health_percent: Option<Spanned<i64>>,
    pub interval: Option<Spanned<Duration>>,
    pub base_ejection_time: Option<Spanned<Duration>>,
}

#[derive(Debug, Clone)]
pub struct Subset {
    pub span: Span,
    pub name: Option<Spanned<Str>>,
    pub labels: Vec<(Spanned<Str>, Spanned<Str>)>,
    pub traffic_policy: Option<TrafficPolicy>,
    /// The subset's own `trafficPolicy.outlierDetection` / `connectionPool`.
    pub outlier: Option<Box<OutlierDetection>>,
    pub has_connection_pool: bool,
}

/// A `TrafficPolicy`, each setting kept as canonical JSON-like text (for display and
/// comparison; meshlint does not interpret load-balancer or pool settings).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct TrafficPolicy {
    pub load_balancer: Option<String>,
    pub connection_pool: Option<String>,
    pub outlier_detection: Option<String>,
    pub tls: Option<String>,
    /// (port number, canonical text of the port-level policy).
    pub port_level: Vec<(i64, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Gateway {
    pub selector: Vec<(Spanned<Str>, Spanned<Str>)>,
    pub servers: Vec<Server>,
    /// The whole spec, for `schema.ValidationAnalyzer` checks.
    pub tree: super::spec_tree::Tree,
}

#[derive(Debug, Clone)]
pub struct Server {
    pub span: Span,
    pub port_number: Option<Spanned<i64>>,
    pub port_protocol: Option<Spanned<Str>>,
    pub bind: Option<Spanned<Str>>,
    pub hosts: Vec<Spanned<Str>>,
    pub tls_mode: Option<Spanned<Str>>,
    pub credential_name: Option<Spanned<Str>>,
    /// `tls.serverCertificate` and `tls.privateKey` (file paths on the gateway).
    pub server_certificate: Option<Spanned<Str>>,
    pub private_key: Option<Spanned<Str>>,
    /// Span of the `tls` block, when written.
    pub tls_span: Option<Span>,
    /// `tls.serverCertificate`/`privateKey` files or `credentialNames` are set.
    pub tls_has_other_credentials: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ServiceEntry {
    pub hosts: Vec<Spanned<Str>>,
    pub ports: Vec<SePort>,
    pub export_to: Vec<Spanned<Str>>,
    pub resolution: Option<Spanned<Str>>,
    pub location: Option<Spanned<Str>>,
    /// `addresses` (VIPs); `None` when the field is absent.
    pub addresses: Option<Vec<Spanned<Str>>>,
    pub workload_selector: Option<Vec<(Spanned<Str>, Spanned<Str>)>>,
    /// `endpoints[]`: where each is written and its `labels`.
    pub endpoints: Vec<(Span, super::Labels)>,
    /// `status.addresses` is set (istiod allocated addresses).
    pub status_addresses: bool,
    /// The whole spec, for validation.
    pub tree: super::spec_tree::Tree,
}

#[derive(Debug, Clone)]
pub struct SePort {
    pub number: Option<Spanned<i64>>,
    pub target_port: Option<Spanned<i64>>,
    pub protocol: Option<Spanned<Str>>,
    pub name: Option<Spanned<Str>>,
}

#[derive(Debug, Clone, Default)]
pub struct Sidecar {
    pub workload_selector: Option<Vec<(Spanned<Str>, Spanned<Str>)>>,
    pub egress_hosts: Vec<Spanned<Str>>,
    /// The span of `outboundTrafficPolicy.egressProxy` (ignored by Istio) when set.
    pub egress_proxy: Option<Span>,
    /// The whole spec, for validation.
    pub tree: super::spec_tree::Tree,
}

// ---------------------------------------------------------------------------------------------

pub fn virtual_service<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> VirtualService {
    let mut vs = VirtualService::default();
    let Some(mut o) = cx.obj(spec, "VirtualService spec", VS_FIELDS) else {
        return vs;
    };
    vs.hosts = cx.string_list(o.take("hosts"), "hosts");
    vs.gateways_key = o.key_span("gateways");
    vs.gateways = cx.string_list(o.take("gateways"), "gateways");
    vs.export_to = cx.string_list(o.take("exportTo"), "exportTo");
    // vectors sized to their items: a grown vector keeps up to twice the memory for good
    let items = cx.list(o.take("http"), "http");
    vs.http.reserve_exact(items.len());
    for (i, r) in items.into_iter().enumerate() {
        if let Some(r) = http_route(cx, r, i) {
            vs.http.push(r);
        }
    }
    let items = cx.list(o.take("tcp"), "tcp");
    vs.tcp.reserve_exact(items.len());
    for (i, r) in items.into_iter().enumerate() {
        if let Some(r) = l4_route(cx, r, i, false) {
            vs.tcp.push(r);
        }
    }
    let items = cx.list(o.take("tls"), "tls");
    vs.tls.reserve_exact(items.len());
    for (i, r) in items.into_iter().enumerate() {
        if let Some(r) = l4_route(cx, r, i, true) {
            vs.tls.push(r);
        }
    }
    cx.finish(o);
    // after the typed fields, so they are read first when the expansion budget runs short
    vs.tree = super::spec_tree::build(cx, spec);
    vs
}

fn http_route<'a>(cx: &mut Cx<'a>, v: Value<'a>, index: usize) -> Option<HttpRoute> {
    let mut o = cx.obj(Some(v), "HTTP route", HTTP_ROUTE_FIELDS)?;
    let name = cx.string(o.take("name"), "name");
    let match_key = o.key_span("match");
    let matches = o.take("match").map(|m| {
        let items = cx.list(Some(m), "match");
        // sized to the items (a collected `filter_map` starts at 4 matches of ~330 bytes)
        let mut out = Vec::with_capacity(items.len());
        out.extend(
            items
                .into_iter()
                .enumerate()
                .filter_map(|(i, m)| http_match(cx, m, i)),
        );
        out
    });
    let route_key = o.key_span("route");
    let route = route_destinations(cx, o.take("route"), true);
    let (redirect, redirect_spec) = read_redirect(cx, o.take("redirect"));
    let (direct_response, direct_response_spec) =
        read_direct_response(cx, o.take("directResponse"));
    let delegate_ref = read_delegate(cx, o.take("delegate"));
    let delegate = delegate_ref.as_ref().map(|d| d.span);
    let (rewrite, rewrite_spec) = read_rewrite(cx, o.take("rewrite"));
    let headers = read_headers(cx, o.take("headers"));
    let timeout = duration(cx, o.take("timeout"), "timeout");
    let retries = o.take("retries").and_then(|r| retries(cx, r));
    let fault = o.take("fault").and_then(|f| fault(cx, f));
    let mirror = o.take("mirror").and_then(|m| destination(cx, m, "mirror"));
    let mut mirrors = Vec::new();
    let mut mirrors_percentage = Vec::new();
    let mut mirrors_percent = Vec::new();
    let mut mirrors_policy_percentage = Vec::new();
    for m in cx.list(o.take("mirrors"), "mirrors") {
        if let Some(mut mo) = cx.obj(Some(m), "mirror policy", MIRROR_POLICY_FIELDS) {
            let d = mo
                .take("destination")
                .and_then(|d| destination(cx, d, "destination"));
            let p = percent(cx, mo.take("percentage"), "percentage");
            if let Some(d) = d {
                mirrors.push(d);
                mirrors_percent.push(p.as_ref().map(|p| p.value));
                mirrors_policy_percentage.push(p.clone());
            }
            mirrors_percentage.extend(p);
            cx.finish(mo);
        }
    }
    let mirror_percentage = percent(cx, o.take("mirrorPercentage"), "mirrorPercentage");
    let mirror_percent = o
        .take("mirrorPercent")
        .or_else(|| o.take("mirror_percent"))
        .and_then(|v| cx.int(Some(v), "mirrorPercent", true));
    cx.finish(o);
    Some(HttpRoute {
        span: v.span(),
        index,
        name,
        matches,
        match_key,
        route,
        route_key,
        timeout,
        retries: retries.map(Box::new),
        extras: Some(Box::new(RouteExtras {
            redirect,
            direct_response,
            delegate,
            rewrite,
            fault: fault.map(Box::new),
            mirror: mirror.map(Box::new),
            mirrors,
            mirrors_percentage,
            mirrors_percent,
            mirror_percentage,
            redirect_spec: redirect_spec.map(Box::new),
            direct_response_spec: direct_response_spec.map(Box::new),
            delegate_ref: delegate_ref.map(Box::new),
            rewrite_spec: rewrite_spec.map(Box::new),
            headers: headers.map(Box::new),
            mirrors_policy_percentage,
            mirror_percent,
        }))
        .filter(|e| !e.is_empty()),
    })
}

fn plain(s: Option<Spanned<Str>>) -> Option<String> {
    s.map(|s| s.value.into())
}

fn read_redirect<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> (Option<Span>, Option<Redirect>) {
    let Some(mut o) = cx.obj(v, "HTTP redirect", REDIRECT_FIELDS) else {
        return (None, None);
    };
    let r = Redirect {
        uri: plain(cx.string(o.take("uri"), "uri")),
        authority: plain(cx.string(o.take("authority"), "authority")),
        port: cx.int(o.take("port"), "port", true).map(|p| p.value),
        derive_port: plain(cx.string(o.take("derivePort"), "derivePort")),
        scheme: plain(cx.string(o.take("scheme"), "scheme")),
        redirect_code: cx
            .int(o.take("redirectCode"), "redirectCode", true)
            .map(|p| p.value),
    };
    let span = o.span();
    cx.finish(o);
    (Some(span), Some(r))
}

fn read_direct_response<'a>(
    cx: &mut Cx<'a>,
    v: Option<Value<'a>>,
) -> (Option<Span>, Option<DirectResponse>) {
    let Some(mut o) = cx.obj(v, "HTTP direct response", DIRECT_RESPONSE_FIELDS) else {
        return (None, None);
    };
    let status = cx.int(o.take("status"), "status", true).map(|p| p.value);
    let body = o.take("body").and_then(|b| {
        let mut bo = cx.obj(Some(b), "HTTP body", &["string", "bytes"])?;
        let s = plain(cx.string(bo.take("string"), "string"))
            .or_else(|| plain(cx.string(bo.take("bytes"), "bytes")));
        cx.finish(bo);
        s
    });
    let span = o.span();
    cx.finish(o);
    (Some(span), Some(DirectResponse { status, body }))
}

fn read_delegate<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Option<Delegate> {
    let mut o = cx.obj(v, "delegate", DELEGATE_FIELDS)?;
    let d = Delegate {
        span: o.span(),
        name: cx.string(o.take("name"), "name"),
        namespace: cx.string(o.take("namespace"), "namespace"),
    };
    cx.finish(o);
    Some(d)
}

fn read_rewrite<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> (Option<Span>, Option<Rewrite>) {
    let Some(mut o) = cx.obj(v, "HTTP rewrite", REWRITE_FIELDS) else {
        return (None, None);
    };
    let uri = plain(cx.string(o.take("uri"), "uri"));
    let authority = plain(cx.string(o.take("authority"), "authority"));
    let uri_regex = o.take("uriRegexRewrite").and_then(|r| {
        let mut ro = cx.obj(Some(r), "regex rewrite", &["match", "rewrite"])?;
        let m = plain(cx.string(ro.take("match"), "match")).unwrap_or_default();
        let w = plain(cx.string(ro.take("rewrite"), "rewrite")).unwrap_or_default();
        cx.finish(ro);
        Some((m, w))
    });
    let span = o.span();
    cx.finish(o);
    (
        Some(span),
        Some(Rewrite {
            uri,
            authority,
            uri_regex,
        }),
    )
}

fn read_headers<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Option<HeaderOps> {
    let mut o = cx.obj(v, "headers", &["request", "response"])?;
    let op = |cx: &mut Cx<'a>, v: Option<Value<'a>>| -> HeaderOp {
        let Some(mut ho) = cx.obj(v, "header operations", &["set", "add", "remove"]) else {
            return HeaderOp::default();
        };
        let pairs = |m: Vec<(Spanned<Str>, Spanned<Str>)>| {
            m.into_iter()
                .map(|(k, v)| (k.value.into(), v.value.into()))
                .collect()
        };
        let h = HeaderOp {
            set: pairs(cx.string_map(ho.take("set"), "set")),
            add: pairs(cx.string_map(ho.take("add"), "add")),
            remove: cx
                .string_list(ho.take("remove"), "remove")
                .into_iter()
                .map(|s| s.value.into())
                .collect(),
        };
        cx.finish(ho);
        h
    };
    let request = op(cx, o.take("request"));
    let response = op(cx, o.take("response"));
    cx.finish(o);
    Some(HeaderOps { request, response })
}

fn traffic_policy<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Option<TrafficPolicy> {
    let mut tp = cx.obj(v, "traffic policy", TRAFFIC_POLICY_FIELDS)?;
    let canon = |cx: &mut Cx<'a>, v: Option<Value<'a>>| v.map(|v| cx.canonical(v, &[]));
    let mut out = TrafficPolicy {
        load_balancer: canon(cx, tp.take("loadBalancer")),
        connection_pool: canon(cx, tp.take("connectionPool")),
        outlier_detection: canon(cx, tp.take("outlierDetection")),
        tls: canon(cx, tp.take("tls")),
        port_level: Vec::new(),
    };
    for p in cx.list(tp.take("portLevelSettings"), "portLevelSettings") {
        let port = p
            .get("port")
            .and_then(|x| x.get("number"))
            .and_then(|n| n.scalar())
            .and_then(|(s, _)| s.parse::<i64>().ok())
            .unwrap_or(0);
        let text = cx.canonical(p, &["port"]);
        out.port_level.push((port, text));
    }
    cx.finish(tp);
    Some(out)
}

fn string_match<'a>(cx: &mut Cx<'a>, v: Value<'a>, what: &str) -> Option<StringMatch> {
    let mut o = cx.obj(Some(v), "string match", STRING_MATCH_FIELDS)?;
    let mut out = None;
    for (key, kind) in [
        ("exact", MatchKind::Exact),
        ("prefix", MatchKind::Prefix),
        ("regex", MatchKind::Regex),
    ] {
        if let Some(val) = o.take(key) {
            if let Some(s) = cx.string(Some(val), what) {
                out.get_or_insert(StringMatch {
                    span: v.span(),
                    kind,
                    value: s,
                    null: false,
                });
            }
        }
    }
    // `exact:` with no value (null) is an empty match of that kind
    if out.is_none() {
        for (key, kind) in [
            ("exact", MatchKind::Exact),
            ("prefix", MatchKind::Prefix),
            ("regex", MatchKind::Regex),
        ] {
            if let Some(span) = o.key_span(key) {
                out = Some(StringMatch {
                    span: v.span(),
                    kind,
                    value: Spanned::new(Str::default(), span),
                    null: true,
                });
                break;
            }
        }
    }
    cx.finish(o);
    out
}

fn match_map<'a>(
    cx: &mut Cx<'a>,
    v: Option<Value<'a>>,
    what: &str,
) -> Vec<(Spanned<Str>, Option<StringMatch>)> {
    let Some(v) = v else { return Vec::new() };
    if !v.is_map() {
        cx.invalid_type(v, what, "a mapping");
        return Vec::new();
    }
    let Some(entries) = cx.entries(v) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(entries.len());
    for (k, val) in entries {
        let Some((key, _)) = k.scalar() else { continue };
        let m = if val.is_null() {
            None
        } else {
            string_match(cx, val, what)
        };
        out.push((Spanned::new(Str::from(key), k.span()), m));
    }
    out
}

fn http_match<'a>(cx: &mut Cx<'a>, v: Value<'a>, index: usize) -> Option<HttpMatch> {
    let mut o = cx.obj(Some(v), "HTTP match", HTTP_MATCH_FIELDS)?;
    let name = cx.string(o.take("name"), "name");
    let sm =
        |cx: &mut Cx<'a>, o: &mut Obj<'a>, k: &str| o.take(k).and_then(|x| string_match(cx, x, k));
    let uri = sm(cx, &mut o, "uri");
    let scheme = sm(cx, &mut o, "scheme");
    let method = sm(cx, &mut o, "method");
    let authority = sm(cx, &mut o, "authority");
    let headers = match_map(cx, o.take("headers"), "headers");
    let extras = MatchExtras {
        name,
        scheme,
        method,
        authority,
        without_headers: match_map(cx, o.take("withoutHeaders"), "withoutHeaders"),
        query_params: match_map(cx, o.take("queryParams"), "queryParams"),
        port: cx.int(o.take("port"), "port", true),
        source_labels: cx.string_map(o.take("sourceLabels"), "sourceLabels"),
        gateways: cx.string_list(o.take("gateways"), "gateways"),
        source_namespace: cx.string(o.take("sourceNamespace"), "sourceNamespace"),
    };
    let ignore_uri_case = cx
        .boolean(o.take("ignoreUriCase"), "ignoreUriCase")
        .is_some_and(|b| b.value);
    let _ = cx.string(o.take("statPrefix"), "statPrefix");
    cx.finish(o);
    Some(HttpMatch {
        span: v.span(),
        index,
        canonical: MatchKey::of_match(cx, v, &["name"]),
        uri,
        headers,
        ignore_uri_case,
        extras: Some(Box::new(extras)).filter(|e| !e.is_empty()),
    })
}

fn route_destinations<'a>(
    cx: &mut Cx<'a>,
    v: Option<Value<'a>>,
    http: bool,
) -> Vec<RouteDestination> {
    let items = cx.list(v, "route");
    let mut out = Vec::with_capacity(items.len());
    let fields = if !http {
        ROUTE_DEST_FIELDS
    } else if cx.istio_strict {
        HTTP_ROUTE_DEST_FIELDS_STRICT
    } else {
        HTTP_ROUTE_DEST_FIELDS
    };
    for d in items {
        let Some(mut o) = cx.obj(Some(d), "route destination", fields) else {
            continue;
        };
        let dest = o
            .take("destination")
            .and_then(|x| destination(cx, x, "destination"));
        let weight = cx.int(o.take("weight"), "weight", true);
        let fallback = if http && !cx.istio_strict {
            o.take("fallback").and_then(|f| {
                let mut fo = cx.obj(Some(f), "fallback", FALLBACK_FIELDS)?;
                let t = fo
                    .take("target")
                    .and_then(|t| destination(cx, t, "fallback target"));
                cx.finish(fo);
                t
            })
        } else {
            None
        };
        let headers = if http {
            read_headers(cx, o.take("headers"))
        } else {
            None
        };
        cx.finish(o);
        out.push(RouteDestination {
            span: d.span(),
            destination: dest,
            weight,
            fallback: fallback.map(Box::new),
            headers: headers.map(Box::new),
        });
    }
    out
}

fn destination<'a>(cx: &mut Cx<'a>, v: Value<'a>, what: &'static str) -> Option<Destination> {
    let mut o = cx.obj(Some(v), what, DESTINATION_FIELDS)?;
    let host = cx.string(o.take("host"), "host");
    let subset = cx.string(o.take("subset"), "subset");
    let port = o.take("port").and_then(|p| {
        let mut po = cx.obj(Some(p), "port selector", PORT_SELECTOR_FIELDS)?;
        let n = cx.int(po.take("number"), "number", true);
        cx.finish(po);
        n
    });
    cx.finish(o);
    Some(Destination {
        span: v.span(),
        host,
        subset,
        port,
    })
}

pub fn duration<'a>(
    cx: &mut Cx<'a>,
    v: Option<Value<'a>>,
    what: &str,
) -> Option<Spanned<Duration>> {
    let s = cx.string(v, what)?;
    let d = Duration::parse(&s.value);
    Some(Spanned::new(d, s.span))
}

/// A `Percent { value: double }`.
fn percent<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>, what: &str) -> Option<Spanned<f64>> {
    let mut o = cx.obj(v, "percentage", PERCENT_FIELDS)?;
    let value = cx.float(o.take("value"), what);
    cx.finish(o);
    value.or_else(|| Some(Spanned::new(0.0, v?.span())))
}

fn retries<'a>(cx: &mut Cx<'a>, v: Value<'a>) -> Option<Retries> {
    let mut o = cx.obj(Some(v), "HTTP retry policy", RETRY_FIELDS)?;
    let attempts = cx.int(o.take("attempts"), "attempts", true);
    let per_try_timeout = duration(cx, o.take("perTryTimeout"), "perTryTimeout");
    let retry_on = cx.string(o.take("retryOn"), "retryOn");
    let backoff = duration(cx, o.take("backoff"), "backoff");
    let rrl = o.take("retryRemoteLocalities");
    let retry_remote_localities = cx.boolean(rrl, "retryRemoteLocalities").map(|b| b.span);
    let _ = cx.boolean(
        o.take("retryIgnorePreviousHosts"),
        "retryIgnorePreviousHosts",
    );
    cx.finish(o);
    Some(Retries {
        span: v.span(),
        attempts,
        per_try_timeout,
        retry_on,
        backoff,
        retry_remote_localities,
    })
}

fn fault<'a>(cx: &mut Cx<'a>, v: Value<'a>) -> Option<Fault> {
    let mut o = cx.obj(Some(v), "HTTP fault injection", FAULT_FIELDS)?;
    let mut f = Fault {
        span: v.span(),
        delay_fixed: None,
        delay_percentage: None,
        abort_status: None,
        abort_percentage: None,
        delay_percent: None,
    };
    if let Some(mut d) = cx.obj(o.take("delay"), "fault delay", DELAY_FIELDS) {
        f.delay_percent = cx.int(d.take("percent"), "percent", false);
        f.delay_fixed = duration(cx, d.take("fixedDelay"), "fixedDelay");
        f.delay_percentage = percent(cx, d.take("percentage"), "percentage");
        cx.finish(d);
    }
    if let Some(mut a) = cx.obj(o.take("abort"), "fault abort", ABORT_FIELDS) {
        f.abort_status = cx.int(a.take("httpStatus"), "httpStatus", true);
        f.abort_percentage = percent(cx, a.take("percentage"), "percentage");
        cx.finish(a);
    }
    cx.finish(o);
    Some(f)
}

fn l4_route<'a>(cx: &mut Cx<'a>, v: Value<'a>, index: usize, tls: bool) -> Option<L4Route> {
    let (ty, fields, mfields, mty) = if tls {
        ("TLS route", TLS_ROUTE_FIELDS, TLS_MATCH_FIELDS, "TLS match")
    } else {
        ("TCP route", TCP_ROUTE_FIELDS, L4_MATCH_FIELDS, "TCP match")
    };
    let mut o = cx.obj(Some(v), ty, fields)?;
    let match_key = o.key_span("match");
    let route_key = o.key_span("route");
    let matches = o.take("match").map(|m| {
        cx.list(Some(m), "match")
            .into_iter()
            .filter_map(|m| {
                let mut mo = cx.obj(Some(m), mty, mfields)?;
                let gateways = cx.string_list(mo.take("gateways"), "gateways");
                let port = cx.int(mo.take("port"), "port", true);
                let sni_hosts = cx.string_list(mo.take("sniHosts"), "sniHosts");
                let destination_subnets =
                    cx.string_list(mo.take("destinationSubnets"), "destinationSubnets");
                let source_labels = cx.string_map(mo.take("sourceLabels"), "sourceLabels");
                let source_namespace = cx.string(mo.take("sourceNamespace"), "sourceNamespace");
                cx.finish(mo);
                Some(L4Match {
                    span: m.span(),
                    canonical: MatchKey::of_match(cx, m, &[]),
                    gateways,
                    port,
                    sni_hosts,
                    destination_subnets,
                    source_labels,
                    source_namespace,
                })
            })
            .collect()
    });
    let route = route_destinations(cx, o.take("route"), false);
    cx.finish(o);
    Some(L4Route {
        span: v.span(),
        index,
        matches,
        match_key,
        route_key,
        route,
    })
}

pub fn destination_rule<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> DestinationRule {
    let mut dr = DestinationRule::default();
    let Some(mut o) = cx.obj(spec, "DestinationRule spec", DR_FIELDS) else {
        return dr;
    };
    dr.host = cx.string(o.take("host"), "host");
    dr.export_to = cx.string_list(o.take("exportTo"), "exportTo");
    dr.workload_selector = workload_selector(cx, o.take("workloadSelector"));
    let tp_value = o.take("trafficPolicy");
    if let Some(tpv) = tp_value.filter(|v| v.is_map()) {
        let tls_key = tpv
            .entries()
            .into_iter()
            .find(|(k, _)| k.scalar().map(|s| s.0) == Some("tls"))
            .map(|(k, _)| k.span());
        dr.tls = super::tls::client_tls(cx, tpv.get("tls"), tls_key);
        dr.tls_mode = dr.tls.as_ref().and_then(|t| t.mode.clone());
        dr.port_tls = super::tls::port_level_tls(cx, tpv.get("portLevelSettings"));
        dr.outlier = tpv
            .get("outlierDetection")
            .and_then(|v| outlier_detection(cx, v));
    }
    dr.traffic_policy = traffic_policy(cx, tp_value);
    if let Some(tp) = &dr.traffic_policy {
        dr.has_outlier_detection = tp.outlier_detection.is_some();
        dr.has_connection_pool = tp.connection_pool.is_some();
    }
    for s in cx.list(o.take("subsets"), "subsets") {
        let Some(mut so) = cx.obj(Some(s), "subset", SUBSET_FIELDS) else {
            continue;
        };
        let name = cx.string(so.take("name"), "name");
        let labels = cx.string_map(so.take("labels"), "labels");
        let tp_value = so.take("trafficPolicy");
        let tp_map = tp_value.filter(|v| v.is_map());
        let outlier = tp_map
            .and_then(|t| t.get("outlierDetection"))
            .and_then(|v| outlier_detection(cx, v));
        let has_connection_pool = tp_map.is_some_and(|t| t.get("connectionPool").is_some());
        let traffic_policy = traffic_policy(cx, tp_value);
        cx.finish(so);
        dr.subsets.push(Subset {
            span: s.span(),
            name,
            labels,
            traffic_policy,
            outlier,
            has_connection_pool,
        });
    }
    cx.finish(o);
    // after the typed fields, so they are read first when the expansion budget runs short
    dr.tree = super::spec_tree::build(cx, spec);
    dr
}

/// Reads the outlier detection fields meshlint uses; other keys are left to the schema.
fn outlier_detection<'a>(cx: &mut Cx<'a>, v: Value<'a>) -> Option<Box<OutlierDetection>> {
    if !v.is_map() {
        return Some(Box::new(OutlierDetection {
            span: v.span(),
            consecutive_5xx_errors: None,
            consecutive_gateway_errors: None,
            max_ejection_percent: None,
            min_health_percent: None,
            interval: None,
            base_ejection_time: None,
        }));
    }
    Some(Box::new(OutlierDetection {
        span: v.span(),
        consecutive_5xx_errors: cx.int(v.get("consecutive5xxErrors"), "consecutive5xxErrors", true),
        consecutive_gateway_errors: cx.int(
            v.get("consecutiveGatewayErrors"),
            "consecutiveGatewayErrors",
            true,
        ),
        max_ejection_percent: cx.int(v.get("maxEjectionPercent"), "maxEjectionPercent", true),
        min_health_percent: cx.int(v.get("minHealthPercent"), "minHealthPercent", true),
        interval: duration(cx, v.get("interval"), "interval"),
        base_ejection_time: duration(cx, v.get("baseEjectionTime"), "baseEjectionTime"),
    }))
}

fn workload_selector<'a>(
    cx: &mut Cx<'a>,
    v: Option<Value<'a>>,
) -> Option<Vec<(Spanned<Str>, Spanned<Str>)>> {
    let mut o = cx.obj(v, "workload selector", WORKLOAD_SELECTOR_FIELDS)?;
    let mut labels = cx.string_map(o.take("matchLabels"), "matchLabels");
    labels.extend(cx.string_map(o.take("labels"), "labels"));
    cx.finish(o);
    Some(labels)
}

pub fn gateway<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> Gateway {
    let mut gw = Gateway::default();
    let Some(mut o) = cx.obj(spec, "Gateway spec", GATEWAY_FIELDS) else {
        return gw;
    };
    gw.selector = cx.string_map(o.take("selector"), "selector");
    for s in cx.list(o.take("servers"), "servers") {
        let Some(mut so) = cx.obj(Some(s), "server", SERVER_FIELDS) else {
            continue;
        };
        let mut server = Server {
            span: s.span(),
            port_number: None,
            port_protocol: None,
            bind: None,
            hosts: cx.string_list(so.take("hosts"), "hosts"),
            tls_mode: None,
            credential_name: None,
            server_certificate: None,
            private_key: None,
            tls_span: None,
            tls_has_other_credentials: false,
        };
        if let Some(mut po) = cx.obj(so.take("port"), "port", PORT_FIELDS) {
            server.port_number = cx.int(po.take("number"), "number", true);
            server.port_protocol = cx.string(po.take("protocol"), "protocol");
            let _ = cx.string(po.take("name"), "name");
            let _ = cx.int(po.take("targetPort"), "targetPort", true);
            cx.finish(po);
        }
        if let Some(tls) = so.take("tls") {
            if tls.is_map() {
                server.tls_mode = cx.string(tls.get("mode"), "mode");
                server.credential_name = cx.string(tls.get("credentialName"), "credentialName");
                server.server_certificate =
                    cx.string(tls.get("serverCertificate"), "serverCertificate");
                server.private_key = cx.string(tls.get("privateKey"), "privateKey");
                server.tls_span = Some(tls.span());
                server.tls_has_other_credentials =
                    tls.get("serverCertificate").is_some() || tls.get("credentialNames").is_some();
            } else {
                cx.invalid_type(tls, "tls", "a mapping");
            }
        }
        server.bind = cx.string(so.take("bind"), "bind");
        let _ = cx.string(so.take("name"), "name");
        let _ = cx.string(so.take("defaultEndpoint"), "defaultEndpoint");
        cx.finish(so);
        gw.servers.push(server);
    }
    cx.finish(o);
    // after the typed fields, so they are read first when the expansion budget runs short
    gw.tree = super::spec_tree::build(cx, spec);
    gw
}

pub fn service_entry<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> ServiceEntry {
    let mut se = ServiceEntry {
        tree: super::spec_tree::build(cx, spec),
        ..ServiceEntry::default()
    };
    let Some(mut o) = cx.obj(spec, "ServiceEntry spec", SE_FIELDS) else {
        return se;
    };
    se.hosts = cx.string_list(o.take("hosts"), "hosts");
    se.export_to = cx.string_list(o.take("exportTo"), "exportTo");
    se.resolution = cx.string(o.take("resolution"), "resolution");
    se.location = cx.string(o.take("location"), "location");
    se.addresses = o
        .take("addresses")
        .map(|a| cx.string_list(Some(a), "addresses"));
    se.workload_selector = workload_selector(cx, o.take("workloadSelector"));
    for e in cx.list(o.take("endpoints"), "endpoints") {
        if e.is_map() {
            let labels = cx.string_map(e.get("labels"), "labels");
            se.endpoints.push((e.span(), labels));
        }
    }
    for p in cx.list(o.take("ports"), "ports") {
        let Some(mut po) = cx.obj(Some(p), "service entry port", PORT_FIELDS) else {
            continue;
        };
        se.ports.push(SePort {
            number: cx.int(po.take("number"), "number", true),
            target_port: cx.int(po.take("targetPort"), "targetPort", true),
            protocol: cx.string(po.take("protocol"), "protocol"),
            name: cx.string(po.take("name"), "name"),
        });
        cx.finish(po);
    }
    cx.finish(o);
    se
}

pub fn sidecar<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> Sidecar {
    let mut sc = Sidecar {
        tree: super::spec_tree::build(cx, spec),
        ..Sidecar::default()
    };
    let Some(mut o) = cx.obj(spec, "Sidecar spec", SIDECAR_FIELDS) else {
        return sc;
    };
    sc.workload_selector = workload_selector(cx, o.take("workloadSelector"));
    for e in cx.list(o.take("egress"), "egress") {
        let Some(mut eo) = cx.obj(Some(e), "egress listener", EGRESS_FIELDS) else {
            continue;
        };
        sc.egress_hosts
            .extend(cx.string_list(eo.take("hosts"), "hosts"));
        cx.finish(eo);
    }
    if let Some(otp) = o.take("outboundTrafficPolicy").filter(|v| v.is_map()) {
        sc.egress_proxy = otp
            .entries()
            .into_iter()
            .find(|(k, v)| k.scalar().map(|s| s.0) == Some("egressProxy") && !v.is_null())
            .map(|(k, _)| k.span());
    }
    cx.finish(o);
    sc
}

/// Where in a VirtualService a destination is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestRole {
    Route,
    Mirror,
    Fallback,
}

impl DestRole {
    /// How messages name the field.
    pub fn field(self) -> &'static str {
        match self {
            DestRole::Route => "route destination",
            DestRole::Mirror => "mirror",
            DestRole::Fallback => "fallback target",
        }
    }
}

impl VirtualService {
    /// Every destination of the VirtualService: HTTP route destinations, their ASM fallback
    /// targets, mirrors, and TCP/TLS route destinations, in source order per rule.
    pub fn destinations(&self) -> Vec<(DestRole, &Destination)> {
        let mut out = Vec::new();
        for h in &self.http {
            for d in &h.route {
                if let Some(x) = &d.destination {
                    out.push((DestRole::Route, x));
                }
                if let Some(x) = &d.fallback {
                    out.push((DestRole::Fallback, x));
                }
            }
            if let Some(m) = &h.extras().mirror {
                out.push((DestRole::Mirror, m));
            }
            out.extend(h.extras().mirrors.iter().map(|m| (DestRole::Mirror, m)));
        }
        for r in self.tcp.iter().chain(self.tls.iter()) {
            out.extend(
                r.route
                    .iter()
                    .filter_map(|d| d.destination.as_ref().map(|x| (DestRole::Route, x))),
            );
        }
        out
    }
}

/// One route of a VirtualService (HTTP, TCP or TLS) and where it is written.
pub struct RouteRef<'a> {
    /// `http[0]`, `tcp[1]`, `tls[0]`.
    pub path: String,
    /// The HTTP rule's `name`, if any.
    pub name: Option<&'a Spanned<Str>>,
    /// Span of the `route` key (HTTP rules).
    pub route_key: Option<Span>,
    pub destinations: &'a [RouteDestination],
}

impl VirtualService {
    /// Every route (HTTP rules, then TCP, then TLS) with its destinations.
    pub fn routes(&self) -> Vec<RouteRef<'_>> {
        let http = self.http.iter().map(|h| RouteRef {
            path: format!("http[{}]", h.index),
            name: h.name.as_ref(),
            route_key: h.route_key,
            destinations: &h.route,
        });
        let mut out: Vec<RouteRef<'_>> = http.collect();
        for (kind, routes) in [("tcp", &self.tcp), ("tls", &self.tls)] {
            out.extend(routes.iter().map(|t| RouteRef {
                path: format!("{kind}[{}]", t.index),
                name: None,
                route_key: None,
                destinations: &t.route,
            }));
        }
        out
    }
}

/// A match's duplicate key ([`json_key`]) as a 128-bit hash: matches are duplicates when their
/// keys are equal. Two different keys collide with a probability of about 2^-128 per pair, so
/// the text (tens of bytes per match) is not kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MatchKey(u64, u64);

impl MatchKey {
    pub fn of(key: &str) -> MatchKey {
        use std::hash::{Hash, Hasher};
        let half = |seed: u8| {
            let mut h = std::hash::DefaultHasher::new();
            seed.hash(&mut h);
            key.hash(&mut h);
            h.finish()
        };
        // two words rather than a u128, whose 16-byte alignment would pad every match
        MatchKey(half(1), half(2))
    }

    /// The key of the match `v` with the top-level keys `skip` left out.
    fn of_match<'a>(cx: &mut Cx<'a>, v: Value<'a>, skip: &[&str]) -> MatchKey {
        let (text, plain) = cx.canonical_json(v, skip);
        if plain && json_key_unchanged(&text) {
            return MatchKey::of(&text);
        }
        MatchKey::of(&json_key(&text))
    }
}

/// Whether [`json_key`] gives back `canonical`, plain JSON ([`Value::canonical_json`]), as it
/// is: it is not an object, or its top level has no zero value and no `port` written as a
/// string. Saves parsing and writing every match again (most matches are like that).
fn json_key_unchanged(canonical: &str) -> bool {
    let b = canonical.as_bytes();
    if b.first() != Some(&b'{') {
        return true;
    }
    // the top-level entries of plain JSON: strings hold no unescaped quote, nesting balances
    let zero = |key: &str, value: &str| {
        matches!(value, "false" | "0" | "\"\"" | "[]" | "{}" | "null")
            || (key == "\"port\"" && value.starts_with('"'))
    };
    let (mut depth, mut entry, mut colon) = (0usize, 1, None);
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' => depth += 1,
            b':' if depth == 1 && colon.is_none() => colon = Some(i),
            b',' | b'}' | b']' if depth == 1 => {
                if let Some(c) = colon {
                    if zero(&canonical[entry..c], &canonical[c + 1..i]) {
                        return false;
                    }
                }
                if b[i] == b',' {
                    (entry, colon) = (i + 1, None);
                } else {
                    depth -= 1;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    true
}

/// A match's duplicate key: its JSON the way Go's `encoding/json` writes the proto message, where
/// unset and zero-valued fields (`ignoreUriCase: false`, `port: 0`, `gateways: []`, ...) are
/// left out. Text that is not JSON (exotic YAML scalars) is compared as is.
pub(crate) fn json_key(canonical: &str) -> String {
    let Ok(serde_json::Value::Object(mut fields)) =
        serde_json::from_str::<serde_json::Value>(canonical)
    else {
        return canonical.to_string();
    };
    if let Some(serde_json::Value::String(p)) = fields.get("port") {
        if let Ok(n) = p.trim().parse::<u32>() {
            fields.insert("port".into(), serde_json::Value::from(n));
        }
    }
    fields.retain(|_, v| !is_zero(v));
    serde_json::Value::Object(fields).to_string()
}

fn is_zero(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => true,
        serde_json::Value::Bool(b) => !b,
        serde_json::Value::Number(n) => n.as_f64() == Some(0.0),
        serde_json::Value::String(s) => s.is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        serde_json::Value::Object(o) => o.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut of [`MatchKey::of_match`] gives the key the JSON round trip gives.
    #[test]
    fn match_keys_skip_the_json_round_trip_only_when_it_changes_nothing() {
        let text = concat!(
            "- {uri: {prefix: /a}, name: n}\n",
            "- {uri: {prefix: /a}, ignoreUriCase: false}\n",
            "- {port: \"8080\"}\n",
            "- {port: 8080, gateways: []}\n",
            "- {port: 0, sourceLabels: {}}\n",
            "- {headers: {x: {exact: \"\"}}, uri: {exact: \"a,b:c}\"}}\n",
            "- {headers: {\"a\\\"b\": {prefix: \"{[,\"}}, queryParams: {q: {}}}\n",
            "- {uri: {prefix: \"\"}, method: {exact: GET}}\n",
            "- {sourceNamespace: \"\", port: 1.50}\n",
            "- {withoutHeaders: {h: {regex: \".*\"}}, ignoreUriCase: true}\n",
            "- {}\n",
            "- [x]\n",
        );
        let p = crate::yaml::parse_file(
            crate::source::FileId::new(0),
            text,
            &crate::yaml::Limits::default(),
        );
        let d = &p.documents[0];
        let root = Value::new(d, d.root.unwrap()).unwrap();
        let mut cx = Cx::new(d, usize::MAX);
        for m in root.items() {
            let slow = MatchKey::of(&json_key(&m.canonical(&["name"])));
            assert_eq!(
                MatchKey::of_match(&mut cx, m, &["name"]),
                slow,
                "{}",
                m.canonical(&[])
            );
        }
        // and the shortcut is taken where nothing changes
        assert!(json_key_unchanged(
            r#"{"headers":{"x":{"exact":""}},"uri":{"exact":"a,b:c}"}}"#
        ));
        assert!(!json_key_unchanged(r#"{"a":{"b":1},"c":[]}"#));
        assert!(!json_key_unchanged(r#"{"port":"80"}"#));
        assert!(json_key_unchanged(r#"{"port":80}"#));
    }

    #[test]
    fn zero_values_do_not_count_for_duplicates() {
        assert_eq!(
            json_key(r#"{"ignoreUriCase":false,"uri":{"prefix":"/a"}}"#),
            json_key(r#"{"uri":{"prefix":"/a"}}"#)
        );
        assert_eq!(
            json_key(r#"{"port":"8080"}"#),
            json_key(r#"{"gateways":[],"port":8080}"#)
        );
        assert_ne!(
            json_key(r#"{"uri":{"exact":""}}"#),
            json_key(r#"{"uri":{}}"#)
        );
    }
}
