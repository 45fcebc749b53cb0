//! `dotted-gateway-reference` (ML506, Kiali KIA1108): a gateway is referenced in the legacy
//! `name.namespace` form instead of `namespace/name`.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::host::resolve_gateway_ref;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML506",
    name: "dotted-gateway-reference",
    severity: Severity::Info,
    category: Category::Reference,
    analyzer: None,
    summary: "a gateway is referenced as `name.namespace` instead of `namespace/name`",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        let refs = vs.gateways.iter().chain(
            vs.http
                .iter()
                .flat_map(|h| h.matches.iter().flatten())
                .flat_map(|m| m.extras().gateways.iter()),
        );
        for g in refs {
            if g.value == "mesh" || g.value.contains('/') || !g.value.contains('.') {
                continue;
            }
            let (ns, name) = resolve_gateway_ref(&g.value, &r.namespace);
            let diag = Diagnostic::new(
                &META,
                format!(
                    "gateway reference `{}` uses the legacy `name.namespace` form; write `{ns}/{name}`",
                    g.value
                ),
            )
            .at(g.span, "legacy dotted form")
            .help(format!("replace it with `{ns}/{name}`"));
            cx.report(r, diag);
        }
    }
}
