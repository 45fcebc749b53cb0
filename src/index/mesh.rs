//! The parts of Istio's MeshConfig meshlint uses, with Istio's defaults.

use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use crate::yaml::{parse_file, Limits, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct MeshConfig {
    pub root_namespace: String,
    /// The cluster domain used to expand short names (`trustDomain` in MeshConfig).
    pub domain: String,
    /// `ingressControllerMode: OFF` disables the default ingress gateway.
    pub ingress_controller_off: bool,
    pub ingress_service: String,
    pub ingress_selector: Option<String>,
    /// `outboundTrafficPolicy.mode: REGISTRY_ONLY`.
    pub registry_only: bool,
    /// `defaultProviders.accessLogging`.
    pub default_access_logging: Vec<String>,
    /// `extensionProviders[]`: (name, provider type such as `lightstep` or `opentelemetry`).
    pub extension_providers: Vec<(String, String)>,
    /// `defaultConfig.proxyMetadata` (environment of every proxy), in file order.
    pub proxy_metadata: Vec<(String, String)>,
    /// The mesh networks (`--mesh-networks`); empty unless given.
    pub networks: MeshNetworks,
}

impl Default for MeshConfig {
    fn default() -> Self {
        MeshConfig {
            root_namespace: "istio-system".to_string(),
            domain: "cluster.local".to_string(),
            ingress_controller_off: false,
            ingress_service: "istio-ingressgateway".to_string(),
            ingress_selector: None,
            registry_only: false,
            default_access_logging: Vec::new(),
            extension_providers: Vec::new(),
            proxy_metadata: Vec::new(),
            networks: MeshNetworks::default(),
        }
    }
}

/// Istio's MeshNetworks (`meshNetworks` in the `istio` ConfigMap, or `--mesh-networks FILE`):
/// for each network, where its endpoints come from and the gateways that reach it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeshNetworks {
    /// In file order.
    pub networks: Vec<Network>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Network {
    pub name: String,
    pub endpoints: Vec<NetworkEndpoint>,
    pub gateways: Vec<NetworkGateway>,
}

/// `networks.<name>.endpoints[]`: one of `fromRegistry` (a cluster / registry name) or
/// `fromCidr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkEndpoint {
    FromRegistry(String),
    FromCidr(String),
}

/// `networks.<name>.gateways[]`: a gateway Service (`registryServiceName`) or an `address`,
/// with its `port` and optional `locality`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkGateway {
    pub registry_service_name: Option<String>,
    pub address: Option<String>,
    pub port: Option<u32>,
    pub locality: Option<String>,
}

impl MeshNetworks {
    /// Every `fromRegistry` name, in file order.
    pub fn registries(&self) -> Vec<&str> {
        self.networks
            .iter()
            .flat_map(|n| n.endpoints.iter())
            .filter_map(|e| match e {
                NetworkEndpoint::FromRegistry(r) => Some(r.as_str()),
                NetworkEndpoint::FromCidr(_) => None,
            })
            .collect()
    }

    /// Reads a MeshNetworks YAML (`networks: {...}`), or a ConfigMap holding it under
    /// `data.meshNetworks`. Diagnostics are YAML errors.
    pub fn parse(file: FileId, text: &str) -> (MeshNetworks, Vec<Diagnostic>) {
        let mut out = MeshNetworks::default();
        let parsed = parse_file(file, text, &Limits::default());
        let mut diags = parsed.diagnostics;
        for doc in &parsed.documents {
            let Some(root) = doc.root.and_then(|r| Value::new(doc, r)) else {
                continue;
            };
            if let Some(inner) = root.get("data").and_then(|d| d.get("meshNetworks")) {
                if let Some((inner, _)) = inner.scalar() {
                    let (n, d) = MeshNetworks::parse(file, inner);
                    diags.extend(d.into_iter().map(|mut d| {
                        d.primary = None;
                        d.related.clear();
                        d
                    }));
                    out = n;
                    continue;
                }
            }
            out.apply(root);
        }
        (out, diags)
    }

    fn apply(&mut self, root: Value) {
        let s = |v: Option<Value>| v.and_then(|v| v.scalar()).map(|s| s.0.to_string());
        let Some(nets) = root.get("networks").filter(|n| n.is_map()) else {
            return;
        };
        for (name, net) in nets.entries() {
            let Some(name) = s(Some(name)) else { continue };
            let mut n = Network {
                name,
                ..Network::default()
            };
            if let Some(eps) = net.get("endpoints").filter(|e| e.is_seq()) {
                for e in eps.items() {
                    if let Some(r) = s(e.get("fromRegistry")) {
                        n.endpoints.push(NetworkEndpoint::FromRegistry(r));
                    } else if let Some(c) = s(e.get("fromCidr")) {
                        n.endpoints.push(NetworkEndpoint::FromCidr(c));
                    }
                }
            }
            if let Some(gws) = net.get("gateways").filter(|g| g.is_seq()) {
                for g in gws.items() {
                    n.gateways.push(NetworkGateway {
                        registry_service_name: s(g.get("registryServiceName")),
                        address: s(g.get("address")),
                        port: s(g.get("port")).and_then(|p| p.parse().ok()),
                        locality: s(g.get("locality")),
                    });
                }
            }
            self.networks.retain(|x| x.name != n.name);
            self.networks.push(n);
        }
    }
}

impl MeshConfig {
    /// A `defaultConfig.proxyMetadata` value.
    pub fn proxy_metadata(&self, key: &str) -> Option<&str> {
        self.proxy_metadata
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Reads a MeshConfig YAML (the mesh config itself, or a ConfigMap holding it under
    /// `data.mesh`) over Istio's defaults.
    pub fn parse(file: FileId, text: &str) -> (MeshConfig, Vec<Diagnostic>) {
        let mut cfg = MeshConfig::default();
        let parsed = parse_file(file, text, &Limits::default());
        let mut diags = parsed.diagnostics;
        for doc in &parsed.documents {
            let Some(root) = doc.root.and_then(|r| Value::new(doc, r)) else {
                continue;
            };
            // a ConfigMap `istio` carries the mesh config as a string under data.mesh
            if let Some(mesh) = root.get("data").and_then(|d| d.get("mesh")) {
                if let Some((inner, _)) = mesh.scalar() {
                    let (c, d) = MeshConfig::parse(file, inner);
                    // spans of the inner text do not point into the file; keep messages only
                    diags.extend(d.into_iter().map(|mut d| {
                        d.primary = None;
                        d.related.clear();
                        d
                    }));
                    cfg = c;
                    continue;
                }
            }
            cfg.apply(root);
        }
        (cfg, diags)
    }

    fn apply(&mut self, root: Value) {
        let s = |v: Option<Value>| v.and_then(|v| v.scalar()).map(|s| s.0.to_string());
        if let Some(ns) = s(root.get("rootNamespace")) {
            self.root_namespace = ns;
        }
        if let Some(td) = s(root.get("trustDomain")) {
            self.domain = td;
        }
        if let Some(mode) = s(root.get("ingressControllerMode")) {
            self.ingress_controller_off = mode.eq_ignore_ascii_case("OFF");
        }
        if let Some(svc) = s(root.get("ingressService")) {
            self.ingress_service = svc;
        }
        if let Some(sel) = s(root.get("ingressSelector")) {
            self.ingress_selector = Some(sel);
        }
        if let Some(mode) = s(root
            .get("outboundTrafficPolicy")
            .and_then(|o| o.get("mode")))
        {
            self.registry_only = mode == "REGISTRY_ONLY";
        }
        if let Some(al) = root
            .get("defaultProviders")
            .and_then(|d| d.get("accessLogging"))
        {
            self.default_access_logging =
                al.items().into_iter().filter_map(|i| s(Some(i))).collect();
        }
        if let Some(eps) = root.get("extensionProviders").filter(|v| v.is_seq()) {
            self.extension_providers = eps
                .items()
                .into_iter()
                .filter(|p| p.is_map())
                .filter_map(|p| {
                    let name = s(p.get("name"))?;
                    let ty = p
                        .entries()
                        .into_iter()
                        .filter_map(|(k, _)| k.scalar().map(|k| k.0.to_string()))
                        .find(|k| k != "name")
                        .unwrap_or_default();
                    Some((name, ty))
                })
                .collect();
        }
        if let Some(pm) = root
            .get("defaultConfig")
            .and_then(|d| d.get("proxyMetadata"))
            .filter(|m| m.is_map())
        {
            for (k, v) in pm.entries() {
                if let (Some(k), Some(v)) = (s(Some(k)), s(Some(v))) {
                    self.proxy_metadata.retain(|(x, _)| *x != k);
                    self.proxy_metadata.push((k, v));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let (c, d) = MeshConfig::parse(
            FileId::new(0),
            "rootNamespace: mesh-root\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\ningressControllerMode: \"OFF\"\n",
        );
        assert!(d.is_empty());
        assert_eq!(c.root_namespace, "mesh-root");
        assert!(c.registry_only);
        assert!(c.ingress_controller_off);
        assert_eq!(c.domain, "cluster.local");
    }

    #[test]
    fn reads_every_documented_field() {
        let (c, d) = MeshConfig::parse(
            FileId::new(0),
            "rootNamespace: istio-config\ntrustDomain: corp.local\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}\ningressControllerMode: STRICT\ningressService: my-ingress\ningressSelector: my-gw\ndefaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: \"true\"\n",
        );
        assert!(d.is_empty());
        assert_eq!(c.root_namespace, "istio-config");
        assert_eq!(c.domain, "corp.local");
        assert!(c.registry_only);
        assert!(!c.ingress_controller_off);
        assert_eq!(c.ingress_service, "my-ingress");
        assert_eq!(c.ingress_selector.as_deref(), Some("my-gw"));
        assert_eq!(c.proxy_metadata("ISTIO_META_DNS_CAPTURE"), Some("true"));
    }

    #[test]
    fn mesh_networks() {
        let text = "networks:\n  network1:\n    endpoints:\n    - fromRegistry: Kubernetes\n    - fromCidr: 192.168.0.0/16\n    gateways:\n    - registryServiceName: istio-ingressgateway.istio-system.svc.cluster.local\n      port: 15443\n  network2:\n    endpoints:\n    - fromRegistry: cluster2\n    gateways:\n    - address: 10.0.0.1\n      port: 443\n      locality: us-east1\n";
        let (n, d) = MeshNetworks::parse(FileId::new(0), text);
        assert!(d.is_empty());
        assert_eq!(n.networks.len(), 2);
        assert_eq!(n.networks[0].name, "network1");
        assert_eq!(
            n.networks[0].endpoints,
            vec![
                NetworkEndpoint::FromRegistry("Kubernetes".into()),
                NetworkEndpoint::FromCidr("192.168.0.0/16".into())
            ]
        );
        assert_eq!(n.networks[0].gateways[0].port, Some(15443));
        assert_eq!(
            n.networks[1].gateways[0].address.as_deref(),
            Some("10.0.0.1")
        );
        assert_eq!(
            n.networks[1].gateways[0].locality.as_deref(),
            Some("us-east1")
        );
        assert_eq!(n.registries(), vec!["Kubernetes", "cluster2"]);
        let cm = "apiVersion: v1\nkind: ConfigMap\ndata:\n  meshNetworks: |\n    networks:\n      n1:\n        endpoints:\n        - fromRegistry: Kubernetes\n";
        let (n, _) = MeshNetworks::parse(FileId::new(0), cm);
        assert_eq!(n.registries(), vec!["Kubernetes"]);
    }

    #[test]
    fn configmap_form() {
        let (c, _) = MeshConfig::parse(
            FileId::new(0),
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  mesh: |\n    rootNamespace: r\n",
        );
        assert_eq!(c.root_namespace, "r");
    }
}
