//! `meshlint diff` end to end, over real git repositories built in a temporary directory
//! (skipped, with the reason printed, when `git` is not installed).

use assert_cmd::Command;
use std::path::Path;
use tempfile::TempDir;

/// Bookinfo's reviews: a Service, three Deployments, a DestinationRule with subsets v1..v3 and a
/// VirtualService sending `end-user: jason` to v2 and everything else to v1 90 % / v3 10 %.
const BASE: &str = include_str!("../testdata/diff/base.yaml");

fn have_git() -> bool {
    let ok = std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: `git` is not installed");
    }
    ok
}

struct Repo {
    dir: TempDir,
}

impl Repo {
    fn new() -> Repo {
        let r = Repo {
            dir: TempDir::new().unwrap(),
        };
        r.git(&["init", "-q"]);
        r
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) {
        let out = std::process::Command::new("git")
            .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn commit(&self, msg: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", msg]);
    }

    /// Runs `meshlint diff ARGS` in the repository: (exit code, stdout, stderr).
    fn diff(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::cargo_bin("meshlint")
            .unwrap()
            .arg("diff")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    }

    fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let mut a = args.to_vec();
        a.extend(["--format", "json"]);
        let (code, out, err) = self.diff(&a);
        let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
        (code, v)
    }
}

fn jason_to_v3(text: &str) -> String {
    text.replace("        subset: v2\n", "        subset: v3\n")
}

fn weights_50_50(text: &str) -> String {
    text.replace("weight: 90", "weight: 50")
        .replace("weight: 10", "weight: 50")
}

/// The classes that changed, as (class, before, after) texts.
fn classes(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["routing"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["classes"].as_array().unwrap().iter())
        .map(|c| {
            (
                c["class"].as_str().unwrap().to_string(),
                c["before_text"].as_str().unwrap().to_string(),
                c["after_text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn t(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.to_string(), b.to_string(), c.to_string())
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "../testdata/snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn jason_moved_from_v2_to_v3_in_the_working_tree() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    r.write("reviews.yaml", BASE);
    r.commit("base");
    r.write("reviews.yaml", &jason_to_v3(BASE));
    // HEAD defaults to the working tree
    let (code, v) = r.json(&["HEAD"]);
    assert_eq!(code, 0);
    assert_eq!(v["head"], "working tree");
    assert_eq!(
        classes(&v),
        vec![t(
            "requests with header end-user: jason",
            "v2 100%",
            "v3 100%"
        )]
    );
    assert_eq!(
        v["routing"][0]["title"],
        "reviews.bookinfo (mesh), port 9080"
    );
}

#[test]
fn weight_change() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    r.write("reviews.yaml", BASE);
    r.commit("base");
    r.write("reviews.yaml", &weights_50_50(BASE));
    r.commit("50/50");
    let (code, v) = r.json(&["HEAD~1", "HEAD"]);
    assert_eq!(code, 0);
    assert_eq!(
        classes(&v),
        vec![t("all other requests", "v1 90%, v3 10%", "v1 50%, v3 50%")]
    );
    // --fail-on-any: a routing change fails too
    let (code, _, _) = r.diff(&["HEAD~1", "HEAD", "--fail-on-any"]);
    assert_eq!(code, 1);
}

#[test]
fn three_formats() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    r.write("reviews.yaml", BASE);
    r.commit("base");
    r.write("reviews.yaml", &weights_50_50(&jason_to_v3(BASE)));
    r.commit("jason to v3, 50/50");
    for (format, name) in [
        ("pretty", "diff-jason-weights.pretty"),
        ("json", "diff-jason-weights.json"),
        ("markdown", "diff-jason-weights.markdown"),
    ] {
        let (code, out, err) = r.diff(&["HEAD~1", "HEAD", "--format", format]);
        assert_eq!(code, 0, "{err}");
        snapshot(name, &out);
    }
}

#[test]
fn new_catch_all_makes_a_later_rule_unreachable() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    r.write("reviews.yaml", BASE);
    r.commit("base");
    let head = BASE.replace(
        "  http:\n  - match:\n",
        "  http:\n  - route:\n    - destination:\n        host: reviews\n        subset: v1\n  - match:\n",
    );
    r.write("reviews.yaml", &head);
    r.commit("catch-all first");
    let (code, v) = r.json(&["HEAD~1", "HEAD"]);
    // the unreachable rule is a warning: below the default failure threshold
    assert_eq!(code, 0);
    assert_eq!(
        classes(&v),
        vec![
            t("requests with header end-user: jason", "v2 100%", "v1 100%"),
            t("all other requests", "v1 90%, v3 10%", "v1 100%"),
        ]
    );
    let introduced: Vec<&str> = v["findings"]["introduced"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(introduced.contains(&"IST0130"), "{introduced:?}");
    let (code, _, _) = r.diff(&["HEAD~1", "HEAD", "--failure-threshold", "warning"]);
    assert_eq!(code, 1);
}

#[test]
fn removed_destination_rule_subset() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    r.write("reviews.yaml", BASE);
    r.commit("base");
    r.write(
        "reviews.yaml",
        &BASE.replace("  - name: v2\n    labels:\n      version: v2\n", ""),
    );
    r.commit("drop v2");
    let (code, v) = r.json(&["HEAD~1", "HEAD"]);
    assert_eq!(code, 1, "a new IST0101 error fails");
    let introduced = v["findings"]["introduced"].as_array().unwrap();
    assert_eq!(introduced.len(), 1, "{introduced:?}");
    assert_eq!(introduced[0]["code"], "IST0101");
    assert_eq!(introduced[0]["severity"], "error");
    assert_eq!(v["policies"][0]["destination_rule"], "bookinfo/reviews");
    assert_eq!(v["policies"][0]["changes"][0], "subset v2 removed");
    assert_eq!(
        classes(&v),
        vec![t(
            "requests with header end-user: jason",
            "v2 100%",
            "v2 100% (subset not defined: 503)"
        )]
    );
    let (_, md, _) = r.diff(&["HEAD~1", "HEAD", "--format", "markdown"]);
    snapshot("diff-removed-subset.markdown", &md);
}

#[test]
fn renamed_file_changes_nothing() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    // a finding in the base (subset v4 does not exist), so that its fingerprint is compared
    r.write(
        "manifests/reviews.yaml",
        &BASE.replace("        subset: v2\n", "        subset: v4\n"),
    );
    r.commit("base");
    std::fs::create_dir_all(r.path().join("routing")).unwrap();
    r.git(&["mv", "manifests/reviews.yaml", "routing/all.yaml"]);
    r.commit("rename");
    let (code, v) = r.json(&["HEAD~1", "HEAD"]);
    assert_eq!(code, 0);
    assert_eq!(v["routing"].as_array().unwrap().len(), 0);
    assert_eq!(v["policies"].as_array().unwrap().len(), 0);
    assert_eq!(v["summary"]["findings"]["introduced"], 0);
    assert_eq!(v["summary"]["findings"]["fixed"], 0);
    assert!(v["summary"]["findings"]["unchanged"].as_u64().unwrap() >= 1);
}

#[test]
fn change_in_a_second_environment_only() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    r.write(
        "meshlint.toml",
        "[environments]\nprod = [\"prod/**\"]\nstaging = [\"staging/**\"]\n",
    );
    r.write("prod/reviews.yaml", BASE);
    r.write("staging/reviews.yaml", BASE);
    r.commit("two environments");
    r.write("staging/reviews.yaml", &weights_50_50(BASE));
    r.commit("staging 50/50");
    let (code, v) = r.json(&["HEAD~1", "HEAD"]);
    assert_eq!(code, 0);
    let routing = v["routing"].as_array().unwrap();
    assert_eq!(routing.len(), 1, "{routing:?}");
    assert_eq!(routing[0]["environment"], "staging");
    assert_eq!(
        routing[0]["title"],
        "[staging] reviews.bookinfo (mesh), port 9080"
    );
    assert_eq!(v["summary"]["findings"]["introduced"], 0);
}

#[test]
fn unknown_revision_is_a_usage_error() {
    if !have_git() {
        return;
    }
    let r = Repo::new();
    r.write("reviews.yaml", BASE);
    r.commit("base");
    let (code, out, err) = r.diff(&["no-such-branch"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("unknown revision `no-such-branch`"), "{err}");
}

#[test]
fn two_directories() {
    // no git needed
    let dir = TempDir::new().unwrap();
    for (side, text) in [("old", BASE.to_string()), ("new", jason_to_v3(BASE))] {
        let p = dir.path().join(side);
        std::fs::create_dir_all(&p).unwrap();
        std::fs::write(p.join("reviews.yaml"), text).unwrap();
    }
    let out = Command::cargo_bin("meshlint")
        .unwrap()
        .args(["diff", "old", "new", "--no-config"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("meshlint diff old → new"), "{text}");
    assert!(
        text.contains("requests with header end-user: jason"),
        "{text}"
    );
}
