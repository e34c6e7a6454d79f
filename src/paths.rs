//! Where mailscope keeps its files: the OS config directory, or `MAILSCOPE_HOME` when set.

use std::path::PathBuf;

/// Environment variable that overrides the data directory (tests and portable setups use it).
pub const HOME_ENV: &str = "MAILSCOPE_HOME";

/// Why mailscope has no directory for its files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HomeError {
    /// Neither `MAILSCOPE_HOME` nor the operating system names a directory.
    #[error("cannot find a home directory for mailscope's files; set {HOME_ENV} to a directory")]
    NotFound,
}

/// The directory holding `profiles/` and the last check results.
pub fn home() -> Result<PathBuf, HomeError> {
    if let Some(h) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(h));
    }
    directories::ProjectDirs::from("com", "mailscope", "mailscope")
        .map(|d| d.config_dir().to_path_buf())
        .ok_or(HomeError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_home_is_a_kind_a_caller_can_match_and_names_the_variable() {
        let e = HomeError::NotFound;
        assert!(matches!(e, HomeError::NotFound));
        assert!(e.to_string().contains(HOME_ENV), "{e}");
    }
}
