//! The floor meshlint is measured against (scripts/bench-ratio.sh): read every YAML file below
//! a directory and run saphyr-parser's bare event stream over it, on one thread, as a whole
//! process. Prints the number of events.
//!
//! `cargo run --release --example saphyr_events -- DIR`

use std::path::Path;

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(p);
        }
    }
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".to_string());
    let mut files = Vec::new();
    walk(Path::new(&dir), &mut files);
    let mut events = 0usize;
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let mut parser = saphyr_parser::Parser::new_from_str(&text);
        while let Some(ev) = parser.next_event() {
            if ev.is_err() {
                break;
            }
            events += 1;
        }
    }
    println!("{events} events");
}
