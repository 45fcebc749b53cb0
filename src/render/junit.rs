//! JUnit XML: one `<testsuite>` per checked file; one `<testcase>` per finding (with a
//! `<failure>` for errors and warnings), and one passing test case for a file without findings,
//! so CI dashboards list every file that was checked.

use super::{locate, shown, RenderOptions};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::Report;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Escapes text and attribute values; drops characters XML 1.0 cannot carry.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Text content: like [`escape`] but newlines stay newlines.
fn escape_text(s: &str) -> String {
    escape(s).replace("&#10;", "\n")
}

fn case(out: &mut String, report: &Report, file: &str, d: &Diagnostic) {
    let (at, line) = match d.span() {
        Some(span) => {
            let l = locate(&report.sources, span);
            (format!("{}:{}:{}", l.file, l.line, l.column), l.line)
        }
        None => (file.to_string(), 0),
    };
    let name = format!("{} {} at line {line}", d.code, d.rule);
    let _ = write!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"",
        escape(&name),
        escape(file),
        escape(file)
    );
    if line > 0 {
        let _ = write!(out, " line=\"{line}\"");
    }
    let mut body = format!(
        "{at}: {}[{}] {}",
        d.severity,
        d.code,
        d.message_in_environment()
    );
    if let Some(r) = &d.resource {
        let _ = write!(body, " ({r})");
    }
    if let Some(h) = &d.help {
        let _ = write!(body, "\nhelp: {h}");
    }
    match d.severity {
        Severity::Error | Severity::Warning => {
            let _ = writeln!(
                out,
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                escape(&d.message_in_environment()),
                d.severity,
                escape_text(&body)
            );
        }
        Severity::Info => {
            let _ = writeln!(
                out,
                ">\n      <system-out>{}</system-out>\n    </testcase>",
                escape_text(&body)
            );
        }
    }
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    // every checked file, in path order, with its shown findings
    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for (_, f) in report.checked_files() {
        by_file.entry(f.path.clone()).or_default();
    }
    for d in shown(report, opts) {
        let file = d
            .span()
            .map(|s| report.sources.get(s.file).path.clone())
            .unwrap_or_else(|| "meshlint".to_string());
        by_file.entry(file).or_default().push(d);
    }
    let total: usize = by_file.values().map(|v| v.len().max(1)).sum();
    let failures: usize = by_file
        .values()
        .flatten()
        .filter(|d| d.severity >= Severity::Warning)
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"meshlint\" tests=\"{total}\" failures=\"{failures}\" errors=\"0\">"
    );
    for (file, diags) in &by_file {
        let f = diags
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"0\" skipped=\"0\">",
            escape(file),
            diags.len().max(1)
        );
        if diags.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase name=\"meshlint\" classname=\"{}\" file=\"{}\"/>",
                escape(file),
                escape(file)
            );
        }
        for d in diags {
            case(&mut out, report, file, d);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("<a href=\"x\">&'\u{1}\n"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\u{fffd}&#10;"
        );
    }
}
