//! Deterministic mutation stress test: every YAML file under `testdata/` is mutated (byte flips,
//! YAML punctuation inserted, lines duplicated, dropped, re-indented or swapped, files cut
//! short, spliced with each other) and fed through `analyze` and every renderer. Nothing may
//! panic or hang. The in-repo companion of the cargo-fuzz targets in `fuzz/` (which need a
//! nightly toolchain); seed and budget are fixed so a failure reproduces.
//!
//! `MESHLINT_STRESS_ITERS=N` runs more rounds (default 300).

mod support;

use meshlint::engine::{analyze, Input, Options};
use meshlint::render::{render, Format, RenderOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::gen::Rng;

const FORMATS: &[Format] = &[
    Format::Pretty,
    Format::Compact,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Junit,
];

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(p);
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b":",
    b"- ",
    b"---\n",
    b"...\n",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b"'",
    b"\"",
    b"#",
    b"# meshlint: disable-next-line IST0101\n",
    b"\t",
    b"\n",
    b"  ",
    b"!!str ",
    b"? ",
    b"|\n",
    b">-\n",
    b"\xc3\xa9",
    b"\xff",
    b"\0",
    b"~",
    b"null",
    b"-1",
    b"99999999999999999999",
    b"*",
    b"*.",
    b"/",
    b"1e9",
    b"0x1f",
    b"yes",
];

fn mutate(rng: &mut Rng, text: &[u8], other: &[u8]) -> Vec<u8> {
    let mut t = text.to_vec();
    for _ in 0..1 + rng.below(6) {
        let len = t.len().max(1) as u64;
        let at = rng.below(len) as usize;
        match rng.below(9) {
            0 if !t.is_empty() => {
                let i = at.min(t.len() - 1);
                t[i] ^= 1 << rng.below(8);
            }
            1 => {
                let tok = TOKENS[rng.below(TOKENS.len() as u64) as usize];
                let at = at.min(t.len());
                t.splice(at..at, tok.iter().copied());
            }
            2 => t.truncate(at),
            3 | 4 => {
                // line operations
                let text = String::from_utf8_lossy(&t).into_owned();
                let mut lines: Vec<&str> = text.split('\n').collect();
                if lines.len() < 2 {
                    continue;
                }
                let i = rng.below(lines.len() as u64) as usize;
                let j = rng.below(lines.len() as u64) as usize;
                let reindented;
                match rng.below(4) {
                    0 => lines.insert(i, lines[j]),
                    1 => {
                        lines.remove(i);
                    }
                    2 => lines.swap(i, j),
                    _ => {
                        reindented = format!(
                            "{}{}",
                            " ".repeat(rng.below(5) as usize),
                            lines[i].trim_start()
                        );
                        lines[i] = &reindented;
                    }
                }
                t = lines.join("\n").into_bytes();
            }
            5 => {
                // splice a piece of another file in
                if !other.is_empty() {
                    let s = rng.below(other.len() as u64) as usize;
                    let e = (s + rng.below(400) as usize).min(other.len());
                    let at = at.min(t.len());
                    t.splice(at..at, other[s..e].iter().copied());
                }
            }
            6 => {
                // repeat a chunk (long lines, many documents, big sequences)
                let s = at.min(t.len());
                let e = (s + rng.below(64) as usize).min(t.len());
                let chunk = t[s..e].to_vec();
                for _ in 0..rng.below(50) {
                    t.splice(s..s, chunk.iter().copied());
                }
            }
            7 => {
                // deep nesting
                let depth = rng.below(300) as usize;
                let at = at.min(t.len());
                let open: Vec<u8> = std::iter::repeat_n(b'[', depth).collect();
                t.splice(at..at, open);
            }
            _ => {
                if !t.is_empty() {
                    let at = at.min(t.len() - 1);
                    t.remove(at);
                }
            }
        }
    }
    t
}

#[test]
fn mutated_testdata_never_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut paths = Vec::new();
    yaml_files(&root, &mut paths);
    assert!(paths.len() > 10, "testdata not found");
    let texts: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let iters: u64 = std::env::var("MESHLINT_STRESS_ITERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let budget = Duration::from_secs(120);
    let started = Instant::now();
    let mut rng = Rng::new(0x5eed);
    let mut slowest = (Duration::ZERO, 0);
    for round in 0..iters {
        if started.elapsed() > budget {
            eprintln!("stress: time budget reached after {round} rounds");
            break;
        }
        let n = 1 + rng.below(3) as usize;
        let inputs: Vec<Input> = (0..n)
            .map(|k| {
                let a = rng.below(texts.len() as u64) as usize;
                let b = rng.below(texts.len() as u64) as usize;
                let bytes = mutate(&mut rng, &texts[a], &texts[b]);
                let ext = if rng.pct(5) { "json" } else { "yaml" };
                Input::bytes(format!("m{round}-{k}.{ext}"), Ok(bytes))
            })
            .collect();
        let t = Instant::now();
        let report = analyze(inputs, &Options::default());
        for &f in FORMATS {
            let _ = render(&report, f, &RenderOptions::default());
        }
        let took = t.elapsed();
        if took > slowest.0 {
            slowest = (took, round);
        }
        assert!(
            took < Duration::from_secs(20),
            "round {round} took {took:?} (slow input)"
        );
    }
    eprintln!(
        "stress: {} files, slowest round {} in {:?}",
        paths.len(),
        slowest.1,
        slowest.0
    );
}
