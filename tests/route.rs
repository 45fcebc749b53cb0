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

#[test]
fn gateway_api_cases_pass() {
    let (t, code) = run(&[
        "test",
        "testdata/route-tests/gateway-api-tests.yaml",
        "testdata/gateway-api-route/",
    ]);
    assert_eq!(code, 0, "{t}");
    assert!(t.contains("28 passed, 0 failed"), "{t}");
}

#[test]
fn gateway_api_route_text_and_json() {
    let (t, code) = run(&[
        "route",
        "shop.example.com",
        "testdata/gateway-api-route/",
        "--gateway",
        "infra/web",
        "--path",
        "/api/v1/items",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("route_gateway_api_precedence_text", t);
    let (t, _) = run(&[
        "route",
        "filters.example.com",
        "testdata/gateway-api-route/",
        "--gateway",
        "web",
        "--path",
        "/partial",
    ]);
    insta::assert_snapshot!("route_gateway_api_partial_text", t);
    let (j, _) = run(&[
        "route",
        "filters.example.com",
        "testdata/gateway-api-route/",
        "--gateway",
        "infra/web",
        "--path",
        "/old/a",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["outcome"]["kind"], "redirect");
    assert_eq!(v["outcome"]["status"], 302);
    insta::assert_snapshot!("route_gateway_api_redirect_json", j);
    let (j, _) = run(&[
        "route",
        "filters.example.com",
        "testdata/gateway-api-route/",
        "--gateway",
        "infra/web",
        "--path",
        "/missing",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["outcome"]["kind"], "direct_response");
    assert_eq!(v["outcome"]["direct_response"]["status"], 500);
    let (t, code) = run(&[
        "route",
        "api.example.com",
        "testdata/gateway-api-route/",
        "--gateway",
        "infra/web",
    ]);
    assert_eq!(code, 0);
    assert!(
        t.contains("HTTPRoute shop/sneaky does not attach to listener `api`"),
        "{t}"
    );
    let (t, code) = run(&[
        "route",
        "reviews",
        "testdata/gateway-api-route/",
        "--source-namespace",
        "shop",
        "-H",
        "end-user=jason",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("route_gamma_mesh_text", t);
}

/// Istio's Bookinfo Gateway API sample (third-party data in ../shared, read in place).
#[test]
fn gateway_api_bookinfo_sample() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/realworld/istio/samples/bookinfo");
    if !dir.join("gateway-api/bookinfo-gateway.yaml").exists() {
        println!("skipped: {} is absent", dir.display());
        return;
    }
    let gw = dir.join("gateway-api/bookinfo-gateway.yaml");
    let kube = dir.join("platform/kube/bookinfo.yaml");
    let versions = dir.join("platform/kube/bookinfo-versions.yaml");
    let (gw, kube, versions) = (
        gw.to_str().unwrap(),
        kube.to_str().unwrap(),
        versions.to_str().unwrap(),
    );
    for (path, code) in [
        ("/productpage", 0),
        ("/static/css/x.css", 0),
        ("/staticx", 1),
    ] {
        let (t, c) = run(&[
            "route",
            "bookinfo.example.com",
            gw,
            kube,
            "--gateway",
            "bookinfo-gateway",
            "--path",
            path,
        ]);
        assert_eq!(c, code, "{path}: {t}");
        if code == 0 {
            assert!(
                t.contains("productpage.default.svc.cluster.local:9080"),
                "{t}"
            );
        }
    }
    let route = dir.join("gateway-api/route-reviews-90-10.yaml");
    let (j, c) = run(&[
        "route",
        "reviews",
        route.to_str().unwrap(),
        kube,
        versions,
        "--source-namespace",
        "default",
        "--format",
        "json",
    ]);
    assert_eq!(c, 0, "{j}");
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    let d = &v["outcome"]["destinations"];
    assert_eq!(d[0]["host"], "reviews-v1.default.svc.cluster.local");
    assert_eq!(d[0]["percent"], 90.0);
    assert_eq!(d[1]["percent"], 10.0);
}

#[test]
fn graph_gateway_api() {
    let (t, code) = run(&[
        "graph",
        "testdata/gateway-api-route/",
        "--format",
        "mermaid",
        "--host",
        "api.example.com",
    ]);
    assert_eq!(code, 0);
    for want in [
        "Gateway infra/web",
        "listener api HTTP:80<br/>api.example.com",
        "HTTPRoute api/api",
        "api.api.svc.cluster.local",
    ] {
        assert!(t.contains(want), "{want}: {t}");
    }
}

/// `route --protocol tcp|tls`: the `tcp` and `tls` sections at a gateway (passthrough by SNI,
/// an SNI host taken twice, TLS terminated then TCP, opaque TCP, AUTO_PASSTHROUGH) and at a
/// sidecar (source labels, source namespace, a TLS connection on a TCP port).
#[test]
fn tcp_and_tls_connections() {
    let m = "testdata/route-l4/";
    let cases: &[(&[&str], i32)] = &[
        (
            &[
                "api.example.com",
                "--gateway",
                "shop/edge",
                "--port",
                "443",
                "--protocol",
                "tls",
            ],
            0,
        ),
        (
            &[
                "x.shop.example.com",
                "--gateway",
                "shop/edge",
                "--port",
                "443",
                "--protocol",
                "tls",
            ],
            0,
        ),
        (
            &[
                "other.example.com",
                "--gateway",
                "shop/edge",
                "--port",
                "443",
                "--protocol",
                "tls",
            ],
            1,
        ),
        (
            &[
                "db.example.com",
                "--gateway",
                "shop/edge",
                "--port",
                "5432",
                "--protocol",
                "tcp",
            ],
            0,
        ),
        (
            &[
                "db.example.com",
                "--gateway",
                "shop/edge",
                "--port",
                "6443",
                "--protocol",
                "tls",
            ],
            0,
        ),
        (
            &[
                "outbound_.5432_._.postgres.shop.svc.cluster.local",
                "--gateway",
                "shop/edge",
                "--port",
                "15443",
                "--protocol",
                "tls",
            ],
            0,
        ),
        (
            &[
                "postgres",
                "--port",
                "5432",
                "--protocol",
                "tcp",
                "--source-namespace",
                "shop",
                "--source-labels",
                "app=reports",
            ],
            0,
        ),
        (
            &[
                "postgres",
                "--port",
                "5432",
                "--protocol",
                "tls",
                "--source-namespace",
                "shop",
            ],
            0,
        ),
        (
            &[
                "payments.example.org",
                "--port",
                "443",
                "--protocol",
                "tls",
                "--source-namespace",
                "checkout",
            ],
            0,
        ),
        (
            &[
                "payments.example.org",
                "--port",
                "443",
                "--protocol",
                "tls",
                "--source-namespace",
                "shop",
            ],
            0,
        ),
        // an HTTP request to the passthrough port says which protocol to simulate
        (
            &["api.example.com", "--gateway", "shop/edge", "--port", "443"],
            1,
        ),
    ];
    let mut all = String::new();
    for (args, want) in cases {
        let mut full = vec!["route"];
        full.extend_from_slice(args);
        full.push(m);
        let (t, code) = run(&full);
        assert_eq!(code, *want, "{args:?}\n{t}");
        all.push_str(&format!("$ meshlint route {} {m}\n{t}\n", args.join(" ")));
    }
    insta::assert_snapshot!("route_tcp_tls_text", all);
    let (j, _) = run(&[
        "route",
        "x.shop.example.com",
        m,
        "--gateway",
        "shop/edge",
        "--port",
        "443",
        "--protocol",
        "tls",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["protocol"], "tls");
    assert_eq!(v["rules"][1]["section"], "tls");
    assert_eq!(v["rules"][1]["status"], "matched");
    assert_eq!(v["outcome"]["destinations"][1]["percent"], 10.0);
    // route test cases with `request.protocol`
    let (t, code) = run(&["test", "testdata/route-tests/tcp-tls-tests.yaml", m]);
    assert_eq!(code, 0, "{t}");
    assert!(t.contains("4 passed, 0 failed"), "{t}");
    // a Gateway API Gateway: said, not guessed
    let out = meshlint()
        .args([
            "route",
            "x.example.com",
            "testdata/gateway-api-route/",
            "--gateway",
            "infra/web",
            "--protocol",
            "tls",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Gateway API Gateway") && err.contains("not simulated"),
        "{err}"
    );
    // without --protocol, nothing changes for HTTP (no `protocol`, no `section`)
    let (j, _) = run(&["route", "reviews", "testdata/bookinfo/", "--format", "json"]);
    assert!(
        !j.contains("\"protocol\"") && !j.contains("\"section\""),
        "{j}"
    );
}
