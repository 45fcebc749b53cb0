//! `gateway-selector-no-workload` (IST0101): a Gateway's `selector` matches no Pod or pod
//! template, so no gateway proxy serves its servers.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::evidence::Class;
use crate::index::gateways::{
    istio_gateways, selected_by_gateway, selector_decidable, workload_label_keys,
};
use crate::rules::gateways::common::{selector_span, selector_string};
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0101",
    name: "gateway-selector-no-workload",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: Some("gateway.IngressGatewayPortAnalyzer"),
    summary: "a Gateway's selector matches no gateway workload (Pod or pod template)",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    // without any workload in the input we cannot tell; the gateway pods live elsewhere
    if !ix.has_workloads() {
        return;
    }
    let keys = workload_label_keys(ix);
    for (_, r, g) in istio_gateways(ix) {
        if !selector_decidable(ix, g, &keys) || !selected_by_gateway(ix, g).is_empty() {
            continue;
        }
        let sel = selector_string(&g.selector);
        // open world: gateway deployments live in the Gateway's namespace or the root one;
        // without workloads of either next to the Gateway, say that they are not in the input
        let root = ix.mesh.root_namespace.as_str();
        let known =
            ix.evidence(Class::Workload, &r.namespace, r) || ix.evidence(Class::Workload, root, r);
        let mut d = Diagnostic::new(
            &META,
            format!(
                "selector `{sel}` of Gateway `{}/{}` matches no workload",
                r.namespace, r.name
            ),
        )
        .at(
            selector_span(r, g),
            "no Pod or pod template has these labels",
        )
        .istio_args(["selector".to_string(), sel.clone()])
        .help(
            "change `selector` to the pod labels of the gateway deployment (the default ingress \
             gateway has `istio: ingressgateway`); until a gateway proxy matches, none of this \
             Gateway's servers is served",
        );
        if !known {
            d = d.severity(Severity::Info);
            d.message.push_str(&format!(
                " in the input (no workload of namespace `{}` or `{root}` is next to it: the gateway deployment may be installed from elsewhere)",
                r.namespace
            ));
        }
        cx.report(r, d);
    }
}
