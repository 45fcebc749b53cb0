//! `sidecar-egress-host-not-found` (ML509, Kiali KIA1004): a Sidecar egress host `ns/dns`
//! names a host no Service or ServiceEntry of the input declares. Wildcards are not checked,
//! and the rule stays silent when the input holds no Service at all (partial input).

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::model::Spec;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "ML509",
    name: "sidecar-egress-host-not-found",
    severity: Severity::Warning,
    category: Category::Reference,
    analyzer: None,
    summary: "a Sidecar egress host matches no Service or ServiceEntry",
};

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    if !ix.has_kind("Service") {
        return;
    }
    for &id in ix.of_kind("Sidecar") {
        let r = ix.resource(id);
        let Spec::Sidecar(sc) = &r.spec else { continue };
        for h in &sc.egress_hosts {
            let Some((ns, dns)) = h.value.split_once('/') else {
                continue;
            };
            if dns.contains('*') || ns.starts_with('~') {
                continue;
            }
            let fqdn = if dns.contains('.') {
                dns.to_string()
            } else {
                let ns = if ns == "." || ns == "*" {
                    r.namespace.as_str()
                } else {
                    ns
                };
                ix.fqdn(dns, ns)
            };
            if ix.host_in_registry(&fqdn) {
                continue;
            }
            let diag = Diagnostic::new(
                &META,
                format!("egress host `{}` matches no Service or ServiceEntry (`{fqdn}`): the sidecar imports nothing for it", h.value),
            )
            .at(h.span, "host not in the registry")
            .help("use the service's FQDN (`name.namespace.svc.cluster.local`) or add a ServiceEntry for the external host");
            cx.report(r, diag);
        }
    }
}
