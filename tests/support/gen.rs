//! A small deterministic corpus generator for tests (no python needed): Deployments, Services,
//! DestinationRules, VirtualServices and Gateways over a few namespaces, with defects injected
//! at a given rate (unknown subsets, missing hosts, bad weights, duplicate gateway hosts,
//! unknown fields, wrong types, catch-all rules first, retries over the timeout, YAML errors).

/// xorshift64*: deterministic, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `p` percent.
    pub fn pct(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const APPS: &[&str] = &[
    "reviews", "ratings", "details", "cart", "search", "orders", "pay",
];
const NAMESPACES: &[&str] = &["prod", "staging", "istio-system", "shop"];

/// `(path, text)` files with about `docs` documents, `defect_pct` percent of defect sites hit.
pub fn corpus(docs: usize, defect_pct: u64, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    let mut files = Vec::new();
    let mut text = String::new();
    let mut n = 0;
    let mut file_no = 0;
    while n < docs {
        let app = rng.pick(APPS);
        let ns = rng.pick(NAMESPACES);
        let i = n;
        let d = |rng: &mut Rng| rng.pct(defect_pct);
        // Deployment
        let version = if d(&mut rng) { "v9" } else { "v1" };
        text.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}-{i}\n  namespace: {ns}\nspec:\n  selector:\n    matchLabels: {{app: {app}}}\n  template:\n    metadata:\n      labels:\n        app: {app}\n        version: {version}\n    spec:\n      containers:\n      - name: main\n        image: example/{app}:1\n        ports:\n        - containerPort: 9080\n---\n"
        ));
        // Service
        let port_name = if d(&mut rng) { "web" } else { "http" };
        text.push_str(&format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {app}-{i}\n  namespace: {ns}\nspec:\n  selector:\n    app: {app}\n  ports:\n  - name: {port_name}\n    port: 9080\n---\n"
        ));
        // DestinationRule
        let unknown = if d(&mut rng) {
            "    loadBalancr: {}\n"
        } else {
            ""
        };
        text.push_str(&format!(
            "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: {app}-{i}\n  namespace: {ns}\nspec:\n  host: {app}-{i}\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n{unknown}  subsets:\n  - name: v1\n    labels:\n      version: v1\n  - name: v2\n    labels:\n      version: v2\n---\n"
        ));
        // Gateway (shared hosts collide on purpose, sometimes)
        let gw_host = if d(&mut rng) {
            format!("{app}.example.com")
        } else {
            format!("{app}-{i}.example.com")
        };
        let gw_port = if d(&mut rng) { "\"80\"" } else { "80" };
        text.push_str(&format!(
            "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: gw-{i}\n  namespace: {ns}\nspec:\n  selector:\n    istio: ingressgateway\n  servers:\n  - port:\n      number: {gw_port}\n      name: http\n      protocol: HTTP\n    hosts:\n    - {gw_host}\n---\n"
        ));
        // VirtualService
        let subset = if d(&mut rng) { "v4" } else { "v1" };
        let host = if d(&mut rng) {
            format!("missing-{i}")
        } else {
            format!("{app}-{i}")
        };
        let (w1, w2) = if d(&mut rng) { (70, 20) } else { (90, 10) };
        let vs_host = if d(&mut rng) {
            "other.example.com".to_string()
        } else {
            gw_host.clone()
        };
        let retries = if d(&mut rng) {
            "    retries:\n      attempts: 3\n      perTryTimeout: 2s\n    timeout: 3s\n"
        } else {
            ""
        };
        let catch_all_first = d(&mut rng);
        let first = format!(
            "  - route:\n    - destination:\n        host: {host}\n        subset: {subset}\n      weight: {w1}\n    - destination:\n        host: {host}\n        subset: v2\n      weight: {w2}\n{retries}"
        );
        let matched = "  - match:\n    - headers:\n        end-user:\n          exact: jason\n    route:\n    - destination:\n        host: "
            .to_string()
            + &host
            + "\n";
        let http = if catch_all_first {
            format!("{first}{matched}")
        } else {
            format!("{matched}{first}")
        };
        text.push_str(&format!(
            "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: {app}-{i}\n  namespace: {ns}\nspec:\n  hosts:\n  - {vs_host}\n  gateways:\n  - gw-{i}\n  http:\n{http}---\n"
        ));
        if d(&mut rng) {
            text.push_str("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [broken\n---\n");
        }
        n += 5;
        if n % 50 == 0 || n >= docs {
            files.push((
                format!("gen/{file_no:04}-{ns}.yaml"),
                std::mem::take(&mut text),
            ));
            file_no += 1;
        }
    }
    files
}
