//! `mailscope exchange plan` and `mailscope exchange apply`.

use super::exchange_args::{ExchangeApplyArgs, ExchangePlanArgs};
use super::output::{EXIT_CANNOT_RUN, fail};

pub fn plan(_args: &ExchangePlanArgs) -> u8 {
    fail(EXIT_CANNOT_RUN, "exchange plan: not in this version yet")
}

pub fn apply(_args: &ExchangeApplyArgs) -> u8 {
    fail(EXIT_CANNOT_RUN, "exchange apply: not in this version yet")
}
