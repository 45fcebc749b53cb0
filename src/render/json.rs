//! The JSON contract (version 1): see README "JSON output".
//!
//! Serialized straight from borrowed structs (no `serde_json::Value` tree: a report with
//! 100 000 diagnostics would otherwise hold several times its output size in small maps).
//! Field order is alphabetical, as `serde_json::Map` (a `BTreeMap`) used to sort it, so the
//! output is byte-identical to the `json!` version.

use super::{locate, RenderOptions};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::Report;
use crate::source::Span;
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;

#[derive(Serialize)]
struct Location<'a> {
    column: usize,
    end_column: usize,
    end_line: usize,
    file: &'a str,
    line: usize,
}

fn location(report: &Report, span: Span) -> Location<'_> {
    let l = locate(&report.sources, span);
    Location {
        column: l.column,
        end_column: l.end_column,
        end_line: l.end_line,
        file: l.file,
        line: l.line,
    }
}

#[derive(Serialize)]
struct Resource<'a> {
    kind: &'a str,
    name: &'a str,
    namespace: Option<&'a str>,
}

#[derive(Serialize)]
struct Condition<'a> {
    reason: &'a str,
    scope: &'a str,
    #[serde(rename = "type")]
    type_: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    location: Location<'a>,
    message: &'a str,
}

#[derive(Serialize)]
struct Item<'a> {
    code: &'a str,
    /// Only when the input is several environments.
    #[serde(skip_serializing_if = "Option::is_none")]
    environment: Option<&'a str>,
    /// Only for findings that stand for a Gateway API status condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    gateway_api: Option<Condition<'a>>,
    help: Option<&'a str>,
    location: Option<Location<'a>>,
    message: &'a str,
    related: RelatedList<'a>,
    resource: Option<Resource<'a>>,
    rule: &'a str,
    severity: &'a str,
}

/// The related labels, located while serializing.
struct RelatedList<'a>(&'a Report, &'a Diagnostic);

impl Serialize for RelatedList<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.related.len()))?;
        for l in &self.1.related {
            seq.serialize_element(&Related {
                location: location(self.0, l.span),
                message: &l.message,
            })?;
        }
        seq.end()
    }
}

/// The shown diagnostics, built one at a time while serializing.
struct Diagnostics<'a>(&'a Report, &'a RenderOptions);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (report, opts) = (self.0, self.1);
        let mut seq = s.serialize_seq(None)?;
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.severity >= opts.output_threshold)
        {
            seq.serialize_element(&Item {
                code: d.code,
                environment: d.environment.as_deref(),
                gateway_api: d.gateway_api.as_ref().map(|c| Condition {
                    reason: c.reason,
                    scope: &c.scope,
                    type_: c.type_,
                }),
                help: d.help.as_deref(),
                location: d.span().map(|s| location(report, s)),
                message: &d.message,
                related: RelatedList(report, d),
                resource: d.resource.as_ref().map(|r| Resource {
                    kind: &r.kind,
                    name: &r.name,
                    namespace: r.namespace.as_deref(),
                }),
                rule: d.rule,
                severity: d.severity.as_str(),
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    files: usize,
    infos: usize,
    resources: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct Doc<'a> {
    diagnostics: Diagnostics<'a>,
    summary: Summary,
    version: u32,
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    // writing into a Vec cannot fail
    let _ = write(report, opts, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`render`] straight into `out`, without holding the report text in memory (it is hundreds of
/// megabytes for a very large input).
pub fn write(
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let doc = Doc {
        diagnostics: Diagnostics(report, opts),
        summary: Summary {
            errors: report.count(Severity::Error),
            files: report.files,
            infos: report.count(Severity::Info),
            resources: report.resources,
            warnings: report.count(Severity::Warning),
        },
        version: 1,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
