//! YAML: saphyr-parser events (through [`events`]) into our own spanned node tree.
//!
//! A file is split at `---` document markers before parsing, so a syntax error costs only the
//! document it is in: the other documents of the file are still loaded. Aliases are not expanded
//! in the tree (an alias node points at its anchor's node); the typed model reads through them
//! with an expansion budget. Limits on depth and node count turn into diagnostics.

pub mod events;
pub mod path;

use crate::diagnostics::catalogue as meta;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use events::{EventStream, Style, YEvent};
use std::collections::{HashMap, HashSet};

/// How deep `<<` merge keys are followed (a mapping merging one that merges another ...).
pub const MAX_MERGE_DEPTH: usize = 32;

pub type NodeId = u32;

/// Where a scalar's (unescaped, folded) text lives in its document's string arena
/// ([`Document::text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRef {
    pub start: u32,
    pub len: u32,
}

/// A collection's children: `len` consecutive entries from `start` in its document's
/// [`Document::pairs`] (a mapping) or [`Document::items`] (a sequence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Children {
    pub start: u32,
    pub len: u32,
}

impl Children {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar {
        value: TextRef,
        style: Style,
        tag: Option<Box<str>>,
    },
    /// A mapping's entries (key, value), in [`Document::pairs`]; read them with
    /// [`Document::pairs_of`].
    Map(Children),
    /// A sequence's items, in [`Document::items`]; read them with [`Document::items_of`].
    Seq(Children),
    /// An alias; the id of the anchored node, or `None` for an unknown anchor.
    Alias(Option<NodeId>),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub start: u32,
    pub end: u32,
    pub kind: NodeKind,
}

/// One YAML document of a file.
#[derive(Debug)]
pub struct Document {
    pub file: FileId,
    pub nodes: Vec<Node>,
    pub root: Option<NodeId>,
    /// Byte offset of the document's first content line (after `---`, blank lines skipped).
    pub start: u32,
    /// The text of all scalars, one after the other (one allocation per document instead of
    /// one per scalar); see [`TextRef`].
    pub strings: String,
    /// The entries of all mappings, each mapping's consecutive (one allocation per document
    /// instead of one per mapping); see [`Children`].
    pub pairs: Vec<(NodeId, NodeId)>,
    /// The items of all sequences, each sequence's consecutive.
    pub items: Vec<NodeId>,
}

impl Document {
    /// Moves the document out, leaving this one empty (a sink of [`parse_each`] that keeps it).
    pub fn take(&mut self) -> Document {
        Document {
            file: self.file,
            nodes: std::mem::take(&mut self.nodes),
            root: self.root.take(),
            start: self.start,
            strings: std::mem::take(&mut self.strings),
            pairs: std::mem::take(&mut self.pairs),
            items: std::mem::take(&mut self.items),
        }
    }

    /// A mapping's entries (key, value) as written (empty for other nodes).
    pub fn pairs_of(&self, id: NodeId) -> &[(NodeId, NodeId)] {
        match &self.node(id).kind {
            NodeKind::Map(c) => self.pairs.get(c.range()).unwrap_or_default(),
            _ => &[],
        }
    }

    /// A sequence's items as written (empty for other nodes).
    pub fn items_of(&self, id: NodeId) -> &[NodeId] {
        match &self.node(id).kind {
            NodeKind::Seq(c) => self.items.get(c.range()).unwrap_or_default(),
            _ => &[],
        }
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The text of a scalar.
    pub fn text(&self, r: TextRef) -> &str {
        &self.strings[r.start as usize..(r.start + r.len) as usize]
    }

    pub fn span(&self, id: NodeId) -> Span {
        let n = self.node(id);
        Span::new(self.file, n.start, n.end)
    }
}

/// Limits that protect the loader from hostile or accidental input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_nodes: usize,
    /// Nodes the typed model may visit per document, counting alias expansions.
    pub max_expanded_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 200,
            max_nodes: 2_000_000,
            max_expanded_nodes: 4_000_000,
        }
    }
}

/// Splits `text` into chunks that each start at a `---` line (the first chunk at 0). Chunks
/// holding only directives, comments and blank lines are merged into the following one.
fn split_documents(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut starts = vec![0usize];
    let mut line_start = 0usize;
    while line_start < bytes.len() {
        let line_end = memchr_newline(bytes, line_start);
        if line_start > 0 && is_doc_marker(&bytes[line_start..line_end]) {
            starts.push(line_start);
        }
        line_start = line_end + 1;
    }
    let mut chunks: Vec<(usize, usize)> = Vec::with_capacity(starts.len());
    let mut pending: Option<usize> = None;
    for (i, &s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(text.len());
        let begin = pending.take().unwrap_or(s);
        if i + 1 < starts.len() && only_preamble(&text[s..e]) {
            pending = Some(begin);
            continue;
        }
        chunks.push((begin, e));
    }
    chunks
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from..])
        .map(|p| from + p)
        .unwrap_or(bytes.len())
}

fn is_doc_marker(line: &[u8]) -> bool {
    line.starts_with(b"---") && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r'))
}

fn only_preamble(chunk: &str) -> bool {
    chunk.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t.starts_with('%')
    })
}

/// Byte offset of the first line of a chunk that is not blank, not a `---` marker and not a
/// directive. Comment lines count as content (istioctl reports them as the document's start).
fn content_start(text: &str, begin: usize, end: usize) -> usize {
    let mut off = begin;
    for line in text[begin..end].split_inclusive('\n') {
        let t = line.trim();
        let is_marker = is_doc_marker(line.as_bytes()) && t.len() <= 3;
        if !(t.is_empty() || is_marker || t.starts_with('%')) {
            return off;
        }
        off += line.len();
    }
    begin
}

/// A collection being built.
struct Open {
    id: NodeId,
    map: bool,
    /// A mapping's key waiting for its value.
    pending: Option<NodeId>,
    /// Where its children start in the builder's `open_pairs` / `open_items`.
    mark: usize,
}

struct Builder {
    file: FileId,
    base: usize,
    nodes: Vec<Node>,
    /// scalar text arena of the document being built
    strings: String,
    /// children of the closed collections ([`Document::pairs`], [`Document::items`])
    pairs: Vec<(NodeId, NodeId)>,
    items: Vec<NodeId>,
    /// children of the open collections, innermost last: a collection's children are moved
    /// to `pairs` / `items` in one piece when it closes
    open_pairs: Vec<(NodeId, NodeId)>,
    open_items: Vec<NodeId>,
    /// open collections, innermost last
    stack: Vec<Open>,
    anchors: HashMap<usize, NodeId>,
    root: Option<NodeId>,
}

impl Builder {
    /// Forgets the document being built, keeping the buffers' capacity.
    fn reset(&mut self) {
        self.nodes.clear();
        self.strings.clear();
        self.pairs.clear();
        self.items.clear();
        self.open_pairs.clear();
        self.open_items.clear();
        self.anchors.clear();
        self.stack.clear();
        self.root = None;
    }

    fn text(&self, r: TextRef) -> &str {
        &self.strings[r.start as usize..(r.start + r.len) as usize]
    }

    fn push(&mut self, node: Node, anchor: usize) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(node);
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        id
    }

    /// Attaches a finished node to its parent (or as the root).
    fn attach(&mut self, id: NodeId) {
        let Some(top) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(id);
            }
            return;
        };
        if !top.map {
            self.open_items.push(id);
        } else {
            match top.pending.take() {
                None => top.pending = Some(id),
                Some(k) => self.open_pairs.push((k, id)),
            }
        }
    }

    /// Opens a collection (its node is `id`).
    fn open(&mut self, id: NodeId, map: bool) {
        let mark = if map {
            self.open_pairs.len()
        } else {
            self.open_items.len()
        };
        self.stack.push(Open {
            id,
            map,
            pending: None,
            mark,
        });
    }
}

/// Result of parsing one file.
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses every document of `text`. Never panics; errors become diagnostics.
pub fn parse_file(file: FileId, text: &str, limits: &Limits) -> ParsedFile {
    let mut documents = Vec::new();
    let diagnostics = parse_each(file, text, limits, |doc| documents.push(doc.take()));
    ParsedFile {
        documents,
        diagnostics,
    }
}

/// Parses the documents of `text` one at a time, handing each to `sink` as soon as it is
/// complete; returns the diagnostics. The next document is built in the same buffers (unless
/// `sink` takes them with [`Document::take`]), so a file is read with a few warm allocations
/// instead of fresh ones per document, and only one document's tree is alive at a time.
pub fn parse_each(
    file: FileId,
    text: &str,
    limits: &Limits,
    mut sink: impl FnMut(&mut Document),
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut b = Builder {
        file,
        base: 0,
        nodes: Vec::new(),
        strings: String::new(),
        pairs: Vec::new(),
        items: Vec::new(),
        open_pairs: Vec::new(),
        open_items: Vec::new(),
        stack: Vec::new(),
        anchors: HashMap::new(),
        root: None,
    };
    for (begin, end) in split_documents(text) {
        parse_chunk(&mut b, text, begin, end, limits, &mut out, &mut sink);
    }
    out
}

/// Builds the documents of one chunk (`chunk` is `text[begin..end]`, or a same-length fixed-up
/// copy of it); returns the syntax error the parser stopped at, if any (absolute byte offset
/// and message), without reporting it. Input-limit findings are reported here.
#[allow(clippy::too_many_arguments)]
fn build_chunk(
    b: &mut Builder,
    chunk: &str,
    begin: usize,
    text_len: usize,
    mut doc_start: usize,
    limits: &Limits,
    out: &mut Vec<Diagnostic>,
    sink: &mut impl FnMut(&mut Document),
) -> Option<(u32, String)> {
    let file = b.file;
    let end = begin + chunk.len();
    b.base = begin;
    b.reset();
    // sized from the chunk (about 12.6 bytes of YAML per node and 58% of the bytes being scalar
    // text in realistic manifests) so that neither grows while building; a no-op when the
    // buffers kept from the previous document are large enough
    b.nodes.reserve(chunk.len() / 12 + 1);
    b.strings.reserve(chunk.len() * 5 / 8);
    let mut syntax_error = None;
    for item in EventStream::new(chunk) {
        let (ev, s, e) = match item {
            Ok(x) => x,
            Err(err) => {
                let at = (begin + err.offset).min(text_len) as u32;
                let span = Span::new(file, at, (at + 1).min(end as u32).max(at));
                // saphyr's scanner counts flow nesting in a u8 and reads a flow collection
                // ahead before emitting its events, so `[[[[...` deeper than 255 fails there
                // before our own depth check sees it: it is the same limit, not a syntax error
                if err.message.contains("recursion limit exceeded") {
                    out.push(
                        Diagnostic::new(
                            &meta::INPUT_LIMIT,
                            format!(
                                "document is nested deeper than {} levels; it was skipped",
                                limits.max_depth.min(255)
                            ),
                        )
                        .at(span, "too deep here"),
                    );
                    break;
                }
                syntax_error = Some((at, err.message));
                break;
            }
        };
        let (s, e) = ((b.base + s) as u32, (b.base + e) as u32);
        match ev {
            YEvent::DocumentStart => b.reset(),
            YEvent::DocumentEnd => {
                finish_document(b, doc_start as u32, sink);
                doc_start = e as usize;
            }
            YEvent::Scalar(text_value, style, anchor, tag) => {
                let value = TextRef {
                    start: b.strings.len() as u32,
                    len: text_value.len() as u32,
                };
                b.strings.push_str(&text_value);
                let id = b.push(
                    Node {
                        start: s,
                        end: e,
                        kind: NodeKind::Scalar {
                            value,
                            style,
                            tag: tag.map(String::into_boxed_str),
                        },
                    },
                    anchor,
                );
                b.attach(id);
            }
            YEvent::Alias(anchor) => {
                let target = b.anchors.get(&anchor).copied();
                let id = b.push(
                    Node {
                        start: s,
                        end: e,
                        kind: NodeKind::Alias(target),
                    },
                    0,
                );
                b.attach(id);
            }
            YEvent::SequenceStart(anchor, _) | YEvent::MappingStart(anchor, _) => {
                if b.stack.len() >= limits.max_depth {
                    out.push(
                        Diagnostic::new(
                            &meta::INPUT_LIMIT,
                            format!(
                                "document is nested deeper than {} levels; it was skipped",
                                limits.max_depth
                            ),
                        )
                        .at(Span::new(file, s, e.max(s + 1)), "too deep here"),
                    );
                    break;
                }
                let map = matches!(ev, YEvent::MappingStart(..));
                let kind = if map {
                    NodeKind::Map(Children::default())
                } else {
                    NodeKind::Seq(Children::default())
                };
                let id = b.push(
                    Node {
                        start: s,
                        end: e,
                        kind,
                    },
                    anchor,
                );
                b.open(id, map);
            }
            YEvent::SequenceEnd | YEvent::MappingEnd => {
                if let Some(open) = b.stack.pop() {
                    let id = open.id;
                    close_collection(b, open, out);
                    b.attach(id);
                }
            }
        }
        if b.nodes.len() > limits.max_nodes {
            out.push(
                Diagnostic::new(
                    &meta::INPUT_LIMIT,
                    format!(
                        "document has more than {} YAML nodes; it was skipped",
                        limits.max_nodes
                    ),
                )
                .at(Span::new(file, s, e.max(s + 1)), "limit reached here"),
            );
            break;
        }
    }
    b.reset();
    syntax_error
}

/// The most closing brackets fixed up in one document before giving up.
const MAX_FLOW_FIXUPS: usize = 64;

/// The rest of a document whose parse failed is dropped, with its diagnostic already given.
///
/// One syntax error is retried: saphyr-parser (strict YAML 1.2) rejects a flow collection whose
/// closing `]` or `}` stands alone on a line at (or left of) its parent's indentation, which
/// go-yaml and libyaml (kubectl) accept. On that error the document is parsed again from a copy
/// in which the newline before the bracket is a space: the bracket joins the previous line, the
/// text keeps its length, so every span still points into the original file. Each fix-up is an
/// ML016 warning; a document that still fails gets the ML001 of its first error.
fn parse_chunk(
    b: &mut Builder,
    text: &str,
    begin: usize,
    end: usize,
    limits: &Limits,
    out: &mut Vec<Diagnostic>,
    sink: &mut impl FnMut(&mut Document),
) {
    let file = b.file;
    let chunk = &text[begin..end];
    let doc_start = content_start(text, begin, end);
    let out_len = out.len();
    let sunk = std::cell::Cell::new(0usize);
    let mut counting = |d: &mut Document| {
        sunk.set(sunk.get() + 1);
        sink(d)
    };
    let Some(first) = build_chunk(
        b,
        chunk,
        begin,
        text.len(),
        doc_start,
        limits,
        out,
        &mut counting,
    ) else {
        return;
    };
    let mut fixed: Option<String> = None;
    let mut fixes: Vec<u32> = Vec::new();
    let mut err = first.clone();
    while sunk.get() == 0 && fixes.len() < MAX_FLOW_FIXUPS && is_indentation_error(&err.1) {
        let current = fixed.as_deref().unwrap_or(chunk);
        let Some(rel) = (err.0 as usize).checked_sub(begin) else {
            break;
        };
        let Some(newline) = closing_bracket_fixup(current, rel) else {
            break;
        };
        let mut copy = fixed.take().unwrap_or_else(|| chunk.to_string());
        join_line_at(&mut copy, newline);
        fixes.push(err.0);
        out.truncate(out_len);
        let again = build_chunk(
            b,
            &copy,
            begin,
            text.len(),
            doc_start,
            limits,
            out,
            &mut counting,
        );
        fixed = Some(copy);
        match again {
            None => {
                for at in fixes {
                    out.push(flow_indent_warning(file, at, text.as_bytes()));
                }
                return;
            }
            Some(e) => err = e,
        }
    }
    // not (only) the tolerated case
    let (at, message) = if !fixes.is_empty() && sunk.get() > 0 {
        // the fixed copy got past its document before failing: keep what it read
        for &at in &fixes {
            out.push(flow_indent_warning(file, at, text.as_bytes()));
        }
        err
    } else {
        if !fixes.is_empty() {
            // report the document as it was: its first error, and the findings of that run
            out.truncate(out_len);
            let _ = build_chunk(
                b,
                chunk,
                begin,
                text.len(),
                doc_start,
                limits,
                out,
                &mut |_| {},
            );
        }
        first
    };
    let span = Span::new(file, at, (at + 1).min(end as u32).max(at));
    out.push(
        Diagnostic::new(
            &meta::YAML_SYNTAX_ERROR,
            format!("invalid YAML: {message}"),
        )
        .at(span, "the parser stopped here")
        .help("fix the syntax; the rest of this document was skipped, other documents were still checked"),
    );
}

fn is_indentation_error(message: &str) -> bool {
    message.contains("invalid indentation")
}

/// When the byte at `at` is a `]` or `}` with only spaces before it on its line, and the line
/// before has no `#` (joining it would comment the bracket out), the offset of the newline
/// that ends the line before (of its `\r\n`, the `\r`).
fn closing_bracket_fixup(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if !matches!(bytes.get(at), Some(b']' | b'}')) {
        return None;
    }
    let line_start = bytes[..at].iter().rposition(|&c| c == b'\n')? + 1;
    if !bytes[line_start..at].iter().all(|&c| c == b' ') {
        return None;
    }
    let mut newline = line_start - 1;
    if newline > 0 && bytes[newline - 1] == b'\r' {
        newline -= 1;
    }
    let prev_start = bytes[..newline]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    if bytes[prev_start..newline].contains(&b'#') {
        return None;
    }
    Some(newline)
}

/// Replaces the line break at `at` (`\n` or `\r\n`) with spaces: same length, so byte offsets
/// after it are unchanged.
fn join_line_at(text: &mut String, at: usize) {
    let len = if text.as_bytes().get(at) == Some(&b'\r') {
        2
    } else {
        1
    };
    text.replace_range(at..at + len, &" ".repeat(len));
}

fn flow_indent_warning(file: FileId, at: u32, text: &[u8]) -> Diagnostic {
    let bracket = if text.get(at as usize) == Some(&b'}') {
        ("`}`", "flow mapping")
    } else {
        ("`]`", "flow sequence")
    };
    Diagnostic::new(
        &meta::YAML_FLOW_INDENTATION,
        format!(
            "closing {} of a {} is not indented past its parent: kubectl (go-yaml) accepts this, strict YAML 1.2 parsers reject it; indent the bracket further",
            bracket.0, bracket.1
        ),
    )
    .at(Span::new(file, at, at + 1), "at the parent's indentation")
    .help("indent the closing bracket more than the key that holds the collection, or put it at the end of the last item's line; meshlint read the document as kubectl does")
}

/// Maps with at most this many entries are checked for duplicate keys by comparing every pair
/// (no allocation, no hashing); larger maps use a hash map.
const SMALL_MAP: usize = 16;

/// Moves a closing collection's children to the document's arenas, fixes its end to its last
/// child's end and reports duplicate keys.
fn close_collection(b: &mut Builder, open: Open, out: &mut Vec<Diagnostic>) {
    let id = open.id;
    let children = if open.map {
        Children {
            start: b.pairs.len() as u32,
            len: (b.open_pairs.len() - open.mark) as u32,
        }
    } else {
        Children {
            start: b.items.len() as u32,
            len: (b.open_items.len() - open.mark) as u32,
        }
    };
    // the last child: a dangling map key (`pending`) comes after every complete entry
    let last = if open.map {
        open.pending.or(b
            .open_pairs
            .last()
            .filter(|_| children.len > 0)
            .map(|&(_, v)| v))
    } else {
        b.open_items.last().filter(|_| children.len > 0).copied()
    };
    if open.map {
        b.pairs.extend(b.open_pairs.drain(open.mark..));
        b.nodes[id as usize].kind = NodeKind::Map(children);
    } else {
        b.items.extend(b.open_items.drain(open.mark..));
        b.nodes[id as usize].kind = NodeKind::Seq(children);
    }
    if let Some(last) = last {
        let end = b.nodes[last as usize].end;
        let node = &mut b.nodes[id as usize];
        if end > node.start {
            node.end = end;
        }
    }
    if !open.map {
        return;
    }
    let entries = &b.pairs[children.range()];
    let key_text = |k: NodeId| match &b.nodes[k as usize].kind {
        NodeKind::Scalar { value, .. } => Some(b.text(*value)),
        _ => None,
    };
    // (key, first occurrence, duplicate), in the order the duplicates appear
    let mut dups: Vec<(String, NodeId, NodeId)> = Vec::new();
    if entries.len() <= SMALL_MAP {
        // when no two keys share length, first and last byte (nearly every mapping), none repeats
        if may_repeat(entries.iter().filter_map(|&(k, _)| key_text(k))) {
            for (j, &(k, _)) in entries.iter().enumerate() {
                let Some(key) = key_text(k) else { continue };
                let first = entries[..j]
                    .iter()
                    .find(|&&(f, _)| key_text(f) == Some(key))
                    .map(|&(f, _)| f);
                if let Some(first) = first {
                    dups.push((key.to_string(), first, k));
                }
            }
        }
    } else {
        let mut seen: HashMap<&str, NodeId> = HashMap::with_capacity(entries.len());
        for &(k, _) in entries {
            let Some(key) = key_text(k) else { continue };
            if let Some(&first) = seen.get(key) {
                dups.push((key.to_string(), first, k));
            } else {
                seen.insert(key, k);
            }
        }
    }
    for (key, first, dup) in dups {
        let f = &b.nodes[first as usize];
        let d = &b.nodes[dup as usize];
        out.push(
            Diagnostic::new(
                &meta::DUPLICATE_KEY,
                format!("mapping key `{key}` is defined twice"),
            )
            .at(Span::new(b.file, d.start, d.end), "defined again here")
            .related(Span::new(b.file, f.start, f.end), "first defined here")
            .help("remove one of the two; Kubernetes rejects a manifest with duplicate keys, and meshlint used the first value"),
        );
    }
}

/// Whether two of `keys` might be equal: a bit per (length, first byte, last byte) hash; `false`
/// means they all differ.
fn may_repeat<'k>(keys: impl Iterator<Item = &'k str>) -> bool {
    let mut seen = 0u64;
    for key in keys {
        let b = key.as_bytes();
        let (first, last) = (b.first().copied(), b.last().copied());
        let h = (b.len() as u64)
            .wrapping_mul(31)
            .wrapping_add(u64::from(first.unwrap_or(0)).wrapping_mul(7))
            .wrapping_add(u64::from(last.unwrap_or(0)));
        let bit = 1u64 << (h % 64);
        if seen & bit != 0 {
            return true;
        }
        seen |= bit;
    }
    false
}

fn finish_document(b: &mut Builder, start: u32, sink: &mut impl FnMut(&mut Document)) {
    if let Some(root) = b.root.take() {
        // an empty document (`---` followed by nothing) is a null scalar: nothing to keep
        let n = &b.nodes[root as usize];
        let empty = matches!(&n.kind, NodeKind::Scalar { value, style: Style::Plain, .. } if value.len == 0);
        if !empty {
            let mut doc = Document {
                file: b.file,
                nodes: std::mem::take(&mut b.nodes),
                root: Some(root),
                start,
                strings: std::mem::take(&mut b.strings),
                pairs: std::mem::take(&mut b.pairs),
                items: std::mem::take(&mut b.items),
            };
            sink(&mut doc);
            // keep the buffers for the next document (empty ones if the sink took them)
            b.nodes = doc.nodes;
            b.strings = doc.strings;
            b.pairs = doc.pairs;
            b.items = doc.items;
        }
    }
    b.reset();
}

/// A view of a node that reads through aliases.
#[derive(Clone, Copy)]
pub struct Value<'a> {
    pub doc: &'a Document,
    pub id: NodeId,
}

impl<'a> Value<'a> {
    /// Follows aliases (at most a few hops; alias cycles end as `None`).
    pub fn new(doc: &'a Document, id: NodeId) -> Option<Value<'a>> {
        let mut id = id;
        for _ in 0..16 {
            match &doc.node(id).kind {
                NodeKind::Alias(Some(t)) => id = *t,
                NodeKind::Alias(None) => return None,
                _ => return Some(Value { doc, id }),
            }
        }
        None
    }

    pub fn node(&self) -> &'a Node {
        self.doc.node(self.id)
    }

    pub fn span(&self) -> Span {
        self.doc.span(self.id)
    }

    /// The scalar's text, if this is a scalar.
    pub fn scalar(&self) -> Option<(&'a str, Style)> {
        match &self.node().kind {
            NodeKind::Scalar { value, style, .. } => Some((self.doc.text(*value), *style)),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.scalar(), Some((v, Style::Plain)) if is_null_plain(v))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.node().kind, NodeKind::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.node().kind, NodeKind::Seq(_))
    }

    /// Map entries as (key, value), with `<<` merge keys applied (own keys win).
    pub fn entries(&self) -> Vec<(Value<'a>, Value<'a>)> {
        self.entries_counted().0
    }

    /// [`Value::entries`], and the work it took (entries and merged mappings visited), so that
    /// callers can charge it to an expansion budget.
    ///
    /// Each merged mapping is expanded once per call, however often it is merged (merge keys
    /// that merge the previous level ten times, ten levels deep, would otherwise be 10^10
    /// merges), merge cycles (`&m {<<: *m}`) end, and chains of merges are followed at most
    /// [`MAX_MERGE_DEPTH`] deep (no recursion per link).
    pub fn entries_counted(&self) -> (Vec<(Value<'a>, Value<'a>)>, usize) {
        let NodeKind::Map(_) = &self.node().kind else {
            return (Vec::new(), 0);
        };
        let entries = self.doc.pairs_of(self.id);
        // merged mappings still to expand, in order, with their merge depth
        let mut queue: Vec<(Value<'a>, usize)> = Vec::new();
        let mut own = Vec::with_capacity(entries.len());
        self.split_merges(&mut own, &mut queue, 1);
        if queue.is_empty() {
            // no merge key (almost every mapping): the own entries, as written
            let work = own.len();
            return (own, work);
        }
        let mut out: Vec<(Value<'a>, Value<'a>)> = Vec::with_capacity(entries.len());
        let mut keys: HashSet<&'a str> = HashSet::new();
        let mut nonscalar_key = false;
        let mut visited: HashSet<NodeId> = HashSet::from([self.id]);
        let mut work = 0usize;
        for (k, v) in own {
            match k.scalar() {
                Some((key, _)) => {
                    keys.insert(key);
                }
                None => nonscalar_key = true,
            }
            out.push((k, v));
        }
        work += out.len() + queue.len();
        // depth-first, in document order: reverse so that `pop` takes the first merge
        queue.reverse();
        while let Some((m, depth)) = queue.pop() {
            work += 1;
            if !visited.insert(m.id) {
                continue;
            }
            let mut m_own = Vec::new();
            let mut m_merges = Vec::new();
            if depth < MAX_MERGE_DEPTH {
                m.split_merges(&mut m_own, &mut m_merges, depth + 1);
            } else {
                m.split_merges(&mut m_own, &mut Vec::new(), depth + 1);
            }
            work += m_own.len() + m_merges.len();
            for (k, v) in m_own {
                let fresh = match k.scalar() {
                    Some((key, _)) => keys.insert(key),
                    None => !std::mem::replace(&mut nonscalar_key, true),
                };
                if fresh {
                    out.push((k, v));
                }
            }
            queue.extend(m_merges.into_iter().rev());
        }
        (out, work)
    }

    /// A mapping's own entries, and the mappings its `<<` keys merge (tagged with `depth`).
    fn split_merges(
        &self,
        own: &mut Vec<(Value<'a>, Value<'a>)>,
        merges: &mut Vec<(Value<'a>, usize)>,
        depth: usize,
    ) {
        for &(k, v) in self.doc.pairs_of(self.id) {
            let (Some(k), Some(v)) = (Value::new(self.doc, k), Value::new(self.doc, v)) else {
                continue;
            };
            if matches!(k.scalar(), Some(("<<", Style::Plain))) {
                if v.is_map() {
                    merges.push((v, depth));
                } else {
                    merges.extend(
                        v.items()
                            .into_iter()
                            .filter(|i| i.is_map())
                            .map(|i| (i, depth)),
                    );
                }
                continue;
            }
            own.push((k, v));
        }
    }

    pub fn get(&self, key: &str) -> Option<Value<'a>> {
        for &(k, v) in self.doc.pairs_of(self.id) {
            if let NodeKind::Scalar { value, .. } = &self.doc.node(k).kind {
                if self.doc.text(*value) == key {
                    return Value::new(self.doc, v);
                }
            }
        }
        None
    }

    pub fn items(&self) -> Vec<Value<'a>> {
        self.doc
            .items_of(self.id)
            .iter()
            .filter_map(|&i| Value::new(self.doc, i))
            .collect()
    }

    /// A plain-text rendering of the node's type for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.node().kind {
            NodeKind::Map(_) => "a mapping",
            NodeKind::Seq(_) => "a list",
            NodeKind::Scalar { value, style, .. } => {
                match scalar_type(self.doc.text(*value), *style) {
                    ScalarType::Null => "null",
                    ScalarType::Bool => "a boolean",
                    ScalarType::Int => "a number",
                    ScalarType::Float => "a number",
                    ScalarType::Str => "a string",
                }
            }
            NodeKind::Alias(_) => "an alias",
        }
    }

    /// A canonical text form (mapping keys sorted, scalars as typed), used to compare two
    /// subtrees for equality the way Istio compares their JSON. Keys in `skip` are left out at
    /// the top level.
    pub fn canonical(&self, skip: &[&str]) -> String {
        let mut budget = CANONICAL_BUDGET;
        self.canonical_with_budget(skip, &mut budget)
    }

    /// [`Value::canonical`], visiting at most `budget` nodes (aliases are expanded, so an alias
    /// bomb under the node would otherwise be walked, and written out, in full). `budget` is
    /// decreased by the nodes visited; when it runs out, the text ends with a marker unique to
    /// this node, so a truncated form never compares equal to another node's.
    pub fn canonical_with_budget(&self, skip: &[&str], budget: &mut usize) -> String {
        self.canonical_json(skip, budget).0
    }

    /// [`Value::canonical_with_budget`], and whether the text is plain JSON: every string
    /// written as `serde_json` writes it, every other scalar `null`, `true`, `false` or a decimal
    /// integer of at most 18 digits (not `-0`), no mapping with a key twice, nothing cut off (by
    /// depth or budget). Parsing plain text with `serde_json` and writing it again gives it back
    /// unchanged, which lets callers skip that round trip.
    pub fn canonical_json(&self, skip: &[&str], budget: &mut usize) -> (String, bool) {
        let mut s = String::new();
        let mut plain = true;
        if !self.write_canonical(&mut s, skip, 0, budget, &mut plain) {
            s.push_str(&format!("\u{0}truncated#{}", self.id));
            plain = false;
        }
        (s, plain)
    }

    /// Returns `false` when the budget ran out; clears `plain` when the text is not plain JSON
    /// (see [`Value::canonical_json`]).
    fn write_canonical(
        &self,
        out: &mut String,
        skip: &[&str],
        depth: usize,
        budget: &mut usize,
        plain: &mut bool,
    ) -> bool {
        if *budget == 0 {
            return false;
        }
        *budget -= 1;
        if depth > 64 {
            *plain = false;
            return true;
        }
        match &self.node().kind {
            NodeKind::Scalar { value, style, .. } => {
                let value = self.doc.text(*value);
                match scalar_type(value, *style) {
                    ScalarType::Null => out.push_str("null"),
                    ScalarType::Str => write_json_string(out, value),
                    t => {
                        let start = out.len();
                        out.push_str(value);
                        out[start..].make_ascii_lowercase();
                        if *plain && !plain_json_scalar(t, &out[start..]) {
                            *plain = false;
                        }
                    }
                }
            }
            NodeKind::Seq(_) => {
                out.push('[');
                for (i, it) in self.items().iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if !it.write_canonical(out, &[], depth + 1, budget, plain) {
                        return false;
                    }
                }
                out.push(']');
            }
            NodeKind::Map(_) => {
                let (entries, work) = self.entries_counted();
                if *budget < work {
                    *budget = 0;
                    return false;
                }
                *budget -= work;
                let mut entries: Vec<(&str, Value)> = entries
                    .into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.scalar().map_or("", |s| s.0), v))
                    .filter(|(k, _)| !skip.contains(k))
                    .collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                if *plain && entries.windows(2).any(|w| w[0].0 == w[1].0) {
                    *plain = false;
                }
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(out, k);
                    out.push(':');
                    if !v.write_canonical(out, &[], depth + 1, budget, plain) {
                        return false;
                    }
                }
                out.push('}');
            }
            NodeKind::Alias(_) => out.push_str("null"),
        }
        true
    }
}

/// Whether a non-string scalar, as written in canonical text, reads back from JSON unchanged:
/// `true`, `false`, or a decimal integer of at most 18 digits without leading zeros (not `-0`).
fn plain_json_scalar(t: ScalarType, text: &str) -> bool {
    match t {
        ScalarType::Bool => text == "true" || text == "false",
        ScalarType::Int => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            !digits.is_empty()
                && digits.len() <= 18
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (digits == "0" || !digits.starts_with('0'))
                && text != "-0"
        }
        _ => false,
    }
}

/// Writes `s` as a JSON string exactly as `serde_json` does: `"` and `\\` escaped, control
/// characters as `\b`, `\t`, `\n`, `\f`, `\r` or `\u00xx`, everything else as is.
pub fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Nodes [`Value::canonical`] visits at most.
pub const CANONICAL_BUDGET: usize = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarType {
    Null,
    Bool,
    Int,
    Float,
    Str,
}

pub fn is_null_plain(v: &str) -> bool {
    matches!(v, "" | "~" | "null" | "Null" | "NULL")
}

/// How Kubernetes' YAML decoder (YAML 1.1 rules, as in sigs.k8s.io/yaml) types a scalar.
pub fn scalar_type(value: &str, style: Style) -> ScalarType {
    if style != Style::Plain {
        return ScalarType::Str;
    }
    if is_null_plain(value) {
        return ScalarType::Null;
    }
    if matches!(
        value,
        "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    ) {
        return ScalarType::Bool;
    }
    if parse_int(value).is_some() {
        return ScalarType::Int;
    }
    let f = value.trim_start_matches(['+', '-']);
    if matches!(f, ".inf" | ".Inf" | ".INF") || matches!(value, ".nan" | ".NaN" | ".NAN") {
        return ScalarType::Float;
    }
    if value.contains(['.', 'e', 'E'])
        && value.parse::<f64>().is_ok()
        && value.bytes().any(|c| c.is_ascii_digit())
    {
        return ScalarType::Float;
    }
    ScalarType::Str
}

/// Parses a YAML integer (decimal, `0x`, `0o`; underscores are not allowed in YAML 1.2 JSON).
pub fn parse_int(v: &str) -> Option<i64> {
    let (neg, digits) = match v.as_bytes().first()? {
        b'-' => (true, &v[1..]),
        b'+' => (false, &v[1..]),
        _ => (false, v),
    };
    if digits.is_empty() {
        return None;
    }
    let n = if let Some(h) = digits.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(o) = digits.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if digits.bytes().all(|c| c.is_ascii_digit()) {
        digits.parse::<i64>().ok()?
    } else {
        return None;
    };
    Some(if neg { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ParsedFile {
        parse_file(FileId::new(0), text, &Limits::default())
    }

    #[test]
    fn equal_keys_may_repeat() {
        assert!(may_repeat(["host", "port", "host"].into_iter()));
        assert!(may_repeat(["", "a", ""].into_iter()));
        assert!(!may_repeat(
            ["apiVersion", "kind", "metadata", "spec"].into_iter()
        ));
    }

    #[test]
    fn multi_document_stream() {
        let p = parse("a: 1\n---\nb: 2\n---\n# only a comment\n---\nc: [1, 2]\n");
        assert_eq!(p.documents.len(), 3);
        assert!(p.diagnostics.is_empty());
        let d = &p.documents[2];
        let root = Value::new(d, d.root.unwrap()).unwrap();
        assert_eq!(root.get("c").unwrap().items().len(), 2);
    }

    #[test]
    fn syntax_error_skips_only_its_document() {
        let text = "a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n";
        let p = parse(text);
        assert_eq!(p.documents.len(), 2);
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].code, "ML001");
        let span = p.diagnostics[0].span().unwrap();
        assert!(span.start as usize >= text.find("b:").unwrap());
    }

    /// A closing `]` at its parent's indentation after a quoted item: kubectl's go-yaml
    /// accepts it, saphyr-parser does not.
    const FLOW_AT_PARENT: &str = "a:\n  - b: [\n      \"x\",\n    ]\n    c: 1\n";

    #[test]
    fn closing_bracket_at_parent_indentation_is_read_like_kubectl() {
        let p = parse(FLOW_AT_PARENT);
        assert_eq!(p.documents.len(), 1);
        assert_eq!(p.diagnostics.len(), 1, "{:?}", p.diagnostics);
        let d = &p.diagnostics[0];
        assert_eq!(d.code, "ML016");
        assert_eq!(
            d.span().unwrap().start as usize,
            FLOW_AT_PARENT.find(']').unwrap()
        );
        let doc = &p.documents[0];
        let root = Value::new(doc, doc.root.unwrap()).unwrap();
        let item = root.get("a").unwrap().items()[0];
        let b = item.get("b").unwrap();
        assert_eq!(b.items().len(), 1);
        // spans still point into the original text
        let x = b.items()[0];
        let sp = x.span();
        assert_eq!(&FLOW_AT_PARENT[sp.start as usize..sp.end as usize], "\"x\"");
        let c = item.get("c").unwrap();
        assert_eq!(c.scalar().unwrap().0, "1");
        let sp = c.span();
        assert_eq!(&FLOW_AT_PARENT[sp.start as usize..sp.end as usize], "1");
    }

    #[test]
    fn several_brackets_crlf_and_other_documents() {
        let text = "k: 0\r\n---\r\na:\r\n  - b: [\r\n      \"x\",\r\n    ]\r\n    c: [\r\n      \"d\",\r\n    ]\r\n";
        let p = parse(text);
        assert_eq!(p.documents.len(), 2);
        let codes: Vec<_> = p.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["ML016", "ML016"], "{:?}", p.diagnostics);
        assert_eq!(
            p.diagnostics[1].span().unwrap().start as usize,
            text.rfind(']').unwrap()
        );
        let doc = &p.documents[1];
        let root = Value::new(doc, doc.root.unwrap()).unwrap();
        let item = root.get("a").unwrap().items()[0];
        let c = item.get("c").unwrap().items();
        assert_eq!(c[0].scalar().unwrap().0, "d");
    }

    #[test]
    fn other_indentation_errors_stay_syntax_errors() {
        // a comment on the line before: joining would comment the bracket out
        let commented = "a:\n  - b: [\n      \"x\", # the item\n    ]\n    c: 1\n";
        let p = parse(commented);
        assert_eq!(p.documents.len(), 0);
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].code, "ML001");
        // fixed up, but the document has another error later: the first error is reported,
        // and nothing of the fix-up
        let later = "a:\n  - b: [\n      \"x\",\n    ]\n    c: [1\n  d: 2\n";
        let p = parse(later);
        assert_eq!(p.documents.len(), 0);
        let codes: Vec<_> = p.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["ML001"], "{:?}", p.diagnostics);
        assert_eq!(
            p.diagnostics[0].span().unwrap().start as usize,
            later.find(']').unwrap()
        );
    }

    #[test]
    fn fixup_only_touches_a_lone_closing_bracket() {
        assert_eq!(closing_bracket_fixup("a: [\n  ]\n", 7), Some(4));
        assert_eq!(closing_bracket_fixup("a: [\r\n  ]\n", 8), Some(4));
        assert_eq!(closing_bracket_fixup("a: [\n x]\n", 7), None);
        assert_eq!(closing_bracket_fixup("a: [\n  x\n", 7), None);
        assert_eq!(closing_bracket_fixup("]", 0), None);
        let mut t = String::from("a: [\r\n  ]\n");
        join_line_at(&mut t, 4);
        assert_eq!(t, "a: [    ]\n");
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_spans() {
        let p = parse("a: 1\nb: 2\na: 3\n");
        assert_eq!(p.diagnostics.len(), 1);
        let d = &p.diagnostics[0];
        assert_eq!(d.code, "ML004");
        assert_eq!(d.span().unwrap().start, 10);
        assert_eq!(d.related[0].span.start, 0);
    }

    #[test]
    fn scalar_spans_are_exact() {
        let text = "metadata:\n  name: \"reviews\"\n";
        let p = parse(text);
        let d = &p.documents[0];
        let root = Value::new(d, d.root.unwrap()).unwrap();
        let name = root.get("metadata").unwrap().get("name").unwrap();
        let s = name.span();
        assert_eq!(&text[s.start as usize..s.end as usize], "\"reviews\"");
    }

    #[test]
    fn aliases_and_merge_keys() {
        let p = parse("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n");
        let d = &p.documents[0];
        let root = Value::new(d, d.root.unwrap()).unwrap();
        let other = root.get("other").unwrap();
        let e = other.entries();
        let keys: Vec<_> = e.iter().map(|(k, _)| k.scalar().unwrap().0).collect();
        assert_eq!(keys, vec!["y", "x"]);
        assert_eq!(e[0].1.scalar().unwrap().0, "3");
    }

    #[test]
    fn nested_merge_keys_keep_order_and_end_on_cycles() {
        let p = parse(
            "a: &a {x: 1, w: 0}\nb: &b {<<: *a, y: 2}\nc: {<<: [*b, *a], z: 3, y: 9}\nd: &d {<<: *d, k: v}\n",
        );
        let d = &p.documents[0];
        let root = Value::new(d, d.root.unwrap()).unwrap();
        let keys = |v: Value| {
            v.entries()
                .iter()
                .map(|(k, v)| format!("{}={}", k.scalar().unwrap().0, v.scalar().unwrap().0))
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(root.get("c").unwrap()), ["z=3", "y=9", "x=1", "w=0"]);
        assert_eq!(keys(root.get("d").unwrap()), ["k=v"]);
    }

    #[test]
    fn flow_nesting_past_the_scanner_limit_is_an_input_limit() {
        let text = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        let p = parse(&text);
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!(p.diagnostics[0].code, "ML005");
    }

    #[test]
    fn canonical_form_of_an_alias_bomb_is_truncated() {
        let mut text = String::from("x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n");
        for i in 1..8 {
            let items = vec![format!("*x{}", i - 1); 10].join(", ");
            text.push_str(&format!("x{i}: &x{i} [{items}]\n"));
        }
        let p = parse(&text);
        let d = &p.documents[0];
        let root = Value::new(d, d.root.unwrap()).unwrap();
        let mut budget = 1000;
        let c = root
            .get("x7")
            .unwrap()
            .canonical_with_budget(&[], &mut budget);
        assert_eq!(budget, 0);
        assert!(c.len() < 10_000);
        assert!(c.contains("truncated#"));
    }

    #[test]
    fn deep_nesting_is_a_diagnostic() {
        let text = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        let p = parse(&text);
        assert!(p.documents.is_empty());
        assert_eq!(p.diagnostics.len(), 1);
    }

    #[test]
    fn json_strings_are_written_as_serde_json_writes_them() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("é\u{2028}\u{fffd}😀 end");
        for s in [
            all.as_str(),
            "",
            "plain",
            "\"",
            "\\",
            "a\u{1}b\u{1f}c\u{7f}",
        ] {
            let mut out = String::new();
            write_json_string(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    /// Plain canonical text reads back from JSON and is written again unchanged; text that is
    /// not plain is flagged.
    #[test]
    fn plain_canonical_text_round_trips_through_json() {
        let p = parse(concat!(
            "- {uri: {prefix: /a}, port: 80, ignoreUriCase: false, n: -12, s: \"x\\ty\\u0001\\\"\"}\n",
            "- {headers: {b: {exact: \"1\"}, a: {regex: \"^x$\"}}, list: [1, true, null, ~, \"\"]}\n",
            "- {big: 1234567890123456789}\n",
            "- {f: 1.50}\n",
            "- {b: yes}\n",
            "- {h: 0x1F}\n",
            "- {z: -0}\n",
            "- {o: 007}\n",
            "- {k: 1, k: 2}\n",
            "- [a, {b: 1}]\n",
        ));
        let d = &p.documents[0];
        let root = Value::new(d, d.root.unwrap()).unwrap();
        let plain: Vec<bool> = root
            .items()
            .iter()
            .map(|v| {
                let (text, plain) = v.canonical_json(&[], &mut CANONICAL_BUDGET.clone());
                if plain {
                    let back: serde_json::Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(back.to_string(), text);
                }
                assert_eq!(text, v.canonical(&[]));
                plain
            })
            .collect();
        assert_eq!(
            plain,
            [true, true, false, false, false, false, false, false, false, true]
        );
    }

    #[test]
    fn canonical_form_ignores_key_order_and_skipped_keys() {
        let p = parse(
            "a: {name: x, uri: {prefix: /a}, port: 80}\nb: {port: 80, uri: {prefix: \"/a\"}}\n",
        );
        let d = &p.documents[0];
        let root = Value::new(d, d.root.unwrap()).unwrap();
        let a = root.get("a").unwrap().canonical(&["name"]);
        let b = root.get("b").unwrap().canonical(&["name"]);
        assert_eq!(a, b);
    }

    #[test]
    fn scalar_types_follow_kubernetes() {
        assert_eq!(scalar_type("80", Style::Plain), ScalarType::Int);
        assert_eq!(scalar_type("80", Style::DoubleQuoted), ScalarType::Str);
        assert_eq!(scalar_type("yes", Style::Plain), ScalarType::Bool);
        assert_eq!(scalar_type("1.5", Style::Plain), ScalarType::Float);
        assert_eq!(scalar_type("v1", Style::Plain), ScalarType::Str);
        assert_eq!(scalar_type("~", Style::Plain), ScalarType::Null);
    }
}
