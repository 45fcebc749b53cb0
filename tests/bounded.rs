//! A finding names and labels at most `MAX_LISTED` other objects, however many collide: the
//! report grows linearly with the input even when hundreds of Gateways serve one host or a
//! namespace holds dozens of default Sidecars (see docs/performance.md, "Scaling").

use meshlint::diagnostics::{Diagnostic, MAX_LISTED};
use meshlint::engine::{analyze, Input, Options};
use std::fmt::Write as _;

fn run(yaml: String, code: &str) -> Vec<Diagnostic> {
    let opts = Options {
        select: vec![code.to_string()],
        ..Options::default()
    };
    analyze(vec![Input::text("many.yaml", yaml)], &opts).diagnostics
}

const N: usize = MAX_LISTED + 15;

#[test]
fn default_sidecars_list_at_most_max_listed_others() {
    let mut y = String::new();
    for i in 0..N {
        write!(
            y,
            "---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: sc-{i:02}\n  namespace: shop\nspec:\n  egress:\n  - hosts: [\"./*\"]\n"
        )
        .unwrap();
    }
    let diags = run(y, "IST0111");
    assert_eq!(diags.len(), N, "one finding per default Sidecar");
    for d in &diags {
        assert_eq!(d.related.len(), MAX_LISTED, "{}", d.message);
        // N - 1 others, MAX_LISTED of them named
        let more = format!("and {} more", N - 1 - MAX_LISTED);
        assert!(d.message.contains(&more), "{}", d.message);
        assert!(
            d.istio_args[0].contains(&format!("and {} more", N - MAX_LISTED)),
            "{:?}",
            d.istio_args
        );
    }
    // the first Sidecar names the next MAX_LISTED, in order
    assert!(diags[0].message.contains("`sc-01`, `sc-02`"));
    assert!(!diags[0]
        .message
        .contains(&format!("`sc-{:02}`", MAX_LISTED + 2)));
}

#[test]
fn conflicting_gateways_list_at_most_max_listed_others() {
    let mut y = String::new();
    for i in 0..N {
        write!(
            y,
            "---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: gw-{i:02}\n  namespace: edge\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port: {{number: 80, name: http, protocol: HTTP}}\n    hosts: [\"shop.example.com\"]\n"
        )
        .unwrap();
    }
    let diags = run(y, "IST0145");
    assert_eq!(diags.len(), N);
    for d in &diags {
        assert_eq!(d.related.len(), MAX_LISTED, "{}", d.message);
        // the scan stops one past the maximum, so the rest is not counted
        assert!(d.message.contains("and others"), "{}", d.message);
        assert!(
            d.istio_args[0].ends_with(",and others"),
            "{:?}",
            d.istio_args
        );
    }
}

#[test]
fn short_lists_are_complete() {
    let mut y = String::new();
    for i in 0..3 {
        write!(
            y,
            "---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: sc-{i}\n  namespace: shop\nspec:\n  egress:\n  - hosts: [\"./*\"]\n"
        )
        .unwrap();
    }
    let diags = run(y, "IST0111");
    assert_eq!(diags.len(), 3);
    for d in &diags {
        assert_eq!(d.related.len(), 2);
        assert!(!d.message.contains("more"), "{}", d.message);
    }
}
