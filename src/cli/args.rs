//! The command-line grammar (clap derive). Help texts teach the workflow.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::profile_source::ProfileSource;

/// From nothing to a verified, least-privilege Microsoft 365 mail integration.
///
/// mailscope walks you through registering an Entra ID app for a vendor's mail product,
/// keeps its secret in your OS keyring, writes the Exchange Online PowerShell that restricts
/// the app to the right mailboxes, and proves the result mailbox by mailbox with live
/// Microsoft Graph checks.
///
/// Run `mailscope` without a command to start the onboarding wizard (or resume one), or
/// `mailscope demo` to try the whole flow against a built-in simulated tenant.
#[derive(Debug, Parser)]
#[command(name = "mailscope", version, propagate_version = true)]
pub struct Cli {
    /// Without a subcommand, the onboarding wizard starts.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Try the whole onboarding on a built-in simulated Microsoft 365 tenant.
    ///
    /// Starts the simulated tenant in this process and opens the wizard on a demo profile
    /// pointed at it: every screen, and live checks with every kind of outcome. Nothing
    /// touches Microsoft, your profiles or your keyring.
    Demo,
    /// List, show, import, export and delete onboarding profiles.
    ///
    /// A profile holds the answers of one onboarding (tenant, app, credential kind,
    /// mailboxes and what each must allow). It never holds a secret: those are in the
    /// OS keyring. Profiles live in the OS config directory, or in $MAILSCOPE_HOME.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Store, inspect or delete a profile's credential (client secret, private key) in the OS
    /// keyring. `mailscope secret …` is the same command under its earlier name.
    ///
    /// For headless runs without a keyring, set MAILSCOPE_CLIENT_SECRET instead: it is
    /// used for that run and never stored.
    #[command(subcommand, name = "credential", alias = "secret")]
    Secret(SecretCommand),
    /// Show every profile's credential expiry; exit 1 when one needs attention.
    ///
    /// Warnings start 60 days before expiry and become urgent at 14. The exit code is 1
    /// when any credential has expired or expires within --warn-days, so this can run from
    /// a scheduled task or cron job.
    Status(StatusArgs),
    /// Write the PowerShell for a profile's exact values.
    ///
    /// The Exchange part creates shared mailboxes, the mail-enabled security group and its
    /// members, then scopes the app (application access policy, or RBAC for Applications)
    /// and tests every mailbox. The Entra part registers the app with Microsoft Graph
    /// PowerShell. Scripts are idempotent (safe to run twice), run in Windows PowerShell 5.1,
    /// and take -WhatIf for a dry run. Every value is quoted so no input can become code.
    Script(ScriptArgs),
    /// Run the simulated Microsoft 365 tenant (HTTPS) from a scenario file.
    ///
    /// Serves, as Microsoft documents them and errors included, with a fresh CA: the token
    /// endpoint (client credentials, and admin sign-in by browser with PKCE or device code),
    /// Graph's mail endpoints, Graph's app management (apps, service principals, consent,
    /// secrets and certificates) and Exchange's InvokeCommand endpoint (groups, access
    /// policies, RBAC for Applications, Test- cmdlets). Prints one JSON line when ready:
    /// {"authority":…,"graph":…,"ca_file":…,"tenant_id":…}; point a profile with
    /// cloud = "custom" at it. Serves until Ctrl-C / SIGTERM. Scenario format:
    /// docs/scenario-format.md; the demo tenant: assets/scenarios/demo.toml; a tenant whose
    /// admin signs in automatically, for `entra` and `exchange` by hand:
    /// assets/scenarios/exchange-unscoped.toml.
    Sim(SimArgs),
    /// Prove, mailbox by mailbox, that the app reaches exactly the mailboxes it should.
    ///
    /// Gets a token (secret or certificate), compares its consented roles with the preset,
    /// then checks each mailbox against its expectation with live Microsoft Graph calls:
    /// read (list one message), write (create a draft and delete it), settings, and send
    /// only with --send-to. Verdicts: pass, fail, pending (a recent scoping change may not
    /// have propagated yet), error. Exit 0 all pass, 1 not all pass, 2 bad usage or
    /// profile, 3 could not run (authentication, network). Ctrl-C stops, deletes the drafts
    /// made so far and prints the results so far.
    Check(CheckArgs),
    /// Explain an answer from Microsoft: prints {"cause","summary","fix","retry_after_s"}.
    ///
    /// For what a customer pasted: the endpoint kind, the HTTP status, headers, and the
    /// body (from --body-file, or standard input).
    Diagnose(DiagnoseArgs),
    /// A report to leave behind or attach to a ticket: Markdown, JSON or HTML.
    ///
    /// Holds the profile (tenant, client ID, cloud, preset, credential kind with its Secret
    /// ID or thumbprints and expiry), the permissions required and those the last token
    /// carried, the scoping and a hash of its script, and the last check matrix with
    /// verdicts, causes, fixes and request-ids. Never a secret, token or private key. The
    /// JSON follows docs/report-schema.json (schema mailscope-report/2).
    Report(ReportArgs),
    /// Reproduce a customer's report (JSON) on a simulated tenant and re-run its checks.
    ///
    /// Builds a scenario in which the same mailboxes are reachable, refused by policy,
    /// on-premises, missing or still propagating, and the same token refusal happens; then
    /// opens the wizard on its live checks, so support can see and explain the failure
    /// without access to the customer's tenant. With --headless, prints the check table
    /// instead. Outcomes it cannot reproduce are listed.
    Replay(ReplayArgs),
    /// Show a customer's report (JSON) in the wizard's screens, read-only.
    ///
    /// The same check table, diagnoses, fixes and request-ids, the token's permissions and
    /// the summary values the customer saw. Nothing can be changed or run; nothing is
    /// contacted.
    Open(OpenArgs),
    /// Sign in as a Microsoft 365 admin, for the Entra steps (or, with --exchange, the Exchange
    /// steps) mailscope does on your behalf.
    ///
    /// Opens the system browser (authorization code with PKCE; the answer comes back to a
    /// listener on this computer). Over SSH or without a display, or with --device-code, it
    /// prints a code to enter at Microsoft's device login page instead. Prints who signed in,
    /// to which tenant, and the directory roles the token names; never a token. The refresh
    /// token is kept in the OS keyring (unless --no-remember); access tokens only in memory.
    Signin(SigninArgs),
    /// Forget the remembered admin sign-in (the refresh token in the OS keyring).
    Signout(SignoutArgs),
    /// The profile's app in Entra, with the remembered admin sign-in: inspect, plan, apply.
    ///
    /// `inspect` lists findings (permissions missing, not consented, not needed or of the
    /// wrong kind; the Secret ID or certificate not in Entra; a secret expired or expiring;
    /// redirect URI, sign-in audience; several apps with the name; no service principal),
    /// each with a cause code, the evidence and the fix. `plan` lists what `apply` would
    /// change and which directory role each step needs; `apply` does it, records each change
    /// beside the profile and proves the result. Sign in first with `mailscope signin
    /// --profile NAME`. Exit 0 nothing found / nothing to do, 1 findings, 2 bad usage or
    /// profile, 3 could not run.
    #[command(subcommand)]
    Entra(EntraCommand),
    /// Scope the app to its mailboxes in Exchange Online without PowerShell, and ask Exchange
    /// for its verdict per mailbox.
    ///
    /// `test` asks Exchange (Test-ApplicationAccessPolicy or Test-ServicePrincipalAuthorization)
    /// whether the app reaches each mailbox and compares with the profile; `plan` lists what
    /// `apply` would change (the mail-enabled security group and its members, shared
    /// mailboxes, then the application access policy or RBAC for Applications); `apply` does
    /// it, records each change beside the profile and tests the result. Sign in first with
    /// `mailscope signin --profile NAME --exchange`. These commands use the REST endpoint
    /// Exchange Online PowerShell itself uses, which Microsoft does not document; `mailscope
    /// script` writes the documented PowerShell for the same steps. Exit 0 all as expected /
    /// nothing to do / applied and proven, 1 not all as expected / changes pending, 2 bad
    /// usage or profile, 3 could not run.
    #[command(subcommand)]
    Exchange(super::exchange_args::ExchangeCommand),
    /// Remove what mailscope created in the tenant for a profile, and nothing else.
    ///
    /// Plans from the profile's change record (secrets and certificates it added, consent it
    /// granted, the app it created or the vendor app's service principal), shows the plan,
    /// and once confirmed removes those, each recorded. Objects already gone are skipped;
    /// nothing mailscope did not create is touched. Needs the remembered admin sign-in.
    Offboard(ConfirmArg),
}

#[derive(Debug, Subcommand)]
pub enum EntraCommand {
    /// Compare the app in Entra with the profile and preset: findings with cause, evidence, fix.
    Inspect(EntraArgs),
    /// What `apply` would change, with the tenant and the signed-in admin at the top.
    Plan(EntraArgs),
    /// Carry the plan out: create or update the app, its service principal, a secret (value
    /// straight into the keyring) or a generated certificate, admin consent; fill the
    /// profile's client ID, Secret ID and expiry; then prove it with a token.
    ///
    /// Shows the plan and asks "Apply N changes to <tenant>? [y/N]" (without a terminal,
    /// --yes is needed). Every change is recorded in NAME.changes.jsonl beside the profile.
    /// Exit 0 applied and proven, 1 applied but the proof failed, 2 bad usage or profile,
    /// 3 could not run (sign-in, network, a role missing, refused by the tenant).
    Apply(EntraApplyArgs),
}

#[derive(Debug, Args)]
pub struct EntraApplyArgs {
    /// The stored profile (it may omit the client ID and the credential: apply fills them).
    #[arg(long, short = 'p', value_name = "NAME")]
    pub profile: String,
    /// Apply without asking (needed without a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct EntraArgs {
    /// The stored profile.
    #[arg(long, short = 'p', value_name = "NAME")]
    pub profile: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Which tenant and cloud an admin signs in to, and through which public client.
#[derive(Debug, Default, Args)]
pub struct SigninTarget {
    /// Take tenant, cloud and endpoints from a stored profile.
    #[arg(long, short = 'p', value_name = "NAME", conflicts_with_all = ["tenant", "cloud"])]
    pub profile: Option<String>,
    /// The tenant: Directory (tenant) ID or a verified domain.
    #[arg(long, value_name = "TENANT", required_unless_present = "profile")]
    pub tenant: Option<String>,
    /// The cloud: global, gcc, gcc-high, dod or china (default global).
    #[arg(long, value_name = "CLOUD")]
    pub cloud: Option<String>,
    /// The public client to sign in through (default: Microsoft Graph Command Line Tools,
    /// 14d82eec-204b-4c2f-b7e8-296a70dab67e), for tenants that block it.
    #[arg(long, value_name = "CLIENT_ID")]
    pub client_id: Option<String>,
    /// The sign-in for the `exchange` commands: Exchange Online (through Exchange Online
    /// PowerShell's public client, fb78d390-0c51-40cd-8e17-fdbfab77341b), remembered apart
    /// from the sign-in for Entra.
    #[arg(long)]
    pub exchange: bool,
}

#[derive(Debug, Default, Args)]
pub struct SigninArgs {
    #[command(flatten)]
    pub target: SigninTarget,
    /// Sign in with a code on another device instead of a browser on this one.
    #[arg(long)]
    pub device_code: bool,
    /// Do not keep the refresh token in the OS keyring.
    #[arg(long)]
    pub no_remember: bool,
}

#[derive(Debug, Default, Args)]
pub struct SignoutArgs {
    #[command(flatten)]
    pub target: SigninTarget,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// A report written by `mailscope report --format json`.
    pub report: PathBuf,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A report written by `mailscope report --format json`.
    pub report: PathBuf,
    /// Also save the generated scenario, to run it with `mailscope sim --scenario`.
    #[arg(long, value_name = "FILE")]
    pub scenario_out: Option<PathBuf>,
    /// Run the checks without the wizard and print the table.
    #[arg(long)]
    pub headless: bool,
    /// With --headless: one JSON document instead of a table.
    #[arg(long, requires = "headless")]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub source: ProfileSource,
    /// md (for tickets), json (for tools and `mailscope open`) or html (one printable file).
    #[arg(long, default_value = "md", value_name = "FORMAT")]
    pub format: String,
    /// Write to FILE (owner-only) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Default, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub source: ProfileSource,
    /// One JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
    /// HTTP requests in flight at once (a JSON batch counts as one).
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// One request per check instead of JSON batches.
    #[arg(long)]
    pub no_batch: bool,
    /// Re-check the cells that can still change by themselves (pending propagation,
    /// throttling, network) every 30 s until they settle (up to 2 h 15 min).
    #[arg(long)]
    pub watch: bool,
    /// Also prove Mail.Send by sending one message to ADDRESS (never by default).
    #[arg(long, value_name = "ADDRESS")]
    pub send_to: Option<String>,
    /// How long to wait for each answer from the token endpoint or Graph, connecting
    /// included (default 20; at most 600). A server that has not answered once is not asked
    /// again after two timeouts in a row.
    #[arg(long, value_name = "SECONDS", env = "MAILSCOPE_TIMEOUT", value_parser = mailscope::graph::timeout::parse_seconds)]
    pub timeout: Option<std::time::Duration>,
    /// No progress bar on standard error (it is drawn only on a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Default, Args)]
pub struct DiagnoseArgs {
    /// Which endpoint answered: token or graph.
    #[arg(long, value_name = "KIND")]
    pub endpoint: String,
    /// The HTTP status code.
    #[arg(long, value_name = "CODE")]
    pub status: u16,
    /// A response header, 'Name: value' (repeatable).
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// The response body; standard input when absent.
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SimArgs {
    /// The scenario (TOML): tenant, apps, mailboxes, groups, policies, faults.
    #[arg(long, value_name = "FILE")]
    pub scenario: PathBuf,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
    pub listen: std::net::SocketAddr,
}

#[derive(Debug, Args)]
pub struct ScriptArgs {
    #[command(flatten)]
    pub source: ProfileSource,
    /// Which script: exchange (scoping), entra (app registration) or all.
    #[arg(long, default_value = "exchange", value_name = "PART")]
    pub part: String,
    /// Override the profile's scoping mechanism: application-access-policy or rbac.
    #[arg(long, value_name = "MECHANISM")]
    pub mechanism: Option<String>,
    /// Write to this .ps1 file (owner-only) instead of standard output.
    #[arg(long, value_name = "FILE.ps1")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Exit with 1 when a credential expires within this many days.
    #[arg(long, default_value_t = 30, value_name = "DAYS")]
    pub warn_days: i64,
    /// One JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Read every credential of each profile's app from Entra (with the remembered admin
    /// sign-in per tenant), including ones the profile does not know.
    #[arg(long)]
    pub online: bool,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List profiles, one per line.
    List,
    /// Print a profile in its file format.
    Show { name: String },
    /// Delete a profile and its secrets in the keyring.
    ///
    /// If the keyring cannot be reached the profile is kept, so no secret is orphaned;
    /// --force deletes the file anyway.
    Delete {
        name: String,
        /// Delete the profile even when its keyring entries cannot be removed.
        #[arg(long)]
        force: bool,
    },
    /// Import a profile file (validated first; an existing profile is never overwritten).
    Import { file: PathBuf },
    /// Export a profile to FILE, or to standard output. Exports hold no secrets.
    Export { name: String, file: Option<PathBuf> },
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Read a client secret Value from standard input (no echo on a terminal), check it, and store it.
    ///
    /// Paste the Value column from Certificates & secrets, not the Secret ID.
    Set(ProfileArg),
    /// Say whether a client secret is stored for the profile, and in which keyring.
    Status(ProfileArg),
    /// Delete the profile's client secret and private key from the keyring.
    Delete(ProfileArg),
    /// Add a new client secret in Entra without downtime (admin sign-in needed).
    ///
    /// The new secret lives for the preset's lifetime, capped by the tenant's app management
    /// policy. It is proven (a token with the expected permissions, then one mailbox read)
    /// before it is used; if the proof fails it is removed again and nothing changes. Once
    /// proven it becomes the profile's secret in the keyring, and the old one stays in Entra
    /// and in the keyring, so the vendor's product keeps working until you give it the new
    /// Value (`mailscope credential reveal`) and run `mailscope credential retire-old`.
    ///
    /// For a certificate profile: a new certificate (generated, or --import FILE) is added
    /// with addKey, proven by the current one, and proven itself; the current one stays in
    /// Entra (and its key in the keyring) until `credential retire-old`.
    Rotate(RotateArg),
    /// Move a secret-based profile to a certificate (where the vendor accepts certificates).
    ///
    /// Uploads a certificate (generated, or --import FILE), proves it (a token with the
    /// expected permissions, one mailbox read), makes the profile use it, and removes the
    /// client secret once you confirm the vendor signs in with the certificate (later:
    /// `mailscope credential retire-old`). If the proof fails the certificate is removed again.
    Switch(SwitchArg),
    /// Remove the secret or certificate the last rotation or switch replaced, once the vendor
    /// uses the new one.
    #[command(name = "retire-old")]
    RetireOld(ConfirmArg),
    /// Show the profile's client secret Value to hand it to the vendor (never in a file).
    ///
    /// Prints it only to a terminal; --copy puts it on the clipboard instead.
    Reveal(RevealArg),
}

#[derive(Debug, Args)]
pub struct ConfirmArg {
    /// The profile's name (see `mailscope profile list`).
    #[arg(long, short = 'p')]
    pub profile: String,
    /// Do not ask for confirmation (needed when standard input is not a terminal).
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct RotateArg {
    #[command(flatten)]
    pub confirm: ConfirmArg,
    /// Certificate profiles: use this certificate with its key (PEM with both, or .pfx; its
    /// password is asked) instead of generating one.
    #[arg(long, value_name = "FILE")]
    pub import: Option<PathBuf>,
}

/// What `credential switch` moves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SwitchTo {
    Certificate,
}

#[derive(Debug, Args)]
pub struct SwitchArg {
    /// The kind of credential to move to.
    #[arg(long, value_enum)]
    pub to: SwitchTo,
    #[command(flatten)]
    pub confirm: ConfirmArg,
    /// Use this certificate with its key (PEM with both, or .pfx; its password is asked)
    /// instead of generating one.
    #[arg(long, value_name = "FILE")]
    pub import: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RevealArg {
    /// The profile's name (see `mailscope profile list`).
    #[arg(long, short = 'p')]
    pub profile: String,
    /// Copy the Value to the clipboard instead of printing it.
    #[arg(long)]
    pub copy: bool,
}

#[derive(Debug, Args)]
pub struct ProfileArg {
    /// The profile's name (see `mailscope profile list`).
    #[arg(long, short = 'p')]
    pub profile: String,
}
