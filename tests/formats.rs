//! Every output format for one fixture with findings in several files (`testdata/cli/multi/`),
//! as snapshots; the SARIF output validated against the official SARIF 2.1.0 JSON schema
//! (tests/schemas/, see its README); structural checks of the GitLab and GitHub formats.

use meshlint::engine::{analyze, Input, Options, Report};
use meshlint::render::{render, Format, RenderOptions};
use std::path::Path;

fn multi() -> Report {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cli/multi");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let inputs = files
        .iter()
        .map(|f| {
            let shown = format!(
                "testdata/cli/multi/{}",
                f.file_name().unwrap().to_string_lossy()
            );
            Input::text(shown, std::fs::read_to_string(f).unwrap())
        })
        .collect();
    analyze(inputs, &Options::default())
}

const FORMATS: &[Format] = &[
    Format::Pretty,
    Format::Compact,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Junit,
];

#[test]
fn snapshots_of_every_format() {
    let report = multi();
    assert!(report.diagnostics.len() >= 3);
    for &f in FORMATS {
        let out = render(&report, f, &RenderOptions::default());
        insta::with_settings!({snapshot_path => "../testdata/snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(format!("cli-multi.{}", f.as_str()), out);
        });
    }
}

fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-2.1.0-rtm.5.json");
    let text = std::fs::read_to_string(path).unwrap();
    // The rtm.5 schema's pattern for `run.language` has a stray `]` that jsonschema's meta-schema
    // check rejects as an invalid regex (SARIF TC erratum; later schemas use the corrected
    // pattern below). Everything else is validated exactly as published.
    let bad = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(text.contains(bad), "schema copy changed");
    let text = text.replace(bad, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(text: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
    v
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let report = multi();
    let opts = RenderOptions {
        base_dir: Some("/repo".into()),
        ..RenderOptions::default()
    };
    let v = assert_valid_sarif(&render(&report, Format::Sarif, &opts));
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.diagnostics.len());
    for r in results {
        // ruleIndex points at the descriptor whose id is the ruleId
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(r["partialFingerprints"]["meshlintFingerprint/v1"].is_string());
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("testdata/cli/multi/"));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    // the validator is not vacuous: a wrong level and a zero line are rejected
    let mut bad = v.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert_eq!(sarif_validator().iter_errors(&bad).count(), 2);
    // rule ids are unique although IST0101 is shared
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
    // every descriptor carries the rule's markdown doc as help
    assert!(rules.iter().all(|r| r["help"]["markdown"]
        .as_str()
        .is_some_and(|m| m.contains("## What it checks"))));
}

#[test]
fn sarif_of_a_clean_run_and_of_stdin_is_valid() {
    let clean = analyze(
        vec![Input::text(
            "a.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n",
        )],
        &Options::default(),
    );
    assert_valid_sarif(&render(&clean, Format::Sarif, &RenderOptions::default()));
    let stdin = analyze(
        vec![Input::text("<stdin>", "kind: [\n")],
        &Options::default(),
    );
    assert!(!stdin.diagnostics.is_empty());
    assert_valid_sarif(&render(&stdin, Format::Sarif, &RenderOptions::default()));
}

#[test]
fn fingerprints_do_not_depend_on_line_numbers() {
    let vs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cli/multi/virtual-services.yaml"),
    )
    .unwrap();
    let prints = |text: String| {
        let r = analyze(vec![Input::text("vs.yaml", text)], &Options::default());
        let v: serde_json::Value =
            serde_json::from_str(&render(&r, Format::Gitlab, &RenderOptions::default())).unwrap();
        let mut p: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_string())
            .collect();
        p.sort();
        p
    };
    let moved = format!("# a comment\n# another\n{vs}");
    assert_eq!(prints(vs), prints(moved));
}

#[test]
fn gitlab_code_quality_fields() {
    let report = multi();
    let v: serde_json::Value =
        serde_json::from_str(&render(&report, Format::Gitlab, &RenderOptions::default())).unwrap();
    let issues = v.as_array().unwrap();
    assert_eq!(issues.len(), report.diagnostics.len());
    for i in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].is_string(), "{key} missing in {i}");
        }
        assert!(["info", "minor", "major", "critical", "blocker"]
            .contains(&i["severity"].as_str().unwrap()));
        assert!(i["location"]["path"].is_string());
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
}

#[test]
fn github_workflow_commands() {
    let report = multi();
    let out = render(&report, Format::Github, &RenderOptions::default());
    for line in out.lines() {
        assert!(
            line.starts_with("::error file=")
                || line.starts_with("::warning file=")
                || line.starts_with("::notice file="),
            "{line}"
        );
        let (props, msg) = line[2..].split_once("::").unwrap();
        assert!(props.contains(",line=") && props.contains(",title="));
        assert!(!msg.contains('\n') && !msg.contains('\r'));
    }
    // `%` in a message is escaped
    assert!(out.contains("88.9 %25"), "{out}");
}

#[test]
fn junit_lists_clean_files_as_passing_cases() {
    let report = multi();
    let out = render(&report, Format::Junit, &RenderOptions::default());
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    assert!(
        out.contains("<testcase name=\"meshlint\" classname=\"testdata/cli/multi/gateway.yaml\"")
    );
    assert_eq!(out.matches("<testsuite ").count(), 3);
    // infos (not-in-input) are passing test cases, not failures
    let failing = report
        .diagnostics
        .iter()
        .filter(|d| d.severity >= meshlint::diagnostics::Severity::Warning)
        .count();
    assert_eq!(out.matches("<failure ").count(), failing);
}
