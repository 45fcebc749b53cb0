//! Evidence: when may a reference the input cannot resolve be called an error?
//!
//! A repository rarely holds everything its objects refer to: Services come from Helm charts or
//! other repositories, Secrets from cert-manager or a vault, Istio's own Services from the
//! installation. meshlint calls an unresolved reference an error only when the input holds
//! evidence that it would contain the target: objects of the target's class in the target's
//! namespace, defined
//!
//! - in a `--context` input (a cluster dump, rendered charts of other repositories), or
//! - next to the referring object: in a file of the same directory, of a parent directory or
//!   of a subdirectory (a sibling folder is another application, stage or tutorial step), or,
//!   when both files were named on the command line (or read from stdin), in any of them;
//!
//! and, for an object that does not write its namespace (it lands in whatever `-n` says), only
//! when the referring object does not write one either (the two are then applied together).
//! Objects of the built-in table [`ISTIO_DEFAULTS`] resolve references but are no evidence.
//! Without evidence, rules report "not in the input" (rule `not-in-input`, info) instead.

use crate::model::{Resource, Spec};
use crate::source::{Origin, Role};
use foldhash::{HashMap, HashSet};

/// What a reference needs the input to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Kubernetes Services (a `*.svc.<domain>` host).
    Service,
    /// Secrets, or what creates them (cert-manager `Certificate`, `SealedSecret`,
    /// `ExternalSecret`, `SecretProviderClass`).
    Secret,
    /// Workloads: Pods, pod templates, WorkloadEntries.
    Workload,
    /// Gateways (Istio's and the Gateway API's).
    Gateway,
}

impl Class {
    pub fn of(r: &Resource) -> Option<Class> {
        match &r.spec {
            Spec::Service(_) => Some(Class::Service),
            Spec::Secret(_) | Spec::SecretProvider(_) => Some(Class::Secret),
            Spec::Workload(_) | Spec::WorkloadEntry(_) => Some(Class::Workload),
            Spec::Gateway(_) => Some(Class::Gateway),
            Spec::GatewayApi(g)
                if matches!(g.object, crate::model::gateway_api::Object::Gateway(_)) =>
            {
                Some(Class::Gateway)
            }
            _ => None,
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Class::Service => "Services",
            Class::Secret => "Secrets",
            Class::Workload => "workloads",
            Class::Gateway => "Gateways",
        }
    }
}

/// Where objects of one class in one namespace are defined.
#[derive(Debug, Default)]
struct Places {
    /// In a context input.
    context: bool,
    /// In a file named on the command line, by whether the namespace was written.
    named: [bool; 2],
    /// Directories of the files that define them, by whether the namespace was written.
    dirs: HashSet<(String, bool)>,
    /// Those directories and all their parents.
    under: HashSet<(String, bool)>,
}

/// The evidence table, built once with the index.
#[derive(Debug, Default)]
pub struct Evidence {
    places: HashMap<(Class, String), Places>,
}

fn parents(dir: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(dir);
    std::iter::from_fn(move || {
        let d = next?;
        next = if d.is_empty() {
            None
        } else {
            Some(d.rsplit_once('/').map(|(p, _)| p).unwrap_or(""))
        };
        Some(d)
    })
}

impl Evidence {
    pub fn build(resources: &[Resource], origins: &[Origin]) -> Evidence {
        let mut ev = Evidence::default();
        for r in resources {
            let Some(class) = Class::of(r) else { continue };
            let origin = origins.get(r.file.index());
            let (role, named, dir) = match origin {
                Some(o) => (o.role, o.named, o.dir.as_str()),
                None => (Role::Checked, true, ""),
            };
            let p = ev
                .places
                .entry((class, r.namespace.to_string()))
                .or_default();
            let w = r.namespace_written;
            match role {
                Role::Builtin => {}
                Role::Context => p.context = true,
                Role::Checked => {
                    if named {
                        p.named[w as usize] = true;
                    }
                    if p.dirs.insert((dir.to_string(), w)) {
                        for d in parents(dir) {
                            if !p.under.insert((d.to_string(), w)) {
                                break;
                            }
                        }
                    }
                }
            }
        }
        ev
    }

    /// Whether the input holds evidence that objects of `class` in namespace `ns` would be in
    /// it, for a reference written in `referrer` (read from a file of origin `at`).
    pub fn holds(&self, class: Class, ns: &str, referrer: &Resource, at: &Origin) -> bool {
        let Some(p) = self.places.get(&(class, ns.to_string())) else {
            return false;
        };
        if p.context {
            return true;
        }
        // a namespace-less object is evidence only for a namespace-less referrer
        let flags: &[bool] = if referrer.namespace_written {
            &[true]
        } else {
            &[true, false]
        };
        flags.iter().any(|&w| {
            (at.named && p.named[w as usize])
                || p.under.contains(&(at.dir.clone(), w))
                || parents(&at.dir).any(|d| p.dirs.contains(&(d.to_string(), w)))
        })
    }
}

/// Whether an object read from `found` speaks for a reference written in `at`: `found` is a
/// context (or built-in) input, both were named on the command line, or one's directory holds
/// the other's.
pub fn related(found: &Origin, at: &Origin) -> bool {
    found.role != Role::Checked
        || (found.named && at.named)
        || parents(&at.dir).any(|d| d == found.dir)
        || parents(&found.dir).any(|d| d == at.dir)
}

/// What every Istio installation has, used to resolve references as if it were input (never
/// reported on, never evidence, replaced by any copy in the input): istiod and the default
/// ingress and egress gateways of the root namespace `istio-system` with their Services (ports
/// as Istio's charts install them), and the API server's `kubernetes.default` Service.
/// istioctl analyze likewise adds a default ingress gateway unless
/// `meshConfig.ingressControllerMode` is `OFF` (then the ingress gateway is left out here too).
pub const ISTIO_DEFAULTS: &str = "\
apiVersion: v1
kind: Service
metadata: {name: istiod, namespace: istio-system, labels: {app: istiod, istio: pilot}}
spec:
  selector: {app: istiod, istio: pilot}
  ports:
  - {name: grpc-xds, port: 15010, targetPort: 15010}
  - {name: https-dns, port: 15012, targetPort: 15012}
  - {name: https-webhook, port: 443, targetPort: 15017}
  - {name: http-monitoring, port: 15014, targetPort: 15014}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system}
spec:
  selector: {matchLabels: {app: istiod, istio: pilot}}
  template:
    metadata: {labels: {app: istiod, istio: pilot}}
    spec:
      containers:
      - name: discovery
        ports:
        - {containerPort: 8080, protocol: TCP}
        - {containerPort: 15010, protocol: TCP}
        - {containerPort: 15012, protocol: TCP}
        - {containerPort: 15017, protocol: TCP}
---
apiVersion: v1
kind: Service
metadata: {name: istio-egressgateway, namespace: istio-system, labels: {app: istio-egressgateway, istio: egressgateway}}
spec:
  selector: {app: istio-egressgateway, istio: egressgateway}
  ports:
  - {name: http2, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: 8443}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-egressgateway, namespace: istio-system}
spec:
  selector: {matchLabels: {app: istio-egressgateway, istio: egressgateway}}
  template:
    metadata: {labels: {app: istio-egressgateway, istio: egressgateway}}
    spec:
      containers:
      - name: istio-proxy
        ports:
        - {containerPort: 8080, protocol: TCP}
        - {containerPort: 8443, protocol: TCP}
        - {containerPort: 15090, protocol: TCP, name: http-envoy-prom}
---
apiVersion: v1
kind: Service
metadata: {name: kubernetes, namespace: default}
spec:
  ports:
  - {name: https, port: 443, targetPort: 6443}
";

/// The default ingress gateway (left out when `ingressControllerMode` is `OFF`), named as
/// istioctl names its own stand-in, so that either replaces the other.
pub const ISTIO_DEFAULT_INGRESS: &str = "\
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system, labels: {app: istio-ingressgateway, istio: ingressgateway}}
spec:
  selector: {app: istio-ingressgateway, istio: ingressgateway}
  ports:
  - {name: status-port, port: 15021, targetPort: 15021}
  - {name: http2, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: 8443}
---
apiVersion: v1
kind: Pod
metadata:
  name: istio-ingressgateway-dummypod
  namespace: istio-system
  labels: {app: istio-ingressgateway, istio: ingressgateway}
spec:
  containers:
  - name: istio-proxy
    ports:
    - {containerPort: 15021, protocol: TCP}
    - {containerPort: 8080, protocol: TCP}
    - {containerPort: 8443, protocol: TCP}
    - {containerPort: 15090, protocol: TCP, name: http-envoy-prom}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_walk_up_to_the_root() {
        assert_eq!(
            parents("a/b/c").collect::<Vec<_>>(),
            ["a/b/c", "a/b", "a", ""]
        );
        assert_eq!(parents("").collect::<Vec<_>>(), [""]);
    }
}
