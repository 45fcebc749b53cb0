//! `duplicate-gateway-certificate` (IST0138): two Gateways on the same gateway workloads use
//! the same TLS certificate (`credentialName`, or `serverCertificate` with `privateKey`).
//! Browsers reuse an HTTP/2 connection for every host the certificate covers, so requests for
//! one Gateway's host arrive on the other's server and get 404s.

use crate::diagnostics::istio_messages::go_list;
use crate::diagnostics::{join_open, Category, Diagnostic, RuleMeta, Severity, MAX_LISTED};
use crate::index::gateways::istio_gateways;
use crate::index::ResourceId;
use crate::model::istio::Server;
use crate::rules::gateways::common::selector_subset;
use crate::rules::RuleCx;
use crate::source::Span;
use std::collections::{HashMap, HashSet};

pub static META: RuleMeta = RuleMeta {
    code: "IST0138",
    name: "duplicate-gateway-certificate",
    severity: Severity::Warning,
    category: Category::Routing,
    analyzer: Some("gateway.CertificateAnalyzer"),
    summary: "two Gateways on the same workloads use the same TLS certificate",
};

/// What identifies a server's certificate, and where it is written.
fn cert_key(s: &Server) -> Option<(String, Span)> {
    if let Some(c) = s.credential_name.as_ref().filter(|c| !c.value.is_empty()) {
        return Some((format!("credentialName {}", c.value), c.span));
    }
    match (&s.server_certificate, &s.private_key) {
        (Some(c), Some(k)) if !c.value.is_empty() && !k.value.is_empty() => Some((
            format!("serverCertificate {} privateKey {}", c.value, k.value),
            c.span,
        )),
        _ => None,
    }
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let gws: Vec<_> = istio_gateways(ix).collect();
    let mut by_cert: HashMap<String, Vec<(ResourceId, Span)>> = HashMap::new();
    for &(id, _, g) in &gws {
        for s in &g.servers {
            if let Some((k, span)) = cert_key(s) {
                by_cert.entry(k).or_default().push((id, span));
            }
        }
    }
    for &(id, r, g) in &gws {
        for s in &g.servers {
            let Some((k, at)) = cert_key(s) else { continue };
            let mut others: Vec<(ResourceId, Span)> = Vec::new();
            // the gateways already in `others` (a set: a certificate can be shared by thousands)
            let mut seen: HashSet<ResourceId> = HashSet::new();
            let Some(sharing) = by_cert.get(&k) else {
                continue;
            };
            for &(other, span) in sharing {
                if other == id || seen.contains(&other) {
                    continue;
                }
                let og = match &ix.resource(other).spec {
                    crate::model::Spec::Gateway(x) => x,
                    _ => continue,
                };
                // the other Gateway runs on (a subset of) this one's workloads
                if selector_subset(&g.selector, &og.selector) {
                    seen.insert(other);
                    others.push((other, span));
                    // one past the listed maximum is enough to know the list is cut
                    if others.len() > MAX_LISTED {
                        break;
                    }
                }
            }
            if others.is_empty() {
                continue;
            }
            let cut = others.len() > MAX_LISTED;
            others.truncate(MAX_LISTED);
            let what = s
                .credential_name
                .as_ref()
                .map(|c| format!("credential `{}`", c.value))
                .unwrap_or_else(|| "certificate and key files".to_string());
            let names: Vec<String> = others
                .iter()
                .map(|(o, _)| {
                    let o = ix.resource(*o);
                    format!("`{}/{}`", o.namespace, o.name)
                })
                .collect();
            let mut d = Diagnostic::new(
                &META,
                format!(
                    "Gateway `{}/{}` uses the same {what} as Gateway {} on the same gateway workloads",
                    r.namespace,
                    r.name,
                    join_open(&names, ", ", cut)
                ),
            )
            .at(at, "certificate also used by another Gateway")
            .istio_args([{
                let mut all: Vec<String> = others
                    .iter()
                    .map(|(o, _)| {
                        let o = ix.resource(*o);
                        format!("{}/{}", o.namespace, o.name)
                    })
                    .chain([format!("{}/{}", r.namespace, r.name)])
                    .collect();
                all.sort();
                all.dedup();
                if cut {
                    all.push("and others".to_string());
                }
                go_list(&all)
            }]);
            for (o, span) in &others {
                let o = ix.resource(*o);
                d = d.related(
                    *span,
                    format!("used by Gateway `{}/{}` here", o.namespace, o.name),
                );
            }
            let d = d.help(
                "give each Gateway its own certificate, or merge the servers into one Gateway; \
                 clients reuse a connection for every host a certificate covers and get 404s from \
                 the other Gateway's server",
            );
            cx.report(r, d);
        }
    }
}
