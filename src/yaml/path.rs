//! Paths into a document (`spec.http[0].route[0].destination.subset`): the path of the node at
//! a byte offset, and the node at a path. Used to carry a position from one rendering of an
//! object to another (a `kustomize build` output back to the file that wrote the value).

use super::{Document, NodeKind, Value};

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// `spec.http[0].route` for messages.
pub fn display(path: &[Seg]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The path of the deepest node whose span holds `offset`, and whether the offset is on a
/// mapping key (then the path ends with that key). `None` when the document does not hold it.
pub fn path_at(doc: &Document, offset: u32) -> Option<(Vec<Seg>, bool)> {
    let mut v = Value::new(doc, doc.root?)?;
    let holds = |v: &Value| {
        let s = v.span();
        s.start <= offset && offset < s.end.max(s.start + 1)
    };
    if !holds(&v) {
        return None;
    }
    let mut path = Vec::new();
    'down: loop {
        match &v.node().kind {
            NodeKind::Map(_) => {
                for (k, val) in v.entries() {
                    let key = k.scalar().map(|(s, _)| s.to_string()).unwrap_or_default();
                    if holds(&k) {
                        path.push(Seg::Key(key));
                        return Some((path, true));
                    }
                    if holds(&val) {
                        path.push(Seg::Key(key));
                        v = val;
                        continue 'down;
                    }
                }
                return Some((path, false));
            }
            NodeKind::Seq(_) => {
                for (i, item) in v.items().into_iter().enumerate() {
                    if holds(&item) {
                        path.push(Seg::Index(i));
                        v = item;
                        continue 'down;
                    }
                }
                return Some((path, false));
            }
            _ => return Some((path, false)),
        }
    }
}

/// The node at `path` (the key node itself when `key` is set and the path ends with a key).
pub fn at_path<'a>(doc: &'a Document, path: &[Seg], key: bool) -> Option<Value<'a>> {
    let mut v = Value::new(doc, doc.root?)?;
    for (i, s) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        v = match s {
            Seg::Key(k) => {
                let (kn, val) = v
                    .entries()
                    .into_iter()
                    .find(|(kn, _)| kn.scalar().is_some_and(|(t, _)| t == k))?;
                if last && key {
                    return Some(kn);
                }
                val
            }
            Seg::Index(n) => v.items().into_iter().nth(*n)?,
        };
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use crate::yaml::{parse_file, Limits};

    const TEXT: &str =
        "spec:\n  http:\n  - route:\n    - destination: {host: reviews, subset: v2}\n";

    #[test]
    fn a_position_round_trips_through_its_path() {
        let parsed = parse_file(FileId::new(0), TEXT, &Limits::default());
        let doc = &parsed.documents[0];
        let at = TEXT.find("v2").unwrap() as u32;
        let (path, key) = path_at(doc, at).unwrap();
        assert!(!key);
        assert_eq!(display(&path), "spec.http[0].route[0].destination.subset");
        let v = at_path(doc, &path, key).unwrap();
        assert_eq!(v.span().start, at);
        assert_eq!(v.scalar().unwrap().0, "v2");
        let at = TEXT.find("host").unwrap() as u32;
        let (path, key) = path_at(doc, at).unwrap();
        assert!(key);
        assert_eq!(at_path(doc, &path, key).unwrap().span().start, at);
        assert!(at_path(doc, &[Seg::Key("nope".into())], false).is_none());
    }
}
