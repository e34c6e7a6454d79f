//! Command-line subcommands: argument definitions and one module per command family.

pub mod args;
pub mod check_cmd;
pub mod check_progress;
pub mod check_table;
pub mod credential_cert;
pub mod credential_lifecycle;
pub mod diagnose_cmd;
pub mod entra_apply_cmd;
pub mod entra_cmd;
pub mod exchange_apply_cmd;
pub mod exchange_args;
pub mod exchange_cmd;
pub mod offboard_cmd;
pub mod output;
pub mod profile_cmd;
pub mod profile_source;
pub mod replay_cmd;
pub mod report_cmd;
pub mod script_cmd;
pub mod secret_cmd;
pub mod signin_cmd;
pub mod sim_cmd;
pub mod status_cmd;
pub mod status_online;
