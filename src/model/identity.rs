//! One object per identity: the cluster keeps one object per (API group, kind, namespace,
//! name), and `kubectl apply -f <folder>` applies files in lexical path order and documents in
//! order, so the last copy is the one left in place. istioctl's file source does the same (a
//! later object replaces an earlier one with the same key).

use super::Resource;
use foldhash::{HashMap, HashMapExt};

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
    // the first position of each identity, and every later one with the first it repeats:
    // no list per object (almost every identity has one copy)
    let mut first: HashMap<(&str, &str, &str, &str), usize> =
        HashMap::with_capacity(resources.len());
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        // generateName objects get a fresh name on every create: never copies of each other
        let key = (
            r.group(),
            r.kind.as_str(),
            r.namespace.as_str(),
            r.name.as_str(),
        );
        match first.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => repeats.push((*e.get(), i)),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i);
            }
        }
    }
    drop(first);
    if repeats.is_empty() {
        return (resources.len(), Vec::new());
    }
    // grouped by first position, in the order of the copies
    repeats.sort_unstable();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (f, i) in repeats {
        match groups.last_mut() {
            Some(g) if g[0] == f => g.push(i),
            _ => groups.push(vec![f, i]),
        }
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
    // in place (no second vector of every resource): kept ones swapped forward in order, then
    // the few replaced ones at the end put back in their order
    let mut original: Vec<usize> = (0..resources.len()).collect();
    let mut w = 0;
    for i in 0..resources.len() {
        if !replaced[original[i]] {
            resources.swap(w, i);
            original.swap(w, i);
            w += 1;
        }
    }
    debug_assert_eq!(w, kept);
    let mut tail: Vec<(usize, Resource)> = original[kept..]
        .iter()
        .copied()
        .zip(resources.drain(kept..))
        .collect();
    tail.sort_unstable_by_key(|(i, _)| *i);
    resources.extend(tail.into_iter().map(|(_, r)| r));
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
    fn kept_and_replaced_copies_keep_their_order() {
        let named = |n: &str| VS.replace("name: a", &format!("name: {n}"));
        let (a, b, c) = (named("a"), named("b"), named("c"));
        // files in apply order; a three times, b twice, c once
        let files = [&a, &b, &a, &c, &b, &a];
        let texts: Vec<(&str, &str)> = files.iter().map(|t| ("f.yaml", t.as_str())).collect();
        let mut rs = loaded(&texts);
        let (kept, copies) = keep_last_copies(&mut rs, |r| r.file.index());
        let order: Vec<(usize, &str)> = rs
            .iter()
            .map(|r| (r.file.index(), r.name.as_str()))
            .collect();
        // kept: c (file 3), b (file 4), a (file 5) in their order; replaced: files 0, 1, 2
        assert_eq!(kept, 3);
        assert_eq!(
            order,
            [(3, "c"), (4, "b"), (5, "a"), (0, "a"), (1, "b"), (2, "a")]
        );
        let positions: Vec<&[usize]> = copies.iter().map(|c| c.positions.as_slice()).collect();
        assert_eq!(positions, [&[4, 1][..], &[3, 5, 2][..]]);
    }

    #[test]
    fn different_api_groups_are_different_objects() {
        let gw = VS.replace("VirtualService", "Gateway");
        let mut rs = loaded(&[("a.yaml", &gw), ("b.yaml", GW_API)]);
        let (kept, copies) = keep_last_copies(&mut rs, |r| r.file.index());
        assert_eq!((kept, copies.len()), (2, 0));
    }
}
