//! Where mailscope keeps its files: the OS config directory, or `MAILSCOPE_HOME` when set.

use std::path::PathBuf;

/// Environment variable that overrides the data directory (tests and portable setups use it).
pub const HOME_ENV: &str = "MAILSCOPE_HOME";

/// The directory holding `profiles/` and the last check results.
pub fn home() -> Result<PathBuf, String> {
    if let Some(h) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(h));
    }
    directories::ProjectDirs::from("com", "mailscope", "mailscope")
        .map(|d| d.config_dir().to_path_buf())
        .ok_or_else(|| {
            format!(
                "cannot find a home directory for mailscope's files; set {HOME_ENV} to a directory"
            )
        })
}
