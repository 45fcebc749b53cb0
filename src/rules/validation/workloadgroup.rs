//! `ValidateWorkloadGroup` (istio/istio `pkg/config/validation/validation.go`); its template is
//! checked as a WorkloadEntry ([`super::workloadentry::entry`]).

use super::values::*;
use crate::model::spec_tree::Node;
use crate::model::{Resource, Spec};
use crate::source::Spanned;

pub fn validate_group(r: &Resource, out: &mut Out) {
    let Spec::WorkloadGroup(wg) = &r.spec else {
        return;
    };
    let Some(spec) = wg.tree.as_deref().filter(|s| s.get("template").is_some()) else {
        let span = wg.tree.as_deref().map(|s| s.span).unwrap_or(r.name_span);
        out.err(
            span,
            "WorkloadGroup has no `template`; a template is required",
            "no template",
            "add `spec.template` with the ports, service account and network of the workloads",
        );
        return;
    };
    labels(
        spec.get("metadata").and_then(|m| m.get("labels")),
        "metadata.labels",
        out,
    );
    let Some(probe) = spec.get("probe") else {
        return;
    };
    for k in [
        "periodSeconds",
        "initialDelaySeconds",
        "timeoutSeconds",
        "successThreshold",
        "failureThreshold",
    ] {
        if let Some(Spanned { value: n, span }) = probe.get_int(k) {
            if n < 0 {
                out.err(
                    span,
                    format!("`probe.{k}` is {n}; it must be non-negative"),
                    "negative",
                    "use 0 for the default, or a positive number",
                );
            }
        }
    }
    if let Some(h) = probe.get("httpGet") {
        probe_port(h, "probe.httpGet.port", out);
        if let Some(Spanned { value: s, span }) = h.get_str("scheme") {
            // compared with the Kubernetes URIScheme constants, which are upper case
            if !s.is_empty() && s != "HTTP" && s != "HTTPS" {
                out.err(
                    span,
                    format!("`probe.httpGet.scheme` is `{s}`; it must be HTTP or HTTPS"),
                    "invalid scheme",
                    "write `HTTP` or `HTTPS` (upper case, as Kubernetes spells them)",
                );
            }
        }
        for (i, hd) in h.list("httpHeaders").iter().enumerate() {
            if hd
                .get("name")
                .and_then(|n| n.text())
                .is_none_or(|n| n.is_empty())
            {
                out.err(
                    hd.span,
                    format!("`probe.httpGet.httpHeaders[{i}].name` is empty; header names cannot be empty"),
                    "header without a name",
                    "set the header name",
                );
            }
        }
    } else if let Some(t) = probe.get("tcpSocket") {
        probe_port(t, "probe.tcpSocket.port", out);
    } else if let Some(x) = probe.get("exec") {
        if x.list("command").is_empty() {
            out.err(
                x.span,
                "`probe.exec.command` is empty; exec.command is required",
                "no command",
                "set the command to run, such as `[\"/bin/check\"]`",
            );
        }
    } else {
        out.err(
            key_or(spec, "probe"),
            "`probe` has no health check method; one of httpGet, tcpSocket or exec is required",
            "no health check method",
            "add `httpGet`, `tcpSocket` or `exec` to the probe",
        );
    }
}

fn probe_port(n: &Node, path: &str, out: &mut Out) {
    match n.get_int("port") {
        Some(Spanned { value: p, span }) if !port_ok(p) => out.err(
            span,
            format!("`{path}` is {p}; port numbers must be in the range 1..65535"),
            "not a valid port",
            "use the port the probe should connect to",
        ),
        None if n.get("port").is_none() => out.err(
            n.span,
            format!("`{path}` is not set; port numbers must be in the range 1..65535"),
            "no port",
            "set the port the probe should connect to",
        ),
        _ => {}
    }
}
