//! `deprecated-field` (IST0002): deprecated or ignored Istio fields and removed Istio kinds.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0002",
    name: "deprecated-field",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("deprecation.DeprecationAnalyzer"),
    summary: "a deprecated or ignored Istio field, or a removed Istio kind",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

const REMOVED_RBAC_KINDS: &[&str] = &[
    "ClusterRbacConfig",
    "RbacConfig",
    "ServiceRole",
    "ServiceRoleBinding",
];

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for (_, r, vs) in ix.virtual_services() {
        for h in &vs.http {
            let Some(p) = h
                .extras()
                .fault
                .as_ref()
                .and_then(|f| f.delay_percent.as_ref())
            else {
                continue;
            };
            if p.value <= 0 {
                continue;
            }
            let d = Diagnostic::new(
                &META,
                format!(
                    "`http[{}].fault.delay.percent` of VirtualService `{}/{}` is deprecated",
                    h.index, r.namespace, r.name
                ),
            )
            .at(p.span, "deprecated integer percent")
            .istio_args([
                "HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage",
            ])
            .help(format!(
                "replace `percent: {}` with `percentage: {{value: {}}}`",
                p.value, p.value
            ));
            cx.report(r, d);
        }
    }
    for &id in ix.of_kind("Sidecar") {
        let r = ix.resource(id);
        let Spec::Sidecar(sc) = &r.spec else { continue };
        if let Some(span) = sc.egress_proxy {
            let d = Diagnostic::new(
                &META,
                format!(
                    "`outboundTrafficPolicy.egressProxy` of Sidecar `{}/{}` is ignored by Istio",
                    r.namespace, r.name
                ),
            )
            .at(span, "ignored field")
            .istio_args(["OutboundTrafficPolicy.EgressProxy ignored"])
            .help("remove it; route egress traffic through an egress gateway with a VirtualService instead");
            cx.report(r, d);
        }
    }
    for &id in ix.of_kind("CustomResourceDefinition") {
        let r = ix.resource(id);
        let Spec::CustomResourceDefinition(crd) = &r.spec else {
            continue;
        };
        let (Some(g), Some(k)) = (&crd.group, &crd.kind) else {
            continue;
        };
        if g.value != "rbac.istio.io" || !REMOVED_RBAC_KINDS.contains(&k.value.as_str()) {
            continue;
        }
        let d = Diagnostic::new(
            &META,
            format!(
                "CustomResourceDefinition `{}` defines `rbac.istio.io` kind `{}`, which Istio removed",
                r.name, k.value
            ),
        )
        .at(k.span, "removed kind")
        .istio_args([format!("Custom resource type {} {} is removed", g.value, k.value)])
        .help("delete the CRD and migrate its resources to `security.istio.io` AuthorizationPolicy");
        cx.report(r, d);
    }
}
