//! An owned, spanned copy of a spec, for the validation rules (`rules::validation`, Istio's
//! `schema.ValidationAnalyzer`) that check many fields the typed model does not need otherwise:
//! every node keeps its span and how Kubernetes' YAML decoder types it. Aliases and merge keys
//! are read through.
//!
//! Built through the reader's expansion budget, so aliases cost what they cost elsewhere (when
//! it runs out, the reader reports it once and the rest of the copy is left empty).

use super::reader::Cx;
use crate::source::{Span, Spanned, Str};
use crate::yaml::{scalar_type, ScalarType, Value};
use std::sync::Arc;

/// Deeper nodes are dropped (specs are far shallower).
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone)]
pub enum Kind {
    Map(Vec<(Spanned<Str>, Node)>),
    Seq(Vec<Node>),
    /// inline up to 24 bytes: most scalars of a spec need no allocation of their own
    Scalar(Str, ScalarType),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub span: Span,
    pub kind: Kind,
}

/// A shared spec tree (cheap to clone with the resource).
pub type Tree = Option<Arc<Node>>;

/// Copies `v` (the spec) into an owned tree; `None` when absent or null.
pub fn build<'a>(cx: &mut Cx<'a>, v: Option<Value<'a>>) -> Tree {
    let v = v.filter(|v| !v.is_null())?;
    Some(Arc::new(node(cx, v, 0)))
}

fn node<'a>(cx: &mut Cx<'a>, v: Value<'a>, depth: usize) -> Node {
    let span = v.span();
    let kind = if v.is_map() {
        let mut out = Vec::new();
        if depth < MAX_DEPTH {
            let entries = cx.entries(v).unwrap_or_default();
            out.reserve_exact(entries.len());
            for (k, val) in entries {
                if let Some((key, _)) = k.scalar() {
                    out.push((
                        Spanned::new(Str::from(key), k.span()),
                        node(cx, val, depth + 1),
                    ));
                }
            }
        }
        Kind::Map(out)
    } else if v.is_seq() {
        let items = if depth < MAX_DEPTH {
            cx.list(Some(v), "list")
        } else {
            Vec::new()
        };
        Kind::Seq(items.into_iter().map(|i| node(cx, i, depth + 1)).collect())
    } else {
        match v.scalar() {
            Some((s, style)) => Kind::Scalar(Str::from(s), scalar_type(s, style)),
            None => Kind::Scalar(Str::default(), ScalarType::Null),
        }
    };
    Node { span, kind }
}

impl Node {
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Scalar(_, ScalarType::Null))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, Kind::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.kind, Kind::Seq(_))
    }

    /// Map entries (empty for other nodes).
    pub fn entries(&self) -> &[(Spanned<Str>, Node)] {
        match &self.kind {
            Kind::Map(e) => e,
            _ => &[],
        }
    }

    /// A key's value; null values count as absent.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    /// Whether `key` is written at all (even as null or `{}`).
    pub fn has_key(&self, key: &str) -> bool {
        self.entries().iter().any(|(k, _)| k.value == key)
    }

    /// The span of `key`'s key node.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.entries()
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(k, _)| k.span)
    }

    /// Sequence items (empty for other nodes).
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq(i) => i,
            _ => &[],
        }
    }

    /// The items of `key` when it is a list.
    pub fn list(&self, key: &str) -> &[Node] {
        self.get(key).map(|n| n.items()).unwrap_or(&[])
    }

    /// A string scalar (numbers and booleans are not strings: the reader reports those).
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, ScalarType::Str) => Some(s),
            _ => None,
        }
    }

    /// The scalar text whatever its type (for enum names and map keys).
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(_, ScalarType::Null) => None,
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// An integer (protobuf JSON also accepts quoted numbers).
    pub fn as_int(&self) -> Option<i64> {
        match &self.kind {
            Kind::Scalar(s, ScalarType::Int | ScalarType::Str) => crate::yaml::parse_int(s.trim()),
            Kind::Scalar(s, ScalarType::Float) => s
                .parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64),
            _ => None,
        }
    }

    /// A number (protobuf JSON also accepts quoted numbers).
    pub fn as_float(&self) -> Option<f64> {
        match &self.kind {
            Kind::Scalar(s, ScalarType::Int | ScalarType::Float | ScalarType::Str) => {
                s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
            }
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Scalar(s, ScalarType::Bool) => Some(matches!(
                s.to_ascii_lowercase().as_str(),
                "true" | "yes" | "on"
            )),
            _ => None,
        }
    }

    /// `get(key)` as a string, with its span.
    pub fn get_str(&self, key: &str) -> Option<Spanned<&str>> {
        let v = self.get(key)?;
        v.as_str().map(|s| Spanned::new(s, v.span))
    }

    /// `get(key)` as an integer, with its span.
    pub fn get_int(&self, key: &str) -> Option<Spanned<i64>> {
        let v = self.get(key)?;
        v.as_int().map(|n| Spanned::new(n, v.span))
    }

    pub fn get_bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Node::as_bool)
    }

    /// Strings of a string list (other items skipped), with their spans.
    pub fn get_strs(&self, key: &str) -> Vec<Spanned<&str>> {
        self.list(key)
            .iter()
            .filter_map(|n| n.as_str().map(|s| Spanned::new(s, n.span)))
            .collect()
    }

    /// A `map<string,string>` (values that are not scalars are skipped; null is "").
    pub fn get_string_map(&self, key: &str) -> Vec<(Spanned<&str>, Spanned<&str>)> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        v.entries()
            .iter()
            .filter_map(|(k, val)| {
                let s = match &val.kind {
                    Kind::Scalar(_, ScalarType::Null) => "",
                    Kind::Scalar(s, _) => s.as_str(),
                    _ => return None,
                };
                Some((
                    Spanned::new(k.value.as_str(), k.span),
                    Spanned::new(s, val.span),
                ))
            })
            .collect()
    }
}
