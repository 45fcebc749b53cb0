use clap::Parser;

fn main() {
    let cli = meshlint::cli::Cli::parse();
    std::process::exit(meshlint::cli::run(cli));
}
