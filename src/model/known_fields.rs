//! The field names of the Istio kinds whose readers take only what the rules need (security,
//! telemetry and extension kinds): their CRD schemas (manifests/charts/base/files/
//! crd-all.gen.yaml) are structural, so the API server drops an unknown field (or rejects it
//! under kubectl's strict field validation) and a typo such as `notPrincipal` silently changes
//! what a policy matches. Walked once over the spec; unknown keys are `unknown-field` findings
//! with a did-you-mean.

use super::reader::Cx;
use crate::yaml::Value;

/// The shape of a schema node.
pub enum Shape {
    /// An object with these fields.
    Obj(&'static str, &'static [(&'static str, Shape)]),
    /// A list of items of this shape.
    List(&'static Shape),
    /// A map with arbitrary keys and values of this shape.
    Map(&'static Shape),
    /// A scalar, or anything the schema leaves open.
    Leaf,
}

use Shape::{Leaf, List, Map, Obj};

const STRINGS: Shape = List(&Leaf);
const SELECTOR: Shape = Obj("selector", &[("matchLabels", Map(&Leaf))]);
const TARGET_REF: Shape = Obj(
    "targetRef",
    &[
        ("group", Leaf),
        ("kind", Leaf),
        ("name", Leaf),
        ("namespace", Leaf),
    ],
);
const TARGET_REFS: Shape = List(&TARGET_REF);

pub const AUTHORIZATION_POLICY: Shape = Obj(
    "AuthorizationPolicy spec",
    &[
        ("selector", SELECTOR),
        ("targetRef", TARGET_REF),
        ("targetRefs", TARGET_REFS),
        ("action", Leaf),
        ("provider", Obj("provider", &[("name", Leaf)])),
        (
            "rules",
            List(&Obj(
                "rules[]",
                &[
                    (
                        "from",
                        List(&Obj(
                            "rules[].from[]",
                            &[(
                                "source",
                                Obj(
                                    "rules[].from[].source",
                                    &[
                                        ("principals", STRINGS),
                                        ("notPrincipals", STRINGS),
                                        ("requestPrincipals", STRINGS),
                                        ("notRequestPrincipals", STRINGS),
                                        ("namespaces", STRINGS),
                                        ("notNamespaces", STRINGS),
                                        ("ipBlocks", STRINGS),
                                        ("notIpBlocks", STRINGS),
                                        ("remoteIpBlocks", STRINGS),
                                        ("notRemoteIpBlocks", STRINGS),
                                        ("serviceAccounts", STRINGS),
                                        ("notServiceAccounts", STRINGS),
                                        ("trustDomains", STRINGS),
                                        ("notTrustDomains", STRINGS),
                                    ],
                                ),
                            )],
                        )),
                    ),
                    (
                        "to",
                        List(&Obj(
                            "rules[].to[]",
                            &[(
                                "operation",
                                Obj(
                                    "rules[].to[].operation",
                                    &[
                                        ("hosts", STRINGS),
                                        ("notHosts", STRINGS),
                                        ("ports", STRINGS),
                                        ("notPorts", STRINGS),
                                        ("methods", STRINGS),
                                        ("notMethods", STRINGS),
                                        ("paths", STRINGS),
                                        ("notPaths", STRINGS),
                                    ],
                                ),
                            )],
                        )),
                    ),
                    (
                        "when",
                        List(&Obj(
                            "rules[].when[]",
                            &[("key", Leaf), ("values", STRINGS), ("notValues", STRINGS)],
                        )),
                    ),
                ],
            )),
        ),
    ],
);

pub const PEER_AUTHENTICATION: Shape = Obj(
    "PeerAuthentication spec",
    &[
        ("selector", SELECTOR),
        ("mtls", Obj("mtls", &[("mode", Leaf)])),
        (
            "portLevelMtls",
            Map(&Obj("portLevelMtls.<port>", &[("mode", Leaf)])),
        ),
    ],
);

pub const REQUEST_AUTHENTICATION: Shape = Obj(
    "RequestAuthentication spec",
    &[
        ("selector", SELECTOR),
        ("targetRef", TARGET_REF),
        ("targetRefs", TARGET_REFS),
        (
            "jwtRules",
            List(&Obj(
                "jwtRules[]",
                &[
                    ("issuer", Leaf),
                    ("audiences", STRINGS),
                    ("jwksUri", Leaf),
                    ("jwks_uri", Leaf),
                    ("jwks", Leaf),
                    (
                        "fromHeaders",
                        List(&Obj(
                            "jwtRules[].fromHeaders[]",
                            &[("name", Leaf), ("prefix", Leaf)],
                        )),
                    ),
                    ("fromParams", STRINGS),
                    ("fromCookies", STRINGS),
                    ("outputPayloadToHeader", Leaf),
                    ("forwardOriginalToken", Leaf),
                    (
                        "outputClaimToHeaders",
                        List(&Obj(
                            "jwtRules[].outputClaimToHeaders[]",
                            &[("header", Leaf), ("claim", Leaf)],
                        )),
                    ),
                    ("timeout", Leaf),
                    ("spaceDelimitedClaims", STRINGS),
                    ("presence", Leaf),
                ],
            )),
        ),
    ],
);

const PROVIDERS: Shape = List(&Obj("providers[]", &[("name", Leaf)]));
const MODE_MATCH: Shape = Obj("match", &[("mode", Leaf)]);

pub const TELEMETRY: Shape = Obj(
    "Telemetry spec",
    &[
        ("selector", SELECTOR),
        ("targetRef", TARGET_REF),
        ("targetRefs", TARGET_REFS),
        (
            "tracing",
            List(&Obj(
                "tracing[]",
                &[
                    ("match", MODE_MATCH),
                    ("providers", PROVIDERS),
                    ("randomSamplingPercentage", Leaf),
                    ("disableSpanReporting", Leaf),
                    ("disableContextPropagation", Leaf),
                    ("useRequestIdForTraceSampling", Leaf),
                    ("enableIstioTags", Leaf),
                    (
                        "customTags",
                        Map(&Obj(
                            "tracing[].customTags.<tag>",
                            &[
                                ("literal", Obj("literal", &[("value", Leaf)])),
                                (
                                    "environment",
                                    Obj("environment", &[("name", Leaf), ("defaultValue", Leaf)]),
                                ),
                                (
                                    "header",
                                    Obj("header", &[("name", Leaf), ("defaultValue", Leaf)]),
                                ),
                                ("formatter", Obj("formatter", &[("value", Leaf)])),
                            ],
                        )),
                    ),
                ],
            )),
        ),
        (
            "metrics",
            List(&Obj(
                "metrics[]",
                &[
                    ("providers", PROVIDERS),
                    ("reportingInterval", Leaf),
                    (
                        "overrides",
                        List(&Obj(
                            "metrics[].overrides[]",
                            &[
                                (
                                    "match",
                                    Obj(
                                        "metrics[].overrides[].match",
                                        &[("metric", Leaf), ("customMetric", Leaf), ("mode", Leaf)],
                                    ),
                                ),
                                ("disabled", Leaf),
                                (
                                    "tagOverrides",
                                    Map(&Obj(
                                        "metrics[].overrides[].tagOverrides.<tag>",
                                        &[("operation", Leaf), ("value", Leaf)],
                                    )),
                                ),
                            ],
                        )),
                    ),
                ],
            )),
        ),
        (
            "accessLogging",
            List(&Obj(
                "accessLogging[]",
                &[
                    ("match", MODE_MATCH),
                    ("providers", PROVIDERS),
                    ("disabled", Leaf),
                    ("filter", Obj("filter", &[("expression", Leaf)])),
                ],
            )),
        ),
    ],
);

/// Objects Istio's validation rejects when empty.
const MUST_NOT_BE_EMPTY: &[&str] = &["rules[].from[].source", "rules[].to[].operation"];

/// Reports the keys of `v` (and below) that `shape` does not list. Wrong types are left to the
/// readers and validators, which report them.
pub fn check<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>, shape: &'static Shape) {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return;
    };
    match shape {
        Obj(ty, fields) => {
            if !v.is_map() {
                return;
            }
            let Some(entries) = cx.entries(v) else {
                return;
            };
            let known: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
            let taken: Vec<&str> = entries
                .iter()
                .filter_map(|(k, _)| k.scalar().map(|s| s.0))
                .collect();
            // an AuthorizationPolicy source or operation with no known field is empty once the
            // API server drops the unknown ones, and Istio rejects the policy: one error here
            // (the validation does not report the emptiness again)
            let left_empty =
                MUST_NOT_BE_EMPTY.contains(ty) && !taken.iter().any(|t| known.contains(t));
            for (k, val) in entries.iter().copied() {
                let Some((key, _)) = k.scalar() else { continue };
                match fields.iter().find(|(n, _)| *n == key) {
                    Some((_, s)) => check(cx, Some(val), s),
                    None => {
                        cx.unknown_field(k, key, ty, &known, &taken);
                        if left_empty {
                            if let Some(d) = cx.diags.last_mut() {
                                d.severity = crate::diagnostics::Severity::Error;
                                d.message
                                    .push_str(", which leaves it empty: Istio rejects the policy");
                            }
                        }
                    }
                }
            }
        }
        List(item) => {
            if v.is_seq() {
                for i in v.items() {
                    check(cx, Some(i), item);
                }
            }
        }
        Map(value) => {
            if v.is_map() {
                for (_, val) in cx.entries(v).unwrap_or_default() {
                    check(cx, Some(val), value);
                }
            }
        }
        Leaf => {}
    }
}
