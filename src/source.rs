//! Source files, byte spans and line/column computation.
//!
//! Everything upstream of rendering works with byte ranges ([`Span`]); line and column numbers
//! are computed only when a diagnostic is rendered, from a [`LineIndex`] over the file's text.

use std::sync::Arc;

/// Index of a file in a [`SourceDb`]. Stored plus one, in a `NonZeroU32`: `Option<Span>` and
/// `Option<Spanned<i64>>` then need no tag of their own (the model holds many of them).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(std::num::NonZeroU32);

impl Default for FileId {
    /// The first file.
    fn default() -> FileId {
        FileId(std::num::NonZeroU32::MIN)
    }
}

impl FileId {
    /// The file at `index` (`u32::MAX`, for findings in inputs that are not files, and
    /// `u32::MAX - 1` are the same id).
    pub const fn new(index: u32) -> FileId {
        match std::num::NonZeroU32::new(index.saturating_add(1)) {
            Some(n) => FileId(n),
            None => FileId(std::num::NonZeroU32::MAX),
        }
    }

    pub const fn index(self) -> usize {
        (self.0.get() - 1) as usize
    }
}

impl std::fmt::Debug for FileId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileId({})", self.index())
    }
}

/// A byte range `start..end` in one file (`Default`: empty, at the start of file 0).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: u32, end: u32) -> Span {
        Span {
            file,
            start,
            end: end.max(start),
        }
    }

    pub fn len(&self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both (same file assumed; otherwise `self`).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span::new(
            self.file,
            self.start.min(other.start),
            self.end.max(other.end),
        )
    }
}

/// The model's strings: up to 24 bytes (most names, namespaces, label keys and values) are
/// stored inline, without an allocation of their own.
pub type Str = compact_str::CompactString;

/// A value together with the span of the YAML node it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl Spanned<Str> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// One-based line and column (column counted in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Byte offsets of line starts, for offset → line/column conversion.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i as u32 + 1));
        LineIndex { starts }
    }

    /// Zero-based line containing `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> u32 {
        self.starts.get(line).copied().unwrap_or(0)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// One-based line and character column of a byte offset in `text`.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = clamp_to_char_boundary(text, offset as usize) as u32;
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let column = text
            .get(start..offset as usize)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }
}

fn clamp_to_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Reads one input's bytes. The CLI gives one per file on disk; the loader calls it to read the
/// file and, for files whose text was not kept, [`SourceDb::restore`] calls it again.
pub type ReadFn = Arc<dyn Fn() -> Result<Vec<u8>, String> + Send + Sync>;

/// How to get back a text that was dropped after loading, and what it must be.
struct Reload {
    read: ReadFn,
    len: usize,
    hash: u64,
}

/// A fast non-cryptographic hash of a text, to notice a file that changed between the read that
/// checked it and the read that shows its findings.
pub fn fingerprint(text: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut h = bytes.len() as u64;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = mix(h, u64::from_le_bytes(w));
    }
    let mut w = [0u8; 8];
    w[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    mix(h, u64::from_le_bytes(w))
}

/// Decodes a file's bytes as the loader does: UTF-8, a byte order mark dropped.
pub fn decode(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    let text = String::from_utf8(bytes)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// A loaded file: its path as given, its text and a line index (built on first use: only the
/// renderers need it, and only for files with findings).
///
/// The text of a file read through a [`ReadFn`] may be dropped once the file is modelled
/// ([`SourceFile::unloaded`]): a large run then never holds all texts and the whole model at
/// the same time. [`SourceDb::restore`] reads back the files that findings point into.
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    lines: std::sync::OnceLock<LineIndex>,
    reload: Option<Reload>,
}

impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("path", &self.path)
            .field("text", &self.text)
            .field("unloaded", &self.reload.is_some())
            .finish()
    }
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
            lines: std::sync::OnceLock::new(),
            reload: None,
        }
    }

    /// A file whose text (`text`, as loaded) is not kept: `read` gets it back.
    pub fn unloaded(path: impl Into<String>, text: &str, read: ReadFn) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: Arc::from(""),
            lines: std::sync::OnceLock::new(),
            reload: Some(Reload {
                read,
                len: text.len(),
                hash: fingerprint(text),
            }),
        }
    }

    /// The length of the text as loaded (also while it is dropped).
    pub fn len(&self) -> usize {
        self.reload.as_ref().map_or(self.text.len(), |r| r.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the text was dropped and not read back yet.
    pub fn is_unloaded(&self) -> bool {
        self.reload.is_some()
    }

    /// Reads back a dropped text. An error says why the text shown is not the one checked (the
    /// file changed or cannot be read any more): the new text, if any, is kept anyway.
    fn restore(&mut self) -> Result<(), String> {
        let Some(reload) = self.reload.take() else {
            return Ok(());
        };
        let text =
            (reload.read)().and_then(|b| decode(b).map_err(|_| "it is not UTF-8 now".into()));
        match text {
            Ok(t) if t.len() == reload.len && fingerprint(&t) == reload.hash => {
                self.text = t.into();
                Ok(())
            }
            Ok(t) => {
                self.text = t.into();
                Err("it changed".to_string())
            }
            Err(e) => Err(format!("it cannot be read again: {e}")),
        }
    }

    /// The line index, built on first use.
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        self.lines().line_col(&self.text, offset)
    }

    /// The text of a span, clamped to the file.
    pub fn slice(&self, span: Span) -> &str {
        let s = clamp_to_char_boundary(&self.text, span.start as usize);
        let e = clamp_to_char_boundary(&self.text, span.end as usize).max(s);
        &self.text[s..e]
    }
}

/// All files of one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    pub fn new() -> SourceDb {
        SourceDb::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId::new(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Reads back the dropped texts of `files` (in parallel). Returns the files whose text
    /// could not be read back as it was checked, with the reason.
    pub fn restore(&mut self, files: &std::collections::HashSet<FileId>) -> Vec<(FileId, String)> {
        use rayon::prelude::*;
        self.files
            .par_iter_mut()
            .enumerate()
            .filter(|(i, f)| f.reload.is_some() && files.contains(&FileId::new(*i as u32)))
            .filter_map(|(i, f)| f.restore().err().map(|e| (FileId::new(i as u32), e)))
            .collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId::new(i as u32), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a.yaml", "k: é\nb: x\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        // `x` is at byte 9 (é is two bytes), character column 4 of line 2.
        assert_eq!(f.line_col(9), LineCol { line: 2, column: 4 });
        // an offset inside a multi-byte character snaps back to its start
        assert_eq!(f.line_col(4), LineCol { line: 1, column: 4 });
    }

    #[test]
    fn a_same_length_edit_is_noticed_when_reading_back() {
        let read =
            |text: &'static str| -> ReadFn { Arc::new(move || Ok(text.as_bytes().to_vec())) };
        let loaded = "host: reviews\nsubset: v1\n";
        let mut same = SourceFile::unloaded("a.yaml", loaded, read(loaded));
        assert!(same.is_unloaded() && same.len() == loaded.len() && same.text.is_empty());
        assert_eq!(same.restore(), Ok(()));
        assert_eq!(&*same.text, loaded);
        assert!(!same.is_unloaded());
        let mut edited =
            SourceFile::unloaded("a.yaml", loaded, read("host: reviews\nsubset: v2\n"));
        assert_eq!(edited.restore(), Err("it changed".to_string()));
        assert_eq!(&*edited.text, "host: reviews\nsubset: v2\n");
        let mut gone = SourceFile::unloaded("a.yaml", loaded, Arc::new(|| Err("gone".to_string())));
        assert_eq!(
            gone.restore(),
            Err("it cannot be read again: gone".to_string())
        );
        assert!(gone.text.is_empty());
    }

    #[test]
    fn span_to_covers_both() {
        let a = Span::new(FileId::new(0), 5, 7);
        let b = Span::new(FileId::new(0), 2, 4);
        assert_eq!(a.to(b), Span::new(FileId::new(0), 2, 7));
    }
}

/// What an input is for (set by the CLI, read by the engine and the index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub enum Role {
    /// What every Istio installation has (the index's table of Istio defaults): resolves
    /// references, is never reported on and is no evidence of anything.
    Builtin,
    /// `--context`: objects used only to resolve references; never reported on, replaced by a
    /// checked copy of the same object, and evidence of what a namespace holds.
    Context,
    /// Analysed and reported on.
    #[default]
    Checked,
}

/// Where a file came from: its role, and whether it was named on the command line (or read
/// from stdin or memory) rather than found by walking a directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    pub role: Role,
    pub named: bool,
    /// The file's directory as given (`a/b` for `a/b/c.yaml`; empty for a bare name).
    pub dir: String,
}

impl Origin {
    pub fn new(role: Role, named: bool, path: &str) -> Origin {
        let dir = std::path::Path::new(path)
            .parent()
            .map(|p| p.to_string_lossy().trim_start_matches("./").to_string())
            .unwrap_or_default();
        Origin { role, named, dir }
    }
}
