//! Finding baselines: `--write-baseline FILE` records the current findings by fingerprint
//! (code, object, field path, message: never a file name or line number, so moving a block or
//! renaming a file changes nothing), and `--baseline FILE` reports only the findings not in it,
//! listing the entries that no longer occur so the file can shrink.

use crate::engine::Report;
use crate::render::fingerprints_of;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The baseline of a report's findings, as pretty JSON (entries sorted, so that the file
/// diffs well).
pub fn write(report: &Report) -> String {
    let prints = fingerprints_of(report, report.diagnostics.iter());
    let mut entries: Vec<Value> = report
        .diagnostics
        .iter()
        .zip(prints)
        .map(|(d, (fp, path))| {
            json!({
                "fingerprint": fp,
                "code": d.code,
                "rule": d.rule,
                "resource": d.resource.as_ref().map(|r| r.to_string()),
                "path": path,
                "message": d.message,
            })
        })
        .collect();
    entries.sort_by(|a, b| {
        let key = |v: &Value| {
            (
                v["resource"].as_str().unwrap_or("").to_string(),
                v["code"].as_str().unwrap_or("").to_string(),
                v["path"].as_str().unwrap_or("").to_string(),
                v["fingerprint"].as_str().unwrap_or("").to_string(),
            )
        };
        key(a).cmp(&key(b))
    });
    let doc = json!({"version": 1, "tool": "meshlint", "findings": entries});
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// Drops the findings recorded in `baseline` (JSON text) from the report; returns the entries
/// that matched nothing (`CODE resource path`), or an error when the file is not a baseline.
pub fn apply(report: &mut Report, baseline: &str) -> Result<Vec<String>, String> {
    let doc: Value = serde_json::from_str(baseline).map_err(|e| format!("not JSON: {e}"))?;
    let entries = doc["findings"]
        .as_array()
        .ok_or("no `findings` list: not a meshlint baseline")?;
    let mut recorded: HashMap<&str, Vec<&Value>> = HashMap::new();
    for e in entries {
        let fp = e["fingerprint"]
            .as_str()
            .ok_or("an entry has no `fingerprint`")?;
        recorded.entry(fp).or_default().push(e);
    }
    let prints = fingerprints_of(report, report.diagnostics.iter());
    let mut keep = Vec::with_capacity(prints.len());
    for (fp, _) in &prints {
        let known = recorded
            .get_mut(fp.as_str())
            .and_then(|v| v.pop())
            .is_some();
        keep.push(!known);
    }
    let mut i = 0;
    report.diagnostics.retain(|_| {
        i += 1;
        keep[i - 1]
    });
    let mut stale: Vec<String> = recorded
        .values()
        .flatten()
        .map(|e| {
            format!(
                "  {} {} {}",
                e["code"].as_str().unwrap_or("?"),
                e["resource"].as_str().unwrap_or("-"),
                e["path"].as_str().unwrap_or("")
            )
        })
        .collect();
    stale.sort();
    Ok(stale)
}
