//! The command line: argument parsing, file discovery, configuration, rendering and the exit
//! code. The only module (with `main.rs`) that touches the filesystem, stdin/stdout and the
//! environment.
//!
//! One [`Command`] variant per subcommand; each is handled in its own file.

pub mod baseline;
pub mod check;
pub mod completions;
pub mod config;
pub mod diff;
pub mod kustomize;
pub mod process;
pub mod progress;
pub mod rules;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;

pub use check::{discover, CheckArgs};

pub mod graph;
pub mod route;
pub mod test_cmd;

#[derive(Parser, Debug)]
#[command(
    name = "meshlint",
    version,
    about = "Offline linter and analyzer for Istio traffic-management manifests",
    long_about = "meshlint reads Istio and Kubernetes manifests from files and directories (no cluster needed), \
links VirtualServices, DestinationRules, Gateways, ServiceEntries and workloads, and reports routing \
mistakes at the exact field with a fix."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check manifests (files, directories, or `-` for stdin)
    Check(Box<CheckArgs>),
    /// List every rule
    Rules {
        /// Output format
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
        /// Only the rules mirroring this istioctl analyzer (`meshlint check -L` lists them)
        #[arg(long, value_name = "NAME")]
        analyzer: Option<String>,
    },
    /// Print the documentation of a rule
    Explain {
        /// A rule code (IST0101) or name (subset-not-found)
        rule: String,
    },
    /// Simulate a request: which rule matches and where it goes
    Route(Box<route::RouteArgs>),
    /// What a change does: routing (request classes whose outcome changed) and findings
    /// (introduced, fixed) between BASE and HEAD (directories or git revisions)
    Diff(Box<diff::DiffArgs>),
    /// Run route test cases (requests with expected destinations) against the manifests
    Test(test_cmd::TestArgs),
    /// Print the mesh graph (Gateways, VirtualServices, destinations, workloads)
    Graph(graph::GraphArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout
    Man,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// Runs the CLI; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Rules { format, analyzer } => rules::list(format, analyzer.as_deref()),
        Command::Explain { rule } => rules::explain(&rule),
        Command::Route(args) => route::run(*args),
        Command::Diff(args) => diff::run(*args),
        Command::Test(args) => test_cmd::run(args),
        Command::Graph(args) => graph::run(args),
        Command::Completions { shell } => completions::completions(shell),
        Command::Man => completions::man(),
    }
}

/// Writes to stdout; a closed pipe (`meshlint ... | head`) is not an error worth a panic.
pub(crate) fn print_out(s: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
}

pub(crate) fn env_set(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Loads the manifests under `paths` (namespaced resources without a namespace get
/// `namespace`) and runs `f` with a route simulator over them; a path problem prints and
/// returns the usage exit code. Shared by `route` and `graph`.
pub(crate) fn with_simulator(
    paths: &[String],
    namespace: &str,
    f: impl FnOnce(&crate::route::sim::Simulator) -> i32,
) -> i32 {
    let inputs = match discover(paths) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("meshlint: {e}");
            return EXIT_USAGE;
        }
    };
    let mut opts = crate::engine::Options::default();
    opts.model.default_namespace = namespace.to_string();
    let (sources, resources, _) = crate::engine::load(inputs, &opts);
    let ix = crate::index::Index::build(&resources, opts.mesh.clone());
    let sim = crate::route::sim::Simulator {
        ix: &ix,
        sources: &sources,
    };
    f(&sim)
}
