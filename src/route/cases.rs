//! Route test cases: requests with expected outcomes, run through the simulator.
//!
//! Two formats (see docs/route-testing.md): meshlint's own (`tests:`), and
//! getyourguide/istio-config-validator's (`testCases:`).

use super::sim::{fmt_duration, Outcome, Query, ResolvedDestination, Simulation, Simulator};
use crate::index::host::resolve_short;
use crate::model::Duration;
use crate::source::FileId;
use crate::yaml::{parse_file, Limits, Value};
use serde::Serialize;

/// One expectation: a field, the expected text, and how to read the actual one.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub field: String,
    pub expected: String,
    pub actual: String,
}

#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub file: String,
    pub query: Query,
    /// (field, expected) pairs; see [`actual`].
    pub expect: Vec<(String, Vec<Expect>)>,
    /// istio-config-validator `wantMatch: false`: the case passes when the expectations fail.
    pub want_match: bool,
}

/// An expected value, each key optional.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    pub fields: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub name: String,
    pub file: String,
    pub passed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Check>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn scalar(v: Option<Value>) -> Option<String> {
    v.and_then(|v| v.scalar()).map(|(s, _)| s.to_string())
}

fn map_pairs(v: Option<Value>) -> Vec<(String, String)> {
    v.map(|v| {
        v.entries()
            .into_iter()
            .filter_map(|(k, v)| Some((scalar(Some(k))?, scalar(Some(v)).unwrap_or_default())))
            .collect()
    })
    .unwrap_or_default()
}

fn strings(v: Option<Value>) -> Vec<String> {
    match v {
        Some(v) if v.is_seq() => v
            .items()
            .into_iter()
            .filter_map(|i| scalar(Some(i)))
            .collect(),
        Some(v) => scalar(Some(v)).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Whether a YAML text is a test-case file (top-level `tests` or `testCases`, no `kind`).
pub fn is_case_file(text: &str) -> bool {
    let p = parse_file(FileId::new(0), text, &Limits::default());
    p.documents.iter().any(|d| {
        d.root.and_then(|r| Value::new(d, r)).is_some_and(|v| {
            v.get("kind").is_none() && (v.get("tests").is_some() || v.get("testCases").is_some())
        })
    })
}

fn flat(prefix: &str, v: Value, out: &mut Vec<(String, String)>) {
    if v.is_map() {
        for (k, val) in v.entries() {
            let Some(k) = scalar(Some(k)) else { continue };
            let key = if prefix.is_empty() {
                k
            } else {
                format!("{prefix}.{k}")
            };
            flat(&key, val, out);
        }
    } else if let Some(s) = scalar(Some(v)) {
        out.push((prefix.to_string(), s));
    }
}

fn one(v: Option<Value>) -> Vec<Expect> {
    let mut e = Expect::default();
    if let Some(v) = v {
        flat("", v, &mut e.fields);
    }
    vec![e]
}

fn many(v: Option<Value>) -> Vec<Expect> {
    v.map(|v| {
        v.items()
            .into_iter()
            .map(|i| {
                let mut e = Expect::default();
                flat("", i, &mut e.fields);
                e
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Parses the cases of one file.
pub fn parse_cases(path: &str, text: &str) -> Result<Vec<Case>, String> {
    let p = parse_file(FileId::new(0), text, &Limits::default());
    if let Some(d) = p.diagnostics.first() {
        return Err(format!("{path}: {}", d.message));
    }
    let mut out = Vec::new();
    for d in &p.documents {
        let Some(root) = d.root.and_then(|r| Value::new(d, r)) else {
            continue;
        };
        for (i, t) in root
            .get("tests")
            .map(|t| t.items())
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            out.push(native_case(path, i, t));
        }
        for (i, t) in root
            .get("testCases")
            .map(|t| t.items())
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            out.extend(icv_cases(path, i, t));
        }
    }
    Ok(out)
}

fn native_case(path: &str, i: usize, t: Value) -> Case {
    let name = scalar(t.get("name")).unwrap_or_else(|| format!("test #{i}"));
    let r = t.get("request");
    let g = |k: &str| scalar(r.and_then(|r| r.get(k)));
    let query = Query {
        host: g("host").unwrap_or_default(),
        path: g("path"),
        method: g("method"),
        authority: g("authority"),
        headers: map_pairs(r.and_then(|r| r.get("headers"))),
        query: map_pairs(r.and_then(|r| r.get("query"))),
        port: g("port").and_then(|p| p.parse().ok()),
        scheme: g("scheme"),
        gateway: g("gateway"),
        source_labels: map_pairs(r.and_then(|r| r.get("sourceLabels"))),
        source_namespace: g("sourceNamespace"),
        protocol: g("protocol"),
    };
    let mut expect = Vec::new();
    if let Some(e) = t.get("expect") {
        for (k, v) in e.entries() {
            let Some(k) = scalar(Some(k)) else { continue };
            let vals = match k.as_str() {
                "route" | "mirror" | "mirrors" => many(Some(v)),
                _ if v.is_map() => one(Some(v)),
                _ => vec![Expect {
                    fields: vec![(String::new(), scalar(Some(v)).unwrap_or_default())],
                }],
            };
            expect.push((k, vals));
        }
    }
    Case {
        name,
        file: path.to_string(),
        query,
        expect,
        want_match: true,
    }
}

/// istio-config-validator: every combination of authority × method × uri is a case.
fn icv_cases(path: &str, i: usize, t: Value) -> Vec<Case> {
    let desc = scalar(t.get("description")).unwrap_or_else(|| format!("testCase #{i}"));
    let want_match = scalar(t.get("wantMatch")).is_none_or(|v| v != "false");
    let r = t.get("request");
    let authorities = strings(r.and_then(|r| r.get("authority")));
    let mut methods = strings(r.and_then(|r| r.get("method")));
    if methods.is_empty() {
        methods.push("GET".to_string());
    }
    let mut uris = strings(r.and_then(|r| r.get("uri")));
    if uris.is_empty() {
        uris.push("/".to_string());
    }
    let headers = map_pairs(r.and_then(|r| r.get("headers")));
    let mut expect = Vec::new();
    if let Some(rt) = t.get("route") {
        let dests = rt
            .items()
            .into_iter()
            .map(|d| {
                let mut e = Expect::default();
                if let Some(dd) = d.get("destination") {
                    flat("", dd, &mut e.fields);
                }
                if let Some(w) = scalar(d.get("weight")) {
                    e.fields.push(("weight".into(), w));
                }
                for f in &mut e.fields {
                    if f.0 == "port.number" {
                        f.0 = "port".into();
                    }
                }
                e
            })
            .collect();
        expect.push(("route".to_string(), dests));
    }
    for k in ["redirect", "rewrite", "fault", "headers", "directResponse"] {
        if let Some(v) = t.get(k) {
            expect.push((k.to_string(), one(Some(v))));
        }
    }
    let mut out = Vec::new();
    for a in &authorities {
        for m in &methods {
            for u in &uris {
                out.push(Case {
                    name: format!("{desc} [{m} {a}{u}]"),
                    file: path.to_string(),
                    query: Query {
                        host: a.clone(),
                        path: Some(u.clone()),
                        method: Some(m.clone()),
                        headers: headers.clone(),
                        gateway: Some("*".to_string()),
                        ..Query::default()
                    },
                    expect: expect.clone(),
                    want_match,
                });
            }
        }
    }
    out
}

fn dest_text(
    e: &Expect,
    d: Option<&ResolvedDestination>,
    ns: &str,
    domain: &str,
) -> (String, String) {
    let mut exp = Vec::new();
    let mut act = Vec::new();
    for (k, v) in &e.fields {
        let (ev, av) = match k.as_str() {
            "host" => {
                let ev = resolve_short(v, ns, domain);
                let av = d.map(|d| {
                    if d.host == ev || d.host_written == *v {
                        ev.clone()
                    } else {
                        d.host.clone()
                    }
                });
                (ev, av)
            }
            "subset" => (v.clone(), d.and_then(|d| d.subset.clone())),
            "port" => (v.clone(), d.and_then(|d| d.port.map(|p| p.to_string()))),
            "weight" | "percent" => (trim_num(v), d.map(|d| trim_num(&d.percent.to_string()))),
            "fallback.host" => (
                resolve_short(v, ns, domain),
                d.and_then(|d| d.fallback.as_ref().map(|f| f.host.clone())),
            ),
            "fallback.subset" => (
                v.clone(),
                d.and_then(|d| d.fallback.as_ref().and_then(|f| f.subset.clone())),
            ),
            _ => (v.clone(), None),
        };
        exp.push(format!("{k}={ev}"));
        act.push(format!("{k}={}", av.unwrap_or_else(|| "-".into())));
    }
    (exp.join(" "), act.join(" "))
}

fn trim_num(s: &str) -> String {
    match s.parse::<f64>() {
        Ok(f) if f.fract() == 0.0 => format!("{}", f as i64),
        Ok(f) => format!("{f}"),
        Err(_) => s.to_string(),
    }
}

fn norm_duration(s: &str) -> String {
    fmt_duration(Duration::parse(s).nanos)
}

/// The checks of one case against a simulation.
pub fn evaluate(case: &Case, sim: &Simulation, domain: &str) -> Vec<Check> {
    let ns = &sim.request.source_namespace;
    let mut checks = Vec::new();
    let extras = match &sim.outcome {
        Outcome::Route { extras, .. }
        | Outcome::Redirect { extras, .. }
        | Outcome::DirectResponse { extras, .. } => Some(extras),
        _ => None,
    };
    let kind = match &sim.outcome {
        Outcome::Default { .. } => "default",
        Outcome::NoRoute { .. } => "no route",
        Outcome::Redirect { .. } => "redirect",
        Outcome::DirectResponse { .. } => "direct response",
        Outcome::Route { .. } => "route",
    };
    let get = |e: &Expect, k: &str| {
        e.fields
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.clone())
    };
    for (field, exps) in &case.expect {
        let mut push = |expected: String, actual: String| {
            checks.push(Check {
                field: field.clone(),
                expected,
                actual,
            })
        };
        match field.as_str() {
            "route" => {
                let dests: Vec<&ResolvedDestination> = match &sim.outcome {
                    Outcome::Route { destinations, .. } => destinations.iter().collect(),
                    Outcome::Default {
                        destination: Some(d),
                    } => vec![d],
                    _ => Vec::new(),
                };
                let n = exps.len().max(dests.len());
                for i in 0..n {
                    let e = exps.get(i).cloned().unwrap_or_default();
                    let (ex, ac) = if e.fields.is_empty() {
                        let d = dests[i];
                        (
                            "(nothing)".into(),
                            format!(
                                "host={} subset={} weight={}",
                                d.host,
                                d.subset.clone().unwrap_or("-".into()),
                                trim_num(&d.percent.to_string())
                            ),
                        )
                    } else {
                        let (ex, ac) = dest_text(&e, dests.get(i).copied(), ns, domain);
                        if dests.get(i).is_none() {
                            (ex, format!("({kind})"))
                        } else {
                            (ex, ac)
                        }
                    };
                    push(ex, ac);
                }
            }
            "mirror" | "mirrors" => {
                let ms = extras.map(|x| x.mirrors.clone()).unwrap_or_default();
                let n = exps.len().max(ms.len());
                for i in 0..n {
                    let e = exps.get(i).cloned().unwrap_or_default();
                    let d = ms.get(i).map(|m| {
                        let mut d = m.destination.clone();
                        d.percent = m.percent;
                        d
                    });
                    let (ex, ac) = dest_text(&e, d.as_ref(), ns, domain);
                    push(
                        ex,
                        if d.is_none() {
                            "(no mirror)".into()
                        } else {
                            ac
                        },
                    );
                }
            }
            "noRoute" => {
                let want = exps.first().and_then(|e| get(e, "")).unwrap_or_default() == "true";
                push(
                    if want { "no route" } else { "a route" }.into(),
                    if kind == "no route" {
                        "no route"
                    } else {
                        "a route"
                    }
                    .into(),
                );
            }
            "rule" => {
                let want = exps.first().and_then(|e| get(e, "")).unwrap_or_default();
                let actual = sim
                    .rules
                    .iter()
                    .find(|r| r.status == "matched")
                    .map(|r| {
                        r.name
                            .clone()
                            .unwrap_or_else(|| format!("{} http[{}]", r.virtual_service, r.index))
                    })
                    .unwrap_or_else(|| "-".into());
                push(want, actual);
            }
            "virtualService" => {
                let want = exps.first().and_then(|e| get(e, "")).unwrap_or_default();
                let actual = sim
                    .rules
                    .iter()
                    .find(|r| r.status == "matched")
                    .map(|r| r.virtual_service.clone())
                    .unwrap_or_else(|| "-".into());
                push(want, actual);
            }
            "timeout" => {
                let want = exps.first().and_then(|e| get(e, "")).unwrap_or_default();
                let actual = extras
                    .and_then(|x| x.timeout.clone())
                    .unwrap_or_else(|| "none".into());
                let want = if want == "none" {
                    want
                } else {
                    norm_duration(&want)
                };
                push(want, actual);
            }
            "retries" => {
                let e = exps.first().cloned().unwrap_or_default();
                let r = extras.map(|x| x.retries.clone()).unwrap_or_default();
                for (k, v) in &e.fields {
                    let (ev, av) = match k.as_str() {
                        "attempts" => (v.clone(), r.attempts.map(|a| a.to_string())),
                        "perTryTimeout" => (norm_duration(v), r.per_try_timeout.clone()),
                        "retryOn" => (v.clone(), r.retry_on.clone()),
                        _ => (v.clone(), None),
                    };
                    push(
                        format!("{k}={ev}"),
                        format!("{k}={}", av.unwrap_or("-".into())),
                    );
                }
            }
            "fault" => {
                let e = exps.first().cloned().unwrap_or_default();
                let f = extras.and_then(|x| x.fault.clone()).unwrap_or_default();
                for (k, v) in &e.fields {
                    let (ev, av) = match k.as_str() {
                        "delay" | "delay.fixedDelay" => (norm_duration(v), f.delay.clone()),
                        "abort" | "abort.httpStatus" => {
                            (v.clone(), f.abort_status.map(|a| a.to_string()))
                        }
                        "delay.percentage.value" => (
                            trim_num(v),
                            f.delay_percent.map(|p| trim_num(&p.to_string())),
                        ),
                        "abort.percentage.value" => (
                            trim_num(v),
                            f.abort_percent.map(|p| trim_num(&p.to_string())),
                        ),
                        _ => (v.clone(), None),
                    };
                    push(
                        format!("{k}={ev}"),
                        format!("{k}={}", av.unwrap_or("-".into())),
                    );
                }
            }
            "rewrite" => {
                let e = exps.first().cloned().unwrap_or_default();
                let rw = extras.and_then(|x| x.rewrite.clone()).unwrap_or_default();
                for (k, v) in &e.fields {
                    let av = match k.as_str() {
                        "uri" => rw.uri.clone(),
                        "authority" => rw.authority.clone(),
                        _ => None,
                    };
                    push(
                        format!("{k}={v}"),
                        format!("{k}={}", av.unwrap_or("-".into())),
                    );
                }
            }
            "redirect" => {
                let e = exps.first().cloned().unwrap_or_default();
                let (rd, status) = match &sim.outcome {
                    Outcome::Redirect {
                        redirect, status, ..
                    } => (Some(redirect.clone()), Some(*status)),
                    _ => (None, None),
                };
                for (k, v) in &e.fields {
                    let av = rd.as_ref().and_then(|rd| match k.as_str() {
                        "uri" => rd.uri.clone(),
                        "authority" => rd.authority.clone(),
                        "scheme" => rd.scheme.clone(),
                        "port" => rd.port.map(|p| p.to_string()),
                        "code" | "redirectCode" => status.map(|s| s.to_string()),
                        _ => None,
                    });
                    push(
                        format!("{k}={v}"),
                        av.map(|a| format!("{k}={a}"))
                            .unwrap_or_else(|| format!("({kind})")),
                    );
                }
            }
            "directResponse" => {
                let e = exps.first().cloned().unwrap_or_default();
                let dr = match &sim.outcome {
                    Outcome::DirectResponse {
                        direct_response, ..
                    } => Some(direct_response.clone()),
                    _ => None,
                };
                for (k, v) in &e.fields {
                    let av = dr.as_ref().and_then(|d| match k.as_str() {
                        "status" => d.status.map(|s| s.to_string()),
                        "body" | "body.string" => d.body.clone(),
                        _ => None,
                    });
                    push(
                        format!("{k}={v}"),
                        av.map(|a| format!("{k}={a}"))
                            .unwrap_or_else(|| format!("({kind})")),
                    );
                }
            }
            "headers" => {
                let e = exps.first().cloned().unwrap_or_default();
                let h = extras.and_then(|x| x.headers.clone()).unwrap_or_default();
                for (k, v) in &e.fields {
                    // request.set.x-foo
                    let parts: Vec<&str> = k.splitn(3, '.').collect();
                    let av = if let [dir, op, name] = parts.as_slice() {
                        let o = if *dir == "response" {
                            &h.response
                        } else {
                            &h.request
                        };
                        let list = if *op == "add" { &o.add } else { &o.set };
                        list.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
                    } else {
                        None
                    };
                    push(
                        format!("{k}={v}"),
                        format!("{k}={}", av.unwrap_or("-".into())),
                    );
                }
            }
            other => push(format!("{other}: (unknown expectation)"), "-".into()),
        }
    }
    checks
}

/// Runs one case.
pub fn run_case(case: &Case, sim: &Simulator) -> CaseResult {
    let mut res = CaseResult {
        name: case.name.clone(),
        file: case.file.clone(),
        passed: false,
        failures: Vec::new(),
        error: None,
    };
    match sim.simulate(&case.query) {
        Err(e) => res.error = Some(e),
        Ok(s) => {
            let checks = evaluate(case, &s, &sim.ix.mesh.domain);
            let failing: Vec<Check> = checks
                .into_iter()
                .filter(|c| c.expected != c.actual)
                .collect();
            if case.want_match {
                res.passed = failing.is_empty();
                res.failures = failing;
            } else {
                res.passed = !failing.is_empty();
                if !res.passed {
                    res.error = Some("wantMatch: false, but every expectation holds".into());
                }
            }
        }
    }
    res
}
