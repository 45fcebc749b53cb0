//! `ValidateEnvoyFilter` (istio/istio `pkg/config/validation/validation.go`): what each config
//! patch needs, and that `applyTo` and `match` are about the same kind of object.

use super::values::*;
use crate::model::{Resource, Spec};

const APPLY_TO: &[&str] = &[
    "LISTENER",
    "FILTER_CHAIN",
    "NETWORK_FILTER",
    "HTTP_FILTER",
    "ROUTE_CONFIGURATION",
    "VIRTUAL_HOST",
    "HTTP_ROUTE",
    "CLUSTER",
    "EXTENSION_CONFIG",
    "BOOTSTRAP",
    "LISTENER_FILTER",
];
const OPERATIONS: &[&str] = &[
    "MERGE",
    "ADD",
    "REMOVE",
    "INSERT_BEFORE",
    "INSERT_AFTER",
    "INSERT_FIRST",
    "REPLACE",
];
const HCM: &[&str] = &[
    "envoy.filters.network.http_connection_manager",
    "envoy.http_connection_manager",
];

pub fn validate(r: &Resource, out: &mut Out) {
    let Spec::EnvoyFilter(ef) = &r.spec else {
        return;
    };
    let Some(spec) = ef.tree.as_deref() else {
        return;
    };
    let sel = spec.get("workloadSelector");
    workload_selector(
        sel.and_then(|s| s.get("labels")),
        sel.and_then(|s| s.key_span("labels")),
        "workloadSelector.labels",
        out,
    );
    for (i, cp) in spec.list("configPatches").iter().enumerate() {
        let path = format!("configPatches[{i}]");
        if !cp.is_map() {
            continue;
        }
        let Some(apply) = cp.get("applyTo").and_then(|a| a.text()) else {
            out.err(
                cp.span,
                format!("`{path}.applyTo` is not set; every config patch needs applyTo"),
                "no applyTo",
                format!("set `applyTo` to one of {}", APPLY_TO.join(", ")),
            );
            continue;
        };
        if !APPLY_TO.contains(&apply) {
            enum_field(cp, "applyTo", &format!("{path}.applyTo"), APPLY_TO, out);
            continue;
        }
        let Some(patch) = cp.get("patch") else {
            out.err(
                cp.span,
                format!("`{path}.patch` is not set; every config patch needs a patch"),
                "no patch",
                "add `patch:` with an operation (and a value unless it is REMOVE)",
            );
            continue;
        };
        let Some(op) = patch.get("operation").and_then(|o| o.text()) else {
            out.err(
                patch.span,
                format!("`{path}.patch.operation` is not set"),
                "no operation",
                format!("set `operation` to one of {}", OPERATIONS.join(", ")),
            );
            continue;
        };
        if !OPERATIONS.contains(&op) {
            enum_field(
                patch,
                "operation",
                &format!("{path}.patch.operation"),
                OPERATIONS,
                out,
            );
            continue;
        }
        if op != "REMOVE" && patch.get("value").is_none() {
            out.err(
                patch.key_span("operation").unwrap_or(patch.span),
                format!("`{path}.patch.value` is not set; operation {op} needs a value (only REMOVE has none)"),
                "no value",
                "add `value:` with the Envoy configuration to apply",
            );
            continue;
        }
        let Some(m) = cp.get("match") else { continue };
        let object = ["listener", "routeConfiguration", "cluster"]
            .into_iter()
            .find(|k| m.get(k).is_some());
        let Some(object) = object else { continue };
        let class = match apply {
            "LISTENER" | "FILTER_CHAIN" | "NETWORK_FILTER" | "HTTP_FILTER" => "listener",
            "ROUTE_CONFIGURATION" | "VIRTUAL_HOST" | "HTTP_ROUTE" => "routeConfiguration",
            "CLUSTER" => "cluster",
            _ => continue,
        };
        if object != class {
            out.err(
                m.key_span(object).unwrap_or(m.span),
                format!("`{path}.match.{object}` does not fit `applyTo: {apply}`, which needs a `match.{class}` (or no object match)"),
                "wrong kind of match",
                format!("match on `{class}` for applyTo {apply}, or change applyTo"),
            );
            continue;
        }
        if class != "listener" {
            continue;
        }
        let Some(filter) = m
            .get("listener")
            .and_then(|l| l.get("filterChain"))
            .and_then(|c| c.get("filter"))
        else {
            continue;
        };
        let fpath = format!("{path}.match.listener.filterChain.filter");
        if apply == "LISTENER" || apply == "FILTER_CHAIN" {
            out.warn(
                filter.span,
                format!("`{fpath}` has no effect with `applyTo: {apply}`"),
                "ignored filter match",
                "remove the filter match, or apply the patch to NETWORK_FILTER or HTTP_FILTER",
            );
        }
        let name = filter.get("name").and_then(|n| n.text()).unwrap_or("");
        if name.is_empty() {
            out.err(
                filter.span,
                format!("`{fpath}.name` is not set; a filter match needs a name to match on"),
                "filter match without a name",
                "set the filter name, such as `envoy.filters.network.http_connection_manager`",
            );
            continue;
        }
        if let Some(sub) = filter.get("subFilter") {
            if apply != "HTTP_FILTER" {
                out.err(
                    key_or(filter, "subFilter"),
                    format!("`{fpath}.subFilter` can be used only with applyTo HTTP_FILTER, not {apply}"),
                    "subFilter needs HTTP_FILTER",
                    "use `applyTo: HTTP_FILTER`, or remove `subFilter`",
                );
            } else if !HCM.contains(&name) {
                out.err(
                    key_or(filter, "subFilter"),
                    format!("`{fpath}.subFilter` requires the filter match to be `envoy.filters.network.http_connection_manager`, not `{name}`"),
                    "subFilter outside the HTTP connection manager",
                    "set `filter.name: envoy.filters.network.http_connection_manager`",
                );
            } else if sub
                .get("name")
                .and_then(|n| n.text())
                .is_none_or(|s| s.is_empty())
            {
                out.err(
                    sub.span,
                    format!("`{fpath}.subFilter.name` is not set; a subFilter match needs a name to match on"),
                    "subFilter without a name",
                    "set the HTTP filter name, such as `envoy.filters.http.router`",
                );
            }
        }
    }
}
