//! The diff from strings: two versions of Bookinfo's reviews routing.

use super::*;

const BASE: &str = include_str!("../../testdata/diff/base.yaml");

fn tree(label: &str, text: &str) -> Tree {
    Tree {
        label: label.to_string(),
        files: vec![TreeFile::new("reviews.yaml", text)],
    }
}

fn run(base: &str, head: &str) -> DiffReport {
    let opts = Options::default();
    let (b, h) = (tree("base", base), tree("head", head));
    let (br, hr) = (analyze(&b, &opts), analyze(&h, &opts));
    diff(&b, &h, &br, &hr, &opts)
}

#[test]
fn jason_moved_and_weights_changed() {
    let head = BASE
        .replace("        subset: v2\n", "        subset: v3\n")
        .replace("weight: 90", "weight: 50")
        .replace("weight: 10", "weight: 50");
    let r = run(BASE, &head);
    assert_eq!(r.routing.len(), 1, "{:#?}", r.routing);
    let c = &r.routing[0];
    assert_eq!(c.gateway, "mesh");
    assert_eq!(c.host, "reviews.bookinfo.svc.cluster.local");
    assert_eq!(c.port, Some(9080));
    let texts: Vec<(String, String, String)> = c
        .classes
        .iter()
        .map(|k| {
            let (b, a) = render::class_texts(c, k, &r.domain);
            (k.class.clone(), b, a)
        })
        .collect();
    assert_eq!(
        texts,
        vec![
            (
                "requests with header end-user: jason".to_string(),
                "v2 100%".to_string(),
                "v3 100%".to_string()
            ),
            (
                "all other requests".to_string(),
                "v1 90%, v3 10%".to_string(),
                "v1 50%, v3 50%".to_string()
            ),
        ]
    );
    assert!(r.policies.is_empty());
    assert!(r.findings.introduced.is_empty() && r.findings.fixed.is_empty());
}

#[test]
fn no_change_no_diff() {
    let r = run(BASE, BASE);
    assert!(r.routing.is_empty() && r.policies.is_empty());
    assert!(r.findings.introduced.is_empty() && r.findings.fixed.is_empty());
}

#[test]
fn removed_subset_is_a_policy_change_and_a_new_finding() {
    let head = BASE.replace("  - name: v2\n    labels:\n      version: v2\n", "");
    let r = run(BASE, &head);
    assert_eq!(r.policies.len(), 1);
    assert_eq!(r.policies[0].changes, vec!["subset v2 removed".to_string()]);
    assert!(r.findings.introduced.iter().any(|f| f.code == "IST0101"));
    assert!(r.fails(Severity::Error, false));
    // the jason class now fails: the subset is gone
    assert_eq!(r.routing.len(), 1);
}

#[test]
fn extras_are_compared() {
    let head = BASE.replace(
        "    route:\n    - destination:\n        host: reviews\n        subset: v2\n",
        "    timeout: 3s\n    route:\n    - destination:\n        host: reviews\n        subset: v2\n",
    );
    let r = run(BASE, &head);
    let c = &r.routing[0];
    let (b, a) = render::class_texts(c, &c.classes[0], &r.domain);
    assert_eq!(
        (b.as_str(), a.as_str()),
        ("v2 100%; timeout none", "v2 100%; timeout 3s")
    );
}

const GATEWAY: &str = "\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [bookinfo.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: bookinfo}
spec:
  hosts: [bookinfo.example.com]
  gateways: [istio-system/bookinfo-gateway]
  http:
  - match:
    - uri: {prefix: /api}
    route:
    - destination: {host: reviews, subset: v1}
  - route:
    - destination: {host: reviews, subset: v3}
";

#[test]
fn gateway_entry_points() {
    let base = format!("{BASE}---\n{GATEWAY}");
    let head = base.replace(
        "    route:\n    - destination: {host: reviews, subset: v1}\n",
        "    redirect: {uri: /v2/api}\n",
    );
    let r = run(&base, &head);
    assert_eq!(r.routing.len(), 1, "{:#?}", r.routing);
    let c = &r.routing[0];
    assert_eq!(
        render::entry_title(c, &r.domain),
        "bookinfo.example.com (gateway istio-system/bookinfo-gateway), port 80"
    );
    assert_eq!(c.classes.len(), 1);
    assert_eq!(c.classes[0].class, "requests with path /api*");
    let (b, a) = render::class_texts(c, &c.classes[0], &r.domain);
    assert_eq!(b, "reviews.bookinfo v1 100%");
    assert_eq!(a, "redirect 301 uri /v2/api");
}

/// TCP and TLS routes are compared per listener: sources at sidecars, SNI hosts at a
/// passthrough gateway; a change that keeps the destination is no change.
#[test]
fn tcp_and_tls_routes_are_compared() {
    const L4: &str = include_str!("../../testdata/route-l4/manifests.yaml");
    let head = L4
        .replace("      weight: 90", "      weight: 50")
        .replace("      weight: 10", "      weight: 50")
        .replace(
            "sourceLabels: {app: reports}",
            "sourceLabels: {app: analytics}",
        )
        .replace("sourceNamespace: checkout", "sourceNamespace: billing");
    let r = run(L4, &head);
    let entries: Vec<(Option<&str>, &str, &str, Option<u32>)> = r
        .routing
        .iter()
        .map(|c| (c.protocol, c.gateway.as_str(), c.host.as_str(), c.port))
        .collect();
    assert_eq!(
        entries,
        vec![
            (
                Some("tcp"),
                "mesh",
                "postgres.shop.svc.cluster.local",
                Some(5432)
            ),
            (Some("tls"), "shop/edge", "*.shop.example.com", Some(443)),
        ],
        "{:#?}",
        r.routing
    );
    let labels: Vec<&str> = r.routing[0]
        .classes
        .iter()
        .map(|c| c.class.as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "connections from workloads app=reports",
            "connections from workloads app=analytics"
        ]
    );
    assert_eq!(r.routing[1].classes[0].class, "all connections");
    assert!(render::pretty(&r).contains("TLS SNI *.shop.example.com (gateway shop/edge), port 443"));
    assert!(render::json(&r).contains("\"protocol\": \"tls\""));
    // the payments ServiceEntry: the moved sourceNamespace keeps every source on the same
    // destination (the route, or the service itself), so it is no change
    assert!(!r.routing.iter().any(|c| c.host.contains("payments")));
    assert!(run(L4, L4).routing.is_empty());
}
