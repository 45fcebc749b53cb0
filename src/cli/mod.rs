//! The command line: argument parsing, file discovery, rendering and the exit code. The only
//! module (with `main.rs`) that touches the filesystem, stdin/stdout and the environment.

use crate::diagnostics::Severity;
use crate::engine::{analyze, Input, Options};
use crate::index::MeshConfig;
use crate::render::{render, Format, RenderOptions};
use crate::rules::{lookup, RULES};
use crate::source::FileId;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::Path;

pub mod graph;
pub mod route;
pub mod test_cmd;

#[derive(Parser, Debug)]
#[command(
    name = "meshlint",
    version,
    about = "Offline linter and analyzer for Istio traffic-management manifests",
    long_about = "meshlint reads Istio and Kubernetes manifests from files and directories (no cluster needed), \
links VirtualServices, DestinationRules, Gateways, ServiceEntries and workloads, and reports routing \
mistakes at the exact field with a fix."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check manifests (files, directories, or `-` for stdin)
    Check(CheckArgs),
    /// List every rule
    Rules {
        /// Output format
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Print the documentation of a rule
    Explain {
        /// A rule code (IST0101) or name (subset-not-found)
        rule: String,
    },
    /// Simulate a request: which rule matches and where it goes
    Route(route::RouteArgs),
    /// Run route test cases (requests with expected destinations) against the manifests
    Test(test_cmd::TestArgs),
    /// Print the mesh graph (Gateways, VirtualServices, destinations, workloads)
    Graph(graph::GraphArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files and directories to check (recursively: .yaml, .yml, .json); `-` reads stdin
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Pretty)]
    pub format: Format,
    /// Namespace for namespaced resources that do not set one
    #[arg(long, short = 'n', default_value = "default")]
    pub namespace: String,
    /// An Istio MeshConfig YAML (rootNamespace, trustDomain, outboundTrafficPolicy, ...)
    #[arg(long, value_name = "FILE")]
    pub mesh_config: Option<String>,
    /// Run only these rules (code or name; repeatable, comma lists accepted)
    #[arg(long, value_name = "RULE")]
    pub select: Vec<String>,
    /// Do not run these rules (code or name; repeatable, comma lists accepted)
    #[arg(long, value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Run only the rules that mirror this istioctl analyzer (repeatable)
    #[arg(long, value_name = "NAME")]
    pub analyzer: Vec<String>,
    /// Lowest severity that makes the exit code 1 (error|warning|info)
    #[arg(long, default_value = "error", value_parser = parse_severity)]
    pub failure_threshold: Severity,
    /// Lowest severity that is printed (error|warning|info)
    #[arg(long, default_value = "info", value_parser = parse_severity)]
    pub output_threshold: Severity,
    /// Treat Alibaba ASM extension fields (`fallback`) as unknown, as upstream Istio does
    #[arg(long)]
    pub istio_strict: bool,
    /// When to use colour (auto honours NO_COLOR, CLICOLOR, CLICOLOR_FORCE, FORCE_COLOR)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Largest file to read, in MiB
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_file_size: usize,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("`{s}` is not one of error, warning, info"))
}

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Runs the CLI; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { format } => list_rules(format),
        Command::Explain { rule } => explain(&rule),
        Command::Route(args) => route::run(args),
        Command::Test(args) => test_cmd::run(args),
        Command::Graph(args) => graph::run(args),
    }
}

fn list_rules(format: RulesFormat) -> i32 {
    let mut out = String::new();
    match format {
        RulesFormat::Text => {
            for r in RULES {
                let m = r.meta;
                out.push_str(&format!(
                    "{:<8} {:<32} {:<8} {}\n",
                    m.code,
                    m.name,
                    m.severity.as_str(),
                    m.summary
                ));
            }
        }
        RulesFormat::Json => {
            let v: Vec<serde_json::Value> = RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.meta.code,
                        "name": r.meta.name,
                        "severity": r.meta.severity.as_str(),
                        "category": r.meta.category.as_str(),
                        "analyzer": r.meta.analyzer,
                        "summary": r.meta.summary,
                    })
                })
                .collect();
            out = serde_json::to_string_pretty(&v).unwrap_or_default();
            out.push('\n');
        }
    }
    print_out(&out);
    EXIT_OK
}

fn explain(rule: &str) -> i32 {
    let found = lookup(rule);
    if found.is_empty() {
        eprintln!("meshlint: no rule `{rule}`; `meshlint rules` lists them");
        return EXIT_USAGE;
    }
    let docs: Vec<&str> = found.iter().map(|r| r.doc).collect();
    print_out(&docs.join("\n---\n\n"));
    EXIT_OK
}

pub(crate) fn print_out(s: &str) {
    let mut stdout = std::io::stdout().lock();
    // a closed pipe (`meshlint ... | head`) is not an error worth a panic
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
}

fn env_set(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
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

fn is_manifest(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

/// Expands the paths given into inputs. Errors are usage errors (exit 2).
pub fn discover(paths: &[String]) -> Result<Vec<Input>, String> {
    let mut inputs = Vec::new();
    let mut stdin_used = false;
    for p in paths {
        if p == "-" {
            if stdin_used {
                continue;
            }
            stdin_used = true;
            let mut buf = Vec::new();
            let content = std::io::stdin()
                .read_to_end(&mut buf)
                .map(|_| buf)
                .map_err(|e| e.to_string());
            inputs.push(Input {
                path: "<stdin>".to_string(),
                content,
            });
            continue;
        }
        let path = Path::new(p);
        let meta = std::fs::metadata(path).map_err(|e| format!("{p}: {e}"))?;
        if meta.is_file() {
            inputs.push(read_input(p.clone(), path));
            continue;
        }
        let mut files = Vec::new();
        let walker = walkdir::WalkDir::new(path)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.'))
            });
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() && is_manifest(e.path()) => {
                    files.push(e.path().to_path_buf());
                }
                Ok(_) => {}
                Err(e) => {
                    let at = e
                        .path()
                        .map(|x| x.display().to_string())
                        .unwrap_or_else(|| p.clone());
                    inputs.push(Input {
                        path: at,
                        content: Err(e.to_string()),
                    });
                }
            }
        }
        for f in files {
            let shown = f.display().to_string();
            inputs.push(read_input(shown, &f));
        }
    }
    if inputs.is_empty() {
        return Err(format!(
            "no .yaml, .yml or .json files found in {}",
            paths.join(", ")
        ));
    }
    Ok(inputs)
}

fn read_input(shown: String, path: &Path) -> Input {
    Input {
        path: shown,
        content: std::fs::read(path).map_err(|e| e.to_string()),
    }
}

fn check(args: CheckArgs) -> i32 {
    let mut opts = Options::default();
    opts.model.default_namespace = args.namespace.clone();
    opts.model.istio_strict = args.istio_strict;
    opts.max_file_bytes = args.max_file_size.saturating_mul(1024 * 1024);
    for (list, dst) in [
        (&args.select, &mut opts.select),
        (&args.ignore, &mut opts.ignore),
    ] {
        for item in list.iter().flat_map(|s| s.split(',')).map(str::trim) {
            if item.is_empty() {
                continue;
            }
            if lookup(item).is_empty() {
                eprintln!("meshlint: unknown rule `{item}`; `meshlint rules` lists them");
                return EXIT_USAGE;
            }
            dst.push(item.to_string());
        }
    }
    opts.analyzers = args.analyzer.clone();
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
    if let Some(mc) = &args.mesh_config {
        match std::fs::read_to_string(mc) {
            Ok(text) => {
                let (cfg, diags) = MeshConfig::parse(FileId(u32::MAX), &text);
                if let Some(d) = diags.first() {
                    eprintln!("meshlint: mesh config {mc}: {}", d.message);
                    return EXIT_USAGE;
                }
                opts.mesh = cfg;
            }
            Err(e) => {
                eprintln!("meshlint: cannot read mesh config {mc}: {e}");
                return EXIT_USAGE;
            }
        }
    }
    let inputs = match discover(&args.paths) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("meshlint: {e}");
            return EXIT_USAGE;
        }
    };
    let report = analyze(inputs, &opts);
    let ropts = RenderOptions {
        color: args.format == Format::Pretty && use_color(args.color),
        width: 100,
        output_threshold: args.output_threshold,
    };
    print_out(&render(&report, args.format, &ropts));
    if report
        .diagnostics
        .iter()
        .any(|d| d.severity >= args.failure_threshold)
    {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
