//! Throughput of the loading pipeline, per phase, over one realistic corpus.
//!
//! Phases (all over the same bytes, reported as `Throughput::Bytes`):
//!
//! * `saphyr_events`   — saphyr-parser's bare event stream, single thread: the floor we build on.
//! * `yaml_tree`       — `meshlint::yaml::parse_file` (events → spanned node tree), single thread.
//! * `tree_and_model`  — `parse_file` + `model::read_document`, single thread.
//! * `analyze_1thread` — `meshlint::analyze` end to end inside a 1-thread rayon pool.
//! * `analyze`         — `meshlint::analyze` end to end on the default rayon pool (all cores).
//!
//! Corpus: `MESHLINT_BENCH_CORPUS=/some/dir` uses an existing directory. Otherwise
//! `python3 ../shared/bench/gen_corpus.py $MESHLINT_BENCH_DOCS --seed 42` (default 10000
//! documents, ~21 MB) writes one into `target/bench-corpus/`, reused on later runs; without the
//! generator (or with `MESHLINT_BENCH_GENERATOR=builtin`) a small built-in generator writes
//! similar documents instead.
//!
//! Run: `cargo bench --bench throughput` (add `-- saphyr_events` etc. to filter).

/// The allocator the shipped binary uses (`src/main.rs`), so that the phases are measured the way
/// `meshlint` runs them; the bare event stream is measured with it too.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use meshlint::engine::{analyze, Input, Options};
use meshlint::model::{read_document, ModelOptions};
use meshlint::source::FileId;
use meshlint::yaml::{parse_file, Limits};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const DEFAULT_DOCS: usize = 10_000;
const SEED: u64 = 42;

struct Corpus {
    files: Vec<(String, String)>,
    bytes: u64,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Finds or creates the corpus directory.
fn corpus_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("MESHLINT_BENCH_CORPUS") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "MESHLINT_BENCH_CORPUS={} is not a directory",
            dir.display()
        );
        return dir;
    }
    let docs: usize = std::env::var("MESHLINT_BENCH_DOCS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_DOCS);
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("target"));
    let generator = manifest_dir().join("../shared/bench/gen_corpus.py");
    // MESHLINT_BENCH_GENERATOR=builtin forces the built-in generator
    let force_builtin = std::env::var("MESHLINT_BENCH_GENERATOR").as_deref() == Ok("builtin");
    let generator = if force_builtin {
        PathBuf::from("/nonexistent/gen_corpus.py")
    } else {
        generator
    };
    let flavour = if generator.is_file() {
        "gen_corpus"
    } else {
        "builtin"
    };
    let dir = target
        .join("bench-corpus")
        .join(format!("{flavour}-{docs}-seed{SEED}"));
    let done = dir.join(".complete");
    if done.exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    if generator.is_file() {
        let status = Command::new("python3")
            .arg(&generator)
            .arg(docs.to_string())
            .arg("--out")
            .arg(&dir)
            .arg("--seed")
            .arg(SEED.to_string())
            .status();
        match status {
            Ok(s) if s.success() => {}
            other => {
                eprintln!("gen_corpus.py failed ({other:?}); using the built-in generator");
                let _ = std::fs::remove_dir_all(&dir);
                builtin::generate(&dir, docs, SEED);
            }
        }
    } else {
        eprintln!(
            "{} not found; using the built-in generator",
            generator.display()
        );
        builtin::generate(&dir, docs, SEED);
    }
    std::fs::write(&done, b"").expect("mark corpus complete");
    dir
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read corpus dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(p);
        }
    }
}

fn load_corpus() -> Corpus {
    let dir = corpus_dir();
    let mut paths = Vec::new();
    collect(&dir, &mut paths);
    let files: Vec<(String, String)> = paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("corpus files are UTF-8");
            (p.display().to_string(), text)
        })
        .collect();
    let bytes = files.iter().map(|(_, t)| t.len() as u64).sum();
    eprintln!(
        "corpus: {} ({} files, {:.1} MB)",
        dir.display(),
        files.len(),
        bytes as f64 / 1e6
    );
    Corpus { files, bytes }
}

fn count_events(text: &str) -> usize {
    let mut parser = saphyr_parser::Parser::new_from_str(text);
    let mut n = 0;
    while let Some(ev) = parser.next_event() {
        if ev.is_err() {
            break;
        }
        n += 1;
    }
    n
}

fn inputs(c: &Corpus) -> Vec<Input> {
    c.files
        .iter()
        .map(|(p, t)| Input::text(p.clone(), t.clone()))
        .collect()
}

fn bench(cr: &mut Criterion) {
    let corpus = load_corpus();
    let limits = Limits::default();
    let model = ModelOptions::default();
    let opts = Options::default();

    let mut g = cr.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(corpus.bytes));
    g.sample_size(10);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(8));

    g.bench_function("saphyr_events", |b| {
        b.iter(|| {
            corpus
                .files
                .iter()
                .map(|(_, t)| count_events(black_box(t)))
                .sum::<usize>()
        })
    });

    g.bench_function("yaml_tree", |b| {
        b.iter(|| {
            corpus
                .files
                .iter()
                .enumerate()
                .map(|(i, (_, t))| {
                    parse_file(FileId::new(i as u32), black_box(t), &limits)
                        .documents
                        .len()
                })
                .sum::<usize>()
        })
    });

    g.bench_function("tree_and_model", |b| {
        b.iter(|| {
            let mut n = 0;
            for (i, (_, t)) in corpus.files.iter().enumerate() {
                let parsed = parse_file(FileId::new(i as u32), black_box(t), &limits);
                for d in &parsed.documents {
                    n += read_document(d, &model).0.len();
                }
            }
            n
        })
    });

    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("1-thread pool");
    g.bench_function("analyze_1thread", |b| {
        b.iter_batched(
            || inputs(&corpus),
            |ins| one.install(|| analyze(ins, &opts)),
            BatchSize::PerIteration,
        )
    });

    g.bench_function("analyze", |b| {
        b.iter_batched(
            || inputs(&corpus),
            |ins| analyze(ins, &opts),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

/// Fallback corpus generator: multi-document files of Deployments, Services, DestinationRules
/// and VirtualServices for a set of services, shaped like `helm template` output.
mod builtin {
    use std::fmt::Write as _;
    use std::path::Path;

    /// xorshift64*: deterministic, no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[self.below(xs.len() as u64) as usize]
        }
    }

    const APPS: &[&str] = &[
        "reviews", "ratings", "details", "payments", "checkout", "catalog", "cart", "search",
        "profile", "orders", "shipping", "billing",
    ];
    const ENVS: &[&str] = &["prod", "staging", "dev"];

    pub fn generate(dir: &Path, docs: usize, seed: u64) {
        std::fs::create_dir_all(dir).expect("create corpus dir");
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let per_file = 50;
        let mut written = 0;
        let mut file_no = 0;
        while written < docs {
            let app = rng.pick(APPS);
            let env = rng.pick(ENVS);
            let ns = format!("{app}-{env}");
            let mut text = String::new();
            let mut in_file = 0;
            let mut svc = 0;
            while in_file < per_file && written < docs {
                let name = format!("{app}-{svc}");
                let versions = 1 + rng.below(3) as usize;
                for kind in 0..4 {
                    if in_file >= per_file || written >= docs {
                        break;
                    }
                    text.push_str("---\n");
                    match kind {
                        0 => deployment(&mut text, &mut rng, &name, &ns, versions),
                        1 => service(&mut text, &name, &ns),
                        2 => destination_rule(&mut text, &mut rng, &name, &ns, versions),
                        _ => virtual_service(&mut text, &mut rng, &name, &ns, versions),
                    }
                    in_file += 1;
                    written += 1;
                }
                svc += 1;
            }
            let path = dir.join(format!("{file_no:05}-{ns}.yaml"));
            std::fs::write(path, text).expect("write corpus file");
            file_no += 1;
        }
    }

    fn header(t: &mut String, api: &str, kind: &str, name: &str, ns: &str) {
        let _ = write!(
            t,
            "apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app: {name}\n    app.kubernetes.io/managed-by: Helm\n    helm.sh/chart: {name}-1.4.2\n  annotations:\n    meta.helm.sh/release-name: {ns}\n"
        );
    }

    fn deployment(t: &mut String, rng: &mut Rng, name: &str, ns: &str, versions: usize) {
        header(t, "apps/v1", "Deployment", name, ns);
        let _ = write!(
            t,
            "spec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: {name}\n      version: v{versions}\n  template:\n    metadata:\n      labels:\n        app: {name}\n        version: v{versions}\n      annotations:\n        sidecar.istio.io/inject: \"true\"\n    spec:\n      containers:\n      - name: {name}\n        image: \"registry.example.com/{name}:1.{}.{}\"\n        ports:\n        - containerPort: 9080\n          name: http\n        env:\n        - name: LOG_LEVEL\n          value: info\n        - name: UPSTREAM\n          value: 'http://{name}.{ns}.svc.cluster.local:9080'\n        resources:\n          requests:\n            cpu: 100m\n            memory: 128Mi\n          limits:\n            cpu: 500m\n            memory: 512Mi\n        readinessProbe:\n          httpGet:\n            path: /healthz\n            port: 9080\n          periodSeconds: 10\n",
            1 + rng.below(5),
            rng.below(20),
            rng.below(10)
        );
    }

    fn service(t: &mut String, name: &str, ns: &str) {
        header(t, "v1", "Service", name, ns);
        let _ = write!(
            t,
            "spec:\n  selector:\n    app: {name}\n  ports:\n  - name: http\n    port: 9080\n    targetPort: 9080\n    protocol: TCP\n"
        );
    }

    fn destination_rule(t: &mut String, rng: &mut Rng, name: &str, ns: &str, versions: usize) {
        header(t, "networking.istio.io/v1", "DestinationRule", name, ns);
        let _ = write!(
            t,
            "spec:\n  host: {name}.{ns}.svc.cluster.local\n  trafficPolicy:\n    connectionPool:\n      tcp:\n        maxConnections: {}\n      http:\n        http1MaxPendingRequests: 64\n    loadBalancer:\n      simple: {}\n    outlierDetection:\n      consecutive5xxErrors: 5\n      interval: 30s\n      baseEjectionTime: 60s\n  subsets:\n",
            50 * (1 + rng.below(8)),
            rng.pick(&["ROUND_ROBIN", "LEAST_REQUEST", "RANDOM"])
        );
        for v in 1..=versions {
            let _ = write!(t, "  - name: v{v}\n    labels:\n      version: v{v}\n");
        }
    }

    fn virtual_service(t: &mut String, rng: &mut Rng, name: &str, ns: &str, versions: usize) {
        header(t, "networking.istio.io/v1", "VirtualService", name, ns);
        let _ = write!(t, "spec:\n  hosts:\n  - {name}\n  http:\n");
        for r in 0..1 + rng.below(3) {
            let _ = write!(
                t,
                "  - name: route-{r}\n    match:\n    - uri:\n        prefix: /api/v{r}\n      headers:\n        x-tenant:\n          exact: t{}\n    retries:\n      attempts: 3\n      perTryTimeout: 2s\n    timeout: 10s\n    route:\n",
                rng.below(100)
            );
            let mut left = 100;
            for v in 1..=versions {
                let w = if v == versions { left } else { 100 / versions };
                left -= w;
                let _ = write!(
                    t,
                    "    - destination:\n        host: {name}.{ns}.svc.cluster.local\n        subset: v{v}\n        port:\n          number: 9080\n      weight: {w}\n"
                );
            }
        }
    }
}
