//! `route-backend-unresolved` (ML602): a route's backend does not resolve as istiod requires (BackendNotFound, InvalidKind, RefNotPermitted, InvalidFilter). The conditions come from istiod's Gateway API translation,
//! replayed offline in `index::gateway_api_status`.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::evidence::Class;
use crate::index::gateway_api_status::{evidence, Family};
use crate::rules::gateway_api::common::report_family;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML602",
    name: "route-backend-unresolved",
    severity: Severity::Error,
    category: Category::Reference,
    analyzer: None,
    summary: "a route's backend does not resolve as istiod requires (BackendNotFound, InvalidKind, RefNotPermitted, InvalidFilter)",
};

/// Also reports `not-in-input` (ML012) for backend Services the input cannot resolve.
pub const REPORTS_NOT_IN_INPUT: bool = true;

pub fn check(cx: &mut RuleCx) {
    report_family(cx, &META, Family::RouteBackend);
    // open world: a backend Service outside the input's evidence is not BackendNotFound; say
    // it was not checked (once per route and Service)
    let ix = cx.index;
    for (_, r, route) in ix.routes() {
        let mut seen: Vec<(String, String)> = Vec::new();
        let refs = route.rules.iter().flat_map(|rule| {
            rule.backend_refs.iter().map(|b| &b.target).chain(
                rule.filters
                    .iter()
                    .filter_map(|f| f.request_mirror.as_ref().map(|m| &m.backend_ref)),
            )
        });
        for t in refs {
            let (g, k, name) = (t.group_or(""), t.kind_or("Service"), t.name());
            if !g.is_empty() || k != "Service" || name.is_empty() || name.contains('.') {
                continue;
            }
            let ns = t.namespace_or(&r.namespace);
            if ix.get("Service", ns, name).is_some()
                || evidence(ix, Class::Service, ns, r)
                || seen.iter().any(|(n, m)| n == ns && m == name)
            {
                continue;
            }
            seen.push((ns.to_string(), name.to_string()));
            let d = Diagnostic::new(
                &crate::rules::input::not_in_input::META,
                format!(
                    "backend Service `{ns}/{name}` of {} `{}/{}` is not in the input: no Service of namespace `{ns}` is defined next to it",
                    r.kind, r.namespace, r.name
                ),
            )
            .at(t.name_span(), "not in the input: not checked")
            .help("pass the Services it refers to with `--context` (rendered charts, `kubectl get svc -A -o yaml`) to check it");
            cx.report(r, d);
        }
    }
}
