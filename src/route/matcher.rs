//! The one HTTP match model: a [`Request`] in a proxy context, and `HTTPMatchRequest` semantics
//! as istiod translates them for Envoy (istio/istio `pilot/pkg/networking/core/route/route.go`:
//! `TranslateRouteMatch`, `translateHeaderMatch`, `translateQueryParamMatch`,
//! `canBeConvertedToPresentMatch`, `sourceMatchHTTP`, `translateRoute`, `IsCatchAllRoute`).
//!
//! - `match[]` entries are ORed, the fields of one entry ANDed; a rule without `match` matches
//!   every request.
//! - `uri` is matched against the path without the query string; `exact` and `prefix` honour
//!   `ignoreUriCase`, `regex` does not. A regex (RE2) must match the whole value.
//! - `method`, `authority` and `scheme` are `:method`, `:authority` and `:scheme` header
//!   matchers (case-sensitive).
//! - `headers`: `{}` (no match type) or `regex: "*"` means "present"; `exact: ""` means present
//!   with an empty value. `withoutHeaders` is the inverse; for a value matcher a missing header
//!   is treated as empty (`treat_missing_header_as_empty`), so it passes unless the matcher
//!   matches the empty string.
//! - `queryParams`: `{}` or `regex: "*"` means present; otherwise the value must match.
//! - `port`: the listener port the request arrives on.
//! - `gateways` (match level) replaces the VirtualService's `gateways` for this match: the
//!   proxy's gateway (or `mesh`) must be listed. Without match-level gateways, `sourceLabels`
//!   must be a subset of the proxy's labels and `sourceNamespace` equal its namespace.

use crate::model::istio::{HttpMatch, MatchKind, StringMatch};
use regex::Regex;
use serde::Serialize;
use std::fmt;

/// The proxy a request passes through: a sidecar (`mesh`) or an Istio Gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Gateway {
    Mesh,
    /// Any proxy: VirtualService `gateways` are not checked (istio-config-validator cases).
    Any,
    /// `namespace/name` of the Gateway resource.
    Named {
        namespace: String,
        name: String,
    },
}

impl fmt::Display for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Gateway::Mesh => f.write_str("mesh"),
            Gateway::Any => f.write_str("*"),
            Gateway::Named { namespace, name } => write!(f, "{namespace}/{name}"),
        }
    }
}

/// One HTTP request as the simulator sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    /// The destination host as the client wrote it (`reviews`, `bookinfo.example.com`).
    pub host: String,
    /// `:authority`; the host when not given.
    pub authority: String,
    /// The path, without the query string.
    pub path: String,
    pub method: String,
    /// Lower-cased names.
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    /// The listener port (the service port for sidecars, the server port for gateways).
    pub port: u32,
    pub scheme: String,
    pub gateway: Gateway,
    /// Labels of the client proxy (the source workload; for a gateway, its pods).
    pub source_labels: Vec<(String, String)>,
    /// Namespace of the client proxy.
    pub source_namespace: String,
}

impl Request {
    /// A GET of `/` to `host` on port 80 from a sidecar in `default`.
    pub fn new(host: &str) -> Request {
        Request {
            host: host.to_string(),
            authority: host.to_string(),
            path: "/".to_string(),
            method: "GET".to_string(),
            headers: Vec::new(),
            query: Vec::new(),
            port: 80,
            scheme: "http".to_string(),
            gateway: Gateway::Mesh,
            source_labels: Vec::new(),
            source_namespace: "default".to_string(),
        }
    }

    /// Sets the path; a `?query` part is split into query parameters.
    pub fn with_path(mut self, path: &str) -> Request {
        match path.split_once('?') {
            Some((p, q)) => {
                self.path = p.to_string();
                for kv in q.split('&').filter(|s| !s.is_empty()) {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    self.query.push((k.to_string(), v.to_string()));
                }
            }
            None => self.path = path.to_string(),
        }
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An owned string match (`exact`, `prefix` or `regex`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sm {
    pub kind: MatchKindName,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKindName {
    Exact,
    Prefix,
    Regex,
}

impl Sm {
    /// `None` for a match type written with a null value, which Istio reads as unset.
    pub fn from_model(m: &StringMatch) -> Option<Sm> {
        if m.null {
            return None;
        }
        let kind = match m.kind {
            MatchKind::Exact => MatchKindName::Exact,
            MatchKind::Prefix => MatchKindName::Prefix,
            MatchKind::Regex => MatchKindName::Regex,
        };
        Some(Sm {
            kind,
            value: m.value.value.to_string(),
        })
    }

    /// `canBeConvertedToPresentMatch`: `regex: "*"` is a presence check.
    fn is_presence(this: &Option<Sm>) -> bool {
        match this {
            None => true,
            Some(s) => s.kind == MatchKindName::Regex && s.value == "*",
        }
    }

    /// Whether `value` matches; `ignore_case` applies to exact and prefix only.
    pub fn matches(&self, value: &str, ignore_case: bool) -> bool {
        match self.kind {
            MatchKindName::Exact => {
                if ignore_case {
                    value.eq_ignore_ascii_case(&self.value)
                } else {
                    value == self.value
                }
            }
            MatchKindName::Prefix => {
                if ignore_case {
                    value.len() >= self.value.len()
                        && value.is_char_boundary(self.value.len())
                        && value[..self.value.len()].eq_ignore_ascii_case(&self.value)
                } else {
                    value.starts_with(&self.value)
                }
            }
            MatchKindName::Regex => full_regex(&self.value).is_some_and(|r| r.is_match(value)),
        }
    }
}

impl fmt::Display for Sm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = match self.kind {
            MatchKindName::Exact => "exact",
            MatchKindName::Prefix => "prefix",
            MatchKindName::Regex => "regex",
        };
        write!(f, "{k} `{}`", self.value)
    }
}

/// A RE2 pattern anchored to match the whole value (Envoy `safe_regex`).
pub fn full_regex(pattern: &str) -> Option<Regex> {
    Regex::new(&format!("^(?:{pattern})$")).ok()
}

/// An owned `HTTPMatchRequest`, after delegate merging; gateway names resolved to
/// `namespace/name` (or `mesh`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Match {
    pub name: Option<String>,
    pub uri: Option<Sm>,
    pub scheme: Option<Sm>,
    pub method: Option<Sm>,
    pub authority: Option<Sm>,
    pub headers: Vec<(String, Option<Sm>)>,
    pub without_headers: Vec<(String, Option<Sm>)>,
    pub query_params: Vec<(String, Option<Sm>)>,
    pub port: Option<u32>,
    pub source_labels: Vec<(String, String)>,
    pub gateways: Vec<String>,
    pub source_namespace: Option<String>,
    pub ignore_uri_case: bool,
    /// Gateway API semantics (a route istiod made from an HTTPRoute or GRPCRoute): a `prefix`
    /// other than `/` is Envoy's `path_separated_prefix` (`/foo` matches `/foo` and `/foo/bar`,
    /// not `/foobar`); route.go `TranslateRouteMatch` with `UseGatewaySemantics`.
    pub path_separated_prefix: bool,
}

impl Match {
    /// From the model; `resolve_gateway` turns a written gateway name into `ns/name`.
    pub fn from_model(m: &HttpMatch, resolve_gateway: &dyn Fn(&str) -> String) -> Match {
        let map = |v: &[(
            crate::source::Spanned<crate::source::Str>,
            Option<StringMatch>,
        )]| {
            v.iter()
                .map(|(k, m)| {
                    (
                        k.value.as_str().to_ascii_lowercase(),
                        m.as_ref().and_then(Sm::from_model),
                    )
                })
                .collect()
        };
        Match {
            name: m.extras().name.as_ref().map(|n| n.value.to_string()),
            uri: m.uri.as_ref().and_then(Sm::from_model),
            scheme: m.extras().scheme.as_ref().and_then(Sm::from_model),
            method: m.extras().method.as_ref().and_then(Sm::from_model),
            authority: m.extras().authority.as_ref().and_then(Sm::from_model),
            headers: map(&m.headers),
            without_headers: map(&m.extras().without_headers),
            query_params: m
                .extras()
                .query_params
                .iter()
                .map(|(k, m)| (k.value.to_string(), m.as_ref().and_then(Sm::from_model)))
                .collect(),
            port: m
                .extras()
                .port
                .as_ref()
                .and_then(|p| u32::try_from(p.value).ok())
                .filter(|&p| p != 0),
            source_labels: m
                .extras()
                .source_labels
                .iter()
                .map(|(k, v)| (k.value.to_string(), v.value.to_string()))
                .collect(),
            gateways: m
                .extras()
                .gateways
                .iter()
                .map(|g| resolve_gateway(&g.value))
                .collect(),
            source_namespace: m
                .extras()
                .source_namespace
                .as_ref()
                .map(|s| s.value.to_string())
                .filter(|s| !s.is_empty()),
            ignore_uri_case: m.ignore_uri_case,
            path_separated_prefix: false,
        }
    }

    /// Istio's `IsCatchAllRoute` on the translated route: the path is prefix `/` (a missing
    /// `uri` is prefix `/`) or regex `.*`, and there are no header (including method,
    /// authority, scheme) or query-parameter matchers. Context selectors (port, gateways,
    /// sourceLabels, sourceNamespace) decide whether the route exists for a proxy, not
    /// whether it catches everything.
    pub fn is_catch_all(&self) -> bool {
        let path_all = match &self.uri {
            None => true,
            Some(s) => match s.kind {
                MatchKindName::Prefix => s.value == "/",
                MatchKindName::Regex => s.value == ".*",
                MatchKindName::Exact => false,
            },
        };
        path_all
            && self.method.is_none()
            && self.authority.is_none()
            && self.scheme.is_none()
            && self.headers.is_empty()
            && self.without_headers.is_empty()
            && self.query_params.is_empty()
    }

    /// Whether this match exists for the request's proxy: `translateRoute`'s port check and
    /// `sourceMatchHTTP`. Returns the reasons it does not.
    pub fn context_reasons(&self, req: &Request) -> Vec<NoMatchReason> {
        let mut out = Vec::new();
        if let Some(p) = self.port {
            if p != req.port {
                out.push(NoMatchReason::new(
                    "port",
                    format!("port {p}"),
                    req.port.to_string(),
                ));
            }
        }
        if req.gateway == Gateway::Any {
            return out;
        }
        if !self.gateways.is_empty() {
            let ctx = req.gateway.to_string();
            if !self.gateways.contains(&ctx) {
                out.push(NoMatchReason::new(
                    "gateways",
                    format!("one of {}", self.gateways.join(", ")),
                    ctx,
                ));
            }
        } else {
            for (k, v) in &self.source_labels {
                let have = req
                    .source_labels
                    .iter()
                    .find(|(rk, _)| rk == k)
                    .map(|(_, rv)| rv.as_str());
                if have != Some(v.as_str()) {
                    out.push(NoMatchReason::new(
                        "sourceLabels",
                        format!("{k}={v}"),
                        have.map(|h| format!("{k}={h}"))
                            .unwrap_or_else(|| format!("no label `{k}`")),
                    ));
                }
            }
            if let Some(ns) = &self.source_namespace {
                if *ns != req.source_namespace {
                    out.push(NoMatchReason::new(
                        "sourceNamespace",
                        ns.clone(),
                        req.source_namespace.clone(),
                    ));
                }
            }
        }
        out
    }

    /// Every reason the request does not satisfy this match (empty: it matches).
    pub fn reasons(&self, req: &Request) -> Vec<NoMatchReason> {
        let mut out = self.context_reasons(req);
        if let Some(u) = &self.uri {
            let ok = if self.path_separated_prefix
                && u.kind == MatchKindName::Prefix
                && u.value != "/"
            {
                path_separated_prefix_matches(&u.value, &req.path, self.ignore_uri_case)
            } else {
                u.matches(
                    &req.path,
                    self.ignore_uri_case && u.kind != MatchKindName::Regex,
                )
            };
            if !ok {
                let mut what = if self.ignore_uri_case && u.kind != MatchKindName::Regex {
                    format!("{u} (ignoring case)")
                } else {
                    u.to_string()
                };
                if self.path_separated_prefix && u.kind == MatchKindName::Prefix && u.value != "/" {
                    what.push_str(" (whole path segments)");
                }
                out.push(NoMatchReason::new("uri", what, req.path.clone()));
            }
        }
        for (field, m, value) in [
            ("method", &self.method, &req.method),
            ("authority", &self.authority, &req.authority),
            ("scheme", &self.scheme, &req.scheme),
        ] {
            if let Some(m) = m {
                if !m.matches(value, false) {
                    out.push(NoMatchReason::new(field, m.to_string(), value.clone()));
                }
            }
        }
        for (name, m) in &self.headers {
            require(&mut out, "headers", name, m, req.header(name));
        }
        for (name, m) in &self.without_headers {
            let have = req.header(name);
            let matched = match (Sm::is_presence(m), m) {
                (true, _) => have.is_some(),
                // treat_missing_header_as_empty
                (false, Some(m)) => m.matches(have.unwrap_or(""), false),
                (false, None) => have.is_some(),
            };
            if matched {
                out.push(NoMatchReason::new(
                    format!("withoutHeaders.{name}"),
                    format!("not {}", describe(m)),
                    shown(have),
                ));
            }
        }
        for (name, m) in &self.query_params {
            require(&mut out, "queryParams", name, m, req.query_param(name));
        }
        out
    }
}

/// Envoy's `path_separated_prefix`: the path equals the prefix or continues it with `/`
/// (the prefix has no trailing `/`; istiod trims it).
pub fn path_separated_prefix_matches(prefix: &str, path: &str, ignore_case: bool) -> bool {
    let prefix = prefix.strip_suffix('/').unwrap_or(prefix);
    if path.len() < prefix.len() || !path.is_char_boundary(prefix.len()) {
        return false;
    }
    let (head, rest) = path.split_at(prefix.len());
    let same = if ignore_case {
        head.eq_ignore_ascii_case(prefix)
    } else {
        head == prefix
    };
    same && (rest.is_empty() || rest.starts_with('/'))
}

/// A header or query parameter that must be present (`{}`) or match: records why not.
fn require(
    out: &mut Vec<NoMatchReason>,
    field: &str,
    name: &str,
    m: &Option<Sm>,
    have: Option<&str>,
) {
    let ok = match (Sm::is_presence(m), have, m) {
        (true, h, _) => h.is_some(),
        (false, Some(h), Some(m)) => m.matches(h, false),
        _ => false,
    };
    if !ok {
        out.push(NoMatchReason::new(
            format!("{field}.{name}"),
            describe(m),
            shown(have),
        ));
    }
}

fn describe(m: &Option<Sm>) -> String {
    if Sm::is_presence(m) {
        "present".to_string()
    } else {
        m.as_ref().map(|m| m.to_string()).unwrap_or_default()
    }
}

fn shown(v: Option<&str>) -> String {
    match v {
        Some(v) => format!("`{v}`"),
        None => "absent".to_string(),
    }
}

/// Why one match did not apply to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoMatchReason {
    /// Which match this is about (index in `match[]`); `None` for the only/whole rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_index: Option<usize>,
    /// `uri`, `headers.end-user`, `gateways`, ...
    pub field: String,
    pub expected: String,
    pub actual: String,
}

impl NoMatchReason {
    pub fn new(
        field: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        NoMatchReason {
            match_index: None,
            field: field.into(),
            expected: expected.into(),
            actual: actual.into(),
        }
    }
}

impl fmt::Display for NoMatchReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = self.match_index {
            write!(f, "match #{i}: ")?;
        }
        let actual = if self.actual.starts_with('`') || self.actual.contains(' ') {
            self.actual.clone()
        } else {
            format!("`{}`", self.actual)
        };
        write!(f, "{}: wants {}, got {}", self.field, self.expected, actual)
    }
}

/// Matches a rule's `match[]` against a request: `Ok(Some(i))` when match `i` applies,
/// `Ok(None)` when the rule has no `match` (it matches every request), else every match's
/// reasons (each tagged with its index).
pub fn match_rule(
    matches: Option<&[Match]>,
    req: &Request,
) -> Result<Option<usize>, Vec<NoMatchReason>> {
    let Some(matches) = matches else {
        return Ok(None);
    };
    if matches.is_empty() {
        return Ok(None);
    }
    let mut all = Vec::new();
    for (i, m) in matches.iter().enumerate() {
        let r = m.reasons(req);
        if r.is_empty() {
            return Ok(Some(i));
        }
        let tag = matches.len() > 1;
        all.extend(r.into_iter().map(|mut x| {
            if tag {
                x.match_index = Some(i);
            }
            x
        }));
    }
    Err(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sm(kind: MatchKindName, v: &str) -> Option<Sm> {
        Some(Sm {
            kind,
            value: v.to_string(),
        })
    }
    use MatchKindName::*;

    fn req() -> Request {
        Request::new("reviews")
    }

    #[test]
    fn uri_exact_prefix_regex_and_case() {
        let r = req().with_path("/API/v1?x=1");
        let m = |u| Match {
            uri: u,
            ..Match::default()
        };
        assert!(!m(sm(Exact, "/api/v1")).reasons(&r).is_empty());
        let mut ic = m(sm(Exact, "/api/v1"));
        ic.ignore_uri_case = true;
        assert!(ic.reasons(&r).is_empty());
        let mut ip = m(sm(Prefix, "/api"));
        ip.ignore_uri_case = true;
        assert!(ip.reasons(&r).is_empty());
        // a regex must match the whole path, and ignoreUriCase does not apply to it
        assert!(m(sm(Regex, "/API/v[0-9]")).reasons(&r).is_empty());
        assert!(!m(sm(Regex, "/API")).reasons(&r).is_empty());
        let mut ir = m(sm(Regex, "/api/v1"));
        ir.ignore_uri_case = true;
        assert!(!ir.reasons(&r).is_empty());
        // raw string prefix: /api matches /apiv2
        let r2 = req().with_path("/apiv2");
        assert!(m(sm(Prefix, "/api")).reasons(&r2).is_empty());
        assert_eq!(r.query, vec![("x".to_string(), "1".to_string())]);
    }

    #[test]
    fn method_authority_scheme() {
        let mut r = req();
        r.method = "POST".into();
        r.authority = "reviews:9080".into();
        r.scheme = "https".into();
        let m = Match {
            method: sm(Exact, "POST"),
            authority: sm(Prefix, "reviews"),
            scheme: sm(Exact, "https"),
            ..Match::default()
        };
        assert!(m.reasons(&r).is_empty());
        let m2 = Match {
            method: sm(Exact, "post"),
            ..Match::default()
        };
        assert_eq!(m2.reasons(&r)[0].field, "method");
    }

    #[test]
    fn headers_presence_and_values() {
        let mut r = req();
        r.headers.push(("end-user".into(), "jason".into()));
        r.headers.push(("x-empty".into(), "".into()));
        let h = |name: &str, m| Match {
            headers: vec![(name.to_string(), m)],
            ..Match::default()
        };
        assert!(h("end-user", None).reasons(&r).is_empty());
        assert!(h("end-user", sm(Regex, "*")).reasons(&r).is_empty());
        assert!(h("end-user", sm(Regex, "ja.*")).reasons(&r).is_empty());
        assert!(!h("end-user", sm(Regex, "ja")).reasons(&r).is_empty());
        assert!(h("x-empty", sm(Exact, "")).reasons(&r).is_empty());
        assert!(!h("missing", sm(Exact, "")).reasons(&r).is_empty());
        assert!(!h("missing", None).reasons(&r).is_empty());
    }

    #[test]
    fn without_headers() {
        let mut r = req();
        r.headers.push(("end-user".into(), "jason".into()));
        let w = |name: &str, m| Match {
            without_headers: vec![(name.to_string(), m)],
            ..Match::default()
        };
        assert!(!w("end-user", None).reasons(&r).is_empty());
        assert!(w("other", None).reasons(&r).is_empty());
        assert!(!w("end-user", sm(Exact, "jason")).reasons(&r).is_empty());
        assert!(w("end-user", sm(Exact, "bob")).reasons(&r).is_empty());
        // a missing header is treated as empty: passes unless the matcher matches ""
        assert!(w("other", sm(Exact, "x")).reasons(&r).is_empty());
        assert!(!w("other", sm(Exact, "")).reasons(&r).is_empty());
    }

    #[test]
    fn query_params() {
        let r = req().with_path("/p?debug&v=2");
        let q = |name: &str, m| Match {
            query_params: vec![(name.to_string(), m)],
            ..Match::default()
        };
        assert!(q("debug", None).reasons(&r).is_empty());
        assert!(q("debug", sm(Exact, "")).reasons(&r).is_empty());
        assert!(q("v", sm(Regex, r"\d+")).reasons(&r).is_empty());
        assert!(!q("v", sm(Exact, "3")).reasons(&r).is_empty());
        assert!(!q("absent", None).reasons(&r).is_empty());
    }

    #[test]
    fn port_gateways_source() {
        let mut r = req();
        r.port = 9080;
        r.source_labels = vec![("app".into(), "productpage".into())];
        r.source_namespace = "bookinfo".into();
        let port = Match {
            port: Some(8080),
            ..Match::default()
        };
        assert_eq!(port.reasons(&r)[0].field, "port");
        let labels = Match {
            source_labels: vec![("app".into(), "productpage".into())],
            source_namespace: Some("bookinfo".into()),
            ..Match::default()
        };
        assert!(labels.reasons(&r).is_empty());
        let other_ns = Match {
            source_namespace: Some("other".into()),
            ..Match::default()
        };
        assert_eq!(other_ns.reasons(&r)[0].field, "sourceNamespace");
        // match-level gateways replace the source checks
        let gw = Match {
            gateways: vec!["istio-system/gw".into()],
            source_labels: vec![("app".into(), "nope".into())],
            ..Match::default()
        };
        assert_eq!(gw.reasons(&r)[0].field, "gateways");
        r.gateway = Gateway::Named {
            namespace: "istio-system".into(),
            name: "gw".into(),
        };
        assert!(gw.reasons(&r).is_empty());
    }

    #[test]
    fn or_of_matches_and_catch_all() {
        let r = req().with_path("/b");
        let a = Match {
            uri: sm(Prefix, "/a"),
            ..Match::default()
        };
        let b = Match {
            uri: sm(Prefix, "/b"),
            ..Match::default()
        };
        assert_eq!(match_rule(Some(&[a.clone(), b]), &r), Ok(Some(1)));
        let e = match_rule(Some(std::slice::from_ref(&a)), &r).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(match_rule(None, &r), Ok(None));
        assert!(Match::default().is_catch_all());
        assert!(Match {
            uri: sm(Regex, ".*"),
            port: Some(80),
            ..Match::default()
        }
        .is_catch_all());
        assert!(!Match {
            uri: sm(Prefix, "/"),
            method: sm(Exact, "GET"),
            ..Match::default()
        }
        .is_catch_all());
        assert!(!a.is_catch_all());
    }
}
