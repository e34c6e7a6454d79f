//! mailscope command line: parses arguments (clap) and calls one entry point per subcommand.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Profile(cmd) => cli::profile_cmd::run(cmd),
        Command::Secret(cmd) => cli::secret_cmd::run(cmd),
        Command::Status(args) => cli::status_cmd::run(args),
        Command::Script(args) => cli::script_cmd::run(args),
        Command::Sim(args) => cli::sim_cmd::run(args),
        Command::Report(args) => cli::report_cmd::run(args),
        Command::Replay(args) => cli::replay_cmd::run(args),
        Command::Check(args) => cli::check_cmd::run_check(args),
        Command::Diagnose(args) => cli::check_cmd::run_diagnose(args),
    };
    ExitCode::from(code)
}
