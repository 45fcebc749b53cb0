//! `meshlint completions SHELL` (clap_complete) and `meshlint man` (clap_mangen).

use super::{Cli, EXIT_OK, EXIT_USAGE};
use clap::CommandFactory;

pub fn completions(shell: clap_complete::Shell) -> i32 {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "meshlint", &mut buf);
    super::print_out(&String::from_utf8_lossy(&buf));
    EXIT_OK
}

pub fn man() -> i32 {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    if let Err(e) = clap_mangen::Man::new(cmd.clone()).render(&mut buf) {
        eprintln!("meshlint: cannot render the man page: {e}");
        return EXIT_USAGE;
    }
    // one section per subcommand, so `man meshlint` documents `check`'s flags too
    for sub in cmd.get_subcommands() {
        let name: &'static str = Box::leak(format!("meshlint {}", sub.get_name()).into_boxed_str());
        let man = clap_mangen::Man::new(sub.clone().name(name));
        if man.render_synopsis_section(&mut buf).is_err()
            || man.render_description_section(&mut buf).is_err()
            || man.render_options_section(&mut buf).is_err()
        {
            return EXIT_USAGE;
        }
    }
    super::print_out(&String::from_utf8_lossy(&buf));
    EXIT_OK
}
