//! Plain-text rendering of a [`Simulation`].

use super::sim::{Outcome, ResolvedDestination, Simulation};
use crate::model::istio::HeaderOps;
use std::fmt::Write;

pub fn render(s: &Simulation) -> String {
    let mut o = String::new();
    let r = &s.request;
    let mut q = String::new();
    if !r.query.is_empty() {
        q.push('?');
        q.push_str(
            &r.query
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&"),
        );
    }
    match s.protocol {
        Some("tls") => {
            let _ = writeln!(
                o,
                "connection: TLS, SNI {} port {} via {}",
                s.host, r.port, r.gateway
            );
        }
        Some(p) => {
            let _ = writeln!(
                o,
                "connection: {} to {} port {} via {}",
                p.to_ascii_uppercase(),
                s.host,
                r.port,
                r.gateway
            );
        }
        None => {
            let _ = writeln!(
                o,
                "request: {} {}://{}{}{} port {} via {}",
                r.method, r.scheme, r.authority, r.path, q, r.port, r.gateway
            );
        }
    }
    let _ = write!(o, "client:  namespace {}", r.source_namespace);
    if !r.source_labels.is_empty() {
        let l: Vec<String> = r
            .source_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let _ = write!(o, ", labels {}", l.join(","));
    }
    o.push('\n');
    for (k, v) in &r.headers {
        let _ = writeln!(o, "header:  {k}: {v}");
    }
    let _ = writeln!(o, "host:    {}", s.host);
    if let Some(g) = &s.gateway_api {
        if let Some(l) = &g.listener {
            let _ = writeln!(o, "listener: {l}");
        }
        if let Some(v) = &g.virtual_host {
            let _ = writeln!(o, "virtual host: {v}");
        }
        if g.routes.is_empty() {
            let _ = writeln!(o, "routes:  none");
        } else {
            let _ = writeln!(o, "routes:  {}", g.routes.join(", "));
        }
    } else if s.virtual_services.is_empty() {
        let _ = writeln!(o, "virtual services: none");
    } else {
        let _ = writeln!(o, "virtual services: {}", s.virtual_services.join(", "));
    }
    for n in &s.notes {
        let _ = writeln!(o, "note:    {n}");
    }
    if !s.rules.is_empty() {
        o.push_str("\nrules (first match wins):\n");
        for row in &s.rules {
            let mark = match row.status {
                "matched" => "=>",
                "no-match" => " x",
                "not-applied" => " -",
                _ => "  ",
            };
            let name = row
                .name
                .as_ref()
                .map(|n| format!(" \"{n}\""))
                .unwrap_or_default();
            let via = row
                .via
                .as_ref()
                .map(|v| format!(" (delegated from {v})"))
                .unwrap_or_default();
            match row.kind {
                Some(kind) => {
                    let m = row
                        .rule_match
                        .map(|m| format!(".matches[{m}]"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        o,
                        "{mark} {kind} {} rules[{}]{m}{name}  {}  [{}]",
                        row.virtual_service, row.index, row.status, row.location
                    );
                }
                None => {
                    let _ = writeln!(
                        o,
                        "{mark} {} {}[{}]{name}{via}  {}  [{}]",
                        row.virtual_service,
                        row.section.unwrap_or("http"),
                        row.index,
                        row.status,
                        row.location
                    );
                }
            }
            if let (Some(m), None) = (row.matched_match, row.kind) {
                let _ = writeln!(o, "      by match #{m}");
            }
            if let Some(d) = &row.detail {
                let _ = writeln!(o, "      {d}");
            }
            for reason in &row.reasons {
                let _ = writeln!(o, "      {reason}");
            }
        }
    }
    o.push_str("\nresult: ");
    match &s.outcome {
        Outcome::Default { destination } => {
            o.push_str(match s.protocol {
                Some(_) => "the service itself (no route of the VirtualServices applies)\n",
                None => "default route (no VirtualService)\n",
            });
            if let Some(d) = destination {
                dest(&mut o, d, false);
            }
            o.push_str("  load balancing: round robin over the service's endpoints unless the DestinationRule sets loadBalancer\n");
        }
        Outcome::NoRoute { reason } => {
            let _ = writeln!(o, "no route\n  {reason}");
        }
        Outcome::Redirect {
            redirect,
            status,
            extras,
        } => {
            let _ = writeln!(o, "redirect {status} (by {})", extras.rule);
            let fields = [
                ("uri", redirect.uri.clone()),
                ("authority", redirect.authority.clone()),
                ("scheme", redirect.scheme.clone()),
                ("port", redirect.port.map(|p| p.to_string())),
                ("derivePort", redirect.derive_port.clone()),
            ];
            for (k, v) in fields {
                if let Some(v) = v {
                    let _ = writeln!(o, "  {k}: {v}");
                }
            }
        }
        Outcome::DirectResponse {
            direct_response,
            extras,
        } => {
            let _ = writeln!(
                o,
                "direct response {} (by {})",
                direct_response
                    .status
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                extras.rule
            );
            if let Some(b) = &direct_response.body {
                let _ = writeln!(o, "  body: {b}");
            }
        }
        Outcome::Route {
            destinations,
            extras,
        } => {
            let _ = writeln!(o, "route (by {})", extras.rule);
            for d in destinations {
                dest(&mut o, d, true);
            }
            if s.protocol.is_some() {
                // a TCP proxy: no timeout, retries, faults, mirrors or rewrites
                return o;
            }
            let _ = writeln!(
                o,
                "  timeout: {}",
                extras
                    .timeout
                    .clone()
                    .unwrap_or_else(|| "none (Istio default: disabled)".to_string())
            );
            let rt = &extras.retries;
            let mut rs = format!(
                "{} attempts",
                rt.attempts.map(|a| a.to_string()).unwrap_or("?".into())
            );
            if let Some(p) = &rt.per_try_timeout {
                let _ = write!(rs, ", perTryTimeout {p}");
            }
            if let Some(p) = &rt.retry_on {
                let _ = write!(rs, ", retryOn {p}");
            }
            if rt.mesh_default {
                rs.push_str(" (mesh default)");
            }
            let _ = writeln!(o, "  retries: {rs}");
            if let Some(f) = &extras.fault {
                if let Some(d) = &f.delay {
                    let _ = writeln!(
                        o,
                        "  fault: delay {d} for {}% of requests",
                        f.delay_percent.unwrap_or(100.0)
                    );
                }
                if let Some(a) = f.abort_status {
                    let _ = writeln!(
                        o,
                        "  fault: abort {a} for {}% of requests",
                        f.abort_percent.unwrap_or(100.0)
                    );
                }
            }
            for m in &extras.mirrors {
                let _ = writeln!(
                    o,
                    "  mirror: {}% to {}{}",
                    m.percent,
                    hostport(&m.destination),
                    m.destination
                        .subset
                        .as_ref()
                        .map(|s| format!(" subset {s}"))
                        .unwrap_or_default()
                );
            }
            if let Some(rw) = &extras.rewrite {
                if let Some(u) = &rw.uri {
                    let _ = writeln!(o, "  rewrite: uri prefix -> {u}");
                }
                if let Some((m, r)) = &rw.uri_regex {
                    let _ = writeln!(o, "  rewrite: uri regex {m} -> {r}");
                }
                if let Some(a) = &rw.authority {
                    let _ = writeln!(o, "  rewrite: authority -> {a}");
                }
            }
            if let Some(h) = &extras.headers {
                headers(&mut o, h, "  ");
            }
        }
    }
    o
}

fn hostport(d: &ResolvedDestination) -> String {
    match d.port {
        Some(p) => format!("{}:{p}", d.host),
        None => d.host.clone(),
    }
}

fn headers(o: &mut String, h: &HeaderOps, indent: &str) {
    for (dir, op) in [("request", &h.request), ("response", &h.response)] {
        for (k, v) in &op.set {
            let _ = writeln!(o, "{indent}{dir} header set {k}: {v}");
        }
        for (k, v) in &op.add {
            let _ = writeln!(o, "{indent}{dir} header add {k}: {v}");
        }
        for k in &op.remove {
            let _ = writeln!(o, "{indent}{dir} header remove {k}");
        }
    }
}

fn dest(o: &mut String, d: &ResolvedDestination, pct: bool) {
    let share = if pct {
        format!("{:>6.2}%  ", d.percent)
    } else {
        "  ".to_string()
    };
    let _ = writeln!(
        o,
        "  {share}{}{}",
        hostport(d),
        d.subset
            .as_ref()
            .map(|s| format!(" subset {s}"))
            .unwrap_or_default()
    );
    let pad = if pct { "             " } else { "    " };
    if !d.backends.is_empty() {
        let _ = writeln!(o, "{pad}backend: {}", d.backends.join(", "));
    }
    if !d.subset_labels.is_empty() {
        let l: Vec<String> = d
            .subset_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let _ = writeln!(o, "{pad}subset labels: {}", l.join(","));
    }
    if d.backends.iter().any(|b| b.starts_with("Service ")) {
        if d.workloads.is_empty() {
            let _ = writeln!(o, "{pad}workloads: none in the input");
        } else {
            let _ = writeln!(o, "{pad}workloads: {}", d.workloads.join(", "));
        }
    }
    if let Some(dr) = &d.destination_rule {
        let _ = writeln!(o, "{pad}destination rule: {dr}");
    }
    if let Some(tp) = &d.traffic_policy {
        for (k, v) in [
            ("loadBalancer", &tp.load_balancer),
            ("connectionPool", &tp.connection_pool),
            ("outlierDetection", &tp.outlier_detection),
            ("tls", &tp.tls),
        ] {
            if let Some(v) = v {
                let _ = writeln!(o, "{pad}{k}: {v}");
            }
        }
        for (p, v) in &tp.port_level {
            let _ = writeln!(o, "{pad}port {p}: {v}");
        }
    }
    if let Some(h) = &d.headers {
        headers(o, h, pad);
    }
    if let Some(fb) = &d.fallback {
        let _ = writeln!(
            o,
            "{pad}fallback (ASM, when the subset has no healthy endpoint): {}{}",
            hostport(fb),
            fb.subset
                .as_ref()
                .map(|s| format!(" subset {s}"))
                .unwrap_or_default()
        );
    }
    for p in &d.problems {
        let _ = writeln!(o, "{pad}problem: {p}");
    }
}
