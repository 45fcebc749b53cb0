//! `destination-host-not-found` (IST0101): a route, mirror or fallback destination names a host
//! that no Service or ServiceEntry visible to the VirtualService declares, or a port that the
//! host does not expose.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::evidence::Class;
use crate::index::{host, Index, ResourceId};
use crate::model::istio::{DestRole, Destination, VirtualService};
use crate::model::{Resource, Spec};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0101",
    name: "destination-host-not-found",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("virtualservice.DestinationHostAnalyzer"),
    summary: "a destination host (or host:port) is declared by no visible Service or ServiceEntry",
};

/// Also reports `not-in-input` (ML012): runs when ML012 is selected (build.rs reads this).
pub const REPORTS_NOT_IN_INPUT: bool = true;

/// What a destination host resolves to.
pub enum Lookup {
    /// The input cannot decide: it holds no evidence that it would declare the host
    /// ([`crate::index::evidence`]); `why` says what is missing.
    /// `why` is `None` for an outside host: `external-host-without-serviceentry` (ML401)
    /// reports those.
    Unknown {
        fqdn: String,
        why: Option<String>,
    },
    NotFound {
        fqdn: String,
        scopes: Vec<String>,
    },
    /// The visible Services and ServiceEntries declaring it, with their port numbers.
    Found(Vec<(ResourceId, Vec<i64>)>),
}

/// Whether an `exportTo` list (Service annotation or ServiceEntry field) of a resource in
/// `owner_ns` makes it visible to namespace `to` (`*`: to every namespace).
fn exported(list: &[&str], owner_ns: &str, to: &str) -> bool {
    if list.is_empty() || list.contains(&"*") {
        return true;
    }
    to != "*" && (list.contains(&to) || (to == owner_ns && list.contains(&".")))
}

/// The namespaces a VirtualService's routes are used in: its `exportTo` (`.` = its own
/// namespace, `*` = everywhere), or its own namespace.
pub fn scopes(r: &Resource, vs: &VirtualService) -> Vec<String> {
    if vs.export_to.is_empty() {
        return vec![r.namespace.to_string()];
    }
    let mut v: Vec<String> = vs
        .export_to
        .iter()
        .filter(|e| e.value != "~")
        .map(|e| {
            if e.value == "." {
                r.namespace.to_string()
            } else {
                e.value.to_string()
            }
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Resolves a destination host written in a VirtualService of `r.namespace` the way Istio's
/// DestinationHostAnalyzer does: Services (annotation `networking.istio.io/exportTo`) and
/// ServiceEntries (`exportTo`, wildcard hosts by suffix), visible in one of `scopes`.
pub fn lookup(ix: &Index, r: &Resource, scopes: &[String], host_name: &str) -> Lookup {
    let fqdn = ix.fqdn(host_name, &r.namespace);
    if scopes.is_empty() {
        return Lookup::Unknown {
            fqdn,
            why: Some("the VirtualService is exported to no namespace".to_string()),
        };
    }
    let visible = |list: &[&str], owner: &str| scopes.iter().any(|s| exported(list, owner, s));
    let mut found = Vec::new();
    for &id in ix.services_for_host(&fqdn) {
        let s = ix.resource(id);
        let Spec::Service(svc) = &s.spec else {
            continue;
        };
        let list: Vec<&str> = s
            .annotation("networking.istio.io/exportTo")
            .map(|a| {
                a.value
                    .split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if visible(&list, &s.namespace) {
            found.push((
                id,
                svc.ports
                    .iter()
                    .filter_map(|p| p.port.as_ref().map(|x| x.value))
                    .collect(),
            ));
        }
    }
    for id in ix.service_entries_for_host(&fqdn) {
        let s = ix.resource(id);
        let Spec::ServiceEntry(se) = &s.spec else {
            continue;
        };
        let list: Vec<&str> = se.export_to.iter().map(|e| e.value.as_str()).collect();
        if visible(&list, &s.namespace) {
            found.push((
                id,
                se.ports
                    .iter()
                    .filter_map(|p| p.number.as_ref().map(|x| x.value))
                    .collect(),
            ));
        }
    }
    if !found.is_empty() {
        return Lookup::Found(found);
    }
    // open world: not found is an error only where the input would hold the declaration
    match host::service_namespace(&fqdn, &ix.mesh.domain) {
        Some(ns) if !ix.evidence(Class::Service, ns, r) => {
            let why = format!("the input defines no Service of namespace `{ns}` next to it");
            return Lookup::Unknown {
                fqdn,
                why: Some(why),
            };
        }
        // a ServiceEntry that declares the host but is not visible is evidence
        Some(_) => {}
        None if !ix.service_entries_for_host(&fqdn).is_empty() => {}
        None => {
            // a ServiceEntry for an outside host can live in any namespace or repository
            return Lookup::Unknown { fqdn, why: None };
        }
    }
    Lookup::NotFound {
        fqdn,
        scopes: scopes.to_vec(),
    }
}

fn scope_text(scopes: &[String]) -> String {
    let v: Vec<String> = scopes
        .iter()
        .map(|s| {
            if s == "*" {
                "every namespace".to_string()
            } else {
                format!("namespace `{s}`")
            }
        })
        .collect();
    v.join(" or ")
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        let sc = scopes(r, vs);
        // a route entry without a destination host routes nowhere (Istio: host "")
        let entries = vs.http.iter().flat_map(|h| h.route.iter()).chain(
            vs.tcp
                .iter()
                .chain(vs.tls.iter())
                .flat_map(|t| t.route.iter()),
        );
        for rd in entries {
            if rd.destination.as_ref().is_some_and(|d| d.host.is_some()) {
                continue;
            }
            let diag = Diagnostic::new(
                &META,
                format!(
                    "a route of VirtualService `{}/{}` has no destination host",
                    r.namespace, r.name
                ),
            )
            .at(rd.span, "no `destination.host`")
            .istio_args(["host", ""])
            .help("set `destination.host` to the Service or ServiceEntry host to route to, or remove the entry");
            cx.report(r, diag);
        }
        for (role, d) in vs.destinations() {
            let Some(h) = &d.host else { continue };
            match lookup(ix, r, &sc, &h.value) {
                Lookup::Unknown { why: None, .. } => {}
                Lookup::Unknown {
                    fqdn,
                    why: Some(why),
                } => {
                    let diag = Diagnostic::new(
                        &crate::rules::input::not_in_input::META,
                        format!(
                            "{} host `{}` of VirtualService `{}/{}` (`{fqdn}`) is not in the input: {why}",
                            role.field(),
                            h.value,
                            r.namespace,
                            r.name,
                        ),
                    )
                    .at(h.span, "not in the input: not checked")
                    .help("pass the Services and ServiceEntries it refers to with `--context` (rendered charts, `kubectl get svc,se -A -o yaml`) to check it");
                    cx.report(r, diag);
                }
                Lookup::NotFound { fqdn, scopes } => {
                    // a short name resolved in a namespace the file does not write: say so
                    let assumed = if !r.namespace_written && !h.value.contains('.') {
                        format!(
                            " (the VirtualService sets no `metadata.namespace`: it is taken to be `{}`, where `-n` applies it)",
                            r.namespace
                        )
                    } else {
                        String::new()
                    };
                    let diag = Diagnostic::new(
                        &META,
                        format!(
                            "{} host `{}` of VirtualService `{}/{}` is not declared by any Service or ServiceEntry visible in {}{assumed}",
                            role.field(),
                            h.value,
                            r.namespace,
                            r.name,
                            scope_text(&scopes)
                        ),
                    )
                    .at(h.span, format!("resolves to `{fqdn}`, which is not found"))
                    .istio_args([
                        if role == DestRole::Mirror {
                            "mirror host"
                        } else {
                            "host"
                        },
                        h.value.as_str(),
                    ])
                    .help(format!(
                        "fix the host name, or create the Service or a ServiceEntry for `{fqdn}` (exported to {}); requests to an unknown host fail",
                        scope_text(&scopes)
                    ));
                    cx.report(r, diag);
                }
                Lookup::Found(targets) => check_port(cx, r, role.field(), d, &targets),
            }
        }
    }
}

fn check_port(
    cx: &mut RuleCx,
    r: &Resource,
    field: &str,
    d: &Destination,
    targets: &[(ResourceId, Vec<i64>)],
) {
    let (Some(port), Some(h)) = (&d.port, &d.host) else {
        return;
    };
    if targets.iter().any(|(_, ports)| ports.contains(&port.value)) {
        return;
    }
    let ix = cx.index;
    let mut ports: Vec<i64> = targets
        .iter()
        .flat_map(|(_, p)| p.iter().copied())
        .collect();
    ports.sort_unstable();
    ports.dedup();
    let list = ports
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let (tid, _) = &targets[0];
    let t = ix.resource(*tid);
    let diag = Diagnostic::new(
        &META,
        format!(
            "{field} port {} of host `{}` in VirtualService `{}/{}` is not exposed by {} `{}/{}`",
            port.value, h.value, r.namespace, r.name, t.kind, t.namespace, t.name
        ),
    )
    .at(port.span, "port not found")
    .istio_args([
        "host:port".to_string(),
        format!("{}:{}", h.value, port.value),
    ])
    .related(
        t.name_span,
        format!(
            "{} `{}/{}` exposes ports: {}",
            t.kind,
            t.namespace,
            t.name,
            if list.is_empty() {
                "(none)"
            } else {
                list.as_str()
            }
        ),
    )
    .help(if list.is_empty() {
        format!(
            "add port {} to {} `{}/{}`",
            port.value, t.kind, t.namespace, t.name
        )
    } else {
        format!(
            "use one of the exposed ports ({list}) or add port {} to the {}",
            port.value, t.kind
        )
    });
    cx.report(r, diag);
}
