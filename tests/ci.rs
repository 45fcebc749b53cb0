//! CI and editor features end to end: every format's exit code, `--output`, configuration
//! discovery / overrides / errors, `--show-settings`, comment directives, `--only-report`,
//! completions and the man page.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;
mod common;
use common::dir_with;
use tempfile::TempDir;

const DR: &str = "\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
";

/// Routes to `v2` (IST0101 unless the DestinationRule defines it) with weights 80/10 (ML101).
const VS: &str = "\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 80
    - destination: {host: reviews, subset: v2}
      weight: 10
";

fn meshlint(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("meshlint").unwrap();
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR"] {
        c.env_remove(var);
    }
    c.current_dir(dir);
    c
}

fn compact(cmd: &mut Command) -> (i32, String) {
    let out = cmd.args(["--format", "compact"]).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn every_format_has_the_same_exit_code() {
    let d = dir_with(&[("dr.yaml", DR), ("vs.yaml", VS)]);
    for f in [
        "pretty", "compact", "json", "sarif", "github", "gitlab", "junit",
    ] {
        meshlint(d.path())
            .args(["check", ".", "--format", f])
            .assert()
            .code(1);
        meshlint(d.path())
            .args(["check", "dr.yaml", "--format", f])
            .assert()
            .code(0);
    }
}

#[test]
fn output_writes_a_file_and_keeps_the_exit_code() {
    let d = dir_with(&[("dr.yaml", DR), ("vs.yaml", VS)]);
    meshlint(d.path())
        .args(["check", ".", "-f", "sarif", "--output", "out.sarif"])
        .assert()
        .code(1)
        .stdout("");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.path().join("out.sarif")).unwrap())
            .unwrap();
    let uris: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"vs.yaml"), "{uris:?}");
}

#[test]
fn config_is_found_upward_and_flags_override_it() {
    let d = dir_with(&[
        (
            "meshlint.toml",
            "ignore = [\"ML101\"]\n[severity]\nsubset-not-found = \"warning\"\n",
        ),
        ("k8s/dr.yaml", DR),
        ("k8s/vs.yaml", VS),
    ]);
    let sub = d.path().join("k8s");
    let (code, out) = compact(meshlint(&sub).args(["check", "."]));
    assert_eq!(code, 0, "IST0101 downgraded to a warning: {out}");
    assert!(
        out.contains("warning[IST0101]") && !out.contains("ML101"),
        "{out}"
    );
    // a flag wins over the file
    let (code, out) = compact(meshlint(&sub).args(["check", ".", "--ignore", "IST0101"]));
    assert_eq!(code, 0);
    assert!(out.contains("ML101") && !out.contains("IST0101"), "{out}");
    // --no-config and --config
    let (code, _) = compact(meshlint(&sub).args(["check", ".", "--no-config"]));
    assert_eq!(code, 1);
    std::fs::write(
        d.path().join("other.toml"),
        "failure-threshold = \"warning\"\n",
    )
    .unwrap();
    let (code, _) = compact(meshlint(&sub).args([
        "check",
        ".",
        "--config",
        "../other.toml",
        "--ignore",
        "IST0101",
    ]));
    assert_eq!(
        code, 1,
        "the ML101 warning fails with failure-threshold = warning"
    );
}

#[test]
fn dot_meshlint_toml_exclude_and_per_path_ignores() {
    let d = dir_with(&[
        (
            ".meshlint.toml",
            "exclude = [\"vendor\"]\n[per-path-ignores]\n\"legacy/**\" = [\"weights-not-100\"]\n",
        ),
        ("dr.yaml", DR),
        (
            "legacy/vs.yaml",
            &VS.replace("reviews}\n", "reviews-old}\n"),
        ),
        ("vendor/broken.yaml", "kind: [\n"),
    ]);
    let (_, out) = compact(meshlint(d.path()).args(["check", "."]));
    assert!(!out.contains("vendor"), "{out}");
    assert!(!out.contains("ML101"), "{out}");
    assert!(out.contains("legacy/vs.yaml"), "{out}");
}

#[test]
fn unknown_config_keys_and_codes_exit_2_with_a_suggestion() {
    let d = dir_with(&[
        ("meshlint.toml", "selct = [\"IST0101\"]\n"),
        ("dr.yaml", DR),
    ]);
    meshlint(d.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unknown key `selct`; did you mean `select`?",
        ));
    std::fs::write(d.path().join("meshlint.toml"), "ignore = [\"IST0999\"]\n").unwrap();
    meshlint(d.path())
        .args(["check", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `IST0999`"));
    std::fs::write(d.path().join("meshlint.toml"), "namespace = [\n").unwrap();
    meshlint(d.path()).args(["check", "."]).assert().code(2);
}

#[test]
fn show_settings_tells_where_each_setting_came_from() {
    let d = dir_with(&[(
        "meshlint.toml",
        "namespace = \"prod\"\nselect = [\"IST0101\"]\n",
    )]);
    let out = meshlint(d.path())
        .args(["check", "--show-settings", "--failure-threshold", "warning"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("namespace = \"prod\"  # ") && s.contains("meshlint.toml"),
        "{s}"
    );
    assert!(
        s.contains("failure-threshold = \"warning\"  # command line"),
        "{s}"
    );
    assert!(s.contains("output-threshold = \"info\"  # default"), "{s}");
}

fn vs_with(prefix_doc: &str, before_v2: &str) -> String {
    VS.replace("apiVersion", &format!("{prefix_doc}apiVersion"))
        .replace(
            "    - destination: {host: reviews, subset: v2}",
            &format!("{before_v2}    - destination: {{host: reviews, subset: v2}}"),
        )
}

#[test]
fn directives_next_line_document_file_unused_unknown() {
    let run = |vs: String| {
        let d = dir_with(&[("dr.yaml", DR), ("vs.yaml", &vs)]);
        compact(meshlint(d.path()).args(["check", "."]))
    };
    let (code, out) = run(vs_with(
        "",
        "    # meshlint: disable-next-line IST0101 -- v2 ships soon\n",
    ));
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("IST0101") && out.contains("ML101"), "{out}");
    let (code, out) = run(vs_with(
        "# meshlint: disable ML101,subset-not-found,not-in-input -- x\n",
        "",
    ));
    assert_eq!((code, out.as_str()), (0, ""));
    let (_, out) = run(vs_with("# meshlint: disable-file ML101\n", ""));
    assert!(out.contains("IST0101") && !out.contains("ML101"), "{out}");
    let (_, out) = run(vs_with("# meshlint: disable ML105, IST9999\n", ""));
    assert!(out.contains("warning[ML009] `ML105`"), "{out}");
    assert!(out.contains("warning[ML010] `IST9999`"), "{out}");
}

#[test]
fn annotation_suppression_still_works() {
    let vs = VS.replace(
        "metadata: {name: reviews, namespace: default}",
        "metadata:\n  name: reviews\n  namespace: default\n  annotations:\n    galley.istio.io/analyze-suppress: IST0101",
    );
    let d = dir_with(&[("dr.yaml", DR), ("vs.yaml", &vs)]);
    let (code, out) = compact(meshlint(d.path()).args(["check", "."]));
    assert_eq!(code, 0);
    assert!(!out.contains("IST0101"), "{out}");
}

#[test]
fn only_report_analyzes_everything_but_reports_the_listed_files() {
    // the DestinationRule (not listed) defines v2: the VirtualService is clean only with it
    let dr = DR.replace(
        "  - {name: v1, labels: {version: v1}}\n",
        "  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}\n",
    );
    let broken_dr = format!("{dr}---\nkind: [\n");
    let d = dir_with(&[("k8s/dr.yaml", &broken_dr), ("k8s/vs.yaml", VS)]);
    let (code, out) = compact(meshlint(d.path()).args(["check", "--only-report", "k8s/vs.yaml"]));
    // ML101 in vs.yaml is reported, the syntax error in dr.yaml is not; IST0101 is resolved
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("k8s/vs.yaml") && out.contains("ML101"),
        "{out}"
    );
    assert!(
        !out.contains("dr.yaml") && !out.contains("IST0101"),
        "{out}"
    );
    // listing the DestinationRule reports its error and fails
    let (code, out) =
        compact(meshlint(d.path()).args(["check", "k8s", "--report-only-for", "./k8s/dr.yaml"]));
    assert_eq!(code, 1);
    assert!(out.contains("ML001") && !out.contains("vs.yaml"), "{out}");
    // a listed file outside PATHS is analyzed too; deleted files are skipped
    let (code, out) = compact(meshlint(d.path().join("k8s").as_path()).args([
        "check",
        "vs.yaml",
        "--only-report",
        "dr.yaml",
        "gone.yaml",
    ]));
    assert_eq!(code, 1, "{out}");
}

#[test]
fn completions_and_man() {
    let d = TempDir::new().unwrap();
    for (shell, needle) in [
        ("bash", "_meshlint()"),
        ("zsh", "#compdef meshlint"),
        ("fish", "complete -c meshlint"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        meshlint(d.path())
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(needle))
            .stdout(predicate::str::contains("only-report"));
    }
    meshlint(d.path())
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::starts_with(".ie"))
        .stdout(predicate::str::contains("meshlint check"))
        .stdout(predicate::str::contains("\\-\\-sarif\\-root"));
}
