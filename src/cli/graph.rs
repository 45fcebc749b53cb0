//! `meshlint graph`: the mesh graph as Graphviz dot or Mermaid.

use super::{discover, print_out, EXIT_OK, EXIT_USAGE};
use crate::engine::{load, Options};
use crate::index::Index;
use crate::route::graph::MeshGraph;
use crate::route::sim::Simulator;
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// Files and directories with the manifests
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// Only VirtualServices for this host (short name, FQDN, or a name a wildcard host covers)
    #[arg(long)]
    pub host: Option<String>,
    /// Namespace for namespaced resources that do not set one
    #[arg(long, short = 'n', default_value = "default")]
    pub namespace: String,
}

pub fn run(args: GraphArgs) -> i32 {
    let inputs = match discover(&args.paths) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("meshlint: {e}");
            return EXIT_USAGE;
        }
    };
    let mut opts = Options::default();
    opts.model.default_namespace = args.namespace.clone();
    let (sources, resources, _) = load(inputs, &opts);
    let ix = Index::build(&resources, opts.mesh.clone());
    let sim = Simulator {
        ix: &ix,
        sources: &sources,
    };
    let g = MeshGraph::build(&sim, args.host.as_deref());
    print_out(&match args.format {
        GraphFormat::Dot => g.to_dot(),
        GraphFormat::Mermaid => g.to_mermaid(),
    });
    EXIT_OK
}
