//! `meshlint graph`: the mesh graph as Graphviz dot or Mermaid.

use super::{print_out, EXIT_OK};
use crate::route::graph::MeshGraph;
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
    super::with_simulator(&args.paths, &args.namespace, |sim| {
        let g = MeshGraph::build(sim, args.host.as_deref());
        print_out(&match args.format {
            GraphFormat::Dot => g.to_dot(),
            GraphFormat::Mermaid => g.to_mermaid(),
        });
        EXIT_OK
    })
}
