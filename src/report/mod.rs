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
    pub fn with_check_run(self, run: Option<&crate::graph::CheckRun>) -> Self {
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

/// Why a text is not a report this mailscope reads.
#[derive(Debug, thiserror::Error)]
pub enum ReportParseError {
    /// Not JSON at all (names the line and column).
    #[error("not a JSON report: {0}")]
    NotJson(#[source] serde_json::Error),
    /// A report of another schema version.
    #[error("report schema '{0}' is not supported; this mailscope reads '{SCHEMA}'")]
    UnsupportedSchema(String),
    /// JSON without a `schema` field.
    #[error("not a mailscope report (no \"schema\" field)")]
    NoSchema,
    /// The right schema, but a field is missing or of the wrong type (names the line and column).
    #[error("the report does not match schema {SCHEMA}: {0}")]
    Mismatch(#[source] serde_json::Error),
}

/// Reads a JSON report, refusing other schemas. Errors name the line and column at fault
/// (or the `schema` field).
pub fn parse_json(text: &str) -> Result<Report, ReportParseError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(ReportParseError::NotJson)?;
    match value.get("schema").and_then(|s| s.as_str()) {
        Some(s) if s == SCHEMA || OLDER_SCHEMAS.contains(&s) => {}
        Some(other) => return Err(ReportParseError::UnsupportedSchema(other.to_string())),
        None => return Err(ReportParseError::NoSchema),
    }
    drop(value);
    // From the text again (not the value), so that a mismatch names its line and column.
    serde_json::from_str(text).map_err(ReportParseError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_can_tell_what_kind_of_text_is_not_a_report() {
        assert!(matches!(parse_json("{"), Err(ReportParseError::NotJson(_))));
        assert!(matches!(parse_json("{}"), Err(ReportParseError::NoSchema)));
        let e = parse_json(r#"{"schema": "mailscope-report/9"}"#).expect_err("other schema");
        assert!(
            matches!(&e, ReportParseError::UnsupportedSchema(s) if s == "mailscope-report/9"),
            "{e:?}"
        );
        assert!(e.to_string().starts_with("report schema '"), "{e}");
        let e = parse_json(&format!("{{\"schema\": \"{SCHEMA}\"}}")).expect_err("no fields");
        assert!(matches!(e, ReportParseError::Mismatch(_)), "{e:?}");
        assert!(e.to_string().contains(" line "), "{e}");
    }
}
