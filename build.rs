//! Generates the rule registry from the rule files, so that a rule is declared once: in its
//! file under `src/rules/<domain>/`.
//!
//! A rule file is one with a `pub static META: RuleMeta` (or, for what the loader reports, a
//! `pub use crate::diagnostics::catalogue::<NAME> as META;`), and a `pub fn check(cx: &mut RuleCx)`
//! unless the loader emits its findings. Its documentation is `rules/<META.name>.md`, and the file
//! is named after the rule (`mirror_to_primary.rs` for `mirror-to-primary`). For each
//! domain folder this writes `$OUT_DIR/rules/<domain>.rs` (a `#[path] pub mod` per rule file,
//! included by the folder's `mod.rs`) and `$OUT_DIR/rules/registry.rs` (the `RULES` table,
//! included by `rules/mod.rs`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

/// The order of the rules that existed when the registry became generated: `RULES` is shown in
/// this order (`meshlint rules`, SARIF, `check -L`), so it stays. Rules added since come after
/// them, by code then name; they need not be listed here.
const ORDER: &[&str] = &[
    "yaml-syntax-error",
    "unknown-field",
    "invalid-type",
    "duplicate-key",
    "input-limit",
    "unreadable-input",
    "not-a-resource",
    "missing-name",
    "duplicate-object",
    "not-in-input",
    "helm-chart-not-rendered",
    "kustomize-not-built",
    "removed-istio-kind",
    "yaml-flow-indentation",
    "two-part-host",
    "subset-not-found",
    "gateway-not-found",
    "host-not-in-gateway",
    "internal-gateway-reference",
    "schema-error",
    "weights-not-100",
    "retry-budget-exceeds-timeout",
    "unreachable-rule",
    "ineffective-match",
    "sidecar-selector-no-workload",
    "conflicting-sidecar-selectors",
    "multiple-default-sidecars",
    "ineffective-sidecar-ambient",
    "telemetry-selector-no-workload",
    "conflicting-telemetry-selectors",
    "multiple-default-telemetries",
    "telemetry-provider-missing",
    "lightstep-deprecated",
    "ineffective-gateway-selector",
    "jwt-claim-route-without-authn",
    "authz-no-matching-workloads",
    "authz-namespace-not-found",
    "unknown-annotation",
    "misplaced-annotation",
    "invalid-annotation",
    "deprecated-annotation",
    "deprecated-field",
    "deployment-multiple-services",
    "port-name-convention",
    "dr-no-ca-certificate",
    "dr-port-no-ca-certificate",
    "serviceentry-addresses-required",
    "deployment-conflicting-ports",
    "invalid-application-uid",
    "externalname-port-name",
    "envoyfilter-relative-without-priority",
    "envoyfilter-relative-fixed-anchor",
    "envoyfilter-invalid-replace",
    "envoyfilter-invalid-add",
    "envoyfilter-invalid-remove",
    "envoyfilter-relative-with-proxy-version",
    "subset-selects-no-pods",
    "unrouted-subset-selects-no-pods",
    "destinationrule-host-not-found",
    "conflicting-serviceentry-protocol",
    "shadowed-by-catch-all",
    "gateway-selector-no-workload",
    "gateway-port-not-on-service",
    "gateway-credential-not-found",
    "gateway-invalid-credential",
    "conflicting-gateways",
    "duplicate-gateway-certificate",
    "destination-host-not-found",
    "destination-port-required",
    "ingress-route-ignores-subsets",
    "conflicting-mesh-hosts",
    "destinationrule-schema-error",
    "gateway-schema-error",
    "virtualservice-schema-warning",
    "destinationrule-schema-warning",
    "gateway-schema-warning",
    "unused-suppression",
    "unknown-suppression-code",
    "retries-without-circuit-breaker",
    "fault-injection-active",
    "fault-ignores-retries-timeout",
    "aggressive-outlier-ejection",
    "mirror-to-primary",
    "mirror-full-traffic",
    "retry-non-idempotent",
    "fallback-to-self",
    "fallback-does-not-cascade",
    "fallback-capacity",
    "external-host-without-serviceentry",
    "ingress-host-without-gateway",
    "https-server-without-tls",
    "passthrough-with-http-routes",
    "dr-cluster-tls-system-roots",
    "multiple-destinationrules",
    "subset-without-labels",
    "single-destination-weight",
    "duplicate-route-destination",
    "duplicate-host-on-gateway",
    "dotted-gateway-reference",
    "match-gateway-not-bound",
    "exportto-unknown-namespace",
    "target-port-not-on-workload",
    "sidecar-egress-host-not-found",
    "duplicate-serviceentry",
    "serviceentry-schema-error",
    "serviceentry-schema-warning",
    "sidecar-schema-error",
    "sidecar-schema-warning",
    "authorizationpolicy-schema-error",
    "peerauthentication-schema-error",
    "requestauthentication-schema-error",
    "telemetry-schema-error",
    "envoyfilter-schema-error",
    "envoyfilter-schema-warning",
    "workloadentry-schema-error",
    "workloadgroup-schema-error",
];

struct Rule {
    domain: String,
    module: String,
    code: String,
    name: String,
    check: bool,
    per_document: bool,
    reports_not_in_input: bool,
}

/// The string value of `field: "..."` after `from` in `text`.
fn field(text: &str, from: usize, key: &str) -> Option<String> {
    let rest = &text[from..];
    let i = rest.find(&format!("{key}: \""))? + key.len() + 3;
    let end = rest[i..].find('"')?;
    Some(rest[i..i + end].to_string())
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let rules_src = root.join("src/rules");
    let catalogue_path = root.join("src/diagnostics/catalogue.rs");
    println!("cargo:rerun-if-changed=src/rules");
    println!("cargo:rerun-if-changed=src/diagnostics/catalogue.rs");
    println!("cargo:rerun-if-changed=build.rs");
    let catalogue = fs::read_to_string(&catalogue_path).unwrap();

    let mut domains: Vec<PathBuf> = fs::read_dir(&rules_src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    domains.sort();
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("rules");
    fs::create_dir_all(&out).unwrap();

    let mut rules = Vec::new();
    for dir in &domains {
        let domain = dir.file_name().unwrap().to_string_lossy().to_string();
        let mut files: Vec<PathBuf> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .filter(|p| p.file_name().unwrap() != "mod.rs")
            .collect();
        files.sort();
        let mut mods = String::from("// @generated by build.rs: one module per rule file\n");
        for f in files {
            let text = fs::read_to_string(&f).unwrap();
            let Some(rule) = rule_of(&text, &catalogue, &f) else {
                continue; // a helper: its folder's mod.rs declares it
            };
            let module = f.file_stem().unwrap().to_string_lossy().to_string();
            assert_eq!(
                module,
                rule.name.replace('-', "_"),
                "{}: a rule file is named after its rule",
                f.display()
            );
            writeln!(mods, "#[path = {:?}]\npub mod {module};", path_str(&f)).unwrap();
            rules.push(Rule {
                domain: domain.clone(),
                module,
                ..rule
            });
        }
        write_if_changed(&out.join(format!("{domain}.rs")), &mods);
    }

    let position = |r: &Rule| {
        ORDER
            .iter()
            .position(|n| *n == r.name)
            .unwrap_or(ORDER.len())
    };
    rules.sort_by(|a, b| (position(a), &a.code, &a.name).cmp(&(position(b), &b.code, &b.name)));
    let mut table = String::from(
        "// @generated by build.rs from the rule files\n\n/// Every rule, in registry order.\npub static RULES: &[RuleEntry] = &[\n",
    );
    for r in &rules {
        let path = format!("crate::rules::{}::{}", r.domain, r.module);
        let check = if r.check {
            format!("Some({path}::check)")
        } else {
            "None".to_string()
        };
        let doc = root.join("rules").join(format!("{}.md", r.name));
        writeln!(
            table,
            "    RuleEntry {{ meta: &{path}::META, check: {check}, doc: include_str!({:?}), per_document: {}, reports_not_in_input: {} }},",
            path_str(&doc),
            r.per_document,
            r.reports_not_in_input
        )
        .unwrap();
    }
    table.push_str("];\n");
    write_if_changed(&out.join("registry.rs"), &table);
}

/// What a rule file declares, or `None` for a helper.
fn rule_of(text: &str, catalogue: &str, file: &Path) -> Option<Rule> {
    let (code, name) = if let Some(i) = text.find("\npub static META: RuleMeta") {
        (field(text, i, "code"), field(text, i, "name"))
    } else if let Some(i) = text.find("\npub use crate::diagnostics::catalogue::") {
        let rest = &text[i + "\npub use crate::diagnostics::catalogue::".len()..];
        let konst = rest.split(" as META;").next().unwrap().trim();
        let at = catalogue
            .find(&format!("pub static {konst}: RuleMeta"))
            .unwrap_or_else(|| panic!("{}: no {konst} in the catalogue", file.display()));
        (field(catalogue, at, "code"), field(catalogue, at, "name"))
    } else {
        return None;
    };
    let (Some(code), Some(name)) = (code, name) else {
        panic!("{}: META without a code and a name", file.display());
    };
    Some(Rule {
        domain: String::new(),
        module: String::new(),
        code,
        name,
        check: text.contains("\npub fn check(cx: &mut RuleCx)"),
        per_document: text.contains("\npub const PER_DOCUMENT: bool = true;"),
        reports_not_in_input: text.contains("\npub const REPORTS_NOT_IN_INPUT: bool = true;"),
    })
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().to_string()
}

/// Writes only what changed, so that an unchanged registry does not rebuild the crate.
fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).ok().as_deref() != Some(text) {
        fs::write(path, text).unwrap();
    }
}
