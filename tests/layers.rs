//! The layers of `src/` only import downward (docs/architecture.md):
//! source → yaml → model → index → rules → engine → render → cli.
//!
//! Reads the source files: every `crate::<module>` a file names in its code (comments and the
//! `#[cfg(test)]` part at the end of a file excluded: tests may drive the whole pipeline) must
//! be in the file's own layer or a lower one.

use std::path::Path;

/// Top-level modules of `src/` by layer, lowest first.
const LAYERS: &[&[&str]] = &[
    // plain data: positions, texts, the diagnostics and their catalogue, the allocator
    &["source", "diagnostics", "memory"],
    &["yaml"],
    &["model"],
    &["index"],
    // route simulation over the index (rules and `meshlint route` use it)
    &["route"],
    &["rules"],
    // selection, suppression (part of the engine's pipeline)
    &["engine", "suppress"],
    // output, and findings carried back to kustomize sources (on a finished report)
    &["render", "remap", "diff"],
    &["cli", "main", "lib"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The code of a file without comments and without the test module at its end.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        let code = match line.find("//") {
            // a `//` inside a string literal (a URL) is rare in imports; keep it simple
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// The top-level modules a piece of code names as `crate::<module>`.
fn imported(code: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `mycrate::`
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !v.contains(&name) {
            v.push(name);
        }
    }
    v
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn layers_import_only_downward() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut violations = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        let Some(own) = layer_of(&module) else {
            panic!(
                "src/{} is in no layer: add `{module}` to LAYERS",
                rel.display()
            );
        };
        let text = std::fs::read_to_string(f).unwrap();
        for m in imported(&code_of(&text)) {
            let Some(l) = layer_of(&m) else {
                panic!(
                    "src/{} names `crate::{m}`, which is in no layer",
                    rel.display()
                );
            };
            if l > own {
                violations.push(format!(
                    "src/{} ({module}) imports crate::{m}, a layer above it",
                    rel.display()
                ));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn every_top_level_module_has_a_layer() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(m) = line.strip_prefix("pub mod ") {
            let m = m.trim_end_matches(';');
            assert!(
                layer_of(m).is_some(),
                "`{m}` is in no layer of tests/layers.rs"
            );
        }
    }
}

#[test]
fn the_check_sees_an_upward_import() {
    let code = code_of(
        "use crate::rules::meta;\n// crate::cli in a comment\n#[cfg(test)]\nuse crate::engine;\n",
    );
    assert_eq!(imported(&code), vec!["rules".to_string()]);
}
