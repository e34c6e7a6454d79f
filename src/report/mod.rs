//! Reports a consultant leaves behind and support reads: JSON (versioned schema), Markdown
//! and one self-contained HTML file. Built only from data that holds no secrets.

mod assemble;
mod build;
pub mod from_check;
pub mod html;
pub mod markdown;
mod model;
pub mod replay;
mod replay_scenario;
mod text;

pub use assemble::for_profile;
pub use build::{build, rfc3339, script_hash};
pub use model::*;

/// Output formats of `mailscope report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
    Html,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "md" | "markdown" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            "html" => Some(Format::Html),
            _ => None,
        }
    }
}

impl Report {
    /// Adds a recorded check run (token, consent and matrix) to the report.
    pub fn with_check_run(self, run: Option<&crate::graph::CheckReport>) -> Self {
        match run {
            Some(r) => self.with_results(Some(from_check::token(r)), Some(from_check::check(r))),
            None => self,
        }
    }
}

/// Renders a report in the chosen format.
pub fn render(report: &Report, format: Format) -> Result<String, serde_json::Error> {
    Ok(match format {
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report),
        Format::Json => serde_json::to_string_pretty(report)? + "\n",
    })
}

/// Reads a JSON report, refusing other schemas. Errors name the line and column at fault
/// (or the `schema` field).
pub fn parse_json(text: &str) -> Result<Report, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not a JSON report: {e}"))?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(format!(
                "report schema '{other}' is not supported; this mailscope reads '{SCHEMA}'"
            ));
        }
        None => return Err("not a mailscope report (no \"schema\" field)".into()),
    }
    drop(value);
    // From the text again (not the value), so that a mismatch names its line and column.
    serde_json::from_str(text)
        .map_err(|e| format!("the report does not match schema {SCHEMA}: {e}"))
}
