//! Source files, byte spans and line/column computation.
//!
//! Everything upstream of rendering works with byte ranges ([`Span`]); line and column numbers
//! are computed only when a diagnostic is rendered, from a [`LineIndex`] over the file's text.

use std::sync::Arc;

/// Index of a file in a [`SourceDb`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

/// A loaded file: its path as given, its text and a line index (built on first use: only the
/// renderers need it, and only for files with findings).
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    lines: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
            lines: std::sync::OnceLock::new(),
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
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
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
    fn span_to_covers_both() {
        let a = Span::new(FileId(0), 5, 7);
        let b = Span::new(FileId(0), 2, 4);
        assert_eq!(a.to(b), Span::new(FileId(0), 2, 7));
    }
}
