//! Kustomize roots built for real (`kubectl kustomize` or `kustomize build`, whichever is on
//! PATH): each root is an environment, and findings point at the base or patch file that wrote
//! the value. Skipped, with the reason printed, when neither program is installed.

mod common;
use common::meshlint_in;
use std::path::Path;

fn builder_available() -> bool {
    ["kubectl", "kustomize"].iter().any(|p| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(p).is_file()))
    })
}

fn json(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = meshlint_in(root).args(args).output().unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), v)
}

fn findings(v: &serde_json::Value) -> Vec<(String, String, String)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["location"]["file"].as_str().unwrap_or("").to_string(),
                d["environment"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn overlays_are_built_and_findings_point_at_the_patch() {
    if !builder_available() {
        println!("skipped: neither kubectl nor kustomize is on PATH");
        return;
    }
    let (code, v) = json(&["check", "--no-config", "-f", "json", "testdata/kustomize"]);
    assert_eq!(code, Some(1), "{v}");
    // only prod has a problem, and it is where prod's patch wrote the subset
    assert_eq!(
        findings(&v),
        [(
            "IST0101".to_string(),
            "testdata/kustomize/overlays/prod/vs-patch.yaml".to_string(),
            "testdata/kustomize/overlays/prod".to_string()
        )],
        "{v}"
    );
    let d = &v["diagnostics"][0];
    assert_eq!(d["location"]["line"], 8);
    // the DestinationRule that applies is shown in the base, not in a rendering
    let related = d["related"][0]["location"]["file"].as_str().unwrap();
    assert_eq!(related, "testdata/kustomize/base/dr.yaml");
    assert!(!v.to_string().contains("kustomize build)"), "{v}");
}

/// Kustomize drops comments: the directives are read from the source file a finding is
/// carried back to, and judged there like those of any loaded file.
#[test]
fn comment_directives_in_source_files_apply_to_findings_carried_back() {
    if !builder_available() {
        println!("skipped: neither kubectl nor kustomize is on PATH");
        return;
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/kustomize");
    let read = |p: &str| std::fs::read_to_string(src.join(p)).unwrap();
    let patch = read("overlays/prod/vs-patch.yaml").replace(
        "    - destination: {host: reviews, subset: v9}",
        "    # meshlint: disable-next-line IST0101,ML101 -- v9 ships next week\n    - destination: {host: reviews, subset: v9}",
    );
    let files = [
        "base/kustomization.yaml",
        "base/dr.yaml",
        "base/svc.yaml",
        "base/vs.yaml",
        "overlays/dev/kustomization.yaml",
        "overlays/prod/kustomization.yaml",
    ];
    let mut with: Vec<(&str, String)> = files.iter().map(|f| (*f, read(f))).collect();
    with.push(("overlays/prod/vs-patch.yaml", patch));
    let borrowed: Vec<(&str, &str)> = with.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let dir = common::dir_with(&borrowed);
    let out = meshlint_in(dir.path())
        .args(["check", "--no-config", "-f", "json", "."])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // IST0101 is suppressed; ML101 suppresses nothing on that line and says so
    assert_eq!(
        findings(&v),
        [(
            "ML009".to_string(),
            "overlays/prod/vs-patch.yaml".to_string(),
            String::new()
        )],
        "{v}"
    );
    assert_eq!(v["diagnostics"][0]["location"]["line"], 8, "{v}");
    assert_eq!(out.status.code(), Some(0), "{v}");
}

#[test]
fn a_kustomization_file_without_extension_is_a_root() {
    if !builder_available() {
        println!("skipped: neither kubectl nor kustomize is on PATH");
        return;
    }
    let (_, v) = json(&[
        "check",
        "--no-config",
        "-f",
        "json",
        "testdata/kustomize-noext",
    ]);
    // the build set the namespace: the finding is on shop's VirtualService, in the source file
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "IST0101")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(d["resource"]["namespace"], "shop", "{v}");
    assert_eq!(
        d["location"]["file"], "testdata/kustomize-noext/routes.yaml",
        "{v}"
    );
}

#[test]
fn without_a_builder_the_files_are_plain_and_it_says_so() {
    let (code, v) = json(&[
        "check",
        "--no-config",
        "-f",
        "json",
        "--kustomize-bin",
        "/nonexistent/kubectl",
        "testdata/kustomize",
    ]);
    assert_eq!(code, Some(1));
    let f = findings(&v);
    let not_built: Vec<&(String, String, String)> =
        f.iter().filter(|(c, _, _)| c == "ML014").collect();
    assert_eq!(not_built.len(), 2, "{v}");
    // the patch is then a second copy of the VirtualService
    assert!(f.iter().any(|(c, _, _)| c == "ML011"), "{v}");
}

#[test]
fn remote_resources_are_not_fetched_by_default() {
    let (_, v) = json(&[
        "check",
        "--no-config",
        "-f",
        "json",
        "testdata/kustomize-remote",
    ]);
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "ML014")
        .expect("ML014");
    assert!(d["message"].as_str().unwrap().contains("--allow-remote"));
}
