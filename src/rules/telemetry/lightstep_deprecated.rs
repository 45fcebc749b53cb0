//! `lightstep-deprecated` (IST0002): a Telemetry traces to a mesh extension provider of the
//! deprecated `lightstep` type.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0002",
    name: "lightstep-deprecated",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("telemetry.LightstepAnalyzer"),
    summary: "a Telemetry uses a deprecated Lightstep tracing provider",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    let lightstep: Vec<&str> = ix
        .mesh
        .extension_providers
        .iter()
        .filter(|(_, ty)| ty == "lightstep")
        .map(|(n, _)| n.as_str())
        .collect();
    if lightstep.is_empty() {
        return;
    }
    for &id in ix.of_kind("Telemetry") {
        let r = ix.resource(id);
        let Spec::Telemetry(t) = &r.spec else {
            continue;
        };
        for p in &t.tracing_providers {
            if !lightstep.contains(&p.value.as_str()) {
                continue;
            }
            let d = Diagnostic::new(
                &META,
                format!(
                    "tracing provider `{}` of Telemetry `{}/{}` is a Lightstep extension provider, which is deprecated",
                    p.value, r.namespace, r.name
                ),
            )
            .at(p.span, "Lightstep provider")
            .help("migrate the mesh extension provider to `opentelemetry` (Lightstep accepts OTLP) and reference that provider");
            cx.report(r, d);
        }
    }
}
