//! istioctl analyze parity: `--format istioctl` (Istio's message templates filled from the
//! rules' parameters), `-S/--suppress`, `-L/--list-analyzers`, thresholds in istioctl's
//! spelling, `--mesh-networks`, and the default ingress gateway assumption.

use assert_cmd::Command;
use meshlint::engine::{analyze, Input, Options};
use meshlint::render::istio_messages::{fill, istio_message, message_type};
use meshlint::render::{render, Format, RenderOptions};
use meshlint::rules::RULES;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
mod common;
use common::dir_with;
use tempfile::TempDir;

fn meshlint(dir: &Path) -> Command {
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
    c.current_dir(dir).arg("check").arg("--no-config");
    c
}

/// An IST0101 (subset `v2` undefined) on VirtualService default/reviews, and an IST0101
/// (gateway not found) on VirtualService prod/shop.
const TWO_FINDINGS: &str = "\
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
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v2}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: prod}
spec:
  hosts: [shop.example.com]
  gateways: [shop-gateway]
  http:
  - route:
    - destination: {host: shop.example.com}
---
# prod's Gateways are in the input (evidence that shop-gateway would be too)
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: admin-gateway, namespace: prod}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [admin.example.com]
";

fn fixture(rule: &str, file: &str) -> (String, Vec<Input>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let p = root.join("testdata/rules").join(rule).join(file);
    let shown = p.strip_prefix(root).unwrap().display().to_string();
    let text = std::fs::read_to_string(&p).unwrap();
    (shown.clone(), vec![Input::text(shown, text)])
}

fn istioctl_output(rule: &str, file: &str) -> String {
    let (_, inputs) = fixture(rule, file);
    let opts = Options {
        select: vec![rule.to_string()],
        ..Options::default()
    };
    let report = analyze(inputs, &opts);
    render(&report, Format::Istioctl, &RenderOptions::default())
}

#[test]
fn istioctl_format_snapshot() {
    let cases = [
        ("subset-not-found", "fail.yaml"),
        ("gateway-not-found", "fail.yaml"),
        ("host-not-in-gateway", "fail.yaml"),
        ("destination-host-not-found", "fail.yaml"),
        ("conflicting-mesh-hosts", "fail.yaml"),
        ("serviceentry-addresses-required", "fail.yaml"),
        ("port-name-convention", "fail.yaml"),
        ("dr-no-ca-certificate", "fail.yaml"),
        ("envoyfilter-invalid-add", "fail.yaml"),
    ];
    let mut out = String::new();
    for (rule, file) in cases {
        out.push_str(&format!("# {rule}/{file}\n"));
        out.push_str(&istioctl_output(rule, file));
    }
    insta::with_settings!({snapshot_path => "../testdata/snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!("istioctl-format", out);
    });
}

#[test]
fn istioctl_line_shape() {
    let report = analyze(
        vec![Input::text("bookinfo.yaml", TWO_FINDINGS)],
        &Options::default(),
    );
    let out = render(&report, Format::Istioctl, &RenderOptions::default());
    assert!(
        out.contains(
            "Error [IST0101] (VirtualService default/reviews bookinfo.yaml:16) Referenced host+subset in destinationrule not found: \"reviews+v2\"\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "Error [IST0101] (VirtualService prod/shop bookinfo.yaml:23) Referenced gateway not found: \"shop-gateway\"\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("Warning [IST0132] (VirtualService prod/shop bookinfo.yaml:22) one or more host [shop.example.com] defined in VirtualService prod/shop not found in Gateway prod/shop-gateway.\n"),
        "{out}"
    );
}

/// Rules that mirror an istioctl analyzer fill Istio's template for their code in their failing
/// fixtures, except the few whose parameters are Istio's own free text.
#[test]
fn analyzer_rules_fill_istio_templates() {
    // parameters are free-form text of Istio's validation or deprecation analyzers
    let own_text = [
        "schema-error",
        "unreachable-rule",
        "ineffective-match",
        "lightstep-deprecated",
        "jwt-claim-route-without-authn",
        "ineffective-sidecar-ambient",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut missing = Vec::new();
    for r in RULES.iter().filter(|r| r.meta.analyzer.is_some()) {
        let name = r.meta.name;
        // schema validation findings fill `%v` with meshlint's own validation text
        let schema = matches!(r.meta.code, "IST0106" | "IST0133");
        if own_text.contains(&name) || schema || message_type(r.meta.code).is_none() {
            continue;
        }
        let dir = root.join(name);
        let mut fails: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name().unwrap().to_string_lossy().starts_with("fail")
                    && p.extension().is_some_and(|e| e == "yaml")
            })
            .collect();
        fails.sort();
        for f in fails {
            let text = std::fs::read_to_string(&f).unwrap();
            let mut opts = Options {
                select: vec![name.to_string()],
                ..Options::default()
            };
            if let Ok(mc) = std::fs::read_to_string(dir.join("mesh-config.yaml.txt")) {
                opts.mesh = meshlint::index::MeshConfig::parse(
                    meshlint::source::FileId::new(u32::MAX),
                    &mc,
                )
                .0;
            }
            let report = analyze(vec![Input::text("f.yaml", text)], &opts);
            for d in report.diagnostics.iter().filter(|d| d.rule == name) {
                let t = message_type(d.code).unwrap().template;
                if fill(t, &d.istio_args).is_none() {
                    missing.push(format!(
                        "{name}/{}: {:?} does not fill {t:?}",
                        f.file_name().unwrap().to_string_lossy(),
                        d.istio_args
                    ));
                } else {
                    assert_ne!(istio_message(d), "");
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn cli_istioctl_format_and_success_line() {
    let d = dir_with(&[("a.yaml", TWO_FINDINGS)]);
    meshlint(d.path())
        .args(["--format", "istioctl", "--ignore", "not-in-input", "a.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "Error [IST0101] (VirtualService default/reviews a.yaml:16)",
        ));
    let clean = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r, namespace: default}\nspec:\n  hosts: [r]\n  http:\n  - route:\n    - destination: {host: r}\n";
    let d = dir_with(&[("ok.yaml", clean)]);
    meshlint(d.path())
        .args([
            "--format",
            "istioctl",
            "--ignore",
            "not-in-input",
            "ok.yaml",
        ])
        .assert()
        .code(0)
        .stdout("")
        .stderr("\u{2714} No validation issues found when analyzing ok.yaml.\n");
}

// ---------------------------------------------------------------------------------------------
// -S / --suppress

fn codes_and_resources(out: &[u8]) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(out).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}/{}",
                d["code"].as_str().unwrap(),
                d["resource"]["namespace"].as_str().unwrap_or(""),
                d["resource"]["name"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn suppress_with_globs_and_legacy_form() {
    let d = dir_with(&[("a.yaml", TWO_FINDINGS)]);
    let run = |extra: &[&str]| {
        let out = meshlint(d.path())
            .args(["--format", "json", "--select", "IST0101,IST0132", "a.yaml"])
            .args(extra)
            .output()
            .unwrap();
        (codes_and_resources(&out.stdout), out)
    };
    let (all, _) = run(&[]);
    assert_eq!(
        all,
        [
            "IST0101 default/reviews",
            "IST0132 prod/shop",
            "IST0101 prod/shop"
        ]
    );
    let (v, _) = run(&["-S", "IST0101=VirtualService default/*"]);
    assert_eq!(v, ["IST0132 prod/shop", "IST0101 prod/shop"]);
    // legacy `Kind name.ns`, repeated flags
    let (v, out) = run(&[
        "-S",
        "IST0101=VirtualService *.prod",
        "--suppress",
        "IST0132=VirtualService shop.prod",
    ]);
    assert_eq!(v, ["IST0101 default/reviews"]);
    assert_eq!(out.status.code(), Some(1));
    // everything suppressed: exit 0
    let (v, out) = run(&["-S", "IST0101=*", "-S", "IST0132=VirtualService */*"]);
    assert!(v.is_empty());
    assert_eq!(out.status.code(), Some(0));
    // the code must match
    let (v, _) = run(&["-S", "IST0132=VirtualService default/*"]);
    assert_eq!(v.len(), 3);
}

#[test]
fn suppress_unknown_code_warns_and_bad_form_is_usage_error() {
    let d = dir_with(&[("a.yaml", TWO_FINDINGS)]);
    meshlint(d.path())
        .args(["-S", "IST9999=VirtualService */*", "a.yaml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "Warning: Supplied message code 'IST9999' is an unknown message code and will not have any effect.",
        ));
    meshlint(d.path())
        .args(["-S", "IST0101", "a.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exactly one `=`"));
    meshlint(d.path())
        .args(["-S", "IST0101=a=b", "a.yaml"])
        .assert()
        .code(2);
}

#[test]
fn suppress_from_config_file() {
    let d = dir_with(&[
        ("a.yaml", TWO_FINDINGS),
        (
            "meshlint.toml",
            "suppress = [\"IST0101=VirtualService */*\", \"IST0132=VirtualService shop.prod\"]\n",
        ),
    ]);
    let mut c = Command::cargo_bin("meshlint").unwrap();
    c.current_dir(d.path())
        .args(["check", "a.yaml", "--format", "compact"])
        .assert()
        .code(0);
    let mut c = Command::cargo_bin("meshlint").unwrap();
    c.current_dir(d.path())
        .args(["check", "--show-settings"])
        .assert()
        .stdout(predicate::str::contains(
            "suppress = [\"IST0101=VirtualService */*\", \"IST0132=VirtualService shop.prod\"]",
        ));
}

// ---------------------------------------------------------------------------------------------
// -L, rules --analyzer

#[test]
fn list_analyzers() {
    let d = TempDir::new().unwrap();
    let out = meshlint(d.path()).arg("-L").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(
        "* virtualservice.DestinationRuleAnalyzer:\n    Checks the destination rules associated with each virtual service\n    meshlint: IST0101 subset-not-found\n"
    ), "{text}");
    assert!(text.contains("* virtualservice.GatewayAnalyzer:\n"));
    assert!(text.contains("IST0132 host-not-in-gateway"));
    // sorted and deduplicated
    let names: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("* ")).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(names, sorted);
    let analyzers: std::collections::BTreeSet<&str> =
        RULES.iter().filter_map(|r| r.meta.analyzer).collect();
    assert_eq!(names.len(), analyzers.len());
}

#[test]
fn rules_filtered_by_analyzer() {
    let d = TempDir::new().unwrap();
    let mut c = Command::cargo_bin("meshlint").unwrap();
    let out = c
        .current_dir(d.path())
        .args(["rules", "--analyzer", "virtualservice.GatewayAnalyzer"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let codes: Vec<&str> = text
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(codes, ["IST0101", "IST0132", "IST0165"]);
    let mut c = Command::cargo_bin("meshlint").unwrap();
    c.current_dir(d.path())
        .args(["rules", "--analyzer", "nope.Analyzer"])
        .assert()
        .code(2);
}

// ---------------------------------------------------------------------------------------------
// thresholds

#[test]
fn thresholds_accept_istioctl_spelling() {
    // only a warning (IST0132 on prod/shop without the missing-gateway IST0101)
    let d = dir_with(&[("a.yaml", TWO_FINDINGS)]);
    let with = |flag: &str, value: &str| {
        meshlint(d.path())
            .args([
                "--format", "compact", "--ignore", "IST0101", flag, value, "a.yaml",
            ])
            .output()
            .unwrap()
    };
    for v in ["Warning", "WARNING", "warning", "Info", "INFO"] {
        assert_eq!(with("--failure-threshold", v).status.code(), Some(1), "{v}");
    }
    for v in ["Error", "ERROR", "error"] {
        assert_eq!(with("--failure-threshold", v).status.code(), Some(0), "{v}");
        assert!(with("--output-threshold", v).stdout.is_empty(), "{v}");
    }
    assert!(!with("--output-threshold", "Warning").stdout.is_empty());
    assert_eq!(with("--failure-threshold", "Fatal").status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// mesh networks

const NETWORKS: &str = "\
networks:
  network1:
    endpoints:
    - fromRegistry: Kubernetes
    gateways:
    - registryServiceName: istio-eastwestgateway.istio-system.svc.cluster.local
      port: 15443
  network2:
    endpoints:
    - fromCidr: 10.2.0.0/16
    gateways:
    - address: 192.0.2.10
      port: 15443
";

#[test]
fn mesh_networks_parse_and_flag() {
    use meshlint::index::mesh::{MeshNetworks, NetworkEndpoint};
    let (n, d) = MeshNetworks::parse(meshlint::source::FileId::new(0), NETWORKS);
    assert!(d.is_empty());
    assert_eq!(n.networks.len(), 2);
    assert_eq!(
        n.networks[1].endpoints,
        [NetworkEndpoint::FromCidr("10.2.0.0/16".into())]
    );
    assert_eq!(
        n.networks[0].gateways[0].registry_service_name.as_deref(),
        Some("istio-eastwestgateway.istio-system.svc.cluster.local")
    );
    assert_eq!(
        n.networks[1].gateways[0].address.as_deref(),
        Some("192.0.2.10")
    );

    let dir = dir_with(&[("a.yaml", TWO_FINDINGS), ("networks.yaml", NETWORKS)]);
    meshlint(dir.path())
        .args(["--mesh-networks", "networks.yaml", "a.yaml"])
        .assert()
        .code(1);
    meshlint(dir.path())
        .args(["--mesh-networks", "missing.yaml", "a.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read mesh networks"));
    std::fs::write(dir.path().join("bad.yaml"), "networks: [\n").unwrap();
    meshlint(dir.path())
        .args(["--mesh-networks", "bad.yaml", "a.yaml"])
        .assert()
        .code(2);
}

// ---------------------------------------------------------------------------------------------
// the default ingress gateway

/// A Gateway for the default ingress gateway, and an egress gateway pod (so workloads with
/// an `istio` label are in the input) but no ingress gateway pod.
const DEFAULT_INGRESS: &str = "\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: default}
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [\"*\"]
---
apiVersion: v1
kind: Pod
metadata:
  name: egress
  namespace: istio-system
  labels: {istio: egressgateway}
spec:
  containers:
  - name: istio-proxy
";

fn gateway_selector_findings(mesh: Option<&str>) -> usize {
    let mut opts = Options {
        select: vec!["gateway-selector-no-workload".into()],
        ..Options::default()
    };
    if let Some(m) = mesh {
        opts.mesh = meshlint::index::MeshConfig::parse(meshlint::source::FileId::new(9), m).0;
    }
    analyze(vec![Input::text("g.yaml", DEFAULT_INGRESS)], &opts)
        .diagnostics
        .len()
}

#[test]
fn default_ingress_gateway_is_assumed() {
    assert_eq!(gateway_selector_findings(None), 0);
    // with ingressControllerMode OFF nothing is assumed: the selector matches nothing
    assert_eq!(
        gateway_selector_findings(Some("ingressControllerMode: \"OFF\"\n")),
        1
    );
    // a custom ingressSelector names another default gateway
    assert_eq!(
        gateway_selector_findings(Some("ingressSelector: my-ingress\n")),
        1
    );
    let custom = DEFAULT_INGRESS.replace("istio: ingressgateway", "istio: my-ingress");
    let mut opts = Options {
        select: vec!["gateway-selector-no-workload".into()],
        ..Options::default()
    };
    opts.mesh = meshlint::index::MeshConfig::parse(
        meshlint::source::FileId::new(9),
        "ingressSelector: my-ingress\n",
    )
    .0;
    assert!(analyze(vec![Input::text("g.yaml", custom)], &opts)
        .diagnostics
        .is_empty());
}
