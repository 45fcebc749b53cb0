//! Structured manifests: VirtualService / DestinationRule / Gateway / Service / Deployment and
//! Gateway API (Gateway, the five route kinds, ReferenceGrant, BackendTLSPolicy) shapes built with `arbitrary`, serialized to YAML (with arbitrary scalars, so quoting,
//! types and references vary), then analyze + render in every format: must never panic.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use meshlint::engine::{analyze, Input, Options};
use meshlint::render::{render, Format, RenderOptions};

/// A scalar: mostly names from a small pool (so references resolve and collide), sometimes
/// arbitrary text (quoted or not), numbers, booleans or nulls.
#[derive(Arbitrary, Debug)]
enum Scalar {
    Name(u8),
    Text(String),
    Quoted(String),
    Int(i64),
    Bool(bool),
    Null,
    Wildcard(u8),
}

const NAMES: &[&str] = &[
    "reviews",
    "ratings",
    "v1",
    "v2",
    "v3",
    "prod",
    "default",
    "istio-system",
    "mesh",
    "gw",
    "prod/gw",
    "./gw",
    "reviews.prod.svc.cluster.local",
    "*.example.com",
    "a.example.com",
    "80",
    "443",
    "http",
    "HTTP",
    "HTTPS",
    "3s",
    "2s",
    "1ms",
    "10",
    "50",
    "100",
    "ISTIO_MUTUAL",
    // Gateway API values
    "PathPrefix",
    "Exact",
    "RequestRedirect",
    "URLRewrite",
    "Terminate",
    "Passthrough",
    "TCP",
    "TLS",
    "Service",
    "Hostname",
    "IPAddress",
    "/api",
    "10.0.0.1",
    "gateway.networking.k8s.io",
];

impl Scalar {
    fn yaml(&self) -> String {
        match self {
            Scalar::Name(i) => NAMES[*i as usize % NAMES.len()].to_string(),
            Scalar::Text(s) => s.replace(['\n', '\r'], " "),
            Scalar::Quoted(s) => format!("{:?}", s),
            Scalar::Int(i) => i.to_string(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Null => "null".to_string(),
            Scalar::Wildcard(i) => format!("\"*.{}\"", NAMES[*i as usize % NAMES.len()]),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Dest {
    host: Scalar,
    subset: Option<Scalar>,
    port: Option<Scalar>,
    weight: Option<Scalar>,
}

#[derive(Arbitrary, Debug)]
struct Http {
    matches: Vec<(Scalar, Scalar)>,
    route: Vec<Dest>,
    timeout: Option<Scalar>,
    retries: Option<(Scalar, Scalar)>,
    mirror: Option<Scalar>,
    fault_abort: Option<Scalar>,
}

#[derive(Arbitrary, Debug)]
enum Doc {
    VirtualService {
        name: Scalar,
        ns: Scalar,
        hosts: Vec<Scalar>,
        gateways: Vec<Scalar>,
        http: Vec<Http>,
        tcp: Vec<Dest>,
        export_to: Vec<Scalar>,
    },
    DestinationRule {
        name: Scalar,
        ns: Scalar,
        host: Scalar,
        subsets: Vec<(Scalar, Vec<(Scalar, Scalar)>)>,
        tls_mode: Option<Scalar>,
        selector: Option<(Scalar, Scalar)>,
        export_to: Vec<Scalar>,
    },
    Gateway {
        name: Scalar,
        ns: Scalar,
        selector: Vec<(Scalar, Scalar)>,
        servers: Vec<(Scalar, Scalar, Vec<Scalar>, Option<Scalar>)>,
    },
    Service {
        name: Scalar,
        ns: Scalar,
        selector: Vec<(Scalar, Scalar)>,
        ports: Vec<(Scalar, Scalar)>,
    },
    Deployment {
        name: Scalar,
        ns: Scalar,
        labels: Vec<(Scalar, Scalar)>,
    },
    /// A Gateway API Gateway: listeners (name, port, protocol, hostname, TLS mode) and
    /// addresses.
    KubeGateway {
        name: Scalar,
        ns: Scalar,
        class: Scalar,
        listeners: Vec<(Scalar, Scalar, Scalar, Option<Scalar>, Option<Scalar>)>,
        addresses: Vec<(Option<Scalar>, Scalar)>,
    },
    /// An HTTPRoute, GRPCRoute, TCPRoute, TLSRoute or UDPRoute (by `kind % 5`): parentRefs,
    /// hostnames, rules with a path match, a filter and backends.
    KubeRoute {
        kind: u8,
        version: u8,
        name: Scalar,
        ns: Scalar,
        parents: Vec<(Scalar, Option<Scalar>, Option<Scalar>)>,
        hostnames: Vec<Scalar>,
        rules: Vec<KubeRule>,
    },
    /// A ReferenceGrant or a BackendTLSPolicy (by `policy`).
    KubePolicy {
        policy: bool,
        name: Scalar,
        ns: Scalar,
        from: Vec<(Scalar, Scalar, Scalar)>,
        to: Vec<(Scalar, Option<Scalar>)>,
    },
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct KubeRule {
    path: Option<(Scalar, Scalar)>,
    method: Option<Scalar>,
    filter: Option<(Scalar, Scalar)>,
    backends: Vec<(Scalar, Option<Scalar>, Option<Scalar>)>,
    timeouts: Option<(Scalar, Scalar)>,
}

fn kv_block(out: &mut String, indent: &str, kvs: &[(Scalar, Scalar)]) {
    if kvs.is_empty() {
        out.push_str(" {}\n");
        return;
    }
    out.push('\n');
    for (k, v) in kvs {
        out.push_str(&format!("{indent}{}: {}\n", k.yaml(), v.yaml()));
    }
}

fn list(out: &mut String, indent: &str, key: &str, xs: &[Scalar]) {
    if xs.is_empty() {
        return;
    }
    out.push_str(&format!("{indent}{key}:\n"));
    for x in xs {
        out.push_str(&format!("{indent}- {}\n", x.yaml()));
    }
}

fn dest(out: &mut String, indent: &str, d: &Dest) {
    out.push_str(&format!(
        "{indent}- destination:\n{indent}    host: {}\n",
        d.host.yaml()
    ));
    if let Some(s) = &d.subset {
        out.push_str(&format!("{indent}    subset: {}\n", s.yaml()));
    }
    if let Some(p) = &d.port {
        out.push_str(&format!(
            "{indent}    port:\n{indent}      number: {}\n",
            p.yaml()
        ));
    }
    if let Some(w) = &d.weight {
        out.push_str(&format!("{indent}  weight: {}\n", w.yaml()));
    }
}

fn meta(out: &mut String, api: &str, kind: &str, name: &Scalar, ns: &Scalar) {
    out.push_str(&format!(
        "apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {}\n  namespace: {}\n",
        name.yaml(),
        ns.yaml()
    ));
}

fn to_yaml(doc: &Doc) -> String {
    let mut o = String::new();
    match doc {
        Doc::VirtualService {
            name,
            ns,
            hosts,
            gateways,
            http,
            tcp,
            export_to,
        } => {
            meta(&mut o, "networking.istio.io/v1", "VirtualService", name, ns);
            o.push_str("spec:\n");
            list(&mut o, "  ", "hosts", hosts);
            list(&mut o, "  ", "gateways", gateways);
            list(&mut o, "  ", "exportTo", export_to);
            if !http.is_empty() {
                o.push_str("  http:\n");
                for h in http {
                    o.push_str("  - name: r\n");
                    if !h.matches.is_empty() {
                        o.push_str("    match:\n");
                        for (k, v) in &h.matches {
                            o.push_str(&format!(
                                "    - uri:\n        prefix: {}\n      headers:\n        {}:\n          exact: x\n",
                                v.yaml(),
                                k.yaml()
                            ));
                        }
                    }
                    if !h.route.is_empty() {
                        o.push_str("    route:\n");
                        for d in &h.route {
                            dest(&mut o, "    ", d);
                        }
                    }
                    if let Some(t) = &h.timeout {
                        o.push_str(&format!("    timeout: {}\n", t.yaml()));
                    }
                    if let Some((a, p)) = &h.retries {
                        o.push_str(&format!(
                            "    retries:\n      attempts: {}\n      perTryTimeout: {}\n",
                            a.yaml(),
                            p.yaml()
                        ));
                    }
                    if let Some(m) = &h.mirror {
                        o.push_str(&format!("    mirror:\n      host: {}\n", m.yaml()));
                    }
                    if let Some(s) = &h.fault_abort {
                        o.push_str(&format!(
                            "    fault:\n      abort:\n        httpStatus: {}\n        percentage: {{value: 50}}\n",
                            s.yaml()
                        ));
                    }
                }
            }
            if !tcp.is_empty() {
                o.push_str("  tcp:\n  - route:\n");
                for d in tcp {
                    dest(&mut o, "    ", d);
                }
            }
        }
        Doc::DestinationRule {
            name,
            ns,
            host,
            subsets,
            tls_mode,
            selector,
            export_to,
        } => {
            meta(
                &mut o,
                "networking.istio.io/v1",
                "DestinationRule",
                name,
                ns,
            );
            o.push_str(&format!("spec:\n  host: {}\n", host.yaml()));
            list(&mut o, "  ", "exportTo", export_to);
            if let Some((k, v)) = selector {
                o.push_str(&format!(
                    "  workloadSelector:\n    matchLabels:\n      {}: {}\n",
                    k.yaml(),
                    v.yaml()
                ));
            }
            if let Some(m) = tls_mode {
                o.push_str(&format!(
                    "  trafficPolicy:\n    tls:\n      mode: {}\n",
                    m.yaml()
                ));
            }
            if !subsets.is_empty() {
                o.push_str("  subsets:\n");
                for (n, labels) in subsets {
                    o.push_str(&format!("  - name: {}\n    labels:", n.yaml()));
                    kv_block(&mut o, "      ", labels);
                }
            }
        }
        Doc::Gateway {
            name,
            ns,
            selector,
            servers,
        } => {
            meta(&mut o, "networking.istio.io/v1", "Gateway", name, ns);
            o.push_str("spec:\n  selector:");
            kv_block(&mut o, "    ", selector);
            if !servers.is_empty() {
                o.push_str("  servers:\n");
                for (port, proto, hosts, cred) in servers {
                    o.push_str(&format!(
                        "  - port:\n      number: {}\n      name: p\n      protocol: {}\n",
                        port.yaml(),
                        proto.yaml()
                    ));
                    list(&mut o, "    ", "hosts", hosts);
                    if let Some(c) = cred {
                        o.push_str(&format!(
                            "    tls:\n      mode: SIMPLE\n      credentialName: {}\n",
                            c.yaml()
                        ));
                    }
                }
            }
        }
        Doc::Service {
            name,
            ns,
            selector,
            ports,
        } => {
            meta(&mut o, "v1", "Service", name, ns);
            o.push_str("spec:\n  selector:");
            kv_block(&mut o, "    ", selector);
            if !ports.is_empty() {
                o.push_str("  ports:\n");
                for (n, p) in ports {
                    o.push_str(&format!("  - name: {}\n    port: {}\n", n.yaml(), p.yaml()));
                }
            }
        }
        Doc::Deployment { name, ns, labels } => {
            meta(&mut o, "apps/v1", "Deployment", name, ns);
            o.push_str("spec:\n  template:\n    metadata:\n      labels:");
            kv_block(&mut o, "        ", labels);
        }
        Doc::KubeGateway {
            name,
            ns,
            class,
            listeners,
            addresses,
        } => {
            meta(&mut o, "gateway.networking.k8s.io/v1", "Gateway", name, ns);
            o.push_str(&format!("spec:\n  gatewayClassName: {}\n", class.yaml()));
            if !addresses.is_empty() {
                o.push_str("  addresses:\n");
                for (t, v) in addresses {
                    o.push_str(&format!("  - value: {}\n", v.yaml()));
                    if let Some(t) = t {
                        o.push_str(&format!("    type: {}\n", t.yaml()));
                    }
                }
            }
            o.push_str("  listeners:\n");
            for (n, port, proto, host, mode) in listeners {
                o.push_str(&format!(
                    "  - name: {}\n    port: {}\n    protocol: {}\n",
                    n.yaml(),
                    port.yaml(),
                    proto.yaml()
                ));
                if let Some(h) = host {
                    o.push_str(&format!("    hostname: {}\n", h.yaml()));
                }
                if let Some(m) = mode {
                    o.push_str(&format!(
                        "    tls:\n      mode: {}\n      certificateRefs:\n      - name: {}\n",
                        m.yaml(),
                        n.yaml()
                    ));
                }
            }
        }
        Doc::KubeRoute {
            kind,
            version,
            name,
            ns,
            parents,
            hostnames,
            rules,
        } => {
            let kinds = ["HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute"];
            let versions = ["v1", "v1beta1", "v1alpha2", "v1alpha3"];
            let api = format!(
                "gateway.networking.k8s.io/{}",
                versions[*version as usize % versions.len()]
            );
            meta(&mut o, &api, kinds[*kind as usize % kinds.len()], name, ns);
            o.push_str("spec:\n");
            if !parents.is_empty() {
                o.push_str("  parentRefs:\n");
                for (n, section, port) in parents {
                    o.push_str(&format!("  - name: {}\n", n.yaml()));
                    if let Some(s) = section {
                        o.push_str(&format!("    sectionName: {}\n", s.yaml()));
                    }
                    if let Some(p) = port {
                        o.push_str(&format!("    port: {}\n", p.yaml()));
                    }
                }
            }
            list(&mut o, "  ", "hostnames", hostnames);
            if !rules.is_empty() {
                o.push_str("  rules:\n");
                for r in rules {
                    o.push_str("  - name: r\n");
                    if r.path.is_some() || r.method.is_some() {
                        o.push_str("    matches:\n    -\n");
                        if let Some((t, v)) = &r.path {
                            o.push_str(&format!(
                                "      path:\n        type: {}\n        value: {}\n",
                                t.yaml(),
                                v.yaml()
                            ));
                        }
                        if let Some(m) = &r.method {
                            o.push_str(&format!("      method: {}\n", m.yaml()));
                        }
                    }
                    if let Some((t, host)) = &r.filter {
                        o.push_str(&format!(
                            "    filters:\n    - type: {}\n      requestRedirect:\n        hostname: {}\n        statusCode: 301\n",
                            t.yaml(),
                            host.yaml()
                        ));
                    }
                    if !r.backends.is_empty() {
                        o.push_str("    backendRefs:\n");
                        for (n, port, kind) in &r.backends {
                            o.push_str(&format!("    - name: {}\n", n.yaml()));
                            if let Some(p) = port {
                                o.push_str(&format!("      port: {}\n", p.yaml()));
                            }
                            if let Some(k) = kind {
                                o.push_str(&format!("      kind: {}\n", k.yaml()));
                            }
                        }
                    }
                    if let Some((a, b)) = &r.timeouts {
                        o.push_str(&format!(
                            "    timeouts:\n      request: {}\n      backendRequest: {}\n",
                            a.yaml(),
                            b.yaml()
                        ));
                    }
                }
            }
        }
        Doc::KubePolicy {
            policy,
            name,
            ns,
            from,
            to,
        } => {
            if *policy {
                meta(&mut o, "gateway.networking.k8s.io/v1", "BackendTLSPolicy", name, ns);
                o.push_str("spec:\n  targetRefs:\n");
                for (n, section) in to {
                    o.push_str(&format!("  - group: \"\"\n    kind: Service\n    name: {}\n", n.yaml()));
                    if let Some(s) = section {
                        o.push_str(&format!("    sectionName: {}\n", s.yaml()));
                    }
                }
                o.push_str("  validation:\n    hostname: a.example.com\n");
                if let Some((ty, host, _)) = from.first() {
                    o.push_str(&format!(
                        "    wellKnownCACertificates: System\n    subjectAltNames:\n    - type: {}\n      hostname: {}\n",
                        ty.yaml(),
                        host.yaml()
                    ));
                }
            } else {
                meta(&mut o, "gateway.networking.k8s.io/v1beta1", "ReferenceGrant", name, ns);
                o.push_str("spec:\n");
                if !from.is_empty() {
                    o.push_str("  from:\n");
                    for (g, k, n) in from {
                        o.push_str(&format!(
                            "  - group: {}\n    kind: {}\n    namespace: {}\n",
                            g.yaml(),
                            k.yaml(),
                            n.yaml()
                        ));
                    }
                }
                if !to.is_empty() {
                    o.push_str("  to:\n");
                    for (k, n) in to {
                        o.push_str(&format!("  - group: \"\"\n    kind: {}\n", k.yaml()));
                        if let Some(n) = n {
                            o.push_str(&format!("    name: {}\n", n.yaml()));
                        }
                    }
                }
            }
        }
        Doc::Raw(s) => o.push_str(s),
    }
    o
}

const FORMATS: &[Format] = &[
    Format::Pretty,
    Format::Compact,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Junit,
];

fuzz_target!(|files: Vec<Vec<Doc>>| {
    let inputs: Vec<Input> = files
        .iter()
        .take(8)
        .enumerate()
        .map(|(i, docs)| {
            let text: Vec<String> = docs.iter().take(32).map(to_yaml).collect();
            Input::text(format!("f{i}.yaml"), text.join("---\n"))
        })
        .collect();
    let report = analyze(inputs, &Options::default());
    for &f in FORMATS {
        let _ = render(&report, f, &RenderOptions::default());
    }
});
