//! Profile names and the files a profile owns: one rule for which names are allowed, and the
//! exact list of companion files kept beside `<name>.toml`, so no name can reach another
//! profile's files.

use super::validate::Invalid;

/// A file mailscope keeps beside a profile, named `<profile>.<suffix>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Companion {
    /// The last check run (`<name>.last-check.json`).
    LastCheck,
    /// What mailscope changed in the tenant for this profile (`<name>.changes.jsonl`).
    /// Kept when the profile is deleted: it is the record of changes made to a tenant.
    Changes,
}

impl Companion {
    pub const ALL: [Companion; 2] = [Companion::LastCheck, Companion::Changes];

    /// What follows `<profile>.` in the file name.
    pub fn suffix(self) -> &'static str {
        match self {
            Companion::LastCheck => "last-check.json",
            Companion::Changes => "changes.jsonl",
        }
    }

    /// Whether deleting the profile removes this file too.
    pub fn deleted_with_profile(self) -> bool {
        match self {
            Companion::LastCheck => true,
            Companion::Changes => false,
        }
    }

    /// The file name for a profile.
    pub fn file_name(self, profile: &str) -> String {
        format!("{profile}.{}", self.suffix())
    }
}

/// The longest profile name.
pub const MAX_NAME: usize = 64;

/// Device names Windows reserves in every folder, with or without an extension.
const WINDOWS_RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Checks a profile name exactly as given (nothing is trimmed, so the name that is saved is
/// the name that keys the keyring). Returns it unchanged when it is allowed.
pub fn profile_name(s: &str) -> Result<String, Invalid> {
    const RULE: &str =
        "Use 1 to 64 letters, digits, '-', '_' or '.', not starting with '.', e.g. contoso-kundo.";
    if s.trim() != s {
        return Err(Invalid(format!(
            "Remove the spaces around the name. {RULE}"
        )));
    }
    let shaped = !s.is_empty()
        && s.len() <= MAX_NAME
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !shaped {
        return Err(Invalid(RULE.into()));
    }
    if s.ends_with('.') {
        return Err(Invalid(
            "A name cannot end with '.' (Windows drops it from file names).".into(),
        ));
    }
    let stem = s.split('.').next().unwrap_or(s).to_ascii_lowercase();
    if WINDOWS_RESERVED.contains(&stem.as_str()) {
        return Err(Invalid(format!(
            "'{stem}' is a device name on Windows and cannot name a file there; choose another name."
        )));
    }
    let lower = s.to_ascii_lowercase();
    for c in Companion::ALL {
        let stem = c.suffix().split('.').next().unwrap_or_default();
        if lower.ends_with(&format!(".{stem}")) || lower.ends_with(&format!(".{}", c.suffix())) {
            return Err(Invalid(format!(
                "A name ending in '.{stem}' looks like a file mailscope keeps beside a profile; choose another name."
            )));
        }
    }
    if lower.ends_with(".toml") {
        return Err(Invalid(
            "Leave out '.toml': mailscope adds it to the file name itself.".into(),
        ));
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_pass_unchanged() {
        for ok in [
            "contoso-kundo",
            "contoso.prod",
            "a",
            "A_b-1.2",
            "console",
            "nullish",
        ] {
            assert_eq!(profile_name(ok).as_deref(), Ok(ok), "{ok}");
        }
    }

    #[test]
    fn surrounding_spaces_are_refused_not_trimmed() {
        for bad in [" contoso", "contoso ", "\tcontoso", "contoso\n"] {
            let e = profile_name(bad).expect_err(bad);
            assert!(e.0.contains("spaces around"), "{bad}: {e}");
        }
    }

    #[test]
    fn windows_device_names_are_refused_in_any_case_and_with_extensions() {
        for bad in ["CON", "nul", "aux.txt", "Com1", "lpt9.prod", "PRN"] {
            let e = profile_name(bad).expect_err(bad);
            assert!(e.0.contains("device name"), "{bad}: {e}");
        }
    }

    #[test]
    fn names_that_look_like_companion_files_are_refused() {
        for bad in [
            "contoso.last-check",
            "contoso.LAST-CHECK",
            "x.last-check.json",
            "contoso.changes",
            "contoso.changes.jsonl",
            "contoso.toml",
            "contoso.",
        ] {
            assert!(profile_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn no_profile_file_can_be_another_profiles_companion() {
        // Every allowed name's files differ from every other allowed name's files.
        let names = ["a", "a.prod", "a.last", "a.check", "a.json", "b"];
        let mut files = std::collections::HashSet::new();
        for n in names {
            assert!(profile_name(n).is_ok(), "{n}");
            assert!(files.insert(format!("{n}.toml")));
            for c in Companion::ALL {
                assert!(files.insert(c.file_name(n)), "{n} {c:?}");
            }
        }
    }
}
