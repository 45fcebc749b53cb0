//! `exportto-unknown-namespace` (ML507, Kiali KIA0005): an `exportTo` entry names a namespace
//! that does not exist. Only decided when the input holds Namespace objects; `.`, `*` and `~`
//! are not namespaces (Kiali flags `~`; we do not).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML507",
    name: "exportto-unknown-namespace",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "exportTo names a namespace that is not in the input",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    if !ix.has_kind("Namespace") {
        return;
    }
    for kind in ["VirtualService", "DestinationRule", "ServiceEntry"] {
        for &id in ix.of_kind(kind) {
            let r = ix.resource(id);
            let export = match &r.spec {
                Spec::VirtualService(x) => &x.export_to,
                Spec::DestinationRule(x) => &x.export_to,
                Spec::ServiceEntry(x) => &x.export_to,
                _ => continue,
            };
            for e in export {
                if matches!(e.value.as_str(), "." | "*" | "~") || ix.namespace_known(&e.value) {
                    continue;
                }
                let diag = Diagnostic::new(
                    &META,
                    format!(
                        "{kind} is exported to namespace `{}`, which is not defined in the input",
                        e.value
                    ),
                )
                .at(e.span, "unknown namespace")
                .help("fix the namespace name, or add the Namespace to the input if it exists elsewhere");
                cx.report(r, diag);
            }
        }
    }
}
