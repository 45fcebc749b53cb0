//! `ValidatePeerAuthentication` (istio/istio `pkg/config/validation/validation.go`).

use super::security::{attachment, selector};
use super::values::*;
use crate::model::Resource;

const MTLS_MODES: &[&str] = &["UNSET", "DISABLE", "PERMISSIVE", "STRICT"];

pub fn peer_authentication(r: &Resource, out: &mut Out) {
    let Some(a) = attachment(r) else { return };
    let Some(spec) = a.tree.as_deref() else {
        return;
    };
    selector(a, spec, out);
    if let Some(m) = spec.get("mtls") {
        enum_field(m, "mode", "mtls.mode", MTLS_MODES, out);
    }
    let Some(pl) = spec.get("portLevelMtls") else {
        return;
    };
    let empty_selector = a.labels().is_none();
    if empty_selector && !pl.entries().is_empty() {
        out.err(
            key_or(spec, "portLevelMtls"),
            "`portLevelMtls` is set but the policy has no workload selector; mesh- and namespace-wide PeerAuthentications cannot have port-level mTLS",
            "port-level mTLS without a selector",
            "add `selector.matchLabels` for the workloads whose ports these are",
        );
    }
    if pl.is_map() && pl.entries().is_empty() {
        out.err(
            pl.span,
            "`portLevelMtls` is empty; if defined, it must have at least one port",
            "empty portLevelMtls",
            "add ports, or remove `portLevelMtls`",
        );
    }
    for (k, v) in pl.entries() {
        match k.value.parse::<u64>() {
            Ok(0) => out.err(
                k.span,
                "`portLevelMtls` has port 0; the port cannot be 0",
                "port 0",
                "use the workload's container port",
            ),
            Ok(p) if p > 4_294_967_295 => out.err(
                k.span,
                format!("`portLevelMtls` key `{}` is not a valid port", k.value),
                "invalid port",
                "use the workload's container port",
            ),
            Ok(_) => {}
            Err(_) => out.err(
                k.span,
                format!("`portLevelMtls` key `{}` is not a port number", k.value),
                "not a port number",
                "key the map by the workload's container port number",
            ),
        }
        enum_field(
            v,
            "mode",
            &format!("portLevelMtls.{}.mode", k.value),
            MTLS_MODES,
            out,
        );
    }
}
