//! mailscope command line entry point.
fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("sim") {
        return match mailscope::sim::sim_command_main(&args[1..]) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mailscope sim: {e}");
                std::process::ExitCode::from(2)
            }
        };
    }
    std::process::ExitCode::SUCCESS
}
