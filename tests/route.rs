//! The `route`, `test` and `graph` commands on testdata/bookinfo (snapshots), and exit codes.

use assert_cmd::Command;

fn meshlint() -> Command {
    let mut c = Command::cargo_bin("meshlint").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn run(args: &[&str]) -> (String, i32) {
    let out = meshlint().args(args).output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn route_text_and_json() {
    let (t, code) = run(&[
        "route",
        "reviews",
        "testdata/bookinfo/",
        "-H",
        "end-user=jason",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("route_reviews_jason_text", t);
    let (j, _) = run(&[
        "route",
        "reviews",
        "testdata/bookinfo/",
        "--format",
        "json",
        "--source-namespace",
        "bookinfo",
    ]);
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["outcome"]["kind"], "route");
    insta::assert_snapshot!("route_reviews_json", j);
}

#[test]
fn route_at_the_gateway() {
    let (t, code) = run(&[
        "route",
        "bookinfo.example.com",
        "testdata/bookinfo/",
        "--gateway",
        "istio-system/bookinfo-gateway",
        "--path",
        "/static/app.js",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("route_gateway_text", t);
    let (t, code) = run(&[
        "route",
        "bookinfo.example.com",
        "testdata/bookinfo/",
        "--gateway",
        "bookinfo-gateway",
        "--path",
        "/admin",
    ]);
    assert_eq!(code, 1, "no route exits 1");
    assert!(t.contains("uri: wants exact `/productpage`"), "{t}");
}

#[test]
fn route_without_virtual_service() {
    let (t, code) = run(&[
        "route",
        "ratings",
        "testdata/bookinfo/",
        "--source-namespace",
        "bookinfo",
    ]);
    assert_eq!(code, 0);
    assert!(t.contains("default route (no VirtualService)"), "{t}");
    assert!(t.contains("ratings.bookinfo.svc.cluster.local:9080"), "{t}");
}

#[test]
fn route_usage_errors() {
    let (_, code) = run(&["route", "x", "testdata/bookinfo/", "--gateway", "nope"]);
    assert_eq!(code, 2);
    let (_, code) = run(&["route", "x", "testdata/bookinfo/", "-H", "novalue"]);
    assert_eq!(code, 2);
}

#[test]
fn test_command_passes_and_fails() {
    let (t, code) = run(&[
        "test",
        "testdata/route-tests/bookinfo-tests.yaml",
        "testdata/route-tests/icv-tests.yaml",
        "testdata/bookinfo/",
    ]);
    assert_eq!(code, 0, "{t}");
    insta::assert_snapshot!("test_pass_text", t);
    let (t, code) = run(&[
        "test",
        "testdata/route-tests/failing-tests.yaml",
        "testdata/bookinfo/",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("test_fail_text", t);
    let (j, code) = run(&[
        "test",
        "testdata/route-tests/failing-tests.yaml",
        "testdata/bookinfo/",
        "--format",
        "junit",
    ]);
    assert_eq!(code, 1);
    assert!(j.contains("<failure"), "{j}");
    let (j, _) = run(&[
        "test",
        "testdata/route-tests/failing-tests.yaml",
        "testdata/bookinfo/",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["failed"], 1);
    let (_, code) = run(&["test", "testdata/bookinfo/"]);
    assert_eq!(code, 2, "no cases is a usage error");
}

#[test]
fn merged_gateway_routes_in_istiod_order() {
    let (t, code) = run(&[
        "test",
        "testdata/route-tests/gateway-merge-tests.yaml",
        "testdata/gateway-merge/",
    ]);
    assert_eq!(code, 0, "{t}");
    insta::assert_snapshot!("test_gateway_merge_text", t);
    let (t, code) = run(&[
        "route",
        "shop.example.com",
        "testdata/gateway-merge/",
        "--gateway",
        "shop/shop-gw",
        "--path",
        "/home",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("route_gateway_merge_text", t);
}

#[test]
fn graph_dot_and_mermaid() {
    let (dot, code) = run(&["graph", "testdata/bookinfo/"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("graph_dot", dot);
    let (mm, _) = run(&[
        "graph",
        "testdata/bookinfo/",
        "--format",
        "mermaid",
        "--host",
        "reviews",
    ]);
    insta::assert_snapshot!("graph_mermaid_reviews", mm);
    // render with graphviz when it is installed
    if let Ok(mut child) = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(dot.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "dot failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }
}
