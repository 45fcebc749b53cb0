//! The OpenAPI schema the Gateway API CRDs give the API server (required fields, enums, patterns,
//! lengths, item counts, ranges, list-map keys, unknown fields), as a small hand-written table
//! per kind, walked over the spanned spec tree while the document is loaded
//! ([`crate::rules::validation::precompute`]). The CEL rules (`x-kubernetes-validations`) are in
//! [`super::cel`]; both report through [`validate`].
//!
//! Source: `config/crd/{standard,experimental}/gateway.networking.k8s.io_*.yaml` of
//! kubernetes-sigs/gateway-api (commit 4564255ac2c3). One table serves every served version of a
//! kind (they agree on the fields checked here); fields that only the experimental channel has
//! are checked by its schema, never reported as unknown. Not ported: see docs/gateway-api.md.

use crate::model::spec_tree::{Kind, Node};
use crate::model::Resource;
use crate::rules::validation::Out;
use crate::yaml::ScalarType;
use regex::Regex;
use std::sync::OnceLock;

/// A pattern, compiled on first use.
pub struct Pat {
    pub src: &'static str,
    re: OnceLock<Option<Regex>>,
}

impl Pat {
    pub const fn new(src: &'static str) -> Pat {
        Pat {
            src,
            re: OnceLock::new(),
        }
    }

    /// Whether `s` matches; a pattern that does not compile matches everything.
    pub fn is_match(&self, s: &str) -> bool {
        self.re
            .get_or_init(|| Regex::new(self.src).ok())
            .as_ref()
            .is_none_or(|r| r.is_match(s))
    }
}

pub static DNS_SUBDOMAIN: Pat =
    Pat::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
pub static HOSTNAME: Pat =
    Pat::new(r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
static GROUP: Pat =
    Pat::new(r"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
static KIND: Pat = Pat::new(r"^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$");
static NAMESPACE: Pat = Pat::new(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
static HEADER_NAME: Pat = Pat::new(r"^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$");
static HEADER_VALUE: Pat = Pat::new(r"^[!-~]+([\t ]?[!-~]+)*$");
static DURATION: Pat = Pat::new(r"^([0-9]{1,5}(h|m|s|ms)){1,4}$");
static PROTOCOL: Pat = Pat::new(
    r"^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9]+$",
);
static ADDRESS_TYPE: Pat = Pat::new(
    r"^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$",
);
static CONTROLLER: Pat = Pat::new(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$",
);
static LABEL_VALUE: Pat = Pat::new(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
static HTTP_PATH: Pat = Pat::new(r"^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$");
static CORS_ORIGIN: Pat = Pat::new(
    r"(^\*$)|(^(http(s)?):\/\/(((\*\.)?([a-zA-Z0-9\-]+\.)*[a-zA-Z0-9-]+|\*)(:([0-9]{1,5}))?)$)",
);
static WELL_KNOWN_CA: Pat = Pat::new(
    r"^(System|([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]))$",
);
static URI: Pat = Pat::new(r"^(([^:/?#]+):)(//([^/?#]*))([^?#]*)(\?([^#]*))?(#(.*))?");

/// A string's limits.
pub struct S {
    pub min: usize,
    pub max: usize,
    pub pat: Option<&'static Pat>,
    pub en: &'static [&'static str],
}

/// How a list's items are told apart (`x-kubernetes-list-type`).
pub enum Key {
    Atomic,
    /// No two equal items.
    Set,
    /// No two items with the same value of this field.
    Map(&'static str),
}

pub enum Ty {
    Str(S),
    Int {
        min: i64,
        max: i64,
        en: &'static [i64],
    },
    Bool,
    Obj(&'static [F]),
    List {
        item: &'static Ty,
        min: usize,
        max: usize,
        key: Key,
    },
    /// A map with string keys.
    Map {
        val: &'static Ty,
        max: usize,
    },
    /// Not checked (label selectors: their keys and operators are Kubernetes' own).
    Any,
}

/// A field of an object.
pub struct F {
    pub name: &'static str,
    pub ty: &'static Ty,
    pub req: bool,
}

const fn f(name: &'static str, ty: &'static Ty) -> F {
    F {
        name,
        ty,
        req: false,
    }
}

const fn req(name: &'static str, ty: &'static Ty) -> F {
    F {
        name,
        ty,
        req: true,
    }
}

const fn s(min: usize, max: usize, pat: Option<&'static Pat>) -> Ty {
    Ty::Str(S {
        min,
        max,
        pat,
        en: &[],
    })
}

const fn en(values: &'static [&'static str]) -> Ty {
    Ty::Str(S {
        min: 0,
        max: usize::MAX,
        pat: None,
        en: values,
    })
}

const fn list(item: &'static Ty, min: usize, max: usize) -> Ty {
    Ty::List {
        item,
        min,
        max,
        key: Key::Atomic,
    }
}

const fn keyed(item: &'static Ty, max: usize, key: &'static str) -> Ty {
    Ty::List {
        item,
        min: 0,
        max,
        key: Key::Map(key),
    }
}

const fn set(item: &'static Ty, max: usize) -> Ty {
    Ty::List {
        item,
        min: 0,
        max,
        key: Key::Set,
    }
}

const fn int(min: i64, max: i64) -> Ty {
    Ty::Int { min, max, en: &[] }
}

const I32: i64 = i32::MAX as i64;

// ---- shared pieces ------------------------------------------------------------------------

static T_GROUP: Ty = s(0, 253, Some(&GROUP));
static T_KIND: Ty = s(1, 63, Some(&KIND));
static T_NAME: Ty = s(1, 253, None);
static T_NAMESPACE: Ty = s(1, 63, Some(&NAMESPACE));
static T_SECTION: Ty = s(1, 253, Some(&DNS_SUBDOMAIN));
static T_PORT: Ty = int(1, 65535);
static T_HOSTNAME: Ty = s(1, 253, Some(&HOSTNAME));
static T_PRECISE_HOSTNAME: Ty = s(1, 253, Some(&DNS_SUBDOMAIN));
static T_STRING: Ty = s(0, usize::MAX, None);
static T_DURATION: Ty = s(0, usize::MAX, Some(&DURATION));
static T_HEADER_NAME: Ty = s(1, 256, Some(&HEADER_NAME));
static T_OPTIONS: Ty = Ty::Map {
    val: &T_OPTION_VALUE,
    max: 16,
};
static T_OPTION_VALUE: Ty = s(0, 4096, None);
static T_BOOL: Ty = Ty::Bool;
static T_ANY: Ty = Ty::Any;

/// `LocalObjectReference` and friends with every field required (group may be "").
static LOCAL_REF: &[F] = &[
    req("group", &T_GROUP),
    req("kind", &T_KIND),
    req("name", &T_NAME),
];
static T_LOCAL_REF: Ty = Ty::Obj(LOCAL_REF);
/// `ObjectReference` (group, kind, name required; namespace optional).
static NS_REF: &[F] = &[
    req("group", &T_GROUP),
    req("kind", &T_KIND),
    req("name", &T_NAME),
    f("namespace", &T_NAMESPACE),
];
static T_NS_REF: Ty = Ty::Obj(NS_REF);
/// `SecretObjectReference` (group and kind defaulted).
static SECRET_REF: &[F] = &[
    f("group", &T_GROUP),
    f("kind", &T_KIND),
    req("name", &T_NAME),
    f("namespace", &T_NAMESPACE),
];
static T_SECRET_REF: Ty = Ty::Obj(SECRET_REF);

static PARENT_REF: &[F] = &[
    f("group", &T_GROUP),
    f("kind", &T_KIND),
    req("name", &T_NAME),
    f("namespace", &T_NAMESPACE),
    f("sectionName", &T_SECTION),
    f("port", &T_PORT),
];
static T_PARENT_REFS: Ty = list(&T_PARENT_REF, 0, 32);
static T_PARENT_REF: Ty = Ty::Obj(PARENT_REF);

/// `BackendObjectReference`.
static BACKEND_OBJ_REF: &[F] = &[
    f("group", &T_GROUP),
    f("kind", &T_KIND),
    req("name", &T_NAME),
    f("namespace", &T_NAMESPACE),
    f("port", &T_PORT),
];
static T_BACKEND_OBJ_REF: Ty = Ty::Obj(BACKEND_OBJ_REF);

static T_HOSTNAMES: Ty = list(&T_HOSTNAME, 0, 16);

// ---- filters --------------------------------------------------------------------------------

static HEADER: &[F] = &[req("name", &T_HEADER_NAME), req("value", &T_HEADER_VALUE)];
static T_HEADER_VALUE: Ty = s(1, 4096, Some(&HEADER_VALUE));
static T_HEADER: Ty = Ty::Obj(HEADER);
static HEADER_MODIFIER: &[F] = &[
    f("set", &T_HEADERS_KEYED),
    f("add", &T_HEADERS_KEYED),
    f("remove", &T_REMOVE),
];
static T_HEADERS_KEYED: Ty = keyed(&T_HEADER, 16, "name");
static T_REMOVE: Ty = set(&T_STRING, 16);
static T_HEADER_MODIFIER: Ty = Ty::Obj(HEADER_MODIFIER);

static MIRROR: &[F] = &[
    req("backendRef", &T_BACKEND_OBJ_REF),
    f("percent", &T_PERCENT),
    f("fraction", &T_FRACTION),
];
static T_PERCENT: Ty = int(0, 100);
static FRACTION: &[F] = &[
    req("numerator", &T_NON_NEGATIVE),
    f("denominator", &T_POSITIVE),
];
static T_FRACTION: Ty = Ty::Obj(FRACTION);
static T_NON_NEGATIVE: Ty = int(0, I32);
static T_POSITIVE: Ty = int(1, I32);
static T_MIRROR: Ty = Ty::Obj(MIRROR);

static PATH_MODIFIER: &[F] = &[
    req(
        "type",
        &Ty::Str(S {
            min: 0,
            max: usize::MAX,
            pat: None,
            en: &["ReplaceFullPath", "ReplacePrefixMatch"],
        }),
    ),
    f("replaceFullPath", &T_PATH_1024),
    f("replacePrefixMatch", &T_PATH_1024),
];
static T_PATH_1024: Ty = s(0, 1024, None);
static T_PATH_MODIFIER: Ty = Ty::Obj(PATH_MODIFIER);

static REDIRECT: &[F] = &[
    f("scheme", &T_SCHEME),
    f("hostname", &T_PRECISE_HOSTNAME),
    f("path", &T_PATH_MODIFIER),
    f("port", &T_PORT),
    f("statusCode", &T_STATUS),
];
static T_SCHEME: Ty = en(&["http", "https"]);
static T_STATUS: Ty = Ty::Int {
    min: i64::MIN,
    max: i64::MAX,
    en: &[301, 302, 303, 307, 308],
};
static T_REDIRECT: Ty = Ty::Obj(REDIRECT);

static REWRITE: &[F] = &[
    f("hostname", &T_PRECISE_HOSTNAME),
    f("path", &T_PATH_MODIFIER),
];
static T_REWRITE: Ty = Ty::Obj(REWRITE);

static CORS: &[F] = &[
    f("allowOrigins", &T_ORIGINS),
    f("allowCredentials", &T_BOOL),
    f("allowMethods", &T_METHODS_STAR),
    f("allowHeaders", &T_CORS_HEADERS),
    f("exposeHeaders", &T_CORS_HEADERS),
    f("maxAge", &T_POSITIVE),
];
static T_ORIGINS: Ty = set(&T_ORIGIN, 64);
static T_ORIGIN: Ty = s(1, 253, Some(&CORS_ORIGIN));
static T_METHODS_STAR: Ty = set(&T_METHOD_STAR, 9);
static T_METHOD_STAR: Ty = en(&[
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "*",
]);
static T_CORS_HEADERS: Ty = set(&T_HEADER_NAME, 64);
static T_CORS: Ty = Ty::Obj(CORS);

/// ExternalAuth (experimental channel).
static EXT_AUTH: &[F] = &[
    req("protocol", &T_EXT_PROTOCOL),
    req("backendRef", &T_BACKEND_OBJ_REF),
    f("grpc", &T_EXT_GRPC),
    f("http", &T_EXT_HTTP),
    f("forwardBody", &T_FORWARD_BODY),
];
static T_EXT_PROTOCOL: Ty = en(&["HTTP", "GRPC"]);
static T_HEADER_SET: Ty = set(&T_STRING, 64);
static T_EXT_GRPC: Ty = Ty::Obj(&[f("allowedHeaders", &T_HEADER_SET)]);
static T_EXT_HTTP: Ty = Ty::Obj(&[
    f("path", &T_EXT_PATH),
    f("allowedHeaders", &T_HEADER_SET),
    f("allowedResponseHeaders", &T_HEADER_SET),
]);
static T_EXT_PATH: Ty = s(0, 1024, Some(&HTTP_PATH));
static T_FORWARD_BODY: Ty = Ty::Obj(&[f("maxSize", &T_NON_NEGATIVE)]);
static T_EXT_AUTH: Ty = Ty::Obj(EXT_AUTH);

static HTTP_FILTER: &[F] = &[
    req("type", &T_HTTP_FILTER_TYPE),
    f("requestHeaderModifier", &T_HEADER_MODIFIER),
    f("responseHeaderModifier", &T_HEADER_MODIFIER),
    f("requestMirror", &T_MIRROR),
    f("requestRedirect", &T_REDIRECT),
    f("urlRewrite", &T_REWRITE),
    f("extensionRef", &T_LOCAL_REF),
    f("cors", &T_CORS),
    f("externalAuth", &T_EXT_AUTH),
];
static T_HTTP_FILTER_TYPE: Ty = en(&[
    "RequestHeaderModifier",
    "ResponseHeaderModifier",
    "RequestMirror",
    "RequestRedirect",
    "URLRewrite",
    "ExtensionRef",
    "CORS",
    "ExternalAuth",
]);
static T_HTTP_FILTERS: Ty = list(&T_HTTP_FILTER, 0, 16);
static T_HTTP_FILTER: Ty = Ty::Obj(HTTP_FILTER);

static GRPC_FILTER: &[F] = &[
    req("type", &T_GRPC_FILTER_TYPE),
    f("requestHeaderModifier", &T_HEADER_MODIFIER),
    f("responseHeaderModifier", &T_HEADER_MODIFIER),
    f("requestMirror", &T_MIRROR),
    f("extensionRef", &T_LOCAL_REF),
];
static T_GRPC_FILTER_TYPE: Ty = en(&[
    "ResponseHeaderModifier",
    "RequestHeaderModifier",
    "RequestMirror",
    "ExtensionRef",
]);
static T_GRPC_FILTERS: Ty = list(&T_GRPC_FILTER, 0, 16);
static T_GRPC_FILTER: Ty = Ty::Obj(GRPC_FILTER);

// ---- routes ---------------------------------------------------------------------------------

static T_WEIGHT: Ty = int(0, 1_000_000);

static HTTP_BACKEND: &[F] = &[
    f("group", &T_GROUP),
    f("kind", &T_KIND),
    req("name", &T_NAME),
    f("namespace", &T_NAMESPACE),
    f("port", &T_PORT),
    f("weight", &T_WEIGHT),
    f("filters", &T_HTTP_FILTERS),
];
static GRPC_BACKEND: &[F] = &[
    f("group", &T_GROUP),
    f("kind", &T_KIND),
    req("name", &T_NAME),
    f("namespace", &T_NAMESPACE),
    f("port", &T_PORT),
    f("weight", &T_WEIGHT),
    f("filters", &T_GRPC_FILTERS),
];
static L4_BACKEND: &[F] = &[
    f("group", &T_GROUP),
    f("kind", &T_KIND),
    req("name", &T_NAME),
    f("namespace", &T_NAMESPACE),
    f("port", &T_PORT),
    f("weight", &T_WEIGHT),
];

static T_HTTP_METHOD: Ty = en(&[
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
]);
static T_MATCH_TYPE: Ty = en(&["Exact", "RegularExpression"]);
static HTTP_HEADER_MATCH: &[F] = &[
    f("type", &T_MATCH_TYPE),
    req("name", &T_HEADER_NAME),
    req("value", &T_HEADER_VALUE),
];
static QUERY_MATCH: &[F] = &[
    f("type", &T_MATCH_TYPE),
    req("name", &T_HEADER_NAME),
    req("value", &T_QUERY_VALUE),
];
static T_QUERY_VALUE: Ty = s(1, 1024, None);
static HTTP_MATCH: &[F] = &[
    f("path", &T_PATH_MATCH),
    f("headers", &keyed(&Ty::Obj(HTTP_HEADER_MATCH), 16, "name")),
    f("queryParams", &keyed(&Ty::Obj(QUERY_MATCH), 16, "name")),
    f("method", &T_HTTP_METHOD),
];
static T_PATH_MATCH: Ty = Ty::Obj(&[f("type", &T_PATH_TYPE), f("value", &T_PATH_1024)]);
static T_PATH_TYPE: Ty = en(&["Exact", "PathPrefix", "RegularExpression"]);

static SESSION_PERSISTENCE: &[F] = &[
    f("sessionName", &T_SESSION_NAME),
    f("absoluteTimeout", &T_DURATION),
    f("idleTimeout", &T_DURATION),
    f("type", &T_SESSION_TYPE),
    f("cookie", &T_COOKIE),
    f("header", &T_SP_HEADER),
];
static T_SESSION_NAME: Ty = s(0, 128, None);
static T_SESSION_TYPE: Ty = en(&["Cookie", "Header"]);
static T_COOKIE: Ty = Ty::Obj(&[
    f("lifetimeType", &T_LIFETIME),
    f("name", &T_HEADER_NAME),
    f("path", &T_PATH_1024),
]);
static T_LIFETIME: Ty = en(&["Permanent", "Session"]);
static T_SP_HEADER: Ty = Ty::Obj(&[req("name", &T_HEADER_NAME)]);
static T_SESSION_PERSISTENCE: Ty = Ty::Obj(SESSION_PERSISTENCE);

static HTTP_RULE: &[F] = &[
    f("name", &T_SECTION),
    f("matches", &list(&Ty::Obj(HTTP_MATCH), 0, 64)),
    f("filters", &T_HTTP_FILTERS),
    f("backendRefs", &list(&Ty::Obj(HTTP_BACKEND), 0, 16)),
    f(
        "timeouts",
        &Ty::Obj(&[f("request", &T_DURATION), f("backendRequest", &T_DURATION)]),
    ),
    f(
        "retry",
        &Ty::Obj(&[
            f("codes", &set(&int(400, 599), usize::MAX)),
            f("attempts", &T_POSITIVE),
            f("backoff", &T_DURATION),
        ]),
    ),
    f("sessionPersistence", &T_SESSION_PERSISTENCE),
];
static T_DEFAULT_GATEWAYS: Ty = en(&["All", "None"]);
static HTTP_ROUTE: &[F] = &[
    f("parentRefs", &T_PARENT_REFS),
    f("hostnames", &T_HOSTNAMES),
    f("rules", &list(&Ty::Obj(HTTP_RULE), 1, 16)),
    f("useDefaultGateways", &T_DEFAULT_GATEWAYS),
];

static GRPC_MATCH: &[F] = &[
    f(
        "method",
        &Ty::Obj(&[
            f("type", &T_MATCH_TYPE),
            f("service", &T_PATH_1024),
            f("method", &T_PATH_1024),
        ]),
    ),
    f(
        "headers",
        &keyed(
            &Ty::Obj(&[
                f("type", &T_MATCH_TYPE),
                req("name", &T_HEADER_NAME),
                req("value", &s(1, 4096, None)),
            ]),
            16,
            "name",
        ),
    ),
];
static GRPC_RULE: &[F] = &[
    f("name", &T_SECTION),
    f("matches", &list(&Ty::Obj(GRPC_MATCH), 0, 64)),
    f("filters", &T_GRPC_FILTERS),
    f("backendRefs", &list(&Ty::Obj(GRPC_BACKEND), 0, 16)),
    f("sessionPersistence", &T_SESSION_PERSISTENCE),
];
static GRPC_ROUTE: &[F] = &[
    f("parentRefs", &T_PARENT_REFS),
    f("hostnames", &T_HOSTNAMES),
    f("rules", &list(&Ty::Obj(GRPC_RULE), 0, 16)),
    f("useDefaultGateways", &T_DEFAULT_GATEWAYS),
];

static L4_RULE: &[F] = &[
    f("name", &T_SECTION),
    req("backendRefs", &list(&Ty::Obj(L4_BACKEND), 1, 16)),
];
/// TCPRoute and UDPRoute v1 (one rule).
static L4_ROUTE: &[F] = &[
    f("parentRefs", &T_PARENT_REFS),
    req("rules", &list(&Ty::Obj(L4_RULE), 1, 1)),
    f("useDefaultGateways", &T_DEFAULT_GATEWAYS),
];
/// TCPRoute and UDPRoute v1alpha2 (up to 16 rules).
static L4_ROUTE_ALPHA2: &[F] = &[
    f("parentRefs", &T_PARENT_REFS),
    req("rules", &list(&Ty::Obj(L4_RULE), 1, 16)),
    f("useDefaultGateways", &T_DEFAULT_GATEWAYS),
];
/// TLSRoute v1 and v1alpha3 (hostnames required).
static TLS_ROUTE: &[F] = &[
    f("parentRefs", &T_PARENT_REFS),
    req("hostnames", &list(&T_HOSTNAME, 1, 1024)),
    req("rules", &list(&Ty::Obj(L4_RULE), 1, 1)),
    f("useDefaultGateways", &T_DEFAULT_GATEWAYS),
];
static TLS_ROUTE_ALPHA2: &[F] = &[
    f("parentRefs", &T_PARENT_REFS),
    f("hostnames", &list(&T_HOSTNAME, 0, 16)),
    req("rules", &list(&Ty::Obj(L4_RULE), 1, 16)),
    f("useDefaultGateways", &T_DEFAULT_GATEWAYS),
];

// ---- Gateway, ListenerSet, GatewayClass, ReferenceGrant, BackendTLSPolicy --------------------

static ALLOWED_ROUTES: &[F] = &[
    f(
        "namespaces",
        &Ty::Obj(&[
            f("from", &en(&["All", "Selector", "Same"])),
            f("selector", &T_ANY),
        ]),
    ),
    f(
        "kinds",
        &list(
            &Ty::Obj(&[f("group", &T_GROUP), req("kind", &T_KIND)]),
            0,
            8,
        ),
    ),
];
static LISTENER_TLS: &[F] = &[
    f("mode", &en(&["Terminate", "Passthrough"])),
    f("certificateRefs", &list(&T_SECRET_REF, 0, 64)),
    f("options", &T_OPTIONS),
    // older releases' listener-level frontend validation
    f("frontendValidation", &T_ANY),
];
static LISTENER: &[F] = &[
    req("name", &T_SECTION),
    f("hostname", &T_HOSTNAME),
    req("port", &T_PORT),
    req("protocol", &s(1, 255, Some(&PROTOCOL))),
    f("tls", &Ty::Obj(LISTENER_TLS)),
    f("allowedRoutes", &Ty::Obj(ALLOWED_ROUTES)),
];
static T_LISTENERS: Ty = Ty::List {
    item: &Ty::Obj(LISTENER),
    min: 1,
    max: 64,
    key: Key::Map("name"),
};
static FRONTEND_VALIDATION: &[F] = &[
    req("caCertificateRefs", &list(&T_NS_REF, 1, 16)),
    f("mode", &en(&["AllowValidOnly", "AllowInsecureFallback"])),
];
static GATEWAY_TLS: &[F] = &[
    f(
        "backend",
        &Ty::Obj(&[f("clientCertificateRef", &T_SECRET_REF)]),
    ),
    f(
        "frontend",
        &Ty::Obj(&[
            req(
                "default",
                &Ty::Obj(&[f("validation", &Ty::Obj(FRONTEND_VALIDATION))]),
            ),
            f(
                "perPort",
                &keyed(
                    &Ty::Obj(&[
                        req("port", &T_PORT),
                        req(
                            "tls",
                            &Ty::Obj(&[f("validation", &Ty::Obj(FRONTEND_VALIDATION))]),
                        ),
                    ]),
                    64,
                    "port",
                ),
            ),
        ]),
    ),
];
static GATEWAY: &[F] = &[
    req("gatewayClassName", &T_NAME),
    req("listeners", &T_LISTENERS),
    f(
        "addresses",
        &list(
            &Ty::Obj(&[
                f("type", &s(1, 253, Some(&ADDRESS_TYPE))),
                f("value", &s(0, 253, None)),
            ]),
            0,
            16,
        ),
    ),
    f(
        "infrastructure",
        &Ty::Obj(&[
            f(
                "labels",
                &Ty::Map {
                    val: &s(0, 63, Some(&LABEL_VALUE)),
                    max: 8,
                },
            ),
            f(
                "annotations",
                &Ty::Map {
                    val: &T_OPTION_VALUE,
                    max: 16,
                },
            ),
            f(
                "parametersRef",
                &Ty::Obj(&[
                    req("group", &T_GROUP),
                    req("kind", &T_KIND),
                    req("name", &T_NAME),
                ]),
            ),
        ]),
    ),
    f(
        "allowedListeners",
        &Ty::Obj(&[f(
            "namespaces",
            &Ty::Obj(&[
                f("from", &en(&["All", "Selector", "Same", "None"])),
                f("selector", &T_ANY),
            ]),
        )]),
    ),
    f("tls", &Ty::Obj(GATEWAY_TLS)),
    f("defaultScope", &T_DEFAULT_GATEWAYS),
];
static LISTENER_SET: &[F] = &[
    req(
        "parentRef",
        &Ty::Obj(&[
            f("group", &T_GROUP),
            f("kind", &T_KIND),
            req("name", &T_NAME),
            f("namespace", &T_NAMESPACE),
        ]),
    ),
    req("listeners", &T_LISTENERS),
];
static GATEWAY_CLASS: &[F] = &[
    req("controllerName", &s(1, 253, Some(&CONTROLLER))),
    f("parametersRef", &T_NS_REF),
    f("description", &s(0, 64, None)),
];
static REFERENCE_GRANT: &[F] = &[
    req(
        "from",
        &list(
            &Ty::Obj(&[
                req("group", &T_GROUP),
                req("kind", &T_KIND),
                req("namespace", &T_NAMESPACE),
            ]),
            1,
            16,
        ),
    ),
    req(
        "to",
        &list(
            &Ty::Obj(&[
                req("group", &T_GROUP),
                req("kind", &T_KIND),
                f("name", &T_NAME),
            ]),
            1,
            16,
        ),
    ),
];
static BACKEND_TLS_POLICY: &[F] = &[
    req(
        "targetRefs",
        &list(
            &Ty::Obj(&[
                req("group", &T_GROUP),
                req("kind", &T_KIND),
                req("name", &T_NAME),
                f("sectionName", &T_SECTION),
            ]),
            1,
            16,
        ),
    ),
    req(
        "validation",
        &Ty::Obj(&[
            f("caCertificateRefs", &list(&T_LOCAL_REF, 0, 8)),
            f("wellKnownCACertificates", &s(1, 253, Some(&WELL_KNOWN_CA))),
            req("hostname", &T_PRECISE_HOSTNAME),
            f(
                "subjectAltNames",
                &list(
                    &Ty::Obj(&[
                        req("type", &en(&["Hostname", "URI"])),
                        f("hostname", &T_HOSTNAME),
                        f("uri", &s(1, 253, Some(&URI))),
                    ]),
                    0,
                    5,
                ),
            ),
        ]),
    ),
    f("options", &T_OPTIONS),
];

/// The schema of a served `kind`/`version` (of group gateway.networking.k8s.io or its
/// experimental group); `None` for versions the CRDs do not serve and for kinds not ported.
pub fn spec_fields(group: &str, kind: &str, version: &str) -> Option<&'static [F]> {
    use crate::model::gateway_api::{EXPERIMENTAL_GROUP, GROUP};
    if group == EXPERIMENTAL_GROUP {
        return match (kind, version) {
            ("XListenerSet", "v1alpha1") => Some(LISTENER_SET),
            _ => None,
        };
    }
    if group != GROUP {
        return None;
    }
    Some(match (kind, version) {
        ("GatewayClass", "v1" | "v1beta1") => GATEWAY_CLASS,
        ("Gateway", "v1" | "v1beta1") => GATEWAY,
        ("ListenerSet", "v1") => LISTENER_SET,
        ("HTTPRoute", "v1" | "v1beta1") => HTTP_ROUTE,
        ("GRPCRoute", "v1") => GRPC_ROUTE,
        ("TCPRoute" | "UDPRoute", "v1") => L4_ROUTE,
        ("TCPRoute" | "UDPRoute", "v1alpha2") => L4_ROUTE_ALPHA2,
        ("TLSRoute", "v1" | "v1alpha3") => TLS_ROUTE,
        ("TLSRoute", "v1alpha2") => TLS_ROUTE_ALPHA2,
        ("ReferenceGrant", "v1" | "v1beta1") => REFERENCE_GRANT,
        ("BackendTLSPolicy", "v1" | "v1alpha3") => BACKEND_TLS_POLICY,
        _ => return None,
    })
}

/// Reports where the spec tree breaks the schema `fields`: errors for what the API server
/// rejects, warnings for unknown fields (kubectl rejects them; other clients have them
/// dropped).
pub struct Walk<'o> {
    pub what: String,
    pub out: &'o mut Out,
}

impl Walk<'_> {
    pub fn err(&mut self, span: crate::source::Span, path: &str, problem: String, help: String) {
        let message = format!(
            "{}: `{path}` {problem}; the API server rejects the object",
            self.what
        );
        self.out
            .err(span, message, "rejected by the CRD schema", help);
    }

    pub fn object(&mut self, n: &Node, fields: &'static [F], path: &str) {
        if !n.is_map() {
            return; // a wrong type: invalid-type (ML003) where the model reads it
        }
        for fd in fields {
            if fd.req && n.get(fd.name).is_none() {
                let at = if path.is_empty() {
                    fd.name.to_string()
                } else {
                    format!("{path}.{}", fd.name)
                };
                self.err(
                    n.key_span(fd.name).unwrap_or(n.span),
                    &at,
                    "is required but missing".to_string(),
                    format!("add `{}`", fd.name),
                );
            }
        }
        for (k, v) in n.entries() {
            let at = if path.is_empty() {
                k.value.to_string()
            } else {
                format!("{path}.{}", k.value)
            };
            match fields.iter().find(|fd| fd.name == k.value) {
                Some(fd) => {
                    if !v.is_null() {
                        self.value(v, fd.ty, &at);
                    }
                }
                None => {
                    let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
                    self.out.warn(
                        k.span,
                        format!(
                            "{}: `{at}` is not a field of the Gateway API schema; kubectl rejects the object (`unknown field`), other clients have the field dropped",
                            self.what
                        ),
                        "unknown field",
                        format!("remove it, or use one of: {}", known.join(", ")),
                    );
                }
            }
        }
    }

    fn value(&mut self, n: &Node, ty: &'static Ty, path: &str) {
        match ty {
            Ty::Any => {}
            Ty::Bool => {}
            Ty::Obj(fields) => self.object(n, fields, path),
            Ty::Str(sp) => {
                let Some(v) = n.as_str() else { return };
                let len = v.chars().count();
                if !sp.en.is_empty() {
                    if !sp.en.contains(&v) {
                        self.err(
                            n.span,
                            path,
                            format!("is `{v}`, not one of the supported values"),
                            format!("use one of: {}", sp.en.join(", ")),
                        );
                    }
                    return;
                }
                if len < sp.min {
                    self.err(
                        n.span,
                        path,
                        format!("is shorter than {} character(s)", sp.min),
                        "write a value or remove the field".to_string(),
                    );
                } else if len > sp.max {
                    self.err(
                        n.span,
                        path,
                        format!("is {len} characters long, more than the {} allowed", sp.max),
                        format!("shorten it to at most {} characters", sp.max),
                    );
                } else if let Some(p) = sp.pat {
                    if !p.is_match(v) {
                        self.err(
                            n.span,
                            path,
                            format!("is {v:?}, which does not match `{}`", p.src),
                            pattern_help(p),
                        );
                    }
                }
            }
            Ty::Int { min, max, en } => {
                let Kind::Scalar(text, ScalarType::Int) = &n.kind else {
                    return;
                };
                let Some(v) = crate::yaml::parse_int(text.trim()) else {
                    return;
                };
                if !en.is_empty() {
                    if !en.contains(&v) {
                        let all: Vec<String> = en.iter().map(|x| x.to_string()).collect();
                        self.err(
                            n.span,
                            path,
                            format!("is {v}, not one of the supported values"),
                            format!("use one of: {}", all.join(", ")),
                        );
                    }
                } else if v < *min {
                    self.err(
                        n.span,
                        path,
                        format!("is {v}, less than the minimum {min}"),
                        format!("use a value from {min} to {}", max),
                    );
                } else if v > *max {
                    self.err(
                        n.span,
                        path,
                        format!("is {v}, more than the maximum {max}"),
                        format!("use a value from {min} to {max}"),
                    );
                }
            }
            Ty::Map { val, max } => {
                if !n.is_map() {
                    return;
                }
                if n.entries().len() > *max {
                    self.err(
                        n.span,
                        path,
                        format!(
                            "has {} entries, more than the {max} allowed",
                            n.entries().len()
                        ),
                        format!("keep at most {max} entries"),
                    );
                }
                for (k, v) in n.entries() {
                    if !v.is_null() {
                        self.value(v, val, &format!("{path}.{}", k.value));
                    }
                }
            }
            Ty::List {
                item,
                min,
                max,
                key,
            } => {
                if !n.is_seq() {
                    return;
                }
                let items = n.items();
                if items.len() < *min {
                    self.err(
                        n.span,
                        path,
                        format!("has {} item(s), fewer than the {min} required", items.len()),
                        format!("write at least {min} item(s)"),
                    );
                } else if items.len() > *max {
                    self.err(
                        n.span,
                        path,
                        format!("has {} items, more than the {max} allowed", items.len()),
                        format!("keep at most {max} items (split the object in two)"),
                    );
                }
                for (i, it) in items.iter().enumerate() {
                    let at = format!("{path}[{i}]");
                    self.value(it, item, &at);
                    let dup = match key {
                        Key::Atomic => None,
                        Key::Set => it.text().and_then(|t| {
                            items[..i]
                                .iter()
                                .any(|p| p.text() == Some(t))
                                .then(|| (it.span, format!("repeats {t:?}")))
                        }),
                        Key::Map(k) => it.get(k).and_then(|kv| {
                            let t = kv.text()?;
                            items[..i]
                                .iter()
                                .any(|p| p.get(k).and_then(Node::text) == Some(t))
                                .then(|| (kv.span, format!("repeats `{k}: {t}`")))
                        }),
                    };
                    if let Some((span, what)) = dup {
                        self.err(
                            span,
                            &at,
                            format!("{what} of an earlier item (a duplicate value)"),
                            "merge the two items or remove one".to_string(),
                        );
                    }
                }
            }
        }
    }
}

fn pattern_help(p: &Pat) -> String {
    if std::ptr::eq(p, &HOSTNAME) {
        "write a lower-case DNS name (an optional leading `*.`), without scheme, port or path"
            .into()
    } else if std::ptr::eq(p, &DNS_SUBDOMAIN) {
        "write lower-case letters, digits, `-` and `.` only (no wildcard)".into()
    } else if std::ptr::eq(p, &HEADER_NAME) {
        "write a header name: letters, digits and !#$%&'*+-.^_`|~ only".into()
    } else if std::ptr::eq(p, &HEADER_VALUE) {
        "write printable characters only; no line breaks, no leading or trailing space".into()
    } else if std::ptr::eq(p, &DURATION) {
        "write a Gateway API duration such as `10s`, `1m30s` or `500ms`".into()
    } else if std::ptr::eq(p, &GROUP) {
        "write an API group such as `gateway.networking.k8s.io`, or \"\" for the core group".into()
    } else if std::ptr::eq(p, &KIND) {
        "write a kind name such as `Service`".into()
    } else if std::ptr::eq(p, &CONTROLLER) {
        "write `<domain>/<path>`, for Istio `istio.io/gateway-controller`".into()
    } else {
        "write a value matching the pattern".into()
    }
}

/// Validates a Gateway API object: schema ([`spec_fields`]) and CEL rules ([`super::cel`]).
pub fn validate(r: &Resource, out: &mut Out) {
    let crate::model::Spec::GatewayApi(g) = &r.spec else {
        return;
    };
    let version = r.api_version.rsplit('/').next().unwrap_or("");
    let Some(fields) = spec_fields(r.group(), &r.kind, version) else {
        return;
    };
    let what = super::cel::object_name(r);
    let mut w = Walk { what, out };
    match &g.tree {
        Some(tree) => {
            w.object(tree, fields, "spec");
            super::cel::check(r, tree, &mut w);
        }
        None => w.err(
            r.name_span,
            "spec",
            "is required but missing".to_string(),
            "add the `spec` of the object".to_string(),
        ),
    }
}
