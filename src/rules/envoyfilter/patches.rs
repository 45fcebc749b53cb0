//! The analysis behind the EnvoyFilter patch rules (IST0151–IST0155): which patches use an
//! operation that Istio ignores for their `applyTo`, and which relative patches depend on an
//! ordering that nothing fixes.

use crate::diagnostics::{Diagnostic, RuleMeta};
use crate::index::{Index, ResourceId};
use crate::model::envoyfilter::ConfigPatch;
use crate::model::Spec;
use crate::rules::RuleCx;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// IST0151: a relative operation and no priority.
    Relative,
    /// IST0152: REPLACE where only NETWORK_FILTER, HTTP_FILTER and VIRTUAL_HOST support it.
    Replace,
    /// IST0153: ADD on ROUTE_CONFIGURATION or HTTP_ROUTE.
    Add,
    /// IST0154: REMOVE on ROUTE_CONFIGURATION or HTTP_ROUTE.
    Remove,
    /// IST0155: IST0151, and another patch of the same filter is limited by `proxyVersion`.
    RelativeWithProxyVersion,
    /// IST0151 as istioctl reports it, for an INSERT_BEFORE/INSERT_AFTER whose anchor is always
    /// there (istiod's router or HTTP connection manager) or that has none: it applies in any
    /// order.
    RelativeFixedAnchor,
}

/// The HTTP filter istiod puts last in every HTTP connection manager it builds.
const ROUTER: &str = "envoy.filters.http.router";
/// The network filter of every HTTP filter chain istiod builds.
const HCM: &str = "envoy.filters.network.http_connection_manager";

/// An INSERT_BEFORE/INSERT_AFTER that applies whatever the order of the EnvoyFilters
/// (pilot/pkg/networking/core/envoyfilter/listener_patch.go, `patchHTTPFilters` and
/// `patchNetworkFilters`): without a subFilter (HTTP_FILTER) or filter (NETWORK_FILTER) match
/// it inserts first or appends; anchored on istiod's router or HTTP connection manager it
/// finds its anchor, which no other EnvoyFilter has to add first.
fn fixed_anchor(p: &ConfigPatch, op: &str, apply_to: &str) -> bool {
    if !matches!(op, "INSERT_BEFORE" | "INSERT_AFTER") {
        return false;
    }
    match apply_to {
        "HTTP_FILTER" => p.match_sub_filter.as_deref().is_none_or(|n| n == ROUTER),
        "NETWORK_FILTER" => p.match_filter.as_deref().is_none_or(|n| n == HCM),
        _ => false,
    }
}

/// Every patch of every EnvoyFilter with what is wrong with it.
pub fn findings<'r>(ix: &Index<'r>) -> Vec<(ResourceId, &'r ConfigPatch, Finding)> {
    let mut efs = Vec::new();
    for &id in ix.of_kind("EnvoyFilter") {
        if let Spec::EnvoyFilter(ef) = &ix.resource(id).spec {
            efs.push((id, ef));
        }
    }
    // filter name → patches limited to some proxy versions
    let mut versioned: HashMap<&str, Vec<(ResourceId, usize)>> = HashMap::new();
    for (id, ef) in &efs {
        for p in &ef.patches {
            if let (Some(_), Some(n)) = (&p.proxy_version, &p.filter_name) {
                if !n.value.is_empty() {
                    versioned.entry(&n.value).or_default().push((*id, p.index));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (id, ef) in efs {
        let no_priority = ef.priority.as_ref().is_none_or(|p| p.value == 0);
        for p in &ef.patches {
            let (Some(op), true) = (&p.operation, p.has_patch) else {
                continue;
            };
            let apply_to = p.apply_to.as_ref().map(|a| a.value.as_str()).unwrap_or("");
            let route_level = matches!(apply_to, "ROUTE_CONFIGURATION" | "HTTP_ROUTE");
            let relative = match op.value.as_str() {
                "ADD" if route_level => {
                    out.push((id, p, Finding::Add));
                    false
                }
                "REMOVE" if route_level => {
                    out.push((id, p, Finding::Remove));
                    false
                }
                "REPLACE"
                    if !matches!(apply_to, "NETWORK_FILTER" | "HTTP_FILTER" | "VIRTUAL_HOST") =>
                {
                    out.push((id, p, Finding::Replace));
                    false
                }
                "REMOVE" | "REPLACE" | "INSERT_BEFORE" | "INSERT_AFTER" => true,
                _ => false,
            };
            if !relative || !no_priority {
                continue;
            }
            let with_version = p.filter_name.as_ref().is_some_and(|n| {
                versioned
                    .get(n.value.as_str())
                    .is_some_and(|v| v.iter().any(|&(o, i)| (o, i) != (id, p.index)))
            });
            out.push((
                id,
                p,
                if with_version {
                    Finding::RelativeWithProxyVersion
                } else if fixed_anchor(p, &op.value, apply_to) {
                    Finding::RelativeFixedAnchor
                } else {
                    Finding::Relative
                },
            ));
        }
    }
    out
}

/// Reports one diagnostic per EnvoyFilter for `which`: the first patch is the primary label,
/// later ones are related labels.
pub fn report(
    cx: &mut RuleCx,
    meta: &'static RuleMeta,
    which: Finding,
    message: impl Fn(&str, &ConfigPatch) -> String,
    label: &str,
    help: &str,
) {
    let ix = cx.index;
    let all = findings(ix);
    let mut by_ef: Vec<(ResourceId, Vec<&ConfigPatch>)> = Vec::new();
    for (id, p, f) in all {
        if f != which {
            continue;
        }
        match by_ef.iter_mut().find(|(x, _)| *x == id) {
            Some((_, v)) => v.push(p),
            None => by_ef.push((id, vec![p])),
        }
    }
    for (id, patches) in by_ef {
        let r = ix.resource(id);
        let name = format!("{}/{}", r.namespace, r.name);
        let first = patches[0];
        let span = |p: &ConfigPatch| p.operation.as_ref().map(|o| o.span).unwrap_or(p.span);
        let mut d = Diagnostic::new(meta, message(&name, first)).at(
            span(first),
            format!("configPatches[{}]: {label}", first.index),
        );
        for p in &patches[1..] {
            d = d.related(span(p), format!("configPatches[{}] too", p.index));
        }
        cx.report(r, d.help(help.to_string()));
    }
}

pub fn op(p: &ConfigPatch) -> &str {
    p.operation.as_ref().map(|o| o.value.as_str()).unwrap_or("")
}

pub fn apply_to(p: &ConfigPatch) -> &str {
    p.apply_to
        .as_ref()
        .map(|o| o.value.as_str())
        .unwrap_or("(unset)")
}
