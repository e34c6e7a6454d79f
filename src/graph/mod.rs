//! Live Graph access checks: clouds and endpoints, app-only tokens, the per-mailbox check
//! engine, and the diagnosis of every answer Microsoft gives.
//!
//! - [`cloud`]: endpoints per cloud; a token only goes to its own cloud's Graph host.
//! - [`auth`]: client credentials (secret or PS256 certificate assertion), token cache,
//!   consent (`roles`) check.
//! - [`session`]: one app signed in to one cloud; Graph calls and `$batch`.
//! - [`diagnosis`]: status + headers + body → stable cause, summary, fix.
//! - [`plan`] → [`runner`] (with [`unit`], [`ops`], [`retry`], [`batch`]) → [`run_result`], with
//!   [`verdict`] deciding each cell; [`watch`] repeats unsettled cells.
//! - [`exchange_column`]: Exchange's own verdict per mailbox beside Graph's (asked through an
//!   [`ExchangeProbe`] the caller hands in), and [`exchange_decide`]: how it settles a cell.
//! - [`check_run`]: the one entry point that runs a profile's checks (and watch) for the
//!   command line and the wizard alike.

// A `Diagnosis` is the error value of every request by design (it is what gets reported), and
// requests are far costlier than moving 170 bytes.
#![allow(clippy::result_large_err)]

pub mod auth;
pub mod batch;
pub mod cancel;
pub mod check_run;
pub mod client;
pub mod cloud;
pub mod cloud_exchange;
pub mod diagnosis;
pub mod events;
pub mod exchange_column;
pub mod exchange_decide;
pub mod ops;
pub mod plan;
pub mod retry;
pub mod run_result;
pub mod runner;
pub mod session;
pub mod timeout;
pub mod unit;
pub mod verdict;
pub mod watch;

pub use cancel::Cancel;
pub use check_run::{RunError, RunSpec, run_profile};
pub use diagnosis::{Cause, Diagnosis, EndpointKind, diagnose};
pub use events::{CheckEvent, ProgressSnapshot};
pub use exchange_column::{
    ExchangeAccess, ExchangeMailbox, ExchangeProbe, ExchangeState, ExchangeVerdicts, ProbeInput,
};
pub use plan::{Capability, CheckPlan};
pub use run_result::{CellResult, CheckRun, Counts, Outcome, TokenResult};
pub use runner::{CheckOptions, DEFAULT_CONCURRENCY, WatchOptions, run};
pub use session::Session;
pub use verdict::Verdict;
pub use watch::run_watch;
