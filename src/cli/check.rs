//! `meshlint check`: settings (flags over `meshlint.toml` over defaults), file discovery,
//! analysis, severity overrides and per-path ignores, `--only-report`, rendering to stdout or
//! `--output`, and the exit code (the same for every format).

use super::config::{self, FileConfig, Origin, SettingsText};
use super::kustomize;
use super::progress::Progress;
use super::{env_set, print_out, ColorChoice, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::diagnostics::Severity;
use crate::engine::{analyze, Input, Options, Report};
use crate::index::mesh::MeshNetworks;
use crate::index::MeshConfig;
use crate::render::{render_to, shown, Format, RenderOptions};
use crate::rules::{lookup, RULES};
use crate::source::FileId;
use crate::suppress::{self, CliSuppression};
use clap::Args;
use globset::GlobSet;
use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files and directories to check (recursively: .yaml, .yml, .json); `-` reads stdin
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Pretty)]
    pub format: Format,
    /// Write the rendered output to FILE instead of stdout (the exit code is unchanged)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// SARIF: make artifact URIs relative to DIR (default: the working directory)
    #[arg(long, value_name = "DIR")]
    pub sarif_root: Option<PathBuf>,
    /// Objects used only to resolve references (a cluster dump, rendered charts of other
    /// repositories): never reported on; repeatable; files, directories or `-`
    #[arg(long, value_name = "PATH")]
    pub context: Vec<String>,
    /// Namespace for namespaced resources that do not set one [default: default]
    #[arg(long, short = 'n')]
    pub namespace: Option<String>,
    /// An Istio MeshConfig YAML (rootNamespace, trustDomain, outboundTrafficPolicy, ...)
    #[arg(long, alias = "meshConfigFile", value_name = "FILE")]
    pub mesh_config: Option<String>,
    /// An Istio MeshNetworks YAML (networks: endpoints fromRegistry/fromCidr, gateways)
    #[arg(long, value_name = "FILE")]
    pub mesh_networks: Option<String>,
    /// Suppress a code on matching resources, as istioctl: "CODE=Kind ns/name" (`*` globs;
    /// the legacy "Kind name.ns" too); repeatable
    #[arg(long, short = 'S', value_name = "CODE=RESOURCE")]
    pub suppress: Vec<String>,
    /// List the istioctl analyzers meshlint mirrors, with the rules mirroring each, then exit
    #[arg(long, short = 'L')]
    pub list_analyzers: bool,
    /// Run only these rules (code or name; repeatable, comma lists accepted)
    #[arg(long, value_name = "RULE")]
    pub select: Vec<String>,
    /// Do not run these rules (code or name; repeatable, comma lists accepted)
    #[arg(long, value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Run only the rules that mirror this istioctl analyzer (repeatable)
    #[arg(long, value_name = "NAME")]
    pub analyzer: Vec<String>,
    /// Lowest severity that makes the exit code 1 (error|warning|info, any case) [default: error]
    #[arg(long, value_parser = parse_severity)]
    pub failure_threshold: Option<Severity>,
    /// Lowest severity that is printed (error|warning|info, any case) [default: info]
    #[arg(long, value_parser = parse_severity)]
    pub output_threshold: Option<Severity>,
    /// Treat Alibaba ASM extension fields (`fallback`) as unknown, as upstream Istio does
    #[arg(long)]
    pub istio_strict: bool,
    /// When to use colour (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, FORCE_COLOR)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Largest file to read, in MiB
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_file_size: usize,
    /// Use this configuration file instead of searching for meshlint.toml / .meshlint.toml
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read any configuration file
    #[arg(long)]
    pub no_config: bool,
    /// The program that builds kustomizations (`kustomize` or `kubectl`) [default: the first
    /// of kustomize, kubectl on PATH]
    #[arg(long, value_name = "PATH")]
    pub kustomize_bin: Option<String>,
    /// Longest a kustomization build may take, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub kustomize_timeout: u64,
    /// Render Helm charts (directories with Chart.yaml) with `helm template` and their default
    /// values, each as an environment of its own
    #[arg(long)]
    pub helm: bool,
    /// Values file for `--helm` (repeatable; relative to the working directory)
    #[arg(long, value_name = "FILE", requires = "helm")]
    pub helm_values: Vec<String>,
    /// Record the current findings in FILE (by fingerprint: code, object, field path,
    /// message; not line numbers), then exit 0
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report (and fail on) only findings not recorded in FILE [also `baseline = "..."` in
    /// meshlint.toml]
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Let kustomization builds fetch remote resources (URLs, git references); without it such
    /// a kustomization is analysed as plain files
    #[arg(long)]
    pub allow_remote: bool,
    /// Print the resolved settings and where each came from, then exit
    #[arg(long)]
    pub show_settings: bool,
    /// Analyze all PATHS but report (output and exit code) only findings located in these
    /// files; takes every following argument (for pre-commit: `--only-report FILE...`)
    #[arg(long, alias = "report-only-for", value_name = "FILE", num_args = 1..)]
    pub only_report: Vec<String>,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("`{s}` is not one of error, warning, info"))
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env_set("NO_COLOR").is_some() {
                return false;
            }
            if env_set("CLICOLOR_FORCE").is_some_and(|v| v != "0")
                || env_set("FORCE_COLOR").is_some_and(|v| v != "0")
            {
                return true;
            }
            if env_set("CLICOLOR").is_some_and(|v| v == "0") {
                return false;
            }
            std::io::stdout().is_terminal()
        }
    }
}

/// A file the directory walk reads: YAML and JSON manifests, and `Kustomization` (Kustomize's
/// third accepted kustomization file name, without extension) so that its root is found.
pub(super) fn is_manifest(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    ) || path.file_name().is_some_and(|n| n == "Kustomization")
}

/// Expands the paths given into inputs. Errors are usage errors (exit 2).
pub fn discover(paths: &[String]) -> Result<Vec<Input>, String> {
    discover_with(paths, &|_| false, &mut Progress::new(0))
}

enum Found {
    /// A file named on the command line (`true`) or found by walking a directory.
    File(String, PathBuf, bool),
    /// A Helm chart's `Chart.yaml`, with the number of template files not read.
    Chart(String, PathBuf, usize),
    Stdin,
    Error(String, String),
}

/// Whether `dir` is a Helm chart (holds a `Chart.yaml`).
fn is_chart(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
}

/// Files of a chart directory that are not manifests: `Chart.yaml` (handled as the chart),
/// `values*.yaml` and the lock file. Its `templates/` folder is pruned by the walker.
fn is_chart_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    path.parent().is_some_and(is_chart)
        && (name == "Chart.yaml"
            || name == "Chart.lock"
            || name.starts_with("values") && is_manifest(path))
}

/// Like [`discover`]; walked files for which `excluded` holds are skipped (files named
/// explicitly are always read).
pub fn discover_with(
    paths: &[String],
    excluded: &dyn Fn(&Path) -> bool,
    progress: &mut Progress,
) -> Result<Vec<Input>, String> {
    let mut found = Vec::new();
    let mut stdin_used = false;
    for p in paths {
        if p == "-" {
            if !stdin_used {
                stdin_used = true;
                found.push(Found::Stdin);
            }
            continue;
        }
        let path = Path::new(p);
        let meta = std::fs::metadata(path).map_err(|e| format!("{p}: {e}"))?;
        if meta.is_file() {
            found.push(Found::File(p.clone(), path.to_path_buf(), true));
            continue;
        }
        let mut files = Vec::new();
        let mut charts: Vec<(PathBuf, usize)> = Vec::new();
        let walker = walkdir::WalkDir::new(path)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() > 0 && e.file_name().to_str().is_some_and(|n| n.starts_with('.')) {
                    return false;
                }
                // a chart's templates are Go templates, not YAML: counted, not read
                let templates = e.file_type().is_dir()
                    && e.file_name() == "templates"
                    && e.path().parent().is_some_and(is_chart);
                !templates
            });
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_dir() && is_chart(e.path()) => {
                    let templates = walkdir::WalkDir::new(e.path().join("templates"))
                        .into_iter()
                        .filter_map(Result::ok)
                        .filter(|t| t.file_type().is_file())
                        .count();
                    charts.push((e.path().join("Chart.yaml"), templates));
                }
                Ok(e) if e.file_type().is_file() && is_chart_file(e.path()) => {
                    if let Some(c) = charts.iter().find(|(c, _)| c == e.path()) {
                        if !excluded(e.path()) {
                            found.push(Found::Chart(
                                e.path().display().to_string(),
                                c.0.clone(),
                                c.1,
                            ));
                        }
                    }
                }
                Ok(e) if e.file_type().is_file() && is_manifest(e.path()) => {
                    if !excluded(e.path()) {
                        files.push(e.path().to_path_buf());
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    let at = e
                        .path()
                        .map(|x| x.display().to_string())
                        .unwrap_or_else(|| p.clone());
                    found.push(Found::Error(at, e.to_string()));
                }
            }
        }
        for f in files {
            found.push(Found::File(f.display().to_string(), f, false));
        }
    }
    if found.is_empty() {
        return Err(format!(
            "no .yaml, .yml or .json files found in {}",
            paths.join(", ")
        ));
    }
    *progress = Progress::new(found.len());
    let mut extra = Vec::new();
    let mut inputs = Vec::with_capacity(found.len());
    for f in found {
        inputs.push(match f {
            Found::File(shown, path, named) => {
                let input = read_file(shown, path);
                if named {
                    input
                } else {
                    input.walked()
                }
            }
            Found::Chart(shown, path, templates) => {
                let mut input = read_file(shown, path).walked();
                input.helm_chart = Some(templates);
                input
            }
            Found::Stdin => {
                let mut buf = Vec::new();
                let content = std::io::stdin()
                    .read_to_end(&mut buf)
                    .map(|_| buf)
                    .map_err(|e| e.to_string());
                // `helm template` output: one input per template, named after it
                if let Some(parts) = content
                    .as_ref()
                    .ok()
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .and_then(split_helm_sources)
                {
                    extra.extend(parts.into_iter().map(|(p, t)| Input::text(p, t)));
                    continue;
                }
                Input::bytes("<stdin>", content)
            }
            Found::Error(path, e) => Input::bytes(path, Err(e)),
        });
    }
    inputs.extend(extra);
    Ok(inputs)
}

/// Splits `helm template` output at its documents by the template each came from (the
/// `# Source: chart/templates/x.yaml` comment Helm writes above each), so that findings name the
/// template, at the line of its rendered output. `None` when the text has no such comment.
/// Documents without one are kept together as `<stdin>`.
pub fn split_helm_sources(text: &str) -> Option<Vec<(String, String)>> {
    if !text.contains("# Source: ") {
        return None;
    }
    let mut groups: Vec<(String, String)> = Vec::new();
    let mut add = |path: String, doc: &str| {
        if doc.trim().is_empty() {
            return;
        }
        match groups.iter_mut().find(|(p, _)| *p == path) {
            Some((_, t)) => {
                t.push_str("---\n");
                t.push_str(doc);
            }
            None => groups.push((path, doc.to_string())),
        }
    };
    let mut doc = String::new();
    let mut source: Option<String> = None;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "---" {
            add(source.take().unwrap_or_else(|| "<stdin>".into()), &doc);
            doc.clear();
            continue;
        }
        if source.is_none() {
            if let Some(p) = line.trim_end().strip_prefix("# Source: ") {
                source = Some(p.trim().to_string());
            }
        }
        doc.push_str(line);
    }
    add(source.take().unwrap_or_else(|| "<stdin>".into()), &doc);
    groups.iter().any(|(p, _)| p != "<stdin>").then_some(groups)
}

/// A file read by the loader when it gets to it (in parallel with the others), and read again
/// if findings point into it.
fn read_file(shown: String, path: PathBuf) -> Input {
    Input::read(shown, move || {
        std::fs::read(&path).map_err(|e| e.to_string())
    })
}

/// Everything `check` runs with, after merging flags, the configuration file and defaults.
pub(super) struct Settings {
    pub(super) config: Option<FileConfig>,
    pub(super) config_how: String,
    pub(super) namespace: (String, Origin),
    pub(super) mesh_config: (Option<PathBuf>, Origin),
    pub(super) mesh_networks: (Option<PathBuf>, Origin),
    pub(super) suppress: (Vec<CliSuppression>, Origin),
    pub(super) select: (Vec<String>, Origin),
    pub(super) ignore: (Vec<String>, Origin),
    pub(super) failure_threshold: (Severity, Origin),
    pub(super) output_threshold: (Severity, Origin),
    pub(super) severity: Vec<(String, Severity)>,
    pub(super) per_path_ignores: Vec<(String, Vec<String>)>,
    pub(super) exclude: Vec<String>,
}

fn split_rules(list: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for item in list.iter().flat_map(|s| s.split(',')).map(str::trim) {
        if item.is_empty() {
            continue;
        }
        if lookup(item).is_empty() {
            return Err(format!(
                "unknown rule `{item}`; `meshlint rules` lists them"
            ));
        }
        out.push(item.to_string());
    }
    Ok(out)
}

pub(super) fn resolve(args: &CheckArgs) -> Result<Settings, String> {
    let (config, config_how) = if args.no_config {
        (None, "--no-config".to_string())
    } else if let Some(p) = &args.config {
        (Some(config::load(p)?), "--config".to_string())
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        match config::find_upward(&cwd) {
            Some(p) => (
                Some(config::load(&p)?),
                format!("found upward from {}", cwd.display()),
            ),
            None => (None, format!("none found upward from {}", cwd.display())),
        }
    };
    let cfg = config.as_ref();
    let pick = |cli: Option<String>, file: Option<String>, default: &str| match (cli, file) {
        (Some(v), _) => (v, Origin::Cli),
        (None, Some(v)) => (v, Origin::Config),
        (None, None) => (default.to_string(), Origin::Default),
    };
    let namespace = pick(
        args.namespace.clone(),
        cfg.and_then(|c| c.namespace.clone()),
        "default",
    );
    let mesh_config = match (&args.mesh_config, cfg.and_then(|c| c.mesh_config.as_ref())) {
        (Some(p), _) => (Some(PathBuf::from(p)), Origin::Cli),
        (None, Some(p)) => (cfg.map(|c| c.root.join(p)), Origin::Config),
        (None, None) => (None, Origin::Default),
    };
    let mesh_networks = match (
        &args.mesh_networks,
        cfg.and_then(|c| c.mesh_networks.as_ref()),
    ) {
        (Some(p), _) => (Some(PathBuf::from(p)), Origin::Cli),
        (None, Some(p)) => (cfg.map(|c| c.root.join(p)), Origin::Config),
        (None, None) => (None, Origin::Default),
    };
    let suppress = if !args.suppress.is_empty() {
        let parsed: Result<Vec<_>, _> = args
            .suppress
            .iter()
            .map(|s| CliSuppression::parse(s))
            .collect();
        (parsed?, Origin::Cli)
    } else if let Some(c) = cfg.filter(|c| !c.suppress.is_empty()) {
        (c.suppress.clone(), Origin::Config)
    } else {
        (Vec::new(), Origin::Default)
    };
    let list = |cli: &[String], file: Option<&Vec<String>>| -> Result<_, String> {
        let cli = split_rules(cli)?;
        Ok(if !cli.is_empty() {
            (cli, Origin::Cli)
        } else if let Some(f) = file {
            (f.clone(), Origin::Config)
        } else {
            (Vec::new(), Origin::Default)
        })
    };
    let select = list(&args.select, cfg.and_then(|c| c.select.as_ref()))?;
    let ignore = list(&args.ignore, cfg.and_then(|c| c.ignore.as_ref()))?;
    let threshold = |cli: Option<Severity>, file: Option<Severity>, default| match (cli, file) {
        (Some(v), _) => (v, Origin::Cli),
        (None, Some(v)) => (v, Origin::Config),
        (None, None) => (default, Origin::Default),
    };
    let failure_threshold = threshold(
        args.failure_threshold,
        cfg.and_then(|c| c.failure_threshold),
        Severity::Error,
    );
    let output_threshold = threshold(
        args.output_threshold,
        cfg.and_then(|c| c.output_threshold),
        Severity::Info,
    );
    Ok(Settings {
        severity: cfg.map(|c| c.severity.clone()).unwrap_or_default(),
        per_path_ignores: cfg.map(|c| c.per_path_ignores.clone()).unwrap_or_default(),
        exclude: cfg.map(|c| c.exclude.clone()).unwrap_or_default(),
        config,
        config_how,
        namespace,
        mesh_config,
        mesh_networks,
        suppress,
        select,
        ignore,
        failure_threshold,
        output_threshold,
    })
}

fn show_settings(s: &Settings, args: &CheckArgs) -> String {
    let mut t = SettingsText::new(s.config.as_ref(), &s.config_how);
    let from_cfg = |set: bool| if set { Origin::Config } else { Origin::Default };
    t.line(
        "paths",
        config::show_list(&args.paths),
        &if args.paths == ["."] {
            Origin::Default
        } else {
            Origin::Cli
        },
    );
    t.line(
        "format",
        format!("{:?}", args.format.as_str()),
        &Origin::Cli,
    );
    t.line("namespace", format!("{:?}", s.namespace.0), &s.namespace.1);
    t.line(
        "mesh-config",
        s.mesh_config
            .0
            .as_ref()
            .map(|p| format!("{:?}", p.display().to_string()))
            .unwrap_or_else(|| "(none)".into()),
        &s.mesh_config.1,
    );
    t.line(
        "mesh-networks",
        s.mesh_networks
            .0
            .as_ref()
            .map(|p| format!("{:?}", p.display().to_string()))
            .unwrap_or_else(|| "(none)".into()),
        &s.mesh_networks.1,
    );
    t.line(
        "suppress",
        config::show_list(
            &s.suppress
                .0
                .iter()
                .map(|x| format!("{}={}", x.code, x.pattern))
                .collect::<Vec<_>>(),
        ),
        &s.suppress.1,
    );
    t.line("select", config::show_list(&s.select.0), &s.select.1);
    t.line("ignore", config::show_list(&s.ignore.0), &s.ignore.1);
    t.line(
        "failure-threshold",
        format!("{:?}", s.failure_threshold.0.as_str()),
        &s.failure_threshold.1,
    );
    t.line(
        "output-threshold",
        format!("{:?}", s.output_threshold.0.as_str()),
        &s.output_threshold.1,
    );
    t.line(
        "exclude",
        config::show_list(&s.exclude),
        &from_cfg(!s.exclude.is_empty()),
    );
    let cfg_context: Vec<String> = s
        .config
        .as_ref()
        .map(|c| c.context.clone())
        .unwrap_or_default();
    let (context, context_from) = if !args.context.is_empty() {
        (args.context.clone(), Origin::Cli)
    } else {
        (cfg_context.clone(), from_cfg(!cfg_context.is_empty()))
    };
    t.line("context", config::show_list(&context), &context_from);
    let envs = s
        .config
        .as_ref()
        .map(|c| c.environments.clone())
        .unwrap_or_default();
    if envs.is_empty() {
        t.line("environments", "{}".into(), &Origin::Default);
    }
    for (name, globs) in &envs {
        t.line(
            &format!("environments.{name}"),
            config::show_list(globs),
            &Origin::Config,
        );
    }
    if s.severity.is_empty() {
        t.line("severity", "{}".into(), &Origin::Default);
    }
    for (code, sev) in &s.severity {
        t.line(
            &format!("severity.{code}"),
            format!("{:?}", sev.as_str()),
            &Origin::Config,
        );
    }
    if s.per_path_ignores.is_empty() {
        t.line("per-path-ignores", "{}".into(), &Origin::Default);
    }
    for (glob, codes) in &s.per_path_ignores {
        t.line(
            &format!("per-path-ignores.{glob:?}"),
            config::show_list(codes),
            &Origin::Config,
        );
    }
    t.finish()
}

fn rule_matches(code_or_name: &str, code: &str, name: &str) -> bool {
    code_or_name.eq_ignore_ascii_case(code) || code_or_name == name
}

/// Canonical absolute paths of the report's files (by file id), for path matching.
fn file_paths(report: &Report) -> Vec<PathBuf> {
    report
        .sources
        .iter()
        .map(|(_, f)| {
            let p = Path::new(&f.path);
            std::fs::canonicalize(p).unwrap_or_else(|_| config::absolute(p))
        })
        .collect()
}

/// Severity overrides, per-path ignores and `--only-report`, after the analysis.
pub(super) fn post_process(report: &mut Report, s: &Settings, only: &[PathBuf]) {
    if !s.severity.is_empty() {
        for d in &mut report.diagnostics {
            // a name is more specific than a (possibly shared) code: names win
            let by_code = s
                .severity
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(d.code));
            let by_name = s.severity.iter().find(|(c, _)| c == d.rule);
            if let Some((_, sev)) = by_name.or(by_code) {
                d.severity = *sev;
            }
        }
    }
    if s.per_path_ignores.is_empty() && only.is_empty() {
        return;
    }
    let paths = file_paths(report);
    let root = s
        .config
        .as_ref()
        .map(|c| std::fs::canonicalize(&c.root).unwrap_or_else(|_| c.root.clone()));
    let ignores: Vec<(GlobSet, &Vec<String>)> = s
        .per_path_ignores
        .iter()
        .map(|(g, codes)| (config::glob_set(std::slice::from_ref(g)), codes))
        .collect();
    let mut ignored_cache: HashMap<(FileId, &'static str), bool> = HashMap::new();
    report.diagnostics.retain(|d| {
        let Some(span) = d.span() else {
            return only.is_empty();
        };
        let path = &paths[span.file.index()];
        if !only.is_empty() && !only.iter().any(|o| o == path) {
            return false;
        }
        let Some(root) = &root else { return true };
        let ignored = *ignored_cache.entry((span.file, d.rule)).or_insert_with(|| {
            let Some(rel) = config::relative_to(path, root) else {
                return false;
            };
            ignores.iter().any(|(set, codes)| {
                config::matches_path_or_parent(set, &rel)
                    && codes.iter().any(|c| rule_matches(c, d.code, d.rule))
            })
        });
        !ignored
    });
}

pub fn run(args: CheckArgs) -> i32 {
    if args.list_analyzers {
        print_out(&super::rules::analyzers_text());
        return EXIT_OK;
    }
    let started = std::time::Instant::now();
    let settings = match resolve(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("meshlint: {e}");
            return EXIT_USAGE;
        }
    };
    if args.show_settings {
        print_out(&show_settings(&settings, &args));
        return EXIT_OK;
    }
    let mut opts = Options::default();
    opts.model.default_namespace = settings.namespace.0.clone();
    opts.model.istio_strict = args.istio_strict;
    opts.max_file_bytes = args.max_file_size.saturating_mul(1024 * 1024);
    opts.select = settings.select.0.clone();
    opts.ignore = settings.ignore.0.clone();
    opts.analyzers = args.analyzer.clone();
    opts.timings = std::env::var_os("MESHLINT_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0");
    if !opts.analyzers.is_empty()
        && !opts
            .analyzers
            .iter()
            .any(|a| RULES.iter().any(|r| r.meta.analyzer == Some(a.as_str())))
    {
        eprintln!(
            "meshlint: no rule mirrors analyzer(s) {}; running nothing but input checks",
            opts.analyzers.join(", ")
        );
    }
    for s in &settings.suppress.0 {
        if !s.code_is_known() {
            eprintln!(
                "Warning: Supplied message code '{}' is an unknown message code and will not have any effect.",
                s.code
            );
        }
    }
    if let Some(mc) = &settings.mesh_config.0 {
        let shown = mc.display();
        match std::fs::read_to_string(mc) {
            Ok(text) => {
                let (cfg, diags) = MeshConfig::parse(FileId::new(u32::MAX), &text);
                if let Some(d) = diags.first() {
                    eprintln!("meshlint: mesh config {shown}: {}", d.message);
                    return EXIT_USAGE;
                }
                opts.mesh = cfg;
            }
            Err(e) => {
                eprintln!("meshlint: cannot read mesh config {shown}: {e}");
                return EXIT_USAGE;
            }
        }
    }
    if let Some(mn) = &settings.mesh_networks.0 {
        let shown = mn.display();
        match std::fs::read_to_string(mn) {
            Ok(text) => {
                let (networks, diags) = MeshNetworks::parse(FileId::new(u32::MAX), &text);
                if let Some(d) = diags.first() {
                    eprintln!("meshlint: mesh networks {shown}: {}", d.message);
                    return EXIT_USAGE;
                }
                opts.mesh.networks = networks;
            }
            Err(e) => {
                eprintln!("meshlint: cannot read mesh networks {shown}: {e}");
                return EXIT_USAGE;
            }
        }
    }
    // exclude globs, relative to the configuration file's directory
    let exclude = config::glob_set(&settings.exclude);
    let exclude_root = settings
        .config
        .as_ref()
        .map(|c| std::fs::canonicalize(&c.root).unwrap_or_else(|_| c.root.clone()));
    // the baseline files are meshlint's own, not manifests: never walked
    let baselines: Vec<PathBuf> = [
        args.baseline.clone(),
        args.write_baseline.clone(),
        settings
            .config
            .as_ref()
            .and_then(|c| c.baseline.as_ref().map(|b| c.root.join(b))),
    ]
    .into_iter()
    .flatten()
    .map(|p| std::fs::canonicalize(&p).unwrap_or_else(|_| config::absolute(&p)))
    .collect();
    let excluded = |p: &Path| -> bool {
        let abs = std::fs::canonicalize(p).unwrap_or_else(|_| config::absolute(p));
        if baselines.contains(&abs) {
            return true;
        }
        let Some(root) = &exclude_root else {
            return false;
        };
        config::relative_to(&abs, root)
            .is_some_and(|rel| config::matches_path_or_parent(&exclude, &rel))
    };
    let mut progress = Progress::new(0);
    let mut inputs = match discover_with(&args.paths, &excluded, &mut progress) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("meshlint: {e}");
            return EXIT_USAGE;
        }
    };
    // declared environments: each checked file joins those whose globs match its path
    // (relative to the configuration file); a file may be in several
    if let Some(c) = settings
        .config
        .as_ref()
        .filter(|c| !c.environments.is_empty())
    {
        let root = std::fs::canonicalize(&c.root).unwrap_or_else(|_| c.root.clone());
        let sets: Vec<GlobSet> = c
            .environments
            .iter()
            .map(|(_, globs)| config::glob_set(globs))
            .collect();
        opts.environments = c.environments.iter().map(|(n, _)| n.clone()).collect();
        for input in &mut inputs {
            let p = Path::new(&input.path);
            let abs = std::fs::canonicalize(p).unwrap_or_else(|_| config::absolute(p));
            let Some(rel) = config::relative_to(&abs, &root) else {
                continue;
            };
            input.environments = sets
                .iter()
                .enumerate()
                .filter(|(_, set)| config::matches_path_or_parent(set, &rel))
                .map(|(i, _)| i as u16)
                .collect();
        }
    }
    // --context, then `context = [...]` of the configuration file (relative to it)
    let mut context_paths = args.context.clone();
    if let Some(c) = &settings.config {
        context_paths.extend(
            c.context
                .iter()
                .map(|p| c.root.join(p).display().to_string()),
        );
    }
    if !context_paths.is_empty() {
        match discover_with(&context_paths, &|_| false, &mut Progress::new(0)) {
            Ok(found) => inputs.extend(
                found
                    .into_iter()
                    .map(|i| i.with_role(crate::engine::Role::Context)),
            ),
            Err(e) => {
                eprintln!("meshlint: --context: {e}");
                return EXIT_USAGE;
            }
        }
    }
    // --only-report: the files to report on (and to analyze, if PATHS did not cover them)
    let mut only = Vec::new();
    for f in &args.only_report {
        let p = Path::new(f);
        let canon = match std::fs::canonicalize(p) {
            Ok(c) => c,
            Err(_) => continue, // deleted in the commit: nothing to report there
        };
        if excluded(p) {
            continue;
        }
        let covered = inputs.iter().any(|i| {
            std::fs::canonicalize(&i.path)
                .map(|c| c == canon)
                .unwrap_or(false)
        });
        if !covered && is_manifest(p) {
            inputs.push(read_file(f.clone(), p.to_path_buf()));
        }
        only.push(canon);
    }
    let only_mode = !args.only_report.is_empty();
    progress.status(&format!("meshlint: analyzing {} files", inputs.len()));
    let read_time = started.elapsed();
    let t = std::time::Instant::now();
    if args.helm {
        render_charts(&mut inputs, &mut opts, &args);
    }
    let builds = build_kustomizations(&mut inputs, &mut opts, &args);
    let mut report = analyze(inputs, &opts);
    let first_remapped = report.sources.len();
    for b in &builds {
        let resolve = |p: &str| b.resolve(p);
        let rendering = meshlint_remap_rendering(b, &resolve);
        crate::remap::remap(&mut report, &rendering, &|p| {
            std::fs::read_to_string(p).ok()
        });
    }
    if !builds.is_empty() {
        let enabled = crate::engine::enabled_rules(&opts);
        crate::remap::apply_source_directives(&mut report, first_remapped, &enabled);
    }
    let analyze_time = t.elapsed();
    progress.finish();
    suppress::apply_cli(&mut report.diagnostics, &settings.suppress.0);
    if only_mode && only.is_empty() {
        report.diagnostics.clear();
    } else {
        post_process(&mut report, &settings, &only);
    }
    if let Some(path) = &args.write_baseline {
        let text = super::baseline::write(&report);
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("meshlint: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
        eprintln!(
            "meshlint: wrote {} finding(s) to the baseline {}",
            report.diagnostics.len(),
            path.display()
        );
        return EXIT_OK;
    }
    let baseline = args.baseline.clone().or_else(|| {
        let c = settings.config.as_ref()?;
        c.baseline.as_ref().map(|b| c.root.join(b))
    });
    if let Some(path) = baseline {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("meshlint: cannot read the baseline {}: {e}", path.display());
                return EXIT_USAGE;
            }
        };
        match super::baseline::apply(&mut report, &text) {
            Ok(stale) if !stale.is_empty() => eprintln!(
                "meshlint: {} baseline entr{} no longer occur{} (shrink {} with --write-baseline):\n{}",
                stale.len(),
                if stale.len() == 1 { "y" } else { "ies" },
                if stale.len() == 1 { "s" } else { "" },
                path.display(),
                stale.join("\n")
            ),
            Ok(_) => {}
            Err(e) => {
                eprintln!("meshlint: baseline {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
    }
    let cwd = std::env::current_dir()
        .ok()
        .map(|p| p.display().to_string());
    let ropts = RenderOptions {
        color: matches!(args.format, Format::Pretty | Format::Istioctl)
            && args.output.is_none()
            && use_color(args.color),
        width: 100,
        output_threshold: settings.output_threshold.0,
        base_dir: cwd,
        sarif_root: args
            .sarif_root
            .as_ref()
            .map(|p| config::absolute(p).display().to_string()),
    };
    // rendered straight into the output (a JSON report is streamed, never held in memory)
    let t = std::time::Instant::now();
    match &args.output {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|f| {
                let mut w = std::io::BufWriter::new(f);
                render_to(&report, args.format, &ropts, &mut w)?;
                w.flush()
            });
            if let Err(e) = written {
                eprintln!("meshlint: cannot write {}: {e}", path.display());
                return EXIT_USAGE;
            }
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            // a closed pipe (`| head`) is not an error of the check
            let _ = render_to(&report, args.format, &ropts, &mut w).and_then(|()| w.flush());
        }
    }
    let render_time = t.elapsed();
    let t = std::time::Instant::now();
    if args.format == Format::Istioctl && shown(&report, &ropts).next().is_none() {
        // istioctl's summary on success (on stderr, so stdout stays the report)
        let files: Vec<&str> = report
            .checked_files()
            .map(|(_, f)| f.path.as_str())
            .collect();
        eprintln!(
            "\u{2714} No validation issues found when analyzing {}.",
            files.join("\n")
        );
    }
    if opts.timings {
        eprint!(
            "{}",
            report.timings.table(
                &[
                    ("discover + read files", read_time),
                    ("analyze (wall)", analyze_time),
                    ("render", render_time),
                    ("write", t.elapsed()),
                    ("total (process)", started.elapsed()),
                ],
                std::env::var_os("MESHLINT_TIMINGS").is_some_and(|v| v == "all"),
            )
        );
    }
    let failed = report
        .diagnostics
        .iter()
        .any(|d| d.severity >= settings.failure_threshold.0);
    // the process exits with this code next (main): freeing every finding and text one by one
    // would only delay it (about 10 ms at 20k documents)
    std::mem::forget(report);
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// A root kustomization that was built: its rendered input and how to read its origins.
struct KustomizeBuild {
    /// The rendered input's position among the inputs (its file id).
    file: usize,
    name: String,
    wrapper: PathBuf,
    patches: Vec<String>,
}

impl KustomizeBuild {
    /// An origin path of the rendering (relative to the wrapper) as findings show it: relative
    /// to the working directory when it is below it.
    fn resolve(&self, origin: &str) -> Option<String> {
        let abs = kustomize::normalize(&self.wrapper.join(origin));
        if !abs.is_file() {
            return None;
        }
        let cwd = std::env::current_dir().ok()?;
        let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
        Some(
            abs.strip_prefix(&cwd)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| abs.display().to_string()),
        )
    }
}

fn meshlint_remap_rendering<'a>(
    b: &'a KustomizeBuild,
    resolve: &'a dyn Fn(&str) -> Option<String>,
) -> crate::remap::Rendering<'a> {
    crate::remap::Rendering {
        file: FileId::new(b.file as u32),
        name: &b.name,
        resolve,
        patches: &b.patches,
    }
}

/// Builds each root kustomization among the inputs (docs/inputs.md): on success its files are
/// replaced by the build's output, an environment of its own; on failure its kustomization file
/// carries a `kustomize-not-built` finding and its files stay plain inputs.
fn build_kustomizations(
    inputs: &mut Vec<Input>,
    opts: &mut Options,
    args: &CheckArgs,
) -> Vec<KustomizeBuild> {
    let dirs: Vec<PathBuf> = inputs
        .iter()
        .filter(|i| i.role == crate::engine::Role::Checked)
        .filter_map(|i| {
            let p = Path::new(&i.path);
            let name = p.file_name()?.to_str()?;
            kustomize::is_kustomization_name(name)
                .then(|| p.parent().map(Path::to_path_buf).unwrap_or_default())
        })
        .collect();
    if dirs.is_empty() {
        return Vec::new();
    }
    let plan = kustomize::plan(&dirs);
    let builder = kustomize::builder(args.kustomize_bin.as_deref());
    let timeout = std::time::Duration::from_secs(args.kustomize_timeout);
    let norm = |p: &str| kustomize::normalize(Path::new(p));
    let mut builds = Vec::new();
    let mut rendered: Vec<(Input, String, PathBuf, Vec<String>)> = Vec::new();
    for (root, chain) in &plan.roots {
        let remote: Vec<&String> = chain.iter().flat_map(|k| &k.remote).collect();
        let outcome = if !remote.is_empty() && !args.allow_remote {
            Err(format!(
                "it refers to the remote resource `{}`, fetched only with --allow-remote",
                remote[0]
            ))
        } else {
            match &builder {
                None => Err(match &args.kustomize_bin {
                    Some(b) => format!("`{b}` (--kustomize-bin) was not found"),
                    None => "neither kustomize nor kubectl is on PATH".to_string(),
                }),
                Some(b) => kustomize::build(b, &root.dir, timeout),
            }
        };
        let root_file = kustomize::normalize(&root.file);
        match outcome {
            Ok(built) => {
                let consumed: std::collections::HashSet<PathBuf> = chain
                    .iter()
                    .flat_map(|k| {
                        std::iter::once(kustomize::normalize(&k.file))
                            .chain(k.files.iter().cloned())
                    })
                    .collect();
                inputs.retain(|i| {
                    i.role != crate::engine::Role::Checked || !consumed.contains(&norm(&i.path))
                });
                let name = root.dir.display().to_string();
                let name = if name.is_empty() {
                    ".".to_string()
                } else {
                    name
                };
                let patches = chain
                    .iter()
                    .flat_map(|k| &k.patches)
                    .map(|p| p.display().to_string())
                    .collect();
                let input = Input::text(format!("{name} (kustomize build)"), built.yaml).walked();
                rendered.push((input, name, built.wrapper, patches));
            }
            Err(why) => {
                // the kustomization files of its bases are not manifests either
                let bases: std::collections::HashSet<PathBuf> = chain
                    .iter()
                    .skip(1)
                    .map(|k| kustomize::normalize(&k.file))
                    .collect();
                inputs.retain(|i| !bases.contains(&norm(&i.path)));
                match inputs.iter_mut().find(|i| norm(&i.path) == root_file) {
                    Some(i) => i.kustomize_failure = Some(why),
                    None => {
                        let mut i = Input::read(root_file.display().to_string(), {
                            let p = root_file.clone();
                            move || std::fs::read(&p).map_err(|e| e.to_string())
                        });
                        i.kustomize_failure = Some(why);
                        inputs.push(i);
                    }
                }
            }
        }
    }
    // kustomization files of roots that were built, and of their bases, are not manifests
    for (mut input, name, wrapper, patches) in rendered {
        opts.environments.push(name.clone());
        input.environments = vec![(opts.environments.len() - 1) as u16];
        builds.push(KustomizeBuild {
            file: inputs.len(),
            name,
            wrapper,
            patches,
        });
        inputs.push(input);
    }
    builds
}

/// `--helm`: renders each chart among the inputs with `helm template` (its default values and
/// `--helm-values`), as an environment of its own named after the chart's directory; the
/// rendered documents are named after their templates (`# Source:`), below the chart's
/// directory. A chart that cannot be rendered keeps its `helm-chart-not-rendered` finding, with
/// the reason.
fn render_charts(inputs: &mut Vec<Input>, opts: &mut Options, args: &CheckArgs) {
    let timeout = std::time::Duration::from_secs(args.kustomize_timeout);
    let mut rendered = Vec::new();
    for input in inputs.iter_mut().filter(|i| i.helm_chart.is_some()) {
        let dir = Path::new(&input.path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let text = std::fs::read_to_string(&input.path).unwrap_or_default();
        let name = text
            .lines()
            .find_map(|l| l.strip_prefix("name:"))
            .map(|n| n.trim().trim_matches(['"', '\'']).to_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "chart".to_string());
        if !super::process::on_path("helm") {
            input.helm_failure = Some("`helm` is not on PATH".to_string());
            continue;
        }
        let mut cmd: Vec<String> = vec!["template".into(), name.clone(), dir.display().to_string()];
        for v in &args.helm_values {
            cmd.push("-f".into());
            cmd.push(v.clone());
        }
        match super::process::run("helm", &cmd, timeout, "--kustomize-timeout") {
            Ok(yaml) => {
                let env = dir.display().to_string();
                let prefix = format!("{name}/");
                let parts = split_helm_sources(&yaml)
                    .unwrap_or_else(|| vec![(format!("{env} (helm template)"), yaml)]);
                let parts: Vec<(String, String)> = parts
                    .into_iter()
                    .map(|(p, t)| match p.strip_prefix(&prefix) {
                        Some(rest) => (dir.join(rest).display().to_string(), t),
                        None => (p, t),
                    })
                    .collect();
                rendered.push((input.path.clone(), env, parts));
            }
            Err(e) => input.helm_failure = Some(e),
        }
    }
    for (chart_file, env, parts) in rendered {
        inputs.retain(|i| i.path != chart_file);
        opts.environments.push(env);
        let e = (opts.environments.len() - 1) as u16;
        for (p, t) in parts {
            let mut i = Input::text(p, t).walked();
            i.environments = vec![e];
            inputs.push(i);
        }
    }
}

#[cfg(test)]
mod helm_source_tests {
    use super::split_helm_sources;

    #[test]
    fn helm_template_output_is_split_by_template() {
        let text = "---\n# Source: shop/templates/svc.yaml\napiVersion: v1\nkind: Service\n---\n# Source: shop/templates/vs.yaml\nkind: A\n---\n# Source: shop/templates/svc.yaml\nkind: B\n";
        let parts = split_helm_sources(text).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].0, "shop/templates/svc.yaml");
        assert_eq!(
            parts[0].1,
            "# Source: shop/templates/svc.yaml\napiVersion: v1\nkind: Service\n---\n# Source: shop/templates/svc.yaml\nkind: B\n"
        );
        assert_eq!(parts[1].0, "shop/templates/vs.yaml");
        assert!(split_helm_sources("kind: A\n").is_none());
    }
}
