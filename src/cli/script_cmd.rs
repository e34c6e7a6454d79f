//! `mailscope script`: the PowerShell for a profile's exact values, to standard output or a file.

use mailscope::powershell::{self, Part};
use mailscope::profile::ScopeMechanism;

use super::args::ScriptArgs;
use super::output::{EXIT_CANNOT_RUN, EXIT_OK, EXIT_USAGE, fail, safe, safe_text};

pub fn run(args: ScriptArgs) -> u8 {
    let (profile, preset) = match args.source.load() {
        Ok(x) => x,
        Err(e) => return fail(e.exit_code(), e),
    };
    let Some(part) = Part::parse(&args.part) else {
        return fail(
            EXIT_USAGE,
            format!("--part must be exchange, entra or all, not '{}'", args.part),
        );
    };
    let mechanism = match args
        .mechanism
        .as_deref()
        .map(|m| (m, ScopeMechanism::parse(m)))
    {
        None => None,
        Some((_, Some(m))) => Some(m),
        Some((m, None)) => {
            return fail(
                EXIT_USAGE,
                format!("--mechanism must be application-access-policy or rbac, not '{m}'"),
            );
        }
    };
    let text = match powershell::script_for(&profile, &preset, part, mechanism) {
        Ok(t) => t,
        Err(e) => return fail(EXIT_USAGE, e),
    };
    match args.out {
        None => {
            // ASCII already (every value passes powershell::quote); comments too, from here.
            print!("{}", safe_text(&text));
            EXIT_OK
        }
        Some(path) => match powershell::write_script(&path, &text) {
            Ok(()) => {
                eprintln!(
                    "Wrote {}. Run it in PowerShell; add -WhatIf first to see what it would change.",
                    safe(&path.display().to_string())
                );
                EXIT_OK
            }
            Err(e) => fail(EXIT_CANNOT_RUN, format!("{}: {e}", path.display())),
        },
    }
}
