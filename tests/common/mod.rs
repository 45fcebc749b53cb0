//! Helpers shared by the integration tests (each test file includes this module with
//! `mod common;`, so not every helper is used by every file).
#![allow(dead_code)]

use assert_cmd::Command;
use meshlint::engine::Input;
use meshlint::index::MeshConfig;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The meshlint binary with the colour variables (and `CI`) removed, run in `dir`.
pub fn meshlint_in(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("meshlint").unwrap();
    for var in [
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "FORCE_COLOR",
        "CI",
    ] {
        c.env_remove(var);
    }
    c.current_dir(dir);
    c
}

/// A temporary directory holding `files` (relative paths; parent directories are created).
pub fn dir_with(files: &[(&str, &str)]) -> TempDir {
    let d = TempDir::new().unwrap();
    for (n, c) in files {
        let p = d.path().join(n);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, c).unwrap();
    }
    d
}

/// The inputs of a fixture: the file itself, or the YAML/JSON files of a fixture directory in
/// name order, shown relative to the crate root. Read as bytes (some fixtures are not UTF-8).
pub fn fixture_inputs(path: &Path) -> Vec<Input> {
    let mut files: Vec<PathBuf> = if path.is_dir() {
        std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension()
                    .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
            })
            .collect()
    } else {
        vec![path.to_path_buf()]
    };
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let shown = f
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap_or(&f)
                .display()
                .to_string();
            let mut input = Input::bytes(shown, Ok(std::fs::read(&f).unwrap()));
            // a Helm chart, as the CLI's walker hands it over: its templates are counted, not read
            if f.file_name().is_some_and(|n| n == "Chart.yaml") {
                let templates = f.parent().unwrap().join("templates");
                input.helm_chart = Some(std::fs::read_dir(templates).map_or(0, |d| d.count()));
            }
            // a kustomization the CLI could not build (the fixtures run no builds): the reason
            // the CLI gives for a remote resource
            if f.file_name().is_some_and(|n| n == "kustomization.yaml") {
                input.kustomize_failure = Some(
                    "it refers to the remote resource `github.com/example/platform//istio?ref=v1.2.0`, fetched only with --allow-remote".to_string(),
                );
            }
            input
        })
        .collect()
}

/// The mesh config of a fixture directory (`mesh-config.yaml.txt`), if it has one.
pub fn mesh_config_for(dir: &Path) -> Option<MeshConfig> {
    let text = std::fs::read_to_string(dir.join("mesh-config.yaml.txt")).ok()?;
    Some(MeshConfig::parse(meshlint::source::FileId::new(u32::MAX), &text).0)
}
