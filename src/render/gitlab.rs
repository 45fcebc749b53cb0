//! GitLab Code Quality report (a JSON array in the Code Climate subset GitLab reads):
//! `description`, `check_name`, `fingerprint`, `severity`, `location.path`, `location.lines.begin`.

use super::{fingerprints, locate, shown, RenderOptions};
use crate::diagnostics::Severity;
use crate::engine::Report;
use serde_json::{json, Value};

/// GitLab's scale is info, minor, major, critical, blocker.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let prints = fingerprints(report, opts);
    let issues: Vec<Value> = shown(report, opts)
        .zip(prints)
        .map(|(d, fp)| {
            let (path, begin, end) = match d.span() {
                Some(span) => {
                    let l = locate(&report.sources, span);
                    let p = l.file.strip_prefix("./").unwrap_or(l.file).to_string();
                    (p, l.line, l.end_line)
                }
                None => (".".to_string(), 1, 1),
            };
            let mut description = format!("{} {}: {}", d.code, d.rule, d.message_in_environment());
            if let Some(r) = &d.resource {
                description.push_str(&format!(" ({r})"));
            }
            json!({
                "type": "issue",
                "description": description,
                "check_name": format!("{}/{}", d.code, d.rule),
                "fingerprint": fp,
                "severity": severity(d.severity),
                "categories": ["Bug Risk"],
                "location": {
                    "path": path,
                    "lines": { "begin": begin, "end": end },
                },
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_default();
    s.push('\n');
    s
}
