//! `meshlint diff BASE [HEAD] [-- PATHS]`: reads the two versions (a directory, a git revision
//! read from git objects with the `git` binary, or the working tree), with the settings of
//! `check` (the working tree's meshlint.toml for both), and renders [`crate::diff`].

use super::check::{self, CheckArgs};
use super::config;
use super::kustomize;
use super::progress::Progress;
use super::{print_out, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::diagnostics::Severity;
use crate::diff::{self, Tree, TreeFile};
use crate::engine::Options;
use crate::index::mesh::MeshNetworks;
use crate::index::MeshConfig;
use crate::source::FileId;
use clap::{Args, FromArgMatches, ValueEnum};
use globset::GlobSet;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

#[derive(Args, Debug)]
#[command(
    after_help = "BASE and HEAD are each a directory or a git revision (origin/main, HEAD~1, a \
commit) of the repository around the working directory; an existing directory wins over a revision \
of the same name. Files at a revision are read from git objects, never checked out. PATHS (after \
`--`) select the files on both sides, relative to the working directory (a directory side stands \
for the working directory). Exit 1 when HEAD introduces findings at or above the failure threshold \
(and with --fail-on-any on any routing or policy change), 2 on usage errors."
)]
pub struct DiffArgs {
    /// The version before the change: a directory or a git revision
    pub base: String,
    /// The version after the change: a directory or a git revision [default: the working tree]
    pub head: Option<String>,
    /// Files and directories to compare, relative to the working directory [default: .]
    #[arg(last = true)]
    pub paths: Vec<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Pretty)]
    pub format: DiffFormat,
    /// Write the output to FILE instead of stdout (the exit code is unchanged)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 on any routing or destination policy change too, not only on introduced findings
    #[arg(long)]
    pub fail_on_any: bool,
    /// Lowest severity of an introduced finding that makes the exit code 1 [default: error]
    #[arg(long, value_parser = parse_severity)]
    pub failure_threshold: Option<Severity>,
    /// Objects used only to resolve references, on both sides (read from the filesystem)
    #[arg(long, value_name = "PATH")]
    pub context: Vec<String>,
    /// Namespace for namespaced resources that do not set one [default: default]
    #[arg(long, short = 'n')]
    pub namespace: Option<String>,
    /// An Istio MeshConfig YAML (used for both sides)
    #[arg(long, value_name = "FILE")]
    pub mesh_config: Option<String>,
    /// An Istio MeshNetworks YAML (used for both sides)
    #[arg(long, value_name = "FILE")]
    pub mesh_networks: Option<String>,
    /// Suppress a code on matching resources: "CODE=Kind ns/name"; repeatable
    #[arg(long, short = 'S', value_name = "CODE=RESOURCE")]
    pub suppress: Vec<String>,
    /// Run only these rules (code or name; repeatable, comma lists accepted)
    #[arg(long, value_name = "RULE")]
    pub select: Vec<String>,
    /// Do not run these rules (code or name; repeatable, comma lists accepted)
    #[arg(long, value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Treat Alibaba ASM extension fields (`fallback`) as unknown, as upstream Istio does
    #[arg(long)]
    pub istio_strict: bool,
    /// Use this configuration file instead of searching for meshlint.toml / .meshlint.toml
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read any configuration file
    #[arg(long)]
    pub no_config: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Pretty,
    Json,
    Markdown,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("`{s}` is not one of error, warning, info"))
}

/// Longest a git command may take.
const GIT_TIMEOUT: Duration = Duration::from_secs(300);

/// One side of the diff.
enum Side {
    WorkingTree,
    Dir(PathBuf),
    Rev(String),
}

impl Side {
    fn of(arg: Option<&str>) -> Side {
        match arg {
            None => Side::WorkingTree,
            Some(a) if Path::new(a).is_dir() => Side::Dir(PathBuf::from(a)),
            Some(a) => Side::Rev(a.to_string()),
        }
    }

    fn label(&self) -> String {
        match self {
            Side::WorkingTree => "working tree".to_string(),
            Side::Dir(d) => d.display().to_string(),
            Side::Rev(r) => r.clone(),
        }
    }
}

/// The `check` arguments that stand for these settings (the rest at their defaults).
fn as_check_args(a: &DiffArgs, paths: &[String]) -> CheckArgs {
    let cmd = CheckArgs::augment_args(clap::Command::new("check"));
    let m = cmd.get_matches_from(["check"]);
    let mut c = CheckArgs::from_arg_matches(&m).expect("the defaults of `check` parse");
    c.paths = paths.to_vec();
    c.context = a.context.clone();
    c.namespace = a.namespace.clone();
    c.mesh_config = a.mesh_config.clone();
    c.mesh_networks = a.mesh_networks.clone();
    c.suppress = a.suppress.clone();
    c.select = a.select.clone();
    c.ignore = a.ignore.clone();
    c.failure_threshold = a.failure_threshold;
    c.istio_strict = a.istio_strict;
    c.config = a.config.clone();
    c.no_config = a.no_config;
    c
}

/// `a/./b` → `a/b`, `./x.yaml` → `x.yaml`.
fn tidy(p: &Path) -> String {
    let parts: Vec<String> = p
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        let mut s = PathBuf::new();
        for x in parts {
            s.push(x);
        }
        s.display().to_string()
    }
}

/// What is compared: manifests, not kustomization files or Helm chart files (neither is built
/// by `diff`).
fn wanted(rel: &str, charts: &HashSet<String>) -> bool {
    let p = Path::new(rel);
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if kustomize::is_kustomization_name(name) || !check::is_manifest(p) {
        return false;
    }
    if p.components().any(|c| {
        c.as_os_str()
            .to_str()
            .is_some_and(|s| s.starts_with('.') && s != "." && s != "..")
    }) {
        return false;
    }
    // a chart's own files and templates
    let mut dir = p.parent();
    let mut first = true;
    while let Some(d) = dir {
        let key = tidy(d);
        if charts.contains(&key) {
            let in_templates = p.strip_prefix(d).ok().is_some_and(|rest| {
                rest.components()
                    .next()
                    .is_some_and(|c| c.as_os_str() == "templates")
            });
            if in_templates
                || (first
                    && (name == "Chart.yaml" || name == "Chart.lock" || name.starts_with("values")))
            {
                return false;
            }
        }
        first = false;
        dir = d.parent();
    }
    true
}

struct Ctx<'a> {
    settings: &'a check::Settings,
    cwd: PathBuf,
    exclude: GlobSet,
    exclude_root: Option<PathBuf>,
}

impl Ctx<'_> {
    /// Whether a path relative to the working directory is excluded by `exclude`.
    fn excluded(&self, rel: &str) -> bool {
        let Some(root) = &self.exclude_root else {
            return false;
        };
        config::relative_to(&self.cwd.join(rel), root)
            .is_some_and(|r| config::matches_path_or_parent(&self.exclude, &r))
    }

    /// The declared environments of a path relative to the working directory.
    fn environments(&self, rel: &str) -> Vec<u16> {
        let Some(c) = self
            .settings
            .config
            .as_ref()
            .filter(|c| !c.environments.is_empty())
        else {
            return Vec::new();
        };
        let root = std::fs::canonicalize(&c.root).unwrap_or_else(|_| c.root.clone());
        let Some(r) = config::relative_to(&self.cwd.join(rel), &root) else {
            return Vec::new();
        };
        c.environments
            .iter()
            .enumerate()
            .filter(|(_, (_, globs))| config::matches_path_or_parent(&config::glob_set(globs), &r))
            .map(|(i, _)| i as u16)
            .collect()
    }
}

/// Files under `dir` (the working directory when `None`), as paths relative to it.
fn read_dir_side(dir: Option<&Path>, paths: &[String], cx: &Ctx) -> Result<Vec<TreeFile>, String> {
    let joined: Vec<String> = paths
        .iter()
        .map(|p| match dir {
            Some(d) => d.join(p).display().to_string(),
            None => p.clone(),
        })
        .collect();
    let rel_of = |p: &Path| -> String {
        match dir {
            Some(d) => tidy(p.strip_prefix(d).unwrap_or(p)),
            None => tidy(p),
        }
    };
    let excluded = |p: &Path| cx.excluded(&rel_of(p));
    let inputs = check::discover_with(&joined, &excluded, &mut Progress::new(0))?;
    let charts: HashSet<String> = inputs
        .iter()
        .filter(|i| i.helm_chart.is_some())
        .filter_map(|i| Path::new(&i.path).parent().map(rel_of))
        .collect();
    let mut out = Vec::new();
    for mut input in inputs {
        let rel = rel_of(Path::new(&input.path));
        if input.helm_chart.is_some() || !wanted(&rel, &charts) {
            continue;
        }
        let named = input.named;
        match input.bytes_now() {
            Ok(b) => out.push(TreeFile {
                environments: cx.environments(&rel),
                path: rel,
                bytes: b.clone(),
                context: false,
                named,
            }),
            Err(e) => eprintln!("meshlint: {rel}: {e} (left out of the diff)"),
        }
    }
    Ok(out)
}

fn git(args: &[&str], input: Option<Vec<u8>>) -> Result<Vec<u8>, String> {
    super::process::run_bytes("git", args, input, GIT_TIMEOUT, "git")
}

/// The files of a revision under `paths`, read from git objects.
fn read_rev_side(rev: &str, paths: &[String], cx: &Ctx) -> Result<Vec<TreeFile>, String> {
    if !super::process::on_path("git") {
        return Err(format!(
            "`{rev}` is not a directory, and `git` is not on PATH to read it as a revision"
        ));
    }
    if git(&["rev-parse", "--show-toplevel"], None).is_err() {
        return Err(format!(
            "`{rev}` is not a directory, and the working directory is not in a git repository"
        ));
    }
    let commit = format!("{rev}^{{commit}}");
    if git(
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &commit,
        ],
        None,
    )
    .is_err()
    {
        return Err(format!(
            "unknown revision `{rev}`: not a directory, and not a commit of the git repository around the working directory (fetch it first, e.g. `git fetch origin main`)"
        ));
    }
    let mut args = vec![
        "ls-tree",
        "-r",
        "-z",
        "--end-of-options",
        commit.as_str(),
        "--",
    ];
    args.extend(paths.iter().map(String::as_str));
    let listing = git(&args, None)?;
    // `<mode> <type> <object>\t<path>`, NUL-separated; paths relative to the working directory
    let mut entries: Vec<(String, String)> = Vec::new();
    for rec in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let rec = String::from_utf8_lossy(rec);
        let Some((meta, path)) = rec.split_once('\t') else {
            continue;
        };
        let mut m = meta.split(' ');
        let (mode, kind, oid) = (m.next(), m.next(), m.next());
        if kind != Some("blob") || mode == Some("120000") {
            continue;
        }
        if let Some(oid) = oid {
            entries.push((tidy(Path::new(path)), oid.to_string()));
        }
    }
    let charts: HashSet<String> = entries
        .iter()
        .filter(|(p, _)| Path::new(p).file_name().is_some_and(|n| n == "Chart.yaml"))
        .filter_map(|(p, _)| Path::new(p).parent().map(tidy))
        .collect();
    entries.retain(|(p, _)| wanted(p, &charts) && !cx.excluded(p));
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let mut batch = Vec::new();
    for (_, oid) in &entries {
        batch.extend_from_slice(oid.as_bytes());
        batch.push(b'\n');
    }
    let out = git(&["cat-file", "--batch"], Some(batch))?;
    // `<oid> blob <size>\n<content>\n` per object
    let mut files = Vec::with_capacity(entries.len());
    let mut at = 0usize;
    for (path, _) in entries {
        let header_end = out[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| at + i)
            .ok_or("unexpected end of `git cat-file --batch` output")?;
        let header = String::from_utf8_lossy(&out[at..header_end]).to_string();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("unexpected `git cat-file` header `{header}`"))?;
        let start = header_end + 1;
        let end = start + size;
        if end > out.len() {
            return Err("truncated `git cat-file --batch` output".to_string());
        }
        files.push(TreeFile {
            environments: cx.environments(&path),
            path,
            bytes: out[start..end].to_vec(),
            context: false,
            named: false,
        });
        at = end + 1;
    }
    Ok(files)
}

fn read_side(side: &Side, paths: &[String], cx: &Ctx) -> Result<Tree, String> {
    let files = match side {
        Side::WorkingTree => read_dir_side(None, paths, cx)?,
        Side::Dir(d) => read_dir_side(Some(d), paths, cx)?,
        Side::Rev(r) => read_rev_side(r, paths, cx)?,
    };
    Ok(Tree {
        label: side.label(),
        files,
    })
}

fn mesh_options(settings: &check::Settings, opts: &mut Options) -> Result<(), String> {
    if let Some(mc) = &settings.mesh_config.0 {
        let text = std::fs::read_to_string(mc)
            .map_err(|e| format!("cannot read mesh config {}: {e}", mc.display()))?;
        let (cfg, diags) = MeshConfig::parse(FileId::new(u32::MAX), &text);
        if let Some(d) = diags.first() {
            return Err(format!("mesh config {}: {}", mc.display(), d.message));
        }
        opts.mesh = cfg;
    }
    if let Some(mn) = &settings.mesh_networks.0 {
        let text = std::fs::read_to_string(mn)
            .map_err(|e| format!("cannot read mesh networks {}: {e}", mn.display()))?;
        let (networks, diags) = MeshNetworks::parse(FileId::new(u32::MAX), &text);
        if let Some(d) = diags.first() {
            return Err(format!("mesh networks {}: {}", mn.display(), d.message));
        }
        opts.mesh.networks = networks;
    }
    Ok(())
}

pub fn run(args: DiffArgs) -> i32 {
    match diff_run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("meshlint: {e}");
            EXIT_USAGE
        }
    }
}

fn diff_run(args: &DiffArgs) -> Result<i32, String> {
    let paths = if args.paths.is_empty() {
        vec![".".to_string()]
    } else {
        args.paths.clone()
    };
    if paths.iter().any(|p| p == "-") {
        return Err("`diff` compares files: stdin (`-`) is not a version".to_string());
    }
    let check_args = as_check_args(args, &paths);
    let settings = check::resolve(&check_args)?;
    for s in &settings.suppress.0 {
        if !s.code_is_known() {
            eprintln!(
                "Warning: Supplied message code '{}' is an unknown message code and will not have any effect.",
                s.code
            );
        }
    }
    let mut opts = Options::default();
    opts.model.default_namespace = settings.namespace.0.clone();
    opts.model.istio_strict = args.istio_strict;
    opts.select = settings.select.0.clone();
    opts.ignore = settings.ignore.0.clone();
    mesh_options(&settings, &mut opts)?;
    if let Some(c) = &settings.config {
        opts.environments = c.environments.iter().map(|(n, _)| n.clone()).collect();
    }
    let cwd = std::env::current_dir().map_err(|e| format!("working directory: {e}"))?;
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let cx = Ctx {
        settings: &settings,
        exclude: config::glob_set(&settings.exclude),
        exclude_root: settings
            .config
            .as_ref()
            .map(|c| std::fs::canonicalize(&c.root).unwrap_or_else(|_| c.root.clone())),
        cwd,
    };
    let base_side = Side::of(Some(&args.base));
    let head_side = Side::of(args.head.as_deref());
    let mut base = read_side(&base_side, &paths, &cx)?;
    let mut head = read_side(&head_side, &paths, &cx)?;
    if base.files.is_empty() && head.files.is_empty() {
        return Err(format!(
            "no .yaml, .yml or .json files in {} on either side",
            paths.join(", ")
        ));
    }
    // --context, then `context = [...]` of the configuration file: the same for both sides
    let mut context_paths = args.context.clone();
    if let Some(c) = &settings.config {
        context_paths.extend(
            c.context
                .iter()
                .map(|p| c.root.join(p).display().to_string()),
        );
    }
    if !context_paths.is_empty() {
        let found = check::discover_with(&context_paths, &|_| false, &mut Progress::new(0))
            .map_err(|e| format!("--context: {e}"))?;
        for mut i in found {
            let (path, named) = (i.path.clone(), i.named);
            if let Ok(b) = i.bytes_now() {
                let f = TreeFile {
                    path,
                    bytes: b.clone(),
                    environments: Vec::new(),
                    context: true,
                    named,
                };
                base.files.push(f.clone());
                head.files.push(f);
            }
        }
    }
    let mut reports = Vec::new();
    for tree in [&base, &head] {
        let mut report = diff::analyze(tree, &opts);
        crate::suppress::apply_cli(&mut report.diagnostics, &settings.suppress.0);
        check::post_process(&mut report, &settings, &[]);
        reports.push(report);
    }
    let result = diff::diff(&base, &head, &reports[0], &reports[1], &opts);
    let text = match args.format {
        DiffFormat::Pretty => diff::render::pretty(&result),
        DiffFormat::Json => diff::render::json(&result),
        DiffFormat::Markdown => diff::render::markdown(&result),
    };
    match &args.output {
        Some(p) => {
            std::fs::write(p, &text).map_err(|e| format!("cannot write {}: {e}", p.display()))?
        }
        None => print_out(&text),
    }
    Ok(
        if result.fails(settings.failure_threshold.0, args.fail_on_any) {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        },
    )
}
