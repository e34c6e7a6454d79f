//! The record of what mailscope changed in a tenant for a profile, kept beside it
//! (`<name>.changes.jsonl`, one JSON object per line, appended and synced before and after each
//! change), so an admin or support can see what was done, and an interrupted apply leaves a
//! record that says which call may or may not have happened. Holds no secrets: object IDs,
//! Secret IDs, thumbprints and expiry dates only. Kept when the profile is deleted.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::fsutil;
use crate::profile::{Companion, ProfileError, ProfileStore};

/// Which part of the tenant a change touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// Entra ID through Microsoft Graph (apps, service principals, consent, credentials).
    Entra,
    /// Exchange Online (groups, access policies, RBAC for Applications).
    Exchange,
}

/// Where a change stands. A `started` line without a matching `done` or `failed` line of the
/// same run and step means the process stopped while the call was in flight: the tenant may
/// or may not hold the change, and the next plan reads the tenant to find out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// About to call the tenant.
    Started,
    /// The tenant answered that the change is made.
    Done,
    /// The tenant refused or the call could not complete; `error` says why.
    Failed,
}

/// One line of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRecord {
    /// When the line was written (UTC).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// One apply run; its steps share this ID.
    pub run: String,
    /// The step's position in the run (0-based), pairing `started` with its outcome.
    pub step: usize,
    pub area: Area,
    /// The tenant's ID.
    pub tenant: String,
    /// The signed-in admin (user principal name), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<String>,
    /// The action's tag, e.g. `create-app`, `add-secret`, `new-application-access-policy`.
    pub action: String,
    /// The action in words, as the plan showed it.
    pub summary: String,
    pub phase: Phase,
    /// Object IDs and other non-secret facts the tenant returned (e.g. `app_object_id`,
    /// `app_id`, `service_principal_id`, `secret_id`, `assignment_id`, `expires`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub objects: BTreeMap<String, String>,
    /// Why the step failed, in words (never a secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Why the record could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    /// The profile name is not one a file can be named for.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The record could not be appended: the change must not be made unrecorded.
    #[error("could not write the change record {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The record exists but could not be read.
    #[error("could not read the change record {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A line other than the last is not a change record (a torn last line, from a crash
    /// while appending, is skipped).
    #[error("{path}, line {line}: not a change record: {source}")]
    Damaged {
        path: PathBuf,
        line: usize,
        #[source]
        source: serde_json::Error,
    },
}

/// The largest record read back (a line per call; thousands of applies fit).
const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;

/// Appends one line and syncs it to disk before returning, so a change is never made before
/// its `started` line is durable.
pub fn append(
    store: &ProfileStore,
    profile: &str,
    record: &ChangeRecord,
) -> Result<(), ChangesError> {
    let path = store.companion_path(profile, Companion::Changes)?;
    let mut line = serde_json::to_vec(record).map_err(|e| ChangesError::Write {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    line.push(b'\n');
    append_line(&path, &line).map_err(|source| ChangesError::Write { path, source })
}

fn append_line(path: &Path, line: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fsutil::create_private_dir(dir)?;
    }
    let mut f = open_append(path)?;
    f.write_all(line)?;
    f.sync_data()
}

#[cfg(unix)]
fn open_append(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_append(path: &Path) -> std::io::Result<std::fs::File> {
    OpenOptions::new().append(true).create(true).open(path)
}

/// Every line of the record, oldest first; an empty list when there is none yet.
pub fn read(store: &ProfileStore, profile: &str) -> Result<Vec<ChangeRecord>, ChangesError> {
    let path = store.companion_path(profile, Companion::Changes)?;
    if !path.exists() {
        return Ok(Vec::new());
    }
    let text = fsutil::read_regular_to_string(&path, MAX_RECORD_BYTES).map_err(|source| {
        ChangesError::Read {
            path: path.clone(),
            source,
        }
    })?;
    parse(&text, &path)
}

fn parse(text: &str, path: &Path) -> Result<Vec<ChangeRecord>, ChangesError> {
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.len().saturating_sub(1);
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str(line) {
            Ok(r) => out.push(r),
            // A crash while appending leaves at most the last line torn.
            Err(_) if i == last && !text.ends_with('\n') => {}
            Err(source) => {
                return Err(ChangesError::Damaged {
                    path: path.to_path_buf(),
                    line: i + 1,
                    source,
                });
            }
        }
    }
    Ok(out)
}

/// The steps of `records` that were started and never finished (the process stopped while the
/// call was in flight): `(run, step)` with their `started` line.
pub fn unfinished(records: &[ChangeRecord]) -> Vec<&ChangeRecord> {
    records
        .iter()
        .filter(|r| r.phase == Phase::Started)
        .filter(|s| {
            !records
                .iter()
                .any(|r| r.run == s.run && r.step == s.step && r.phase != Phase::Started)
        })
        .collect()
}

impl ChangeRecord {
    /// A line for `step` of `run`, stamped now.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        run: &str,
        step: usize,
        area: Area,
        tenant: &str,
        admin: Option<&str>,
        action: &str,
        summary: &str,
        phase: Phase,
    ) -> Self {
        ChangeRecord {
            at: OffsetDateTime::now_utc(),
            run: run.to_string(),
            step,
            area,
            tenant: tenant.to_string(),
            admin: admin.map(str::to_string),
            action: action.to_string(),
            summary: summary.to_string(),
            phase,
            objects: BTreeMap::new(),
            error: None,
        }
    }

    /// The same step in another phase, stamped now, without the earlier line's objects.
    pub fn next(&self, phase: Phase) -> Self {
        ChangeRecord {
            at: OffsetDateTime::now_utc(),
            phase,
            objects: BTreeMap::new(),
            error: None,
            ..self.clone()
        }
    }

    /// Adds a non-secret fact the tenant returned.
    pub fn with_object(mut self, key: &str, value: impl Into<String>) -> Self {
        self.objects.insert(key.to_string(), value.into());
        self
    }

    /// Marks why the step failed.
    pub fn with_error(mut self, error: impl Into<String>) -> Self {
        self.error = Some(error.into());
        self
    }
}

/// A `done` line of `area` with these facts, for tests that plan from a record.
#[cfg(test)]
pub(crate) fn done_line(area: Area, action: &str, objects: &[(&str, &str)]) -> ChangeRecord {
    let r = ChangeRecord::new("run", 0, area, "t", None, action, action, Phase::Done);
    objects.iter().fold(r, |r, (k, v)| r.with_object(k, *v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(step: usize, phase: Phase) -> ChangeRecord {
        ChangeRecord::new(
            "run-1",
            step,
            Area::Entra,
            "tenant",
            Some("admin@contoso.com"),
            "create-app",
            "Create the app registration",
            phase,
        )
    }

    #[test]
    fn appended_lines_read_back_in_order_and_the_file_is_private() {
        let dir = std::env::temp_dir().join(format!("ms-changes-{}", uuid::Uuid::new_v4()));
        let store = ProfileStore::at(&dir);
        let started = rec(0, Phase::Started);
        let done = started.next(Phase::Done).with_object("app_id", "abc");
        append(&store, "contoso", &started).expect("append");
        append(&store, "contoso", &done).expect("append");
        let back = read(&store, "contoso").expect("read");
        assert_eq!(back, vec![started, done]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = store
                .companion_path("contoso", Companion::Changes)
                .expect("path");
            let mode = std::fs::metadata(path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o077, 0, "record readable by others: {mode:o}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_torn_last_line_is_skipped_but_a_damaged_middle_line_is_an_error() {
        let good = serde_json::to_string(&rec(0, Phase::Started)).expect("json");
        let p = Path::new("x.changes.jsonl");
        let torn = format!("{good}\n{{\"at\":\"20");
        assert_eq!(parse(&torn, p).expect("torn tail").len(), 1);
        let damaged = format!("{{oops}}\n{good}\n");
        assert!(matches!(
            parse(&damaged, p),
            Err(ChangesError::Damaged { line: 1, .. })
        ));
    }

    #[test]
    fn unfinished_steps_are_those_started_without_an_outcome() {
        let a = rec(0, Phase::Started);
        let a_done = a.next(Phase::Done);
        let b = rec(1, Phase::Started);
        let all = vec![a, a_done, b.clone()];
        let left = unfinished(&all);
        assert_eq!(left, vec![&b]);
    }

    #[test]
    fn no_record_reads_as_empty() {
        let dir = std::env::temp_dir().join(format!("ms-changes-{}", uuid::Uuid::new_v4()));
        let store = ProfileStore::at(&dir);
        assert!(read(&store, "nobody").expect("read").is_empty());
    }
}
