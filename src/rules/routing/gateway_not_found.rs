//! `gateway-not-found` (IST0101): a VirtualService binds to a gateway that is not in the input.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::evidence::Class;
use crate::index::GatewayTarget;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0101",
    name: "gateway-not-found",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("virtualservice.GatewayAnalyzer"),
    summary: "a VirtualService `gateways` entry names a Gateway that does not exist",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for gw in &vs.gateways {
            let GatewayTarget::Missing(ns, name) = ix.resolve_gateway(&gw.value, &r.namespace)
            else {
                continue;
            };
            let mut same_name: Vec<String> = ix
                .gateways_named(&name)
                .iter()
                .map(|&id| ix.resource(id))
                .map(|g| format!("{}/{}", g.namespace, g.name))
                .collect();
            same_name.sort();
            let help = if let Some(other) = same_name.first() {
                format!("a Gateway `{other}` exists; write `{other}` to bind to it, or create Gateway `{ns}/{name}`")
            } else if gw.value.contains('/') {
                format!("create Gateway `{ns}/{name}` or fix the reference; routes bound to a missing gateway are never served")
            } else {
                format!(
                    "a bare name refers to namespace `{ns}` (the VirtualService's); create Gateway `{ns}/{name}` or write `<namespace>/{name}`"
                )
            };
            // open world: a gateway usually lives with the platform team's manifests (another
            // folder or repository); missing is an error only where the input would hold it
            // (Gateways of that namespace next to the VirtualService, or in `--context`)
            if !ix.evidence(Class::Gateway, &ns, r) && same_name.is_empty() {
                let d = Diagnostic::new(
                    &META,
                    format!(
                        "gateway `{ns}/{name}` is not in the input (no Gateway of namespace `{ns}` is defined next to it), so the binding of VirtualService `{}/{}` was not checked",
                        r.namespace, r.name
                    ),
                )
                .severity(Severity::Info)
                .at(gw.span, "defined outside the input?")
                .istio_args(["gateway", gw.value.as_str()])
                .help(format!(
                    "pass the Gateways of namespace `{ns}` with `--context` to check this reference"
                ));
                cx.report(r, d);
                continue;
            }
            let d = Diagnostic::new(
                &META,
                format!(
                    "gateway `{ns}/{name}` referenced by VirtualService `{}/{}` does not exist",
                    r.namespace, r.name
                ),
            )
            .at(gw.span, "gateway not found")
            .istio_args(["gateway", gw.value.as_str()])
            .help(help);
            cx.report(r, d);
        }
    }
}
