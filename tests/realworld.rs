//! Real-world regression corpus: meshlint on real Istio configuration from six public
//! repositories (`../shared/realworld`, kept outside the project like the conformance suites).
//! Each repository is checked as one run, as `../shared/realworld/run.py` does, and its
//! findings are a JSON snapshot (`testdata/snapshots/realworld__<repo>.snap`), so that every
//! change that adds, drops or re-words a real-world finding shows up in review. The verdict on
//! each finding class is recorded in `tests/realworld/REVIEW.md`.

use std::path::Path;
use std::process::Command;

#[test]
fn realworld_corpus_findings() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realworld");
    if !corpus.join("SOURCES.md").is_file() {
        println!(
            "skipped: the real-world corpus is not at {} (it lives in the shared folder beside the project)",
            corpus.display()
        );
        return;
    }
    let mut repos: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    repos.sort();
    assert!(
        repos.len() >= 6,
        "expected six repositories, found {repos:?}"
    );
    for repo in repos {
        let out = Command::new(env!("CARGO_BIN_EXE_meshlint"))
            .args(["check", "--no-config", "--format", "json", "--", &repo])
            .current_dir(&corpus)
            .env_remove("CI")
            .output()
            .expect("run meshlint");
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{repo}: exit {code:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
        // one line per finding: where, severity, code, rule, message (help and related labels
        // are covered by the per-rule snapshots)
        let findings: Vec<serde_json::Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                let l = &d["location"];
                serde_json::json!({
                    "at": format!("{}:{}:{}", l["file"].as_str().unwrap_or("-"), l["line"], l["column"]),
                    "severity": d["severity"],
                    "code": d["code"],
                    "rule": d["rule"],
                    "message": d["message"],
                })
            })
            .collect();
        let mut snapshot = serde_json::json!({
            "summary": report["summary"],
            "findings": findings,
        })
        .to_string();
        snapshot = serde_json::to_string_pretty(
            &serde_json::from_str::<serde_json::Value>(&snapshot).unwrap(),
        )
        .unwrap();
        insta::with_settings!({snapshot_path => "../testdata/snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
            insta::assert_snapshot!(format!("realworld__{repo}"), snapshot);
        });
    }
}

/// Istio's Bookinfo: every networking sample, applied as Istio's tasks apply it (bookinfo.yaml,
/// destination-rule-all.yaml, and the deployments a task applies first), gives no error.
#[test]
fn bookinfo_samples_give_no_error() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realworld/istio/samples/bookinfo");
    if !dir.join("platform/kube/bookinfo.yaml").is_file() {
        println!("skipped: Bookinfo is not at {}", dir.display());
        return;
    }
    let mut samples: Vec<String> = std::fs::read_dir(dir.join("networking"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") && n != "destination-rule-all.yaml")
        .collect();
    samples.sort();
    assert!(samples.len() >= 15, "{samples:?}");
    let mut errors = Vec::new();
    for s in &samples {
        // what Istio's tasks apply before these samples
        let before: &[&str] = match s.as_str() {
            "virtual-service-ratings-db.yaml" => &[
                "platform/kube/bookinfo-ratings-v2.yaml",
                "platform/kube/bookinfo-db.yaml",
            ],
            "virtual-service-ratings-mysql.yaml" => &[
                "platform/kube/bookinfo-ratings-v2-mysql.yaml",
                "platform/kube/bookinfo-mysql.yaml",
            ],
            "virtual-service-ratings-mysql-vm.yaml" => {
                &["platform/kube/bookinfo-ratings-v2-mysql-vm.yaml"]
            }
            "virtual-service-details-v2.yaml" => &["platform/kube/bookinfo-details-v2.yaml"],
            _ => &[],
        };
        let sample = format!("networking/{s}");
        let mut args = vec![
            "check",
            "--no-config",
            "--format",
            "compact",
            "platform/kube/bookinfo.yaml",
            "networking/destination-rule-all.yaml",
            sample.as_str(),
        ];
        args.extend_from_slice(before);
        let out = Command::new(env!("CARGO_BIN_EXE_meshlint"))
            .args(&args)
            .current_dir(&dir)
            .env_remove("CI")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        errors.extend(
            text.lines()
                .filter(|l| l.contains(": error["))
                .map(|l| format!("{s}: {l}")),
        );
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
