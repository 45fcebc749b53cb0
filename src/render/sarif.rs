//! SARIF 2.1.0, as GitHub code scanning accepts it: one run, every rule as a
//! `reportingDescriptor` (id: the rule's unique name, because Istio shares codes such as IST0101
//! between several checks; the code is in `properties.code` and the tags), results with `ruleId`/`ruleIndex`, physical locations relative to the
//! working directory (or `--sarif-root`) under the `%SRCROOT%` base, related locations and
//! stable `partialFingerprints`.

use super::{fingerprints, locate, shown, RenderOptions};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::Report;
use crate::rules::{RuleEntry, RULES};
use crate::source::Span;
use serde_json::{json, Map, Value};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const URI_BASE_ID: &str = "%SRCROOT%";

/// The project's URL from Cargo metadata (`repository`), if set.
pub fn project_url() -> Option<&'static str> {
    Some(env!("CARGO_PKG_REPOSITORY")).filter(|s| !s.is_empty())
}

/// The rule's unique name (`subset-not-found`): codes are shared (IST0101), and a `/` in an id
/// would mean a sub-rule to SARIF consumers.
pub fn rule_id(_code: &str, name: &str) -> String {
    name.to_string()
}

/// `subset-not-found` → `SubsetNotFound` (SARIF's friendly name is a Pascal-case identifier).
pub fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The first paragraph of the doc's `## What it checks` section, joined into one line.
fn what_it_checks(doc: &str) -> Option<String> {
    let rest = doc.split("## What it checks").nth(1)?;
    let para: Vec<&str> = rest
        .trim_start()
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect();
    (!para.is_empty()).then(|| para.join(" "))
}

fn descriptor(e: &RuleEntry) -> Value {
    let m = e.meta;
    let mut d = Map::new();
    d.insert("id".into(), json!(rule_id(m.code, m.name)));
    d.insert("name".into(), json!(pascal_case(m.name)));
    d.insert(
        "shortDescription".into(),
        json!({ "text": format!("{}: {}", m.code, m.summary) }),
    );
    d.insert(
        "fullDescription".into(),
        json!({ "text": what_it_checks(e.doc).unwrap_or_else(|| m.summary.to_string()) }),
    );
    d.insert(
        "help".into(),
        json!({
            "text": format!("{}. Run `meshlint explain {}` for details.", m.summary, m.name),
            "markdown": e.doc,
        }),
    );
    if let Some(url) = project_url() {
        d.insert(
            "helpUri".into(),
            json!(format!(
                "{}/blob/main/rules/{}.md",
                url.trim_end_matches('/'),
                m.name
            )),
        );
    }
    d.insert(
        "defaultConfiguration".into(),
        json!({ "level": level(m.severity) }),
    );
    d.insert(
        "properties".into(),
        json!({
            "code": m.code,
            "category": m.category.as_str(),
            "tags": [m.code, m.category.as_str(), "istio"],
            "precision": "high",
            "problem.severity": match m.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
        }),
    );
    Value::Object(d)
}

/// Joins `rel` onto `base` and resolves `.` and `..` lexically.
fn absolutize(base: &str, rel: &str) -> String {
    let joined = if rel.starts_with('/') {
        rel.to_string()
    } else {
        format!("{}/{rel}", base.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Percent-encodes everything but unreserved characters and `/`.
fn encode_uri_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The artifact location of a path as given: relative to the SARIF root (or the working
/// directory) under `%SRCROOT%`, or an absolute `file://` URI outside it.
pub fn artifact_location(path: &str, opts: &RenderOptions) -> Value {
    let path = path.replace('\\', "/");
    if path == "<stdin>" {
        return json!({ "uri": "stdin" });
    }
    let root = opts.sarif_root.as_deref().or(opts.base_dir.as_deref());
    let Some(root) = root else {
        if path.starts_with('/') {
            return json!({ "uri": format!("file://{}", encode_uri_path(&path)) });
        }
        let rel = path.strip_prefix("./").unwrap_or(&path);
        return json!({ "uri": encode_uri_path(rel), "uriBaseId": URI_BASE_ID });
    };
    let base = opts.base_dir.as_deref().unwrap_or(root);
    let abs = absolutize(base, &path);
    let root_abs = absolutize("/", root);
    let prefix = format!("{}/", root_abs.trim_end_matches('/'));
    match abs.strip_prefix(&prefix) {
        Some(rel) => json!({ "uri": encode_uri_path(rel), "uriBaseId": URI_BASE_ID }),
        None => json!({ "uri": format!("file://{}", encode_uri_path(&abs)) }),
    }
}

fn physical(report: &Report, span: Span, opts: &RenderOptions) -> Value {
    let l = locate(&report.sources, span);
    let f = report.sources.get(span.file);
    let mut region = json!({
        "startLine": l.line,
        "startColumn": l.column,
        "endLine": l.end_line,
        "endColumn": l.end_column.max(if l.end_line == l.line { l.column } else { 1 }),
    });
    let snippet = f.slice(span);
    if !snippet.is_empty() && snippet.len() <= 200 {
        region["snippet"] = json!({ "text": snippet });
    }
    let mut out = json!({
        "artifactLocation": artifact_location(l.file, opts),
        "region": region,
    });
    // two lines either side, whole lines, for viewers without the file
    let first = l.line.saturating_sub(2).max(1);
    let last = (l.end_line + 2).min(f.lines().line_count());
    if l.end_line - l.line < 20 && first <= last {
        let start = f.lines().line_start(first - 1) as usize;
        let end = if last < f.lines().line_count() {
            f.lines().line_start(last) as usize
        } else {
            f.text.len()
        };
        if let Some(text) = f.text.get(start..end) {
            if !text.is_empty() {
                out["contextRegion"] = json!({
                    "startLine": first,
                    "endLine": last,
                    "snippet": { "text": text },
                });
            }
        }
    }
    out
}

fn message(d: &Diagnostic) -> String {
    let mut m = d.message.clone();
    if let Some(r) = &d.resource {
        m.push_str(&format!(" ({r})"));
    }
    if let Some(h) = &d.help {
        m.push_str(&format!("\nhelp: {h}"));
    }
    m
}

pub fn to_value(report: &Report, opts: &RenderOptions) -> Value {
    // only the rules that have results are described, in registry order, so the document
    // does not change when unrelated rules are added
    let used: Vec<&RuleEntry> = RULES
        .iter()
        .filter(|e| shown(report, opts).any(|d| d.rule == e.meta.name))
        .collect();
    let rules: Vec<Value> = used.iter().map(|e| descriptor(e)).collect();
    let prints = fingerprints(report, opts);
    let results: Vec<Value> = shown(report, opts)
        .zip(prints)
        .map(|(d, fp)| {
            let index = used.iter().position(|e| e.meta.name == d.rule);
            let mut r = Map::new();
            r.insert("ruleId".into(), json!(rule_id(d.code, d.rule)));
            if let Some(i) = index {
                r.insert("ruleIndex".into(), json!(i));
            }
            r.insert("level".into(), json!(level(d.severity)));
            r.insert("message".into(), json!({ "text": message(d) }));
            if let Some(env) = &d.environment {
                r.insert("properties".into(), json!({ "environment": env.as_ref() }));
            }
            if let Some(span) = d.span() {
                let mut loc = json!({ "physicalLocation": physical(report, span, opts) });
                if let Some(p) = &d.primary {
                    if !p.message.is_empty() {
                        loc["message"] = json!({ "text": p.message });
                    }
                }
                if let Some(res) = &d.resource {
                    loc["logicalLocations"] = json!([{
                        "name": res.name.as_str(),
                        "fullyQualifiedName": res.to_string(),
                        "kind": "resource",
                    }]);
                }
                r.insert("locations".into(), json!([loc]));
            }
            if !d.related.is_empty() {
                let related: Vec<Value> = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        json!({
                            "id": i + 1,
                            "physicalLocation": physical(report, l.span, opts),
                            "message": { "text": l.message },
                        })
                    })
                    .collect();
                r.insert("relatedLocations".into(), json!(related));
            }
            r.insert(
                "partialFingerprints".into(),
                json!({ "meshlintFingerprint/v1": fp }),
            );
            Value::Object(r)
        })
        .collect();
    let mut driver = Map::new();
    driver.insert("name".into(), json!("meshlint"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    if let Some(url) = project_url() {
        driver.insert("informationUri".into(), json!(url));
    }
    driver.insert("rules".into(), json!(rules));
    let mut run = json!({
        "tool": { "driver": Value::Object(driver) },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(root) = opts.sarif_root.as_deref().or(opts.base_dir.as_deref()) {
        let root = absolutize("/", root);
        run["originalUriBaseIds"] = json!({
            URI_BASE_ID: { "uri": format!("file://{}/", encode_uri_path(root.trim_end_matches('/'))) }
        });
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

pub fn render(report: &Report, opts: &RenderOptions) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(report, opts)).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(base: Option<&str>, root: Option<&str>) -> RenderOptions {
        RenderOptions {
            base_dir: base.map(str::to_string),
            sarif_root: root.map(str::to_string),
            ..RenderOptions::default()
        }
    }

    #[test]
    fn relative_paths_stay_relative() {
        let v = artifact_location("./k8s/a b.yaml", &opts(None, None));
        assert_eq!(v["uri"], "k8s/a%20b.yaml");
        assert_eq!(v["uriBaseId"], URI_BASE_ID);
    }

    #[test]
    fn absolute_paths_under_the_root_become_relative() {
        let v = artifact_location("/repo/k8s/a.yaml", &opts(Some("/repo"), None));
        assert_eq!(v["uri"], "k8s/a.yaml");
        let v = artifact_location("k8s/a.yaml", &opts(Some("/repo/sub"), Some("/repo")));
        assert_eq!(v["uri"], "sub/k8s/a.yaml");
        let v = artifact_location("../x.yaml", &opts(Some("/repo"), None));
        assert_eq!(v["uri"], "file:///x.yaml");
        assert!(v.get("uriBaseId").is_none());
    }

    #[test]
    fn first_paragraph_of_what_it_checks() {
        let doc = "# X\n\n## What it checks\n\nOne\ntwo.\n\nMore.\n## Why";
        assert_eq!(what_it_checks(doc).as_deref(), Some("One two."));
    }
}
