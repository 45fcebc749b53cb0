//! Index semantics against istiod's: DestinationRule lookup order and exportTo, host
//! expansion, gateway references, selectors.

use meshlint::index::{GatewayTarget, Index, MeshConfig};
use meshlint::model::{read_document, ModelOptions, Resource};
use meshlint::source::FileId;
use meshlint::yaml::{parse_file, Limits};

fn load(text: &str) -> Vec<Resource> {
    let parsed = parse_file(FileId::new(0), text, &Limits::default());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let mut out = Vec::new();
    for d in &parsed.documents {
        out.extend(read_document(d, &ModelOptions::default()).0);
    }
    out
}

fn dr(name: &str, ns: &str, host: &str, extra: &str) -> String {
    format!(
        "---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  host: \"{host}\"\n{extra}"
    )
}

fn names(ix: &Index, host: &str, client: &str) -> Vec<String> {
    ix.destination_rules_for(host, client)
        .map(|a| {
            a.rules
                .iter()
                .map(|&id| {
                    let r = ix.resource(id);
                    format!("{}/{}", r.namespace, r.name)
                })
                .collect()
        })
        .unwrap_or_default()
}

const REVIEWS: &str = "reviews.prod.svc.cluster.local";

#[test]
fn client_namespace_first_then_service_namespace_then_root() {
    let text = [
        dr("in-prod", "prod", "reviews", ""),
        dr("in-web", "web", REVIEWS, ""),
        dr("in-root", "istio-system", "*.svc.cluster.local", ""),
    ]
    .concat();
    let rs = load(&text);
    let ix = Index::build(&rs, MeshConfig::default());
    assert_eq!(names(&ix, REVIEWS, "web"), ["web/in-web"]);
    assert_eq!(names(&ix, REVIEWS, "prod"), ["prod/in-prod"]);
    // a client in a third namespace sees the service namespace's exported rule
    assert_eq!(names(&ix, REVIEWS, "other"), ["prod/in-prod"]);
    // another host only has the root namespace's wildcard rule
    assert_eq!(
        names(&ix, "ratings.prod.svc.cluster.local", "other"),
        ["istio-system/in-root"]
    );
}

#[test]
fn export_to_limits_visibility() {
    let text = [
        dr("private", "prod", "reviews", "  exportTo: [\".\"]\n"),
        dr("to-web", "prod", "ratings", "  exportTo: [web]\n"),
    ]
    .concat();
    let rs = load(&text);
    let ix = Index::build(&rs, MeshConfig::default());
    assert_eq!(names(&ix, REVIEWS, "prod"), ["prod/private"]);
    assert!(names(&ix, REVIEWS, "web").is_empty());
    let ratings = "ratings.prod.svc.cluster.local";
    assert_eq!(names(&ix, ratings, "web"), ["prod/to-web"]);
    assert!(names(&ix, ratings, "shop").is_empty());
}

#[test]
fn most_specific_wildcard_wins_and_rules_for_one_host_merge() {
    let text = [
        dr("broad", "prod", "*.cluster.local", ""),
        dr("narrow", "prod", "*.prod.svc.cluster.local", ""),
        dr("a", "shop", "cart", "  subsets: [{name: v1}]\n"),
        dr(
            "b",
            "shop",
            "cart.shop.svc.cluster.local",
            "  subsets: [{name: v2}]\n",
        ),
    ]
    .concat();
    let rs = load(&text);
    let ix = Index::build(&rs, MeshConfig::default());
    assert_eq!(names(&ix, REVIEWS, "prod"), ["prod/narrow"]);
    let applied = ix
        .destination_rules_for("cart.shop.svc.cluster.local", "shop")
        .unwrap();
    let subsets: Vec<&str> = ix.subsets_of(&applied.rules).iter().map(|s| s.0).collect();
    assert_eq!(subsets, ["v1", "v2"]);
}

#[test]
fn workload_selector_rules_stay_in_their_namespace() {
    let text = dr(
        "selected",
        "prod",
        "reviews",
        "  workloadSelector: {matchLabels: {app: frontend}}\n  exportTo: [\"*\"]\n",
    );
    let rs = load(&text);
    let ix = Index::build(&rs, MeshConfig::default());
    assert_eq!(names(&ix, REVIEWS, "prod"), ["prod/selected"]);
    assert!(names(&ix, REVIEWS, "web").is_empty());
}

#[test]
fn custom_root_namespace_and_domain() {
    let text = dr("root", "mesh-root", "*.corp.example", "");
    let rs = load(&text);
    let mesh = MeshConfig {
        root_namespace: "mesh-root".into(),
        domain: "corp.example".into(),
        ..MeshConfig::default()
    };
    let ix = Index::build(&rs, mesh);
    assert_eq!(ix.fqdn("reviews", "prod"), "reviews.prod.svc.corp.example");
    assert_eq!(
        names(&ix, "reviews.prod.svc.corp.example", "web"),
        ["mesh-root/root"]
    );
}

#[test]
fn gateway_references_resolve_like_istiod() {
    let text = "\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec: {selector: {istio: ingressgateway}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec: {gatewayClassName: istio}
";
    let rs = load(text);
    let ix = Index::build(&rs, MeshConfig::default());
    assert!(matches!(
        ix.resolve_gateway("istio-system/public", "web"),
        GatewayTarget::Istio(_)
    ));
    assert!(matches!(
        ix.resolve_gateway("public.istio-system", "web"),
        GatewayTarget::Istio(_)
    ));
    assert!(matches!(
        ix.resolve_gateway("edge", "web"),
        GatewayTarget::Kube(_)
    ));
    assert!(matches!(
        ix.resolve_gateway("./edge", "web"),
        GatewayTarget::Kube(_)
    ));
    assert_eq!(ix.resolve_gateway("mesh", "web"), GatewayTarget::Mesh);
    assert_eq!(
        ix.resolve_gateway("public", "web"),
        GatewayTarget::Missing("web".into(), "public".into())
    );
}

#[test]
fn selectors_match_pods_and_pod_templates() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: prod, labels: {app: reviews, version: v1}}
spec: {containers: [{name: c}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: prod}
spec:
  template:
    metadata: {labels: {app: reviews, version: v2}}
    spec: {containers: [{name: c}]}
";
    let rs = load(text);
    let ix = Index::build(&rs, MeshConfig::default());
    let sel = |pairs: &[(&str, &str)]| {
        let sp = meshlint::source::Span::new(FileId::new(0), 0, 0);
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    meshlint::source::Spanned::new(meshlint::source::Str::from(*k), sp),
                    meshlint::source::Spanned::new(meshlint::source::Str::from(*v), sp),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ix.workloads_selected(Some("prod"), &sel(&[("app", "reviews")]))
            .len(),
        2
    );
    assert_eq!(
        ix.workloads_selected(Some("prod"), &sel(&[("version", "v2")]))
            .len(),
        1
    );
    assert_eq!(
        ix.workloads_selected(None, &sel(&[("app", "reviews"), ("version", "v1")]))
            .len(),
        1
    );
    assert!(ix
        .workloads_selected(Some("web"), &sel(&[("app", "reviews")]))
        .is_empty());
}
