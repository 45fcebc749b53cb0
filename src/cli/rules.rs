//! `meshlint rules` and `meshlint explain`.

use super::{print_out, RulesFormat, EXIT_OK, EXIT_USAGE};
use crate::diagnostics::istio_messages::analyzer_description;
use crate::rules::{lookup, RuleEntry, RULES};
use std::collections::BTreeMap;

/// istioctl's analyzer names (from the rules' `analyzer` metadata), sorted, each with the
/// rules that mirror it.
pub fn analyzers() -> BTreeMap<&'static str, Vec<&'static RuleEntry>> {
    let mut map: BTreeMap<&str, Vec<&RuleEntry>> = BTreeMap::new();
    for r in RULES {
        if let Some(a) = r.meta.analyzer {
            map.entry(a).or_default().push(r);
        }
    }
    map
}

/// `check -L`: like `istioctl analyze -L` (`* name:` and its description), plus the meshlint
/// rules mirroring each analyzer.
pub fn analyzers_text() -> String {
    let mut out = String::new();
    for (name, rules) in analyzers() {
        out.push_str(&format!("* {name}:\n"));
        if let Some(d) = analyzer_description(name) {
            out.push_str(&format!("    {d}\n"));
        }
        let rules: Vec<String> = rules
            .iter()
            .map(|r| format!("{} {}", r.meta.code, r.meta.name))
            .collect();
        out.push_str(&format!("    meshlint: {}\n", rules.join(", ")));
    }
    out
}

pub fn list(format: RulesFormat, analyzer: Option<&str>) -> i32 {
    if let Some(a) = analyzer {
        if !RULES.iter().any(|r| r.meta.analyzer == Some(a)) {
            eprintln!("meshlint: no rule mirrors analyzer `{a}`; `meshlint check -L` lists them");
            return EXIT_USAGE;
        }
    }
    let selected = RULES
        .iter()
        .filter(|r| analyzer.is_none() || r.meta.analyzer == analyzer);
    let mut out = String::new();
    match format {
        RulesFormat::Text => {
            for r in selected {
                let m = r.meta;
                out.push_str(&format!(
                    "{:<8} {:<32} {:<8} {}\n",
                    m.code,
                    m.name,
                    m.severity.as_str(),
                    m.summary
                ));
            }
        }
        RulesFormat::Json => {
            let v: Vec<serde_json::Value> = selected
                .map(|r| {
                    serde_json::json!({
                        "code": r.meta.code,
                        "name": r.meta.name,
                        "severity": r.meta.severity.as_str(),
                        "category": r.meta.category.as_str(),
                        "analyzer": r.meta.analyzer,
                        "summary": r.meta.summary,
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&v).unwrap_or_default();
            out.push('\n');
        }
    }
    print_out(&out);
    EXIT_OK
}

pub fn explain(rule: &str) -> i32 {
    let found = lookup(rule);
    if found.is_empty() {
        eprintln!("meshlint: no rule `{rule}`; `meshlint rules` lists them");
        return EXIT_USAGE;
    }
    let docs: Vec<&str> = found.iter().map(|r| r.doc).collect();
    print_out(&docs.join("\n---\n\n"));
    EXIT_OK
}
