//! miette graphical reports: snippet, primary and secondary labels (also in other files), help,
//! then a summary line.

use super::{summary_line, RenderOptions};
use crate::diagnostics::{Diagnostic, Label, Severity};
use crate::engine::Report;
use crate::source::FileId;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;
use std::sync::Arc;

/// A miette view of one group of labels in one file.
#[derive(Debug)]
struct View {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<View>,
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View {}

impl miette::Diagnostic for View {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c.clone()) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|c| Box::new(c.clone()) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|v| v as &dyn miette::Diagnostic),
        ))
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn source(report: &Report, file: FileId) -> Option<NamedSource<Arc<str>>> {
    let f = report.sources.get(file);
    if f.text.is_empty() {
        return None;
    }
    Some(NamedSource::new(&f.path, f.text.clone()))
}

fn labeled(report: &Report, l: &Label, primary: bool) -> LabeledSpan {
    let f = report.sources.get(l.span.file);
    let len = f.text.len() as u32;
    let start = l.span.start.min(len) as usize;
    let end = l.span.end.min(len).max(l.span.start.min(len)) as usize;
    let text = (!l.message.is_empty()).then(|| l.message.to_string());
    let span = SourceSpan::new(start.into(), end - start);
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

fn view(report: &Report, d: &Diagnostic) -> View {
    let mut labels = Vec::new();
    let mut related = Vec::new();
    let file = d.primary.as_ref().map(|p| p.span.file);
    if let Some(p) = &d.primary {
        labels.push(labeled(report, p, true));
    }
    let line_of = |sp: crate::source::Span| {
        let f = report.sources.get(sp.file);
        f.lines().line_of(sp.start)
    };
    let primary_line = d.primary.as_ref().map(|p| line_of(p.span));
    for r in &d.related {
        // labels near the primary share its snippet; distant ones get their own
        let near = primary_line.is_some_and(|pl| pl.abs_diff(line_of(r.span)) <= 6);
        if Some(r.span.file) == file && near {
            labels.push(labeled(report, r, false));
        } else {
            related.push(View {
                message: r.message.to_string(),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: source(report, r.span.file),
                labels: vec![labeled(
                    report,
                    &Label {
                        span: r.span,
                        message: "defined here".into(),
                    },
                    true,
                )],
                related: Vec::new(),
            });
        }
    }
    let mut code = match &d.resource {
        Some(r) => format!("{} {}: {r}", d.code, d.rule),
        None => format!("{} {}", d.code, d.rule),
    };
    if let Some(env) = &d.environment {
        code.push_str(&format!(" · environment {env}"));
    }
    let mut message = d.message.clone();
    if let Some(c) = &d.gateway_api {
        // what istiod would write into the object's status
        let status = if matches!(c.type_, "Conflicted" | "OverlappingTLSConfig") {
            "True"
        } else {
            "False"
        };
        message.push_str(&format!(
            "\n  status istiod would write: {}={status} ({}) at {}",
            c.type_, c.reason, c.scope
        ));
    }
    View {
        message,
        code: Some(code),
        severity: miette_severity(d.severity),
        help: d.help.as_deref().map(str::to_string),
        source: file.and_then(|f| source(report, f)),
        labels,
        related,
    }
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false)
        .with_urls(false)
        .with_show_related_as_nested(true);
    let mut out = String::new();
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= opts.output_threshold)
    {
        let v = view(report, d);
        if handler.render_report(&mut out, &v).is_err() {
            out.push_str(&format!("{}: {}\n", d.code, d.message));
        }
        out.push('\n');
    }
    out.push_str(&summary_line(report, opts));
    out.push('\n');
    out
}
