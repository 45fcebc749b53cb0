//! The report does not depend on the number of threads or on the run: the same generated
//! corpus (with defects) gives byte-identical JSON with a 1-thread and a 4-thread rayon pool,
//! and on repeated runs.

mod support;

use meshlint::engine::{analyze, Input, Options};
use meshlint::render::{render, Format, RenderOptions};

fn inputs(files: &[(String, String)]) -> Vec<Input> {
    files
        .iter()
        .map(|(p, t)| Input::text(p.clone(), t.clone()))
        .collect()
}

fn json_with_threads(files: &[(String, String)], threads: usize) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("rayon pool");
    pool.install(|| {
        let report = analyze(inputs(files), &Options::default());
        render(&report, Format::Json, &RenderOptions::default())
    })
}

#[test]
fn same_json_for_1_and_4_threads_and_across_runs() {
    let files = support::gen::corpus(1500, 15, 7);
    let one = json_with_threads(&files, 1);
    // the corpus really has findings of many kinds, not just a few
    let codes: std::collections::BTreeSet<&str> = one
        .lines()
        .filter_map(|l| l.trim().strip_prefix("\"code\": \""))
        .collect();
    assert!(codes.len() >= 8, "too few kinds of findings: {codes:?}");
    for run in 0..3 {
        let four = json_with_threads(&files, 4);
        assert!(
            one == four,
            "run {run}: JSON differs between 1 and 4 threads"
        );
    }
    assert!(
        one == json_with_threads(&files, 1),
        "JSON differs between runs"
    );
    // file order is the input order, not the order threads finish in
    let mut reversed = files.clone();
    reversed.reverse();
    let rev = json_with_threads(&reversed, 4);
    assert_eq!(
        rev.len(),
        one.len(),
        "reversed input order changes the report's size"
    );
}

#[test]
fn every_format_is_deterministic_across_thread_counts() {
    let files = support::gen::corpus(300, 20, 11);
    for format in [
        Format::Pretty,
        Format::Compact,
        Format::Sarif,
        Format::Github,
        Format::Gitlab,
        Format::Junit,
    ] {
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("rayon pool");
            pool.install(|| {
                let report = analyze(inputs(&files), &Options::default());
                render(&report, format, &RenderOptions::default())
            })
        };
        assert!(
            run(1) == run(4),
            "{format:?} differs between 1 and 4 threads"
        );
    }
}
