//! What the validators of the security kinds share (AuthorizationPolicy, PeerAuthentication,
//! RequestAuthentication, Telemetry): the workload selector and the policy attachment
//! (istio/istio `pkg/config/validation/validation.go`).

use super::values::*;
use crate::model::policy::Attachment;
use crate::model::spec_tree::Node;
use crate::model::{Resource, Spec};

pub(super) fn selector(a: &Attachment, spec: &Node, out: &mut Out) {
    let sel = spec.get("selector");
    workload_selector(
        sel.and_then(|s| s.get("matchLabels")),
        sel.and_then(|s| s.key_span("matchLabels")),
        "selector.matchLabels",
        out,
    );
    if let (Some(_), Some(t)) = (sel, a.target_ref) {
        out.err(
            t,
            "`selector` and `targetRef`/`targetRefs` are both set; only one of them is allowed",
            "conflicts with selector",
            "attach the policy with `selector` (sidecars) or `targetRefs` (gateways, waypoints), not both",
        );
    }
}

pub(super) fn attachment(r: &Resource) -> Option<&Attachment> {
    match &r.spec {
        Spec::AuthorizationPolicy(p) => Some(&p.attach),
        Spec::PeerAuthentication(a) | Spec::RequestAuthentication(a) => Some(a),
        Spec::Telemetry(t) => Some(&t.attach),
        _ => None,
    }
}
