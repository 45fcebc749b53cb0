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
            FileId(0),
            "rootNamespace: mesh-root\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\ningressControllerMode: \"OFF\"\n",
        );
        assert!(d.is_empty());
        assert_eq!(c.root_namespace, "mesh-root");
        assert!(c.registry_only);
        assert!(c.ingress_controller_off);
        assert_eq!(c.domain, "cluster.local");
    }

    #[test]
    fn configmap_form() {
        let (c, _) = MeshConfig::parse(
            FileId(0),
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  mesh: |\n    rootNamespace: r\n",
        );
        assert_eq!(c.root_namespace, "r");
    }
}
