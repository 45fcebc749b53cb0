//! `meshlint route`: simulate one request.

use super::{print_out, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::route::sim::Query;
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RouteFormat {
    Text,
    Json,
}

/// What is simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RouteProtocol {
    /// An HTTP request (the `http` routes)
    Http,
    /// A TCP connection (the `tcp` routes)
    Tcp,
    /// A TLS connection with HOST as its SNI (the `tls` routes)
    Tls,
}

#[derive(Args, Debug)]
pub struct RouteArgs {
    /// The destination host (`reviews`, `reviews.bookinfo.svc.cluster.local`, or the Host
    /// header at a gateway)
    pub host: String,
    /// Files and directories with the manifests
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Request path (may include `?query`)
    #[arg(long, default_value = "/")]
    pub path: String,
    /// HTTP method
    #[arg(long, default_value = "GET")]
    pub method: String,
    /// `:authority` (defaults to HOST)
    #[arg(long)]
    pub authority: Option<String>,
    /// A request header `name=value` (repeatable)
    #[arg(long = "header", short = 'H', value_name = "K=V")]
    pub headers: Vec<String>,
    /// A query parameter `name=value` (repeatable)
    #[arg(long = "query", value_name = "K=V")]
    pub query: Vec<String>,
    /// The port the request arrives on (service port for sidecars, server port for gateways)
    #[arg(long)]
    pub port: Option<u32>,
    /// URL scheme
    #[arg(long, default_value = "http")]
    pub scheme: String,
    /// The proxy: `mesh` (a sidecar) or a Gateway (`ns/name` or name)
    #[arg(long, default_value = "mesh")]
    pub gateway: String,
    /// Labels of the client workload `k=v,k=v`
    #[arg(long, value_name = "K=V,...")]
    pub source_labels: Option<String>,
    /// Namespace of the client workload
    #[arg(long, value_name = "NS")]
    pub source_namespace: Option<String>,
    /// An HTTP request, or a TCP or TLS connection routed by the VirtualServices' `tcp` or
    /// `tls` sections (for TLS, HOST is the SNI)
    #[arg(long, value_enum, default_value_t = RouteProtocol::Http)]
    pub protocol: RouteProtocol,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = RouteFormat::Text)]
    pub format: RouteFormat,
    /// Namespace for namespaced resources that do not set one
    #[arg(long, short = 'n', default_value = "default")]
    pub namespace: String,
}

pub fn kv(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .or_else(|| s.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .ok_or_else(|| format!("`{s}` is not name=value"))
}

pub fn run(args: RouteArgs) -> i32 {
    let mut q = Query {
        host: args.host.clone(),
        path: Some(args.path.clone()),
        method: Some(args.method.clone()),
        authority: args.authority.clone(),
        port: args.port,
        scheme: Some(args.scheme.clone()),
        gateway: Some(args.gateway.clone()),
        source_namespace: args.source_namespace.clone(),
        protocol: match args.protocol {
            RouteProtocol::Http => None,
            RouteProtocol::Tcp => Some("tcp".to_string()),
            RouteProtocol::Tls => Some("tls".to_string()),
        },
        ..Query::default()
    };
    let pairs = |list: &[String]| -> Result<Vec<(String, String)>, String> {
        list.iter().map(|s| kv(s)).collect()
    };
    let labels: Vec<String> = args
        .source_labels
        .iter()
        .flat_map(|s| s.split(','))
        .filter(|s| !s.trim().is_empty())
        .map(str::to_string)
        .collect();
    match (pairs(&args.headers), pairs(&args.query), pairs(&labels)) {
        (Ok(h), Ok(qp), Ok(l)) => {
            q.headers = h;
            q.query = qp;
            q.source_labels = l;
        }
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            eprintln!("meshlint: {e}");
            return EXIT_USAGE;
        }
    }
    super::with_simulator(&args.paths, &args.namespace, |sim| {
        let s = match sim.simulate(&q) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("meshlint: {e}");
                return EXIT_USAGE;
            }
        };
        let out = match args.format {
            RouteFormat::Text => crate::route::text::render(&s),
            RouteFormat::Json => {
                let mut j = serde_json::to_string_pretty(&s).unwrap_or_default();
                j.push('\n');
                j
            }
        };
        print_out(&out);
        match s.outcome {
            crate::route::sim::Outcome::NoRoute { .. } => EXIT_FINDINGS,
            _ => EXIT_OK,
        }
    })
}
