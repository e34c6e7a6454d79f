//! Tests of the simulated tenant, each talking HTTPS to a running sim.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

mod apps;
mod apps_keys;
mod apps_lag;
mod batch;
mod body_limits;
mod exchange;
mod exchange_scoping;
mod faults;
mod graph_authz;
mod graph_mail;
mod identity;
mod load;
mod mail_api;
mod query;
mod scenario_file;
mod signin;
mod support;
mod token;
mod token_cert;
