//! End-to-end scenarios: every rule runs on each `testdata/scenarios/<name>/` directory (its YAML
//! files together, with `mesh-config.yaml.txt` as the mesh config when present), and the compact
//! output is a snapshot, so each scenario's exact set of findings is reviewed.

use meshlint::engine::{analyze, Options};
use meshlint::render::{render, Format, RenderOptions};
use std::path::{Path, PathBuf};

mod common;
use common::{fixture_inputs as inputs, mesh_config_for};

fn options(dir: &Path) -> Options {
    let mut opts = Options::default();
    if let Some(mesh) = mesh_config_for(dir) {
        opts.mesh = mesh;
    }
    opts
}

#[test]
fn every_scenario() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/scenarios");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let report = analyze(inputs(&dir), &options(&dir));
        let compact = render(&report, Format::Compact, &RenderOptions::default());
        insta::with_settings!({snapshot_path => "../testdata/snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(format!("scenario__{name}"), compact);
        });
    }
}

/// `--istio-strict` reads `fallback` as upstream Istio does: an unknown field (ML002).
#[test]
fn istio_strict_reports_fallback_as_unknown() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/scenarios/bookinfo-fallback");
    let mut opts = options(&dir);
    opts.model.istio_strict = true;
    let report = analyze(inputs(&dir), &opts);
    let unknown: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "ML002")
        .collect();
    assert_eq!(unknown.len(), 1, "{:?}", report.diagnostics);
    assert!(
        unknown[0].message.contains("fallback"),
        "{}",
        unknown[0].message
    );
    // the fallback is not modelled, so the fallback rules stay silent
    assert!(!report
        .diagnostics
        .iter()
        .any(|d| d.code.starts_with("ML30")));
}
