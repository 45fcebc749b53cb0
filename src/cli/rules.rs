//! `meshlint rules` and `meshlint explain`.

use super::{print_out, RulesFormat, EXIT_OK, EXIT_USAGE};
use crate::rules::{lookup, RULES};

pub fn list(format: RulesFormat) -> i32 {
    let mut out = String::new();
    match format {
        RulesFormat::Text => {
            for r in RULES {
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
            let v: Vec<serde_json::Value> = RULES
                .iter()
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
