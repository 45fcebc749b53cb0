//! Kustomize roots as environments: which kustomizations the input holds, which of them are
//! roots, which files they consume, and the build itself (a child process: this is the CLI
//! side). Each root is built through a temporary wrapper kustomization that adds
//! `buildMetadata: [originAnnotations, transformerAnnotations]`, so that every rendered object
//! names its source file; `meshlint::remap` carries findings back there.
//!
//! Safe by default (meshlint runs on pull requests from anyone): no plugins, exec functions or
//! Helm inflation are enabled, the default load restrictor is kept, the build is bounded in
//! time, and a kustomization with remote resources is not built unless `--allow-remote`.

use crate::yaml::{parse_file, Limits, Value};
use std::collections::{BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

const FILE_NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The kustomization file of a directory, if it has one.
pub fn kustomization_file(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

/// Whether a file name is a kustomization file.
pub fn is_kustomization_name(name: &str) -> bool {
    FILE_NAMES.contains(&name)
}

/// What one kustomization refers to.
#[derive(Debug, Default, Clone)]
pub struct Kustomization {
    /// Its directory (as walked) and file.
    pub dir: PathBuf,
    pub file: PathBuf,
    /// Directories it builds on (resources and components that are directories, bases).
    pub dirs: Vec<PathBuf>,
    /// Files it consumes (resources, patches, generator inputs, ...).
    pub files: Vec<PathBuf>,
    /// Patch files.
    pub patches: Vec<PathBuf>,
    /// Remote references (URLs, git repositories).
    pub remote: Vec<String>,
}

fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.contains("?ref=")
        || entry.contains("?version=")
        || entry.starts_with("git@")
        || entry.starts_with("git::")
        || ["github.com/", "gitlab.com/", "bitbucket.org/"]
            .iter()
            .any(|h| entry.starts_with(h))
}

/// `a/./b/../c` → `a/c`, without touching the filesystem.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// Reads a kustomization file: the files and directories it refers to.
pub fn read(dir: &Path) -> Option<Kustomization> {
    let file = kustomization_file(dir)?;
    let text = std::fs::read_to_string(&file).ok()?;
    let parsed = parse_file(crate::source::FileId::new(0), &text, &Limits::default());
    let mut k = Kustomization {
        dir: dir.to_path_buf(),
        file,
        ..Kustomization::default()
    };
    let Some(root) = parsed
        .documents
        .first()
        .and_then(|d| d.root.and_then(|r| Value::new(d, r)))
    else {
        return Some(k);
    };
    let text_of = |v: &Value| v.scalar().map(|(s, _)| s.to_string());
    let list = |key: &str| -> Vec<String> {
        root.get(key)
            .map(|v| v.items().iter().filter_map(text_of).collect())
            .unwrap_or_default()
    };
    let add = |entry: String, patch: bool, k: &mut Kustomization| {
        if is_remote(&entry) {
            k.remote.push(entry);
            return;
        }
        // an inline patch (YAML text) is not a path
        if entry.contains('\n') || entry.contains(": ") {
            return;
        }
        let p = normalize(&dir.join(&entry));
        if p.is_dir() {
            k.dirs.push(p);
        } else {
            if patch {
                k.patches.push(p.clone());
            }
            k.files.push(p);
        }
    };
    for key in ["resources", "components", "bases", "crds"] {
        for e in list(key) {
            add(e, false, &mut k);
        }
    }
    for e in list("patchesStrategicMerge") {
        add(e, true, &mut k);
    }
    for key in ["patches", "patchesJson6902", "replacements"] {
        if let Some(v) = root.get(key) {
            for item in v.items() {
                if let Some(p) = item.get("path").as_ref().and_then(text_of) {
                    add(p, key != "replacements", &mut k);
                }
            }
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        if let Some(v) = root.get(key) {
            for item in v.items() {
                for field in ["files", "envs"] {
                    for f in item
                        .get(field)
                        .map(|x| x.items().iter().filter_map(text_of).collect::<Vec<_>>())
                        .unwrap_or_default()
                    {
                        // `key=path` names the key
                        let f = f.rsplit_once('=').map(|(_, p)| p.to_string()).unwrap_or(f);
                        add(f, false, &mut k);
                    }
                }
            }
        }
    }
    Some(k)
}

/// The kustomizations of the input and what they consume.
#[derive(Debug, Default)]
pub struct Plan {
    /// Kustomizations no other kustomization of the input refers to, in path order, each with
    /// every kustomization its build reads (itself first).
    pub roots: Vec<(Kustomization, Vec<Kustomization>)>,
    /// Every file a kustomization consumes, kustomization files included (normalized paths).
    pub consumed: HashSet<PathBuf>,
}

/// Plans the builds for the kustomization directories found in the input.
pub fn plan(dirs: &[PathBuf]) -> Plan {
    let all: Vec<Kustomization> = dirs.iter().filter_map(|d| read(&normalize(d))).collect();
    let referred: HashSet<PathBuf> = all.iter().flat_map(|k| k.dirs.iter().cloned()).collect();
    let mut plan = Plan::default();
    for k in &all {
        plan.consumed.insert(normalize(&k.file));
        plan.consumed.extend(k.files.iter().cloned());
    }
    for k in all.iter().filter(|k| !referred.contains(&k.dir)) {
        // the kustomizations its build reads, following directory references
        let mut chain = vec![k.clone()];
        let mut seen: BTreeSet<PathBuf> = BTreeSet::from([k.dir.clone()]);
        let mut i = 0;
        while i < chain.len() && chain.len() < 256 {
            let next: Vec<PathBuf> = chain[i].dirs.clone();
            for d in next {
                if seen.insert(d.clone()) {
                    if let Some(sub) = all
                        .iter()
                        .find(|x| x.dir == d)
                        .cloned()
                        .or_else(|| read(&d))
                    {
                        for f in
                            std::iter::once(normalize(&sub.file)).chain(sub.files.iter().cloned())
                        {
                            plan.consumed.insert(f);
                        }
                        chain.push(sub);
                    }
                }
            }
            i += 1;
        }
        plan.roots.push((k.clone(), chain));
    }
    plan
}

/// A program that builds kustomizations.
#[derive(Debug, Clone)]
pub struct Builder {
    pub program: String,
    /// `build` for kustomize, `kustomize` for kubectl.
    pub verb: &'static str,
}

fn on_path(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// `--kustomize-bin`, else `kustomize`, else `kubectl` from `PATH`.
pub fn builder(choice: Option<&str>) -> Option<Builder> {
    let verb_of = |p: &str| {
        if Path::new(p)
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("kubectl"))
        {
            "kustomize"
        } else {
            "build"
        }
    };
    match choice {
        Some(p) => on_path(p).then(|| Builder {
            program: p.to_string(),
            verb: verb_of(p),
        }),
        None => ["kustomize", "kubectl"]
            .iter()
            .find(|p| on_path(p))
            .map(|p| Builder {
                program: p.to_string(),
                verb: verb_of(p),
            }),
    }
}

/// The path from `from` (a directory) to `to`, both absolute.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c.as_os_str());
    }
    out
}

/// A finished build: its output and the wrapper directory origin paths are relative to.
pub struct Built {
    pub yaml: String,
    pub wrapper: PathBuf,
}

/// Builds `root` (a kustomization directory) through a wrapper with build metadata, within
/// `timeout`. The wrapper directory is removed; origin paths are relative to it.
pub fn build(b: &Builder, root: &Path, timeout: Duration) -> Result<Built, String> {
    let abs = std::fs::canonicalize(root).map_err(|e| format!("{}: {e}", root.display()))?;
    let base = std::fs::canonicalize(std::env::temp_dir()).unwrap_or_else(|_| std::env::temp_dir());
    let wrapper = base.join(format!(
        "meshlint-kustomize-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    std::fs::create_dir_all(&wrapper)
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let rel = relative(&wrapper, &abs);
    let text = format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- {}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n",
        rel.display()
    );
    let result = std::fs::write(wrapper.join("kustomization.yaml"), text)
        .map_err(|e| format!("cannot write the wrapper kustomization: {e}"))
        .and_then(|()| run(b, &wrapper, timeout));
    let _ = std::fs::remove_dir_all(&wrapper);
    result.map(|yaml| Built { yaml, wrapper })
}

fn run(b: &Builder, dir: &Path, timeout: Duration) -> Result<String, String> {
    let args = [b.verb.as_ref(), dir.as_os_str()];
    super::process::run(&b.program, &args, timeout, "--kustomize-timeout")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_and_related() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(
            relative(Path::new("/tmp/w"), Path::new("/work/repo/o")),
            PathBuf::from("../../work/repo/o")
        );
    }

    #[test]
    fn remote_references() {
        assert!(is_remote("github.com/org/repo//dir?ref=v1"));
        assert!(is_remote("https://example.com/x.yaml"));
        assert!(!is_remote("../../base"));
    }
}
