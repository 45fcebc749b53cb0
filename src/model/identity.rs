//! One object per identity: the cluster keeps one object per (API group, kind, namespace,
//! name), and `kubectl apply -f <folder>` applies files in lexical path order and documents in
//! order, so the last copy is the one left in place. istioctl's file source does the same (a
//! later object replaces an earlier one with the same key).

use super::Resource;
use std::collections::HashMap;

/// Copies of one identity, in apply order: the last one is the one kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copies {
    /// Positions in the resource vector as it is after [`keep_last_copies`]: the kept copy
    /// (always among the first `kept` resources) last.
    pub positions: Vec<usize>,
}

/// Reorders `resources` so that the copy kept for each identity comes first (in the original
/// order) and the replaced copies after it; returns how many are kept and every identity
/// that has more than one copy. `order` gives each resource's apply-order key: of two copies
/// the one with the greater key wins.
pub fn keep_last_copies<K: Ord>(
    resources: &mut Vec<Resource>,
    order: impl Fn(&Resource) -> K,
) -> (usize, Vec<Copies>) {
    let mut by_identity: HashMap<(&str, &str, &str, &str), Vec<usize>> = HashMap::new();
    for (i, r) in resources.iter().enumerate() {
        // generateName objects get a fresh name on every create: never copies of each other
        by_identity
            .entry((
                r.group(),
                r.kind.as_str(),
                r.namespace.as_str(),
                r.name.as_str(),
            ))
            .or_default()
            .push(i);
    }
    let mut groups: Vec<Vec<usize>> = by_identity.into_values().filter(|v| v.len() > 1).collect();
    if groups.is_empty() {
        return (resources.len(), Vec::new());
    }
    let mut replaced = vec![false; resources.len()];
    for g in &mut groups {
        g.sort_by(|&a, &b| {
            order(&resources[a])
                .cmp(&order(&resources[b]))
                .then(a.cmp(&b))
        });
        for &i in &g[..g.len() - 1] {
            replaced[i] = true;
        }
    }
    // new position of each old index: kept ones first, replaced ones after, order preserved
    let kept = replaced.iter().filter(|r| !**r).count();
    let mut new_pos = vec![0usize; resources.len()];
    let (mut k, mut x) = (0, kept);
    for (i, &rep) in replaced.iter().enumerate() {
        if rep {
            new_pos[i] = x;
            x += 1;
        } else {
            new_pos[i] = k;
            k += 1;
        }
    }
    let mut slots: Vec<Option<Resource>> = resources.drain(..).map(Some).collect();
    let mut out: Vec<Option<Resource>> = (0..slots.len()).map(|_| None).collect();
    for (i, slot) in slots.iter_mut().enumerate() {
        out[new_pos[i]] = slot.take();
    }
    resources.extend(out.into_iter().flatten());
    let mut copies: Vec<Copies> = groups
        .into_iter()
        .map(|g| Copies {
            positions: g.into_iter().map(|i| new_pos[i]).collect(),
        })
        .collect();
    copies.sort_by_key(|c| c.positions.last().copied());
    (kept, copies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{read_document, ModelOptions};
    use crate::source::FileId;
    use crate::yaml::{parse_each, Limits};

    fn loaded(texts: &[(&str, &str)]) -> Vec<Resource> {
        let mut out = Vec::new();
        for (i, (_, t)) in texts.iter().enumerate() {
            parse_each(FileId::new(i as u32), t, &Limits::default(), |doc| {
                out.extend(read_document(doc, &ModelOptions::default()).0);
            });
        }
        out
    }

    const VS: &str = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a}\nspec: {hosts: [a]}\n";
    const GW_API: &str =
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: a}\nspec: {}\n";

    #[test]
    fn the_last_copy_in_apply_order_is_kept() {
        let mut rs = loaded(&[("b.yaml", VS), ("a.yaml", VS), ("c.yaml", GW_API)]);
        let paths = ["b.yaml", "a.yaml", "c.yaml"];
        let (kept, copies) = keep_last_copies(&mut rs, |r| paths[r.file.index()]);
        assert_eq!(kept, 2);
        assert_eq!(copies.len(), 1);
        // b.yaml sorts after a.yaml: its copy is kept, and kept copies come first
        let last = *copies[0].positions.last().unwrap();
        assert!(last < kept);
        assert_eq!(paths[rs[last].file.index()], "b.yaml");
        assert_eq!(paths[rs[kept].file.index()], "a.yaml");
    }

    #[test]
    fn different_api_groups_are_different_objects() {
        let gw = VS.replace("VirtualService", "Gateway");
        let mut rs = loaded(&[("a.yaml", &gw), ("b.yaml", GW_API)]);
        let (kept, copies) = keep_last_copies(&mut rs, |r| r.file.index());
        assert_eq!((kept, copies.len()), (2, 0));
    }
}
