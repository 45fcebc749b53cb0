//! `subset-not-found` (IST0101): a destination names a subset that the DestinationRule applying
//! to its host does not define, or no DestinationRule applies at all.

use super::RuleCx;
use crate::diagnostics::{list_or_none, Category, Diagnostic, RuleMeta, Severity};

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
                    let diag = Diagnostic::new(
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
                    ));
                    cx.report(r, diag);
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
                    cx.report(r, diag.help(help));
                }
            }
        }
    }
}
