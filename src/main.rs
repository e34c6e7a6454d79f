//! mailscope command line: parses arguments (clap) and calls one entry point per subcommand.

mod cli;
mod exit;
mod tui;

use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command};

fn main() -> ExitCode {
    // Secrets pass through this process's memory: never into a core dump.
    let _ = mailscope::secrets::disable_core_dumps();
    let cli = Cli::parse();
    let code = match cli.command {
        None => tui::run(),
        Some(Command::Demo) => tui::demo::run(),
        Some(Command::Profile(cmd)) => cli::profile_cmd::run(cmd),
        Some(Command::Secret(cmd)) => cli::secret_cmd::run(cmd),
        Some(Command::Status(args)) => cli::status_cmd::run(args),
        Some(Command::Script(args)) => cli::script_cmd::run(args),
        Some(Command::Sim(args)) => cli::sim_cmd::run(args),
        Some(Command::Report(args)) => cli::report_cmd::run(args),
        Some(Command::Replay(args)) => cli::replay_cmd::run(args),
        Some(Command::Open(args)) => tui::support::open(&args.report),
        Some(Command::Check(args)) => cli::check_cmd::run_check(args),
        Some(Command::Diagnose(args)) => cli::diagnose_cmd::run(args),
        Some(Command::Signin(args)) => cli::signin_cmd::signin(args),
        Some(Command::Signout(args)) => cli::signin_cmd::signout(args),
        Some(Command::Entra(cmd)) => cli::entra_cmd::run(cmd),
        Some(Command::Exchange(cmd)) => cli::exchange_cmd::run(cmd),
        Some(Command::Offboard(a)) => cli::offboard_cmd::run(&a),
    };
    ExitCode::from(code)
}
