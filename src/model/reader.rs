//! Lenient typed extraction from the YAML tree.
//!
//! Every typed field keeps the span of the node it came from. Wrong types are recorded as
//! `invalid-type` findings and the field is treated as absent; unknown keys in the objects we
//! model are `unknown-field` findings with a did-you-mean suggestion. Extraction never fails a
//! whole resource.

use crate::diagnostics::catalogue as meta;
use crate::diagnostics::{Diagnostic, ObjectRef};
use crate::source::{Span, Spanned, Str};
use crate::yaml::{parse_int, scalar_type, Document, ScalarType, Value};

pub struct Cx<'a> {
    pub doc: &'a Document,
    pub diags: Vec<Diagnostic>,
    pub resource: Option<ObjectRef>,
    /// Nodes we may still visit (alias expansions included).
    budget: usize,
    budget_reported: bool,
    /// Report unknown fields (off for kinds whose schema we do not model completely).
    pub check_unknown: bool,
    /// Extra field names that are accepted everywhere they are listed as extensions.
    pub istio_strict: bool,
}

/// A mapping being read: the keys taken so far are remembered, the rest are checked against
/// the known field list when the object is finished.
pub struct Obj<'a> {
    pub value: Value<'a>,
    entries: Vec<(Value<'a>, Value<'a>)>,
    used: Vec<bool>,
    ty: &'static str,
    known: &'static [&'static str],
}

impl<'a> Obj<'a> {
    pub fn span(&self) -> Span {
        self.value.span()
    }

    /// Takes the value of `key` (null values count as absent).
    pub fn take(&mut self, key: &str) -> Option<Value<'a>> {
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if k.scalar().map(|s| s.0) == Some(key) {
                self.used[i] = true;
                return if v.is_null() { None } else { Some(*v) };
            }
        }
        None
    }

    /// The span of `key`'s key node, if present.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.entries
            .iter()
            .find(|(k, _)| k.scalar().map(|s| s.0) == Some(key))
            .map(|(k, _)| k.span())
    }

    pub fn has(&self, key: &str) -> bool {
        self.entries
            .iter()
            .any(|(k, v)| k.scalar().map(|s| s.0) == Some(key) && !v.is_null())
    }
}

impl<'a> Cx<'a> {
    pub fn new(doc: &'a Document, budget: usize) -> Cx<'a> {
        Cx {
            doc,
            diags: Vec::new(),
            resource: None,
            budget,
            budget_reported: false,
            check_unknown: true,
            istio_strict: false,
        }
    }

    fn spend(&mut self, v: Value<'a>, n: usize) -> bool {
        if self.budget >= n {
            self.budget -= n;
            return true;
        }
        self.budget = 0;
        if !self.budget_reported {
            self.budget_reported = true;
            let d = Diagnostic::new(
                &meta::INPUT_LIMIT,
                "alias expansion budget exceeded; the rest of this resource was not read",
            )
            .at(v.span(), "expanding this exceeded the budget")
            .help(
                "YAML aliases here expand to too many nodes (an alias bomb?); write the values out",
            )
            .resource(self.resource.as_ref());
            self.diags.push(d);
        }
        false
    }

    /// A mapping's entries (merge keys applied), charged to the budget; `None` when it ran out.
    pub fn entries(&mut self, v: Value<'a>) -> Option<Vec<(Value<'a>, Value<'a>)>> {
        let (entries, work) = v.entries_counted();
        self.spend(v, work.max(entries.len()) + 1)
            .then_some(entries)
    }

    /// The canonical form of `v` ([`Value::canonical`]), its nodes charged to the budget.
    pub fn canonical(&mut self, v: Value<'a>, skip: &[&str]) -> String {
        self.canonical_json(v, skip).0
    }

    /// [`Cx::canonical`], and whether the text is plain JSON ([`Value::canonical_json`]).
    pub fn canonical_json(&mut self, v: Value<'a>, skip: &[&str]) -> (String, bool) {
        let allowed = self.budget.min(crate::yaml::CANONICAL_BUDGET);
        let mut left = allowed;
        let s = v.canonical_json(skip, &mut left);
        if left == 0 {
            // over budget: report it (once) and leave nothing for the rest of the document
            self.spend(v, usize::MAX);
        } else {
            self.budget -= allowed - left;
        }
        s
    }

    pub fn invalid_type(&mut self, v: Value<'a>, what: &str, expected: &str) {
        let d = Diagnostic::new(
            &meta::INVALID_TYPE,
            format!("`{what}` must be {expected}, found {}", v.type_name()),
        )
        .at(v.span(), format!("expected {expected}"))
        .help("the field was ignored; fix its type so the resource is applied as intended")
        .resource(self.resource.as_ref());
        self.diags.push(d);
    }

    /// Opens a mapping. `None` or null → `None`; another type → invalid-type and `None`.
    pub fn obj(
        &mut self,
        v: Option<Value<'a>>,
        ty: &'static str,
        known: &'static [&'static str],
    ) -> Option<Obj<'a>> {
        let v = v?;
        if v.is_null() {
            return None;
        }
        if !v.is_map() {
            self.invalid_type(v, ty, "a mapping");
            return None;
        }
        let entries = self.entries(v)?;
        let used = vec![false; entries.len()];
        Some(Obj {
            value: v,
            entries,
            used,
            ty,
            known,
        })
    }

    /// Reports keys of `o` that are neither taken nor listed as known.
    pub fn finish(&mut self, o: Obj<'a>) {
        if !self.check_unknown {
            return;
        }
        let taken: Vec<&str> = o
            .entries
            .iter()
            .filter_map(|(k, _)| k.scalar().map(|s| s.0))
            .collect();
        for (i, (k, _)) in o.entries.iter().enumerate() {
            if o.used[i] {
                continue;
            }
            let Some((key, _)) = k.scalar() else { continue };
            if o.known.contains(&key) {
                continue;
            }
            self.unknown_field(*k, key, o.ty, o.known, &taken);
        }
    }

    /// An `unknown-field` finding for key `k` of an object of type `ty` whose fields are
    /// `known` (`taken`: the keys the object has, not offered as suggestions).
    pub fn unknown_field(
        &mut self,
        k: Value<'a>,
        key: &str,
        ty: &str,
        known: &[&str],
        taken: &[&str],
    ) {
        let d = Diagnostic::new(
            &meta::UNKNOWN_FIELD,
            format!("unknown field `{key}` in {ty}"),
        )
        .at(k.span(), "not a field of this object")
        .resource(self.resource.as_ref());
        let candidates: Vec<&str> = known
            .iter()
            .copied()
            .filter(|c| !taken.contains(c))
            .collect();
        let d = match did_you_mean(key, &candidates) {
            Some(s) => d.help(format!(
                "did you mean `{s}`? Istio ignores or rejects unknown fields, so this setting has no effect"
            )),
            None => d.help(format!(
                "known fields: {}; Istio ignores or rejects unknown fields",
                known.join(", ")
            )),
        };
        self.diags.push(d);
    }

    pub fn list(&mut self, v: Option<Value<'a>>, what: &str) -> Vec<Value<'a>> {
        let Some(v) = v else { return Vec::new() };
        if v.is_null() {
            return Vec::new();
        }
        if !v.is_seq() {
            self.invalid_type(v, what, "a list");
            return Vec::new();
        }
        let items = v.items();
        if !self.spend(v, items.len() + 1) {
            return Vec::new();
        }
        items
    }

    pub fn string(&mut self, v: Option<Value<'a>>, what: &str) -> Option<Spanned<Str>> {
        let v = v?;
        match v.scalar() {
            Some((s, style)) => match scalar_type(s, style) {
                ScalarType::Null => None,
                ScalarType::Str => Some(Spanned::new(Str::from(s), v.span())),
                _ => {
                    self.invalid_type(v, what, "a string (quote it)");
                    None
                }
            },
            None => {
                self.invalid_type(v, what, "a string");
                None
            }
        }
    }

    /// An integer; quoted numbers are accepted when `allow_quoted` (protobuf JSON does).
    pub fn int(
        &mut self,
        v: Option<Value<'a>>,
        what: &str,
        allow_quoted: bool,
    ) -> Option<Spanned<i64>> {
        let v = v?;
        if let Some((s, style)) = v.scalar() {
            let t = scalar_type(s, style);
            if t == ScalarType::Null {
                return None;
            }
            if t == ScalarType::Int || (allow_quoted && t == ScalarType::Str) {
                if let Some(n) = parse_int(s.trim()) {
                    return Some(Spanned::new(n, v.span()));
                }
            }
            if t == ScalarType::Float {
                if let Ok(f) = s.parse::<f64>() {
                    if f.fract() == 0.0 && f.abs() < 9.0e15 {
                        return Some(Spanned::new(f as i64, v.span()));
                    }
                }
            }
        }
        self.invalid_type(v, what, "an integer");
        None
    }

    pub fn float(&mut self, v: Option<Value<'a>>, what: &str) -> Option<Spanned<f64>> {
        let v = v?;
        if let Some((s, style)) = v.scalar() {
            let t = scalar_type(s, style);
            if t == ScalarType::Null {
                return None;
            }
            if matches!(t, ScalarType::Int | ScalarType::Float | ScalarType::Str) {
                if let Ok(f) = s.trim().parse::<f64>() {
                    if f.is_finite() {
                        return Some(Spanned::new(f, v.span()));
                    }
                }
            }
        }
        self.invalid_type(v, what, "a number");
        None
    }

    pub fn boolean(&mut self, v: Option<Value<'a>>, what: &str) -> Option<Spanned<bool>> {
        let v = v?;
        if let Some((s, style)) = v.scalar() {
            match scalar_type(s, style) {
                ScalarType::Null => return None,
                ScalarType::Bool => {
                    let b = matches!(s.to_ascii_lowercase().as_str(), "true" | "yes" | "on");
                    return Some(Spanned::new(b, v.span()));
                }
                _ => {}
            }
        }
        self.invalid_type(v, what, "a boolean");
        None
    }

    pub fn string_list(&mut self, v: Option<Value<'a>>, what: &str) -> Vec<Spanned<Str>> {
        self.list(v, what)
            .into_iter()
            .filter_map(|i| self.string(Some(i), what))
            .collect()
    }

    /// A `map<string, string>` such as labels.
    pub fn string_map(
        &mut self,
        v: Option<Value<'a>>,
        what: &str,
    ) -> Vec<(Spanned<Str>, Spanned<Str>)> {
        let Some(v) = v else { return Vec::new() };
        if v.is_null() {
            return Vec::new();
        }
        if !v.is_map() {
            self.invalid_type(v, what, "a mapping");
            return Vec::new();
        }
        let Some(entries) = self.entries(v) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(entries.len());
        for (k, val) in entries {
            let Some((key, _)) = k.scalar() else { continue };
            let key = Spanned::new(Str::from(key), k.span());
            let value = match val.scalar() {
                Some((s, style)) if scalar_type(s, style) == ScalarType::Null => {
                    Spanned::new(Str::default(), val.span())
                }
                _ => match self.string(Some(val), what) {
                    Some(s) => s,
                    None => continue,
                },
            };
            out.push((key, value));
        }
        out
    }
}

/// Levenshtein distance (small strings only).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate, if close enough to be a plausible typo.
pub fn did_you_mean<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lower = word.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for &c in candidates {
        let d = if c.to_ascii_lowercase() == lower {
            0
        } else {
            edit_distance(&lower, &c.to_ascii_lowercase())
        };
        let max = (c.len().max(word.len()) / 3).clamp(1, 3);
        if d <= max && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("subet", &["host", "subset", "port"]),
            Some("subset")
        );
        assert_eq!(
            did_you_mean("perTryTimeOut", &["perTryTimeout"]),
            Some("perTryTimeout")
        );
        assert_eq!(did_you_mean("zzz", &["host", "subset"]), None);
        assert_eq!(did_you_mean("hots", &["host", "hosts"]), Some("hosts"));
    }
}
