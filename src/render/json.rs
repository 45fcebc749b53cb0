//! The JSON contract (version 1): see README "JSON output".
//!
//! Written by hand, byte for byte what `serde_json::to_writer_pretty` wrote for the borrowed
//! structs this module used to serialize (two-space indentation, fields in alphabetical order
//! as `serde_json::Map` sorted them, serde_json's string escaping); `tests` below keeps the two
//! equal. Findings are written in batches: each batch is split between the threads of the pool,
//! every thread writes its share into a buffer of its own, and the buffers are written out in
//! order. The report is never held in memory as a whole (it is hundreds of megabytes for a very
//! large input), only one batch of it.

use super::{locate, RenderOptions};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::Report;
use crate::source::Span;
use rayon::prelude::*;

/// Findings written per batch (about two megabytes of JSON).
const BATCH: usize = 2048;
/// Findings one thread writes into one buffer.
const CHUNK: usize = 256;

/// Appends `s` as a JSON string, escaped as serde_json escapes it: `"`, `\` and the control
/// characters (`\b \t \n \f \r` by name, the others as `\u00xx`); everything else as is.
fn string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    // most texts need no escape: skip eight bytes at a time up to the first word that might
    let plain = bytes
        .chunks_exact(8)
        .take_while(|w| {
            !may_need_escape(u64::from_le_bytes([
                w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7],
            ]))
        })
        .count()
        * 8;
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate().skip(plain) {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Whether one of the eight bytes of `w` is a control character, `"` or `\\` (exact: the
/// word-at-a-time tests for a zero byte and for a byte below 0x20 have no false positives).
fn may_need_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    let quote = zero_byte(w ^ (ONES * u64::from(b'"')));
    let backslash = zero_byte(w ^ (ONES * u64::from(b'\\')));
    control | quote | backslash != 0
}

fn opt_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn number(out: &mut Vec<u8>, n: usize) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// A newline and `level` indentation steps of two spaces.
fn newline(out: &mut Vec<u8>, level: usize) {
    out.push(b'\n');
    out.extend(std::iter::repeat_n(b' ', 2 * level));
}

/// `"key": ` after a newline at `level` (with the comma ending the previous field unless
/// `first`).
fn key(out: &mut Vec<u8>, level: usize, name: &str, first: bool) {
    if !first {
        out.push(b',');
    }
    newline(out, level);
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// A location object whose fields are at `level`.
fn location(out: &mut Vec<u8>, report: &Report, span: Span, level: usize) {
    let l = locate(&report.sources, span);
    out.push(b'{');
    key(out, level, "column", true);
    number(out, l.column);
    key(out, level, "end_column", false);
    number(out, l.end_column);
    key(out, level, "end_line", false);
    number(out, l.end_line);
    key(out, level, "file", false);
    string(out, l.file);
    key(out, level, "line", false);
    number(out, l.line);
    newline(out, level - 1);
    out.push(b'}');
}

/// One finding, as an element of the `diagnostics` array (its fields at level 3).
fn item(out: &mut Vec<u8>, report: &Report, d: &Diagnostic) {
    const L: usize = 3;
    out.push(b'{');
    key(out, L, "code", true);
    string(out, d.code);
    if let Some(env) = d.environment.as_deref() {
        key(out, L, "environment", false);
        string(out, env);
    }
    if let Some(c) = &d.gateway_api {
        key(out, L, "gateway_api", false);
        out.push(b'{');
        key(out, L + 1, "reason", true);
        string(out, c.reason);
        key(out, L + 1, "scope", false);
        string(out, &c.scope);
        key(out, L + 1, "type", false);
        string(out, c.type_);
        newline(out, L);
        out.push(b'}');
    }
    key(out, L, "help", false);
    opt_string(out, d.help.as_deref());
    key(out, L, "location", false);
    match d.span() {
        Some(s) => location(out, report, s, L + 1),
        None => out.extend_from_slice(b"null"),
    }
    key(out, L, "message", false);
    string(out, &d.message);
    key(out, L, "related", false);
    out.push(b'[');
    for (i, l) in d.related.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        newline(out, L + 1);
        out.push(b'{');
        key(out, L + 2, "location", true);
        location(out, report, l.span, L + 3);
        key(out, L + 2, "message", false);
        string(out, &l.message);
        newline(out, L + 1);
        out.push(b'}');
    }
    if !d.related.is_empty() {
        newline(out, L);
    }
    out.push(b']');
    key(out, L, "resource", false);
    match &d.resource {
        Some(r) => {
            out.push(b'{');
            key(out, L + 1, "kind", true);
            string(out, &r.kind);
            key(out, L + 1, "name", false);
            string(out, &r.name);
            key(out, L + 1, "namespace", false);
            opt_string(out, r.namespace.as_deref());
            newline(out, L);
            out.push(b'}');
        }
        None => out.extend_from_slice(b"null"),
    }
    key(out, L, "rule", false);
    string(out, d.rule);
    key(out, L, "severity", false);
    string(out, d.severity.as_str());
    newline(out, L - 1);
    out.push(b'}');
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    // writing into a Vec cannot fail
    let _ = write(report, opts, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`render`] straight into `out`, one batch of findings at a time.
pub fn write(
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let shown: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= opts.output_threshold)
        .collect();
    let mut head = Vec::new();
    head.extend_from_slice(b"{");
    key(&mut head, 1, "diagnostics", true);
    head.push(b'[');
    out.write_all(&head)?;
    let mut first = true;
    for batch in shown.chunks(BATCH) {
        let parts: Vec<Vec<u8>> = batch
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut buf = Vec::with_capacity(chunk.len() * 1024);
                for (i, d) in chunk.iter().enumerate() {
                    if !(first && c == 0 && i == 0) {
                        buf.push(b',');
                    }
                    newline(&mut buf, 2);
                    item(&mut buf, report, d);
                }
                buf
            })
            .collect();
        first = false;
        for p in parts {
            out.write_all(&p)?;
        }
    }
    let mut tail = Vec::new();
    if !shown.is_empty() {
        newline(&mut tail, 1);
    }
    tail.push(b']');
    key(&mut tail, 1, "summary", false);
    tail.push(b'{');
    for (i, (name, n)) in [
        ("errors", report.count(Severity::Error)),
        ("files", report.files),
        ("infos", report.count(Severity::Info)),
        ("resources", report.resources),
        ("warnings", report.count(Severity::Warning)),
    ]
    .into_iter()
    .enumerate()
    {
        key(&mut tail, 2, name, i == 0);
        number(&mut tail, n);
    }
    newline(&mut tail, 1);
    tail.push(b'}');
    key(&mut tail, 1, "version", false);
    tail.push(b'1');
    newline(&mut tail, 0);
    tail.push(b'}');
    tail.push(b'\n');
    out.write_all(&tail)
}

#[cfg(test)]
mod tests {
    //! The writer above against the serde_json version it replaced (kept here as the reference).
    use super::super::{locate, RenderOptions};
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

    fn write_serde(
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

    fn reference(report: &Report, opts: &RenderOptions) -> String {
        let mut out = Vec::new();
        write_serde(report, opts, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn opts(threshold: Severity) -> RenderOptions {
        RenderOptions {
            output_threshold: threshold,
            ..RenderOptions::default()
        }
    }

    fn report(diagnostics: Vec<Diagnostic>) -> Report {
        use crate::source::{SourceDb, SourceFile};
        let mut sources = SourceDb::new();
        sources.add(SourceFile::new(
            "a \"b\".yaml",
            "kind: X\nname: é\t\u{1}\nmore: 1\n",
        ));
        sources.add(SourceFile::new("second.yaml", "x: 1\n"));
        Report {
            sources,
            origins: Vec::new(),
            diagnostics,
            files: 2,
            resources: 3,
            timings: Default::default(),
        }
    }

    #[test]
    fn strings_escaped_as_serde_json_escapes_them() {
        let specials = ['"', '\\', '\n', '\u{0}', '\u{1f}', '\u{7f}', 'é', ' ', '~'];
        for len in 0..20 {
            for at in 0..len {
                for c in specials {
                    let mut s: String = "abcdefghijklmnopqrstuvwxyz"[..len].to_string();
                    s.insert(at, c);
                    let mut out = Vec::new();
                    super::string(&mut out, &s);
                    assert_eq!(
                        String::from_utf8(out).unwrap(),
                        serde_json::to_string(&s).unwrap()
                    );
                }
            }
        }
    }

    #[test]
    fn same_bytes_as_serde_json() {
        use crate::diagnostics::catalogue as meta;
        use crate::diagnostics::ObjectRef;
        use crate::source::FileId;
        let (a, b) = (FileId::new(0), FileId::new(1));
        let odd = "quote \" backslash \\ nl \n cr \r tab \t bs \u{8} ff \u{c} nul \u{0} us \u{1f} del \u{7f} é ✓ 😀";
        let mut diags = vec![
            Diagnostic::new(&meta::NOT_A_RESOURCE, "no location, no help"),
            Diagnostic::new(&meta::UNKNOWN_FIELD, odd)
                .at(Span::new(a, 0, 4), "label")
                .help(odd.to_string())
                .related(Span::new(a, 14, 16), "first")
                .related(Span::new(b, 0, 5), odd.to_string())
                .resource(Some(&ObjectRef::new("VirtualService", Some("ns"), "vs"))),
            Diagnostic::new(&meta::DUPLICATE_OBJECT, "cluster scoped")
                .at(Span::new(a, 8, 30), "")
                .resource(Some(&ObjectRef::new("Gateway", None, "gw")))
                .condition(
                    "Accepted",
                    "NotAllowedByListeners",
                    "parent:istio-system/gw/http",
                ),
        ];
        let mut env = Diagnostic::new(&meta::UNREADABLE_INPUT, "in two environments")
            .at(Span::new(b, 2, 2), "");
        env.environment = Some("dev, prod".into());
        diags.push(env);
        let empty = report(Vec::new());
        for t in [Severity::Info, Severity::Error] {
            assert_eq!(super::render(&empty, &opts(t)), reference(&empty, &opts(t)));
        }
        // several batches and chunks, every kind of finding in each
        let many: Vec<Diagnostic> = (0..super::BATCH + 3 * super::CHUNK + 5)
            .map(|i| diags[i % diags.len()].clone())
            .collect();
        for r in [report(diags), report(many)] {
            for t in [Severity::Info, Severity::Warning, Severity::Error] {
                let got = super::render(&r, &opts(t));
                assert_eq!(got, reference(&r, &opts(t)));
            }
        }
    }
}
