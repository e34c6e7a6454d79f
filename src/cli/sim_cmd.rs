//! `mailscope sim`: the simulated tenant as a standalone HTTPS server.

use super::args::SimArgs;
use super::output::{EXIT_OK, EXIT_USAGE, fail};

pub fn run(args: SimArgs) -> u8 {
    match mailscope::sim::run_blocking(&args.scenario, args.listen) {
        Ok(()) => EXIT_OK,
        Err(e) => fail(EXIT_USAGE, format!("sim: {e}")),
    }
}
