//! WorkloadEntry and WorkloadGroup (networking.istio.io): kept as spec trees for validation.

use super::reader::Cx;
use super::spec_tree::{self as tree, Tree};
use crate::yaml::Value;

#[derive(Debug, Clone, Default)]
pub struct WorkloadEntry {
    pub tree: Tree,
    /// `labels`: what subsets and workload selectors match.
    pub labels: super::Labels,
}

#[derive(Debug, Clone, Default)]
pub struct WorkloadGroup {
    pub tree: Tree,
}

pub fn workload_entry<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> WorkloadEntry {
    let labels = spec
        .filter(|s| s.is_map())
        .map(|s| cx.string_map(s.get("labels"), "labels"))
        .unwrap_or_default();
    WorkloadEntry {
        tree: tree::build(cx, spec),
        labels,
    }
}

pub fn workload_group<'a>(cx: &mut Cx<'a>, spec: Option<Value<'a>>) -> WorkloadGroup {
    WorkloadGroup {
        tree: tree::build(cx, spec),
    }
}
