//! `mailscope report`: the profile, permissions, scoping and last check as Markdown, JSON or HTML.

use mailscope::last_check;
use mailscope::preset::Preset;
use mailscope::profile::{Profile, ProfileStore};
use mailscope::report::{self, Format};

use super::args::ReportArgs;
use super::output::{EXIT_CANNOT_RUN, EXIT_OK, EXIT_USAGE, fail, safe, safe_json, safe_text};

/// The report of a profile: with the check run recorded beside it when it is stored.
pub fn document(
    profile: &Profile,
    preset: &Preset,
    stored_in: Option<&ProfileStore>,
    now: time::OffsetDateTime,
) -> report::Report {
    let last = stored_in.and_then(|s| match last_check::load(s, &profile.name) {
        Ok(r) => r,
        Err(e) => {
            eprintln!(
                "mailscope: the last check result could not be read, so the report has none: {}",
                safe_text(&e.to_string())
            );
            None
        }
    });
    report::for_profile(profile, preset, last.as_ref(), now)
}

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
        Err(e) => return fail(e.exit_code(), e),
    };
    // The last check run is recorded beside stored profiles only.
    let stored = match &args.source.profile {
        Some(_) => match ProfileStore::open_default() {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!(
                    "mailscope: the last check result could not be read, so the report has none: {}",
                    safe_text(&e.to_string())
                );
                None
            }
        },
        None => None,
    };
    let doc = document(
        &profile,
        &preset,
        stored.as_ref(),
        time::OffsetDateTime::now_utc(),
    );
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
