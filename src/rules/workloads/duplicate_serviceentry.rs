//! `duplicate-serviceentry` (ML510, Kiali KIA1211): two ServiceEntries declare the same host and
//! port with the same protocol. Entries that are private to different namespaces
//! (`exportTo: ["."]`) do not collide.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::ResourceId;
use crate::model::Spec;
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::{HashMap, HashSet};

pub static META: RuleMeta = RuleMeta {
    code: "ML510",
    name: "duplicate-serviceentry",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "two ServiceEntries declare the same host and port",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // (host, port, scope) → first (entry, span, protocol)
    let mut first: HashMap<(String, i64, String), (ResourceId, Span, String)> = HashMap::new();
    let mut routed: Option<HashSet<String>> = None;
    for &id in ix.of_kind("ServiceEntry") {
        let r = ix.resource(id);
        let Spec::ServiceEntry(se) = &r.spec else {
            continue;
        };
        let private = se.export_to.len() == 1 && se.export_to[0].value == ".";
        let scope = if private {
            r.namespace.to_string()
        } else {
            "*".to_string()
        };
        for h in &se.hosts {
            let host = h.value.as_str().to_ascii_lowercase();
            for p in &se.ports {
                let Some(n) = &p.number else { continue };
                let proto = p
                    .protocol
                    .as_ref()
                    .map_or(String::new(), |x| x.value.as_str().to_ascii_uppercase());
                let key = (host.clone(), n.value, scope.clone());
                match first.get(&key) {
                    Some((other, span, op)) if *other != id && *op == proto => {
                        let o = ix.resource(*other);
                        let routed = routed.get_or_insert_with(|| ix.vs_destination_hosts());
                        if inert(ix, *other, id, &host, routed) {
                            continue;
                        }
                        let diag = Diagnostic::new(
                            &META,
                            format!(
                                "host `{}` port {} is also declared by ServiceEntry `{}/{}`: istiod merges the two entries, so their endpoints and settings mix",
                                h.value, n.value, o.namespace, o.name
                            ),
                        )
                        .at(n.span, "duplicate host and port")
                        .related(*span, "also declared here")
                        .help("keep one ServiceEntry per external host and port");
                        cx.report(r, diag);
                    }
                    Some(_) => {}
                    None => {
                        first.insert(key, (id, n.span, proto));
                    }
                }
            }
        }
    }
}

/// Whether no sidecar sees both entries: every namespace both are exported to has a Sidecar
/// whose egress hosts leave the host of one of them out (sidecar.go: a service is imported by
/// its own namespace and host), no VirtualService routes to the host, and none may run a gateway.
fn inert(
    ix: &crate::index::Index,
    a: ResourceId,
    b: ResourceId,
    host: &str,
    routed: &HashSet<String>,
) -> bool {
    let clients = |id: ResourceId| {
        let r = ix.resource(id);
        match &r.spec {
            Spec::ServiceEntry(se) => ix.export_namespaces(&se.export_to, &r.namespace),
            _ => None,
        }
    };
    let both: Vec<String> = match (clients(a), clients(b)) {
        (None, None) => return false,
        (Some(x), None) | (None, Some(x)) => x,
        (Some(x), Some(y)) => x.into_iter().filter(|n| y.contains(n)).collect(),
    };
    let (na, nb) = (
        ix.resource(a).namespace.as_str(),
        ix.resource(b).namespace.as_str(),
    );
    both.iter().all(|n| {
        !ix.may_import_service(n, na, host, routed) || !ix.may_import_service(n, nb, host, routed)
    })
}
