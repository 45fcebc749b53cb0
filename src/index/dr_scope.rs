//! Why a DestinationRule does (or does not) reach the clients of a namespace.
//!
//! [`Index::destination_rules_for`] answers "which rules apply"; this answers the reverse question
//! a finding needs: for a DestinationRule written for a host, why istiod does not hand it to a
//! client in a given namespace. The steps are those of pilot/pkg/model/push_context.go
//! `PushContext.destinationRule` (client namespace, service namespace, root namespace) over the
//! pools `setDestinationRules` builds (namespace-local, exported, root-namespace private).

use super::host::{is_wildcard, subset_of, WildcardTable};
use super::{Index, ResourceId};
use crate::model::Spec;
use std::collections::HashMap;

/// Every DestinationRule by resolved host, whatever its namespace and `exportTo`. Built on
/// demand by a rule that needs to name rules which do *not* apply (rare: only for findings).
#[derive(Default)]
pub struct DrCatalog {
    exact: HashMap<String, Vec<ResourceId>>,
    wildcard: WildcardTable<Vec<ResourceId>>,
}

impl DrCatalog {
    /// Rules whose host is `host` or a wildcard covering it, exact first, then wildcards from
    /// the most specific.
    pub fn covering(&self, host: &str) -> Vec<ResourceId> {
        let mut out: Vec<ResourceId> = self.exact.get(host).cloned().unwrap_or_default();
        for (_, ids) in self.wildcard.covering(host) {
            out.extend(ids.iter().copied());
        }
        out
    }
}

impl<'r> Index<'r> {
    /// All DestinationRules by resolved host (see [`DrCatalog`]).
    pub fn dr_catalog(&self) -> DrCatalog {
        let mut c = DrCatalog::default();
        for &id in self.of_kind("DestinationRule") {
            let Some(h) = self.dr_hosts.get(&id) else {
                continue;
            };
            if is_wildcard(h) {
                c.wildcard.entry(h, Vec::new).push(id);
            } else {
                c.exact.entry(h.clone()).or_default().push(id);
            }
        }
        c
    }

    /// Why DestinationRule `id` (whose host covers `host`) is not among the rules istiod gives a
    /// client in `client_ns` for `host`; `None` when it would be visible to that client (it may
    /// still lose to rules found at an earlier step, see [`Index::destination_rules_for`]).
    pub fn dr_not_visible_reason(
        &self,
        id: ResourceId,
        host: &str,
        client_ns: &str,
    ) -> Option<String> {
        let r = self.resource(id);
        let Spec::DestinationRule(dr) = &r.spec else {
            return Some("it is not a DestinationRule".to_string());
        };
        let ns = r.namespace.as_str();
        let root = self.mesh.root_namespace.as_str();
        let export = self.dr_exported_to.get(&id).cloned().unwrap_or_default();
        let has = |x: &str| export.iter().any(|e| e == x);
        let in_local_pool = export.is_empty() || has("*") || has(".") || has(ns);
        let private_only = export.len() == 1 && (has(".") || has(ns));
        let exported_to_client = !private_only && (export.is_empty() || has("*") || has(client_ns));
        let svc_ns = self.service_namespace_of(host);
        if ns == client_ns {
            if client_ns == root {
                // the root namespace's private pool, or its exported pool (step 4)
                if private_only || exported_to_client {
                    return None;
                }
            } else if in_local_pool {
                return None;
            }
            return Some(format!(
                "its `exportTo` ({}) leaves out its own namespace `{ns}`",
                quoted(&export)
            ));
        }
        if Some(ns) != svc_ns && ns != root {
            return Some(match svc_ns {
                Some(s) => format!(
                    "istiod looks for DestinationRules only in the client's namespace `{client_ns}`, the service's namespace `{s}` and the root namespace `{root}`, and this rule is in `{ns}`"
                ),
                None => format!(
                    "istiod looks for DestinationRules only in the client's namespace `{client_ns}`, the service's namespace (unknown here: no Service or ServiceEntry declares the host) and the root namespace `{root}`, and this rule is in `{ns}`"
                ),
            });
        }
        if exported_to_client {
            return None;
        }
        if dr.workload_selector.is_some() {
            return Some(format!(
                "it has a `workloadSelector`, which keeps it to namespace `{ns}`"
            ));
        }
        Some(format!(
            "its `exportTo` ({}) does not include the client's namespace `{client_ns}`",
            quoted(&export)
        ))
    }

    /// Whether DestinationRule `id` defines subset `name`.
    pub fn dr_defines_subset(&self, id: ResourceId, name: &str) -> bool {
        match &self.resource(id).spec {
            Spec::DestinationRule(dr) => dr
                .subsets
                .iter()
                .any(|s| s.name.as_ref().is_some_and(|n| n.value == name)),
            _ => false,
        }
    }

    /// Whether DestinationRule `id` is written for `host` or a wildcard covering it.
    pub fn dr_covers(&self, id: ResourceId, host: &str) -> bool {
        self.dr_host(id).is_some_and(|h| subset_of(host, h))
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|x| format!("`{x}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
