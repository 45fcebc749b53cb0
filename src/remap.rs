//! Findings in rendered output (a `kustomize build`) carried back to the files that wrote the
//! values: no finding points into a rendering the user never sees.
//!
//! Each rendered object names its source file (`config.kubernetes.io/origin: path: ...`, from
//! Kustomize's `buildMetadata: [originAnnotations]`). A position in the rendered object is
//! turned into a path (`spec.http[0].route[0].destination.subset`); the finding then points at
//! the same path in a patch of the build that writes the same value there, else in the source
//! file when it writes the same value, else at the object's name in its source file, with a
//! note that the value comes from the build. Pure: files are read through a closure.
//!
//! Kustomize drops comments, so the comment directives (`# meshlint: disable...`) of the
//! source files never reach the rendering; [`apply_source_directives`] reads them from the
//! source files the findings were carried back to.

use crate::engine::Report;
use crate::source::{FileId, Origin, Role, SourceFile, Span};
use crate::yaml::path::{at_path, path_at, Seg};
use crate::yaml::{parse_file, Document, Limits, Value};
use std::collections::{HashMap, HashSet};

/// One rendered input of a report and what produced it.
pub struct Rendering<'a> {
    /// The rendered file in the report.
    pub file: FileId,
    /// How the build is named in notes (`overlays/prod`).
    pub name: &'a str,
    /// Resolves an origin path as written in the rendering to the path findings show, or
    /// `None` when it is not a local file.
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
    /// Patch files of the build (paths as findings show them), most specific first.
    pub patches: &'a [String],
}

/// Parsed files, by shown path.
struct Files<'a> {
    read: &'a dyn Fn(&str) -> Option<String>,
    parsed: HashMap<String, Option<(String, Vec<Document>)>>,
}

impl Files<'_> {
    fn get(&mut self, path: &str) -> Option<&(String, Vec<Document>)> {
        if !self.parsed.contains_key(path) {
            let parsed = (self.read)(path).map(|text| {
                let docs = parse_file(FileId::new(0), &text, &Limits::default()).documents;
                (text, docs)
            });
            self.parsed.insert(path.to_string(), parsed);
        }
        self.parsed.get(path).and_then(|p| p.as_ref())
    }
}

fn scalar_at<'a>(v: &Value<'a>) -> Option<&'a str> {
    v.scalar().map(|(s, _)| s)
}

fn kind_and_name(doc: &Document) -> Option<(String, String)> {
    let root = Value::new(doc, doc.root?)?;
    let kind = scalar_at(&root.get("kind")?)?.to_string();
    let name = root
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(|n| scalar_at(&n))
        .unwrap_or("")
        .to_string();
    Some((kind, name))
}

/// The source file a rendered object came from (its origin annotation).
fn origin_of(doc: &Document) -> Option<String> {
    let root = Value::new(doc, doc.root?)?;
    let text = root
        .get("metadata")?
        .get("annotations")?
        .get("config.kubernetes.io/origin")?;
    let text = scalar_at(&text)?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("path:"))
        .map(|p| p.trim().trim_matches(['"', '\'']).to_string())
}

/// A document of `docs` that is the same object: same kind, and the rendered name equal to or
/// containing the source name (a name prefix or suffix), the only one of its kind otherwise.
fn same_object<'d>(docs: &'d [Document], kind: &str, name: &str) -> Option<&'d Document> {
    let of_kind: Vec<(&Document, String)> = docs
        .iter()
        .filter_map(|d| {
            kind_and_name(d)
                .filter(|(k, _)| k == kind)
                .map(|(_, n)| (d, n))
        })
        .collect();
    of_kind
        .iter()
        .find(|(_, n)| n == name)
        .or_else(|| {
            of_kind
                .iter()
                .find(|(_, n)| !n.is_empty() && name.contains(n.as_str()))
        })
        .or_else(|| (of_kind.len() == 1).then(|| &of_kind[0]))
        .map(|(d, _)| *d)
}

/// Where a rendered position is written: (file, span in it, the value came from the build).
fn locate(
    r: &Rendering,
    files: &mut Files,
    rendered: &[Document],
    span: Span,
) -> Option<(String, u32, u32, bool)> {
    let doc = rendered.iter().find(|d| {
        d.root
            .map(|root| d.span(root))
            .is_some_and(|s| s.start <= span.start && span.start < s.end.max(s.start + 1))
    })?;
    let (kind, name) = kind_and_name(doc)?;
    let origin = (r.resolve)(&origin_of(doc)?)?;
    let (path, key) = path_at(doc, span.start)?;
    let node = at_path(doc, &path, key)?;
    let value = scalar_at(&node);
    let width = span.end.saturating_sub(span.start);
    let whole = node.span();
    let exact = |v: &Value| -> bool {
        match (value, scalar_at(v)) {
            (Some(a), Some(b)) => a == b,
            (None, None) => true,
            _ => false,
        }
    };
    // the span as it sits within the rendered node, moved onto the source node
    let place = |v: &Value| -> (u32, u32) {
        let s = v.span();
        if span.start == whole.start && span.end == whole.end {
            (s.start, s.end)
        } else {
            (
                s.start,
                s.start + width.min(s.end.saturating_sub(s.start)).max(1),
            )
        }
    };
    for file in r.patches.iter().chain(std::iter::once(&origin)) {
        let Some((_, docs)) = files.get(file) else {
            continue;
        };
        let Some(src) = same_object(docs, &kind, &name) else {
            continue;
        };
        if let Some(v) = at_path(src, &path, key).filter(exact) {
            let (a, b) = place(&v);
            return Some((file.clone(), a, b, false));
        }
    }
    // the value is the build's: point at the object in its source file
    let (_, docs) = files.get(&origin)?;
    let src = same_object(docs, &kind, &name)?;
    let at = at_path(
        src,
        &[Seg::Key("metadata".into()), Seg::Key("name".into())],
        false,
    )
    .or_else(|| src.root.and_then(|r| Value::new(src, r)))?;
    let s = at.span();
    Some((origin, s.start, s.end, true))
}

/// Moves every position in `r.file` to the file that wrote it (files read with `read`, added
/// to the report as needed), then sorts the findings again.
pub fn remap(report: &mut Report, r: &Rendering, read: &dyn Fn(&str) -> Option<String>) {
    let rendered_text = report.sources.get(r.file).text.to_string();
    let rendered = parse_file(r.file, &rendered_text, &Limits::default()).documents;
    let mut files = Files {
        read,
        parsed: HashMap::new(),
    };
    let mut ids: HashMap<String, FileId> = report
        .sources
        .iter()
        .map(|(id, f)| (f.path.clone(), id))
        .collect();
    let note = format!(" (value from the kustomize build of `{}`)", r.name);
    let mut diagnostics = std::mem::take(&mut report.diagnostics);
    for d in &mut diagnostics {
        let data = &mut **d;
        let labels = data.primary.iter_mut().chain(data.related.iter_mut());
        for l in labels {
            if l.span.file != r.file {
                continue;
            }
            let Some((path, a, b, from_build)) = locate(r, &mut files, &rendered, l.span) else {
                continue;
            };
            let id = *ids.entry(path.clone()).or_insert_with(|| {
                let text = files.get(&path).map(|(t, _)| t.clone()).unwrap_or_default();
                report
                    .origins
                    .push(Origin::new(Role::Checked, false, &path));
                report.sources.add(SourceFile::new(path.clone(), text))
            });
            l.span = Span::new(id, a, b);
            if from_build {
                let m = format!("{}{note}", l.message);
                l.message = m.into();
            }
        }
    }
    crate::engine::sort_diagnostics(&mut diagnostics, &report.sources);
    report.diagnostics = diagnostics;
}

/// Applies the comment directives of the files [`remap`] added to the report (those from file
/// index `from` on: the source files findings were carried back to) to the findings there, as
/// the engine does for the files it loads: malformed directives (ML010), unknown codes (ML010)
/// and codes that suppress nothing in their scope (ML009) are reported when those rules are in
/// `enabled`. Files no finding was carried back to are not read, so their unused directives
/// go unreported.
pub fn apply_source_directives(report: &mut Report, from: usize, enabled: &HashSet<&'static str>) {
    let mut directives = Vec::new();
    let mut about = Vec::new();
    for (id, f) in report.sources.iter().skip(from) {
        if !crate::suppress::DocMarks::wanted(&f.text) {
            continue;
        }
        let docs = parse_file(id, &f.text, &Limits::default()).documents;
        let (found, malformed) = crate::suppress::directives(id, &f.text, &docs);
        directives.extend(found);
        about.extend(malformed.into_iter().filter(|d| enabled.contains(d.rule)));
    }
    if directives.is_empty() && about.is_empty() {
        return;
    }
    let mut suppressor = crate::suppress::Suppressor::new(&directives, &[]);
    suppressor.filter(&mut report.diagnostics);
    about.extend(suppressor.finish(enabled));
    report.diagnostics.extend(about);
    crate::engine::sort_diagnostics(&mut report.diagnostics, &report.sources);
}
