//! istiod's Gateway API translation, offline: which listeners each Gateway has (its own and
//! those of the ListenerSets it accepts) and whether they are valid, which parents each route
//! attaches to, how its backends resolve, and the negative status conditions istiod would write
//! on the way (pilot/pkg/config/kube/gateway: `gateway_collection.go` GatewayCollection and
//! ListenerSetCollection, `conversion.go` buildListener/buildTLS/referenceAllowed/
//! extractParentReferenceInfo/buildDestination/reportGatewayStatus, `conditions.go`
//! createRouteStatus; pilot/pkg/config/kube/gatewaycommon: `listener_conflict.go`,
//! `conversion.go` SetProgrammedCondition/ReportListenerSetStatus, `context.go`
//! ResolveGatewayInstances).
//!
//! Computed once per index ([`Index::gateway_api_status`]) and shared by the `gateway_api`
//! rules (one rule per family of conditions, [`Family`]) and by route simulation:
//! [`Status::attachments`] says which listeners each parentRef of each route binds to.
//!
//! Open world: a reference to a Service, Secret, ConfigMap or Gateway that is not in the input
//! yields a condition only when the input holds evidence it would contain it
//! ([`Index::evidence`]); otherwise the reference is taken as resolving.

use super::evidence::Class;
use super::{Index, ResourceId};
use crate::diagnostics::Severity;
use crate::model::gateway_api::{
    self as gw, AllowedRoutes, Listener, ObjRef, Object, RouteKind, GROUP,
};
use crate::model::{Labels, Resource, Spec};
use crate::source::Span;
use std::collections::{BTreeMap, HashMap};

/// The family of a condition: which rule reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// `Accepted` of a route's parent (NoMatchingParent, NotAllowedByListeners,
    /// NoMatchingListenerHostname).
    RouteParent,
    /// `ResolvedRefs` of a route's parent (BackendNotFound, InvalidKind, RefNotPermitted, ...).
    RouteBackend,
    /// A listener's own conditions (protocol, certificates, route kinds).
    Listener,
    /// Listener conflicts (HostnameConflict, ProtocolConflict).
    ListenerConflict,
    /// A Gateway's object conditions (addresses, parameters, ListenersNotValid, client
    /// certificate).
    Gateway,
    /// A ListenerSet's object conditions (NotAllowed, ListenersNotValid, addresses).
    ListenerSet,
    /// BackendTLSPolicy and XBackendTrafficPolicy ancestor conditions.
    Policy,
    /// An XBackend's own conditions.
    XBackend,
}

/// One negative status condition istiod would write.
#[derive(Debug, Clone)]
pub struct Cond {
    /// The object whose status holds it.
    pub resource: ResourceId,
    pub family: Family,
    pub type_: &'static str,
    pub reason: &'static str,
    /// `object`, `listener:<name>`, `parent:...`, `ancestor:...` (the JSON contract).
    pub scope: String,
    /// Error for the cause of a failure, info for conditions that follow from another one.
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub label: String,
    pub related: Vec<(Span, String)>,
    pub help: Option<String>,
}

/// Beyond istiod: a route that attaches to no Gateway (istiod writes no status for it).
#[derive(Debug, Clone)]
pub struct Unattached {
    pub route: ResourceId,
    /// The parentRef naming a Gateway that is not in the input; `None`: the route has no
    /// parentRefs at all.
    pub parent_ref_index: Option<usize>,
    /// The input holds Gateways of that namespace next to the route (a warning), or not (info).
    pub evidence: bool,
    pub message: String,
    pub span: Span,
}

/// Where one parentRef of a route binds: the listeners (of a Gateway, or of a ListenerSet of
/// it) that accept it. For `meshlint route` over Gateway API Gateways.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub route: ResourceId,
    /// Index into the route's `parentRefs`.
    pub parent_ref_index: usize,
    /// The Gateway or ListenerSet named by the parentRef; `None` for a mesh (Service or
    /// ServiceEntry) parent.
    pub parent: Option<ResourceId>,
    /// The Gateway whose proxy serves it (the ListenerSet's parent Gateway for a ListenerSet).
    pub gateway: Option<ResourceId>,
    /// The names of the listeners that accept the route (empty for a mesh parent).
    pub listeners: Vec<String>,
}

/// Everything the translation decided.
#[derive(Debug, Default)]
pub struct Status {
    pub conditions: Vec<Cond>,
    pub unattached: Vec<Unattached>,
    pub attachments: Vec<Attachment>,
}

impl<'r> Index<'r> {
    /// istiod's Gateway API verdicts over this input, computed on the first call.
    pub fn gateway_api_status(&self) -> &Status {
        self.gateway_api.status.get_or_init(|| compute(self))
    }
}

/// The Gateway API controllers istiod runs (`gatewaycommon/classinfo.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctl {
    /// istio.io/gateway-controller
    Istio,
    /// istio.io/unmanaged-gateway (istio-remote): no route generation, no listener status
    Remote,
    /// istio.io/mesh-controller (istio-waypoint)
    Mesh,
    /// istio.io/eastwest-controller (istio-east-west)
    EastWest,
}

impl Ctl {
    fn of(controller: &str) -> Option<Ctl> {
        Some(match controller {
            "istio.io/gateway-controller" => Ctl::Istio,
            "istio.io/unmanaged-gateway" => Ctl::Remote,
            "istio.io/mesh-controller" => Ctl::Mesh,
            "istio.io/eastwest-controller" => Ctl::EastWest,
            _ => return None,
        })
    }
    fn supports_listener_set(self) -> bool {
        self == Ctl::Istio
    }
}

/// `FetchGatewayClass`: the class object, else istiod's built-in classes.
fn class_of(ix: &Index, name: &str) -> Option<Ctl> {
    if let Some((_, c)) = ix.gateway_class(name) {
        return c.controller_name.as_ref().and_then(|n| Ctl::of(&n.value));
    }
    match name {
        "istio" => Some(Ctl::Istio),
        "istio-remote" => Some(Ctl::Remote),
        "istio-waypoint" => Some(Ctl::Mesh),
        "istio-east-west" => Some(Ctl::EastWest),
        _ => None,
    }
}

fn gateway_ctl(ix: &Index, g: &gw::Gateway) -> Option<Ctl> {
    class_of(ix, g.class_name.as_ref().map(|c| c.value.as_str())?)
}

/// Istio's `host.Name.Matches`: the two hostnames overlap (wildcards on either side).
pub fn hosts_overlap(a: &str, b: &str) -> bool {
    super::host::matches(a, b)
}

fn s(v: &Option<crate::source::Spanned<crate::source::Str>>) -> &str {
    v.as_ref().map(|x| x.value.as_str()).unwrap_or("")
}

/// Group and kind of a reference, defaults applied (`NormalizeReference`: a written empty
/// group stays the core group).
fn group_kind<'a>(r: &'a ObjRef, group: &'a str, kind: &'a str) -> (&'a str, &'a str) {
    (r.group_or(group), r.kind_or(kind))
}

/// Evidence that a `class` object of `ns` would be in the input ([`Index::evidence`]), or a
/// listing of the cluster: the Namespace object `ns` defined next to the referrer in a file that
/// also lists objects of that class (of any namespace), as a cluster dump does.
pub fn evidence(ix: &Index, class: Class, ns: &str, referrer: &Resource) -> bool {
    if ix.evidence(class, ns, referrer) {
        return true;
    }
    let Some(nid) = ix.get("Namespace", "", ns) else {
        return false;
    };
    let n = ix.resource(nid);
    if ix.role(n) == crate::source::Role::Builtin || !ix.next_to(n, referrer) {
        return false;
    }
    ix.file_holds(n.file, class)
}

/// The namespace labels a selector sees (`kubernetes.io/metadata.name` added).
fn namespace_labels(ix: &Index, ns: &str) -> Option<Labels> {
    let mut labels = ix.namespace_labels(ns)?.clone();
    if !labels
        .iter()
        .any(|(k, _)| k.value == "kubernetes.io/metadata.name")
    {
        labels.push((
            crate::source::Spanned::new("kubernetes.io/metadata.name".into(), Span::default()),
            crate::source::Spanned::new(ns.into(), Span::default()),
        ));
    }
    Some(labels)
}

/// Which namespaces a listener admits routes from (`namespacesFromSelector`).
#[derive(Debug, Clone)]
enum NsAllow {
    Same(String),
    All,
    /// The Namespace objects of the input its selector matches.
    Selected(Vec<String>),
}

impl NsAllow {
    /// Whether routes of `ns` may attach; `None` when the input cannot tell (a selector,
    /// and no Namespace object for `ns` in the input).
    fn allows(&self, ix: &Index, ns: &str) -> Option<bool> {
        match self {
            NsAllow::Same(s) => Some(s == ns),
            NsAllow::All => Some(true),
            NsAllow::Selected(v) => {
                if v.iter().any(|x| x == ns) {
                    Some(true)
                } else if ix.namespace_labels(ns).is_some() {
                    Some(false)
                } else {
                    None
                }
            }
        }
    }
}

fn ns_allow(ix: &Index, local: &str, ar: &AllowedRoutes) -> NsAllow {
    match ar.from.as_ref().map(|f| f.value.as_str()) {
        None | Some("Same") => NsAllow::Same(local.to_string()),
        Some("All") => NsAllow::All,
        Some("Selector") => {
            let Some(sel) = &ar.selector else {
                return NsAllow::All;
            };
            let mut out = Vec::new();
            for &id in ix.of_kind("Namespace") {
                let r = ix.resource(id);
                if let Some(l) = namespace_labels(ix, &r.name) {
                    if sel.matches(&l) {
                        out.push(r.name.to_string());
                    }
                }
            }
            out.sort();
            NsAllow::Selected(out)
        }
        // None, or an unknown value: no namespace
        Some(_) => NsAllow::Selected(Vec::new()),
    }
}

/// One listener as istiod translated it.
#[derive(Debug, Clone)]
struct Lst<'r> {
    /// The Gateway or ListenerSet that declares it.
    owner: ResourceId,
    /// Its parent Gateway.
    gateway: ResourceId,
    l: &'r Listener,
    port: i64,
    protocol: &'r str,
    /// An `istio.Server` is generated (not conflicted, TLS present for HTTPS/TLS).
    server: bool,
    /// Counted as valid (`programmed`).
    valid: bool,
    ns: NsAllow,
    /// Route kinds it admits (group, kind).
    kinds: Vec<(&'r str, &'r str)>,
}

/// A condition map keyed by type, as buildListener fills it (later errors replace earlier).
type CondMap = BTreeMap<&'static str, (&'static str, String, Severity)>;

struct Cx<'a, 'r> {
    ix: &'a Index<'r>,
    out: Status,
}

impl<'a, 'r> Cx<'a, 'r> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        resource: ResourceId,
        family: Family,
        type_: &'static str,
        reason: &'static str,
        scope: String,
        severity: Severity,
        message: String,
        span: Span,
        label: impl Into<String>,
    ) -> &mut Cond {
        self.out.conditions.push(Cond {
            resource,
            family,
            type_,
            reason,
            scope,
            severity,
            message,
            span,
            label: label.into(),
            related: Vec::new(),
            help: None,
        });
        self.out.conditions.last_mut().expect("just pushed")
    }
}

/// The supported route kinds of a listener (`GenerateGatewaySupportedKinds`) and whether every
/// written `allowedRoutes.kinds` entry is among them.
fn supported_kinds(l: &Listener) -> (Vec<(&str, &str)>, bool) {
    let mut supported: Vec<(&str, &str)> = match s(&l.protocol) {
        "HTTP" | "HTTPS" => vec![(GROUP, "HTTPRoute"), (GROUP, "GRPCRoute")],
        "TCP" => vec![(GROUP, "TCPRoute")],
        "TLS" => {
            let mut v = vec![(GROUP, "TLSRoute")];
            if l.tls.as_ref().is_some_and(|t| s(&t.mode) == "Terminate") {
                v.push((GROUP, "TCPRoute"));
            }
            v
        }
        _ => Vec::new(),
    };
    let kinds = &l.allowed_routes.kinds;
    if kinds.is_empty() {
        return (supported, true);
    }
    supported.retain(|(g, k)| {
        kinds
            .iter()
            .any(|w| w.group_or(GROUP) == *g && w.kind_or("") == *k)
    });
    let n = supported.len();
    (supported, n == kinds.len())
}

fn protocol_error(ctl: Ctl, p: &str) -> Option<String> {
    match p {
        "HTTP" | "HTTPS" | "TLS" | "TCP" => None,
        "HBONE" => (!matches!(ctl, Ctl::Mesh | Ctl::EastWest))
            .then(|| format!("protocol \"{p}\" is only supported for waypoint proxies")),
        _ => {
            let up = p.to_ascii_uppercase();
            if matches!(up.as_str(), "HTTP" | "HTTPS" | "TLS" | "TCP" | "HBONE") {
                Some(format!(
                    "protocol \"{p}\" is unsupported; \"{up}\" (uppercase) is"
                ))
            } else {
                Some(format!("protocol \"{p}\" is unsupported"))
            }
        }
    }
}

/// The result of resolving a certificate reference.
enum RefErr {
    /// reason, message
    Bad(&'static str, String),
}

/// Why the ConfigMap `ns/name` in the input cannot be a CA bundle (`ExtractRootFromString`, and
/// with `pem` the PEM check of `buildCaCertificateReference`); `None` when it can, or when it
/// is not in the input.
fn config_map_ca_problem(ix: &Index, ns: &str, name: &str, pem: bool) -> Option<String> {
    let id = ix.get("ConfigMap", ns, name)?;
    let crate::model::Spec::ConfigMap(cm) = &ix.resource(id).spec else {
        return None;
    };
    if let Err(e) = cm.ca_root() {
        return Some(e);
    }
    match cm.root() {
        Some((key, false)) if pem => Some(format!("its `{}` holds no PEM certificate", key.value)),
        _ => None,
    }
}

/// Whether a ConfigMap `ns/name` is in the input, or `None` when the input cannot tell.
fn config_map(ix: &Index, ns: &str, name: &str, referrer: &Resource) -> Option<bool> {
    if ix.get("ConfigMap", ns, name).is_some() {
        return Some(true);
    }
    let evidence = ix.of_kind("ConfigMap").iter().any(|&id| {
        let r = ix.resource(id);
        r.namespace == ns && ix.role(r) != crate::source::Role::Builtin && ix.next_to(r, referrer)
    });
    evidence.then_some(false)
}

/// A Secret's certificate pair as `kubecreds.ExtractCertInfo` and `tls.X509KeyPair` would find
/// it: `Some(message)` when it is missing or not PEM.
fn secret_cert_problem(ix: &Index, id: ResourceId) -> Option<String> {
    let Spec::Secret(sec) = &ix.resource(id).spec else {
        return None; // made by another object (cert-manager, ...): its content is not ours
    };
    let pair = [("tls.crt", "tls.key"), ("cert", "key")]
        .into_iter()
        .find(|(c, k)| sec.key(c).is_some() && sec.key(k).is_some());
    let Some((c, k)) = pair else {
        let found: Vec<&str> = sec
            .data
            .iter()
            .chain(sec.string_data.iter())
            .map(|(k, _)| k.value.as_str())
            .collect();
        return Some(format!(
            "it has neither `tls.crt`/`tls.key` nor `cert`/`key` (found: {})",
            if found.is_empty() {
                "no keys".to_string()
            } else {
                found.join(", ")
            }
        ));
    };
    for key in [c, k] {
        if let Some((Ok(bytes), _)) = sec.value(key) {
            if !String::from_utf8_lossy(&bytes).contains("-----BEGIN") {
                return Some(format!("its `{key}` is not PEM data"));
            }
        }
    }
    None
}

/// buildSecretReference for a listener certificate.
fn listener_cert(ix: &Index, owner: &Resource, r: &ObjRef) -> Result<(), Option<RefErr>> {
    let (g, k) = group_kind(r, "", "Secret");
    if !(g.is_empty() && k == "Secret") {
        return Err(Some(RefErr::Bad(
            "InvalidCertificateRef",
            format!(
                "certificate reference `{}` is of kind `{}{}{k}`; only Secrets are allowed",
                r.name(),
                g,
                if g.is_empty() { "" } else { "/" }
            ),
        )));
    }
    let ns = r.namespace_or(&owner.namespace);
    match ix.secret(ns, r.name()) {
        Some(id) => match secret_cert_problem(ix, id) {
            Some(p) => Err(Some(RefErr::Bad(
                "InvalidCertificateRef",
                format!(
                    "Secret `{ns}/{}` is not a usable certificate: {p}",
                    r.name()
                ),
            ))),
            None => Ok(()),
        },
        None if evidence(ix, Class::Secret, ns, owner) => Err(Some(RefErr::Bad(
            "InvalidCertificateRef",
            format!("Secret `{ns}/{}` does not exist", r.name()),
        ))),
        None => Err(None),
    }
}

fn owner_kind(owner: &Resource) -> &str {
    owner.kind.as_str()
}

/// buildTLS for a listener: the first error istiod reports, `Ok` when none (or undecidable).
fn listener_tls(
    ix: &Index,
    owner: &Resource,
    gateway: &gw::Gateway,
    l: &Listener,
    port: i64,
) -> Result<(), (&'static str, String, Span)> {
    let Some(tls) = &l.tls else { return Ok(()) };
    let mode = tls
        .mode
        .as_ref()
        .map(|m| m.value.as_str())
        .unwrap_or("Terminate");
    if mode != "Terminate" {
        return Ok(());
    }
    let term = tls
        .options
        .iter()
        .find(|(k, _)| k.value == "gateway.istio.io/tls-terminate-mode")
        .map(|(_, v)| v.value.as_str());
    if matches!(term, Some("ISTIO_SIMPLE" | "ISTIO_MUTUAL")) {
        return Ok(());
    }
    if tls.certificate_refs.len() > 2 {
        return Err((
            "InvalidCertificateRef",
            "a listener supports at most 2 certificates".into(),
            tls.certificate_refs[2].span,
        ));
    }
    let mut first: Option<(&'static str, String, Span)> = None;
    let mut valid = 0;
    for c in &tls.certificate_refs {
        let ns = c.namespace_or(&owner.namespace);
        if ns != owner.namespace
            && !ix.reference_granted(
                GROUP,
                owner_kind(owner),
                &owner.namespace,
                "",
                "Secret",
                ns,
                c.name(),
            )
        {
            let msg = format!(
                "certificate `{ns}/{}` is in another namespace and no ReferenceGrant in `{ns}` lets {} `{}/{}` use it",
                c.name(),
                owner.kind,
                owner.namespace,
                owner.name
            );
            first.get_or_insert(("RefNotPermitted", msg, c.span));
            continue;
        }
        match listener_cert(ix, owner, c) {
            Ok(()) | Err(None) => valid += 1,
            Err(Some(RefErr::Bad(reason, msg))) => {
                first.get_or_insert((reason, msg, c.name_span()));
            }
        }
    }
    if valid == 0 {
        if let Some(e) = first {
            return Err(e);
        }
        // no certificateRefs at all: the CRD requires them (schema rules' business)
    }
    // frontend validation (spec.tls.frontend of the Gateway: perPort, else default)
    let refs = gateway
        .tls
        .frontend_per_port
        .iter()
        .find(|(p, _)| p.as_ref().is_some_and(|p| p.value == port))
        .map(|(_, r)| r)
        .unwrap_or(&gateway.tls.frontend_ca_refs);
    if refs.is_empty() {
        return Ok(());
    }
    if refs.len() > 1 {
        return Err((
            "InvalidCACertificateRef",
            "istiod supports only one `caCertificateRefs` entry for frontend validation".into(),
            refs[1].span,
        ));
    }
    let ca = &refs[0];
    let ns = ca.namespace_or(&owner.namespace);
    let (g, k) = (ca.group_or(""), ca.kind_or(""));
    let kind_ok = g.is_empty() && (k == "ConfigMap" || k == "Secret");
    if ns != owner.namespace {
        let to_kind = if g.is_empty() && k == "Secret" {
            "Secret"
        } else {
            "ConfigMap"
        };
        if !ix.reference_granted(
            GROUP,
            owner_kind(owner),
            &owner.namespace,
            "",
            to_kind,
            ns,
            ca.name(),
        ) {
            return Err((
                "RefNotPermitted",
                format!(
                    "CA certificate `{ns}/{}` is in another namespace and no ReferenceGrant in `{ns}` lets {} `{}/{}` use it",
                    ca.name(),
                    owner.kind,
                    owner.namespace,
                    owner.name
                ),
                ca.span,
            ));
        }
    }
    if !kind_ok {
        return Err((
            "InvalidCACertificateKind",
            format!(
                "CA certificate reference `{}` is of kind `{}{}{k}`; only ConfigMaps and Secrets are allowed",
                ca.name(),
                g,
                if g.is_empty() { "" } else { "/" }
            ),
            ca.span,
        ));
    }
    let missing = if k == "Secret" {
        ix.secret(ns, ca.name()).is_none() && evidence(ix, Class::Secret, ns, owner)
    } else {
        config_map(ix, ns, ca.name(), owner) == Some(false)
    };
    if missing {
        return Err((
            "InvalidCACertificateRef",
            format!(
                "{k} `{ns}/{}` for the CA certificate does not exist",
                ca.name()
            ),
            ca.name_span(),
        ));
    }
    if k == "ConfigMap" {
        if let Some(why) = config_map_ca_problem(ix, ns, ca.name(), true) {
            return Err((
                "InvalidCACertificateRef",
                format!(
                    "ConfigMap `{ns}/{}` for the CA certificate cannot be used: {why}",
                    ca.name()
                ),
                ca.name_span(),
            ));
        }
    }
    Ok(())
}

/// A ListenerSet its parent Gateway refuses: `Accepted=False NotAllowed` (the cause, an error)
/// and `Programmed=False NotAllowed` (its consequence, info).
fn not_allowed(
    cx: &mut Cx<'_, '_>,
    id: ResourceId,
    r: &Resource,
    parent: &Resource,
    at: Span,
    msg: String,
    label: &str,
) {
    for (t, sev) in [
        ("Accepted", Severity::Error),
        ("Programmed", Severity::Info),
    ] {
        let m = if sev == Severity::Info {
            format!(
                "ListenerSet `{}` is not programmed because its parent does not accept it (see its own finding)",
                obj_name(r)
            )
        } else {
            msg.clone()
        };
        cx.push(
            id,
            Family::ListenerSet,
            t,
            "NotAllowed",
            "object".into(),
            sev,
            m,
            at,
            label,
        )
        .related
        .push((parent.name_span, "Gateway defined here".into()));
    }
}

fn listener_scope(l: &Listener) -> String {
    format!("listener:{}", l.name())
}

fn name_span(l: &Listener) -> Span {
    l.name.as_ref().map(|n| n.span).unwrap_or(l.span)
}

fn obj_name(r: &Resource) -> String {
    format!("{}/{}", r.namespace, r.name)
}

/// buildListener: reports the listener's conditions and returns it translated.
#[allow(clippy::too_many_arguments)]
fn build_listener<'r>(
    cx: &mut Cx<'_, 'r>,
    owner_id: ResourceId,
    gateway_id: ResourceId,
    gateway: &'r gw::Gateway,
    ctl: Ctl,
    l: &'r Listener,
    port_err: bool,
    is_set: bool,
) -> Lst<'r> {
    let ix = cx.ix;
    let owner = ix.resource(owner_id);
    let protocol = s(&l.protocol);
    let port = l.port.as_ref().map(|p| p.value).unwrap_or(match protocol {
        "HTTP" if is_set => 80,
        "HTTPS" if is_set => 443,
        _ => 0,
    });
    let what = format!(
        "listener `{}` of {} `{}`",
        l.name(),
        owner.kind,
        obj_name(owner)
    );
    let mut conds: CondMap = BTreeMap::new();
    let mut spans: HashMap<&'static str, Span> = HashMap::new();
    let mut ok = true;
    if let Err((reason, msg, span)) = listener_tls(ix, owner, gateway, l, port) {
        conds.insert(
            "ResolvedRefs",
            (reason, format!("{what}: {msg}"), Severity::Error),
        );
        spans.insert("ResolvedRefs", span);
        conds.insert(
            "Programmed",
            (
                "Invalid",
                format!("{what} is not programmed because its TLS configuration is invalid (see the ResolvedRefs finding)"),
                Severity::Info,
            ),
        );
        if matches!(
            reason,
            "InvalidCACertificateRef" | "InvalidCACertificateKind" | "RefNotPermitted"
        ) {
            conds.insert(
                "Accepted",
                (
                    "NoValidCACertificate",
                    format!("{what} is not accepted because a certificate reference could not be used (see the ResolvedRefs finding)"),
                    Severity::Info,
                ),
            );
        }
        ok = false;
    }
    let proto_span = l.protocol.as_ref().map(|p| p.span).unwrap_or(l.span);
    if port_err {
        conds.insert(
            "Accepted",
            (
                "UnsupportedProtocol",
                format!(
                    "{what} has no port and protocol `{protocol}` has no default port; set `port`"
                ),
                Severity::Error,
            ),
        );
        spans.insert("Accepted", l.span);
        ok = false;
    }
    if let Some(e) = protocol_error(ctl, protocol) {
        conds.insert(
            "Accepted",
            (
                "UnsupportedProtocol",
                format!("{what}: {e}; Istio supports HTTP, HTTPS, TLS and TCP"),
                Severity::Error,
            ),
        );
        spans.insert("Accepted", proto_span);
        ok = false;
    }
    if ctl == Ctl::Mesh && (port != 15008 || protocol != "HBONE") {
        conds.insert(
            "Accepted",
            (
                "UnsupportedProtocol",
                format!(
                    "{what} is not the one listener a waypoint expects: port 15008, protocol HBONE"
                ),
                Severity::Error,
            ),
        );
        spans.insert("Accepted", l.span);
    }
    if ctl == Ctl::EastWest {
        let mode = l.tls.as_ref().map(|t| s(&t.mode)).unwrap_or("");
        let mode = if l.tls.is_some() && mode.is_empty() {
            "Terminate"
        } else {
            mode
        };
        let bad = if port == 15008 {
            protocol != "HBONE" || l.tls.is_none() || mode != "Terminate"
        } else {
            !(protocol == "TLS" && mode == "Passthrough")
        };
        if bad {
            conds.insert(
                "Accepted",
                ("UnsupportedProtocol", format!("{what}: an east-west gateway listener must be port 15008 with protocol HBONE and TLS mode Terminate, or protocol TLS with mode Passthrough"), Severity::Error),
            );
            spans.insert("Accepted", l.span);
        }
    }
    let mut server = true;
    if l.tls.is_none() && matches!(protocol, "HTTPS" | "TLS") {
        server = false;
        if is_set {
            ok = false;
            conds.insert(
                "Accepted",
                (
                    "UnsupportedProtocol",
                    format!("{what} has protocol {protocol} but no `tls` section"),
                    Severity::Error,
                ),
            );
            spans.insert("Accepted", proto_span);
            conds.insert(
                "Programmed",
                (
                    "Invalid",
                    format!("{what} is not programmed because it has no `tls` section (see its own finding)"),
                    Severity::Info,
                ),
            );
        }
    }
    let (kinds, kinds_valid) = supported_kinds(l);
    if !kinds_valid {
        conds.insert(
            "ResolvedRefs",
            ("InvalidRouteKinds", format!("{what} lists route kinds in `allowedRoutes.kinds` that protocol {protocol} cannot serve"), Severity::Warning),
        );
        spans.insert("ResolvedRefs", l.allowed_routes.span.unwrap_or(l.span));
    }
    for (type_, (reason, msg, sev)) in conds {
        let span = spans.get(type_).copied().unwrap_or_else(|| name_span(l));
        let fam = Family::Listener;
        cx.push(
            owner_id,
            fam,
            type_,
            reason,
            listener_scope(l),
            sev,
            msg,
            span,
            reason_label(reason),
        );
    }
    Lst {
        owner: owner_id,
        gateway: gateway_id,
        l,
        port,
        protocol,
        server,
        valid: ok,
        ns: ns_allow(ix, &owner.namespace, &l.allowed_routes),
        kinds,
    }
}

fn reason_label(reason: &str) -> String {
    match reason {
        "InvalidCertificateRef" => "certificate reference cannot be used".into(),
        "RefNotPermitted" => "no ReferenceGrant allows this reference".into(),
        "InvalidCACertificateRef" => "CA certificate reference cannot be used".into(),
        "InvalidCACertificateKind" => "not a ConfigMap or Secret".into(),
        "UnsupportedProtocol" => "not supported here".into(),
        "InvalidRouteKinds" => "route kinds this listener cannot serve".into(),
        "NoValidCACertificate" | "Invalid" => "follows from the reference problem".into(),
        _ => reason.to_string(),
    }
}

/// Whether two listeners are distinct (`listenersDistinct`).
fn distinct(a: (&str, i64, &str), b: (&str, i64, &str)) -> bool {
    let tcpudp = |p: &str| p == "TCP" || p == "UDP";
    let httplike = |p: &str| matches!(p, "HTTP" | "HTTPS" | "TLS");
    if a.1 != b.1 {
        return true;
    }
    if (tcpudp(a.0) && httplike(b.0)) || (httplike(a.0) && tcpudp(b.0)) {
        return false;
    }
    if tcpudp(a.0) && tcpudp(b.0) {
        return false;
    }
    if httplike(a.0) && httplike(b.0) {
        return a.2 != b.2;
    }
    a.0 != b.0
}

/// `NamespaceAcceptedByAllowListeners`: `None` when the input cannot tell.
fn listener_set_allowed(
    ix: &Index,
    ls_ns: &str,
    parent: &Resource,
    g: &gw::Gateway,
) -> Option<bool> {
    let Some(al) = &g.allowed_listeners else {
        return Some(false);
    };
    match al.from.as_ref().map(|f| f.value.as_str()) {
        Some("All") => Some(true),
        Some("Same") => Some(ls_ns == parent.namespace),
        Some("Selector") | None => {
            let sel = al.selector.as_ref()?;
            let labels = namespace_labels(ix, ls_ns)?;
            Some(sel.matches(&labels))
        }
        Some(_) => Some(false),
    }
}

/// The Service (or ServiceEntry host) behind a Gateway address, in the Gateway's namespace:
/// `Some(ports)`, `None` when not found.
fn address_ports(ix: &Index, ns: &str, host: &str) -> Option<Vec<i64>> {
    // `<name>.<ns>.svc.<domain>`: a Service (any cluster domain)
    let parts: Vec<&str> = host.splitn(4, '.').collect();
    if parts.len() == 4 && parts[2] == "svc" && parts[1] == ns {
        if let Some(id) = ix.get("Service", ns, parts[0]) {
            if let Spec::Service(svc) = &ix.resource(id).spec {
                return Some(
                    svc.ports
                        .iter()
                        .filter_map(|p| p.port.as_ref().map(|x| x.value))
                        .collect(),
                );
            }
        }
    }
    for id in ix.service_entries_for_host(host) {
        let r = ix.resource(id);
        if r.namespace != ns {
            continue;
        }
        if let Spec::ServiceEntry(se) = &r.spec {
            return Some(
                se.ports
                    .iter()
                    .filter_map(|p| p.number.as_ref().map(|x| x.value))
                    .collect(),
            );
        }
    }
    None
}

/// A manual Gateway's address problems (`ResolveGatewayInstances`): messages, empty when fine
/// or undecidable.
fn address_problems(
    ix: &Index,
    gw_res: &Resource,
    services: &[(String, Span)],
    ports: &[i64],
) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let ns = gw_res.namespace.as_str();
    for (host, span) in services {
        match address_ports(ix, ns, host) {
            None => {
                if evidence(ix, Class::Service, ns, gw_res) {
                    out.push((format!("address `{host}` names no Service or ServiceEntry host of namespace `{ns}`"), *span));
                }
            }
            Some(have) => {
                let mut missing: Vec<i64> = ports
                    .iter()
                    .copied()
                    .filter(|p| !have.contains(p))
                    .collect();
                missing.sort_unstable();
                missing.dedup();
                if !missing.is_empty() {
                    let list = missing
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", ");
                    let have_list = have
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(", ");
                    out.push((
                        format!("the Service behind address `{host}` does not expose listener port(s) {list} (it has {have_list}); listener ports must be Service ports, not container ports"),
                        *span,
                    ));
                }
            }
        }
    }
    out
}

/// `IsManaged`: istiod deploys the Gateway itself (no address, or one IP address).
fn is_managed(g: &gw::Gateway) -> bool {
    match g.addresses.as_slice() {
        [] => true,
        [a] => a.type_.as_ref().is_none_or(|t| t.value == "IPAddress"),
        _ => false,
    }
}

/// extractGatewayServices for a manual Gateway: the service hosts, and the addresses skipped.
fn gateway_services(ix: &Index, r: &Resource, g: &gw::Gateway) -> (Addresses, Addresses) {
    let mut svcs = Vec::new();
    let mut skipped = Vec::new();
    for a in &g.addresses {
        let v = s(&a.value).to_string();
        if a.type_.as_ref().is_some_and(|t| t.value != "Hostname") {
            skipped.push((v, a.span));
            continue;
        }
        let fqdn = if v.contains('.') {
            v
        } else {
            format!("{v}.{}.svc.{}", r.namespace, ix.mesh.domain)
        };
        svcs.push((fqdn, a.span));
    }
    (svcs, skipped)
}

/// Addresses with the span of each.
type Addresses = Vec<(String, Span)>;

struct GwInfo<'r> {
    ctl: Ctl,
    managed: bool,
    services: Vec<(String, Span)>,
    skipped: Vec<(String, Span)>,
    g: &'r gw::Gateway,
}

fn compute(ix: &Index) -> Status {
    let mut cx = Cx {
        ix,
        out: Status::default(),
    };
    // Gateways istiod handles
    let mut gws: HashMap<ResourceId, GwInfo> = HashMap::new();
    for (id, r, g) in ix.kube_gateways() {
        if ix.role(r) == crate::source::Role::Builtin {
            continue;
        }
        let Some(ctl) = gateway_ctl(ix, g) else {
            continue;
        };
        let managed = is_managed(g);
        let (services, skipped) = if managed {
            (Vec::new(), Vec::new())
        } else {
            gateway_services(ix, r, g)
        };
        gws.insert(
            id,
            GwInfo {
                ctl,
                managed,
                services,
                skipped,
                g,
            },
        );
    }
    // ListenerSets by parent Gateway
    let mut sets_of: HashMap<ResourceId, Vec<ResourceId>> = HashMap::new();
    let mut set_parent: HashMap<ResourceId, ResourceId> = HashMap::new();
    for (id, r, ls) in ix.listener_sets() {
        let Some(p) = &ls.parent_ref else { continue };
        if !(p.group_or(GROUP) == GROUP && p.kind_or("Gateway") == "Gateway") {
            continue;
        }
        let Some(gid) = ix.kube_gateway(p.namespace_or(&r.namespace), p.name()) else {
            continue;
        };
        let Some(info) = gws.get(&gid) else { continue };
        if ix.role(r) == crate::source::Role::Builtin {
            continue;
        }
        let parent = ix.resource(gid);
        if !info.ctl.supports_listener_set() {
            let msg = format!(
                "ListenerSet `{}` attaches to Gateway `{}`, whose GatewayClass does not support ListenerSets",
                obj_name(r),
                obj_name(parent)
            );
            not_allowed(
                &mut cx,
                id,
                r,
                parent,
                p.span,
                msg,
                "parent does not take ListenerSets",
            );
            continue;
        }
        match listener_set_allowed(ix, &r.namespace, parent, info.g) {
            Some(true) => {}
            None => continue,
            Some(false) => {
                let msg = format!(
                    "ListenerSet `{}` is not allowed by Gateway `{}`: its `spec.allowedListeners` does not admit namespace `{}`",
                    obj_name(r),
                    obj_name(parent),
                    r.namespace
                );
                not_allowed(
                    &mut cx,
                    id,
                    r,
                    parent,
                    p.span,
                    msg,
                    "not allowed by the parent Gateway",
                );
                continue;
            }
        }
        sets_of.entry(gid).or_default().push(id);
        set_parent.insert(id, gid);
    }
    for v in sets_of.values_mut() {
        v.sort_by_key(|&id| {
            let r = ix.resource(id);
            (r.namespace.to_string(), r.name.to_string())
        });
    }
    // listener conflicts per Gateway (own listeners first, then ListenerSets by name)
    let mut conflicts: HashMap<(ResourceId, String), (&'static str, ResourceId, Span)> =
        HashMap::new();
    for (&gid, info) in &gws {
        if !info.ctl.supports_listener_set() {
            continue;
        }
        let mut entries: Vec<(ResourceId, &Listener, i64)> = info
            .g
            .listeners
            .iter()
            .map(|l| (gid, l, l.port.as_ref().map(|p| p.value).unwrap_or(0)))
            .collect();
        for &sid in sets_of.get(&gid).map(|v| v.as_slice()).unwrap_or(&[]) {
            if let Some(Object::ListenerSet(ls)) =
                super::gateway_api::object(ix.resource(sid)).map(|o| &o.object)
            {
                for l in &ls.listeners {
                    let port = l
                        .port
                        .as_ref()
                        .map(|p| p.value)
                        .unwrap_or(match s(&l.protocol) {
                            "HTTP" => 80,
                            "HTTPS" => 443,
                            _ => 0,
                        });
                    entries.push((sid, l, port));
                }
            }
        }
        let mut accepted: Vec<(ResourceId, &Listener, i64)> = Vec::new();
        for (owner, l, port) in entries {
            let host = |l: &Listener| s(&l.hostname).to_string();
            let key = (
                s(&l.protocol),
                port,
                if s(&l.hostname).is_empty() {
                    "*".to_string()
                } else {
                    host(l)
                },
            );
            let prior = accepted.iter().find(|(_, p, pport)| {
                let pk = (
                    s(&p.protocol),
                    *pport,
                    if s(&p.hostname).is_empty() {
                        "*".to_string()
                    } else {
                        host(p)
                    },
                );
                !distinct((key.0, key.1, &key.2), (pk.0, pk.1, &pk.2))
            });
            if let Some((pid, p, _)) = prior {
                let tcpudp = |x: &str| x == "TCP" || x == "UDP";
                let reason = if (tcpudp(key.0) && tcpudp(s(&p.protocol))) || key.0 != s(&p.protocol)
                {
                    "ProtocolConflict"
                } else {
                    "HostnameConflict"
                };
                conflicts.insert((owner, l.name().to_string()), (reason, *pid, name_span(p)));
                continue;
            }
            accepted.push((owner, l, port));
        }
    }
    // listeners of accepted ListenerSets
    let mut parents: HashMap<(&'static str, String, String), Vec<Lst>> = HashMap::new();
    let mut set_servers: HashMap<ResourceId, Vec<i64>> = HashMap::new();
    let mut set_ids: Vec<ResourceId> = set_parent.keys().copied().collect();
    set_ids.sort_unstable();
    for sid in set_ids {
        let gid = set_parent[&sid];
        let info = &gws[&gid];
        let r = ix.resource(sid);
        let Some(Object::ListenerSet(ls)) = super::gateway_api::object(r).map(|o| &o.object) else {
            continue;
        };
        let parent = ix.resource(gid);
        if info.services.is_empty() && !info.skipped.is_empty() && !info.managed {
            let msg = format!(
                "ListenerSet `{}` is not accepted because its parent Gateway `{}` is not (see its address finding)",
                obj_name(r),
                obj_name(parent)
            );
            cx.push(
                sid,
                Family::ListenerSet,
                "Accepted",
                "UnsupportedAddress",
                "object".into(),
                Severity::Info,
                msg.clone(),
                r.name_span,
                "parent Gateway not accepted",
            );
            cx.push(
                sid,
                Family::ListenerSet,
                "Programmed",
                "UnsupportedAddress",
                "object".into(),
                Severity::Info,
                msg,
                r.name_span,
                "parent Gateway not accepted",
            );
            continue;
        }
        let mut valid = 0;
        let mut ports = Vec::new();
        for l in &ls.listeners {
            let port_err = l.port.is_none() && !matches!(s(&l.protocol), "HTTP" | "HTTPS");
            if let Some(&(reason, pid, pspan)) = conflicts.get(&(sid, l.name().to_string())) {
                report_conflict(&mut cx, sid, l, reason, pid, pspan);
                continue;
            }
            let lst = build_listener(&mut cx, sid, gid, info.g, info.ctl, l, port_err, true);
            if !lst.server {
                continue;
            }
            if lst.valid {
                valid += 1;
                ports.push(lst.port);
                parents
                    .entry(("ListenerSet", r.namespace.to_string(), r.name.to_string()))
                    .or_default()
                    .push(lst);
            }
        }
        set_servers.insert(sid, ports.clone());
        // ReportListenerSetStatus
        if valid == 0 {
            for (t, what) in [("Accepted", "accepted"), ("Programmed", "programmed")] {
                let msg = format!("ListenerSet `{}` is not {what}: none of its listeners is valid (see the listener findings)", obj_name(r));
                cx.push(
                    sid,
                    Family::ListenerSet,
                    t,
                    "ListenersNotValid",
                    "object".into(),
                    Severity::Info,
                    msg,
                    r.name_span,
                    "no valid listener",
                );
            }
        } else if !info.managed {
            let probs = address_problems(ix, parent, &info.services, &ports);
            if !probs.is_empty() {
                let msg = format!(
                    "ListenerSet `{}` cannot be programmed on Gateway `{}`: {}",
                    obj_name(r),
                    obj_name(parent),
                    probs
                        .iter()
                        .map(|p| p.0.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                );
                let span = ls
                    .listeners
                    .first()
                    .map(|l| l.port.as_ref().map(|p| p.span).unwrap_or(l.span))
                    .unwrap_or(r.name_span);
                cx.push(
                    sid,
                    Family::ListenerSet,
                    "Programmed",
                    "AddressNotUsable",
                    "object".into(),
                    Severity::Error,
                    msg,
                    span,
                    "port not served by the Gateway's Service",
                )
                .related
                .push((probs[0].1, "the Gateway's address".into()));
            }
        }
    }
    // Gateways
    let mut gw_ids: Vec<ResourceId> = gws.keys().copied().collect();
    gw_ids.sort_unstable();
    for gid in gw_ids {
        let info = &gws[&gid];
        let r = ix.resource(gid);
        let g = info.g;
        if info.ctl == Ctl::Remote {
            continue;
        }
        let unsupported_addr = !info.skipped.is_empty();
        if unsupported_addr {
            let list = info
                .skipped
                .iter()
                .map(|a| format!("`{}`", a.0))
                .collect::<Vec<_>>()
                .join(", ");
            let msg = format!(
                "Gateway `{}`: istiod supports only `Hostname` addresses and ignores {list}",
                obj_name(r)
            );
            cx.push(gid, Family::Gateway, "Accepted", "UnsupportedAddress", "object".into(), Severity::Error, msg, info.skipped[0].1, "address type not supported by Istio")
                .help = Some("use `type: Hostname` with the name of the gateway's Service, or remove `addresses` and let istiod deploy the gateway".into());
            if info.services.is_empty() {
                let msg = format!(
                    "Gateway `{}` is not programmed: it has no usable address (see its own finding)",
                    obj_name(r)
                );
                cx.push(
                    gid,
                    Family::Gateway,
                    "Programmed",
                    "UnsupportedAddress",
                    "object".into(),
                    Severity::Info,
                    msg,
                    info.skipped[0].1,
                    "no usable address",
                );
                continue;
            }
        }
        if !unsupported_addr {
            if let Some(p) = &g.parameters_ref {
                let (pg, pk) = (p.group_or(""), p.kind_or(""));
                let msg = if !(pg.is_empty() && pk == "ConfigMap") {
                    Some(format!(
                        "`infrastructure.parametersRef` of Gateway `{}` is a `{}{}{pk}`; istiod supports only ConfigMaps",
                        obj_name(r),
                        pg,
                        if pg.is_empty() { "" } else { "/" }
                    ))
                } else if config_map(ix, &r.namespace, p.name(), r) == Some(false) {
                    Some(format!(
                        "ConfigMap `{}/{}` named by `infrastructure.parametersRef` of Gateway `{}` does not exist",
                        r.namespace,
                        p.name(),
                        obj_name(r)
                    ))
                } else {
                    None
                };
                if let Some(msg) = msg {
                    cx.push(
                        gid,
                        Family::Gateway,
                        "Accepted",
                        "InvalidParameters",
                        "object".into(),
                        Severity::Error,
                        msg,
                        p.span,
                        "parameters cannot be used",
                    );
                }
            }
        }
        let mut valid = 0;
        let mut ports: Vec<i64> = Vec::new();
        for l in &g.listeners {
            if let Some(&(reason, pid, pspan)) = conflicts.get(&(gid, l.name().to_string())) {
                report_conflict(&mut cx, gid, l, reason, pid, pspan);
                continue;
            }
            let lst = build_listener(&mut cx, gid, gid, g, info.ctl, l, false, false);
            if lst.valid {
                valid += 1;
            }
            if !lst.server {
                continue;
            }
            ports.push(lst.port);
            parents
                .entry(("Gateway", r.namespace.to_string(), r.name.to_string()))
                .or_default()
                .push(lst);
        }
        for sid in sets_of.get(&gid).map(|v| v.as_slice()).unwrap_or(&[]) {
            if let Some(p) = set_servers.get(sid) {
                ports.extend(p);
            }
        }
        let invalid_params = cx
            .out
            .conditions
            .iter()
            .any(|c| c.resource == gid && c.reason == "InvalidParameters");
        if !g.listeners.is_empty() && valid == 0 && !unsupported_addr && !invalid_params {
            let msg = format!(
                "none of the listeners of Gateway `{}` is valid (see the listener findings)",
                obj_name(r)
            );
            cx.push(
                gid,
                Family::Gateway,
                "Accepted",
                "ListenersNotValid",
                "object".into(),
                Severity::Info,
                msg,
                r.name_span,
                "no valid listener",
            );
        }
        // client certificate for backends
        if let Some(c) = &g.tls.backend_client_certificate {
            let (cg, ck) = group_kind(c, "", "Secret");
            let ns = c.namespace_or(&r.namespace);
            let msg = if !(cg.is_empty() && ck == "Secret") {
                Some(format!("`tls.backend.clientCertificateRef` of Gateway `{}` is a `{ck}`; only Secrets are allowed", obj_name(r)))
            } else {
                match ix.secret(ns, c.name()) {
                    Some(id) => secret_cert_problem(ix, id).map(|p| {
                        format!("Secret `{ns}/{}` named by `tls.backend.clientCertificateRef` of Gateway `{}` is not a usable certificate: {p}", c.name(), obj_name(r))
                    }),
                    None if evidence(ix, Class::Secret, ns, r) => Some(format!(
                        "Secret `{ns}/{}` named by `tls.backend.clientCertificateRef` of Gateway `{}` does not exist",
                        c.name(),
                        obj_name(r)
                    )),
                    None => None,
                }
            };
            if let Some(msg) = msg {
                cx.push(
                    gid,
                    Family::Gateway,
                    "ResolvedRefs",
                    "InvalidClientCertificateRef",
                    "object".into(),
                    Severity::Error,
                    msg,
                    c.span,
                    "client certificate cannot be used",
                );
            }
        }
        // addresses of a manual Gateway
        if !info.managed && !info.services.is_empty() {
            let probs = address_problems(ix, r, &info.services, &ports);
            if !probs.is_empty() {
                let msg = format!(
                    "Gateway `{}` cannot be programmed: {}",
                    obj_name(r),
                    probs
                        .iter()
                        .map(|p| p.0.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                );
                cx.push(
                    gid,
                    Family::Gateway,
                    "Programmed",
                    "AddressNotUsable",
                    "object".into(),
                    Severity::Error,
                    msg,
                    probs[0].1,
                    "address not usable",
                );
            }
        }
    }
    routes(&mut cx, &parents);
    policies(&mut cx);
    xbackends(&mut cx);
    cx.out
}

/// The Gateways whose routes send traffic to `kind` `ns/name` (`extractAncestorBackends`),
/// sorted.
fn ancestor_gateways(ix: &Index, kind: &str, ns: &str, name: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (_, r, rt) in ix.routes() {
        let hits = rt
            .rules
            .iter()
            .flat_map(|rule| rule.backend_refs.iter())
            .any(|b| {
                let (g, k) = group_kind(&b.target, "", "Service");
                let want_group = match kind {
                    "Service" => "",
                    "ServiceEntry" => "networking.istio.io",
                    _ => "gateway.networking.x-k8s.io",
                };
                g == want_group
                    && k == kind
                    && b.target.namespace_or(&r.namespace) == ns
                    && b.target.name() == name
            });
        if !hits {
            continue;
        }
        for p in &rt.parent_refs {
            if p.group_or(GROUP) == GROUP && p.kind_or("Gateway") == "Gateway" {
                let key = (
                    p.namespace_or(&r.namespace).to_string(),
                    p.name().to_string(),
                );
                if !out.contains(&key) {
                    out.push(key);
                }
            }
        }
    }
    out.sort();
    out
}

/// BackendTLSPolicy and XBackendTrafficPolicy ancestors (`backend_policies.go`
/// BackendTLSPolicyCollection, BackendTrafficPolicyCollection).
fn policies(cx: &mut Cx) {
    let ix = cx.ix;
    let tls_policies: Vec<(ResourceId, &Resource, &gw::BackendTlsPolicy)> = ix
        .backend_policies()
        .filter_map(
            |(id, r)| match super::gateway_api::object(r).map(|o| &o.object) {
                Some(Object::BackendTLSPolicy(p)) => Some((id, r, p)),
                _ => None,
            },
        )
        .collect();
    let ignored = |r: &Resource| {
        r.annotation("istio.io/ignore-policy-attachment")
            .is_some_and(|v| v.value.eq_ignore_ascii_case("true"))
    };
    for (id, r) in ix.backend_policies() {
        if ix.role(r) == crate::source::Role::Builtin {
            continue;
        }
        let targets: &[ObjRef] = match super::gateway_api::object(r).map(|o| &o.object) {
            Some(Object::BackendTLSPolicy(p)) => &p.target_refs,
            Some(Object::BackendTrafficPolicy(p)) => &p.target_refs,
            _ => continue,
        };
        let is_tls = r.kind == "BackendTLSPolicy";
        if ignored(r) {
            for t in targets {
                let scope = ancestor_scope(t, &r.namespace);
                let msg = format!("{} `{}` is ignored by Istio: it carries `istio.io/ignore-policy-attachment: \"true\"`", r.kind, obj_name(r));
                cx.push(
                    id,
                    Family::Policy,
                    "Accepted",
                    "IgnoredByIstio",
                    scope,
                    Severity::Info,
                    msg,
                    t.span,
                    "ignored by Istio",
                );
            }
            continue;
        }
        // the policy-wide conditions (ResolvedRefs, and Accepted set by the CA reference)
        let mut resolved: Option<(&'static str, String, Span)> = None;
        let mut accepted: Option<(&'static str, String, Span)> = None;
        if let Some(Object::BackendTLSPolicy(p)) = super::gateway_api::object(r).map(|o| &o.object)
        {
            if p.well_known_ca.is_none() {
                if let Some(ca) = p.ca_certificate_refs.first() {
                    let (g, k) = (ca.group_or(""), ca.kind_or(""));
                    let err = if !(g.is_empty() && (k == "ConfigMap" || k == "Secret")) {
                        Some(("InvalidKind", format!("CA certificate `{}` of {} `{}` is of kind `{k}`; Istio reads ConfigMaps", ca.name(), r.kind, obj_name(r))))
                    } else if k == "Secret" {
                        Some(("InvalidKind", format!("CA certificate `{}` of {} `{}` is a Secret; Istio reads only ConfigMaps here", ca.name(), r.kind, obj_name(r))))
                    } else if config_map(ix, &r.namespace, ca.name(), r) == Some(false) {
                        Some((
                            "InvalidCACertificateRef",
                            format!(
                                "ConfigMap `{}/{}`, the CA certificate of {} `{}`, does not exist",
                                r.namespace,
                                ca.name(),
                                r.kind,
                                obj_name(r)
                            ),
                        ))
                    } else {
                        config_map_ca_problem(ix, &r.namespace, ca.name(), false).map(|why| {
                            (
                                "InvalidCACertificateRef",
                                format!(
                                    "ConfigMap `{}/{}`, the CA certificate of {} `{}`, cannot be used: {why}",
                                    r.namespace,
                                    ca.name(),
                                    r.kind,
                                    obj_name(r)
                                ),
                            )
                        })
                    };
                    if let Some((reason, msg)) = err {
                        resolved = Some((reason, msg, ca.span));
                        accepted = Some((
                            "NoValidCACertificate",
                            format!("{} `{}` is not accepted because its CA certificate reference cannot be used (see the ResolvedRefs finding)", r.kind, obj_name(r)),
                            ca.span,
                        ));
                    }
                }
            }
        }
        let mut gateways: Vec<(String, String)> = Vec::new();
        for t in targets {
            let (g, k) = (t.group_or(""), t.kind_or(""));
            let scope = ancestor_scope(t, &r.namespace);
            let section = t
                .section_name
                .as_ref()
                .map(|s| s.value.as_str())
                .filter(|s| !s.is_empty());
            let target_kind = match (g, k) {
                ("", "Service") => Some("Service"),
                ("networking.istio.io", "ServiceEntry") => Some("ServiceEntry"),
                _ => None,
            };
            let mut err: Option<String> = None;
            match target_kind {
                None => {
                    err = Some(format!(
                        "target `{}` of {} `{}` is of kind `{k}`, which Istio does not support",
                        t.name(),
                        r.kind,
                        obj_name(r)
                    ))
                }
                Some(tk) => match ix.get(tk, &r.namespace, t.name()) {
                    None => {
                        if tk == "Service" && !evidence(ix, Class::Service, &r.namespace, r) {
                            continue;
                        }
                        err = Some(format!(
                            "{tk} `{}/{}`, a target of {} `{}`, does not exist",
                            r.namespace,
                            t.name(),
                            r.kind,
                            obj_name(r)
                        ));
                    }
                    Some(tid) => {
                        let names: Vec<&str> = match &ix.resource(tid).spec {
                            Spec::Service(svc) => svc
                                .ports
                                .iter()
                                .filter_map(|p| p.name.as_ref().map(|n| n.value.as_str()))
                                .collect(),
                            Spec::ServiceEntry(se) => se
                                .ports
                                .iter()
                                .filter_map(|p| p.name.as_ref().map(|n| n.value.as_str()))
                                .collect(),
                            _ => Vec::new(),
                        };
                        if let Some(sn) = section {
                            if is_tls && !names.contains(&sn) {
                                err = Some(format!("{tk} `{}/{}` has no port named `{sn}` (`sectionName` of a target of {} `{}`)", r.namespace, t.name(), r.kind, obj_name(r)));
                            }
                        }
                        if err.is_none() {
                            for gw_key in ancestor_gateways(ix, tk, &r.namespace, t.name()) {
                                if !gateways.contains(&gw_key) {
                                    gateways.push(gw_key);
                                }
                            }
                        }
                    }
                },
            }
            if let Some(e) = err {
                // istiod's condition map is shared across targets: a target error stays for
                // the targets after it and for the Gateway ancestors
                accepted = Some(("TargetNotFound", e, t.span));
            } else if is_tls {
                if let Some(other) = tls_policies.iter().find(|(oid, o, op)| {
                    *oid != id
                        && !ignored(o)
                        && o.namespace == r.namespace
                        && o.name.as_str() < r.name.as_str()
                        && op.target_refs.iter().any(|x| {
                            x.group_or("") == g
                                && x.kind_or("") == k
                                && x.name() == t.name()
                                && s(&x.section_name) == s(&t.section_name)
                        })
                }) {
                    let c = cx.push(id, Family::Policy, "Accepted", "Conflicted", scope.clone(), Severity::Warning,
                        format!("{} `{}` targets the same backend as `{}`, which wins (same age, earlier name): it is not applied", r.kind, obj_name(r), other.1.name),
                        t.span, "conflicting policy");
                    c.related
                        .push((other.1.name_span, "the policy that wins".into()));
                    if let Some((reason, msg, span)) = &resolved {
                        cx.push(
                            id,
                            Family::Policy,
                            "ResolvedRefs",
                            reason,
                            scope,
                            Severity::Error,
                            msg.clone(),
                            *span,
                            "CA certificate reference cannot be used",
                        );
                    }
                    continue;
                }
            }
            push_policy_conds(cx, id, &scope, &accepted, &resolved);
        }
        gateways.sort();
        for (gns, gname) in gateways {
            let scope = format!("ancestor:{gns}/{gname}");
            push_policy_conds(cx, id, &scope, &accepted, &resolved);
        }
    }
}

fn push_policy_conds(
    cx: &mut Cx,
    id: ResourceId,
    scope: &str,
    accepted: &Option<(&'static str, String, Span)>,
    resolved: &Option<(&'static str, String, Span)>,
) {
    if let Some((reason, msg, span)) = accepted {
        let sev = if *reason == "NoValidCACertificate" {
            Severity::Info
        } else {
            Severity::Warning
        };
        cx.push(
            id,
            Family::Policy,
            "Accepted",
            reason,
            scope.to_string(),
            sev,
            msg.clone(),
            *span,
            reason_label_route(reason),
        );
    }
    if let Some((reason, msg, span)) = resolved {
        cx.push(
            id,
            Family::Policy,
            "ResolvedRefs",
            reason,
            scope.to_string(),
            Severity::Error,
            msg.clone(),
            *span,
            "CA certificate reference cannot be used",
        );
    }
}

fn ancestor_scope(t: &ObjRef, ns: &str) -> String {
    let mut out = format!("ancestor:{}:{ns}/{}", t.kind_or(""), t.name());
    if let Some(sn) = t.section_name.as_ref().filter(|s| !s.value.is_empty()) {
        out.push('/');
        out.push_str(&sn.value);
    }
    out
}

/// XBackend's own conditions (BackendResourcePolicyCollection, backendResourceTLSSettings).
fn xbackends(cx: &mut Cx) {
    let ix = cx.ix;
    for &id in ix.of_kind("XBackend") {
        let r = ix.resource(id);
        let Some(Object::XBackend(xb)) = super::gateway_api::object(r).map(|o| &o.object) else {
            continue;
        };
        let err = if s(&xb.type_) != "ExternalHostname" || xb.external_hostname.is_none() {
            Some((
                format!(
                    "XBackend `{}` is of type `{}`; Istio supports only ExternalHostname",
                    obj_name(r),
                    s(&xb.type_)
                ),
                xb.type_.as_ref().map(|t| t.span).unwrap_or(r.name_span),
            ))
        } else {
            xb.tls_mode
                .as_ref()
                .filter(|m| m.value == "ClientAndServer")
                .map(|m| (format!("XBackend `{}` asks for TLS mode ClientAndServer; Istio does not send client certificates to backends", obj_name(r)), m.span))
        };
        let Some((msg, span)) = err else { continue };
        let mut scopes = vec![format!("parent:XBackend:{}/{}", r.namespace, r.name)];
        for (gns, gname) in ancestor_gateways(ix, "XBackend", &r.namespace, &r.name) {
            scopes.push(format!("parent:{gns}/{gname}"));
        }
        for scope in scopes {
            cx.push(
                id,
                Family::XBackend,
                "Accepted",
                "Invalid",
                scope,
                Severity::Error,
                msg.clone(),
                span,
                "not supported by Istio",
            );
        }
    }
}

fn report_conflict(
    cx: &mut Cx,
    owner: ResourceId,
    l: &Listener,
    reason: &'static str,
    prior: ResourceId,
    prior_span: Span,
) {
    let ix = cx.ix;
    let r = ix.resource(owner);
    let p = ix.resource(prior);
    let what = if reason == "HostnameConflict" {
        "hostname"
    } else {
        "protocol"
    };
    let msg = format!(
        "listener `{}` of {} `{}` conflicts with an earlier listener of {} `{}` on the same port ({what} conflict): it is not programmed",
        l.name(),
        r.kind,
        obj_name(r),
        p.kind,
        obj_name(p)
    );
    for (t, sev) in [
        ("Conflicted", Severity::Error),
        ("Accepted", Severity::Info),
        ("Programmed", Severity::Info),
    ] {
        let m = if sev == Severity::Info {
            format!("listener `{}` of {} `{}` is not {} because it conflicts with another listener (see the Conflicted finding)", l.name(), r.kind, obj_name(r), if t == "Accepted" { "accepted" } else { "programmed" })
        } else {
            msg.clone()
        };
        cx.push(
            owner,
            Family::ListenerConflict,
            t,
            reason,
            listener_scope(l),
            sev,
            m,
            name_span(l),
            "conflicting listener",
        )
        .related
        .push((prior_span, "the listener it conflicts with".into()));
    }
    let (_, valid) = supported_kinds(l);
    if !valid {
        cx.push(
            owner,
            Family::Listener,
            "ResolvedRefs",
            "InvalidRouteKinds",
            listener_scope(l),
            Severity::Warning,
            format!(
                "listener `{}` of {} `{}` lists route kinds it cannot serve",
                l.name(),
                r.kind,
                obj_name(r)
            ),
            l.allowed_routes.span.unwrap_or(l.span),
            "route kinds this listener cannot serve",
        );
    }
}

/// The status scope of a parentRef.
fn parent_scope(p: &ObjRef, route_ns: &str) -> String {
    let (g, k) = (p.group_or(GROUP), p.kind_or("Gateway"));
    let mut out = String::from("parent:");
    if !(g == GROUP && k == "Gateway") {
        out.push_str(k);
        out.push(':');
    }
    out.push_str(p.namespace_or(route_ns));
    out.push('/');
    out.push_str(p.name());
    if let Some(sn) = &p.section_name {
        out.push('/');
        out.push_str(&sn.value);
    }
    if let Some(port) = &p.port {
        out.push_str(&format!(":{}", port.value));
    }
    out
}

/// A denial of one parent listener: rank (createRouteStatus), reason, message.
type Denial = (u8, &'static str, String);

/// referenceAllowed for a Gateway or ListenerSet listener; `Ok(None)`: undecidable.
fn reference_allowed(
    ix: &Index,
    lst: &Lst,
    p: &ObjRef,
    route: &Resource,
    rt: &gw::Route,
) -> Result<(), Option<Denial>> {
    let l = lst.l;
    let owner = ix.resource(lst.owner);
    let lname = format!(
        "listener `{}` of {} `{}`",
        l.name(),
        owner.kind,
        obj_name(owner)
    );
    if let Some(port) = &p.port {
        if port.value != 0 && port.value != lst.port {
            return Err(Some((
                4,
                "NoMatchingParent",
                format!(
                    "no listener of {} `{}` has port {}",
                    owner.kind,
                    obj_name(owner),
                    port.value
                ),
            )));
        }
    }
    if let Some(sn) = &p.section_name {
        if !sn.value.is_empty() && sn.value != l.name() {
            return Err(Some((
                4,
                "NoMatchingParent",
                format!(
                    "{} `{}` has no listener named `{}`",
                    owner.kind,
                    obj_name(owner),
                    sn.value
                ),
            )));
        }
    }
    let lhost = s(&l.hostname);
    if !lhost.is_empty() {
        let route_hosts: Vec<&str> = if rt.hostnames.is_empty() {
            vec!["*"]
        } else {
            rt.hostnames.iter().map(|h| h.value.as_str()).collect()
        };
        let host_matched = route_hosts.iter().any(|h| hosts_overlap(lhost, h));
        if !host_matched {
            return Err(Some((
                2,
                "NoMatchingListenerHostname",
                format!(
                    "no hostname of {} `{}` matches hostname `{lhost}` of {lname}",
                    rt.kind.kind(),
                    obj_name(route)
                ),
            )));
        }
    }
    match lst.ns.allows(ix, &route.namespace) {
        Some(true) => {}
        Some(false) => {
            let why = match &lst.ns {
                NsAllow::Same(_) => "allows routes from its own namespace only".to_string(),
                _ => format!(
                    "does not select namespace `{}` in `allowedRoutes.namespaces`",
                    route.namespace
                ),
            };
            return Err(Some((
                1,
                "NotAllowedByListeners",
                format!(
                    "{lname} {why}: {} `{}` cannot attach",
                    rt.kind.kind(),
                    obj_name(route)
                ),
            )));
        }
        None => return Err(None),
    }
    let kind = rt.kind.kind();
    if !lst.kinds.iter().any(|(g, k)| *g == GROUP && *k == kind) {
        return Err(Some((
            1,
            "NotAllowedByListeners",
            format!("{lname} does not admit {kind}s (protocol {})", lst.protocol),
        )));
    }
    Ok(())
}

/// The error istiod reports in ResolvedRefs for a route (the last backend error, or the
/// first hard one): reason, message, span.
type RouteErr = (&'static str, String, Span);

/// buildDestination: `Err(Some(..))` invalid backend (soft), hard errors are returned as
/// `Err(Some((.., true)))`.
fn destination(
    ix: &Index,
    route: &Resource,
    kind: RouteKind,
    t: &ObjRef,
    enforce_grant: bool,
) -> Option<(RouteErr, bool)> {
    let (g, k) = group_kind(t, "", "Service");
    let rns = route.namespace.as_str();
    let ns = t.namespace_or(rns);
    let name = t.name();
    let rname = || format!("{} `{}`", kind.kind(), obj_name(route));
    if enforce_grant && ns != rns {
        let (tg, tk) = if g.is_empty() && k == "Service" {
            ("", "Service")
        } else {
            (g, k)
        };
        if !ix.reference_granted(GROUP, kind.kind(), rns, tg, tk, ns, name) {
            return Some((
                (
                    "RefNotPermitted",
                    format!("backend `{ns}/{name}` of {} is in another namespace and no ReferenceGrant in `{ns}` allows it", rname()),
                    t.span,
                ),
                false,
            ));
        }
    }
    let not_found = |what: String| Some((("BackendNotFound", what, t.name_span()), false));
    // a hard error: it ends the translation of the route's backends
    let invalid = |what: String, span: Span| Some((("InvalidDestination", what, span), true));
    match (g, k) {
        ("gateway.networking.x-k8s.io", "XBackend") => {
            let Some(id) = ix.gateway_api_object("XBackend", ns, name) else {
                // XBackends live next to their routes: decide only when the input has some
                if ix.of_kind("XBackend").is_empty() {
                    return None;
                }
                return not_found(format!(
                    "XBackend `{ns}/{name}` of {} does not exist",
                    rname()
                ));
            };
            let Some(Object::XBackend(xb)) =
                super::gateway_api::object(ix.resource(id)).map(|o| &o.object)
            else {
                return None;
            };
            if s(&xb.type_) != "ExternalHostname" || xb.external_hostname.is_none() {
                return Some((
                    (
                        "InvalidKind",
                        format!(
                            "XBackend `{ns}/{name}` of {} is not of type ExternalHostname",
                            rname()
                        ),
                        t.name_span(),
                    ),
                    false,
                ));
            }
            if let (Some(want), Some(have)) = (&t.port, &xb.port) {
                if want.value != have.value {
                    return Some((
                        (
                            "BackendNotFound",
                            format!(
                                "XBackend `{ns}/{name}` exposes port {}, not {} as {} asks",
                                have.value,
                                want.value,
                                rname()
                            ),
                            want.span,
                        ),
                        false,
                    ));
                }
            }
            None
        }
        ("", "Service") | ("multicluster.x-k8s.io", "ServiceImport") => {
            if k == "Service" && name.contains('.') {
                return invalid(
                    format!(
                        "backend `{name}` of {} is a hostname; name the Service",
                        rname()
                    ),
                    t.name_span(),
                );
            }
            let missing =
                ix.get("Service", ns, name).is_none() && evidence(ix, Class::Service, ns, route);
            if t.port.is_none() {
                return invalid(
                    format!("backend `{ns}/{name}` of {} has no `port`", rname()),
                    t.span,
                );
            }
            if missing {
                return not_found(format!(
                    "Service `{ns}/{name}`, a backend of {}, does not exist",
                    rname()
                ));
            }
            None
        }
        ("networking.istio.io", "Hostname") => {
            if t.namespace.is_some() {
                return invalid(
                    format!(
                        "backend `{name}` of kind Hostname of {} may not set `namespace`",
                        rname()
                    ),
                    t.span,
                );
            }
            let found = ix
                .services_for_host(name)
                .iter()
                .any(|&id| ix.resource(id).namespace == ns)
                || ix
                    .service_entries_for_host(name)
                    .iter()
                    .any(|&id| ix.resource(id).namespace == ns);
            if t.port.is_none() {
                return invalid(
                    format!("backend `{name}` of {} has no `port`", rname()),
                    t.span,
                );
            }
            if !found && evidence(ix, Class::Service, ns, route) {
                return not_found(format!("host `{name}`, a backend of {}, is declared by no Service or ServiceEntry of namespace `{ns}`", rname()));
            }
            None
        }
        ("inference.networking.k8s.io", "InferencePool") => {
            if ix.gateway_api_object("InferencePool", ns, name).is_none()
                && !ix.of_kind("InferencePool").is_empty()
            {
                return not_found(format!(
                    "InferencePool `{ns}/{name}`, a backend of {}, does not exist",
                    rname()
                ));
            }
            None
        }
        _ => Some((
            (
                "InvalidKind",
                format!(
                    "backend `{name}` of {} is of kind `{}{}{k}`, which Istio does not support",
                    rname(),
                    g,
                    if g.is_empty() { "" } else { "/" }
                ),
                t.kind.as_ref().map(|k| k.span).unwrap_or(t.span),
            ),
            false,
        )),
    }
}

/// The route's conversion error for gateway (`enforce_grant`) or mesh parents.
fn route_error(
    ix: &Index,
    route: &Resource,
    rt: &gw::Route,
    enforce_grant: bool,
) -> Option<RouteErr> {
    let mut last: Option<RouteErr> = None;
    for rule in &rt.rules {
        let n = rule.matches.len().max(1);
        let mut rule_err: Option<RouteErr> = None;
        let mut hard: Option<RouteErr> = None;
        let mut mirror_err: Option<RouteErr> = None;
        let mut has_redirect = false;
        'filters: for f in &rule.filters {
            match (rt.kind, f.type_name()) {
                (_, "RequestHeaderModifier" | "ResponseHeaderModifier") => {}
                (RouteKind::Http, "RequestRedirect") => has_redirect = true,
                (RouteKind::Http, "URLRewrite" | "CORS") => {}
                (RouteKind::Http | RouteKind::Grpc, "RequestMirror") => {
                    if let Some(m) = &f.request_mirror {
                        if let Some((e, is_hard)) =
                            destination(ix, route, rt.kind, &m.backend_ref, enforce_grant)
                        {
                            if rt.kind == RouteKind::Grpc || is_hard {
                                hard = Some(e);
                                break 'filters;
                            }
                            mirror_err = Some(e);
                        }
                    }
                }
                (RouteKind::Http | RouteKind::Grpc, t) => {
                    hard = Some((
                        "InvalidFilter",
                        format!(
                            "filter type `{t}` of {} `{}` is not supported by Istio",
                            rt.kind.kind(),
                            obj_name(route)
                        ),
                        f.type_.as_ref().map(|x| x.span).unwrap_or(f.span),
                    ));
                    break 'filters;
                }
                _ => {}
            }
        }
        if hard.is_none() {
            let weight_sum: i64 = rule.backend_refs.iter().map(|b| b.weight()).sum();
            let http = matches!(rt.kind, RouteKind::Http | RouteKind::Grpc);
            if weight_sum == 0 && (!http || !has_redirect) {
                rule_err = if http { mirror_err.clone() } else { None };
            } else {
                let mut backend_err: Option<RouteErr> = None;
                for b in rule.backend_refs.iter().filter(|b| b.weight() != 0) {
                    if let Some((e, is_hard)) =
                        destination(ix, route, rt.kind, &b.target, enforce_grant)
                    {
                        if is_hard {
                            hard = Some(e);
                            break;
                        }
                        backend_err = Some(e);
                    }
                    if http {
                        if let Some(f) = b.filters.iter().find(|f| {
                            !matches!(
                                f.type_name(),
                                "RequestHeaderModifier" | "ResponseHeaderModifier"
                            )
                        }) {
                            hard = Some((
                                "InvalidFilter",
                                format!("filter type `{}` on a backend of {} `{}` is not supported by Istio", f.type_name(), rt.kind.kind(), obj_name(route)),
                                f.span,
                            ));
                            break;
                        }
                    }
                }
                if hard.is_none() {
                    rule_err = backend_err.or(mirror_err);
                }
            }
        }
        if let Some(h) = hard {
            return Some(h);
        }
        if rule_err.is_some() {
            last = rule_err;
        }
        let _ = n;
    }
    last
}

fn routes(cx: &mut Cx, parents: &HashMap<(&'static str, String, String), Vec<Lst>>) {
    let ix = cx.ix;
    for (rid, route, rt) in ix.routes() {
        if ix.role(route) == crate::source::Role::Builtin || rt.kind == RouteKind::Udp {
            continue;
        }
        if rt.parent_refs.is_empty() {
            cx.out.unattached.push(Unattached {
                route: rid,
                parent_ref_index: None,
                evidence: true,
                message: format!("{} `{}` has no `parentRefs`: it attaches to no Gateway and to no Service, so it routes nothing", rt.kind.kind(), obj_name(route)),
                span: route.name_span,
            });
            continue;
        }
        let mut gw_err: Option<Option<RouteErr>> = None;
        let mut mesh_err: Option<Option<RouteErr>> = None;
        // merged per written parentRef (duplicates merge, as createRouteStatus keys them)
        let mut seen: Vec<(String, usize)> = Vec::new();
        for (pi, p) in rt.parent_refs.iter().enumerate() {
            let (g, k) = (p.group_or(GROUP), p.kind_or("Gateway"));
            let pns = p.namespace_or(&route.namespace);
            let scope = parent_scope(p, &route.namespace);
            if seen.iter().any(|(sc, _)| *sc == scope) {
                continue;
            }
            seen.push((scope.clone(), pi));
            let mesh = match (g, k) {
                (GROUP, "Gateway") | (GROUP, "ListenerSet") => false,
                ("", "Service") | ("networking.istio.io", "ServiceEntry") => true,
                _ => continue,
            };
            let mut denial: Option<Denial> = None;
            let mut open_world = false;
            if mesh && waypoint_of_another_controller(ix, k, pns, p.name()) {
                continue;
            }
            if mesh {
                let exists = if k == "Service" {
                    ix.get("Service", pns, p.name()).is_some()
                } else {
                    ix.get("ServiceEntry", pns, p.name()).is_some()
                };
                if !exists {
                    // open world: without evidence the parent may be deployed from elsewhere;
                    // say what istiod writes if it is not, at info
                    open_world = !evidence(ix, Class::Service, pns, route);
                    let msg = if open_world {
                        format!(
                            "{k} `{pns}/{}`, a parent of {} `{}`, is not in the input (no {k} of namespace `{pns}` is defined next to it); if it does not exist, istiod does not accept the route for it",
                            p.name(),
                            rt.kind.kind(),
                            obj_name(route)
                        )
                    } else {
                        format!(
                            "{k} `{pns}/{}`, a parent of {} `{}`, does not exist",
                            p.name(),
                            rt.kind.kind(),
                            obj_name(route)
                        )
                    };
                    denial = Some((4, "NoMatchingParent", msg));
                }
                if denial.is_none() {
                    cx.out.attachments.push(Attachment {
                        route: rid,
                        parent_ref_index: pi,
                        parent: None,
                        gateway: None,
                        listeners: Vec::new(),
                    });
                }
            } else {
                let key = (
                    if k == "Gateway" {
                        "Gateway"
                    } else {
                        "ListenerSet"
                    },
                    pns.to_string(),
                    p.name().to_string(),
                );
                let obj = ix.gateway_api_object(k, pns, p.name());
                let Some(lsts) = parents.get(&key) else {
                    if obj.is_none() && k == "Gateway" {
                        cx.out.unattached.push(Unattached {
                            route: rid,
                            parent_ref_index: Some(pi),
                            evidence: evidence(ix, Class::Gateway, pns, route),
                            message: format!("parentRef of {} `{}` names Gateway `{pns}/{}`, which is not in the input: the route does not attach there", rt.kind.kind(), obj_name(route), p.name()),
                            span: p.name_span(),
                        });
                    }
                    continue;
                };
                let mut best: Option<Denial> = None;
                let mut accepted = Vec::new();
                let mut unknown = false;
                for lst in lsts {
                    match reference_allowed(ix, lst, p, route, rt) {
                        Ok(()) => accepted.push(lst.l.name().to_string()),
                        Err(None) => unknown = true,
                        Err(Some(d)) => {
                            best = Some(match best {
                                None => d,
                                Some(b) if d.0 < b.0 => d,
                                Some(b) if d.0 == b.0 && d.2 != b.2 => {
                                    (b.0, b.1, format!("{}; {}", b.2, d.2))
                                }
                                Some(b) => b,
                            })
                        }
                    }
                }
                if !accepted.is_empty() {
                    let gwid = lsts[0].gateway;
                    cx.out.attachments.push(Attachment {
                        route: rid,
                        parent_ref_index: pi,
                        parent: obj,
                        gateway: Some(gwid),
                        listeners: accepted,
                    });
                } else if !unknown {
                    denial = best;
                }
                if lsts.is_empty() {
                    continue;
                }
            }
            if let Some((_, reason, msg)) = denial {
                let sev = if open_world {
                    Severity::Info
                } else {
                    Severity::Error
                };
                let help = match reason {
                    _ if open_world => format!("pass the Services of namespace `{pns}` with `--context` to check this parent"),
                    "NotAllowedByListeners" => "allow the route's namespace in the listener's `allowedRoutes`, or move the route".into(),
                    "NoMatchingListenerHostname" => "add a hostname the listener serves to the route's `hostnames`, or fix the listener's `hostname`".into(),
                    _ => "fix `sectionName`/`port` to name an existing listener, or the parent's name".into(),
                };
                let c = cx.push(
                    rid,
                    Family::RouteParent,
                    "Accepted",
                    reason,
                    scope.clone(),
                    sev,
                    msg,
                    p.span,
                    if open_world {
                        "not in the input".to_string()
                    } else if mesh {
                        "no such parent".to_string()
                    } else {
                        reason_label_route(reason)
                    },
                );
                c.help = Some(help);
            }
            // ResolvedRefs on this parent
            let err = if mesh {
                mesh_err
                    .get_or_insert_with(|| route_error(ix, route, rt, false))
                    .clone()
            } else {
                gw_err
                    .get_or_insert_with(|| route_error(ix, route, rt, true))
                    .clone()
            };
            if let Some((reason, msg, span)) = err {
                let reason: &'static str = reason;
                cx.push(
                    rid,
                    Family::RouteBackend,
                    "ResolvedRefs",
                    reason,
                    scope,
                    Severity::Error,
                    msg,
                    span,
                    reason_label_route(reason),
                );
            }
        }
    }
}

/// `waypointManagedByAnotherController`: the Service or ServiceEntry (or its namespace) uses a
/// waypoint whose GatewayClass belongs to another controller; istiod leaves the parent alone.
fn waypoint_of_another_controller(ix: &Index, kind: &str, ns: &str, name: &str) -> bool {
    let Some(id) = ix.get(kind, ns, name) else {
        return false;
    };
    let get = |labels: &Labels, k: &str| {
        labels
            .iter()
            .find(|(lk, _)| lk.value == k)
            .map(|(_, v)| v.value.to_string())
    };
    let own = &ix.resource(id).labels;
    let (labels, wp) = match get(own, "istio.io/use-waypoint") {
        Some(w) => (own.clone(), w),
        None => match ix.namespace_labels(ns) {
            Some(l) => match get(l, "istio.io/use-waypoint") {
                Some(w) => (l.clone(), w),
                None => return false,
            },
            None => return false,
        },
    };
    if wp.is_empty() || wp.eq_ignore_ascii_case("none") {
        return false;
    }
    let wns = get(&labels, "istio.io/use-waypoint-namespace")
        .filter(|x| !x.is_empty())
        .unwrap_or_else(|| ns.to_string());
    let Some(gid) = ix.kube_gateway(&wns, &wp) else {
        return false;
    };
    let Some(Object::Gateway(g)) = super::gateway_api::object(ix.resource(gid)).map(|o| &o.object)
    else {
        return false;
    };
    let Some((_, class)) = g
        .class_name
        .as_ref()
        .and_then(|c| ix.gateway_class(&c.value))
    else {
        return false;
    };
    !matches!(
        s(&class.controller_name),
        "istio.io/mesh-controller" | "istio.io/gateway-controller"
    )
}

fn reason_label_route(reason: &str) -> String {
    match reason {
        "NotAllowedByListeners" => "not allowed by the parent's listeners".into(),
        "NoMatchingListenerHostname" => "no listener hostname matches".into(),
        "NoMatchingParent" => "matches no listener of the parent".into(),
        "BackendNotFound" => "backend not found".into(),
        "RefNotPermitted" => "no ReferenceGrant allows this backend".into(),
        "InvalidKind" => "backend kind not supported by Istio".into(),
        "InvalidFilter" => "filter not supported by Istio".into(),
        _ => reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::hosts_overlap;

    #[test]
    fn host_overlap_is_istios() {
        assert!(hosts_overlap("*.example.com", "a.example.com"));
        assert!(hosts_overlap("a.example.com", "*.example.com"));
        assert!(hosts_overlap("*", "a.b"));
        assert!(hosts_overlap("*.b.example.com", "*.example.com"));
        assert!(!hosts_overlap("a.example.com", "b.example.com"));
        assert!(!hosts_overlap("*.foo.example", "bar.example"));
    }
}
