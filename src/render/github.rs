//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per finding,
//! which the runner turns into annotations on the pull request's diff.
//!
//! `::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::message`, with the runner's
//! escaping: `%`, `\r`, `\n` in the message; additionally `:` and `,` in property values.

use super::{locate, shown, RenderOptions};
use crate::diagnostics::Severity;
use crate::engine::Report;
use std::fmt::Write;

/// Escapes a command's data (the message).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file`, `title`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = String::new();
    for d in shown(report, opts) {
        let mut props = Vec::new();
        if let Some(span) = d.span() {
            let l = locate(&report.sources, span);
            if l.file != "<stdin>" {
                props.push(format!(
                    "file={}",
                    escape_property(l.file.strip_prefix("./").unwrap_or(l.file))
                ));
                props.push(format!("line={}", l.line));
                props.push(format!("col={}", l.column));
                props.push(format!("endLine={}", l.end_line));
                props.push(format!("endColumn={}", l.end_column));
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", d.code, d.rule))
        ));
        let mut msg = d.message_in_environment().into_owned();
        if let Some(r) = &d.resource {
            let _ = write!(msg, " ({r})");
        }
        if let Some(h) = &d.help {
            let _ = write!(msg, "\nhelp: {h}");
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            command(d.severity),
            props.join(","),
            escape_data(&msg)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
