//! `mailscope report`: the profile, permissions, scoping and last check as Markdown, JSON or HTML.

use mailscope::last_check;
use mailscope::powershell::{self, Part};
use mailscope::profile::ProfileStore;
use mailscope::report::{self, Format};

use super::args::ReportArgs;
use super::output::{EXIT_CANNOT_RUN, EXIT_OK, EXIT_USAGE, fail, safe, safe_json, safe_text};

pub fn run(args: ReportArgs) -> u8 {
    let Some(format) = Format::parse(&args.format) else {
        return fail(
            EXIT_USAGE,
            format!(
                "--format must be md, json or html, not '{}'",
                safe(&args.format)
            ),
        );
    };
    let (profile, preset) = match args.source.load() {
        Ok(x) => x,
        Err(e) => return fail(EXIT_USAGE, e),
    };
    // The last check run is recorded beside stored profiles only.
    let last = match &args.source.profile {
        Some(name) => match ProfileStore::open_default()
            .map_err(|e| e.to_string())
            .and_then(|s| last_check::load(&s, name))
        {
            Ok(r) => r,
            Err(e) => {
                eprintln!(
                    "mailscope: the last check result could not be read, so the report has none: {}",
                    safe_text(&e)
                );
                None
            }
        },
        None => None,
    };
    let script_hash = powershell::script_for(&profile, &preset, Part::Exchange, None)
        .ok()
        .map(|s| report::script_hash(&s));
    let doc = report::build(
        &profile,
        &preset,
        time::OffsetDateTime::now_utc(),
        script_hash,
    )
    .with_check_run(last.as_ref());
    let text = match report::render(&doc, format) {
        Ok(t) => t,
        Err(e) => return fail(EXIT_CANNOT_RUN, e),
    };
    match args.out {
        None => {
            // To a terminal or a pipe alike: JSON keeps its meaning, documents their lines.
            let shown = match format {
                Format::Json => safe_json(&text),
                Format::Markdown | Format::Html => safe_text(&text),
            };
            print!("{shown}");
            EXIT_OK
        }
        Some(path) => match mailscope::fsutil::write_private(&path, text.as_bytes()) {
            Ok(()) => {
                eprintln!(
                    "Wrote {} (it holds no secrets).",
                    safe(&path.display().to_string())
                );
                EXIT_OK
            }
            Err(e) => fail(EXIT_CANNOT_RUN, format!("{}: {e}", path.display())),
        },
    }
}
