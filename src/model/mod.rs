//! The typed model: Kubernetes objects read leniently out of YAML documents.

pub mod envoyfilter;
pub mod gateway_api;
pub mod identity;
pub mod istio;
pub mod k8s;
pub mod known_fields;
pub mod policy;
pub mod reader;
pub mod secret;
pub mod spec_tree;
pub mod tls;
pub mod workload_entry;

use crate::diagnostics::catalogue as meta;
use crate::diagnostics::{Diagnostic, ObjectRef};
use crate::source::{FileId, Span, Spanned, Str};
use crate::yaml::{Document, Value};
use reader::Cx;

pub type Labels = Vec<(Spanned<Str>, Spanned<Str>)>;

/// Options that change how documents are read.
#[derive(Debug, Clone)]
pub struct ModelOptions {
    /// Namespace for namespaced resources that do not set one.
    pub default_namespace: String,
    /// Treat ASM extension fields (`fallback`) as unknown, as upstream Istio does.
    pub istio_strict: bool,
    pub max_expanded_nodes: usize,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            default_namespace: "default".to_string(),
            istio_strict: false,
            max_expanded_nodes: 4_000_000,
        }
    }
}

/// A duration as Istio reads it (Go `time.ParseDuration` syntax: `1.5s`, `100ms`, `1m30s`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Duration {
    /// Nanoseconds, or `None` when the text does not parse.
    pub nanos: Option<i128>,
}

impl Duration {
    pub fn parse(s: &str) -> Duration {
        Duration {
            nanos: parse_go_duration(s.trim()),
        }
    }

    pub fn seconds(&self) -> Option<f64> {
        self.nanos.map(|n| n as f64 / 1e9)
    }
}

fn parse_go_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let num: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += num * mult;
    }
    if !total.is_finite() || total > 1e30 {
        return None;
    }
    let n = total.round() as i128;
    Some(if neg { -n } else { n })
}

/// The kinds meshlint models.
#[derive(Debug, Clone)]
pub enum Spec {
    VirtualService(istio::VirtualService),
    DestinationRule(Box<istio::DestinationRule>),
    Gateway(istio::Gateway),
    /// Boxed, as the largest and one of the rarer specs (every resource is as large as its
    /// largest inline variant).
    ServiceEntry(Box<istio::ServiceEntry>),
    Sidecar(istio::Sidecar),
    Service(k8s::Service),
    Namespace,
    /// A Kubernetes Gateway API object (Gateway, routes, ReferenceGrant, policies, ...; see
    /// [`gateway_api`]).
    GatewayApi(Box<gateway_api::GatewayApi>),
    /// A Pod, or a controller's pod template (Deployment, StatefulSet, ...).
    Workload(k8s::Workload),
    /// A kind meshlint does not model; counted only.
    Other,
    Telemetry(policy::Telemetry),
    AuthorizationPolicy(policy::AuthorizationPolicy),
    /// RequestAuthentication, PeerAuthentication and WasmPlugin: how they attach to workloads.
    RequestAuthentication(policy::Attachment),
    PeerAuthentication(policy::Attachment),
    WasmPlugin(policy::Attachment),
    CustomResourceDefinition(policy::Crd),
    /// An EnvoyFilter (networking.istio.io).
    EnvoyFilter(envoyfilter::EnvoyFilter),
    /// A core v1 Secret (gateway credentials).
    Secret(secret::Secret),
    /// A core v1 ConfigMap: its data keys (CA certificate references).
    ConfigMap(secret::ConfigMap),
    /// An object that makes Secrets (cert-manager `Certificate`, `SealedSecret`,
    /// `ExternalSecret`, `SecretProviderClass`): the names of the Secrets it makes, in its own
    /// namespace.
    SecretProvider(Vec<Str>),
    WorkloadEntry(workload_entry::WorkloadEntry),
    WorkloadGroup(workload_entry::WorkloadGroup),
}

impl Spec {
    /// Drops the spec tree kept for validation (once the validation has run).
    pub fn drop_tree(&mut self) {
        let tree = match self {
            Spec::VirtualService(x) => &mut x.tree,
            Spec::DestinationRule(x) => &mut x.tree,
            Spec::Gateway(x) => &mut x.tree,
            Spec::ServiceEntry(x) => &mut x.tree,
            Spec::Sidecar(x) => &mut x.tree,
            Spec::EnvoyFilter(x) => &mut x.tree,
            Spec::Telemetry(x) => &mut x.attach.tree,
            Spec::AuthorizationPolicy(x) => &mut x.attach.tree,
            Spec::RequestAuthentication(x) | Spec::PeerAuthentication(x) | Spec::WasmPlugin(x) => {
                &mut x.tree
            }
            Spec::WorkloadEntry(x) => &mut x.tree,
            Spec::WorkloadGroup(x) => &mut x.tree,
            Spec::GatewayApi(x) => &mut x.tree,
            Spec::Service(_)
            | Spec::Namespace
            | Spec::Workload(_)
            | Spec::Other
            | Spec::SecretProvider(_)
            | Spec::CustomResourceDefinition(_)
            | Spec::ConfigMap(_)
            | Spec::Secret(_) => return,
        };
        *tree = None;
    }
}

/// One Kubernetes object.
#[derive(Debug, Clone)]
pub struct Resource {
    pub file: FileId,
    pub api_version: Str,
    pub kind: Str,
    pub name: Str,
    pub name_span: Span,
    /// The effective namespace (the default one when not written).
    pub namespace: Str,
    pub namespace_written: bool,
    pub cluster_scoped: bool,
    pub labels: Labels,
    /// Istio's annotations only ([`istio_annotations`]).
    pub annotations: Labels,
    /// The whole object.
    pub span: Span,
    /// Byte offset of the first line of its YAML document.
    pub doc_start: u32,
    pub spec: Spec,
    /// Istio's validation findings (IST0106/IST0133), computed while the document is loaded
    /// (`rules::validation::precompute`).
    pub validation: Box<[crate::diagnostics::Finding]>,
}

impl Resource {
    pub fn object_ref(&self) -> ObjectRef {
        ObjectRef::new(
            &self.kind,
            (!self.cluster_scoped).then_some(self.namespace.as_str()),
            &self.name,
        )
    }

    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map(|(g, _)| g)
            .unwrap_or("")
    }

    pub fn annotation(&self, key: &str) -> Option<&Spanned<Str>> {
        self.annotations
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v)
    }
}

/// Istio's `istioAnnotation`: `kubernetes.io/ingress.class`, or a prefix ending in `istio.io`.
pub fn is_istio_annotation(name: &str) -> bool {
    if name == "kubernetes.io/ingress.class" {
        return true;
    }
    name.split('/')
        .next()
        .is_some_and(|p| p.ends_with("istio.io"))
}

/// The annotations the model keeps: Istio's ([`is_istio_annotation`]), the only ones a rule
/// reads. Others (`kubectl.kubernetes.io/last-applied-configuration` can be as large as the
/// object) are type-checked while reading, then dropped.
pub(crate) fn istio_annotations(mut all: Labels) -> Labels {
    all.retain(|(k, _)| is_istio_annotation(&k.value));
    all.shrink_to_fit();
    all
}

/// The `apiVersion`s longer than [`Str`]'s inline capacity that manifests repeat on every
/// object: kept as references to these texts rather than one allocation per resource.
const LONG_API_VERSIONS: &[&str] = &[
    "networking.istio.io/v1alpha3",
    "networking.istio.io/v1beta1",
    "security.istio.io/v1beta1",
    "telemetry.istio.io/v1alpha1",
    "extensions.istio.io/v1alpha1",
    "gateway.networking.k8s.io/v1",
    "gateway.networking.k8s.io/v1beta1",
    "gateway.networking.k8s.io/v1alpha2",
    "gateway.networking.k8s.io/v1alpha3",
    "gateway.networking.x-k8s.io/v1alpha1",
    "inference.networking.k8s.io/v1",
    "networking.k8s.io/v1",
    "apiextensions.k8s.io/v1",
];

fn api_version_str(s: &str) -> Str {
    match LONG_API_VERSIONS.iter().find(|v| **v == s) {
        Some(v) => Str::const_new(v),
        None => Str::from(s),
    }
}

const ISTIO_NETWORKING: &str = "networking.istio.io";

/// Reads every object of a document (a `kind: List` yields its items).
pub fn read_document(doc: &Document, opts: &ModelOptions) -> (Vec<Resource>, Vec<Diagnostic>) {
    let mut cx = Cx::new(doc, opts.max_expanded_nodes);
    cx.istio_strict = opts.istio_strict;
    let mut out = Vec::new();
    if let Some(root) = doc.root.and_then(|r| Value::new(doc, r)) {
        read_object(&mut cx, root, doc, opts, &mut out, 0);
    }
    (out, cx.diags)
}

fn read_object<'a>(
    cx: &mut Cx<'a>,
    v: Value<'a>,
    doc: &Document,
    opts: &ModelOptions,
    out: &mut Vec<Resource>,
    depth: usize,
) {
    if !v.is_map() {
        if !v.is_null() {
            cx.diags.push(
                Diagnostic::new(
                    &meta::NOT_A_RESOURCE,
                    format!(
                        "document is {}, not a Kubernetes object; skipped",
                        v.type_name()
                    ),
                )
                .at(v.span(), "not an object"),
            );
        }
        return;
    }
    let kind_v = v.get("kind");
    let api_v = v.get("apiVersion");
    let kind = kind_v.and_then(|k| k.scalar()).map(|s| Str::from(s.0));
    let api_version = api_v.and_then(|k| k.scalar()).map(|s| api_version_str(s.0));
    let (Some(kind), Some(api_version)) = (kind.clone(), api_version.clone()) else {
        let missing = match (kind, api_version) {
            (None, None) => "`apiVersion` and `kind`",
            (None, _) => "`kind`",
            _ => "`apiVersion`",
        };
        cx.diags.push(
            Diagnostic::new(
                &meta::NOT_A_RESOURCE,
                format!("document has no {missing}; it is not a Kubernetes object and was skipped"),
            )
            .at(v.span(), "no apiVersion/kind")
            .help("if this file is not a manifest, exclude it from the paths given to meshlint"),
        );
        return;
    };
    if kind == "List" || kind.ends_with("List") && api_version == "v1" {
        if depth < 2 {
            cx.check_unknown = false;
            let items = cx.list(v.get("items"), "items");
            for item in items {
                read_object(cx, item, doc, opts, out, depth + 1);
            }
        }
        return;
    }
    let group = api_version
        .rsplit_once('/')
        .map(|(g, _)| g.to_string())
        .unwrap_or_default();
    let meta_v = v.get("metadata");
    cx.check_unknown = false;
    let (name, ns, labels, annotations) = {
        let name = meta_v.and_then(|m| cx.string(m.get("name"), "metadata.name"));
        let name = name.or_else(|| {
            meta_v.and_then(|m| cx.string(m.get("generateName"), "metadata.generateName"))
        });
        let ns = meta_v.and_then(|m| cx.string(m.get("namespace"), "metadata.namespace"));
        let labels = cx.string_map(meta_v.and_then(|m| m.get("labels")), "metadata.labels");
        let annotations = istio_annotations(cx.string_map(
            meta_v.and_then(|m| m.get("annotations")),
            "metadata.annotations",
        ));
        (name, ns, labels, annotations)
    };
    let Some(name) = name else {
        // `istioctl install -f` input: the name is optional (operator/pkg/install/install.go
        // getOwnerLabels only labels with it when set) and no rule reads the object
        if kind == "IstioOperator" && group == "install.istio.io" {
            return;
        }
        let at = meta_v.map(|m| m.span()).unwrap_or(v.span());
        cx.diags.push(
            Diagnostic::new(
                &meta::MISSING_NAME,
                format!("{kind} has no `metadata.name`"),
            )
            .at(at, "name missing")
            .help("every Kubernetes object needs metadata.name; this one was not analyzed"),
        );
        return;
    };
    let cluster_scoped = matches!(
        kind.as_str(),
        "Namespace"
            | "Node"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "MutatingWebhookConfiguration"
            | "ValidatingWebhookConfiguration"
            | "PersistentVolume"
            | "StorageClass"
            | "PriorityClass"
            | "IngressClass"
    ) || kind == "GatewayClass" && group == gateway_api::GROUP;
    let (namespace, namespace_written) = match &ns {
        Some(ns) if !cluster_scoped => (ns.value.clone(), true),
        _ if cluster_scoped => (Str::default(), false),
        _ => (Str::from(opts.default_namespace.as_str()), false),
    };
    cx.resource = Some(ObjectRef::new(
        &kind,
        (!cluster_scoped).then_some(namespace.as_str()),
        &name.value,
    ));
    let spec_v = v.get("spec");
    cx.check_unknown = group == ISTIO_NETWORKING;
    let spec = match (group.as_str(), kind.as_str()) {
        (ISTIO_NETWORKING, "VirtualService") => {
            Spec::VirtualService(istio::virtual_service(cx, spec_v))
        }
        (ISTIO_NETWORKING, "DestinationRule") => {
            Spec::DestinationRule(Box::new(istio::destination_rule(cx, spec_v)))
        }
        (ISTIO_NETWORKING, "Gateway") => Spec::Gateway(istio::gateway(cx, spec_v)),
        (ISTIO_NETWORKING, "ServiceEntry") => {
            Spec::ServiceEntry(Box::new(istio::service_entry(cx, spec_v)))
        }
        (ISTIO_NETWORKING, "Sidecar") => Spec::Sidecar(istio::sidecar(cx, spec_v)),
        ("", "Service") => Spec::Service(k8s::service(cx, spec_v)),
        ("", "Namespace") => Spec::Namespace,
        (g, k) if gateway_api::is_gateway_api(g, k) => {
            let mut g = gateway_api::read(cx, k, spec_v);
            g.creation_timestamp = meta_v
                .and_then(|m| cx.string(m.get("creationTimestamp"), "metadata.creationTimestamp"));
            Spec::GatewayApi(Box::new(g))
        }
        ("", "Pod") => Spec::Workload(k8s::pod(cx, &labels, spec_v)),
        ("apps" | "extensions", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet") => {
            match k8s::pod_template(cx, spec_v) {
                Some(w) => Spec::Workload(w),
                None => Spec::Other,
            }
        }
        ("telemetry.istio.io", "Telemetry") => {
            cx.check_unknown = false;
            known_fields::check(cx, spec_v, &known_fields::TELEMETRY);
            Spec::Telemetry(policy::telemetry(cx, spec_v))
        }
        ("security.istio.io", "AuthorizationPolicy") => {
            cx.check_unknown = false;
            known_fields::check(cx, spec_v, &known_fields::AUTHORIZATION_POLICY);
            Spec::AuthorizationPolicy(policy::authorization_policy(cx, spec_v))
        }
        ("security.istio.io", "RequestAuthentication") => {
            cx.check_unknown = false;
            known_fields::check(cx, spec_v, &known_fields::REQUEST_AUTHENTICATION);
            Spec::RequestAuthentication(policy::attachment(cx, spec_v))
        }
        ("security.istio.io", "PeerAuthentication") => {
            cx.check_unknown = false;
            known_fields::check(cx, spec_v, &known_fields::PEER_AUTHENTICATION);
            Spec::PeerAuthentication(policy::attachment(cx, spec_v))
        }
        ("extensions.istio.io", "WasmPlugin") => {
            cx.check_unknown = false;
            Spec::WasmPlugin(policy::attachment(cx, spec_v))
        }
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            cx.check_unknown = false;
            Spec::CustomResourceDefinition(policy::crd(cx, spec_v))
        }
        (ISTIO_NETWORKING, "EnvoyFilter") => {
            Spec::EnvoyFilter(envoyfilter::envoy_filter(cx, spec_v))
        }
        ("", "Secret") => Spec::Secret(secret::secret(cx, v)),
        ("", "ConfigMap") => Spec::ConfigMap(secret::config_map(cx, v)),
        (ISTIO_NETWORKING, "WorkloadEntry") => {
            Spec::WorkloadEntry(workload_entry::workload_entry(cx, spec_v))
        }
        (ISTIO_NETWORKING, "WorkloadGroup") => {
            Spec::WorkloadGroup(workload_entry::workload_group(cx, spec_v))
        }
        ("cert-manager.io", "Certificate")
        | ("bitnami.com", "SealedSecret")
        | ("external-secrets.io", "ExternalSecret")
        | ("secrets-store.csi.x-k8s.io", "SecretProviderClass") => {
            Spec::SecretProvider(secret::provided_secrets(&kind, spec_v, &name.value))
        }
        _ => Spec::Other,
    };
    let mut spec = spec;
    if let Spec::ServiceEntry(se) = &mut spec {
        se.status_addresses = v
            .get("status")
            .and_then(|s| s.get("addresses"))
            .is_some_and(|a| a.is_seq() && !a.items().is_empty());
    }
    cx.check_unknown = true;
    cx.resource = None;
    out.push(Resource {
        file: doc.file,
        api_version,
        kind,
        name_span: name.span,
        name: name.value,
        namespace,
        namespace_written,
        cluster_scoped,
        labels,
        annotations,
        span: v.span(),
        doc_start: doc.start,
        spec,
        validation: Box::default(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(Duration::parse("1s").nanos, Some(1_000_000_000));
        assert_eq!(Duration::parse("1.5s").nanos, Some(1_500_000_000));
        assert_eq!(Duration::parse("100ms").nanos, Some(100_000_000));
        assert_eq!(Duration::parse("1m30s").nanos, Some(90_000_000_000));
        assert_eq!(Duration::parse("0").nanos, Some(0));
        assert_eq!(Duration::parse("10").nanos, None);
        assert_eq!(Duration::parse("abc").nanos, None);
        assert_eq!(Duration::parse("").nanos, None);
    }

    #[test]
    fn only_istio_annotations_are_kept_but_all_are_type_checked() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{\"big\": true}'
    networking.istio.io/exportTo: \".\"
    deployment.kubernetes.io/revision: 3
spec:
  template:
    metadata:
      annotations: {prometheus.io/scrape: \"true\", sidecar.istio.io/inject: \"false\"}
    spec: {containers: [{name: web}]}
";
        let (_, resources, diags) = crate::engine::load(
            vec![crate::engine::Input::text("d.yaml", text)],
            &crate::engine::Options::default(),
        );
        let keys = |l: &Labels| {
            l.iter()
                .map(|(k, _)| k.value.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(&resources[0].annotations),
            ["networking.istio.io/exportTo"]
        );
        let Spec::Workload(w) = &resources[0].spec else {
            panic!("a workload")
        };
        assert_eq!(keys(&w.template_annotations), ["sidecar.istio.io/inject"]);
        // the integer value of a dropped annotation is still reported
        let at = (text.find("revision: 3").unwrap() + "revision: ".len()) as u32;
        assert!(
            diags
                .iter()
                .any(|d| d.code == "ML003" && d.span().is_some_and(|s| s.start == at)),
            "{diags:?}"
        );
    }
}
