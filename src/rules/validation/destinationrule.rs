//! `ValidateDestinationRule`, `validateTrafficPolicy`, `validateOutlierDetection`,
//! `validateConnectionPool`, `validateLoadBalancer`, `agent.ValidateLocalityLbSetting`,
//! `agent.ValidateTLS`, `validatePortTrafficPolicies` and `validateExportTo` (istio/istio
//! `pkg/config/validation/validation.go`, `agent/validation.go`).

use super::common::{
    duration, export_to, is_dns1123_label, labels, non_negative, percent, wildcard_domain,
};
use super::Out;
use crate::model::spec_tree::Node;
use crate::model::{Resource, Spec};

pub fn validate(r: &Resource, out: &mut Out) {
    let Spec::DestinationRule(dr) = &r.spec else {
        return;
    };
    let Some(t) = &dr.tree else { return };
    match t.get_str("host") {
        Some(h) => {
            if let Err(e) = wildcard_domain(h.value) {
                out.err(
                    h.span,
                    format!("`host` `{}` is not a valid host name: {e}", h.value),
                    "invalid host",
                    "write a service host such as `reviews`, `reviews.prod.svc.cluster.local` or `*.example.com`",
                );
            }
        }
        None if t.get("host").is_none() => out.err(
            t.span,
            "`host` is required",
            "no host",
            "set `host` to the service this rule applies to",
        ),
        None => {}
    }
    if let Some(tp) = t.get("trafficPolicy") {
        traffic_policy(tp, &"trafficPolicy", t.key_span("trafficPolicy"), out);
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, s) in t
        .get("subsets")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let at = format!("subsets[{i}]");
        if s.is_null() {
            out.err(
                s.span,
                format!("`{at}` is null"),
                "null subset",
                "remove the empty entry",
            );
            continue;
        }
        let name = s.get_str("name");
        let v = name.as_ref().map_or("", |n| n.value);
        let span = name.as_ref().map_or(s.span, |n| n.span);
        if names.contains(&v) {
            out.err(
                span,
                format!("`{at}.name` `{v}` is used by another subset; subset names must be unique"),
                "duplicate subset name",
                "rename one of the subsets",
            );
        }
        names.push(v);
        if v.is_empty() {
            out.err(
                span,
                format!("`{at}.name` is required"),
                "subset without name",
                "name the subset, for example `v1`",
            );
        } else if !is_dns1123_label(v) {
            out.err(
                span,
                format!("`{at}.name` `{v}` is not a DNS-1123 label (alphanumerics and `-`, at most 63 characters)"),
                "invalid subset name",
                "use a name such as `v1` or `canary`",
            );
        }
        labels(out, s, "labels", &at);
        if let Some(tp) = s.get("trafficPolicy") {
            traffic_policy(
                tp,
                &format_args!("{at}.trafficPolicy"),
                s.key_span("trafficPolicy"),
                out,
            );
        }
    }
    let selector = t.get("workloadSelector");
    export_to(out, t, &r.namespace, selector.is_some());
    if let Some(sel) = selector {
        let ml = sel.get_string_map("matchLabels");
        for (k, v) in &ml {
            if k.value.is_empty() {
                out.err(
                    k.span,
                    "`workloadSelector.matchLabels` has an empty key",
                    "empty key",
                    "remove the entry or name the label",
                );
            }
            if k.value.contains('*') || v.value.contains('*') {
                out.err(
                    v.span,
                    format!("`workloadSelector.matchLabels.{}` uses `*`; wildcards are not supported in selectors", k.value),
                    "wildcard in selector",
                    "select workloads by exact label values",
                );
            }
        }
        if ml.is_empty() {
            out.warn(
                t.key_span("workloadSelector").unwrap_or(sel.span),
                "`workloadSelector` has no labels",
                "selector without labels",
                "add `matchLabels` for the workloads this rule applies to, or remove `workloadSelector`",
            );
        }
    }
}

const POLICY_FIELDS: &[&str] = &[
    "loadBalancer",
    "connectionPool",
    "outlierDetection",
    "tls",
    "portLevelSettings",
    "tunnel",
    "proxyProtocol",
    "retryBudget",
];

fn traffic_policy(
    tp: &Node,
    at: &dyn std::fmt::Display,
    key: Option<crate::source::Span>,
    out: &mut Out,
) {
    if !tp.is_map() {
        return;
    }
    if !POLICY_FIELDS.iter().any(|f| tp.get(f).is_some()) {
        out.err(
            key.unwrap_or(tp.span),
            format!("`{at}` must set at least one field"),
            "empty traffic policy",
            "remove the empty `trafficPolicy`, or set loadBalancer, connectionPool, outlierDetection, tls or portLevelSettings",
        );
        return;
    }
    if let (Some(_), Some(pp)) = (tp.get("tunnel"), tp.get("proxyProtocol")) {
        out.err(
            tp.key_span("proxyProtocol").unwrap_or(pp.span),
            format!("`{at}` sets both `tunnel` and `proxyProtocol`, which cannot be used together"),
            "tunnel with proxyProtocol",
            "remove one of them",
        );
        return;
    }
    settings(tp, at, out);
    if let Some(tn) = tp.get("tunnel") {
        let p = format!("{at}.tunnel");
        if let Some(pr) = tn.get_str("protocol") {
            if !matches!(pr.value, "" | "CONNECT" | "POST") {
                out.err(
                    pr.span,
                    format!("`{p}.protocol` `{}` is not CONNECT or POST", pr.value),
                    "invalid tunnel protocol",
                    "use CONNECT (default) or POST",
                );
            }
        }
        let host = tn.get_str("targetHost");
        let hv = host.as_ref().map_or("", |h| h.value);
        if super::common::fqdn(hv).is_err() && !super::common::is_ip(hv) {
            out.err(
                host.as_ref().map_or(tn.span, |h| h.span),
                format!("`{p}.targetHost` `{hv}` is not a valid FQDN or IP address"),
                "invalid tunnel target host",
                "write the host of the tunnel endpoint, such as `proxy.example.com`",
            );
        }
        let port = tn.get_int("targetPort");
        let pv = port.as_ref().map_or(0, |x| x.value);
        if !(1..=65535).contains(&pv) {
            out.err(
                port.as_ref().map_or(tn.span, |x| x.span),
                format!("`{p}.targetPort` is {pv}; it must be in the range 1..65535"),
                "invalid tunnel target port",
                "set the port of the tunnel endpoint",
            );
        }
    }
    let pls = tp
        .get("portLevelSettings")
        .map(Node::items)
        .unwrap_or_default();
    for (i, pl) in pls.iter().enumerate() {
        let p = format!("{at}.portLevelSettings[{i}]");
        if pl.is_null() {
            out.err(
                pl.span,
                format!("`{p}` is null"),
                "null port policy",
                "remove the empty entry",
            );
            continue;
        }
        if pl.get("port").is_none() {
            out.err(
                pl.span,
                format!("`{p}.port` is required"),
                "port policy without port",
                "add `port: {number: 8080}`",
            );
        }
        if !["outlierDetection", "connectionPool", "loadBalancer", "tls"]
            .iter()
            .any(|f| pl.get(f).is_some())
        {
            out.err(
                pl.span,
                format!("`{p}` must set at least one of loadBalancer, connectionPool, outlierDetection or tls"),
                "empty port policy",
                "add the settings for this port, or remove the entry",
            );
        } else {
            settings(pl, &p, out);
        }
    }
}

/// The settings a traffic policy and a port-level policy share.
fn settings(tp: &Node, at: &dyn std::fmt::Display, out: &mut Out) {
    let outlier = tp.get("outlierDetection");
    if let Some(od) = outlier {
        outlier_detection(od, &format_args!("{at}.outlierDetection"), out);
    }
    if let Some(cp) = tp.get("connectionPool") {
        connection_pool(
            cp,
            &format_args!("{at}.connectionPool"),
            tp.key_span("connectionPool"),
            out,
        );
    }
    if let Some(lb) = tp.get("loadBalancer") {
        load_balancer(
            lb,
            &format_args!("{at}.loadBalancer"),
            outlier.is_some(),
            out,
        );
    }
    if let Some(tls) = tp.get("tls") {
        client_tls(tls, &format_args!("{at}.tls"), out);
    }
}

fn outlier_detection(od: &Node, at: &dyn std::fmt::Display, out: &mut Out) {
    duration(out, od, "baseEjectionTime", at);
    duration(out, od, "interval", at);
    if let Some(ce) = od.get_int("consecutiveErrors") {
        if ce.value != 0 {
            out.warn(
                ce.span,
                format!("`{at}.consecutiveErrors` is deprecated"),
                "deprecated field",
                "use `consecutive5xxErrors` or `consecutiveGatewayErrors` instead",
            );
        }
    }
    let lof = od.get("consecutiveLocalOriginFailures");
    let lof_n = lof.and_then(|v| v.as_int().or_else(|| v.get_int("value").map(|x| x.value)));
    if lof_n.is_some_and(|n| n > 0) && od.get_bool("splitExternalLocalOriginErrors") != Some(true) {
        out.err(
            lof.map_or(od.span, |v| v.span),
            format!("`{at}.consecutiveLocalOriginFailures` is set but `splitExternalLocalOriginErrors` is not true"),
            "needs splitExternalLocalOriginErrors",
            "set `splitExternalLocalOriginErrors: true`, or remove `consecutiveLocalOriginFailures`",
        );
    }
    percent(out, od, "maxEjectionPercent", at);
    percent(out, od, "minHealthPercent", at);
}

fn connection_pool(
    cp: &Node,
    at: &dyn std::fmt::Display,
    key: Option<crate::source::Span>,
    out: &mut Out,
) {
    let http = cp.get("http");
    let tcp = cp.get("tcp");
    if http.is_none() && tcp.is_none() {
        out.err(
            key.unwrap_or(cp.span),
            format!("`{at}` must set `http` or `tcp`"),
            "empty connection pool",
            "set the `tcp` or `http` pool limits, or remove `connectionPool`",
        );
        return;
    }
    if let Some(h) = http {
        let p = format!("{at}.http");
        for k in [
            "http1MaxPendingRequests",
            "http2MaxRequests",
            "maxRequestsPerConnection",
            "maxRetries",
            "maxConcurrentStreams",
        ] {
            non_negative(out, h, k, &p);
        }
        duration(out, h, "idleTimeout", &p);
        if h.get_str("h2UpgradePolicy")
            .is_some_and(|x| x.value == "UPGRADE")
            && h.get_bool("useClientProtocol") == Some(true)
        {
            out.err(
                h.get("useClientProtocol").map_or(h.span, |x| x.span),
                format!("`{p}.useClientProtocol` cannot be true when `h2UpgradePolicy` is UPGRADE"),
                "conflicts with UPGRADE",
                "remove `useClientProtocol` or `h2UpgradePolicy: UPGRADE`",
            );
        }
    }
    if let Some(t) = tcp {
        let p = format!("{at}.tcp");
        non_negative(out, t, "maxConnections", &p);
        duration(out, t, "connectTimeout", &p);
        duration(out, t, "maxConnectionDuration", &p);
        duration(out, t, "idleTimeout", &p);
        if let Some(ka) = t.get("tcpKeepalive") {
            let kp = format!("{p}.tcpKeepalive");
            duration(out, ka, "time", &kp);
            duration(out, ka, "interval", &kp);
        }
    }
}

fn is_prime(x: i64) -> bool {
    if x > 0 && x < 4 {
        return true;
    }
    if x <= 0 || x % 2 == 0 {
        return false;
    }
    let mut f = 3;
    while f * f <= x {
        if x % f == 0 {
            return false;
        }
        f += 2;
    }
    true
}

fn load_balancer(lb: &Node, at: &dyn std::fmt::Display, has_outlier: bool, out: &mut Out) {
    let _ = has_outlier;
    if let Some(ch) = lb.get("consistentHash") {
        let p = format!("{at}.consistentHash");
        if let Some(c) = ch.get("httpCookie") {
            if c.get_str("name").is_none_or(|n| n.value.is_empty()) {
                out.err(
                    c.span,
                    format!("`{p}.httpCookie.name` is required"),
                    "cookie without name",
                    "name the cookie to hash on",
                );
            }
        }
        let mrs = ch.get_int("minimumRingSize").filter(|m| m.value != 0);
        if let Some(m) = &mrs {
            out.warn(
                m.span,
                format!("`{p}.minimumRingSize` is deprecated"),
                "deprecated field",
                "use `ringHash: {minimumRingSize: N}` instead",
            );
            if ch.get("maglev").is_some() || ch.get("ringHash").is_some() {
                out.err(
                    m.span,
                    format!("`{p}` sets `minimumRingSize` together with `maglev`/`ringHash`; only one may be set"),
                    "conflicts with the hash algorithm",
                    "move the ring size into `ringHash.minimumRingSize`",
                );
            }
        }
        if let Some(ml) = ch.get("maglev") {
            let ts = ml.get_int("tableSize");
            let n = ts.as_ref().map_or(0, |x| x.value);
            let span = ts.as_ref().map_or(ml.span, |x| x.span);
            if n == 0 {
                out.err(
                    span,
                    format!("`{p}.maglev.tableSize` must be set"),
                    "no table size",
                    "set a prime table size such as 65537",
                );
            } else if n >= 5_000_011 || !is_prime(n) {
                out.err(
                    span,
                    format!(
                        "`{p}.maglev.tableSize` is {n}; it must be a prime number below 5000011"
                    ),
                    "invalid maglev table size",
                    "use a prime such as 65537 (the Envoy default) or 131071",
                );
            }
        }
    }
    if let Some(ll) = lb.get("localityLbSetting") {
        locality(ll, &format_args!("{at}.localityLbSetting"), out);
    }
    duration(out, lb, "warmupDurationSecs", at);
}

fn locality(ll: &Node, at: &dyn std::fmt::Display, out: &mut Out) {
    let dist = ll.get("distribute").map(Node::items).unwrap_or_default();
    let fail = ll.get("failover").map(Node::items).unwrap_or_default();
    if !dist.is_empty() && !fail.is_empty() {
        out.err(
            ll.key_span("failover").unwrap_or(ll.span),
            format!("`{at}` sets both `distribute` and `failover`; only one may be set"),
            "distribute with failover",
            "keep either `distribute` or `failover`",
        );
        return;
    }
    if !fail.is_empty() {
        for l in ll.get_strs("failoverPriority") {
            if matches!(
                l.value,
                "topology.kubernetes.io/region"
                    | "topology.kubernetes.io/zone"
                    | "topology.istio.io/subzone"
            ) {
                out.err(
                    l.span,
                    format!("`{at}.failoverPriority` cannot use the topology label `{}` together with `failover`", l.value),
                    "topology label with failover",
                    "remove the topology label from `failoverPriority`, or remove `failover`",
                );
                return;
            }
        }
    }
    for (i, d) in dist.iter().enumerate() {
        let p = format!("{at}.distribute[{i}]");
        let to = d.get("to");
        let mut total = 0i64;
        for (k, w) in to.map(Node::entries).unwrap_or_default() {
            let n = w.as_int().unwrap_or(0);
            if n <= 0 || n > 100 {
                out.err(
                    w.span,
                    format!(
                        "`{p}.to.{}` weight is {n}; locality weights must be in the range 1..100",
                        k.value
                    ),
                    "invalid locality weight",
                    "give the locality a weight from 1 to 100, or remove it",
                );
                return;
            }
            total += n;
        }
        if total != 100 {
            out.err(
                d.key_span("to").or(to.map(|t| t.span)).unwrap_or(d.span),
                format!(
                    "the weights of `{p}.to` add up to {total}; they must add up to exactly 100"
                ),
                "weights do not add up to 100",
                "adjust the weights so that they add up to 100",
            );
            return;
        }
    }
    for (i, f) in fail.iter().enumerate() {
        let p = format!("{at}.failover[{i}]");
        let from = f.get_str("from");
        let to = f.get_str("to");
        let fv = from.as_ref().map_or("", |x| x.value);
        let tv = to.as_ref().map_or("", |x| x.value);
        if fv == tv {
            out.err(
                to.as_ref().map_or(f.span, |x| x.span),
                format!("`{p}` fails over from `{fv}` to the same region"),
                "from equals to",
                "fail over to a different region",
            );
            return;
        }
        for (x, k) in [(&from, "from"), (&to, "to")] {
            if let Some(x) = x {
                if x.value.contains('/') || x.value.contains('*') {
                    out.err(
                        x.span,
                        format!(
                            "`{p}.{k}` `{}` must be a region only (no `/` or `*`)",
                            x.value
                        ),
                        "not a region",
                        "write only the region, such as `us-east1`",
                    );
                    return;
                }
            }
        }
    }
}

/// `agent.ValidateTLS` (client TLS).
fn client_tls(t: &Node, at: &dyn std::fmt::Display, out: &mut Out) {
    let mode = t.get_str("mode").map_or("", |m| m.value);
    let set = |k: &str| t.get_str(k).is_some_and(|x| !x.value.is_empty());
    if matches!(mode, "SIMPLE" | "MUTUAL") && set("credentialName") {
        if let Some(k) = ["clientCertificate", "privateKey", "caCertificates", "caCrl"]
            .into_iter()
            .find(|k| set(k))
        {
            out.err(
                t.get(k).map_or(t.span, |x| x.span),
                format!("`{at}.{k}` cannot be set together with `credentialName`"),
                "conflicts with credentialName",
                "put the certificates in the credential Secret and remove the file paths, or remove `credentialName`",
            );
        }
        return;
    }
    if mode == "MUTUAL" {
        for k in ["clientCertificate", "privateKey"] {
            if !set(k) {
                out.err(
                    t.get("mode").map_or(t.span, |x| x.span),
                    format!("`{at}` uses mode MUTUAL without `credentialName`, so `{k}` is required"),
                    "missing client certificate",
                    "set `credentialName`, or `clientCertificate` and `privateKey`, or use ISTIO_MUTUAL",
                );
            }
        }
    }
}
