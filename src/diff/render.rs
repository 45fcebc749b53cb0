//! The diff's outputs: pretty (terminal), JSON (the contract in docs/diff.md) and Markdown (a
//! pull-request comment: summary table first, details in collapsed sections).

use super::{ClassChange, DiffReport, FindingEntry, PolicyChange, RouteChange};
use crate::model::istio::HeaderOps;
use crate::route::classes::{DestView, OutcomeView};
use serde_json::json;
use std::fmt::Write;

/// The first line of the Markdown comment: the GitHub Action finds its comment by it.
pub const MARKER: &str = "<!-- meshlint-diff -->";

/// `reviews.bookinfo.svc.cluster.local` → `reviews.bookinfo`.
fn short_host(host: &str, domain: &str) -> String {
    host.strip_suffix(&format!(".svc.{domain}"))
        .unwrap_or(host)
        .to_string()
}

/// `reviews.bookinfo (mesh), port 9080` / `bookinfo.example.com (gateway istio-system/gw), port 80`;
/// `TCP postgres.shop (mesh), port 5432` / `TLS SNI api.example.com (gateway shop/edge), port 443`.
pub fn entry_title(c: &RouteChange, domain: &str) -> String {
    let env = c
        .environment
        .as_ref()
        .map(|e| format!("[{e}] "))
        .unwrap_or_default();
    let via = if c.gateway == "mesh" {
        "mesh".to_string()
    } else {
        format!("gateway {}", c.gateway)
    };
    let port = c.port.map(|p| format!(", port {p}")).unwrap_or_default();
    let what = match c.protocol {
        Some("tls") => "TLS SNI ",
        Some(_) => "TCP ",
        None => "",
    };
    format!("{env}{what}{} ({via}){port}", short_host(&c.host, domain))
}

fn pct(p: f64) -> String {
    format!("{p}%")
}

fn headers_text(h: &HeaderOps) -> String {
    let mut parts = Vec::new();
    for (side, op) in [("request", &h.request), ("response", &h.response)] {
        for (k, v) in &op.set {
            parts.push(format!("{side} set {k}: {v}"));
        }
        for (k, v) in &op.add {
            parts.push(format!("{side} add {k}: {v}"));
        }
        for k in &op.remove {
            parts.push(format!("{side} remove {k}"));
        }
    }
    parts.join(", ")
}

struct Ctx<'a> {
    domain: &'a str,
    host: &'a str,
    show_ports: bool,
}

fn dest_text(d: &DestView, cx: &Ctx) -> String {
    let mut s = match (&d.subset, d.host == cx.host) {
        (Some(sub), true) => sub.clone(),
        (Some(sub), false) => format!("{} {sub}", short_host(&d.host, cx.domain)),
        (None, _) => short_host(&d.host, cx.domain),
    };
    if cx.show_ports {
        if let Some(p) = d.port {
            let _ = write!(s, " :{p}");
        }
    }
    let _ = write!(s, " {}", pct(d.percent));
    if let Some(f) = &d.fallback {
        let _ = write!(s, " (fallback {f})");
    }
    if let Some(h) = &d.headers {
        let _ = write!(s, " ({})", headers_text(h));
    }
    if let Some(p) = &d.problem {
        let _ = write!(s, " ({p})");
    }
    s
}

fn main_text(v: &OutcomeView, cx: &Ctx) -> String {
    match v.kind {
        "route" => {
            let d: Vec<String> = v.destinations.iter().map(|d| dest_text(d, cx)).collect();
            if d.is_empty() {
                "no destination".to_string()
            } else {
                d.join(", ")
            }
        }
        "redirect" => {
            let r = v.redirect.clone().unwrap_or_default();
            let mut s = format!("redirect {}", r.redirect_code.unwrap_or(301));
            for (k, x) in [
                ("scheme", &r.scheme),
                ("authority", &r.authority),
                ("uri", &r.uri),
                ("derivePort", &r.derive_port),
            ] {
                if let Some(x) = x {
                    let _ = write!(s, " {k} {x}");
                }
            }
            if let Some(p) = r.port {
                let _ = write!(s, " port {p}");
            }
            s
        }
        "direct_response" => {
            let r = v.direct_response.clone().unwrap_or_default();
            format!("direct response {}", r.status.unwrap_or(200))
        }
        "no_route" => "404 (no route)".to_string(),
        _ => format!(
            "not served ({})",
            v.reason.as_deref().unwrap_or("not in this version")
        ),
    }
}

/// The aspects besides the destinations, each shown when it differs between the two sides.
fn aspects(v: &OutcomeView, other: &OutcomeView) -> Vec<String> {
    let mut out = Vec::new();
    // a request that is not routed has no timeout, retries, ... to compare
    let routed = |k: &str| !matches!(k, "no_route" | "unavailable");
    if !routed(v.kind) || !routed(other.kind) {
        return out;
    }
    let none = "none".to_string();
    if v.timeout != other.timeout {
        out.push(format!("timeout {}", v.timeout.as_ref().unwrap_or(&none)));
    }
    if v.retries != other.retries {
        out.push(format!("retries {}", v.retries.as_ref().unwrap_or(&none)));
    }
    if v.fault != other.fault {
        out.push(format!("fault {}", v.fault.as_ref().unwrap_or(&none)));
    }
    if v.mirrors != other.mirrors {
        out.push(if v.mirrors.is_empty() {
            "no mirror".to_string()
        } else {
            format!("mirror {}", v.mirrors.join(", "))
        });
    }
    if v.rewrite != other.rewrite {
        out.push(match &v.rewrite {
            None => "no rewrite".to_string(),
            Some(r) => {
                let mut parts = Vec::new();
                if let Some(u) = &r.uri {
                    parts.push(format!("uri {u}"));
                }
                if let Some((m, to)) = &r.uri_regex {
                    parts.push(format!("uri ~{m} → {to}"));
                }
                if let Some(a) = &r.authority {
                    parts.push(format!("authority {a}"));
                }
                format!("rewrite {}", parts.join(", "))
            }
        });
    }
    if v.headers != other.headers {
        out.push(match &v.headers {
            None => "no header changes".to_string(),
            Some(h) => format!("headers {}", headers_text(h)),
        });
    }
    if v.kind == other.kind && v.direct_response != other.direct_response {
        if let Some(d) = &v.direct_response {
            out.push(format!("body {:?}", d.body.as_deref().unwrap_or("")));
        }
    }
    out
}

/// One side of a class change, as one line: the destinations, then what else differs.
fn side_text(v: &OutcomeView, other: &OutcomeView, cx: &Ctx) -> String {
    let mut parts = vec![main_text(v, cx)];
    parts.extend(aspects(v, other));
    parts.join("; ")
}

/// Ports are shown only where they differ between the sides.
fn ports_differ(c: &ClassChange) -> bool {
    let key = |d: &DestView| (d.host.clone(), d.subset.clone());
    c.before.destinations.iter().any(|b| {
        c.after
            .destinations
            .iter()
            .any(|a| key(a) == key(b) && a.port != b.port)
    })
}

/// `before`, `after` of a class change, as text.
pub fn class_texts(entry: &RouteChange, c: &ClassChange, domain: &str) -> (String, String) {
    let cx = Ctx {
        domain,
        host: &entry.host,
        show_ports: ports_differ(c),
    };
    (
        side_text(&c.before, &c.after, &cx),
        side_text(&c.after, &c.before, &cx),
    )
}

fn short_class(label: &str) -> &str {
    label.strip_prefix("requests with ").unwrap_or(label)
}

fn rule_note(c: &ClassChange) -> Option<String> {
    let none = "-".to_string();
    (c.rule_before != c.rule_after).then(|| {
        format!(
            "rule {} → {}",
            c.rule_before.as_ref().unwrap_or(&none),
            c.rule_after.as_ref().unwrap_or(&none)
        )
    })
}

fn policy_title(p: &PolicyChange, domain: &str) -> String {
    let env = p
        .environment
        .as_ref()
        .map(|e| format!("[{e}] "))
        .unwrap_or_default();
    format!(
        "{env}DestinationRule {} ({})",
        p.destination_rule,
        short_host(&p.host, domain)
    )
}

fn plural(n: usize, word: &str) -> String {
    let end = match (n, word.ends_with('s')) {
        (1, _) => "",
        (_, true) => "es",
        _ => "s",
    };
    format!("{n} {word}{end}")
}

fn by_severity(f: &[FindingEntry]) -> String {
    let mut parts = Vec::new();
    for s in ["error", "warning", "info"] {
        let n = f.iter().filter(|x| x.severity == s).count();
        if n > 0 {
            parts.push(plural(n, s));
        }
    }
    parts.join(", ")
}

fn finding_line(f: &FindingEntry) -> String {
    let env = f
        .environment
        .as_ref()
        .map(|e| format!("[{e}] "))
        .unwrap_or_default();
    format!(
        "{} {} {}{}{}{}",
        f.severity,
        f.code,
        f.rule,
        f.resource
            .as_ref()
            .map(|r| format!(": {r}"))
            .unwrap_or_default(),
        f.location
            .as_ref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default(),
        if env.is_empty() {
            String::new()
        } else {
            format!(" {}", env.trim_end())
        },
    )
}

/// Hosts (environment, entry, host) whose routing changed.
fn hosts_changed(r: &DiffReport) -> usize {
    let mut v: Vec<(&Option<String>, &str, &str)> = r
        .routing
        .iter()
        .map(|c| (&c.environment, c.gateway.as_str(), c.host.as_str()))
        .collect();
    v.dedup();
    v.len()
}

/// The terminal output.
pub fn pretty(r: &DiffReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "meshlint diff {} → {}\n", r.base, r.head);
    if r.routing.is_empty() {
        let _ = writeln!(s, "Routing: no request changes outcome");
    } else {
        let _ = writeln!(
            s,
            "Routing: {} changed",
            plural(r.routing.len(), "entry point")
        );
    }
    for c in &r.routing {
        let _ = writeln!(s, "  {}", entry_title(c, &r.domain));
        for k in &c.classes {
            let (b, a) = class_texts(c, k, &r.domain);
            let line = format!("    {}: {b} → {a}", k.class);
            if line.chars().count() <= 100 {
                let _ = writeln!(s, "{line}");
            } else {
                let _ = writeln!(s, "    {}:", k.class);
                let _ = writeln!(s, "      before: {b}");
                let _ = writeln!(s, "      after:  {a}");
            }
            if let Some(n) = rule_note(k) {
                let _ = writeln!(s, "      ({n})");
            }
        }
        for u in &c.unevaluated {
            let _ = writeln!(
                s,
                "    {u}: not compared (no request could be built for it)"
            );
        }
    }
    if !r.policies.is_empty() {
        let _ = writeln!(
            s,
            "\nDestination policies (no request moves): {} changed",
            plural(r.policies.len(), "DestinationRule")
        );
        for p in &r.policies {
            let _ = writeln!(s, "  {}", policy_title(p, &r.domain));
            for c in &p.changes {
                let _ = writeln!(s, "    {c}");
            }
        }
    }
    let f = &r.findings;
    let _ = writeln!(
        s,
        "\nFindings: {} introduced, {} fixed, {} unchanged",
        f.introduced.len(),
        f.fixed.len(),
        f.unchanged.len()
    );
    for (what, list) in [("introduced", &f.introduced), ("fixed", &f.fixed)] {
        for e in list {
            let _ = writeln!(s, "  {what:<10} {}", finding_line(e));
            let _ = writeln!(s, "             {}", e.message);
        }
    }
    s
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The pull-request comment.
pub fn markdown(r: &DiffReport) -> String {
    let mut s = String::new();
    let f = &r.findings;
    let _ = writeln!(s, "{MARKER}");
    let _ = writeln!(
        s,
        "### meshlint diff: `{}` → `{}`\n",
        md_escape(&r.base),
        md_escape(&r.head)
    );
    let _ = writeln!(s, "| | |");
    let _ = writeln!(s, "|---|---|");
    let _ = writeln!(s, "| Hosts with routing changes | {} |", hosts_changed(r));
    let classes: usize = r.routing.iter().map(|c| c.classes.len()).sum();
    let _ = writeln!(s, "| Request classes changing outcome | {classes} |");
    let _ = writeln!(
        s,
        "| DestinationRules changed (no request moves) | {} |",
        r.policies.len()
    );
    let sev = by_severity(&f.introduced);
    let _ = writeln!(
        s,
        "| Findings introduced | {}{} |",
        f.introduced.len(),
        if sev.is_empty() {
            String::new()
        } else {
            format!(" ({sev})")
        }
    );
    let _ = writeln!(s, "| Findings fixed | {} |", f.fixed.len());
    let _ = writeln!(s, "| Findings unchanged | {} |", f.unchanged.len());
    for c in &r.routing {
        let _ = writeln!(
            s,
            "\n<details><summary>Routing: {} — {}</summary>\n",
            md_escape(&entry_title(c, &r.domain)),
            plural(c.classes.len(), "request class") + " changed"
        );
        let _ = writeln!(s, "| Requests | Before | After |");
        let _ = writeln!(s, "|---|---|---|");
        for k in &c.classes {
            let (b, a) = class_texts(c, k, &r.domain);
            let note = rule_note(k).map(|n| format!(" <br>_{}_", md_escape(&n)));
            let _ = writeln!(
                s,
                "| {} | {} | {}{} |",
                md_escape(short_class(&k.class)),
                md_escape(&b),
                md_escape(&a),
                note.unwrap_or_default()
            );
        }
        for u in &c.unevaluated {
            let _ = writeln!(s, "| {} | _not compared_ | |", md_escape(short_class(u)));
        }
        let _ = writeln!(s, "\n</details>");
    }
    if !r.policies.is_empty() {
        let _ = writeln!(
            s,
            "\n<details><summary>Destination policies: {} changed (no request moves)</summary>\n",
            plural(r.policies.len(), "DestinationRule")
        );
        for p in &r.policies {
            let _ = writeln!(s, "- **{}**", md_escape(&policy_title(p, &r.domain)));
            for c in &p.changes {
                let _ = writeln!(s, "  - {}", md_escape(c));
            }
        }
        let _ = writeln!(s, "\n</details>");
    }
    for (what, list) in [("introduced", &f.introduced), ("fixed", &f.fixed)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "\n<details><summary>Findings {what}: {}</summary>\n",
            list.len()
        );
        let _ = writeln!(s, "| Severity | Code | Object | Where | Message |");
        let _ = writeln!(s, "|---|---|---|---|---|");
        for e in list {
            let env = e
                .environment
                .as_ref()
                .map(|x| format!(" [{x}]"))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "| {} | {} `{}` | {}{} | `{}` | {} |",
                e.severity,
                e.code,
                e.rule,
                md_escape(e.resource.as_deref().unwrap_or("-")),
                md_escape(&env),
                md_escape(e.location.as_deref().unwrap_or("-")),
                md_escape(&e.message)
            );
        }
        let _ = writeln!(s, "\n</details>");
    }
    s
}

/// The JSON document (docs/diff.md).
pub fn json(r: &DiffReport) -> String {
    let f = &r.findings;
    let count =
        |list: &[FindingEntry], sev: &str| list.iter().filter(|x| x.severity == sev).count();
    let routing: Vec<serde_json::Value> = r
        .routing
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).unwrap_or_default();
            v["title"] = json!(entry_title(c, &r.domain));
            if let Some(list) = v["classes"].as_array_mut() {
                for (x, k) in list.iter_mut().zip(&c.classes) {
                    let (b, a) = class_texts(c, k, &r.domain);
                    x["before_text"] = json!(b);
                    x["after_text"] = json!(a);
                }
            }
            v
        })
        .collect();
    let doc = json!({
        "version": 1,
        "tool": "meshlint",
        "base": r.base,
        "head": r.head,
        "summary": {
            "hosts_changed": hosts_changed(r),
            "entry_points_changed": r.routing.len(),
            "classes_changed": r.routing.iter().map(|c| c.classes.len()).sum::<usize>(),
            "policies_changed": r.policies.len(),
            "findings": {
                "introduced": f.introduced.len(),
                "fixed": f.fixed.len(),
                "unchanged": f.unchanged.len(),
                "introduced_by_severity": {
                    "error": count(&f.introduced, "error"),
                    "warning": count(&f.introduced, "warning"),
                    "info": count(&f.introduced, "info"),
                },
            },
        },
        "routing": routing,
        "policies": r.policies,
        "findings": f,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
