//! Renderers: turn a [`Report`] into text. They never decide what is reported.

pub mod compact;
pub mod github;
pub mod gitlab;
pub mod istioctl;
// the Istio message catalogue moved below the rules (they fill its templates); the old paths stay
pub use crate::diagnostics::{istio_catalog, istio_messages};
pub mod json;
pub mod junit;
pub mod pretty;
pub mod sarif;

use crate::diagnostics::Severity;
use crate::engine::Report;
use crate::source::{SourceDb, Span};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Pretty,
    Compact,
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF consumers)
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality report
    Gitlab,
    /// JUnit XML
    Junit,
    /// istioctl analyze's log lines: `Error [IST0101] (Kind ns/name file:line) message`
    Istioctl,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pretty => "pretty",
            Format::Compact => "compact",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Junit => "junit",
            Format::Istioctl => "istioctl",
        }
    }
}

/// Rendering options.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub color: bool,
    /// Terminal width for wrapping (pretty).
    pub width: usize,
    /// Only diagnostics at or above this severity are printed.
    pub output_threshold: Severity,
    /// The absolute working directory the paths in the report are relative to (SARIF turns
    /// absolute paths under it into relative URIs). `None`: paths are used as given.
    pub base_dir: Option<String>,
    /// SARIF: make artifact URIs relative to this absolute directory instead of `base_dir`.
    pub sarif_root: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
            output_threshold: Severity::Info,
            base_dir: None,
            sarif_root: None,
        }
    }
}

pub fn render(report: &Report, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Pretty => pretty::render(report, opts),
        Format::Compact => compact::render(report, opts),
        Format::Json => json::render(report, opts),
        Format::Sarif => sarif::render(report, opts),
        Format::Github => github::render(report, opts),
        Format::Gitlab => gitlab::render(report, opts),
        Format::Junit => junit::render(report, opts),
        Format::Istioctl => istioctl::render(report, opts),
    }
}

/// Writes the report to `out`: JSON is streamed, the other formats are rendered first.
pub fn render_to(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(report, opts, out),
        _ => out.write_all(render(report, format, opts).as_bytes()),
    }
}

/// The diagnostics that are printed (at or above the output threshold).
pub fn shown<'r>(
    report: &'r Report,
    opts: &RenderOptions,
) -> impl Iterator<Item = &'r crate::diagnostics::Diagnostic> + use<'r> {
    let threshold = opts.output_threshold;
    report
        .diagnostics
        .iter()
        .filter(move |d| d.severity >= threshold)
}

/// The YAML path of a finding's primary position (`spec.http[0].route[0].destination.subset`),
/// or `""` when it has none. `docs` caches the parsed files.
fn field_path(
    report: &Report,
    d: &crate::diagnostics::Diagnostic,
    docs: &mut HashMap<crate::source::FileId, Vec<crate::yaml::Document>>,
) -> String {
    let Some(span) = d.span() else {
        return String::new();
    };
    let parsed = docs.entry(span.file).or_insert_with(|| {
        let text = &report.sources.get(span.file).text;
        crate::yaml::parse_file(span.file, text, &crate::yaml::Limits::default()).documents
    });
    parsed
        .iter()
        .find_map(|doc| crate::yaml::path::path_at(doc, span.start))
        .map(|(p, key)| {
            let mut s = crate::yaml::path::display(&p);
            if key {
                s.push_str(" (key)");
            }
            s
        })
        .unwrap_or_default()
}

/// A stable fingerprint of a finding that survives moving the object to another line or file:
/// FNV-1a (64 bit) over the code and rule, the object's identity (kind, namespace, name), the
/// YAML path of the primary position and the message (whitespace collapsed); never a file name
/// or a line number. `occurrence` tells identical findings apart.
pub fn fingerprint(d: &crate::diagnostics::Diagnostic, path: &str, occurrence: usize) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |s: &str| {
        for b in s.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(d.code);
    feed(d.rule);
    feed(
        &d.resource
            .as_ref()
            .map(|r| r.to_string())
            .unwrap_or_default(),
    );
    feed(path);
    feed(&d.message.split_whitespace().collect::<Vec<_>>().join(" "));
    feed(d.environment.as_deref().unwrap_or(""));
    feed(&occurrence.to_string());
    format!("{h:016x}")
}

/// Fingerprints (and field paths) of the given diagnostics, in order; identical findings get
/// distinct ones.
pub fn fingerprints_of<'d>(
    report: &Report,
    diags: impl Iterator<Item = &'d crate::diagnostics::Diagnostic>,
) -> Vec<(String, String)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut docs = HashMap::new();
    diags
        .map(|d| {
            let path = field_path(report, d, &mut docs);
            let base = fingerprint(d, &path, 0);
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            let fp = if *n == 1 {
                base
            } else {
                fingerprint(d, &path, *n - 1)
            };
            (fp, path)
        })
        .collect()
}

/// Fingerprints of the shown diagnostics, in order; identical findings get distinct ones.
pub fn fingerprints(report: &Report, opts: &RenderOptions) -> Vec<String> {
    fingerprints_of(report, shown(report, opts))
        .into_iter()
        .map(|(f, _)| f)
        .collect()
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
