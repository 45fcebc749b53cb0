//! The JSON contract (version 1): see README "JSON output".

use super::{locate, RenderOptions};
use crate::diagnostics::Severity;
use crate::engine::Report;
use crate::source::Span;
use serde_json::{json, Value};

fn location(report: &Report, span: Span) -> Value {
    let l = locate(&report.sources, span);
    json!({
        "file": l.file,
        "line": l.line,
        "column": l.column,
        "end_line": l.end_line,
        "end_column": l.end_column,
    })
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= opts.output_threshold)
        .map(|d| {
            json!({
                "code": d.code,
                "rule": d.rule,
                "severity": d.severity.as_str(),
                "message": d.message,
                "help": d.help,
                "resource": d.resource.as_ref().map(|r| json!({
                    "kind": r.kind,
                    "namespace": r.namespace,
                    "name": r.name,
                })),
                "location": d.span().map(|s| location(report, s)),
                "related": d.related.iter().map(|l| json!({
                    "message": l.message,
                    "location": location(report, l.span),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "version": 1,
        "diagnostics": diagnostics,
        "summary": {
            "files": report.files,
            "resources": report.resources,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "infos": report.count(Severity::Info),
        }
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
