//! What "Do it for me" and the Entra read-back send the wizard: plain data in words (no token,
//! no secret value), made by `tasks::entra` from the library's plan, progress and proof.

use mailscope::profile::Profile;

/// What the admin must do to sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SigninPrompt {
    /// The system browser was asked to open `url` (`opened`: whether it did).
    Browser { url: String, opened: bool },
    /// Open `uri` and enter `code` (Microsoft's `message` says both).
    DeviceCode {
        message: String,
        code: String,
        uri: String,
    },
}

/// One directory role requirement of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleLine {
    /// What it is for, in words.
    pub need: String,
    /// The roles that satisfy it ("Application Administrator or …").
    pub roles: String,
    /// The role the admin holds for it.
    pub held: Option<String>,
}

/// The plan, as the wizard shows it before anything changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSummary {
    pub tenant_name: String,
    pub tenant_id: String,
    pub admin: String,
    /// The admin's active directory roles.
    pub admin_roles: Vec<String>,
    pub roles: Vec<RoleLine>,
    /// Each change in words, in the order apply runs them.
    pub actions: Vec<String>,
    /// `{authority}/{tenant}/adminconsent?client_id=…`, once the app exists.
    pub consent_url: Option<String>,
    /// Why the plan stops before the first change, when it does (Exchange: a distribution
    /// list where a policy needs a security group…).
    pub blocked: Option<String>,
    /// What the admin must look at, never changed by apply (a must-not-reach member…).
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
}

impl PlanSummary {
    /// Roles needed and not held.
    pub fn missing(&self) -> impl Iterator<Item = &RoleLine> {
        self.roles.iter().filter(|r| r.held.is_none())
    }

    /// Whether y applies it: no role missing and no stop.
    pub fn can_apply(&self) -> bool {
        self.missing().next().is_none() && self.blocked.is_none()
    }
}

/// One step of the apply, as shown while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepLine {
    pub summary: String,
    pub done: bool,
    /// Non-secret facts the tenant returned ("client ID …, Secret ID …").
    pub facts: String,
}

/// Progress while applying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Started {
        step: usize,
        of: usize,
        summary: String,
    },
    /// What is awaited while Entra replicates ("waiting for … (attempt 2 of 8)").
    Waiting(String),
    Done {
        step: usize,
        facts: String,
    },
    Proving(String),
}

/// Why "Do it for me" stopped, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub what: String,
    pub fix: String,
    /// What was recorded (the change record and what it holds), when anything changed.
    pub recorded: Option<String>,
}

/// What was applied and proven.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The profile as apply saved it (IDs, Secret ID and expiry or thumbprint; no secret).
    pub profile: Box<Profile>,
    pub steps: usize,
    /// Where the change record is and the run's ID.
    pub recorded: String,
    pub proven: bool,
    /// The proof in words, line by line.
    pub proof: Vec<String>,
}

/// The runner's answers to "Do it for me".
#[derive(Debug, Clone, PartialEq)]
pub enum DoItReply {
    Signin(SigninPrompt),
    /// The tenant is being read as this admin.
    Reading {
        admin: String,
    },
    Planned(Box<PlanSummary>),
    Progress(Progress),
    Finished(Result<Applied, Failure>),
    /// Signing in, reading or planning failed; nothing was changed.
    Stopped(Failure),
}

/// One `entra inspect` finding, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingLine {
    pub code: String,
    pub evidence: String,
    pub fix: String,
}

/// What the admin's read of the tenant says about the app (the permissions screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inspection {
    /// No admin sign-in is remembered (`how`: how to get one).
    NotSignedIn {
        how: String,
    },
    Findings {
        admin: String,
        findings: Vec<FindingLine>,
    },
    Failed(String),
}
