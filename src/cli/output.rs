//! Shared conventions for commands: exit codes and error printing (from [`crate::exit`]).
//! Every value a command prints passes [`mailscope::text`] (here re-exported as `safe`,
//! `safe_text`, `safe_json`).

pub use crate::exit::{EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, outcome_code};
use mailscope::profile::ProfileError;
pub use mailscope::text::{
    json_terminal_safe as safe_json, terminal_safe as safe, terminal_safe_text as safe_text,
};

/// The exit code of a profile that cannot be had: a name or file that is missing, not a
/// regular file, too large, not UTF-8 or not a valid profile is bad input (2); other I/O
/// failures and a missing home directory mean the command could not run (3).
pub fn profile_exit_code(e: &ProfileError) -> u8 {
    use std::io::ErrorKind::{FileTooLarge, InvalidData, InvalidInput, IsADirectory, NotFound};
    match e {
        ProfileError::Io { source, .. } | ProfileError::Unreadable { source, .. }
            if matches!(
                source.kind(),
                NotFound | InvalidInput | InvalidData | IsADirectory | FileTooLarge
            ) =>
        {
            EXIT_USAGE
        }
        ProfileError::Io { .. }
        | ProfileError::Unreadable { .. }
        | ProfileError::Serialize(_)
        | ProfileError::Home(_) => EXIT_CANNOT_RUN,
        _ => EXIT_USAGE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_error_s_exit_code_comes_from_its_kind() {
        let io = |kind| std::io::Error::from(kind);
        assert_eq!(
            profile_exit_code(&ProfileError::NotFound("a".into())),
            EXIT_USAGE
        );
        assert_eq!(profile_exit_code(&ProfileError::NoSource), EXIT_USAGE);
        assert_eq!(
            profile_exit_code(&ProfileError::Unreadable {
                path: "f".into(),
                source: io(std::io::ErrorKind::IsADirectory),
            }),
            EXIT_USAGE
        );
        assert_eq!(
            profile_exit_code(&ProfileError::Unreadable {
                path: "f".into(),
                source: io(std::io::ErrorKind::PermissionDenied),
            }),
            EXIT_CANNOT_RUN
        );
        assert_eq!(
            profile_exit_code(&ProfileError::Home(mailscope::paths::HomeError::NotFound)),
            EXIT_CANNOT_RUN
        );
    }
}
