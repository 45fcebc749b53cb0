//! The pipeline, in memory: load → model → index → rules → select/suppress → sorted report.
//! No filesystem or terminal access here; the CLI reads files and renders the report.

use crate::diagnostics::{Diagnostic, Severity};
use crate::index::{Index, MeshConfig};
use crate::model::{identity, read_document, ModelOptions, Resource, Spec};
use crate::rules::{self, RuleCx, RuleEntry, RULES};
use crate::source::{FileId, Origin, ReadFn, SourceDb, SourceFile, Span};
use crate::suppress::{self, Directive};
use crate::yaml::{parse_each, Limits};
use rayon::prelude::*;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// One input: a path as given (or `-` for stdin) and its bytes.
pub struct Input {
    pub path: String,
    pub content: Content,
    /// Checked, or only there to resolve references.
    pub role: Role,
    /// Named on the command line (or stdin, or in memory) rather than found by walking a
    /// directory: all such inputs are one deliberate set (see [`crate::index::evidence`]).
    pub named: bool,
    /// The `Chart.yaml` of a Helm chart whose templates (this many files) were not read: one
    /// `helm-chart-not-rendered` finding instead of parsing it.
    pub helm_chart: Option<usize>,
    /// Why `--helm` could not render the chart (added to its `helm-chart-not-rendered` finding).
    pub helm_failure: Option<String>,
    /// A kustomization file whose root could not be built, and why: one `kustomize-not-built`
    /// finding instead of parsing it.
    pub kustomize_failure: Option<String>,
    /// The declared environments ([`Options::environments`], by index) this file belongs to;
    /// empty: the default environment (files no declaration matches).
    pub environments: Vec<u16>,
}

pub use crate::source::Role;

/// Where an input's bytes come from.
pub enum Content {
    /// In memory (stdin, tests), or the error reading them. The text is kept for rendering.
    Bytes(Result<Vec<u8>, String>),
    /// Read by the loader when it gets to the file. [`analyze`] does not keep the text: it is
    /// read again, after the rules ran, for the files that findings point into.
    Read(ReadFn),
}

impl Input {
    pub fn text(path: impl Into<String>, text: impl Into<String>) -> Input {
        Input::bytes(path, Ok(text.into().into_bytes()))
    }

    pub fn bytes(path: impl Into<String>, content: Result<Vec<u8>, String>) -> Input {
        Input {
            path: path.into(),
            content: Content::Bytes(content),
            role: Role::Checked,
            named: true,
            helm_chart: None,
            helm_failure: None,
            kustomize_failure: None,
            environments: Vec::new(),
        }
    }

    /// The same input with another role.
    pub fn with_role(mut self, role: Role) -> Input {
        self.role = role;
        self
    }

    /// The same input, marked as found by walking a directory (not named on the command line).
    pub fn walked(mut self) -> Input {
        self.named = false;
        self
    }

    /// The bytes (read now, and kept, if they were to be read on demand).
    pub fn bytes_now(&mut self) -> &Result<Vec<u8>, String> {
        if let Content::Read(read) = &self.content {
            self.content = Content::Bytes(read());
        }
        match &self.content {
            Content::Bytes(b) => b,
            Content::Read(_) => unreachable!("replaced above"),
        }
    }

    /// An input read by `read` (a file: the CLI passes a closure over its path).
    pub fn read(
        path: impl Into<String>,
        read: impl Fn() -> Result<Vec<u8>, String> + Send + Sync + 'static,
    ) -> Input {
        Input {
            path: path.into(),
            content: Content::Read(std::sync::Arc::new(read)),
            role: Role::Checked,
            named: true,
            helm_chart: None,
            helm_failure: None,
            kustomize_failure: None,
            environments: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub model: ModelOptions,
    pub mesh: MeshConfig,
    pub limits: Limits,
    /// Largest file read; larger files get an `input-limit` diagnostic.
    pub max_file_bytes: usize,
    /// Codes or names to run (empty: all).
    pub select: Vec<String>,
    /// Codes or names not to run.
    pub ignore: Vec<String>,
    /// istioctl analyzer names: run only the rules mirroring them.
    pub analyzers: Vec<String>,
    /// Measure phase timings into [`Report::timings`] (`MESHLINT_TIMINGS=1`).
    pub timings: bool,
    /// Resolve references with the table of what every Istio installation has
    /// ([`crate::index::evidence::ISTIO_DEFAULTS`]).
    pub istio_defaults: bool,
    /// Names of declared environments (independent analyses: stages, clusters); inputs name
    /// theirs in [`Input::environments`]. Empty: the input is one environment.
    pub environments: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            model: ModelOptions::default(),
            mesh: MeshConfig::default(),
            limits: Limits::default(),
            max_file_bytes: 64 * 1024 * 1024,
            select: Vec::new(),
            ignore: Vec::new(),
            analyzers: Vec::new(),
            timings: false,
            istio_defaults: true,
            environments: Vec::new(),
        }
    }
}

pub struct Report {
    pub sources: SourceDb,
    /// Where each file of `sources` came from (by file index).
    pub origins: Vec<Origin>,
    /// Sorted by file, position, code.
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    pub resources: usize,
    /// Phase timings, filled only with [`Options::timings`].
    pub timings: Timings,
}

/// Where the time of one `analyze` went. Per-file phases run on several threads: their figure
/// is the sum over files (CPU time), the others are wall time of the phase.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    /// Wall time of the parallel load (parse + directives + model, all files).
    pub load_wall: Duration,
    /// Summed over files: YAML parse.
    pub parse: Duration,
    /// Summed over files: comment directives.
    pub directives: Duration,
    /// Summed over files: typed model.
    pub model: Duration,
    /// Summed over files: line index and source bookkeeping.
    pub source: Duration,
    pub index: Duration,
    /// Wall time of all rules (run in parallel).
    pub rules_wall: Duration,
    /// Per rule (CPU time of its `check`), in registry order.
    pub rules: Vec<(&'static str, Duration)>,
    pub suppress: Duration,
    /// Freeing the model (the memory returned to the OS included).
    pub free: Duration,
    pub sort: Duration,
    /// Reading back the texts of files with findings.
    pub restore: Duration,
}

impl Timings {
    /// A human-readable table (for stderr), with the 10 slowest rules (all with `all_rules`).
    pub fn table(&self, extra: &[(&str, Duration)], all_rules: bool) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let mut out = String::from("meshlint timings (ms; per-file phases summed over threads):\n");
        let mut row = |name: &str, d: Duration| {
            out.push_str(&format!("  {name:<32} {:>10.2}\n", ms(d)));
        };
        row("load (wall)", self.load_wall);
        row("  parse (sum)", self.parse);
        row("  directives (sum)", self.directives);
        row("  model (sum)", self.model);
        row("  source/line index (sum)", self.source);
        row("index + graph", self.index);
        row("rules (wall)", self.rules_wall);
        let mut rules = self.rules.clone();
        rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (name, d) in rules.iter().take(if all_rules { usize::MAX } else { 10 }) {
            row(&format!("  {name}"), *d);
        }
        row("suppress", self.suppress);
        row("free model", self.free);
        row("sort", self.sort);
        row("read back texts", self.restore);
        for (name, d) in extra {
            row(name, *d);
        }
        out
    }
}

#[derive(Default, Clone, Copy)]
struct LoadTimes {
    parse: Duration,
    directives: Duration,
    model: Duration,
    source: Duration,
}

/// `Instant::now()` only when timing is on.
fn now(on: bool) -> Option<Instant> {
    on.then(Instant::now)
}

fn since(t: Option<Instant>) -> Duration {
    t.map(|t| t.elapsed()).unwrap_or_default()
}

impl Report {
    /// The checked files (not context inputs or the built-in table), in input order.
    pub fn checked_files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.sources.iter().filter(|(id, _)| {
            self.origins
                .get(id.index())
                .is_none_or(|o| o.role == Role::Checked)
        })
    }

    pub fn count(&self, s: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == s).count()
    }
}

/// Rules whose findings mean the input itself could not be read; they are kept even when
/// `--analyzer` narrows the run.
fn is_input_rule(code: &str) -> bool {
    matches!(code, "ML001" | "ML005" | "ML006")
}

/// Decides which rule names are enabled.
/// The names of the rules `opts` runs.
pub fn enabled_rules(opts: &Options) -> HashSet<&'static str> {
    let matches = |e: &RuleEntry, sel: &str| {
        sel.split(',')
            .map(str::trim)
            .any(|s| !s.is_empty() && (e.meta.code.eq_ignore_ascii_case(s) || e.meta.name == s))
    };
    RULES
        .iter()
        .filter(|e| {
            if !opts.analyzers.is_empty()
                && !opts
                    .analyzers
                    .iter()
                    .any(|a| e.meta.analyzer == Some(a.as_str()))
                && !is_input_rule(e.meta.code)
            {
                return false;
            }
            if !opts.select.is_empty() && !opts.select.iter().any(|s| matches(e, s)) {
                return false;
            }
            !opts.ignore.iter().any(|s| matches(e, s))
        })
        .map(|e| e.meta.name)
        .collect()
}

struct Loaded {
    file: SourceFile,
    origin: Origin,
    /// The declared environments the file belongs to (empty: the default one).
    environments: Vec<u16>,
    resources: Vec<Resource>,
    diagnostics: Vec<Diagnostic>,
    directives: Vec<Directive>,
    times: LoadTimes,
}

/// `validate`: run Istio's validation of each resource (the schema rules read its findings).
/// `unload`: drop the text of a file read through a [`ReadFn`] once it is modelled.
fn load_one(id: FileId, input: Input, opts: &Options, validate: bool, unload: bool) -> Loaded {
    let origin = Origin::new(input.role, input.named, &input.path);
    let environments = input.environments.clone();
    let mut loaded = load_content(id, input, opts, validate, unload);
    loaded.origin = origin;
    loaded.environments = environments;
    loaded
}

fn load_content(
    id: FileId,
    mut input: Input,
    opts: &Options,
    validate: bool,
    unload: bool,
) -> Loaded {
    if let Some(templates) = input.helm_chart {
        return helm_chart(id, input, templates);
    }
    if let Some(why) = input.kustomize_failure.take() {
        return kustomize_failure(id, input, why);
    }
    let unreadable = |path: String, msg: String| {
        let file = SourceFile::new(path, "");
        Loaded {
            file,
            origin: Origin::default(),
            environments: Vec::new(),
            resources: Vec::new(),
            diagnostics: vec![
                Diagnostic::new(&rules::meta::UNREADABLE_INPUT, msg).at(Span::new(id, 0, 0), "")
            ],
            directives: Vec::new(),
            times: LoadTimes::default(),
        }
    };
    let (content, read) = match input.content {
        Content::Bytes(b) => (b, None),
        Content::Read(f) => (f(), Some(f)),
    };
    let bytes = match content {
        Ok(b) => b,
        Err(e) => return unreadable(input.path, format!("cannot read file: {e}")),
    };
    if bytes.len() > opts.max_file_bytes {
        let file = SourceFile::new(input.path, "");
        return Loaded {
            file,
            origin: Origin::default(),
            environments: Vec::new(),
            resources: Vec::new(),
            diagnostics: vec![Diagnostic::new(
                &rules::meta::INPUT_LIMIT,
                format!(
                    "file is {} bytes, over the {} byte limit; it was skipped",
                    bytes.len(),
                    opts.max_file_bytes
                ),
            )
            .at(Span::new(id, 0, 0), "")
            .help("split the file, or raise the limit with --max-file-size")],
            directives: Vec::new(),
            times: LoadTimes::default(),
        };
    }
    if bytes.contains(&0) {
        return unreadable(
            input.path,
            "file contains NUL bytes; it looks binary and was skipped".to_string(),
        );
    }
    let text = match crate::source::decode(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = SourceFile::new(input.path, text);
            let d = Diagnostic::new(
                &rules::meta::UNREADABLE_INPUT,
                format!("file is not valid UTF-8 (first bad byte at offset {at}); it was skipped"),
            )
            .at(
                // the shown text is decoded lossily: the bad byte became U+FFFD (3 bytes)
                Span::new(id, at as u32, (at + '\u{fffd}'.len_utf8()) as u32),
                "invalid UTF-8 here",
            )
            .help("Kubernetes manifests must be UTF-8; re-encode the file");
            return Loaded {
                file,
                origin: Origin::default(),
                environments: Vec::new(),
                resources: Vec::new(),
                diagnostics: vec![d],
                directives: Vec::new(),
                times: LoadTimes::default(),
            };
        }
    };
    let mut times = LoadTimes::default();
    let mut directives_out = Vec::new();
    let t = now(opts.timings);
    // each document is modelled (and validated) as soon as it is parsed, then dropped
    let mut resources = Vec::new();
    let mut model_diags = Vec::new();
    let mut marks = suppress::DocMarks::wanted(&text).then(suppress::DocMarks::default);
    let mut model_time = Duration::ZERO;
    let parse_diags = parse_each(id, &text, &opts.limits, |doc| {
        let t = now(opts.timings);
        if let Some(m) = &mut marks {
            m.add(&text, doc);
        }
        let (rs, ds) = read_document(doc, &opts.model);
        for mut r in rs {
            crate::rules::validation::precompute(&mut r, validate);
            resources.push(r);
        }
        model_diags.extend(ds);
        model_time += since(t);
    });
    times.parse = since(t).saturating_sub(model_time);
    times.model = model_time;
    let mut diagnostics = parse_diags;
    diagnostics.extend(model_diags);
    let t = now(opts.timings);
    if let Some(m) = &marks {
        let (directives, directive_diags) = suppress::directives_marked(id, &text, m);
        diagnostics.extend(directive_diags);
        directives_out = directives;
    }
    times.directives = since(t);
    let t = now(opts.timings);
    let file = match read {
        Some(read) if unload => SourceFile::unloaded(input.path, &text, read),
        _ => SourceFile::new(input.path, text),
    };
    times.source = since(t);
    Loaded {
        file,
        origin: Origin::default(),
        environments: Vec::new(),
        resources,
        diagnostics,
        directives: directives_out,
        times,
    }
}

/// A Helm chart's `Chart.yaml`: one finding naming the chart, nothing parsed.
fn helm_chart(id: FileId, mut input: Input, templates: usize) -> Loaded {
    let text = text_of(&mut input);
    // the `name:` line if there is one, else the first line
    let (start, end) = text
        .match_indices("name:")
        .find(|(i, _)| *i == 0 || text.as_bytes()[i - 1] == b'\n')
        .map(|(i, _)| (i, text[i..].find('\n').map_or(text.len(), |n| i + n)))
        .unwrap_or((0, text.find('\n').unwrap_or(text.len())));
    let name = text[start..end]
        .trim_start_matches("name:")
        .trim()
        .trim_matches(['"', '\''])
        .to_string();
    let dir = std::path::Path::new(&input.path)
        .parent()
        .map(|p| p.display().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ".".to_string());
    let release = if name.is_empty() {
        "NAME"
    } else {
        name.as_str()
    };
    let why = input
        .helm_failure
        .take()
        .map(|w| format!(" ({w})"))
        .unwrap_or_default();
    let d = Diagnostic::new(
        &rules::meta::HELM_CHART_NOT_RENDERED,
        format!(
            "Helm chart `{}` in `{dir}` is not rendered{why}: its {templates} template file{} {} not checked",
            if name.is_empty() { "(unnamed)" } else { name.as_str() },
            if templates == 1 { "" } else { "s" },
            if templates == 1 { "was" } else { "were" },
        ),
    )
    .at(Span::new(id, start as u32, end as u32), "chart not rendered")
    .help(format!(
        "check the rendered chart: `helm template {release} {dir} | meshlint check -` (add `-f VALUES` per environment)"
    ));
    only_finding(input.path, text, d)
}

/// A file that is not parsed, with the one finding made about it.
fn only_finding(path: String, text: String, d: Diagnostic) -> Loaded {
    Loaded {
        file: SourceFile::new(path, text),
        origin: Origin::default(),
        environments: Vec::new(),
        resources: Vec::new(),
        diagnostics: vec![d],
        directives: Vec::new(),
        times: LoadTimes::default(),
    }
}

/// The text of an input that is not parsed (empty when it cannot be read).
fn text_of(input: &mut Input) -> String {
    match input.bytes_now() {
        Ok(b) => String::from_utf8_lossy(b).into_owned(),
        Err(_) => String::new(),
    }
}

/// A kustomization whose root could not be built: one finding on its first line, nothing
/// parsed (its files are given to the engine as plain files instead).
fn kustomize_failure(id: FileId, mut input: Input, why: String) -> Loaded {
    let text = text_of(&mut input);
    let end = text.find('\n').unwrap_or(text.len());
    let d = Diagnostic::new(
        &rules::meta::KUSTOMIZE_NOT_BUILT,
        format!(
            "kustomization `{}` was not built: {why}; its files were analysed as plain files",
            input.path
        ),
    )
    .at(Span::new(id, 0, end as u32), "not built")
    .help("install kubectl or kustomize, fix the build, or check the rendered overlay: `kubectl kustomize DIR | meshlint check -`");
    only_finding(input.path, text, d)
}

/// Loads inputs into resources without running rules (for `route`, `test` and `graph`):
/// the sources, the resources, and the loader's diagnostics.
pub fn load(mut inputs: Vec<Input>, opts: &Options) -> (SourceDb, Vec<Resource>, Vec<Diagnostic>) {
    add_istio_defaults(&mut inputs, opts);
    let loaded: Vec<Loaded> = inputs
        .into_par_iter()
        .enumerate()
        .map(|(i, input)| load_one(FileId::new(i as u32), input, opts, false, false))
        .collect();
    let mut sources = SourceDb::new();
    let mut origins = Vec::with_capacity(loaded.len());
    let mut resources = Vec::new();
    let mut diagnostics = Vec::new();
    for l in loaded {
        sources.add(l.file);
        origins.push(l.origin);
        resources.extend(l.resources);
        diagnostics.extend(l.diagnostics);
    }
    let (kept, duplicates) = one_per_identity(&mut resources, &sources, &origins);
    resources.truncate(kept);
    diagnostics.extend(duplicates);
    diagnostics.retain(|d| is_checked(d, &origins));
    (sources, resources, diagnostics)
}

/// The path shown for the built-in table of Istio's defaults.
pub const ISTIO_DEFAULTS_PATH: &str = "<istio defaults>";

/// Adds the built-in table of what every Istio installation has (last, so that file ids of the
/// real inputs do not move), unless turned off.
fn add_istio_defaults(inputs: &mut Vec<Input>, opts: &Options) {
    if !opts.istio_defaults {
        return;
    }
    let mut text = String::from(crate::index::evidence::ISTIO_DEFAULTS);
    if !opts.mesh.ingress_controller_off {
        // labelled with the mesh's `ingressSelector` and named after its `ingressService`
        let selector = opts
            .mesh
            .ingress_selector
            .as_deref()
            .unwrap_or("ingressgateway");
        text.push_str("---\n");
        text.push_str(
            &crate::index::evidence::ISTIO_DEFAULT_INGRESS
                .replace("istio: ingressgateway", &format!("istio: {selector}"))
                .replace(
                    "name: istio-ingressgateway,",
                    &format!("name: {},", opts.mesh.ingress_service),
                ),
        );
    }
    inputs.push(Input::text(ISTIO_DEFAULTS_PATH, text).with_role(Role::Builtin));
}

/// The fix for copies of one object: when they sit in different folders (stages or clusters
/// side by side), declaring the folders as environments analyses each on its own.
fn duplicate_help(copies: &[&Resource], sources: &SourceDb) -> String {
    let mut dirs: Vec<String> = copies
        .iter()
        .map(|r| Origin::new(Role::Checked, false, &sources.get(r.file).path).dir)
        .collect();
    dirs.sort();
    dirs.dedup();
    if dirs.len() < 2 {
        return "delete the copies you do not apply".to_string();
    }
    let name = |d: &str| {
        d.rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or("env")
            .to_string()
    };
    let example = dirs
        .iter()
        .take(2)
        .map(|d| format!("{} = [\"{}/**\"]", name(d), d.trim_start_matches("./")))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "if {} are different clusters or stages, declare them as environments in meshlint.toml (`[environments]` {example}) so each is analysed on its own; otherwise delete the copies you do not apply",
        dirs.iter()
            .map(|d| format!("`{}`", if d.is_empty() { "." } else { d }))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Whether a finding is about checked input (not about a context or built-in file), and does
/// not lean on the built-in table of Istio's defaults (whose details — ports, labels — are a
/// typical installation's, not necessarily the user's: they resolve references, never decide a
/// finding).
fn is_checked(d: &Diagnostic, origins: &[Origin]) -> bool {
    let role = |s: Span| origins.get(s.file.index()).map(|o| o.role);
    d.span().and_then(role).is_none_or(|r| r == Role::Checked)
        && !d
            .related
            .iter()
            .any(|l| role(l.span) == Some(Role::Builtin))
}

/// Keeps one copy per identity (see [`crate::model::identity`]): reorders `resources` so the
/// kept copies come first and returns how many there are, with one `duplicate-object` finding
/// per identity defined more than once in the checked input. Built-in objects yield to
/// context, context to checked input; among checked copies the last in apply order (file path,
/// then position) wins.
fn one_per_identity(
    resources: &mut Vec<Resource>,
    sources: &SourceDb,
    origins: &[Origin],
) -> (usize, Vec<Diagnostic>) {
    let role = |r: &Resource| {
        origins
            .get(r.file.index())
            .map(|o| o.role)
            .unwrap_or_default()
    };
    let (kept, groups) = identity::keep_last_copies(resources, |r| {
        (
            role(r),
            sources.get(r.file).path.as_str(),
            r.file,
            r.span.start,
        )
    });
    let mut out = Vec::new();
    for g in groups {
        let checked: Vec<&Resource> = g
            .positions
            .iter()
            .map(|&i| &resources[i])
            .filter(|r| role(r) == Role::Checked)
            .collect();
        let [earlier @ .., last] = checked.as_slice() else {
            continue;
        };
        if earlier.is_empty() {
            continue;
        }
        let (kind, who) = (last.kind.as_str(), last.object_ref().qualified_name());
        let mut d = Diagnostic::new(
            &rules::meta::DUPLICATE_OBJECT,
            format!(
                "{kind} `{who}` is defined {} times; the cluster keeps one object per identity, and `kubectl apply -f` on these files leaves this copy (the last in path order) in place",
                checked.len()
            ),
        )
        .at(last.name_span, "kept: meshlint analyses this copy")
        .help(duplicate_help(&checked, sources));
        for r in earlier {
            d = d.related(
                r.name_span,
                "replaced copy: not analysed with the other objects",
            );
        }
        d.resource = Some(last.object_ref());
        out.push(d);
    }
    (kept, out)
}

/// Runs the whole analysis over in-memory inputs.
pub fn analyze(mut inputs: Vec<Input>, opts: &Options) -> Report {
    add_istio_defaults(&mut inputs, opts);
    let mut timings = Timings::default();
    let enabled = enabled_rules(opts);
    let t = now(opts.timings);
    crate::memory::begin_load();
    let loaded: Vec<Loaded> = inputs
        .into_par_iter()
        .enumerate()
        .map(|(i, input)| load_one(FileId::new(i as u32), input, opts, true, true))
        .collect();
    let mut sources = SourceDb::new();
    // sized up front: growing a vector of ~10 000 resources by doubling would hold two copies
    let mut resources = Vec::with_capacity(loaded.iter().map(|l| l.resources.len()).sum());
    let mut diagnostics = Vec::with_capacity(loaded.iter().map(|l| l.diagnostics.len()).sum());
    let mut directives = Vec::new();
    let mut origins = Vec::with_capacity(loaded.len());
    let mut file_envs = Vec::with_capacity(loaded.len());
    for l in loaded {
        file_envs.push(l.environments);
        timings.parse += l.times.parse;
        timings.directives += l.times.directives;
        timings.model += l.times.model;
        timings.source += l.times.source;
        sources.add(l.file);
        origins.push(l.origin);
        resources.extend(l.resources);
        diagnostics.extend(l.diagnostics);
        directives.extend(l.directives);
    }
    diagnostics.retain(|d| enabled.contains(d.rule) && is_checked(d, &origins));
    // the texts and YAML trees are gone: return them before the rules allocate their findings
    let release =
        sources.iter().map(|(_, f)| f.len()).sum::<usize>() >= crate::memory::WORTH_RELEASING;
    if release {
        crate::memory::release_freed();
    }
    crate::memory::end_load();
    timings.load_wall = since(t);
    let t = now(opts.timings);
    // the data of Secrets in context inputs is never read: only their names resolve references
    for r in &mut resources {
        if let (Spec::Secret(secret), Some(o)) = (&mut r.spec, origins.get(r.file.index())) {
            if o.role != Role::Checked {
                *secret = Default::default();
            }
        }
    }
    let environments = environments(opts, &origins, &file_envs);
    let mut found: Vec<(&'static str, Duration, Vec<Diagnostic>)>;
    let kept;
    if environments.len() <= 1 {
        // one environment: the resources are analysed in place
        let (k, duplicates) = one_per_identity(&mut resources, &sources, &origins);
        kept = k;
        diagnostics.extend(duplicates.into_iter().filter(|d| enabled.contains(d.rule)));
        let (analysed, copies) = resources.split_at(kept);
        let index = Index::build_with(analysed, copies, origins.clone(), opts.mesh.clone());
        timings.index = since(t);
        let t = now(opts.timings);
        found = run_rules(&index, &enabled, &origins, opts, release);
        check_copies(copies, &mut found, &enabled, &origins, opts);
        timings.rules_wall = since(t);
    } else {
        // several: each is one independent analysis over a copy of its objects (context and
        // the built-in table belong to all); identical findings of several are merged
        kept = resources.len();
        found = Vec::new();
        for (e, (name, member)) in environments.iter().enumerate() {
            let mut own: Vec<Resource> = resources
                .iter()
                .filter(|r| member(r.file.index()))
                .cloned()
                .collect();
            let (k, duplicates) = one_per_identity(&mut own, &sources, &origins);
            let (analysed, copies) = own.split_at(k);
            let index = Index::build_with(analysed, copies, origins.clone(), opts.mesh.clone());
            let mut f = run_rules(&index, &enabled, &origins, opts, release);
            check_copies(copies, &mut f, &enabled, &origins, opts);
            f.push(("duplicate-object", Duration::ZERO, duplicates));
            for (_, _, ds) in &mut f {
                ds.retain(|d| enabled.contains(d.rule));
                for d in ds {
                    d.environment = Some(name.as_str().into());
                }
            }
            if e == 0 {
                found = f;
            } else {
                for (slot, (_, d, ds)) in found.iter_mut().zip(f) {
                    slot.1 += d;
                    slot.2.extend(ds);
                }
            }
        }
        for slot in &mut found {
            merge_environments(&mut slot.2);
        }
        timings.index = since(t);
    }

    // suppression runs on each rule's findings (it needs the model for the annotations), so
    // that the model and the index are freed before anything else is allocated
    let t = now(opts.timings);
    // annotations are those of the copy the cluster keeps
    let mut suppressor = suppress::Suppressor::new(&directives, &resources[..kept]);
    suppressor.filter(&mut diagnostics);
    for f in &mut found {
        suppressor.filter(&mut f.2);
    }
    let about_directives = suppressor.finish(&enabled);
    timings.suppress = since(t);
    let resource_count = resources
        .iter()
        .filter(|r| {
            origins
                .get(r.file.index())
                .is_none_or(|o| o.role == Role::Checked)
        })
        .count();
    let t = now(opts.timings);
    // freed on both threads: the model is many small allocations
    // (20k documents: 33 -> 21 ms, the peak unchanged)
    resources.into_par_iter().for_each(drop);
    drop(directives);
    if release {
        crate::memory::release_freed();
    }
    timings.free = since(t);
    diagnostics
        .reserve_exact(found.iter().map(|f| f.2.len()).sum::<usize>() + about_directives.len());
    for (name, d, found) in found {
        if opts.timings {
            timings.rules.push((name, d));
        }
        diagnostics.extend(found);
    }
    diagnostics.extend(about_directives);
    let t = now(opts.timings);
    sort_diagnostics(&mut diagnostics, &sources);
    timings.sort = since(t);
    let t = now(opts.timings);
    restore_sources(&mut sources, &mut diagnostics, &enabled);
    timings.restore = since(t);
    let files = origins.iter().filter(|o| o.role == Role::Checked).count();
    Report {
        sources,
        origins,
        diagnostics,
        files,
        resources: resource_count,
        timings,
    }
}

/// A file's membership in one environment, by file index.
type Member = Box<dyn Fn(usize) -> bool + Sync>;

/// The environments to analyse apart: each declared one that holds a checked file, then
/// `default` for the checked files no declaration matches. Context and the built-in table
/// belong to all. One (or none) means the input is analysed as a whole.
fn environments(
    opts: &Options,
    origins: &[Origin],
    file_envs: &[Vec<u16>],
) -> Vec<(String, Member)> {
    if opts.environments.is_empty() {
        return Vec::new();
    }
    let checked = |f: usize| origins.get(f).is_some_and(|o| o.role == Role::Checked);
    let shared: Vec<bool> = (0..origins.len()).map(|f| !checked(f)).collect();
    let mut out: Vec<(String, Member)> = Vec::new();
    for (i, name) in opts.environments.iter().enumerate() {
        let mine: Vec<bool> = (0..origins.len())
            .map(|f| shared[f] || file_envs[f].contains(&(i as u16)))
            .collect();
        if (0..origins.len()).any(|f| checked(f) && mine[f]) {
            out.push((name.clone(), Box::new(move |f| mine[f])));
        }
    }
    let default: Vec<bool> = (0..origins.len())
        .map(|f| shared[f] || file_envs[f].is_empty())
        .collect();
    if (0..origins.len()).any(|f| checked(f) && default[f]) {
        out.push(("default".to_string(), Box::new(move |f| default[f])));
    }
    out
}

/// Runs the enabled rules (in parallel) over one index.
fn run_rules(
    index: &Index,
    enabled: &HashSet<&'static str>,
    origins: &[Origin],
    opts: &Options,
    release: bool,
) -> Vec<(&'static str, Duration, Vec<Diagnostic>)> {
    let runs = |e: &RuleEntry| {
        enabled.contains(e.meta.name)
            || (e.reports_not_in_input && enabled.contains(rules::meta::NOT_IN_INPUT.name))
    };
    RULES
        .par_iter()
        .filter(|e| runs(e))
        .filter_map(|e| e.check.map(|c| (e.meta.name, c)))
        .map(|(name, check)| {
            let t = now(opts.timings);
            let mut cx = RuleCx::new(index);
            check(&mut cx);
            // findings about context or built-in objects, and ones a rule files under a rule
            // that is not enabled, are not reported
            cx.diagnostics
                .retain(|d| is_checked(d, origins) && enabled.contains(d.rule));
            // kept until the report is written: no spare capacity (labels are pushed one by one)
            cx.diagnostics.shrink_to_fit();
            for d in &mut cx.diagnostics {
                d.related.shrink_to_fit();
            }
            if release {
                // the rule's scratch data
                crate::memory::release_freed_here();
            }
            (name, since(t), cx.diagnostics)
        })
        .collect()
}

/// Runs the per-document rules ([`RuleEntry::per_document`]) over the replaced copies of objects
/// defined more than once, adding their findings to each rule's.
fn check_copies(
    copies: &[Resource],
    found: &mut [(&'static str, Duration, Vec<Diagnostic>)],
    enabled: &HashSet<&'static str>,
    origins: &[Origin],
    opts: &Options,
) {
    let checked: Vec<Resource> = copies
        .iter()
        .filter(|r| {
            origins
                .get(r.file.index())
                .is_none_or(|o| o.role == Role::Checked)
        })
        .cloned()
        .collect();
    if checked.is_empty() {
        return;
    }
    let index = Index::build_with(&checked, &[], origins.to_vec(), opts.mesh.clone());
    let per_doc: HashSet<&'static str> = enabled
        .iter()
        .copied()
        .filter(|n| RULES.iter().any(|e| e.per_document && e.meta.name == *n))
        .collect();
    for (name, _, ds) in run_rules(&index, &per_doc, origins, opts, false) {
        if let Some(slot) = found.iter_mut().find(|f| f.0 == name) {
            slot.2.extend(ds);
        }
    }
}

/// Merges the findings several environments share (same rule, place and message) into one
/// that names all of them, in environment order.
fn merge_environments(found: &mut Vec<Diagnostic>) {
    let mut first: std::collections::HashMap<(&'static str, Option<Span>, String), usize> =
        std::collections::HashMap::new();
    let mut keep = vec![true; found.len()];
    for i in 0..found.len() {
        let key = (found[i].rule, found[i].span(), found[i].message.clone());
        match first.get(&key) {
            Some(&j) => {
                let extra = found[i].environment.clone().unwrap_or_default();
                let joined = format!("{}, {extra}", found[j].environment.as_deref().unwrap_or(""));
                found[j].environment = Some(joined.into());
                keep[i] = false;
            }
            None => {
                first.insert(key, i);
            }
        }
    }
    let mut i = 0;
    found.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// Reads back the texts of the files that findings point into. A file that changed since it
/// was checked gets a finding of its own (its findings may point at the wrong lines).
fn restore_sources(
    sources: &mut SourceDb,
    diagnostics: &mut Vec<Diagnostic>,
    enabled: &HashSet<&'static str>,
) {
    let wanted: HashSet<FileId> = diagnostics
        .iter()
        .flat_map(|d| d.primary.iter().chain(&d.related).map(|l| l.span.file))
        .filter(|f| f.index() < sources.len() && sources.get(*f).is_unloaded())
        .collect();
    if wanted.is_empty() {
        return;
    }
    let failed = sources.restore(&wanted);
    if failed.is_empty() || !enabled.contains(rules::meta::UNREADABLE_INPUT.name) {
        return;
    }
    for (file, why) in failed {
        diagnostics.push(
            Diagnostic::new(
                &rules::meta::UNREADABLE_INPUT,
                format!(
                    "file `{}` was read again to show its findings, but {why}; the positions of its findings may be wrong",
                    sources.get(file).path
                ),
            )
            .at(Span::new(file, 0, 0), "")
            .help("run meshlint again when no other program is writing the file"),
        );
    }
    sort_diagnostics(diagnostics, sources);
}

/// Sorts by file path (then file id), position, code, rule and message; a stable sort, so equal
/// diagnostics keep the order they were found in.
pub fn sort_diagnostics(diags: &mut [Diagnostic], sources: &SourceDb) {
    // each file's rank in (path, id) order, so that comparisons do not touch the paths
    let mut files: Vec<u32> = (0..sources.len() as u32).collect();
    files.sort_by(|&a, &b| {
        sources
            .get(FileId::new(a))
            .path
            .cmp(&sources.get(FileId::new(b)).path)
            .then(a.cmp(&b))
    });
    let mut rank = vec![0u32; files.len()];
    for (r, &f) in files.iter().enumerate() {
        rank[f as usize] = r as u32;
    }
    let key = |d: &Diagnostic| {
        d.span().map(|s| {
            let r = rank.get(s.file.index()).copied().unwrap_or(u32::MAX);
            (r, s.start, s.end)
        })
    };
    // sort small indices rather than the diagnostics (a stable sort of those would need a
    // scratch copy of half of them), then permute in place along the cycles
    let mut order: Vec<u32> = (0..diags.len() as u32).collect();
    // stable, on both threads (a serial step: nothing else runs meanwhile)
    order.par_sort_by(|&a, &b| {
        let (a, b) = (&diags[a as usize], &diags[b as usize]);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.cmp(b.code))
            .then_with(|| a.rule.cmp(b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
    const DONE: u32 = u32::MAX;
    for i in 0..order.len() {
        // position j receives the diagnostic at order[j]
        let mut j = i;
        while order[j] != DONE {
            let k = order[j] as usize;
            order[j] = DONE;
            if k == i {
                break;
            }
            diags.swap(j, k);
            j = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::meta;

    #[test]
    fn diagnostics_sort_by_path_position_code_and_keep_ties_in_order() {
        let mut sources = SourceDb::new();
        let b = sources.add(SourceFile::new("b.yaml", "x"));
        let a = sources.add(SourceFile::new("a.yaml", "x"));
        let d = |file: FileId, start: u32, msg: &str| {
            Diagnostic::new(&meta::NOT_A_RESOURCE, msg).at(Span::new(file, start, start + 1), "")
        };
        // a permutation with several cycles, two equal keys and one diagnostic without a span
        let mut diags = vec![
            d(b, 5, "b5"),
            Diagnostic::new(&meta::NOT_A_RESOURCE, "nowhere"),
            d(a, 9, "a9"),
            d(b, 1, "b1"),
            d(a, 1, "same"),
            d(a, 0, "a0"),
            d(a, 1, "same").help("second of the equal pair"),
        ];
        sort_diagnostics(&mut diags, &sources);
        let got: Vec<(&str, bool)> = diags
            .iter()
            .map(|d| (d.message.as_str(), d.help.is_some()))
            .collect();
        assert_eq!(
            got,
            [
                ("nowhere", false),
                ("a0", false),
                ("same", false),
                ("same", true),
                ("a9", false),
                ("b1", false),
                ("b5", false),
            ]
        );
    }
}
