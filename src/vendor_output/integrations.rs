//! LEXZUR's `application/config/integrations.json`: the `"MS-OfficeMail-365"` entry with
//! `clientId` and `clientSecret`, shown for copying or merged into the installed file.
//!
//! The merge changes only those two keys of that one entry; every other key, its order and the
//! file's indentation stay as they were, and the file keeps its permissions. The secret is
//! written only when the caller passes it (an explicit request); otherwise any secret already
//! in the file is left untouched.

use std::io;
use std::path::{Path, PathBuf};

use crate::fsutil;

use super::ordered::{Ordered, indentation, set, to_pretty};

/// What the entry shows in place of the secret when it is not requested.
pub const SECRET_NOT_SHOWN: &str = "(kept in the OS keyring; shown only when you ask for it)";

/// Why the vendor file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum VendorOutputError {
    #[error(
        "{path}: no such file. Check the path: it is application/config/integrations.json inside the LEXZUR installation."
    )]
    NotFound { path: PathBuf },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "{path} is not valid JSON ({source}); fix or restore it first, mailscope will not overwrite it"
    )]
    Invalid {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{path}: {what}; mailscope will not overwrite it")]
    Unexpected { path: PathBuf, what: String },
}

/// What a merge changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergeOutcome {
    /// The entry did not exist and was added.
    pub entry_added: bool,
    /// The secret was written (it was passed).
    pub secret_written: bool,
    /// After the merge, the entry has a non-empty `clientSecret`.
    pub secret_present: bool,
}

fn entry(client_id: &str, secret: &str) -> Ordered {
    Ordered::Object(vec![
        ("clientId".to_string(), Ordered::string(client_id)),
        ("clientSecret".to_string(), Ordered::string(secret)),
    ])
}

/// The entry as JSON text, for display: `"<key>": { "clientId": ..., "clientSecret": ... }`.
/// Without `secret`, the secret's place says where it is kept.
pub fn integrations_entry(key: &str, client_id: &str, secret: Option<&str>) -> String {
    let value = Ordered::Object(vec![(
        key.to_string(),
        entry(client_id, secret.unwrap_or(SECRET_NOT_SHOWN)),
    )]);
    // Serialising strings cannot fail; fall back to an empty object all the same.
    to_pretty(&value, "    ").unwrap_or_else(|_| "{}\n".to_string())
}

/// Merges the entry into `existing` (the file's text). Pure; see [`write_integrations`].
pub fn merge_integrations(
    existing: &str,
    key: &str,
    client_id: &str,
    secret: Option<&str>,
    path: &Path,
) -> Result<(String, MergeOutcome), VendorOutputError> {
    let unexpected = |what: &str| VendorOutputError::Unexpected {
        path: path.to_path_buf(),
        what: what.to_string(),
    };
    let mut doc: Ordered =
        serde_json::from_str(existing).map_err(|source| VendorOutputError::Invalid {
            path: path.to_path_buf(),
            source,
        })?;
    let top = doc
        .as_object_mut()
        .ok_or_else(|| unexpected("the file is not a JSON object"))?;
    let entry_added = !top.iter().any(|(k, _)| k == key);
    if entry_added {
        top.push((key.to_string(), Ordered::Object(Vec::new())));
    }
    let fields = top
        .iter_mut()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| v.as_object_mut())
        .ok_or_else(|| unexpected(&format!("\"{key}\" is not a JSON object")))?;
    set(fields, "clientId", Ordered::string(client_id));
    if let Some(s) = secret {
        set(fields, "clientSecret", Ordered::string(s));
    }
    let secret_present = fields.iter().any(|(k, v)| {
        k == "clientSecret"
            && matches!(v, Ordered::Leaf(serde_json::Value::String(s)) if !s.is_empty())
    });
    let text =
        to_pretty(&doc, &indentation(existing)).map_err(|source| VendorOutputError::Invalid {
            path: path.to_path_buf(),
            source,
        })?;
    let outcome = MergeOutcome {
        entry_added,
        secret_written: secret.is_some(),
        secret_present,
    };
    Ok((text, outcome))
}

/// Merges the entry into the file at `path`, keeping the file's permissions. The file must
/// exist (it is part of the LEXZUR installation).
pub fn write_integrations(
    path: &Path,
    key: &str,
    client_id: &str,
    secret: Option<&str>,
) -> Result<MergeOutcome, VendorOutputError> {
    let io_err = |source: io::Error| VendorOutputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let existing = match fsutil::read_regular_to_string(path, fsutil::MAX_DOCUMENT_BYTES) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(VendorOutputError::NotFound {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(io_err(e)),
    };
    let (text, outcome) = merge_integrations(&existing, key, client_id, secret, path)?;
    fsutil::write_keeping_permissions(path, text.as_bytes()).map_err(io_err)?;
    Ok(outcome)
}
