//! `telemetry-provider-missing` (IST0157): an access-logging entry of a Telemetry names no
//! provider while the mesh config sets no default access-logging provider.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0157",
    name: "telemetry-provider-missing",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: Some("telemetry.ProviderAnalyzer"),
    summary: "a Telemetry access-logging entry has no provider and the mesh has no default",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    if !ix.mesh.default_access_logging.is_empty() {
        return;
    }
    for &id in ix.of_kind("Telemetry") {
        let r = ix.resource(id);
        let Spec::Telemetry(t) = &r.spec else {
            continue;
        };
        for (i, l) in t.access_logging.iter().enumerate() {
            if l.disabled || !l.providers.is_empty() {
                continue;
            }
            let d = Diagnostic::new(
                &META,
                format!(
                    "`accessLogging[{i}]` of Telemetry `{}/{}` names no provider and the mesh config has no `defaultProviders.accessLogging`; nothing is logged",
                    r.namespace, r.name
                ),
            )
            .at(l.span, "no `providers`")
            .istio_args([r.name.clone(), r.namespace.clone()])
            .help("add `providers: [{name: envoy}]` (or another configured provider) to the entry, or set `defaultProviders.accessLogging` in the mesh config");
            cx.report(r, d);
        }
    }
}
