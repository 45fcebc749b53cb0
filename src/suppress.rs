//! Suppression, applied by the engine after the rules ran (data flows one way):
//!
//! - comment directives in YAML files:
//!   `# meshlint: disable-next-line CODE[,CODE] -- reason` (the next line with content),
//!   `# meshlint: disable CODE -- reason` (the whole YAML document it stands in or before),
//!   `# meshlint: disable-file CODE` (the whole file); codes are rule codes or names;
//! - istioctl's `galley.istio.io/analyze-suppress` annotation on the resource.
//!
//! Directives that suppress nothing are `unused-suppression` (ML009), unknown codes and
//! malformed directives are `unknown-suppression-code` (ML010).
//!
//! saphyr-parser reports no comments, so comments are found by scanning for `#` (at a line
//! start or after whitespace) outside the byte ranges of the documents' scalar nodes.

use crate::diagnostics::{Diagnostic, ObjectRef, RuleMeta};
use crate::model::Resource;
use crate::rules::{lookup, RULES};
use crate::source::{FileId, Span};
use crate::yaml::events::Style;
use crate::yaml::{Document, NodeKind};
use std::collections::{HashMap, HashSet};

/// What a directive covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    NextLine,
    Document,
    File,
}

impl Scope {
    fn keyword(self) -> &'static str {
        match self {
            Scope::NextLine => "disable-next-line",
            Scope::Document => "disable",
            Scope::File => "disable-file",
        }
    }
}

/// One code of a directive, with where it is written.
#[derive(Debug, Clone)]
pub struct DirectiveCode {
    pub text: String,
    pub span: Span,
    /// The rules it names (empty: unknown).
    pub rules: Vec<&'static str>,
}

/// A parsed `# meshlint: ...` comment.
#[derive(Debug, Clone)]
pub struct Directive {
    pub scope: Scope,
    /// Byte range (in its file) whose findings it suppresses.
    pub covers: Span,
    pub codes: Vec<DirectiveCode>,
    pub reason: Option<String>,
    /// The whole comment.
    pub span: Span,
}

/// What the directives need to know of a file's documents, gathered while each document is
/// parsed (the documents themselves are not kept): the byte ranges of their scalars and where
/// each document starts.
#[derive(Debug, Default)]
pub struct DocMarks {
    scalars: Vec<(u32, u32)>,
    starts: Vec<u32>,
}

impl DocMarks {
    /// Whether `text` can hold a directive at all (the marks are only needed then).
    pub fn wanted(text: &str) -> bool {
        text.contains("meshlint:")
    }

    pub fn add(&mut self, text: &str, doc: &Document) {
        self.starts.push(doc.start);
        self.scalars.extend(
            doc.nodes
                .iter()
                .filter_map(|n| match &n.kind {
                    NodeKind::Scalar { style, .. } => match style {
                        // the parser's end mark of a quoted scalar runs on to the end of the line
                        Style::SingleQuoted | Style::DoubleQuoted => {
                            Some((n.start, quoted_end(text, n.start, n.end)))
                        }
                        _ => Some((n.start, n.end)),
                    },
                    _ => None,
                })
                .filter(|(s, e)| e > s),
        );
    }

    pub fn of(text: &str, docs: &[Document]) -> DocMarks {
        let mut m = DocMarks::default();
        for d in docs {
            m.add(text, d);
        }
        m
    }
}

/// Byte ranges `(start, end)` of the comments of `text` (from `#` to the end of the line),
/// using the scalar nodes of its parsed documents to skip `#` inside values. Where a document
/// did not parse, quotes on the line are tracked instead.
pub fn comment_ranges(text: &str, docs: &[Document]) -> Vec<(u32, u32)> {
    comment_ranges_marked(text, &DocMarks::of(text, docs))
}

fn comment_ranges_marked(text: &str, marks: &DocMarks) -> Vec<(u32, u32)> {
    let mut scalars = marks.scalars.clone();
    scalars.sort_unstable();
    // scalars do not overlap: only the last one starting at or before `at` can contain it
    let in_scalar = |at: u32| {
        let i = scalars.partition_point(|&(s, _)| s <= at);
        i > 0 && at < scalars[i - 1].1
    };
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut line_start = 0usize;
    while line_start < bytes.len() {
        let line_end = bytes[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| line_start + p);
        let line = &bytes[line_start..line_end];
        if line.contains(&b'#') {
            let mut quote: Option<u8> = None;
            for (i, &b) in line.iter().enumerate() {
                let at = (line_start + i) as u32;
                match (quote, b) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, b'\'' | b'"') if !in_scalar(at) => quote = Some(b),
                    (None, b'#') => {
                        let after_space = i == 0 || matches!(line[i - 1], b' ' | b'\t');
                        if after_space && !in_scalar(at) {
                            let end = if line.ends_with(b"\r") {
                                line_end - 1
                            } else {
                                line_end
                            };
                            out.push((at, end as u32));
                            break;
                        }
                    }
                    _ => {}
                }
            }
        }
        line_start = line_end + 1;
    }
    out
}

/// The end of a quoted scalar starting at `start` (after an anchor or tag, if any): just past
/// its closing quote, honouring `''` and backslash escapes; `end` if none is found.
fn quoted_end(text: &str, start: u32, end: u32) -> u32 {
    let bytes = text.as_bytes();
    let (start, end) = (start as usize, (end as usize).min(bytes.len()));
    let Some(open) = bytes[start..end]
        .iter()
        .position(|&b| b == b'\'' || b == b'"')
    else {
        return end as u32;
    };
    let q = bytes[start + open];
    let mut i = start + open + 1;
    while i < end {
        match bytes[i] {
            b'\\' if q == b'"' => i += 2,
            b'\'' if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == q => return (i + 1) as u32,
            _ => i += 1,
        }
    }
    end as u32
}

/// The byte range of the first line after `from` that has content (not blank, not only a
/// comment); `None` at the end of the file.
fn next_content_line(text: &str, from: usize, comments: &[(u32, u32)]) -> Option<(u32, u32)> {
    let mut start = text[from..].find('\n').map(|p| from + p + 1)?;
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |p| start + p);
        let line = text[start..end].trim();
        let only_comment = comments.iter().any(|&(cs, _)| {
            cs as usize >= start && cs as usize <= end && text[start..cs as usize].trim().is_empty()
        });
        if !line.is_empty() && !only_comment {
            return Some((start as u32, end as u32));
        }
        start = end + 1;
    }
    None
}

/// The directives of one file, and ML010 diagnostics for malformed ones.
pub fn directives(
    file: FileId,
    text: &str,
    docs: &[Document],
) -> (Vec<Directive>, Vec<Diagnostic>) {
    if !DocMarks::wanted(text) {
        return (Vec::new(), Vec::new());
    }
    directives_marked(file, text, &DocMarks::of(text, docs))
}

/// [`directives`] from the marks gathered while the documents were parsed.
pub fn directives_marked(
    file: FileId,
    text: &str,
    marks: &DocMarks,
) -> (Vec<Directive>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    if !DocMarks::wanted(text) {
        return (out, diags);
    }
    let comments = comment_ranges_marked(text, marks);
    // document ranges: from each document's first line to the next document's
    let mut doc_starts: Vec<u32> = marks.starts.clone();
    doc_starts.sort_unstable();
    for &(cs, ce) in &comments {
        let comment = &text[cs as usize..ce as usize];
        let body = comment.trim_start_matches('#').trim_start();
        let Some(rest) = body.strip_prefix("meshlint:") else {
            continue;
        };
        let span = Span::new(file, cs, ce);
        let rest_off = ce as usize - rest.len();
        let rest_trim = rest.trim_start();
        let kw_off = rest_off + (rest.len() - rest_trim.len());
        let kw_len = rest_trim
            .find(|c: char| c.is_whitespace())
            .unwrap_or(rest_trim.len());
        let keyword = &rest_trim[..kw_len];
        let scope = match keyword {
            "disable-next-line" => Scope::NextLine,
            "disable" => Scope::Document,
            "disable-file" => Scope::File,
            other => {
                let kw_span = Span::new(file, kw_off as u32, (kw_off + kw_len) as u32);
                let known = ["disable-next-line", "disable", "disable-file"];
                let hint = crate::model::reader::did_you_mean(other, &known)
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::new(
                        &UNKNOWN_SUPPRESSION_CODE,
                        format!("unknown meshlint directive `{other}`"),
                    )
                    .at(kw_span, "not a directive")
                    .help(format!(
                        "{hint}directives are `disable-next-line`, `disable` and `disable-file`, followed by rule codes or names"
                    )),
                );
                continue;
            }
        };
        // codes up to ` -- reason`
        let after_kw = kw_off + kw_len;
        let tail = &text[after_kw..ce as usize];
        let (codes_part, reason) = match tail.find("--") {
            Some(p) => (&tail[..p], Some(tail[p + 2..].trim().to_string())),
            None => (tail, None),
        };
        let mut codes = Vec::new();
        let mut off = after_kw;
        for piece in codes_part.split(',') {
            let lead = piece.len() - piece.trim_start().len();
            let code = piece.trim();
            if !code.is_empty() {
                let s = (off + lead) as u32;
                codes.push(DirectiveCode {
                    text: code.to_string(),
                    span: Span::new(file, s, s + code.len() as u32),
                    rules: lookup(code).iter().map(|r| r.meta.name).collect(),
                });
            }
            off += piece.len() + 1;
        }
        if codes.is_empty() {
            diags.push(
                Diagnostic::new(
                    &UNKNOWN_SUPPRESSION_CODE,
                    format!("`meshlint: {keyword}` names no rule"),
                )
                .at(span, "no codes")
                .help(format!(
                    "name the rules it suppresses: `# meshlint: {keyword} CODE[,CODE] -- reason`"
                )),
            );
            continue;
        }
        let covers = match scope {
            Scope::File => Span::new(file, 0, text.len() as u32),
            Scope::NextLine => match next_content_line(text, cs as usize, &comments) {
                Some((s, e)) => Span::new(file, s, e),
                None => Span::new(file, text.len() as u32, text.len() as u32),
            },
            Scope::Document => {
                // the document the comment stands in, or the next one when it precedes it
                let i = doc_starts.partition_point(|&s| s <= cs);
                let (s, e) = if i == 0 {
                    (cs, doc_starts.get(1).copied().unwrap_or(text.len() as u32))
                } else {
                    (
                        doc_starts[i - 1],
                        doc_starts.get(i).copied().unwrap_or(text.len() as u32),
                    )
                };
                Span::new(file, s, e)
            }
        };
        out.push(Directive {
            scope,
            covers,
            codes,
            reason,
            span,
        });
    }
    (out, diags)
}

fn code_matches(c: &DirectiveCode, d: &Diagnostic) -> bool {
    c.rules.contains(&d.rule)
}

/// Applies directives (then annotations) to the findings; adds ML009 and ML010 findings when
/// those rules are enabled. `enabled` holds the names of the rules that ran.
pub fn apply(
    diags: &mut Vec<Diagnostic>,
    directives: &[Directive],
    resources: &[Resource],
    enabled: &HashSet<&'static str>,
) {
    let mut s = Suppressor::new(directives, resources);
    s.filter(diags);
    diags.extend(s.finish(enabled));
}

/// Suppression over findings that come in several vectors (one per rule): [`Suppressor::filter`]
/// each, then [`Suppressor::finish`] for the findings about the directives themselves. It keeps
/// nothing of the resources, so the model can be freed before the findings are merged.
pub struct Suppressor<'d> {
    directives: &'d [Directive],
    /// Directive indices per file.
    by_file: HashMap<FileId, Vec<usize>>,
    /// Per directive and code: whether it suppressed something.
    used: Vec<Vec<bool>>,
    /// `galley.istio.io/analyze-suppress` per annotated resource.
    annotations: HashMap<ObjectRef, String>,
}

impl<'d> Suppressor<'d> {
    pub fn new(directives: &'d [Directive], resources: &[Resource]) -> Suppressor<'d> {
        let mut by_file: HashMap<FileId, Vec<usize>> = HashMap::new();
        for (i, d) in directives.iter().enumerate() {
            by_file.entry(d.covers.file).or_default().push(i);
        }
        Suppressor {
            directives,
            by_file,
            used: directives
                .iter()
                .map(|d| vec![false; d.codes.len()])
                .collect(),
            annotations: annotations(resources),
        }
    }

    /// Drops the suppressed findings of `diags`.
    pub fn filter(&mut self, diags: &mut Vec<Diagnostic>) {
        if !self.by_file.is_empty() {
            let (directives, by_file, used) = (self.directives, &self.by_file, &mut self.used);
            diags.retain(|d| {
                let Some(span) = d.span() else { return true };
                let Some(here) = by_file.get(&span.file) else {
                    return true;
                };
                let mut keep = true;
                for &i in here {
                    let dir = &directives[i];
                    let inside = span.start >= dir.covers.start
                        && (span.start < dir.covers.end
                            || (dir.covers.is_empty() && span.start == dir.covers.start));
                    if !inside {
                        continue;
                    }
                    for (j, c) in dir.codes.iter().enumerate() {
                        if code_matches(c, d) {
                            used[i][j] = true;
                            keep = false;
                        }
                    }
                }
                keep
            });
        }
        if !self.annotations.is_empty() {
            diags.retain(|d| !annotation_suppresses(&self.annotations, d));
        }
    }

    /// The ML009 (unused) and ML010 (unknown code) findings, once every vector was filtered.
    pub fn finish(self, enabled: &HashSet<&'static str>) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        for (i, dir) in self.directives.iter().enumerate() {
            for (j, c) in dir.codes.iter().enumerate() {
                if c.rules.is_empty() {
                    if enabled.contains(UNKNOWN_SUPPRESSION_CODE.name) {
                        let hint = did_you_mean_rule(&c.text)
                            .map(|s| format!("did you mean `{s}`? "))
                            .unwrap_or_default();
                        diags.push(
                            Diagnostic::new(
                                &UNKNOWN_SUPPRESSION_CODE,
                                format!("`{}` is not a meshlint rule code or name", c.text),
                            )
                            .at(c.span, "unknown code")
                            .help(format!("{hint}`meshlint rules` lists the codes and names")),
                        );
                    }
                    continue;
                }
                let ran = c.rules.iter().any(|r| enabled.contains(r));
                if !self.used[i][j] && ran && enabled.contains(UNUSED_SUPPRESSION.name) {
                    let what = match dir.scope {
                        Scope::NextLine => "on the next line",
                        Scope::Document => "in this document",
                        Scope::File => "in this file",
                    };
                    diags.push(
                        Diagnostic::new(
                            &UNUSED_SUPPRESSION,
                            format!(
                                "`{}` in `meshlint: {}` suppresses nothing: no `{}` finding {what}",
                                c.text,
                                dir.scope.keyword(),
                                c.text
                            ),
                        )
                        .at(c.span, "unused")
                        .help("remove the code from the directive (or the whole comment)"),
                    );
                }
            }
        }
        diags
    }
}

fn did_you_mean_rule(code: &str) -> Option<&'static str> {
    // codes are numbers: only a one-character slip (`IST101`, `ML0101`) is a plausible typo
    let looks_like_code = code
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if looks_like_code {
        return RULES
            .iter()
            .map(|r| r.meta.code)
            .find(|c| crate::model::reader::edit_distance(code, c) <= 1);
    }
    let names: Vec<&'static str> = RULES.iter().map(|r| r.meta.name).collect();
    crate::model::reader::did_you_mean(code, &names)
}

/// istioctl's `galley.istio.io/analyze-suppress` annotation (a comma list of codes, or `*`) of
/// every annotated resource; the lists of resources that share a kind, namespace and name are
/// joined.
fn annotations(resources: &[Resource]) -> HashMap<ObjectRef, String> {
    let mut out: HashMap<ObjectRef, String> = HashMap::new();
    for r in resources {
        if let Some(a) = r.annotation("galley.istio.io/analyze-suppress") {
            out.entry(r.object_ref())
                .and_modify(|codes| {
                    codes.push(',');
                    codes.push_str(&a.value);
                })
                .or_insert_with(|| a.value.to_string());
        }
    }
    out
}

fn annotation_suppresses(annotations: &HashMap<ObjectRef, String>, d: &Diagnostic) -> bool {
    let Some(codes) = d.resource.as_ref().and_then(|r| annotations.get(r)) else {
        return false;
    };
    codes.split(',').any(|c| c == "*" || c == d.code)
}

/// istioctl's `-S/--suppress "CODE=RESOURCE"`: findings with this code on resources whose
/// `Kind ns/name` (cluster-scoped: `Kind name`) matches the pattern are dropped. `*` in the
/// pattern matches any run of characters (istioctl uses `ryanuber/go-glob`). The pre-1.13 form
/// `Kind name.ns` that istioctl's help still shows is accepted too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliSuppression {
    /// An Istio code (`IST0101`) or a meshlint rule code or name.
    pub code: String,
    pub pattern: String,
}

impl CliSuppression {
    /// Parses `CODE=RESOURCE`; exactly one `=` is required (as istioctl does).
    pub fn parse(s: &str) -> Result<CliSuppression, String> {
        let parts: Vec<&str> = s.split('=').collect();
        if parts.len() != 2 {
            return Err(format!(
                "`{s}` is not a valid suppression: use CODE=RESOURCE, e.g. \"IST0101=VirtualService default/reviews\" (exactly one `=`)"
            ));
        }
        Ok(CliSuppression {
            code: parts[0].trim().to_string(),
            pattern: parts[1].trim().to_string(),
        })
    }

    /// Whether the code is an Istio message code or a meshlint rule code or name; an unknown
    /// code suppresses nothing (istioctl warns and continues).
    pub fn code_is_known(&self) -> bool {
        crate::diagnostics::istio_messages::is_istio_code(&self.code)
            || !lookup(&self.code).is_empty()
    }

    /// Whether the finding is suppressed.
    pub fn matches(&self, d: &Diagnostic) -> bool {
        let code_ok = self.code.eq_ignore_ascii_case(d.code) || self.code == d.rule;
        let Some(r) = &d.resource else { return false };
        code_ok && self.matches_resource(r)
    }

    /// Whether the pattern matches the resource, as `Kind ns/name` or (legacy, a pattern
    /// without `/`) as `Kind name.ns`.
    pub fn matches_resource(&self, r: &ObjectRef) -> bool {
        if glob_match(&self.pattern, &r.to_string()) {
            return true;
        }
        match &r.namespace {
            Some(ns) if !self.pattern.contains('/') => {
                glob_match(&self.pattern, &format!("{} {}.{ns}", r.kind, r.name))
            }
            _ => false,
        }
    }
}

/// Drops the findings matched by a `--suppress` entry.
pub fn apply_cli(diags: &mut Vec<Diagnostic>, suppressions: &[CliSuppression]) {
    if suppressions.is_empty() {
        return;
    }
    diags.retain(|d| !suppressions.iter().any(|s| s.matches(d)));
}

/// `go-glob` matching: `*` matches any run of characters (including none, `/` and `.`);
/// every other character matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == text;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    if !text.ends_with(last) {
        return false;
    }
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

pub use crate::diagnostics::catalogue::UNKNOWN_SUPPRESSION_CODE;
pub use crate::diagnostics::catalogue::UNUSED_SUPPRESSION;

/// For tests and tools: metadata of the two suppression rules.
pub fn rule_metas() -> [&'static RuleMeta; 2] {
    [&UNUSED_SUPPRESSION, &UNKNOWN_SUPPRESSION_CODE]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{analyze, Input, Options};
    use crate::yaml::{parse_file, Limits};

    fn comments(text: &str) -> Vec<&str> {
        let parsed = parse_file(FileId::new(0), text, &Limits::default());
        comment_ranges(text, &parsed.documents)
            .into_iter()
            .map(|(s, e)| &text[s as usize..e as usize])
            .collect()
    }

    #[test]
    fn comments_outside_scalars_only() {
        let text = "# top\na: 'x # not'\nb: \"y # no\" # yes\nc: d#e\nf: |\n  # in a block\n  x\ng: h # end\n";
        assert_eq!(comments(text), vec!["# top", "# yes", "# end"]);
    }

    #[test]
    fn broken_documents_track_quotes() {
        let text = "a: [\nb: 'x # q' # c\n";
        assert_eq!(comments(text), vec!["# c"]);
    }

    const VS: &str = "\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
";

    fn run(text: &str) -> Vec<String> {
        let r = analyze(vec![Input::text("a.yaml", text)], &Options::default());
        r.diagnostics
            .iter()
            // the host `reviews` has no Service in these inputs: "not in the input" (info)
            .filter(|d| d.rule != "not-in-input")
            .map(|d| {
                let l = r
                    .sources
                    .get(d.span().unwrap().file)
                    .line_col(d.span().unwrap().start);
                format!("{}:{}", d.rule, l.line)
            })
            .collect()
    }

    fn vs(directive_line: &str, subset_line_prefix: &str) -> String {
        format!(
            "{VS}---\n{directive_line}apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {{name: reviews, namespace: default}}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n{subset_line_prefix}    - destination: {{host: reviews, subset: v2}}\n"
        )
    }

    #[test]
    fn without_directives_the_finding_is_there() {
        assert_eq!(run(&vs("", "")), vec!["subset-not-found:16"]);
    }

    #[test]
    fn next_line() {
        let t = vs(
            "",
            "    # meshlint: disable-next-line IST0101 -- v2 ships next week\n",
        );
        assert_eq!(run(&t), Vec::<String>::new());
        let t = vs(
            "",
            "    # meshlint: disable-next-line subset-not-found\n\n    # other\n",
        );
        assert_eq!(run(&t), Vec::<String>::new());
    }

    #[test]
    fn document() {
        let t = vs("# meshlint: disable subset-not-found -- migrating\n", "");
        assert_eq!(run(&t), Vec::<String>::new());
        // a document directive does not reach other documents
        let t = format!("# meshlint: disable IST0101\n{}", vs("", ""));
        assert_eq!(run(&t), vec!["unused-suppression:1", "subset-not-found:17"]);
    }

    #[test]
    fn file() {
        let t = format!("# meshlint: disable-file IST0101\n{}", vs("", ""));
        assert_eq!(run(&t), Vec::<String>::new());
    }

    #[test]
    fn unused_and_unknown() {
        let t = vs(
            "",
            "    # meshlint: disable-next-line ML101,IST0101,subset-not-fund -- x\n",
        );
        assert_eq!(
            run(&t),
            vec!["unused-suppression:16", "unknown-suppression-code:16"]
        );
        let t = vs("# meshlint: disabel IST0101\n", "");
        assert_eq!(
            run(&t),
            vec!["unknown-suppression-code:9", "subset-not-found:17"]
        );
    }

    #[test]
    fn glob() {
        assert!(glob_match("Pod testing/*", "Pod testing/mypod"));
        assert!(glob_match("*", ""));
        assert!(glob_match("*/reviews", "VirtualService default/reviews"));
        assert!(glob_match("VirtualService *-v*", "VirtualService a/b-v2"));
        assert!(!glob_match("Pod testing/*", "Pod prod/mypod"));
        assert!(!glob_match("a*a", "a"));
        assert!(glob_match(
            "DestinationRule default/reviews",
            "DestinationRule default/reviews"
        ));
        assert!(!glob_match(
            "DestinationRule default/review",
            "DestinationRule default/reviews"
        ));
    }

    #[test]
    fn cli_suppression_forms() {
        let vs = ObjectRef::new("VirtualService", Some("default"), "reviews");
        let s = |t: &str| CliSuppression::parse(t).unwrap();
        assert!(s("IST0101=VirtualService default/reviews").matches_resource(&vs));
        assert!(s("IST0101=VirtualService */rev*").matches_resource(&vs));
        assert!(s("IST0101=VirtualService reviews.default").matches_resource(&vs));
        assert!(s("IST0101=VirtualService *.default").matches_resource(&vs));
        assert!(!s("IST0101=VirtualService *.prod").matches_resource(&vs));
        assert!(!s("IST0101=DestinationRule default/reviews").matches_resource(&vs));
        let ns = ObjectRef::new("Namespace", None, "prod");
        assert!(s("IST0101=Namespace prod").matches_resource(&ns));
        assert!(CliSuppression::parse("IST0101").is_err());
        assert!(CliSuppression::parse("IST0101=a=b").is_err());
        assert!(s("IST0101=x").code_is_known());
        assert!(s("subset-not-found=x").code_is_known());
        assert!(!s("IST0999=x").code_is_known());
    }

    #[test]
    fn directives_apply_to_their_own_file_only() {
        let a = vs("", "");
        let b = "# meshlint: disable-file IST0101\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n";
        let r = analyze(
            vec![Input::text("a.yaml", a), Input::text("b.yaml", b)],
            &Options::default(),
        );
        let got: Vec<(&str, &str)> = r
            .diagnostics
            .iter()
            .map(|d| (r.sources.get(d.span().unwrap().file).path.as_str(), d.rule))
            .filter(|(_, rule)| *rule != "not-in-input")
            .collect();
        assert_eq!(
            got,
            [
                ("a.yaml", "subset-not-found"),
                ("b.yaml", "unused-suppression")
            ]
        );
    }

    #[test]
    fn annotations_of_copies_are_those_of_the_kept_copy() {
        let text = "\
apiVersion: v1
kind: Service
metadata: {name: a, namespace: ns, annotations: {galley.istio.io/analyze-suppress: IST0101}}
---
apiVersion: v1
kind: Service
metadata: {name: a, namespace: ns, annotations: {galley.istio.io/analyze-suppress: 'IST0118,IST0106'}}
---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: ns}
";
        let (_, resources, _) =
            crate::engine::load(vec![Input::text("a.yaml", text)], &Options::default());
        let got = annotations(&resources);
        assert_eq!(got.len(), 1);
        // two copies of one object: the cluster keeps the last, and only its annotation counts
        assert_eq!(
            got[&ObjectRef::new("Service", Some("ns"), "a")],
            "IST0118,IST0106"
        );
        let finding =
            |code: &'static str| {
                let mut d = Diagnostic::new(&UNUSED_SUPPRESSION, "x")
                    .resource(Some(&ObjectRef::new("Service", Some("ns"), "a")));
                d.code = code;
                d
            };
        assert!(annotation_suppresses(&got, &finding("IST0118")));
        assert!(!annotation_suppresses(&got, &finding("IST0110")));
    }

    #[test]
    fn unused_is_not_reported_for_rules_that_did_not_run() {
        let t = vs("# meshlint: disable ML101\n", "");
        let r = analyze(
            vec![Input::text("a.yaml", t)],
            &Options {
                select: vec!["IST0101".into(), "ML009".into()],
                ..Options::default()
            },
        );
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].rule, "subset-not-found");
    }
}

#[cfg(test)]
mod suggestion_tests {
    use super::did_you_mean_rule;

    #[test]
    fn codes_get_suggestions_only_for_one_character_slips() {
        assert_eq!(did_you_mean_rule("IST101"), Some("IST0101"));
        assert_eq!(did_you_mean_rule("IST0999"), None);
        assert_eq!(
            did_you_mean_rule("subset-not-fund"),
            Some("subset-not-found")
        );
    }
}
