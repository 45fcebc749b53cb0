//! Per-rule fixtures: `testdata/rules/<rule-name>/fail*.yaml` must produce findings of that rule,
//! `pass*.yaml` must produce none. Each fixture runs with only its rule selected; the rendered
//! pretty output (no colour, so spans and labels are checked) and the JSON are snapshots.
//!
//! A fixture may be a directory (`fail-cross-file/`) whose YAML files are checked together.

use meshlint::engine::{analyze, Options};
use meshlint::render::{render, Format, RenderOptions};
use meshlint::rules::RULES;
use std::path::{Path, PathBuf};

mod common;
use common::{fixture_inputs, mesh_config_for};

#[test]
fn every_rule_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut failures = Vec::new();
    for rule in RULES {
        let name = rule.meta.name;
        let dir = root.join(name);
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
            Err(_) => {
                failures.push(format!(
                    "{name}: no fixture directory testdata/rules/{name}"
                ));
                continue;
            }
        };
        entries.sort();
        let mut seen_fail = false;
        let mut seen_pass = false;
        for path in entries {
            let fname = path.file_name().unwrap().to_string_lossy().to_string();
            let stem = fname
                .trim_end_matches(".yaml")
                .trim_end_matches(".yml")
                .to_string();
            let expect_findings = if stem.starts_with("fail") {
                seen_fail = true;
                true
            } else if stem.starts_with("pass") {
                seen_pass = true;
                false
            } else {
                continue;
            };
            let mut opts = Options {
                select: vec![name.to_string()],
                ..Options::default()
            };
            if let Some(mc) = mesh_config_for(&dir) {
                opts.mesh = mc;
            }
            let report = analyze(fixture_inputs(&path), &opts);
            let own = report.diagnostics.iter().filter(|d| d.rule == name).count();
            if expect_findings && own == 0 {
                failures.push(format!("{name}/{fname}: expected findings, got none"));
            }
            if !expect_findings && !report.diagnostics.is_empty() {
                failures.push(format!(
                    "{name}/{fname}: expected no findings, got {:?}",
                    report
                        .diagnostics
                        .iter()
                        .map(|d| &d.message)
                        .collect::<Vec<_>>()
                ));
            }
            let ropts = RenderOptions::default();
            let pretty = render(&report, Format::Pretty, &ropts);
            let json = render(&report, Format::Json, &ropts);
            let snap = format!("{name}__{stem}");
            insta::with_settings!({snapshot_path => "../testdata/snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
                insta::assert_snapshot!(format!("{snap}.pretty"), pretty);
                insta::assert_snapshot!(format!("{snap}.json"), json);
            });
        }
        if !seen_fail {
            failures.push(format!("{name}: no fail*.yaml fixture"));
        }
        if !seen_pass {
            failures.push(format!("{name}: no pass*.yaml fixture"));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture problems:\n{}",
        failures.join("\n")
    );
}
