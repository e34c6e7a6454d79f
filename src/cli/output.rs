//! Shared conventions for commands: exit codes and error printing (from [`crate::exit`]).
//! Every value a command prints passes [`mailscope::text`] (here re-exported as `safe`,
//! `safe_text`, `safe_json`).

pub use crate::exit::{EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, outcome_code};
pub use mailscope::text::{
    json_terminal_safe as safe_json, terminal_safe as safe, terminal_safe_text as safe_text,
};
