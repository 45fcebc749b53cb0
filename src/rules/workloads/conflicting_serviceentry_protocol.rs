//! `conflicting-serviceentry-protocol` (IST0177): ServiceEntries visible in the same namespace
//! give one host and port different protocols.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::ResourceId;
use crate::model::Spec;
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::{BTreeMap, BTreeSet, HashSet};

pub static META: RuleMeta = RuleMeta {
    code: "IST0177",
    name: "conflicting-serviceentry-protocol",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: Some("serviceentry.ConflictingServiceEntryProtocolAnalyzer"),
    summary:
        "several ServiceEntries visible in one namespace give the same host and port different protocols",
};

struct Entry {
    id: ResourceId,
    protocol: String,
    span: Span,
}

/// The protocol as istiod tells it apart. HTTPS and TLS are both `IsTLS()`
/// (pkg/config/protocol/instance.go) and both a TCP listener
/// (`ModelProtocolToListenerProtocol`, pilot/pkg/networking/networking.go); the outbound filter
/// chains (`buildSidecarOutboundTLSFilterChainOpts`, pilot/pkg/networking/core/tls.go) and the
/// clusters treat them alike, except the dynamic forward proxy cluster of a wildcard
/// `DYNAMIC_DNS` host, which is built for TLS and not for HTTPS (cluster.go
/// `buildOutboundClusters`): so a wildcard host keeps them apart. HTTP, HTTP2, GRPC and
/// GRPC-WEB differ in the upstream protocol, the gRPC-Web filter or inbound retries.
fn class<'p>(protocol: &'p str, host: &str) -> &'p str {
    if protocol == "HTTPS" && !host.starts_with('*') {
        "TLS"
    } else {
        protocol
    }
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // (scope, host, port) → entries; scope `*` is every namespace
    let mut index: BTreeMap<(String, String, i64), Vec<Entry>> = BTreeMap::new();
    for &id in ix.of_kind("ServiceEntry") {
        let r = ix.resource(id);
        let Spec::ServiceEntry(se) = &r.spec else {
            continue;
        };
        let mut scopes: BTreeSet<String> = BTreeSet::new();
        if se.export_to.is_empty() || se.export_to.iter().any(|e| e.value == "*") {
            scopes.insert("*".into());
        } else {
            for e in &se.export_to {
                scopes.insert(if e.value == "." {
                    r.namespace.to_string()
                } else {
                    e.value.to_string()
                });
            }
        }
        for scope in &scopes {
            for h in &se.hosts {
                for p in &se.ports {
                    let Some(n) = &p.number else { continue };
                    let (protocol, span) = match &p.protocol {
                        Some(x) => (x.value.as_str().to_ascii_uppercase(), x.span),
                        None => (String::new(), n.span),
                    };
                    index
                        .entry((scope.clone(), h.value.to_string(), n.value))
                        .or_default()
                        .push(Entry { id, protocol, span });
                }
            }
        }
    }
    let mut reported: HashSet<ResourceId> = HashSet::new();
    for ((scope, host, port), own) in &index {
        let star = if scope != "*" {
            index.get(&("*".to_string(), host.clone(), *port))
        } else {
            None
        };
        let entries: Vec<&Entry> = own.iter().chain(star.into_iter().flatten()).collect();
        let protocols: BTreeSet<&str> = entries.iter().map(|e| e.protocol.as_str()).collect();
        let classes: BTreeSet<&str> = protocols.iter().map(|p| class(p, host)).collect();
        if classes.len() < 2 {
            continue;
        }
        let shown: Vec<&str> = protocols
            .iter()
            .map(|p| if p.is_empty() { "(none)" } else { p })
            .collect();
        let mut names: Vec<String> = entries
            .iter()
            .map(|e| {
                let r = ix.resource(e.id);
                format!("{}/{}", r.namespace, r.name)
            })
            .collect();
        names.sort();
        names.dedup();
        let args = [
            names.join(", "),
            host.clone(),
            port.to_string(),
            protocols.iter().copied().collect::<Vec<_>>().join(", "),
        ];
        for e in &entries {
            if !reported.insert(e.id) {
                continue;
            }
            let r = ix.resource(e.id);
            let proto = if e.protocol.is_empty() {
                "no protocol".to_string()
            } else {
                e.protocol.clone()
            };
            let mut d = Diagnostic::new(
                &META,
                format!(
                    "host `{host}` port {port} is {proto} in ServiceEntry `{}/{}`, but ServiceEntries visible in the same namespaces disagree: {}",
                    r.namespace,
                    r.name,
                    shown.join(", ")
                ),
            )
            .at(e.span, format!("{proto} here"))
            .istio_args(args.clone());
            let mut seen: HashSet<(ResourceId, u32)> = HashSet::new();
            for o in &entries {
                if o.id == e.id || !seen.insert((o.id, o.span.start)) {
                    continue;
                }
                let or = ix.resource(o.id);
                let op = if o.protocol.is_empty() {
                    "no protocol"
                } else {
                    o.protocol.as_str()
                };
                d = d.related(
                    o.span,
                    format!("ServiceEntry `{}/{}` says {op}", or.namespace, or.name),
                );
            }
            d = d.help(format!(
                "use one protocol for `{host}` port {port} in every ServiceEntry visible to the same namespaces (or narrow their `exportTo`); istiod keeps only one of them and the others' traffic is handled with the wrong protocol"
            ));
            cx.report(r, d);
        }
    }
}
