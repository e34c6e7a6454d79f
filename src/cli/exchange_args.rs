//! The grammar of `mailscope exchange test|plan|apply` (clap derive).

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum ExchangeCommand {
    /// Exchange's verdict per mailbox, compared with what the profile expects.
    Test(ExchangeTestArgs),
    /// What `exchange apply` would change, with the tenant and the signed-in admin at the top.
    Plan(ExchangePlanArgs),
    /// Make the changes (after confirmation), record each one beside the profile, then test.
    Apply(ExchangeApplyArgs),
}

#[derive(Debug, Args)]
pub struct ExchangeTestArgs {
    /// The stored profile.
    #[arg(long, short = 'p', value_name = "NAME")]
    pub profile: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExchangePlanArgs {
    /// The stored profile.
    #[arg(long, short = 'p', value_name = "NAME")]
    pub profile: String,
    /// policy (application access policy) or rbac (RBAC for Applications); default: the
    /// profile's, else the preset's. Planning rbac where a policy scopes the app shows the
    /// migration.
    #[arg(long, value_name = "MECHANISM")]
    pub mechanism: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExchangeApplyArgs {
    #[command(flatten)]
    pub plan: ExchangePlanArgs,
    /// Apply without asking (needed without a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// With rbac: also remove the app's tenant-wide Entra consent for the permissions Exchange
    /// now scopes (uses the Entra sign-in, `mailscope signin --profile NAME`). Without it,
    /// apply asks on a terminal and otherwise leaves the consent and says so.
    #[arg(long)]
    pub remove_consent: bool,
}
