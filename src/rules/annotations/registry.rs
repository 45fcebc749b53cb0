//! Istio's annotation registry (istio.io/api `annotation/annotations.yaml`), written down as
//! data: each annotation's name, the resource kinds it belongs on and whether it is deprecated;
//! plus the value checks istiod's injector applies (`pkg/kube/inject/validate.go`). Checked
//! against istio/api b8f8791 (July 2026): every name and deprecation is there; where the api
//! lists fewer kinds than we do (`istio.io/rev`, the `gateway.istio.io/*` overrides), ours stay
//! wider, so that `misplaced-annotation` never reports what older registries allowed.

use std::net::IpAddr;

/// Where an annotation belongs. `ANY` means every kind.
pub const ANY: &str = "Any";

pub struct AnnotationDef {
    pub name: &'static str,
    pub resources: &'static [&'static str],
    pub deprecated: bool,
    /// Extra text for the deprecation message (what replaces it).
    pub replacement: &'static str,
}

const fn def(name: &'static str, resources: &'static [&'static str]) -> AnnotationDef {
    AnnotationDef {
        name,
        resources,
        deprecated: false,
        replacement: "",
    }
}

const fn deprecated(
    name: &'static str,
    resources: &'static [&'static str],
    replacement: &'static str,
) -> AnnotationDef {
    AnnotationDef {
        name,
        resources,
        deprecated: true,
        replacement,
    }
}

const POD: &[&str] = &["Pod"];
const SERVICE: &[&str] = &["Service"];
const ANY_KIND: &[&str] = &[ANY];

pub static ANNOTATIONS: &[AnnotationDef] = &[
    deprecated("alpha.istio.io/canonical-serviceaccounts", SERVICE, ""),
    deprecated("alpha.istio.io/identity", POD, ""),
    deprecated("alpha.istio.io/kubernetes-serviceaccounts", SERVICE, ""),
    def("ambient.istio.io/bypass-inbound-capture", POD),
    def("ambient.istio.io/dns-capture", POD),
    def("ambient.istio.io/redirection", POD),
    def(
        "ambient.istio.io/waypoint-inbound-binding",
        &["GatewayClass", "Gateway"],
    ),
    def("galley.istio.io/analyze-suppress", ANY_KIND),
    def("gateway.istio.io/controller-version", ANY_KIND),
    def("gateway.istio.io/managed", ANY_KIND),
    def("gateway.istio.io/name-override", ANY_KIND),
    def("gateway.istio.io/service-account", ANY_KIND),
    def("inject.istio.io/templates", POD),
    def("install.operator.istio.io/chart-owner", ANY_KIND),
    def("install.operator.istio.io/owner-generation", ANY_KIND),
    def("install.operator.istio.io/version", ANY_KIND),
    def("istio.io/autoRegistrationGroup", &["WorkloadEntry"]),
    def("istio.io/connectedAt", &["WorkloadEntry"]),
    def("istio.io/disconnectedAt", &["WorkloadEntry"]),
    def("istio.io/dry-run", &["AuthorizationPolicy"]),
    def("istio.io/reroute-virtual-interfaces", POD),
    def("istio.io/rev", ANY_KIND),
    def(
        "istio.io/use-waypoint-canary-weight",
        &["Service", "ServiceEntry", "Namespace"],
    ),
    def("istio.io/workloadController", &["WorkloadEntry"]),
    def("kubernetes.io/ingress.class", &["Ingress"]),
    def("networking.istio.io/address-type", ANY_KIND),
    def("networking.istio.io/exportTo", SERVICE),
    def("networking.istio.io/service-type", ANY_KIND),
    def(
        "networking.istio.io/traffic-distribution",
        &["Service", "ServiceEntry", "Namespace"],
    ),
    def("prometheus.istio.io/merge-metrics", POD),
    def("proxy.istio.io/config", POD),
    def("proxy.istio.io/overrides", POD),
    def("readiness.status.sidecar.istio.io/applicationPorts", POD),
    def("readiness.status.sidecar.istio.io/failureThreshold", POD),
    def("readiness.status.sidecar.istio.io/initialDelaySeconds", POD),
    def("readiness.status.sidecar.istio.io/periodSeconds", POD),
    def("sidecar.istio.io/agentLogLevel", POD),
    def("sidecar.istio.io/bootstrapOverride", POD),
    def("sidecar.istio.io/componentLogLevel", POD),
    deprecated("sidecar.istio.io/controlPlaneAuthPolicy", POD, ""),
    deprecated("sidecar.istio.io/discoveryAddress", POD, ""),
    def("sidecar.istio.io/enableCoreDump", POD),
    // no replacement: the in-proxy Wasm telemetry it configured is gone
    deprecated("sidecar.istio.io/extraStatTags", POD, ""),
    deprecated(
        "sidecar.istio.io/inject",
        POD,
        " in favor of the \"sidecar.istio.io/inject\" label",
    ),
    def("sidecar.istio.io/interceptionMode", POD),
    def("sidecar.istio.io/logLevel", POD),
    def("sidecar.istio.io/nativeSidecar", POD),
    def("sidecar.istio.io/proxyCPU", POD),
    def("sidecar.istio.io/proxyCPULimit", POD),
    def("sidecar.istio.io/proxyImage", POD),
    def("sidecar.istio.io/proxyImageType", POD),
    def("sidecar.istio.io/proxyMemory", POD),
    def("sidecar.istio.io/proxyMemoryLimit", POD),
    def("sidecar.istio.io/rewriteAppHTTPProbers", POD),
    deprecated(
        "sidecar.istio.io/statsCompression",
        POD,
        " in favor of the MeshConfig field `statsCompression`",
    ),
    def("sidecar.istio.io/statsEvictionInterval", POD),
    def("sidecar.istio.io/statsFlushInterval", POD),
    def("sidecar.istio.io/statsHistogramBins", POD),
    def("sidecar.istio.io/statsHistogramBuckets", POD),
    deprecated("sidecar.istio.io/statsInclusionPrefixes", POD, ""),
    deprecated("sidecar.istio.io/statsInclusionRegexps", POD, ""),
    deprecated("sidecar.istio.io/statsInclusionSuffixes", POD, ""),
    def("sidecar.istio.io/status", POD),
    def("sidecar.istio.io/userVolume", POD),
    def("sidecar.istio.io/userVolumeMount", POD),
    def("status.sidecar.istio.io/port", POD),
    def("topology.istio.io/controlPlaneClusters", ANY_KIND),
    def("traffic.istio.io/nodeSelector", SERVICE),
    def("traffic.sidecar.istio.io/excludeInboundPorts", POD),
    def("traffic.sidecar.istio.io/excludeInterfaces", POD),
    def("traffic.sidecar.istio.io/excludeOutboundIPRanges", POD),
    def("traffic.sidecar.istio.io/excludeOutboundPorts", POD),
    def("traffic.sidecar.istio.io/includeInboundPorts", POD),
    def("traffic.sidecar.istio.io/includeOutboundIPRanges", POD),
    def("traffic.sidecar.istio.io/includeOutboundPorts", POD),
    deprecated(
        "traffic.sidecar.istio.io/kubevirtInterfaces",
        POD,
        " in favor of the \"istio.io/reroute-virtual-interfaces\" annotation",
    ),
];

/// Annotations set by Istio itself that the analyzer never reports.
pub const ALWAYS_IGNORED: &[&str] = &[
    "sidecar.istio.io/status",
    "gateway.istio.io/controller-version",
    "istio.io/rev",
];

pub use crate::model::is_istio_annotation;

pub fn lookup(name: &str) -> Option<&'static AnnotationDef> {
    // sorted by name (a test checks)
    ANNOTATIONS
        .binary_search_by(|a| a.name.cmp(name))
        .ok()
        .map(|i| &ANNOTATIONS[i])
}

/// Istio's `inject.AnnotationValidation`: `Some(reason)` when the value is rejected.
pub fn validate(name: &str, value: &str) -> Option<String> {
    match name {
        "sidecar.istio.io/interceptionMode" => (!matches!(value, "REDIRECT" | "TPROXY" | "NONE"))
            .then(|| format!("interceptionMode must be REDIRECT, TPROXY or NONE, not `{value}`")),
        "status.sidecar.istio.io/port" => parse_port(value).err(),
        "readiness.status.sidecar.istio.io/initialDelaySeconds"
        | "readiness.status.sidecar.istio.io/periodSeconds"
        | "readiness.status.sidecar.istio.io/failureThreshold" => value
            .parse::<u32>()
            .is_err()
            .then(|| format!("`{value}` is not a non-negative 32-bit integer")),
        "traffic.sidecar.istio.io/includeOutboundIPRanges" if value == "*" => None,
        "traffic.sidecar.istio.io/includeOutboundIPRanges"
        | "traffic.sidecar.istio.io/excludeOutboundIPRanges" => cidr_list(value).err(),
        "traffic.sidecar.istio.io/includeInboundPorts" if value == "*" => None,
        "traffic.sidecar.istio.io/includeInboundPorts"
        | "traffic.sidecar.istio.io/excludeInboundPorts"
        | "traffic.sidecar.istio.io/excludeOutboundPorts" => port_list(value).err(),
        "prometheus.istio.io/merge-metrics" => (!matches!(
            value,
            "1" | "t"
                | "T"
                | "TRUE"
                | "true"
                | "True"
                | "0"
                | "f"
                | "F"
                | "FALSE"
                | "false"
                | "False"
        ))
        .then(|| format!("`{value}` is not a boolean")),
        _ => None,
    }
}

fn parse_port(s: &str) -> Result<u16, String> {
    s.trim()
        .parse::<u16>()
        .map_err(|_| format!("`{s}` is not a port number (0-65535)"))
}

fn port_list(s: &str) -> Result<(), String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(());
    }
    for p in s.split(',') {
        parse_port(p)?;
    }
    Ok(())
}

fn cidr_list(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Ok(());
    }
    for c in s.split(',') {
        let ok = c.split_once('/').is_some_and(|(ip, len)| {
            let Ok(ip) = ip.parse::<IpAddr>() else {
                return false;
            };
            let max = if ip.is_ipv4() { 32 } else { 128 };
            !len.is_empty()
                && len.chars().all(|ch| ch.is_ascii_digit())
                && (len == "0" || !len.starts_with('0'))
                && len.parse::<u32>().is_ok_and(|n| n <= max)
        });
        if !ok {
            return Err(format!("`{c}` is not a CIDR range such as 10.0.0.0/8"));
        }
    }
    Ok(())
}

/// One Istio annotation written on an object the annotation rules check.
pub struct Written<'r> {
    pub resource: &'r crate::model::Resource,
    /// The kind the annotation is effectively on: `Pod` for a Deployment's pod template.
    pub placed_on: &'r str,
    pub in_template: bool,
    pub key: &'r crate::source::Spanned<crate::source::Str>,
    pub value: &'r crate::source::Spanned<crate::source::Str>,
    pub def: Option<&'static AnnotationDef>,
}

/// Every Istio annotation (not always-ignored) on Namespaces, Services, Pods and Deployments,
/// including the annotations of Deployment pod templates.
pub fn written<'r>(ix: &crate::index::Index<'r>) -> Vec<Written<'r>> {
    let mut out = Vec::new();
    for kind in ["Namespace", "Service", "Pod", "Deployment"] {
        for &id in ix.of_kind(kind) {
            let r = ix.resource(id);
            let mut sets: Vec<(&str, bool, &crate::model::Labels)> =
                vec![(r.kind.as_str(), false, &r.annotations)];
            if let crate::model::Spec::Workload(w) = &r.spec {
                if kind != "Pod" {
                    sets.push(("Pod", true, &w.template_annotations));
                }
            }
            for (placed_on, in_template, anns) in sets {
                for (k, v) in anns {
                    if !is_istio_annotation(&k.value) || ALWAYS_IGNORED.contains(&k.value.as_str())
                    {
                        continue;
                    }
                    out.push(Written {
                        resource: r,
                        placed_on,
                        in_template,
                        key: k,
                        value: v,
                        def: lookup(&k.value),
                    });
                }
            }
        }
    }
    out
}

impl Written<'_> {
    pub fn where_(&self) -> String {
        let r = self.resource;
        if self.in_template {
            format!(
                "the pod template of {} `{}/{}`",
                r.kind, r.namespace, r.name
            )
        } else if r.cluster_scoped {
            format!("{} `{}`", r.kind, r.name)
        } else {
            format!("{} `{}/{}`", r.kind, r.namespace, r.name)
        }
    }

    /// Whether the annotation belongs on the kind it is written on.
    pub fn placed_right(&self) -> bool {
        self.def
            .is_some_and(|d| d.resources.contains(&ANY) || d.resources.contains(&self.placed_on))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert!(validate(
            "readiness.status.sidecar.istio.io/initialDelaySeconds",
            "bar"
        )
        .is_some());
        assert!(validate("readiness.status.sidecar.istio.io/periodSeconds", "10").is_none());
        assert!(validate("traffic.sidecar.istio.io/includeOutboundIPRanges", "*").is_none());
        assert!(validate(
            "traffic.sidecar.istio.io/excludeOutboundIPRanges",
            "10.0.0.0/8,::1/128"
        )
        .is_none());
        assert!(validate(
            "traffic.sidecar.istio.io/excludeOutboundIPRanges",
            "10.0.0.0"
        )
        .is_some());
        assert!(validate("traffic.sidecar.istio.io/excludeInboundPorts", "15020, 80").is_none());
        assert!(validate("traffic.sidecar.istio.io/excludeInboundPorts", "http").is_some());
        assert!(validate("sidecar.istio.io/interceptionMode", "REDIRECT").is_none());
        assert!(validate("sidecar.istio.io/interceptionMode", "redirect").is_some());
    }

    /// Annotations istio/api added after our first registry (waypoint canaries, the inbound
    /// binding of waypoints, auto-registered WorkloadEntries) are known, and where they belong.
    #[test]
    fn newer_api_annotations_are_known() {
        for (name, kind) in [
            ("istio.io/use-waypoint-canary-weight", "Service"),
            ("istio.io/use-waypoint-canary-weight", "Namespace"),
            ("ambient.istio.io/waypoint-inbound-binding", "Gateway"),
            ("istio.io/autoRegistrationGroup", "WorkloadEntry"),
            ("istio.io/reroute-virtual-interfaces", "Pod"),
            ("sidecar.istio.io/statsHistogramBins", "Pod"),
            ("networking.istio.io/traffic-distribution", "ServiceEntry"),
            ("networking.istio.io/traffic-distribution", "Namespace"),
        ] {
            let def = lookup(name).unwrap_or_else(|| panic!("{name} unknown"));
            assert!(def.resources.contains(&kind), "{name} on {kind}");
        }
        for name in [
            "sidecar.istio.io/statsCompression",
            "traffic.sidecar.istio.io/kubevirtInterfaces",
            "sidecar.istio.io/extraStatTags",
        ] {
            assert!(lookup(name).unwrap().deprecated, "{name}");
        }
        // sorted by name, one entry each
        assert!(ANNOTATIONS.windows(2).all(|w| w[0].name < w[1].name));
    }

    #[test]
    fn registry() {
        assert!(is_istio_annotation("networking.istio.io/exportThree"));
        assert!(is_istio_annotation("kubernetes.io/ingress.class"));
        assert!(!is_istio_annotation("kubernetes.io/psp"));
        assert!(lookup("networking.istio.io/exportThree").is_none());
        assert!(
            lookup("sidecar.istio.io/statsInclusionPrefixes")
                .unwrap()
                .deprecated
        );
    }
}
