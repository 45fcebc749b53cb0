//! `meshlint test`: run route test cases against the manifests.

use super::{discover, print_out, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::engine::{load, Input, Options};
use crate::index::Index;
use crate::route::cases::{is_case_file, parse_cases, run_case, CaseResult};
use crate::route::sim::Simulator;
use clap::{Args, ValueEnum};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Text,
    Json,
    Junit,
}

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Test-case files and manifests (files or directories). Files with a top-level `tests:`
    /// (meshlint) or `testCases:` (istio-config-validator) are test cases, the others manifests
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = TestFormat::Text)]
    pub format: TestFormat,
    /// Namespace for namespaced resources that do not set one
    #[arg(long, short = 'n', default_value = "default")]
    pub namespace: String,
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn failure_text(r: &CaseResult) -> String {
    let mut o = String::new();
    if let Some(e) = &r.error {
        let _ = writeln!(o, "    {e}");
    }
    for c in &r.failures {
        let _ = writeln!(o, "    {}:", c.field);
        let _ = writeln!(o, "    - expected: {}", c.expected);
        let _ = writeln!(o, "    + actual:   {}", c.actual);
    }
    o
}

pub fn render(results: &[CaseResult], format: TestFormat) -> String {
    let failed = results.iter().filter(|r| !r.passed).count();
    match format {
        TestFormat::Text => {
            let mut o = String::new();
            for r in results {
                let _ = writeln!(
                    o,
                    "{} {} ({})",
                    if r.passed { "PASS" } else { "FAIL" },
                    r.name,
                    r.file
                );
                if !r.passed {
                    o.push_str(&failure_text(r));
                }
            }
            let _ = writeln!(
                o,
                "\n{} passed, {failed} failed, {} total",
                results.len() - failed,
                results.len()
            );
            o
        }
        TestFormat::Json => {
            let v = serde_json::json!({
                "passed": results.len() - failed,
                "failed": failed,
                "results": results,
            });
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        TestFormat::Junit => {
            let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            let _ = writeln!(
                o,
                "<testsuite name=\"meshlint route tests\" tests=\"{}\" failures=\"{failed}\">",
                results.len()
            );
            for r in results {
                let _ = write!(
                    o,
                    "  <testcase name=\"{}\" classname=\"{}\"",
                    xml(&r.name),
                    xml(&r.file)
                );
                if r.passed {
                    o.push_str("/>\n");
                } else {
                    let _ = writeln!(
                        o,
                        ">\n    <failure message=\"route expectations not met\">{}</failure>\n  </testcase>",
                        xml(&failure_text(r))
                    );
                }
            }
            o.push_str("</testsuite>\n");
            o
        }
    }
}

pub fn run(args: TestArgs) -> i32 {
    let inputs = match discover(&args.paths) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("meshlint: {e}");
            return EXIT_USAGE;
        }
    };
    let mut manifests: Vec<Input> = Vec::new();
    let mut cases = Vec::new();
    for mut i in inputs {
        let path = i.path.clone();
        let text = i
            .bytes_now()
            .as_ref()
            .ok()
            .and_then(|b| std::str::from_utf8(b).ok());
        match text {
            Some(t) if is_case_file(t) => match parse_cases(&path, t) {
                Ok(c) => cases.extend(c),
                Err(e) => {
                    eprintln!("meshlint: {e}");
                    return EXIT_USAGE;
                }
            },
            _ => manifests.push(i),
        }
    }
    if cases.is_empty() {
        eprintln!(
            "meshlint: no test cases found (files with a top-level `tests:` or `testCases:`)"
        );
        return EXIT_USAGE;
    }
    let mut opts = Options::default();
    opts.model.default_namespace = args.namespace.clone();
    let (sources, resources, _) = load(manifests, &opts);
    let ix = Index::build(&resources, opts.mesh.clone());
    let sim = Simulator {
        ix: &ix,
        sources: &sources,
    };
    let results: Vec<CaseResult> = cases.iter().map(|c| run_case(c, &sim)).collect();
    print_out(&render(&results, args.format));
    if results.iter().all(|r| r.passed) {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}
