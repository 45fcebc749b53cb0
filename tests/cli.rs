//! The command line, end to end: exit codes, formats, inputs (files, directories, stdin) and the
//! `rules` / `explain` subcommands.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;
use tempfile::TempDir;

/// A DestinationRule defining `v1`, and a VirtualService (no namespace) routing to `v1`.
const CLEAN: &str = "\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
";

/// An error (IST0101, subset `v2` undefined) and a warning (ML002, `subet`).
const FINDINGS: &str = "\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: default}
spec:
  host: ratings
  subsets:
  - {name: v1, labels: {version: v1}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: default}
spec:
  hosts: [ratings]
  http:
  - route:
    - destination: {host: ratings, subset: v2}
      weight: 50
    - destination: {host: ratings, subet: v1}
      weight: 50
";

/// Only a warning (ML002).
const WARNING_ONLY: &str = "\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: details, namespace: default}
spec:
  hosts: [details]
  http:
  - route:
    - destination: {host: details}
    retry: {attempts: 3}
";

fn meshlint() -> Command {
    let mut c = Command::cargo_bin("meshlint").unwrap();
    for var in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR"] {
        c.env_remove(var);
    }
    c
}

fn write(dir: &Path, name: &str, content: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

fn dir_with(files: &[(&str, &str)]) -> TempDir {
    let d = TempDir::new().unwrap();
    for (n, c) in files {
        write(d.path(), n, c);
    }
    d
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

fn json_of(cmd: &mut Command) -> serde_json::Value {
    serde_json::from_str(&stdout_of(cmd)).expect("stdout is JSON")
}

/// Codes in a JSON report, without `not-in-input` (ML012, info): the fixtures here hold no
/// Services, so their destination hosts are "not in the input" (tests/ci.rs and the rule
/// fixtures cover that finding).
fn json_codes(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .filter(|c| c != "ML012")
        .collect()
}

// ---------------------------------------------------------------------------------------------
// exit codes

#[test]
fn clean_input_exits_0() {
    let d = dir_with(&[("a.yaml", CLEAN)]);
    meshlint()
        .current_dir(d.path())
        // the Service of `reviews` is not in the input: an info finding, not a problem here
        .args(["check", "--ignore", "not-in-input", "a.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "no problems in 1 file, 2 resources",
        ));
}

#[test]
fn findings_exit_1() {
    let d = dir_with(&[("a.yaml", FINDINGS)]);
    meshlint()
        .current_dir(d.path())
        .args(["check", "a.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("IST0101"));
}

#[test]
fn missing_path_exits_2() {
    let d = TempDir::new().unwrap();
    meshlint()
        .current_dir(d.path())
        .args(["check", "does-not-exist.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does-not-exist.yaml"));
}

#[test]
fn unknown_select_rule_exits_2() {
    let d = dir_with(&[("a.yaml", CLEAN)]);
    meshlint()
        .current_dir(d.path())
        .args(["check", "--select", "no-such-rule", "a.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule `no-such-rule`"));
    meshlint()
        .current_dir(d.path())
        .args(["check", "--ignore", "ML999", "a.yaml"])
        .assert()
        .code(2);
}

#[test]
fn empty_directory_exits_2() {
    let d = TempDir::new().unwrap();
    std::fs::create_dir(d.path().join("empty")).unwrap();
    write(d.path(), "empty/readme.txt", "not a manifest");
    meshlint()
        .current_dir(d.path())
        .args(["check", "empty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no .yaml, .yml or .json files"));
}

#[test]
fn bad_flag_values_exit_2() {
    let d = dir_with(&[("a.yaml", CLEAN)]);
    meshlint()
        .current_dir(d.path())
        .args(["check", "--failure-threshold", "fatal", "a.yaml"])
        .assert()
        .code(2);
    meshlint()
        .current_dir(d.path())
        .args(["check", "--format", "xml", "a.yaml"])
        .assert()
        .code(2);
}

#[test]
fn failure_threshold_warning_makes_a_warning_fail() {
    let d = dir_with(&[("w.yaml", WARNING_ONLY)]);
    meshlint()
        .current_dir(d.path())
        .args(["check", "w.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ML002"));
    meshlint()
        .current_dir(d.path())
        .args(["check", "--failure-threshold", "warning", "w.yaml"])
        .assert()
        .code(1);
    // istioctl's spelling is accepted too
    meshlint()
        .current_dir(d.path())
        .args(["check", "--failure-threshold", "Warning", "w.yaml"])
        .assert()
        .code(1);
}

#[test]
fn output_threshold_hides_lower_severities_but_not_the_exit_code() {
    let d = dir_with(&[("a.yaml", FINDINGS)]);
    let out = stdout_of(meshlint().current_dir(d.path()).args([
        "check",
        "-f",
        "compact",
        "--output-threshold",
        "error",
        "a.yaml",
    ]));
    assert!(out.contains("IST0101"), "{out}");
    assert!(!out.contains("ML002"), "{out}");
    // the hidden warning still fails with --failure-threshold warning; a hidden-only finding
    // set fails too (the threshold is about the exit code, not what is printed)
    let w = dir_with(&[("w.yaml", WARNING_ONLY)]);
    meshlint()
        .current_dir(w.path())
        .args([
            "check",
            "--output-threshold",
            "error",
            "--failure-threshold",
            "warning",
            "-f",
            "compact",
            "w.yaml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    // in JSON, only the printed diagnostics are listed
    let v = json_of(meshlint().current_dir(d.path()).args([
        "check",
        "-f",
        "json",
        "--output-threshold",
        "error",
        "a.yaml",
    ]));
    assert_eq!(json_codes(&v), vec!["IST0101"]);
}

// ---------------------------------------------------------------------------------------------
// formats

#[test]
fn pretty_has_no_colour_when_not_a_terminal() {
    let d = dir_with(&[("a.yaml", FINDINGS)]);
    let out = stdout_of(meshlint().current_dir(d.path()).args(["check", "a.yaml"]));
    assert!(out.contains("IST0101 subset-not-found"), "{out}");
    assert!(out.contains("a.yaml:16:"), "{out}");
    assert!(
        !out.contains('\x1b'),
        "escape codes in piped output:\n{out}"
    );
}

#[test]
fn no_color_wins_over_force() {
    let d = dir_with(&[("a.yaml", FINDINGS)]);
    let forced = stdout_of(
        meshlint()
            .current_dir(d.path())
            .env("CLICOLOR_FORCE", "1")
            .args(["check", "a.yaml"]),
    );
    assert!(forced.contains('\x1b'), "CLICOLOR_FORCE should colour");
    let out = stdout_of(
        meshlint()
            .current_dir(d.path())
            .env("NO_COLOR", "1")
            .env("CLICOLOR_FORCE", "1")
            .args(["check", "a.yaml"]),
    );
    assert!(!out.contains('\x1b'), "NO_COLOR ignored:\n{out}");
    let always = stdout_of(
        meshlint()
            .current_dir(d.path())
            .args(["check", "--color", "always", "a.yaml"]),
    );
    assert!(always.contains('\x1b'));
    let never = stdout_of(
        meshlint()
            .current_dir(d.path())
            .env("FORCE_COLOR", "1")
            .args(["check", "--color", "never", "a.yaml"]),
    );
    assert!(!never.contains('\x1b'));
}

#[test]
fn compact_line_shape() {
    let d = dir_with(&[("a.yaml", FINDINGS)]);
    let out = stdout_of(meshlint().current_dir(d.path()).args([
        "check",
        "--ignore",
        "not-in-input",
        "--format",
        "compact",
        "a.yaml",
    ]));
    let re = regex::Regex::new(
        r"^[^:\s]+:\d+:\d+: (error|warning|info)\[(IST\d{4}|ML\d{3})\] .+ \([A-Za-z]+ [a-z0-9-]+/[a-z0-9.-]+\)$",
    )
    .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    for l in &lines {
        assert!(re.is_match(l), "bad compact line: {l}");
    }
    assert!(
        lines[0].starts_with("a.yaml:16:44: error[IST0101] subset `v2` is not defined"),
        "{}",
        lines[0]
    );
    assert!(lines[0].ends_with("(VirtualService default/ratings)"));
    assert!(
        lines[1].starts_with("a.yaml:18:36: warning[ML002] unknown field `subet`"),
        "{}",
        lines[1]
    );
}

#[test]
fn json_contract() {
    let d = dir_with(&[
        ("b.yaml", FINDINGS),
        ("a.yaml", WARNING_ONLY),
        ("c.yaml", CLEAN),
    ]);
    let v = json_of(meshlint().current_dir(d.path()).args([
        "check",
        "--ignore",
        "not-in-input",
        "-f",
        "json",
        ".",
    ]));
    assert_eq!(v["version"], 1);
    let s = &v["summary"];
    assert_eq!(s["files"], 3);
    assert_eq!(s["resources"], 5);
    assert_eq!(s["errors"], 1);
    assert_eq!(s["warnings"], 2);
    assert_eq!(s["infos"], 0);
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 3);
    for d in diags {
        for key in [
            "code", "rule", "severity", "message", "help", "resource", "location", "related",
        ] {
            assert!(d.get(key).is_some(), "missing `{key}` in {d}");
        }
    }
    let keys: Vec<(String, u64, u64, String)> = diags
        .iter()
        .map(|d| {
            let l = &d["location"];
            (
                l["file"].as_str().unwrap().to_string(),
                l["line"].as_u64().unwrap(),
                l["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "diagnostics are not sorted by file/line/column/code"
    );
    assert!(keys[0].0.ends_with("a.yaml"));
    assert_eq!(diags[1]["resource"]["kind"], "VirtualService");
    assert_eq!(diags[1]["resource"]["namespace"], "default");
    assert_eq!(diags[1]["resource"]["name"], "ratings");
}

#[test]
fn json_of_a_clean_run() {
    let d = dir_with(&[("a.yaml", CLEAN)]);
    let v = json_of(meshlint().current_dir(d.path()).args([
        "check",
        "--ignore",
        "not-in-input",
        "-f",
        "json",
        "a.yaml",
    ]));
    assert_eq!(v["version"], 1);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["resources"], 2);
}

// ---------------------------------------------------------------------------------------------
// inputs

#[test]
fn stdin_via_dash() {
    meshlint()
        .args(["check", "-f", "compact", "-"])
        .write_stdin(FINDINGS)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<stdin>:16:44: error[IST0101]"));
    meshlint()
        .args(["check", "-"])
        .write_stdin(CLEAN)
        .assert()
        .code(0);
}

#[test]
fn stdin_and_files_together() {
    // the VirtualService on stdin finds the DestinationRule in the file
    let d = dir_with(&[(
        "dr.yaml",
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r, namespace: default}\nspec:\n  host: reviews\n  subsets: [{name: v1, labels: {v: '1'}}]\n",
    )]);
    meshlint()
        .current_dir(d.path())
        .args(["check", "dr.yaml", "-"])
        .write_stdin("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r, namespace: default}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: v1}\n")
        .assert()
        .code(0);
}

#[test]
fn broken_file_next_to_a_good_one() {
    let d = dir_with(&[
        ("good.yaml", FINDINGS),
        (
            "broken.yaml",
            "apiVersion: v1\nkind: [ConfigMap\nmetadata: {name: x}\n",
        ),
    ]);
    let out = stdout_of(
        meshlint()
            .current_dir(d.path())
            .args(["check", "-f", "compact", "."]),
    );
    assert!(out.contains("broken.yaml:3:"), "{out}");
    assert!(out.contains("error[ML001]"), "{out}");
    assert!(out.contains("good.yaml:16:44: error[IST0101]"), "{out}");
    meshlint()
        .current_dir(d.path())
        .args(["check", "."])
        .assert()
        .code(1);
}

#[test]
fn directories_are_walked_and_hidden_ones_skipped() {
    let d = dir_with(&[
        ("manifests/a.yaml", CLEAN),
        ("manifests/nested/b.yml", WARNING_ONLY),
        ("manifests/.git/config.yaml", FINDINGS),
        ("manifests/.hidden.yaml", FINDINGS),
        ("manifests/notes.txt", FINDINGS),
    ]);
    let v = json_of(
        meshlint()
            .current_dir(d.path())
            .args(["check", "-f", "json", "manifests"]),
    );
    assert_eq!(v["summary"]["files"], 2, "{v}");
    assert_eq!(json_codes(&v), vec!["ML002"]);
}

#[test]
fn a_hidden_directory_given_explicitly_is_checked() {
    let d = dir_with(&[(".config/a.yaml", FINDINGS)]);
    meshlint()
        .current_dir(d.path())
        .args(["check", ".config"])
        .assert()
        .code(1);
}

#[cfg(unix)]
#[test]
fn symlink_loop_does_not_hang() {
    let d = dir_with(&[("m/a.yaml", FINDINGS)]);
    std::os::unix::fs::symlink(d.path().join("m"), d.path().join("m/loop")).unwrap();
    std::os::unix::fs::symlink("self", d.path().join("m/self")).unwrap();
    let start = std::time::Instant::now();
    let v = json_of(
        meshlint()
            .current_dir(d.path())
            .timeout(std::time::Duration::from_secs(30))
            .args(["check", "-f", "json", "m"]),
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(v["summary"]["files"], 1);
    assert_eq!(json_codes(&v), vec!["IST0101", "ML002"]);
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_ml006_and_the_rest_is_analyzed() {
    use std::os::unix::fs::PermissionsExt;
    let d = dir_with(&[("a.yaml", FINDINGS), ("locked.yaml", CLEAN)]);
    let locked = d.path().join("locked.yaml");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!("running with privileges that read a mode-000 file; skipping the assertion");
        return;
    }
    let v = json_of(
        meshlint()
            .current_dir(d.path())
            .args(["check", "-f", "json", "."]),
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
    let codes = json_codes(&v);
    assert!(codes.contains(&"ML006".to_string()), "{v}");
    assert!(codes.contains(&"IST0101".to_string()), "{v}");
    let ml006 = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "ML006")
        .unwrap();
    assert!(ml006["location"]["file"]
        .as_str()
        .unwrap()
        .ends_with("locked.yaml"));
}

/// An I/O error that even root gets (the chmod test above is skipped when running as root):
/// reading `/proc/self/mem` from offset 0 fails with EIO.
#[cfg(target_os = "linux")]
#[test]
fn io_error_is_ml006_and_the_rest_is_analyzed() {
    if std::fs::metadata("/proc/self/mem").is_err() {
        return;
    }
    let d = dir_with(&[("a.yaml", FINDINGS)]);
    let out = stdout_of(meshlint().current_dir(d.path()).args([
        "check",
        "-f",
        "compact",
        "/proc/self/mem",
        "a.yaml",
    ]));
    assert!(
        out.contains("/proc/self/mem:1:1: error[ML006] cannot read file"),
        "{out}"
    );
    assert!(out.contains("a.yaml:16:44: error[IST0101]"), "{out}");
}

#[test]
fn binary_file_is_ml006() {
    let d = TempDir::new().unwrap();
    std::fs::write(d.path().join("img.yaml"), [0x89, b'P', b'N', b'G', 0, 0, 1]).unwrap();
    write(d.path(), "a.yaml", CLEAN);
    let v = json_of(
        meshlint()
            .current_dir(d.path())
            .args(["check", "-f", "json", "."]),
    );
    assert_eq!(json_codes(&v), vec!["ML006"]);
    assert_eq!(v["summary"]["resources"], 2);
}

#[test]
fn max_file_size_flag() {
    let d = dir_with(&[(
        "a.yaml",
        &format!("{CLEAN}# {}\n", "x".repeat(2 * 1024 * 1024)),
    )]);
    meshlint()
        .current_dir(d.path())
        .args(["check", "-f", "compact", "--max-file-size", "1", "a.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[ML005]"));
    meshlint()
        .current_dir(d.path())
        .args(["check", "a.yaml"])
        .assert()
        .code(0);
}

// ---------------------------------------------------------------------------------------------
// options

#[test]
fn namespace_changes_the_default_namespace() {
    let d = dir_with(&[("a.yaml", CLEAN)]);
    meshlint()
        .current_dir(d.path())
        .args(["check", "a.yaml"])
        .assert()
        .code(0);
    // in `shop`, `reviews` is reviews.shop.svc.cluster.local: the DestinationRule for
    // reviews.default does not apply
    meshlint()
        .current_dir(d.path())
        .args(["check", "-f", "compact", "-n", "shop", "a.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("(VirtualService shop/reviews)"))
        .stdout(predicate::str::contains("reviews.shop.svc.cluster.local"));
}

#[test]
fn analyzer_restricts_rules() {
    let d = dir_with(&[("a.yaml", FINDINGS), ("broken.yaml", "a: [1\n")]);
    let v = json_of(meshlint().current_dir(d.path()).args([
        "check",
        "-f",
        "json",
        "--analyzer",
        "virtualservice.DestinationRuleAnalyzer",
        ".",
    ]));
    // subset-not-found mirrors that analyzer; unknown-field does not; input errors stay
    assert_eq!(json_codes(&v), vec!["IST0101", "ML001"]);
}

#[test]
fn select_and_ignore() {
    let d = dir_with(&[("a.yaml", FINDINGS)]);
    let v = json_of(meshlint().current_dir(d.path()).args([
        "check",
        "-f",
        "json",
        "--select",
        "unknown-field",
        "a.yaml",
    ]));
    assert_eq!(json_codes(&v), vec!["ML002"]);
    let v = json_of(meshlint().current_dir(d.path()).args([
        "check",
        "-f",
        "json",
        "--ignore",
        "IST0101,ML002",
        "a.yaml",
    ]));
    assert_eq!(json_codes(&v), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// rules and explain

#[test]
fn rules_lists_codes() {
    let out = stdout_of(meshlint().args(["rules"]));
    for code in ["ML001", "ML002", "ML005", "ML006", "ML008", "IST0101"] {
        assert!(out.contains(code), "{code} missing:\n{out}");
    }
    assert!(out.contains("subset-not-found"));
    let v: serde_json::Value =
        serde_json::from_str(&stdout_of(meshlint().args(["rules", "--format", "json"]))).unwrap();
    let arr = v.as_array().unwrap();
    assert!(arr.iter().any(
        |r| r["code"] == "IST0101" && r["analyzer"] == "virtualservice.DestinationRuleAnalyzer"
    ));
}

#[test]
fn explain_prints_the_doc() {
    meshlint()
        .args(["explain", "IST0101"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# IST0101 `subset-not-found`"))
        .stdout(predicate::str::contains("## Fix"));
    meshlint()
        .args(["explain", "yaml-syntax-error"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# ML001 `yaml-syntax-error`"));
    meshlint()
        .args(["explain", "ml006"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("unreadable-input"));
}

#[test]
fn explain_unknown_rule_exits_2() {
    meshlint()
        .args(["explain", "nope"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("no rule `nope`"));
}

// ---------------------------------------------------------------------------------------------
// environments

/// testdata/cli/environments copied to a temporary directory, with or without its declaration.
fn environments_repo(declared: bool) -> TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/cli/environments");
    let d = TempDir::new().unwrap();
    for f in [
        "base/svc.yaml",
        "clusters/prod/vs.yaml",
        "clusters/staging/vs.yaml",
    ] {
        let text = std::fs::read_to_string(src.join(f)).unwrap();
        write(d.path(), f, &text);
    }
    if declared {
        let cfg = std::fs::read_to_string(src.join("meshlint.toml.txt")).unwrap();
        write(d.path(), "meshlint.toml", &cfg);
    }
    d
}

#[test]
fn environments_undeclared_keep_one_copy_and_name_the_folders() {
    let d = environments_repo(false);
    let out = meshlint()
        .current_dir(d.path())
        .args(["check", "-f", "json", "."])
        .output()
        .unwrap();
    // staging's copy is last in path order: the cluster would keep it, and it is valid
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json_codes(&v), vec!["ML011"]);
    let help = v["diagnostics"][0]["help"].as_str().unwrap();
    assert!(
        help.contains("[environments]") && help.contains("clusters/prod"),
        "{help}"
    );
    assert!(v["diagnostics"][0].get("environment").is_none());
}

#[test]
fn environments_declared_are_analysed_apart_in_every_format() {
    let d = environments_repo(true);
    let run = |format: &str| {
        let out = meshlint()
            .current_dir(d.path())
            .args(["check", "-f", format, "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    let v: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    // no copy of the VirtualService replaces the other: prod's wrong subset is found, in prod
    assert_eq!(json_codes(&v), vec!["IST0101"], "{v}");
    assert_eq!(diags[0]["environment"], "prod");
    assert!(diags[0]["location"]["file"]
        .as_str()
        .unwrap()
        .contains("clusters/prod/vs.yaml"));
    for format in ["compact", "github", "gitlab", "junit", "istioctl"] {
        let out = run(format);
        assert!(out.contains("[prod] "), "{format}: {out}");
    }
    assert!(run("pretty").contains("environment prod"));
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["properties"]["environment"],
        "prod"
    );
}

// ---------------------------------------------------------------------------------------------
// Helm

#[test]
fn helm_chart_directories_are_not_parsed_as_yaml() {
    let d = dir_with(&[
        ("charts/shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n"),
        ("charts/shop/values.yaml", "host: shop.example.com\nreplicas: 2\n"),
        (
            "charts/shop/templates/vs.yaml",
            "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  hosts: [{{ .Values.host | quote }}]\n",
        ),
        ("charts/shop/templates/_helpers.tpl", "{{- define \"x\" -}}{{- end -}}\n"),
    ]);
    let out = meshlint()
        .current_dir(d.path())
        .args(["check", "-f", "json", "charts"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json_codes(&v), vec!["ML013"], "{v}");
    let d0 = &v["diagnostics"][0];
    assert_eq!(d0["location"]["file"], "charts/shop/Chart.yaml");
    assert!(
        d0["message"].as_str().unwrap().contains("2 template files"),
        "{d0}"
    );
    assert!(d0["help"]
        .as_str()
        .unwrap()
        .contains("helm template shop charts/shop"));
}

#[test]
fn helm_template_output_on_stdin_names_the_templates() {
    let rendered = "\
---
# Source: shop/templates/dr.yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web
  subsets:
  - {name: v1, labels: {version: v1}}
---
# Source: shop/templates/vs.yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - route:
    - destination: {host: web, subset: v2}
";
    let out = meshlint()
        .args([
            "check",
            "--no-config",
            "-f",
            "compact",
            "--ignore",
            "not-in-input",
            "-",
        ])
        .write_stdin(rendered)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("shop/templates/vs.yaml:9:40: error[IST0101] subset `v2`"),
        "{text}"
    );
}

/// A stand-in for `helm` (the test machine need not have it): prints what `helm template`
/// prints for a one-template chart, with the release name it was given.
fn fake_helm(dir: &Path) -> std::ffi::OsString {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = "#!/bin/sh\n[ \"$1\" = template ] || exit 2\ncat <<EOF\n---\n# Source: shop/templates/vs.yaml\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: $2, namespace: shop}\nspec:\n  hosts: [\"shop.example.com\"]\n  http:\n  - route:\n    - destination: {host: web, subset: v2}\nEOF\n";
    let p = bin.join("helm");
    std::fs::write(&p, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![bin];
    paths.extend(std::env::split_paths(&path));
    std::env::join_paths(paths).unwrap()
}

#[test]
fn helm_flag_renders_charts_as_environments() {
    let d = dir_with(&[
        ("charts/shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n"),
        ("charts/shop/templates/vs.yaml", "{{ .Values.x }}\n"),
        (
            "istio/dr.yaml",
            "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: web, namespace: shop}\nspec:\n  host: web\n  subsets:\n  - {name: v1, labels: {version: v1}}\n",
        ),
    ]);
    let path = fake_helm(d.path());
    let out = meshlint()
        .current_dir(d.path())
        .env("PATH", &path)
        .args([
            "check",
            "-f",
            "compact",
            "--ignore",
            "not-in-input",
            "--helm",
            "charts",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // the template is named below the chart's directory, in the chart's environment
    assert!(
        text.contains("charts/shop/templates/vs.yaml:9:40: error[IST0101]"),
        "{text}"
    );
    assert!(!text.contains("ML013"), "{text}");
    // without helm on PATH the chart is reported as not rendered, with the reason
    let out = meshlint()
        .current_dir(d.path())
        .env("PATH", "/nonexistent")
        .args(["check", "-f", "compact", "--helm", "charts"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("info[ML013]") && text.contains("`helm` is not on PATH"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// context inputs

#[test]
fn context_resolves_references_and_is_never_reported() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: shop}\nspec:\n  selector: {app: reviews}\n  ports: [{name: http, port: 9080}]\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews, namespace: shop}\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: nope}\n";
    let vs = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews, namespace: shop}\nspec:\n  hosts: [reviews]\n  http:\n  - match: [{uri: {prefix: /v2}}]\n    route:\n    - destination: {host: ratings}\n  - route:\n    - destination: {host: reviews}\n";
    let d = dir_with(&[("cluster/dump.yaml", svc), ("istio/vs.yaml", vs)]);
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--no-config", "-f", "json", "istio"];
        args.extend_from_slice(extra);
        json_of(meshlint().current_dir(d.path()).args(&args))
    };
    // without context: neither host can be checked
    let v = run(&[]);
    let all: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(all, ["ML012", "ML012"], "{v}");
    // with it: `reviews` resolves; `ratings` is missing from namespace `shop`, which the context
    // shows: an error. The context's own VirtualService (a copy of the checked one, with a
    // wrong subset) is replaced by the checked copy and never reported.
    let v = run(&["--context", "cluster/dump.yaml"]);
    let found: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["location"]["file"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("IST0101".to_string(), "istio/vs.yaml".to_string())],
        "{v}"
    );
    assert!(v["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("ratings"));
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn replaced_copies_keep_their_per_document_checks() {
    // a.yaml is replaced by b.yaml (path order), but its own mistakes are still reported
    let a = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r, namespace: shop}\nspec:\n  hosts: [r]\n  http:\n  - route:\n    - destination: {host: r}\n  - route:\n    - destination: {host: r}\n      weight: -1\n";
    let b = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r, namespace: shop}\nspec:\n  hosts: [r]\n  http:\n  - route:\n    - destination: {host: r}\n";
    let d = dir_with(&[("a.yaml", a), ("b.yaml", b)]);
    let v =
        json_of(
            meshlint()
                .current_dir(d.path())
                .args(["check", "--no-config", "-f", "json", "."]),
        );
    let got: Vec<(String, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] != "ML012")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["location"]["file"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // the unreachable rule (IST0130) and the negative weight (Istio's validation, IST0106)
    // of the replaced copy, and one duplicate-object finding on the kept copy
    assert!(
        got.contains(&("IST0130".to_string(), "./a.yaml".to_string())),
        "{v}"
    );
    assert!(
        got.contains(&("IST0106".to_string(), "./a.yaml".to_string())),
        "{v}"
    );
    assert!(
        got.contains(&("ML011".to_string(), "./b.yaml".to_string())),
        "{v}"
    );
}
