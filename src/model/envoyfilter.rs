//! EnvoyFilter (networking.istio.io): the parts of `configPatches` the analysis reads.

use super::reader::Cx;
use crate::source::{Span, Spanned, Str};
use crate::yaml::Value;

const EF_FIELDS: &[&str] = &[
    "workloadSelector",
    "configPatches",
    "priority",
    "targetRefs",
];
const PATCH_OBJECT_FIELDS: &[&str] = &["applyTo", "match", "patch"];
const MATCH_FIELDS: &[&str] = &[
    "context",
    "proxy",
    "listener",
    "routeConfiguration",
    "cluster",
];
const PROXY_FIELDS: &[&str] = &["proxyVersion", "metadata"];
const PATCH_FIELDS: &[&str] = &["operation", "value", "filterClass"];

#[derive(Debug, Clone, Default)]
pub struct EnvoyFilter {
    pub priority: Option<Spanned<i64>>,
    pub patches: Vec<ConfigPatch>,
    /// The whole spec, for validation.
    pub tree: super::spec_tree::Tree,
}

#[derive(Debug, Clone)]
pub struct ConfigPatch {
    pub span: Span,
    pub index: usize,
    pub apply_to: Option<Spanned<Str>>,
    /// `None` when `patch` is absent or null.
    pub operation: Option<Spanned<Str>>,
    /// Whether `patch` is set at all.
    pub has_patch: bool,
    /// `match.proxy.proxyVersion`.
    pub proxy_version: Option<Spanned<Str>>,
    /// The filter the patch is about: `patch.value.name`, else
    /// `match.listener.filterChain.filter.name` (only when `patch.value` is set).
    pub filter_name: Option<Spanned<Str>>,
    /// `match.listener.filterChain.filter.name` when `filter` is set (empty without a name).
    pub match_filter: Option<Str>,
    /// `match.listener.filterChain.filter.subFilter.name` when `subFilter` is set (empty
    /// without a name).
    pub match_sub_filter: Option<Str>,
}

pub fn envoy_filter<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> EnvoyFilter {
    let mut ef = EnvoyFilter {
        tree: super::spec_tree::build(cx, spec),
        ..EnvoyFilter::default()
    };
    let Some(mut o) = cx.obj(spec, "EnvoyFilter spec", EF_FIELDS) else {
        return ef;
    };
    ef.priority = cx.int(o.take("priority"), "priority", true);
    let _ = o.take("workloadSelector");
    let _ = o.take("targetRefs");
    for (index, p) in cx
        .list(o.take("configPatches"), "configPatches")
        .into_iter()
        .enumerate()
    {
        let Some(mut po) = cx.obj(Some(p), "EnvoyFilter config patch", PATCH_OBJECT_FIELDS) else {
            continue;
        };
        let apply_to = cx.string(po.take("applyTo"), "applyTo");
        let mut proxy_version = None;
        let mut chain_filter_name = None;
        let mut match_filter = None;
        let mut match_sub_filter = None;
        if let Some(mut mo) = cx.obj(po.take("match"), "EnvoyFilter match", MATCH_FIELDS) {
            if let Some(mut pr) = cx.obj(mo.take("proxy"), "proxy match", PROXY_FIELDS) {
                proxy_version = cx
                    .string(pr.take("proxyVersion"), "proxyVersion")
                    .filter(|v| !v.value.is_empty());
                let _ = pr.take("metadata");
                cx.finish(pr);
            }
            let filter = mo
                .take("listener")
                .and_then(|l| l.get("filterChain"))
                .and_then(|c| c.get("filter"))
                .filter(|f| f.is_map());
            let name_of = |v: Value<'a>| {
                v.get("name")
                    .and_then(|n| n.scalar())
                    .map(|(s, _)| Str::from(s))
                    .unwrap_or_default()
            };
            if let Some(f) = filter {
                match_filter = Some(name_of(f));
                match_sub_filter = f.get("subFilter").filter(|s| s.is_map()).map(name_of);
            }
            chain_filter_name = filter
                .and_then(|f| f.get("name"))
                .and_then(|n| cx.string(Some(n), "name"));
            for k in ["context", "routeConfiguration", "cluster"] {
                let _ = mo.take(k);
            }
            cx.finish(mo);
        }
        let mut operation = None;
        let mut filter_name = None;
        let mut has_patch = false;
        if let Some(mut pa) = cx.obj(po.take("patch"), "EnvoyFilter patch", PATCH_FIELDS) {
            has_patch = true;
            operation = cx.string(pa.take("operation"), "operation");
            if let Some(value) = pa.take("value").filter(|v| v.is_map()) {
                filter_name = match value.get("name") {
                    Some(n) => n
                        .scalar()
                        .map(|(s, _)| Spanned::new(Str::from(s), n.span())),
                    None => chain_filter_name,
                };
            }
            let _ = pa.take("filterClass");
            cx.finish(pa);
        }
        cx.finish(po);
        ef.patches.push(ConfigPatch {
            span: p.span(),
            index,
            apply_to,
            operation,
            has_patch,
            proxy_version,
            filter_name,
            match_filter,
            match_sub_filter,
        });
    }
    cx.finish(o);
    ef
}
