//! `subset-not-found` (IST0101): a destination names a subset that the DestinationRule applying
//! to its host does not define, or no DestinationRule applies at all.

use crate::diagnostics::{list_or_none, Category, Diagnostic, RuleMeta, Severity};
use crate::index::dr_scope::DrCatalog;
use crate::index::{Index, ResourceId};
use crate::model::Resource;
use crate::rules::RuleCx;
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    code: "IST0101",
    name: "subset-not-found",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("virtualservice.DestinationRuleAnalyzer"),
    summary: "a route, mirror or fallback destination names a subset no applicable DestinationRule defines",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let mut catalog: Option<DrCatalog> = None;
    for (_, r, vs) in ix.virtual_services() {
        for (role, d) in vs.destinations() {
            let (Some(host), Some(subset)) = (&d.host, &d.subset) else {
                continue;
            };
            let fqdn = ix.fqdn(&host.value, &r.namespace);
            let field = role.field();
            // istioctl's DestinationRuleAnalyzer parameters
            let args = [
                if role == crate::model::istio::DestRole::Mirror {
                    "mirror+subset in destinationrule".to_string()
                } else {
                    "host+subset in destinationrule".to_string()
                },
                format!("{}+{}", host.value, subset.value),
            ];
            match ix.destination_rules_for(&fqdn, &r.namespace) {
                None => {
                    let catalog = catalog.get_or_insert_with(|| ix.dr_catalog());
                    let diag = not_applied(ix, catalog, &r.namespace, &fqdn, &subset.value).map(
                        |(msg, related, help)| {
                            let mut d = Diagnostic::new(
                                &META,
                                format!(
                                    "{field} uses subset `{}` of host `{fqdn}`, but {msg}",
                                    subset.value
                                ),
                            )
                            .at(subset.span, "subset referenced here")
                            .istio_args(args.clone());
                            for (span, label) in related {
                                d = d.related(span, label);
                            }
                            d.help(help)
                        },
                    );
                    let diag = diag.unwrap_or_else(|| {
                        Diagnostic::new(
                            &META,
                            format!(
                                "{field} uses subset `{}` of host `{fqdn}`, but no DestinationRule applies to that host",
                                subset.value
                            ),
                        )
                        .at(subset.span, "subset referenced here")
                        .istio_args(args.clone())
                        .related(host.span, format!("host resolves to `{fqdn}`"))
                        .help(format!(
                            "create a DestinationRule for host `{fqdn}` that defines subset `{}` (in namespace `{}` or the service's namespace), or remove the subset; without it the request fails with 503 (no healthy upstream)",
                            subset.value, r.namespace
                        ))
                    });
                    cx.report(r, unplaced(ix, r, &host.value, &subset.value, diag));
                }
                Some(applied) => {
                    let subsets = ix.subsets_of(&applied.rules);
                    if subsets.iter().any(|(n, _, _)| *n == subset.value) {
                        continue;
                    }
                    let names: Vec<&str> = subsets.iter().map(|(n, _, _)| *n).collect();
                    let first = ix.resource(applied.rules[0]);
                    let mut diag = Diagnostic::new(
                        &META,
                        format!("subset `{}` is not defined for host `{fqdn}`", subset.value),
                    )
                    .at(subset.span, format!("{field} subset not found"))
                    .istio_args(args.clone());
                    for &id in &applied.rules {
                        let dr = ix.resource(id);
                        let label = format!(
                            "DestinationRule `{}/{}` applies here (found in {}); it defines: {}",
                            dr.namespace,
                            dr.name,
                            applied.found_in,
                            list_or_none(&names)
                        );
                        let span = match &dr.spec {
                            crate::model::Spec::DestinationRule(x) => {
                                x.host.as_ref().map(|h| h.span).unwrap_or(dr.name_span)
                            }
                            _ => dr.name_span,
                        };
                        diag = diag.related(span, label);
                    }
                    // a rule that defines the subset but is not the one istiod picks
                    let catalog = catalog.get_or_insert_with(|| ix.dr_catalog());
                    for id in catalog.covering(&fqdn) {
                        if applied.rules.contains(&id) || !ix.dr_defines_subset(id, &subset.value) {
                            continue;
                        }
                        let dr = ix.resource(id);
                        let why = ix
                            .dr_not_visible_reason(id, &fqdn, &r.namespace)
                            .unwrap_or_else(|| format!("istiod stops at the first step of its lookup that finds a rule, {}", applied.found_in));
                        if let Some(span) = subset_span(ix, id, &subset.value) {
                            diag = diag.related(
                                span,
                                format!("defined here, in DestinationRule `{}/{}`, which does not apply: {why}", dr.namespace, dr.name),
                            );
                        }
                    }
                    let help = if names.is_empty() {
                        format!(
                            "add subset `{}` to DestinationRule `{}/{}`; it defines no subsets yet",
                            subset.value, first.namespace, first.name
                        )
                    } else {
                        format!(
                            "add subset `{}` to DestinationRule `{}/{}` or route to one of: {}",
                            subset.value,
                            first.namespace,
                            first.name,
                            names.join(", ")
                        )
                    };
                    cx.report(
                        r,
                        unplaced(ix, r, &host.value, &subset.value, diag.help(help)),
                    );
                }
            }
        }
    }
}

/// Whether a DestinationRule (kept or replaced copy) defines `subset`.
fn defines(r: &Resource, subset: &str) -> bool {
    matches!(&r.spec, crate::model::Spec::DestinationRule(dr)
        if dr.subsets.iter().any(|s| s.name.as_ref().is_some_and(|n| n.value == subset)))
}

/// The span of subset `name` in a DestinationRule (kept or replaced copy).
fn subset_span_in(r: &Resource, name: &str) -> Option<Span> {
    let crate::model::Spec::DestinationRule(dr) = &r.spec else {
        return None;
    };
    dr.subsets
        .iter()
        .filter_map(|s| s.name.as_ref())
        .find(|n| n.value == name)
        .map(|n| n.span)
}

/// When the input cannot tell whether the subset is missing, the finding is info and says why:
/// - a copy of a DestinationRule written for the host that `kubectl apply` replaces defines it
///   (which copy is applied last decides; `duplicate-object` reports the copies);
/// - a DestinationRule without `metadata.namespace` defines it for the same short host: it
///   lands where `-n` applies it, next to this VirtualService with `-n <its namespace>`.
fn unplaced(ix: &Index, r: &Resource, host: &str, subset: &str, d: Diagnostic) -> Diagnostic {
    let fqdn = ix.fqdn(host, &r.namespace);
    let copy = ix.copies.iter().find(|c| {
        c.kind == "DestinationRule"
            && ix.dr_host_for_resource(c).is_some_and(|h| h == fqdn)
            && defines(c, subset)
    });
    let unwritten = || {
        (r.namespace_written && !host.contains('.'))
            .then(|| {
                ix.copies
                    .iter()
                    .chain(ix.destination_rules().map(|(_, dr, _)| dr))
                    .find(|dr| {
                        !dr.namespace_written
                            && dr.namespace != r.namespace
                            && matches!(&dr.spec, crate::model::Spec::DestinationRule(x)
                                if x.host.as_ref().is_some_and(|h| h.value == host))
                            && defines(dr, subset)
                    })
            })
            .flatten()
    };
    let (dr, why) = if let Some(c) = copy {
        let why = format!(
            " (another copy of DestinationRule `{}/{}` defines it: which copy applies depends on which file is applied last; see duplicate-object)",
            c.namespace, c.name
        );
        (c, why)
    } else if let Some(dr) = unwritten() {
        let why = format!(
            " (DestinationRule `{}` defines it but sets no `metadata.namespace`: applied with `-n {}`, it applies)",
            dr.name, r.namespace
        );
        (dr, why)
    } else {
        return d;
    };
    let mut d = d.severity(Severity::Info);
    d.message.push_str(&why);
    match subset_span_in(dr, subset) {
        Some(span) => d.related(span, "defined here, in a copy the input cannot place"),
        None => d,
    }
}

/// The span of subset `name` in DestinationRule `id`.
fn subset_span(ix: &Index, id: ResourceId, name: &str) -> Option<Span> {
    subset_span_in(ix.resource(id), name)
}

/// The span of the `host` of DestinationRule `id` (its name when it has none).
fn host_span(ix: &Index, id: ResourceId) -> Span {
    let dr = ix.resource(id);
    match &dr.spec {
        crate::model::Spec::DestinationRule(x) => {
            x.host.as_ref().map(|h| h.span).unwrap_or(dr.name_span)
        }
        _ => dr.name_span,
    }
}

type Related = Vec<(Span, String)>;

/// When no DestinationRule applies to `fqdn` for clients in `client_ns` but some are written
/// for that host elsewhere: the end of the message, the rules as related labels and the help.
/// Rules that define `subset` come first; `None` when no rule is written for the host.
fn not_applied(
    ix: &Index,
    catalog: &DrCatalog,
    client_ns: &str,
    fqdn: &str,
    subset: &str,
) -> Option<(String, Related, String)> {
    let mut found = catalog.covering(fqdn);
    if found.is_empty() {
        return None;
    }
    // stable: rules defining the subset first, then the rest in host-specificity order
    found.sort_by_key(|&id| !ix.dr_defines_subset(id, subset));
    let first = found[0];
    let first_dr = ix.resource(first);
    let reason = ix
        .dr_not_visible_reason(first, fqdn, client_ns)
        .unwrap_or_else(|| "it is not visible to that namespace".to_string());
    let defines = ix.dr_defines_subset(first, subset);
    let msg = if defines {
        format!(
            "DestinationRule `{}/{}`, which defines it, does not apply to clients in namespace `{client_ns}`: {reason}",
            first_dr.namespace, first_dr.name
        )
    } else {
        format!(
            "no DestinationRule applies to that host for clients in namespace `{client_ns}` (DestinationRule `{}/{}` is written for it but does not apply: {reason})",
            first_dr.namespace, first_dr.name
        )
    };
    let mut related: Related = Vec::new();
    for (i, &id) in found.iter().enumerate() {
        let dr = ix.resource(id);
        let span = subset_span(ix, id, subset).unwrap_or_else(|| host_span(ix, id));
        let label = if i == 0 {
            "defined here".to_string()
        } else {
            let why = ix
                .dr_not_visible_reason(id, fqdn, client_ns)
                .unwrap_or_else(|| "it is not visible to that namespace".to_string());
            format!(
                "DestinationRule `{}/{}` does not apply either: {why}",
                dr.namespace, dr.name
            )
        };
        related.push((span, label));
    }
    let svc_ns = ix.service_namespace_of(fqdn);
    let place = match svc_ns {
        Some(s) if s != client_ns => format!("namespace `{client_ns}` or `{s}` (the service's)"),
        _ => format!("namespace `{client_ns}`"),
    };
    let help = format!(
        "put a DestinationRule for host `{fqdn}` that defines subset `{subset}` in {place}, exported to `{client_ns}` (no `exportTo`, `*` or `{client_ns}`), or remove the subset; until then the request fails with 503 (no healthy upstream)"
    );
    Some((msg, related, help))
}
