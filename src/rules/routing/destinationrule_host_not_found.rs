//! `destinationrule-host-not-found` (IST0174): a DestinationRule's host is neither a Service
//! nor a ServiceEntry host of the input.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::evidence::Class;
use crate::index::host::{is_wildcard, service_namespace};
use crate::index::Index;
use crate::rules::routing::external_host_without_serviceentry::external;
use crate::rules::validation::common::check_wildcard_domain;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0174",
    name: "destinationrule-host-not-found",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: Some("destinationrule.SubsetSelectPodAnalyzer"),
    summary:
        "a DestinationRule host matches no Service or ServiceEntry, so the rule applies to nothing",
};

/// Whether the host of a DestinationRule (an FQDN) is known: a Service or a ServiceEntry host.
/// `None` when the input cannot tell (no Services and no ServiceEntries at all, a wildcard host,
/// or a cluster service in a namespace the input does not contain).
pub fn host_known(ix: &Index, fqdn: &str) -> Option<bool> {
    if !ix.has_kind("Service") && !ix.has_kind("ServiceEntry") {
        return None;
    }
    if is_wildcard(fqdn) {
        return None;
    }
    if !ix.services_for_host(fqdn).is_empty() || !ix.service_entries_for_host(fqdn).is_empty() {
        return Some(true);
    }
    if let Some(ns) = service_namespace(fqdn, &ix.mesh.domain) {
        if !ix.namespace_known(ns) {
            return None;
        }
    }
    Some(false)
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (id, r, dr) in ix.destination_rules() {
        let Some(host) = &dr.host else { continue };
        let Some(fqdn) = ix.dr_host(id) else { continue };
        // an invalid host is schema validation's finding (IST0106): the rule is rejected
        if check_wildcard_domain(&host.value).is_err() {
            continue;
        }
        if host_known(ix, fqdn) != Some(false) {
            continue;
        }
        let d = Diagnostic::new(
            &META,
            format!(
                "host `{}` of DestinationRule `{}/{}` matches no Service or ServiceEntry",
                host.value, r.namespace, r.name
            ),
        )
        .at(
            host.span,
            format!("resolves to `{fqdn}`, which is not defined"),
        )
        .istio_args([host.value.as_str()]);
        // `name.ns` that names a Service in the input: say which name was meant
        let meant = crate::index::host::looks_two_part(&host.value)
            .map(|(n, ns)| format!("{n}.{ns}.svc.{}", ix.mesh.domain))
            .filter(|f| !ix.services_for_host(f).is_empty());
        // open world: "not found" is a warning only where the input would hold the host's
        // Service (its namespace's Services next to the rule) or names the Service meant;
        // otherwise it is info and says so
        let evident = meant.is_some()
            || service_namespace(fqdn, &ix.mesh.domain)
                .is_some_and(|ns| ix.evidence(Class::Service, ns, r));
        let d = if evident {
            d
        } else {
            let mut d = d.severity(Severity::Info);
            d.message.push_str(" in the input (the Service or ServiceEntry may be defined elsewhere: pass it with `--context` to check)");
            d
        };
        let d = match meant {
            None if external(ix, fqdn) => d.help(format!(
                "`{fqdn}` is outside the cluster: declare it with a ServiceEntry (`hosts: [{fqdn}]`, `location: MESH_EXTERNAL` and its ports), or fix the host; until then this rule's traffic policy and subsets apply to nothing"
            )),
            Some(f) => d.help(format!(
                "write `{f}`: istiod takes `{}` literally (it expands only names without a dot), so this rule's traffic policy and subsets apply to nothing",
                host.value
            )),
            None => d.help("fix the host (short names are expanded with the DestinationRule's namespace), or add the Service or ServiceEntry it is meant for; until then its traffic policy and subsets apply to nothing"),
        };
        cx.report(r, d);
    }
}
