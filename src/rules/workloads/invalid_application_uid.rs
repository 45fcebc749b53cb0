//! `invalid-application-uid` (IST0144): a pod or container runs as UID 1337, the UID reserved
//! for the Istio sidecar proxy.

use crate::diagnostics::{Category, Diagnostic, RuleMeta, Severity};
use crate::index::kubernetes::is_istio_control_plane;
use crate::model::Spec;
use crate::rules::RuleCx;

pub static META: RuleMeta = RuleMeta {
    code: "IST0144",
    name: "invalid-application-uid",
    severity: Severity::Warning,
    category: Category::Schema,
    analyzer: Some("applicationUID.Analyzer"),
    summary: "a pod or container runs as UID 1337, which the sidecar uses and whose traffic is not intercepted",
};

/// Judges one object at a time: also runs over the replaced copies of objects defined more than
/// once (build.rs reads this).
pub const PER_DOCUMENT: bool = true;

const PROXY_UID: i64 = 1337;

fn is_proxy_container(name: &str) -> bool {
    name == "istio-proxy" || name == "istio-operator"
}

pub fn check(cx: &mut RuleCx) {
    let ix = cx.index;
    for kind in [
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
    ] {
        for &id in ix.of_kind(kind) {
            let r = ix.resource(id);
            let Spec::Workload(w) = &r.spec else { continue };
            if is_istio_control_plane(r) {
                continue;
            }
            let containers: Vec<_> = w
                .container_run_as_user
                .iter()
                .filter(|(n, uid)| !is_proxy_container(n) && uid.value == PROXY_UID)
                .collect();
            // the pod-level UID matters for app containers that do not set their own
            let app_containers = w
                .containers
                .iter()
                .filter(|n| !is_proxy_container(n))
                .count();
            let overriding = w
                .container_run_as_user
                .iter()
                .filter(|(n, _)| !is_proxy_container(n))
                .count();
            let pod_level = w.run_as_user.as_ref().filter(|u| {
                u.value == PROXY_UID && (app_containers == 0 || overriding < app_containers)
            });
            let mut spans = Vec::new();
            if let Some(u) = pod_level {
                spans.push((u.span, "pod `securityContext.runAsUser`".to_string()));
            }
            for (n, u) in &containers {
                spans.push((
                    u.span,
                    format!("container `{n}` `securityContext.runAsUser`"),
                ));
            }
            let Some(((first, what), rest)) = spans.split_first() else {
                continue;
            };
            let mut d = Diagnostic::new(
                &META,
                format!(
                    "{} of {kind} `{}/{}` is 1337, the UID reserved for the Istio sidecar proxy",
                    what, r.namespace, r.name
                ),
            )
            .at(*first, "runs as UID 1337")
            .help("run the application as another UID; the sidecar does not intercept traffic of processes running as 1337, so this workload's traffic bypasses the mesh");
            for (span, what) in rest {
                d = d.related(*span, format!("{what} is 1337 too"));
            }
            cx.report(r, d);
        }
    }
}
