use clap::Parser;

fn main() {
    let cli = meshlint::cli::Cli::parse();
    std::process::exit(meshlint::cli::run(cli));
}

/// mimalloc instead of glibc malloc: the loader allocates and frees millions of small strings
/// and vectors (see docs/performance.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
