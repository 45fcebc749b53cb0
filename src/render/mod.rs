//! Renderers: turn a [`Report`] into text. They never decide what is reported.

pub mod compact;
pub mod json;
pub mod pretty;

use crate::diagnostics::Severity;
use crate::engine::Report;
use crate::source::{SourceDb, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Pretty,
    Compact,
    Json,
}

/// Rendering options.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub color: bool,
    /// Terminal width for wrapping (pretty).
    pub width: usize,
    /// Only diagnostics at or above this severity are printed.
    pub output_threshold: Severity,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
            output_threshold: Severity::Info,
        }
    }
}

pub fn render(report: &Report, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Pretty => pretty::render(report, opts),
        Format::Compact => compact::render(report, opts),
        Format::Json => json::render(report, opts),
    }
}

/// A resolved location: path, 1-based start and end line/column.
pub struct Location<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

pub fn locate(sources: &SourceDb, span: Span) -> Location<'_> {
    let f = sources.get(span.file);
    let s = f.line_col(span.start);
    let e = f.line_col(span.end);
    Location {
        file: &f.path,
        line: s.line,
        column: s.column,
        end_line: e.line,
        end_column: e.column,
    }
}

/// "2 errors, 1 warning in 5 files, 23 resources"
pub fn summary_line(report: &Report, opts: &RenderOptions) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let counts: Vec<String> = [
        (Severity::Error, "error"),
        (Severity::Warning, "warning"),
        (Severity::Info, "info"),
    ]
    .iter()
    .filter(|(s, _)| *s >= opts.output_threshold)
    .map(|(s, w)| (report.count(*s), *w))
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| {
        if w == "info" {
            format!("{n} info")
        } else {
            plural(n, w)
        }
    })
    .collect();
    let what = if counts.is_empty() {
        "no problems".to_string()
    } else {
        counts.join(", ")
    };
    format!(
        "{what} in {}, {}",
        plural(report.files, "file"),
        plural(report.resources, "resource")
    )
}
