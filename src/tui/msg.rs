//! Messages: what happened (a key mapped to an action, a paste, a resize, a worker's reply).
//! Replies carry the run id of the request so that a reply to an abandoned run is ignored.

use mailscope::graph::CheckRun;
use mailscope::profile::Profile;
use mailscope::secrets::Secret;

pub use super::effect::RunId;
pub use super::entra_msg::{DoItReply, Inspection};
use super::form::Edit;
use super::shared::CellResult;

/// What a key means on the current screen. Every action a key can trigger is listed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Leave the program (cancelling running checks).
    Quit,
    /// Go back one screen or close what is open; nothing typed is lost.
    Back,
    /// Open or close this screen's help.
    Help,
    /// Confirm: next field, or continue to the next step from the last one.
    Submit,
    /// Move focus to the next / previous field or pane.
    FocusNext,
    FocusPrev,
    /// Move the selection in a list or scroll a view.
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Move the selected column in the check table.
    Left,
    Right,
    /// Start a new onboarding from the start screen.
    New,
    /// Show or hide a masked secret while typing it.
    Reveal,
    /// Get a token and show which permissions it carries.
    Verify,
    /// Skip an optional step.
    Skip,
    /// Start adding mailboxes (one, or many pasted at once).
    Add,
    /// Remove the selected mailbox.
    Remove,
    /// Switch the selected mailbox between must-reach and must-not-reach.
    ToggleExpect,
    /// Switch the selected mailbox between user and shared.
    ToggleKind,
    /// Request or leave out the preset's optional permissions (permissions step).
    ToggleOptional,
    /// Read mailboxes or a certificate from a file.
    Import,
    /// Generate a self-signed certificate.
    Generate,
    /// Copy the script or the selected value to the clipboard.
    Copy,
    /// Save the script to a .ps1 file.
    Save,
    /// Record that the admin ran the scoping script (`scope.changed_at`).
    MarkRun,
    /// Run the checks again.
    Rerun,
    /// Show only the mailboxes with a problem.
    Filter,
    /// Keep re-checking the cells that can change by themselves (the watch policy).
    Watch,
    /// Opt in to the send check: name the recipient of the test messages.
    SendTest,
    /// Show the client secret on the summary (explicit request).
    ShowSecret,
    /// Export a report of this onboarding.
    Export,
    /// Copy the vendor file's entry (LEXZUR integrations.json).
    CopyEntry,
    /// Merge the entry into the vendor's installed file.
    WriteEntry,
    /// "Do it for me": sign in as an admin, plan, apply after confirmation, fill the fields.
    DoIt,
    /// Yes: apply the plan shown.
    Yes,
}

/// Everything `update` reacts to.
#[derive(Debug)]
pub enum Msg {
    Action(Action),
    /// An editing keystroke for the focused text field, or a burst of typed text.
    Edit(Edit),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    Resize(u16, u16),
    /// Mouse wheel: positive scrolls down.
    Scroll(i32),
    /// About a second passed; carries the time so `update` never reads the clock.
    Tick(time::OffsetDateTime),
    Reply(Reply),
}

/// A saved profile as listed on the start screen.
#[derive(Debug, Clone)]
pub struct ListedProfile {
    pub name: String,
    pub profile: Result<Profile, String>,
    /// The last recorded check run, in one line.
    pub last_check: Option<String>,
    /// The last recorded check run itself (what reports are built from).
    pub last_run: Option<Box<CheckRun>>,
}

/// A certificate made or imported for the app.
#[derive(Debug, Clone, PartialEq)]
pub struct CertInfo {
    pub sha1: String,
    pub sha256: String,
    pub cer_path: String,
    pub expires: Option<time::Date>,
}

/// Results from the effect runner.
#[derive(Debug)]
pub enum Reply {
    ProfilesLoaded(Result<Vec<ListedProfile>, String>),
    Saved(Result<String, String>),
    /// The client secret was stored (Ok: the backend's name).
    SecretStored(RunId, Result<String, String>),
    /// Whether a client secret is already stored for the profile.
    SecretPresence(RunId, Result<bool, String>),
    /// The client secret, loaded on explicit request for the summary.
    SecretLoaded(RunId, Result<Secret, String>),
    Certificate(RunId, Result<CertInfo, CertTaskError>),
    /// Application permissions the token carries.
    Verified(RunId, Result<Vec<String>, String>),
    /// The roles of the token a check run got (fills Verify's result when it was not run).
    TokenSeen(Vec<String>),
    Script(RunId, Result<String, String>),
    FileRead(RunId, Result<String, String>),
    /// A file was written (Ok: its path).
    FileWritten(Result<String, String>),
    /// Copied (Ok: how, e.g. "terminal clipboard (OSC 52)").
    Copied(Result<String, String>),
    /// The checks started: how many cells they will fill.
    ChecksStarted(RunId, usize),
    /// A finished cell, in the table's row of its mailbox (the profile's mailbox order).
    CheckCell(RunId, usize, Box<CellResult>),
    /// The run now waits for this server ("the token endpoint at HOST", "Graph at HOST").
    ChecksWaiting(RunId, String),
    ChecksFinished(RunId, Result<(), String>),
    /// The check run as recorded beside the profile (a partial run merged into the last one).
    RunRecorded(Box<CheckRun>),
    /// "Do it for me": sign-in prompts, the plan, progress, the result.
    DoIt(RunId, DoItReply),
    /// What the admin's read of the tenant says about the app.
    Inspected(RunId, Inspection),
}

/// Why a certificate could not be made ready, by what the admin should correct: the screen
/// puts each kind next to its own field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CertTaskError {
    /// Where the public `.cer` goes (empty, already there, not writable).
    #[error("{0}")]
    CerPath(String),
    /// The PFX password does not open the file.
    #[error("{0}")]
    Password(mailscope::credential::CredentialError),
    /// The file to import, or the generation itself.
    #[error("{0}")]
    Source(String),
    /// The keyring refused the private key.
    #[error("{0}")]
    Keyring(mailscope::secrets::SecretError),
}

impl From<mailscope::credential::CredentialError> for CertTaskError {
    fn from(e: mailscope::credential::CredentialError) -> Self {
        match e {
            mailscope::credential::CredentialError::PfxPassword => CertTaskError::Password(e),
            mailscope::credential::CredentialError::FileExists(_) => {
                CertTaskError::CerPath(e.to_string())
            }
            mailscope::credential::CredentialError::Store(s) => CertTaskError::Keyring(s),
            other => CertTaskError::Source(other.to_string()),
        }
    }
}
