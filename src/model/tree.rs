//! An owned, spanned copy of a spec subtree, for the validation rules that check many fields
//! the typed model does not need otherwise (`schema.ValidationAnalyzer`): every node keeps its
//! span and how Kubernetes' YAML decoder types it. Aliases and merge keys are read through;
//! the copy is bounded by [`MAX_NODES`] (beyond it the rest is left out, silently: the typed
//! reader reports the expansion budget).

use crate::source::{Span, Spanned};
use crate::yaml::{scalar_type, ScalarType, Value};

/// Nodes copied at most per tree.
pub const MAX_NODES: usize = 50_000;

#[derive(Debug, Clone)]
pub struct Tree {
    pub span: Span,
    pub kind: TreeKind,
}

#[derive(Debug, Clone)]
pub enum TreeKind {
    Null,
    Scalar(String, ScalarType),
    /// Entries in document order; keys keep their spans.
    Map(Vec<(Spanned<String>, Tree)>),
    Seq(Vec<Tree>),
}

impl Tree {
    pub fn build(v: Value<'_>) -> Tree {
        let mut budget = MAX_NODES;
        build(v, &mut budget, 0)
    }

    /// The value of `key` (a null value counts as absent).
    pub fn get(&self, key: &str) -> Option<&Tree> {
        self.entry(key)
            .map(|(_, v)| v)
            .filter(|v| !matches!(v.kind, TreeKind::Null))
    }

    /// The key and value of `key`, null values included.
    pub fn entry(&self, key: &str) -> Option<(&Spanned<String>, &Tree)> {
        match &self.kind {
            TreeKind::Map(m) => m.iter().find(|(k, _)| k.value == key).map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The span of `key`'s key node.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.entry(key).map(|(k, _)| k.span)
    }

    pub fn entries(&self) -> &[(Spanned<String>, Tree)] {
        match &self.kind {
            TreeKind::Map(m) => m,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Tree] {
        match &self.kind {
            TreeKind::Seq(s) => s,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, TreeKind::Map(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, TreeKind::Null)
    }

    /// A string scalar (not a plain number or boolean, which the typed reader reports).
    pub fn str(&self) -> Option<&str> {
        match &self.kind {
            TreeKind::Scalar(s, ScalarType::Str) => Some(s),
            _ => None,
        }
    }

    /// An integer (protobuf JSON also accepts a quoted integer).
    pub fn int(&self) -> Option<i64> {
        match &self.kind {
            TreeKind::Scalar(s, ScalarType::Int | ScalarType::Str) => {
                crate::yaml::parse_int(s.trim())
            }
            TreeKind::Scalar(s, ScalarType::Float) => s
                .parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64),
            _ => None,
        }
    }

    pub fn float(&self) -> Option<f64> {
        match &self.kind {
            TreeKind::Scalar(s, ScalarType::Int | ScalarType::Float | ScalarType::Str) => {
                s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
            }
            _ => None,
        }
    }

    pub fn bool(&self) -> Option<bool> {
        match &self.kind {
            TreeKind::Scalar(s, ScalarType::Bool) => Some(matches!(
                s.to_ascii_lowercase().as_str(),
                "true" | "yes" | "on"
            )),
            _ => None,
        }
    }

    /// `get(key)` as a string, with its span.
    pub fn get_str(&self, key: &str) -> Option<Spanned<&str>> {
        let v = self.get(key)?;
        v.str().map(|s| Spanned::new(s, v.span))
    }

    pub fn get_int(&self, key: &str) -> Option<Spanned<i64>> {
        let v = self.get(key)?;
        v.int().map(|n| Spanned::new(n, v.span))
    }

    pub fn get_bool(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Tree::bool)
    }

    /// `get(key)` as a list of strings (other items are skipped).
    pub fn get_strs(&self, key: &str) -> Vec<Spanned<&str>> {
        self.get(key)
            .map(|v| {
                v.items()
                    .iter()
                    .filter_map(|i| i.str().map(|s| Spanned::new(s, i.span)))
                    .collect()
            })
            .unwrap_or_default()
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
                    TreeKind::Null => "",
                    TreeKind::Scalar(s, _) => s.as_str(),
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

fn build(v: Value<'_>, budget: &mut usize, depth: usize) -> Tree {
    let span = v.span();
    if *budget == 0 || depth > 64 {
        return Tree {
            span,
            kind: TreeKind::Null,
        };
    }
    *budget -= 1;
    let kind = if let Some((s, style)) = v.scalar() {
        match scalar_type(s, style) {
            ScalarType::Null => TreeKind::Null,
            t => TreeKind::Scalar(s.to_string(), t),
        }
    } else if v.is_map() {
        let (entries, work) = v.entries_counted();
        *budget = budget.saturating_sub(work);
        let mut out = Vec::with_capacity(entries.len());
        for (k, val) in entries {
            let Some((key, _)) = k.scalar() else { continue };
            out.push((
                Spanned::new(key.to_string(), k.span()),
                build(val, budget, depth + 1),
            ));
        }
        TreeKind::Map(out)
    } else if v.is_seq() {
        TreeKind::Seq(
            v.items()
                .into_iter()
                .map(|i| build(i, budget, depth + 1))
                .collect(),
        )
    } else {
        TreeKind::Null
    };
    Tree { span, kind }
}
