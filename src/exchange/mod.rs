//! Exchange Online scoping without PowerShell: the same steps the generated script takes
//! (shared mailboxes, the mail-enabled security group and its members, the application access
//! policy or RBAC for Applications), done through the REST endpoint Exchange Online
//! PowerShell v3 itself uses (`adminapi/beta/{tenant}/InvokeCommand`, undocumented: every
//! command that uses it says so, and the generated script stays the documented path), and
//! Exchange's own verdict per mailbox. No terminal code.
//!
//! - [`endpoints`]: the Exchange host and token resource per cloud.
//! - [`transport`]: one cmdlet call (paging, throttling, errors).
//! - [`error`]: typed failures and the parsing of Exchange's error answers.
//! - [`connect`]: the remembered Exchange sign-in renewed into a transport.
//! - [`entra_consent`]: removing the app's tenant-wide Entra consent (RBAC for Applications).
//! - [`target`]: what the profile wants Exchange to hold.
//! - [`read`]: what Exchange holds ([`read::ExchangeView`]).
//! - [`plan`]: what `exchange apply` would change.
//! - [`apply`]: `exchange apply`, recorded step by step; `steps`: each action as its cmdlet.
//! - [`offboard`]: what `offboard` removes in Exchange (from the change record).
//! - [`verify`]: whether a change whose answer was lost is in Exchange after all.
//! - [`verdict`]: `exchange test`, Exchange's verdict per mailbox.
//! - [`check_probe`]: the same verdict for `mailscope check`, beside Graph's.

mod answer;
pub mod apply;
pub mod check_probe;
pub mod connect;
pub mod endpoints;
pub mod entra_consent;
pub mod error;
pub mod offboard;
pub mod plan;
pub mod read;
mod steps;
pub mod target;
pub mod transport;
pub mod verdict;
pub mod verify;

pub use apply::{ApplyError, apply};
pub use connect::{Connection, connect, signin_config, test_profile};
pub use error::ExchangeError;
pub use plan::{Action, Plan, plan};
pub use read::{ExchangeView, read};
pub use target::Target;
pub use transport::{Params, Transport, params};
pub use verdict::{Access, MailboxVerdict, Outcome, ScopingTest, test_scoping};
