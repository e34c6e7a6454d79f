//! Effects: the I/O `update` asks for. They are executed in exactly one place (`runner`).

use std::path::PathBuf;

use mailscope::profile::Profile;
use mailscope::secrets::Secret;

use mailscope::graph::Capability;

/// A request id handed out by the model; the reply to the request echoes it.
pub type RunId = u64;

/// What "Do it for me" changes: the app in Entra, or the scoping in Exchange.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DoItArea {
    #[default]
    Entra,
    /// Through Exchange's admin endpoint with the Exchange sign-in (a second sign-in).
    Exchange,
}

/// Work for the effect runner; each result comes back as a `Reply` with the same run id.
#[derive(Debug)]
pub enum Effect {
    LoadProfiles,
    /// Read these profiles' credentials from Entra, as `status --online` does, for those with
    /// a remembered admin sign-in (the start screen).
    ReadOnline(Vec<Profile>),
    SaveProfile(Profile),
    StoreSecret {
        run: RunId,
        /// The secret is bound to this profile's tenant, app and endpoints.
        profile: Box<Profile>,
        value: Secret,
    },
    /// Is a client secret stored for this profile's current tenant, app and endpoints?
    ProbeSecret {
        run: RunId,
        profile: Box<Profile>,
    },
    LoadSecret {
        run: RunId,
        /// Handed out only when the stored binding matches this profile.
        profile: Box<Profile>,
    },
    GenerateCertificate {
        run: RunId,
        profile: Profile,
        cer_path: PathBuf,
    },
    ImportCertificate {
        run: RunId,
        profile: Profile,
        path: PathBuf,
        /// The PFX password (empty for PEM).
        password: Secret,
        cer_path: PathBuf,
    },
    VerifyToken {
        run: RunId,
        profile: Profile,
    },
    GenerateScript {
        run: RunId,
        profile: Profile,
    },
    ReadFile {
        run: RunId,
        path: PathBuf,
    },
    WriteFile {
        path: PathBuf,
        contents: String,
    },
    /// Merge LEXZUR's entry into its integrations.json; the secret only when the admin showed it.
    MergeIntegrations {
        path: PathBuf,
        key: String,
        client_id: String,
        secret: Option<Secret>,
    },
    /// Copy to the clipboard (OSC 52 and the system clipboard). Secret-typed so it is never logged.
    Copy(Secret),
    /// Run the checks; `cells` limits them to some (row, capability) pairs (watch, re-run).
    StartChecks {
        run: RunId,
        profile: Profile,
        cells: Option<Vec<(usize, Capability)>>,
        /// The recipient of the send check, when the admin opted in (None: nothing is sent).
        send_to: Option<String>,
    },
    CancelChecks,
    /// "Do it for me": resume the remembered admin sign-in or sign in (device code when
    /// `device_code`, else the browser where one can reach the loopback), read the tenant and
    /// make the plan, which the runner keeps in memory for `run`.
    DoItPlan {
        run: RunId,
        profile: Box<Profile>,
        device_code: bool,
        /// Entra (the app) or Exchange (the scoping screen).
        area: DoItArea,
    },
    /// Carry out the plan kept for `run`, then prove it.
    DoItApply {
        run: RunId,
    },
    /// Stop signing in or reading, and forget the plan (nothing has changed in the tenant).
    DoItCancel,
    /// Read the tenant with the remembered admin sign-in (never a new one) and inspect the app.
    InspectEntra {
        run: RunId,
        profile: Box<Profile>,
    },
    Quit,
}
