//! `meshlint diff`: what a change does to routing and to the findings, between two versions
//! of the manifests (BASE and HEAD). Pure: both versions come in memory ([`Tree`]); the CLI
//! reads them from directories or git objects (src/cli/diff.rs).
//!
//! - Routing ([`routing`]): for each entry point (the mesh or a Gateway, host, port) of either
//!   version, the request classes ([`crate::route::classes`]) whose outcome changed, before
//!   and after, evaluated by the route simulator in each version and each environment.
//! - Destination policies: what changes without moving requests (DestinationRule traffic
//!   policy, subsets added or removed, their labels, which workloads a subset selects).
//! - Findings ([`findings`]): introduced, fixed and unchanged, matched by the baseline
//!   fingerprint ([`crate::render::fingerprint`]: code, rule, object, field path, message,
//!   environment), so that moving a block or renaming a file changes nothing.

pub mod render;

use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::{self, Input, Options, Report, Role};
use crate::index::host::resolve_short;
use crate::index::Index;
use crate::model::{Labels, Spec};
use crate::route::classes::{self, EntryPoint, OutcomeView};
use crate::route::sim::Simulator;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One version of the manifests, in memory.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// How the version is named in the output (`origin/main`, `working tree`, a directory).
    pub label: String,
    pub files: Vec<TreeFile>,
}

#[derive(Debug, Clone)]
pub struct TreeFile {
    /// The path findings show (relative to the working directory, or to the directory given).
    pub path: String,
    pub bytes: Vec<u8>,
    /// The declared environments it belongs to ([`Options::environments`], by index).
    pub environments: Vec<u16>,
    /// Only there to resolve references (`--context`): never reported on.
    pub context: bool,
    /// Named on the command line rather than found by walking a directory.
    pub named: bool,
}

impl TreeFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> TreeFile {
        TreeFile {
            path: path.into(),
            bytes: text.into().into_bytes(),
            environments: Vec::new(),
            context: false,
            named: false,
        }
    }
}

impl Tree {
    /// The engine's inputs: all files, or those of one environment (`Some(i)`: declared
    /// environment `i`, or the default one when `i` is the number of declared ones) and the
    /// context.
    pub fn inputs(&self, env: Option<usize>, declared: usize) -> Vec<Input> {
        self.files
            .iter()
            .filter(|f| match env {
                None => true,
                Some(i) if i == declared => f.context || f.environments.is_empty(),
                Some(i) => f.context || f.environments.contains(&(i as u16)),
            })
            .map(|f| {
                let mut i = Input::bytes(f.path.clone(), Ok(f.bytes.clone()));
                if !f.named {
                    i = i.walked();
                }
                if f.context {
                    i = i.with_role(Role::Context);
                }
                i.environments = f.environments.clone();
                i
            })
            .collect()
    }

    fn holds_checked(&self, env: usize, declared: usize) -> bool {
        self.files.iter().any(|f| {
            !f.context
                && if env == declared {
                    f.environments.is_empty()
                } else {
                    f.environments.contains(&(env as u16))
                }
        })
    }
}

/// Analyses a version as `check` does (the CLI then applies its post-processing).
pub fn analyze(tree: &Tree, opts: &Options) -> Report {
    engine::analyze(tree.inputs(None, opts.environments.len()), opts)
}

/// The request classes of one entry point whose outcome changed.
#[derive(Debug, Clone, Serialize)]
pub struct RouteChange {
    /// The declared environment (`None`: the input is one environment).
    pub environment: Option<String>,
    /// `mesh` or `namespace/name` of the Gateway.
    pub gateway: String,
    pub host: String,
    pub port: Option<u32>,
    /// `tcp` or `tls` for connections through the `tcp`/`tls` routes (`host`: the SNI for
    /// TLS); absent for HTTP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<&'static str>,
    pub classes: Vec<ClassChange>,
    /// Classes no witness request could be built for (e.g. a regex meshlint cannot sample):
    /// not compared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unevaluated: Vec<String>,
}

impl RouteChange {
    /// An entry point with no change found yet.
    fn of(e: &EntryPoint, env: &Option<String>) -> RouteChange {
        RouteChange {
            environment: env.clone(),
            gateway: e.gateway.clone(),
            host: e.host.clone(),
            port: e.port,
            protocol: e.protocol,
            classes: Vec::new(),
            unevaluated: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ClassChange {
    /// `requests with header end-user: jason`, `all other requests`.
    pub class: String,
    pub before: OutcomeView,
    pub after: OutcomeView,
    /// The rule that decided (`ns/name http[i]`), when one did.
    pub rule_before: Option<String>,
    pub rule_after: Option<String>,
}

/// A change that moves no request: a DestinationRule's policies, subsets, selected workloads.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyChange {
    pub environment: Option<String>,
    /// `namespace/name`.
    pub destination_rule: String,
    /// The host it applies to (FQDN).
    pub host: String,
    pub changes: Vec<String>,
}

/// One finding of the findings diff.
#[derive(Debug, Clone, Serialize)]
pub struct FindingEntry {
    pub fingerprint: String,
    pub code: &'static str,
    pub rule: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub resource: Option<String>,
    /// YAML path of the finding's field.
    pub path: String,
    /// `file:line:col` in its version.
    pub location: Option<String>,
    pub environment: Option<String>,
    #[serde(skip)]
    pub level: Severity,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct FindingsDiff {
    pub introduced: Vec<FindingEntry>,
    pub fixed: Vec<FindingEntry>,
    pub unchanged: Vec<FindingEntry>,
}

/// The whole diff.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub base: String,
    pub head: String,
    pub routing: Vec<RouteChange>,
    pub policies: Vec<PolicyChange>,
    pub findings: FindingsDiff,
    /// The mesh's DNS domain (`cluster.local`), to shorten hosts in the output.
    #[serde(skip)]
    pub domain: String,
}

impl DiffReport {
    /// Exit 1: HEAD introduces a finding at or above `threshold`, or (`fail_on_any`) any
    /// routing or policy change.
    pub fn fails(&self, threshold: Severity, fail_on_any: bool) -> bool {
        self.findings
            .introduced
            .iter()
            .any(|f| f.level >= threshold)
            || (fail_on_any && (!self.routing.is_empty() || !self.policies.is_empty()))
    }
}

/// Both diffs: routing and policies over the two trees, findings over the two reports (the
/// CLI's, after its severity overrides, ignores and suppressions).
pub fn diff(
    base: &Tree,
    head: &Tree,
    base_report: &Report,
    head_report: &Report,
    opts: &Options,
) -> DiffReport {
    let (routing, policies) = routing(base, head, opts);
    DiffReport {
        base: base.label.clone(),
        head: head.label.clone(),
        routing,
        policies,
        findings: findings(base_report, head_report),
        domain: opts.mesh.domain.clone(),
    }
}

/// The environments to compare: each declared one holding a checked file in either version,
/// then `default` for files no declaration matches; `[(None, None)]` when none is declared.
fn environments(base: &Tree, head: &Tree, opts: &Options) -> Vec<(Option<usize>, Option<String>)> {
    let n = opts.environments.len();
    if n == 0 {
        return vec![(None, None)];
    }
    let mut out = Vec::new();
    for i in 0..=n {
        if base.holds_checked(i, n) || head.holds_checked(i, n) {
            let name = opts
                .environments
                .get(i)
                .cloned()
                .unwrap_or_else(|| "default".to_string());
            out.push((Some(i), Some(name)));
        }
    }
    out
}

/// The routing and policy diffs, per environment.
pub fn routing(base: &Tree, head: &Tree, opts: &Options) -> (Vec<RouteChange>, Vec<PolicyChange>) {
    let n = opts.environments.len();
    let mut routes = Vec::new();
    let mut policies = Vec::new();
    for (env, name) in environments(base, head, opts) {
        let (bs, br, _) = engine::load(base.inputs(env, n), opts);
        let (hs, hr, _) = engine::load(head.inputs(env, n), opts);
        let bix = Index::build(&br, opts.mesh.clone());
        let hix = Index::build(&hr, opts.mesh.clone());
        let b = Simulator {
            ix: &bix,
            sources: &bs,
        };
        let h = Simulator {
            ix: &hix,
            sources: &hs,
        };
        let mut entries = classes::entry_points(&b);
        entries.extend(classes::entry_points(&h));
        entries.extend(classes::l4_entry_points(&b));
        entries.extend(classes::l4_entry_points(&h));
        for e in &entries {
            if let Some(c) = entry_diff(&b, &h, e, &name) {
                routes.push(c);
            }
        }
        policies.extend(policy_diff(&b, &h, &name));
    }
    (routes, policies)
}

fn entry_diff(
    b: &Simulator,
    h: &Simulator,
    e: &EntryPoint,
    env: &Option<String>,
) -> Option<RouteChange> {
    if e.protocol.is_some() {
        return l4_entry_diff(b, h, e, env);
    }
    let bm = classes::entry_matches(b, e);
    let hm = classes::entry_matches(h, e);
    let mut all = bm.clone();
    for m in &hm {
        if !all.contains(m) {
            all.push(m.clone());
        }
    }
    // the witnesses are built against HEAD (BASE when HEAD does not serve the entry)
    let mut out = RouteChange::of(e, env);
    for c in classes::classes(h, e, &all) {
        let Some(q) = c.query.or_else(|| {
            classes::classes(b, e, &all)
                .into_iter()
                .find(|x| x.label == c.label)
                .and_then(|x| x.query)
        }) else {
            out.unevaluated.push(c.label);
            continue;
        };
        out.classes.extend(compare_class(b, h, c.label, &q));
    }
    let listed = !out.classes.is_empty() || (!out.unevaluated.is_empty() && bm != hm);
    listed.then_some(out)
}

/// The classes of a TCP or TLS entry point whose outcome changed.
fn l4_entry_diff(
    b: &Simulator,
    h: &Simulator,
    e: &EntryPoint,
    env: &Option<String>,
) -> Option<RouteChange> {
    let mut out = RouteChange::of(e, env);
    for c in classes::l4_classes(&[b, h], e) {
        let Some(q) = c.query else {
            out.unevaluated.push(c.label);
            continue;
        };
        out.classes.extend(compare_class(b, h, c.label, &q));
    }
    (!out.classes.is_empty()).then_some(out)
}

/// The witness `q` of class `label` through both versions: a change when the outcomes differ.
fn compare_class(
    b: &Simulator,
    h: &Simulator,
    label: String,
    q: &crate::route::sim::Query,
) -> Option<ClassChange> {
    let (before, rule_before) = classes::evaluate(b, q);
    let (after, rule_after) = classes::evaluate(h, q);
    (before != after).then_some(ClassChange {
        class: label,
        before,
        after,
        rule_before,
        rule_after,
    })
}

/// What a DestinationRule says, for comparing two versions.
struct DrFacts {
    host: String,
    policy: Vec<(String, String)>,
    export_to: String,
    workload_selector: String,
    /// subset name → (labels, policy, workloads selected)
    subsets: BTreeMap<String, (String, String, String)>,
}

fn labels_text(
    l: &[(
        crate::source::Spanned<crate::source::Str>,
        crate::source::Spanned<crate::source::Str>,
    )],
) -> String {
    let v: Vec<String> = l
        .iter()
        .map(|(k, v)| format!("{}={}", k.value, v.value))
        .collect();
    if v.is_empty() {
        "(none)".to_string()
    } else {
        v.join(",")
    }
}

fn policy_fields(p: &Option<crate::model::istio::TrafficPolicy>) -> Vec<(String, String)> {
    let none = || "(none)".to_string();
    let Some(p) = p else {
        return ["loadBalancer", "connectionPool", "outlierDetection", "tls"]
            .iter()
            .map(|k| (k.to_string(), none()))
            .collect();
    };
    let mut out = vec![
        (
            "loadBalancer".to_string(),
            p.load_balancer.clone().unwrap_or_else(none),
        ),
        (
            "connectionPool".to_string(),
            p.connection_pool.clone().unwrap_or_else(none),
        ),
        (
            "outlierDetection".to_string(),
            p.outlier_detection.clone().unwrap_or_else(none),
        ),
        ("tls".to_string(), p.tls.clone().unwrap_or_else(none)),
    ];
    for (port, text) in &p.port_level {
        out.push((format!("portLevelSettings[port {port}]"), text.clone()));
    }
    out
}

fn dr_facts(sim: &Simulator) -> BTreeMap<String, DrFacts> {
    let ix = sim.ix;
    let mut out = BTreeMap::new();
    for &id in ix.of_kind("DestinationRule") {
        let r = ix.resource(id);
        let Spec::DestinationRule(dr) = &r.spec else {
            continue;
        };
        let written = dr
            .host
            .as_ref()
            .map(|h| h.value.to_string())
            .unwrap_or_default();
        let host = resolve_short(&written, &r.namespace, &ix.mesh.domain);
        // the Service behind the host: its selector, narrowed by each subset's labels
        let selector: Option<(String, Labels)> =
            ix.services_for_host(&host).iter().find_map(|&s| {
                let sr = ix.resource(s);
                match &sr.spec {
                    Spec::Service(svc) if !svc.selector.is_empty() => {
                        Some((sr.namespace.to_string(), svc.selector.clone()))
                    }
                    _ => None,
                }
            });
        let mut subsets = BTreeMap::new();
        for s in &dr.subsets {
            let Some(name) = &s.name else { continue };
            let workloads = match &selector {
                Some((ns, sel)) => {
                    let mut sel = sel.clone();
                    sel.extend(s.labels.iter().cloned());
                    let mut w: Vec<String> = ix
                        .workloads_selected(Some(ns), &sel)
                        .into_iter()
                        .map(|w| {
                            let wr = ix.resource(w);
                            format!("{} {}/{}", wr.kind, wr.namespace, wr.name)
                        })
                        .collect();
                    w.sort();
                    if w.is_empty() {
                        "(none)".to_string()
                    } else {
                        w.join(", ")
                    }
                }
                None => "(unknown: no Service with a selector in the input)".to_string(),
            };
            subsets.insert(
                name.value.to_string(),
                (
                    labels_text(&s.labels),
                    policy_fields(&s.traffic_policy)
                        .into_iter()
                        .filter(|(_, v)| v != "(none)")
                        .map(|(k, v)| format!("{k}: {v}"))
                        .collect::<Vec<_>>()
                        .join("; "),
                    workloads,
                ),
            );
        }
        let export_to: Vec<&str> = dr.export_to.iter().map(|e| e.value.as_str()).collect();
        out.insert(
            format!("{}/{}", r.namespace, r.name),
            DrFacts {
                host,
                policy: policy_fields(&dr.traffic_policy),
                export_to: if export_to.is_empty() {
                    "(all namespaces)".to_string()
                } else {
                    export_to.join(", ")
                },
                workload_selector: dr
                    .workload_selector
                    .as_ref()
                    .map(|l| labels_text(l))
                    .unwrap_or_else(|| "(none)".to_string()),
                subsets,
            },
        );
    }
    out
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "(none)"
    } else {
        s
    }
}

fn policy_diff(b: &Simulator, h: &Simulator, env: &Option<String>) -> Vec<PolicyChange> {
    let before = dr_facts(b);
    let after = dr_facts(h);
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        let mut changes = Vec::new();
        let (x, y) = (before.get(name), after.get(name));
        match (x, y) {
            (None, Some(y)) => {
                changes.push("DestinationRule added".to_string());
                for (s, (labels, _, w)) in &y.subsets {
                    changes.push(format!("subset {s} ({labels}) selects {w}"));
                }
            }
            (Some(_), None) => changes.push("DestinationRule removed".to_string()),
            (Some(x), Some(y)) => {
                if x.host != y.host {
                    changes.push(format!("host: {} → {}", x.host, y.host));
                }
                let keys: BTreeSet<&String> =
                    x.policy.iter().chain(&y.policy).map(|(k, _)| k).collect();
                for k in keys {
                    let get = |f: &DrFacts| {
                        f.policy
                            .iter()
                            .find(|(kk, _)| kk == k)
                            .map(|(_, v)| v.clone())
                            .unwrap_or_else(|| "(none)".to_string())
                    };
                    let (a, c) = (get(x), get(y));
                    if a != c {
                        changes.push(format!("trafficPolicy.{k}: {a} → {c}"));
                    }
                }
                if x.export_to != y.export_to {
                    changes.push(format!("exportTo: {} → {}", x.export_to, y.export_to));
                }
                if x.workload_selector != y.workload_selector {
                    changes.push(format!(
                        "workloadSelector: {} → {}",
                        x.workload_selector, y.workload_selector
                    ));
                }
                let subsets: BTreeSet<&String> = x.subsets.keys().chain(y.subsets.keys()).collect();
                for s in subsets {
                    match (x.subsets.get(s), y.subsets.get(s)) {
                        (None, Some((labels, _, w))) => {
                            changes.push(format!("subset {s} added ({labels}; selects {w})"))
                        }
                        (Some(_), None) => changes.push(format!("subset {s} removed")),
                        (Some(a), Some(c)) => {
                            if a.0 != c.0 {
                                changes.push(format!("subset {s} labels: {} → {}", a.0, c.0));
                            }
                            if a.1 != c.1 {
                                changes.push(format!(
                                    "subset {s} trafficPolicy: {} → {}",
                                    or_none(&a.1),
                                    or_none(&c.1)
                                ));
                            }
                            if a.2 != c.2 {
                                changes.push(format!("subset {s} selects: {} → {}", a.2, c.2));
                            }
                        }
                        (None, None) => {}
                    }
                }
            }
            (None, None) => {}
        }
        if !changes.is_empty() {
            out.push(PolicyChange {
                environment: env.clone(),
                destination_rule: name.clone(),
                host: y.or(x).map(|f| f.host.clone()).unwrap_or_default(),
                changes,
            });
        }
    }
    out
}

/// A report's findings with their fingerprints; a finding several environments share is
/// counted once per environment, so that a change in one of them is seen as such.
fn entries(report: &Report) -> Vec<FindingEntry> {
    let mut expanded: Vec<Diagnostic> = Vec::with_capacity(report.diagnostics.len());
    for d in &report.diagnostics {
        match d.environment.as_deref() {
            Some(envs) if envs.contains(", ") => {
                for e in envs.split(", ") {
                    let mut one = d.clone();
                    one.environment = Some(e.into());
                    expanded.push(one);
                }
            }
            _ => expanded.push(d.clone()),
        }
    }
    let prints = crate::render::fingerprints_of(report, expanded.iter());
    expanded
        .iter()
        .zip(prints)
        .map(|(d, (fingerprint, path))| FindingEntry {
            fingerprint,
            code: d.code,
            rule: d.rule,
            severity: d.severity.as_str(),
            message: d.message.clone(),
            resource: d.resource.as_ref().map(|r| r.to_string()),
            path,
            location: d.span().map(|s| {
                let l = crate::render::locate(&report.sources, s);
                format!("{}:{}:{}", l.file, l.line, l.column)
            }),
            environment: d.environment.as_deref().map(str::to_string),
            level: d.severity,
        })
        .collect()
}

/// Findings introduced (in HEAD only), fixed (in BASE only) and unchanged, by fingerprint.
pub fn findings(base: &Report, head: &Report) -> FindingsDiff {
    let before = entries(base);
    let after = entries(head);
    let mut in_base: HashMap<&str, usize> = HashMap::new();
    for f in &before {
        *in_base.entry(f.fingerprint.as_str()).or_default() += 1;
    }
    let mut in_head: HashMap<&str, usize> = HashMap::new();
    for f in &after {
        *in_head.entry(f.fingerprint.as_str()).or_default() += 1;
    }
    let mut out = FindingsDiff::default();
    for f in &after {
        if in_base.contains_key(f.fingerprint.as_str()) {
            out.unchanged.push(f.clone());
        } else {
            out.introduced.push(f.clone());
        }
    }
    for f in &before {
        if !in_head.contains_key(f.fingerprint.as_str()) {
            out.fixed.push(f.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests;
