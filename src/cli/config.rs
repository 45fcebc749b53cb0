//! `meshlint.toml` / `.meshlint.toml`: found upward from the working directory, parsed strictly
//! (unknown keys and unknown rule codes are errors with a did-you-mean suggestion), and merged
//! with the command line (flags win). `--show-settings` prints where each setting came from.

use crate::diagnostics::Severity;
use crate::model::reader::did_you_mean;
use crate::rules::{lookup, RULES};
use crate::suppress::CliSuppression;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::fmt::Write;
use std::path::{Component, Path, PathBuf};

/// File names searched in every directory, in this order.
pub const CONFIG_NAMES: [&str; 2] = ["meshlint.toml", ".meshlint.toml"];

const KEYS: &[&str] = &[
    "select",
    "ignore",
    "severity",
    "per-path-ignores",
    "exclude",
    "context",
    "baseline",
    "environments",
    "namespace",
    "mesh-config",
    "mesh-networks",
    "suppress",
    "failure-threshold",
    "output-threshold",
];

/// A parsed configuration file.
#[derive(Debug, Clone, Default)]
pub struct FileConfig {
    /// The file itself.
    pub path: PathBuf,
    /// Its directory: globs and `mesh-config` are relative to it.
    pub root: PathBuf,
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    /// Rule code or name → severity, in file order.
    pub severity: Vec<(String, Severity)>,
    /// Glob → rule codes or names.
    pub per_path_ignores: Vec<(String, Vec<String>)>,
    pub exclude: Vec<String>,
    /// Context paths (relative to the file's directory): objects used only to resolve references.
    pub context: Vec<String>,
    /// Baseline file (relative to the configuration file): findings in it are not reported.
    pub baseline: Option<String>,
    /// Declared environments: name → globs of their files (relative to the file's directory).
    pub environments: Vec<(String, Vec<String>)>,
    pub namespace: Option<String>,
    pub mesh_config: Option<String>,
    pub mesh_networks: Option<String>,
    /// istioctl-style `CODE=RESOURCE` suppressions.
    pub suppress: Vec<CliSuppression>,
    pub failure_threshold: Option<Severity>,
    pub output_threshold: Option<Severity>,
}

/// Every rule code and name, for suggestions.
fn rule_words() -> Vec<&'static str> {
    let mut v: Vec<&str> = RULES.iter().map(|r| r.meta.code).collect();
    v.extend(RULES.iter().map(|r| r.meta.name));
    v.sort_unstable();
    v.dedup();
    v
}

fn suggest(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => String::new(),
    }
}

/// Checks a rule code or name; the error names where it was found.
pub fn check_rule(code: &str, at: &str) -> Result<(), String> {
    if lookup(code).is_empty() {
        return Err(format!(
            "unknown rule `{code}` in {at}{}",
            suggest(code, &rule_words())
        ));
    }
    Ok(())
}

fn string_list(v: &toml::Value, at: &str) -> Result<Vec<String>, String> {
    let arr = v
        .as_array()
        .ok_or_else(|| format!("{at} must be a list of strings"))?;
    arr.iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("{at} must be a list of strings"))
        })
        .collect()
}

fn rule_list(v: &toml::Value, at: &str) -> Result<Vec<String>, String> {
    let list = string_list(v, at)?;
    for c in &list {
        check_rule(c, at)?;
    }
    Ok(list)
}

fn severity(v: &toml::Value, at: &str) -> Result<Severity, String> {
    v.as_str()
        .and_then(Severity::parse)
        .ok_or_else(|| format!("{at} must be one of \"error\", \"warning\", \"info\""))
}

fn string(v: &toml::Value, at: &str) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("{at} must be a string"))
}

/// Parses a configuration file's text. `path` is only used for messages and the root.
pub fn parse(text: &str, path: &Path) -> Result<FileConfig, String> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| e.to_string().trim_end().to_string())?;
    let mut cfg = FileConfig {
        path: path.to_path_buf(),
        root: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        ..FileConfig::default()
    };
    for (key, v) in &table {
        let at = format!("`{key}`");
        match key.as_str() {
            "select" => cfg.select = Some(rule_list(v, &at)?),
            "ignore" => cfg.ignore = Some(rule_list(v, &at)?),
            "exclude" => {
                cfg.exclude = string_list(v, &at)?;
                for g in &cfg.exclude {
                    compile_glob(g).map_err(|e| format!("{at}: {e}"))?;
                }
            }
            "context" => cfg.context = string_list(v, &at)?,
            "baseline" => cfg.baseline = Some(string(v, &at)?),
            "namespace" => cfg.namespace = Some(string(v, &at)?),
            "mesh-config" => cfg.mesh_config = Some(string(v, &at)?),
            "mesh-networks" => cfg.mesh_networks = Some(string(v, &at)?),
            "suppress" => {
                cfg.suppress = string_list(v, &at)?
                    .iter()
                    .map(|s| CliSuppression::parse(s).map_err(|e| format!("{at}: {e}")))
                    .collect::<Result<_, _>>()?;
            }
            "failure-threshold" => cfg.failure_threshold = Some(severity(v, &at)?),
            "output-threshold" => cfg.output_threshold = Some(severity(v, &at)?),
            "severity" => {
                let t = v
                    .as_table()
                    .ok_or("`[severity]` must be a table of RULE = \"level\"")?;
                for (code, level) in t {
                    check_rule(code, "`[severity]`")?;
                    cfg.severity.push((
                        code.clone(),
                        severity(level, &format!("`severity.{code}`"))?,
                    ));
                }
            }
            "environments" => {
                let t = v.as_table().ok_or(
                    "`[environments]` must be a table of NAME = [\"glob\", ...] (files of each environment)",
                )?;
                for (name, globs) in t {
                    let at = format!("`environments.{name}`");
                    let globs = string_list(globs, &at)?;
                    for g in &globs {
                        compile_glob(g).map_err(|e| format!("{at}: {e}"))?;
                    }
                    cfg.environments.push((name.clone(), globs));
                }
            }
            "per-path-ignores" => {
                let t = v
                    .as_table()
                    .ok_or("`[per-path-ignores]` must be a table of \"glob\" = [RULE, ...]")?;
                for (glob, codes) in t {
                    let at = format!("`per-path-ignores.\"{glob}\"`");
                    compile_glob(glob).map_err(|e| format!("{at}: {e}"))?;
                    cfg.per_path_ignores
                        .push((glob.clone(), rule_list(codes, &at)?));
                }
            }
            other => {
                return Err(format!("unknown key `{other}`{}", suggest(other, KEYS)));
            }
        }
    }
    Ok(cfg)
}

/// The first `meshlint.toml` or `.meshlint.toml` in `start` or one of its ancestors.
pub fn find_upward(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        for name in CONFIG_NAMES {
            let p = d.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
        dir = d.parent();
    }
    None
}

/// Loads a configuration file (errors name the file).
pub fn load(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let abs = absolute(path);
    parse(&text, &abs).map_err(|e| format!("{}: {e}", path.display()))
}

/// A glob relative to the configuration's directory; a pattern without `/` matches a file or
/// directory name at any depth (as in `.gitignore`), `*` never crosses `/`.
pub fn compile_glob(pattern: &str) -> Result<Glob, String> {
    let p = pattern.trim_start_matches("./");
    let p = if let Some(anchored) = p.strip_prefix('/') {
        anchored.to_string()
    } else if p.contains('/') {
        p.to_string()
    } else {
        format!("**/{p}")
    };
    globset::GlobBuilder::new(p.trim_end_matches('/'))
        .literal_separator(true)
        .build()
        .map_err(|e| e.to_string())
}

pub fn glob_set(patterns: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        if let Ok(g) = compile_glob(p) {
            b.add(g);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// `path` made absolute against the working directory, `.` and `..` resolved lexically.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// `path` relative to `root` with `/` separators, if it is under it.
pub fn relative_to(path: &Path, root: &Path) -> Option<String> {
    let rel = absolute(path);
    let rel = rel.strip_prefix(root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// Whether a glob set matches the path or one of its parent directories (so `vendor` or
/// `vendor/` excludes everything below it).
pub fn matches_path_or_parent(set: &GlobSet, rel: &str) -> bool {
    let mut p = rel;
    loop {
        if set.is_match(p) {
            return true;
        }
        match p.rfind('/') {
            Some(i) => p = &p[..i],
            None => return false,
        }
    }
}

/// Where a resolved setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    Config,
    Cli,
}

/// Builds the `--show-settings` text: one `key = value  # origin` line per setting.
pub struct SettingsText {
    out: String,
    config: Option<PathBuf>,
}

impl SettingsText {
    pub fn new(config: Option<&FileConfig>, how: &str) -> SettingsText {
        let mut out = String::new();
        match config {
            Some(c) => {
                let _ = writeln!(out, "# config file: {} ({how})", c.path.display());
            }
            None => {
                let _ = writeln!(out, "# config file: none ({how})");
            }
        }
        SettingsText {
            out,
            config: config.map(|c| c.path.clone()),
        }
    }

    pub fn line(&mut self, key: &str, value: String, origin: &Origin) {
        let from = match origin {
            Origin::Default => "default".to_string(),
            Origin::Cli => "command line".to_string(),
            Origin::Config => self
                .config
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        };
        let _ = writeln!(self.out, "{key} = {value}  # {from}");
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// A TOML-ish rendering of a list of strings.
pub fn show_list(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<FileConfig, String> {
        parse(text, Path::new("/repo/meshlint.toml"))
    }

    #[test]
    fn full_config() {
        let c = p(r#"
select = ["IST0101", "weights-not-100"]
ignore = ["ML105"]
exclude = ["vendor/**", "*.generated.yaml"]
namespace = "prod"
mesh-config = "mesh.yaml"
failure-threshold = "warning"
output-threshold = "info"
suppress = ["IST0101=VirtualService default/*", "IST0132=VirtualService *.prod"]

[severity]
IST0132 = "error"

[per-path-ignores]
"legacy/**" = ["ML101"]
"#)
        .unwrap();
        assert_eq!(c.root, Path::new("/repo"));
        assert_eq!(c.select.unwrap().len(), 2);
        assert_eq!(c.severity, vec![("IST0132".to_string(), Severity::Error)]);
        assert_eq!(c.per_path_ignores[0].0, "legacy/**");
        assert_eq!(c.failure_threshold, Some(Severity::Warning));
        assert_eq!(c.suppress.len(), 2);
        assert_eq!(c.suppress[1].pattern, "VirtualService *.prod");
        assert!(p("suppress = [\"IST0101\"]")
            .unwrap_err()
            .contains("exactly one `=`"));
    }

    #[test]
    fn unknown_key_suggests() {
        let e = p("selct = []").unwrap_err();
        assert_eq!(e, "unknown key `selct`; did you mean `select`?");
        let e = p("failure_threshold = \"error\"").unwrap_err();
        assert!(e.contains("did you mean `failure-threshold`"), "{e}");
    }

    #[test]
    fn unknown_rule_suggests() {
        let e = p("ignore = [\"weights-not-10\"]").unwrap_err();
        assert!(e.contains("did you mean `weights-not-100`"), "{e}");
        let e = p("[severity]\nIST0133x = \"error\"").unwrap_err();
        assert!(e.starts_with("unknown rule `IST0133x`"), "{e}");
        assert!(p("[severity]\nIST0132 = \"fatal\"").is_err());
    }

    #[test]
    fn globs() {
        let set = glob_set(&["vendor".into(), "legacy/**".into(), "*.gen.yaml".into()]);
        assert!(matches_path_or_parent(&set, "vendor/a/b.yaml"));
        assert!(matches_path_or_parent(&set, "x/vendor/b.yaml"));
        assert!(matches_path_or_parent(&set, "legacy/a/b.yaml"));
        assert!(matches_path_or_parent(&set, "a/b.gen.yaml"));
        assert!(!matches_path_or_parent(&set, "a/legacy/b.yaml"));
        assert!(!matches_path_or_parent(&set, "a/b.yaml"));
    }
}
