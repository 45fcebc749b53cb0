//! `two-part-host` (ML105): a host written as `name.namespace`. istiod expands only names
//! without a dot, so `reviews.default` is taken literally and does not mean
//! `reviews.default.svc.cluster.local`.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::{host, Index};
use crate::model::Resource;
use crate::rules::RuleCx;
use crate::source::Spanned;

pub static META: RuleMeta = RuleMeta {
    code: "ML105",
    name: "two-part-host",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "a host written as `name.namespace`, which istiod takes literally instead of as a cluster service",
};

/// `Some(fqdn)` when `h` is `name.ns`, the input gives reason to read it as a cluster service
/// (a Service `name` in `ns`, or a namespace `ns` that the input knows) and no ServiceEntry
/// declares the literal name.
fn suspicious(ix: &Index, h: &str) -> Option<String> {
    let (name, ns) = host::looks_two_part(h)?;
    let fqdn = format!("{name}.{ns}.svc.{}", ix.mesh.domain);
    let evidence = !ix.services_for_host(&fqdn).is_empty() || ix.namespace_known(ns);
    if !evidence || !ix.service_entries_for_host(h).is_empty() {
        return None;
    }
    Some(fqdn)
}

fn report(cx: &mut RuleCx, r: &Resource, h: &Spanned<crate::source::Str>, field: &str) {
    let Some(fqdn) = suspicious(cx.index, &h.value) else {
        return;
    };
    let (name, _) = host::looks_two_part(&h.value).unwrap_or_default();
    let d = Diagnostic::new(
        &META,
        format!(
            "{field} `{}` is taken literally: istiod expands only names without a dot, so it does not mean `{fqdn}`",
            h.value
        ),
    )
    .at(h.span, "two-part host")
    .help(format!(
        "write the full name `{fqdn}` (or the short name `{name}` from within its namespace)"
    ));
    cx.report(r, d);
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for h in &vs.hosts {
            report(cx, r, h, "VirtualService host");
        }
        for (role, d) in vs.destinations() {
            if let Some(h) = &d.host {
                report(cx, r, h, &format!("{} host", role.field()));
            }
        }
    }
    for (_, r, dr) in ix.destination_rules() {
        if let Some(h) = &dr.host {
            report(cx, r, h, "DestinationRule host");
        }
    }
}
