//! `gateway-credential-not-found` (IST0101): a Gateway server's `tls.credentialName` names a
//! Secret that does not exist in the namespace of the gateway workload (where the gateway reads
//! it), or no workload matches the selector so there is no namespace to read it from.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::evidence::Class;
use crate::index::gateways::{
    istio_gateways, selected_by_gateway, selector_decidable, workload_label_keys,
};
use crate::index::{Index, ResourceId};
use crate::rules::gateways::common::{selector_span, selector_string};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0101",
    name: "gateway-credential-not-found",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("gateway.SecretAnalyzer"),
    summary: "a Gateway's tls.credentialName Secret is missing in the gateway workload's namespace",
};

/// Also reports `not-in-input` (ML012): runs when ML012 is selected (build.rs reads this).
pub const REPORTS_NOT_IN_INPUT: bool = true;

/// The namespaces of the workloads a gateway selects, sorted and distinct.
pub fn workload_namespaces<'r>(ix: &Index<'r>, workloads: &[ResourceId]) -> Vec<&'r str> {
    let mut v: Vec<&str> = workloads
        .iter()
        .map(|&w| ix.resource(w).namespace.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // Secrets are often kept out of Git; without any workload in the input, stay silent
    if !ix.has_workloads() {
        return;
    }
    let keys = workload_label_keys(ix);
    for (_, r, g) in istio_gateways(ix) {
        let creds: Vec<_> = g
            .servers
            .iter()
            .filter_map(|s| s.credential_name.as_ref())
            .filter(|c| !c.value.is_empty())
            .collect();
        let Some(first) = creds.first() else { continue };
        let workloads = selected_by_gateway(ix, g);
        if workloads.is_empty() {
            if !selector_decidable(ix, g, &keys) {
                continue;
            }
            let sel = selector_string(&g.selector);
            let d = Diagnostic::new(
                &META,
                format!(
                    "credential `{}` of Gateway `{}/{}` cannot be found: selector `{sel}` matches no workload, so there is no namespace to read the Secret from",
                    first.value, r.namespace, r.name
                ),
            )
            .at(first.span, "Secret looked up in the gateway workload's namespace")
            .istio_args(["selector".to_string(), sel.clone()])
            .related(selector_span(r, g), "matches no Pod or pod template")
            .help("fix `selector` to match the gateway deployment's pod labels; the gateway reads TLS Secrets from its own namespace");
            cx.report(r, d);
            continue;
        }
        let namespaces = workload_namespaces(ix, &workloads);
        for c in creds {
            // open world: a Secret is missing only where the input would hold it (Secrets or
            // what makes them, in that namespace, next to the Gateway or in context)
            let (missing, unknown): (Vec<&str>, Vec<&str>) = namespaces
                .iter()
                .copied()
                .filter(|ns| ix.secret(ns, &c.value).is_none())
                // a Secret of that name next to the Gateway (the usual mix-up) is evidence too
                .partition(|ns| {
                    ix.evidence(Class::Secret, ns, r) || ix.secret(&r.namespace, &c.value).is_some()
                });
            if let Some(ns) = unknown.first() {
                let d = Diagnostic::new(
                    &crate::rules::input::not_in_input::META,
                    format!(
                        "Secret `{}` for credentialName of Gateway `{}/{}` (read from namespace `{ns}` of the gateway workload) is not in the input: it defines no Secret of that namespace next to the Gateway",
                        c.value, r.namespace, r.name
                    ),
                )
                .at(c.span, "not in the input: not checked")
                .help("pass the Secrets (or the cert-manager Certificates that make them) with `--context` to check it; Secret data is never printed");
                cx.report(r, d);
            }
            if missing.is_empty() {
                continue;
            }
            let where_ = missing
                .iter()
                .map(|ns| format!("`{ns}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut d = Diagnostic::new(
                &META,
                format!(
                    "Secret `{}` for credentialName of Gateway `{}/{}` does not exist in namespace {where_} of the gateway workload",
                    c.value, r.namespace, r.name
                ),
            )
            .at(c.span, "Secret not found")
            .istio_args(["credentialName", c.value.as_str()]);
            // a Secret next to the Gateway is the usual mix-up: the proxy never reads it
            if let Some(sid) = ix.get("Secret", &r.namespace, &c.value) {
                let s = ix.resource(sid);
                d = d.related(
                    s.name_span,
                    format!(
                        "a Secret `{}` exists in the Gateway's namespace `{}`, which the gateway proxy does not read",
                        s.name, s.namespace
                    ),
                );
            }
            let d = d.help(format!(
                "create Secret `{}` (type kubernetes.io/tls with tls.crt and tls.key) in namespace {where_}, where the gateway proxy runs; a Secret in the Gateway's own namespace is not used",
                c.value
            ));
            cx.report(r, d);
        }
    }
}
