//! The rule registry: unique names and codes, kebab-case names, a doc for every rule with the
//! required sections, and fixtures (checked in tests/rules.rs).

use meshlint::rules::{RULES, SHARED_ISTIO_CODES};
use std::collections::HashMap;
use std::path::Path;

#[test]
fn names_are_unique_and_kebab_case() {
    let mut seen = HashMap::new();
    for r in RULES {
        let n = r.meta.name;
        assert!(
            n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !n.starts_with('-')
                && !n.ends_with('-'),
            "rule name `{n}` is not kebab-case"
        );
        assert!(
            seen.insert(n, ()).is_none(),
            "rule name `{n}` is used twice"
        );
    }
}

#[test]
fn codes_are_unique_unless_istio_shares_them() {
    let mut by_code: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in RULES {
        by_code.entry(r.meta.code).or_default().push(r.meta.name);
    }
    for (code, names) in by_code {
        if names.len() > 1 {
            assert!(
                SHARED_ISTIO_CODES.contains(&code),
                "code {code} is used by {names:?} but is not one of Istio's shared codes"
            );
        }
        let ok = (code.starts_with("IST") && code.len() == 7)
            || (code.starts_with("ML") && code.len() == 5);
        assert!(ok, "code `{code}` is not ISTnnnn or MLnnn");
    }
}

#[test]
fn every_rule_has_a_doc_with_the_required_sections() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for r in RULES {
        let path = root.join(format!("{}.md", r.meta.name));
        let doc = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("missing doc {}", path.display()));
        assert_eq!(doc, r.doc, "embedded doc of {} is stale", r.meta.name);
        let title = format!("# {} `{}`", r.meta.code, r.meta.name);
        assert!(
            doc.starts_with(&title),
            "{}: doc must start with `{title}`",
            r.meta.name
        );
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(
                doc.contains(section),
                "{}: doc lacks `{section}`",
                r.meta.name
            );
        }
    }
}

#[test]
fn messages_follow_the_style() {
    for r in RULES {
        let s = r.meta.summary;
        assert!(
            !s.ends_with('.'),
            "{}: summary ends with a period",
            r.meta.name
        );
        assert!(
            s.chars().next().is_some_and(|c| !c.is_uppercase()),
            "{}: summary starts upper-case",
            r.meta.name
        );
    }
}

#[test]
fn no_orphan_docs_or_fixtures() {
    let names: Vec<&str> = RULES.iter().map(|r| r.meta.name).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(root.join("rules")).unwrap() {
        let p = entry.unwrap().path();
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        assert!(
            names.contains(&stem.as_str()),
            "rules/{stem}.md has no rule"
        );
    }
    for entry in std::fs::read_dir(root.join("testdata/rules")).unwrap() {
        let p = entry.unwrap().path();
        let stem = p.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            names.contains(&stem.as_str()),
            "testdata/rules/{stem} has no rule"
        );
    }
}

#[test]
fn every_rule_doc_says_what_it_does_not_report() {
    let missing: Vec<&str> = meshlint::rules::RULES
        .iter()
        .filter(|r| !r.doc.contains("\n## What it does not report\n"))
        .map(|r| r.meta.name)
        .collect();
    assert!(
        missing.is_empty(),
        "rules/<name>.md without a `## What it does not report` section: {missing:?}"
    );
}
