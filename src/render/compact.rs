//! One line per diagnostic: `path:line:col: severity[CODE] message (Kind ns/name)`.

use super::{locate, RenderOptions};
use crate::engine::Report;
use std::fmt::Write;

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut out = String::new();
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= opts.output_threshold)
    {
        if let Some(span) = d.span() {
            let l = locate(&report.sources, span);
            let _ = write!(out, "{}:{}:{}: ", l.file, l.line, l.column);
        }
        let _ = write!(
            out,
            "{}[{}] {}",
            d.severity,
            d.code,
            d.message_in_environment()
        );
        if let Some(r) = &d.resource {
            let _ = write!(out, " ({r})");
        }
        out.push('\n');
    }
    out
}
