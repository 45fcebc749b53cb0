//! `--format istioctl`: istioctl analyze's log line per finding,
//! `<Level> [<CODE>] (<Kind> <ns>/<name> <file>:<line>) <message>`, with the message filled from
//! Istio's template for the code (see [`crate::diagnostics::istio_messages`]). `line` is the line of the
//! finding's field (istioctl prints the document's first line unless the analyzer looked the
//! field up). Identical lines are printed once, as istioctl de-duplicates its messages.

use super::{locate, shown, RenderOptions};
use crate::diagnostics::istio_messages::istio_message;
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::Report;
use std::collections::HashSet;

/// istioctl's level names.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Info",
    }
}

/// One line (without newline).
pub fn line(report: &Report, d: &Diagnostic, color: bool) -> String {
    let mut origin = Vec::new();
    if let Some(r) = &d.resource {
        origin.push(r.to_string());
    }
    if let Some(span) = d.span() {
        let l = locate(&report.sources, span);
        origin.push(format!("{}:{}", l.file, l.line));
    }
    let origin = if origin.is_empty() {
        String::new()
    } else {
        format!(" ({})", origin.join(" "))
    };
    let lvl = level(d.severity);
    let lvl = match (color, d.severity) {
        (true, Severity::Error) => format!("\x1b[1;31m{lvl}\x1b[0m"),
        (true, Severity::Warning) => format!("\x1b[33m{lvl}\x1b[0m"),
        _ => lvl.to_string(),
    };
    let env = d
        .environment
        .as_ref()
        .map(|e| format!("[{e}] "))
        .unwrap_or_default();
    format!("{lvl} [{}]{origin} {env}{}", d.code, istio_message(d))
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let mut seen = HashSet::new();
    for d in shown(report, opts) {
        let l = line(report, d, opts.color);
        if seen.insert(l.clone()) {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}
