#!/bin/sh
# Measures the simulated tenant's CPU use while it serves a 1,000-mailbox scenario
# (assets/scenarios/load-1000.toml) over loopback: starts `mailscope sim` as its own process,
# sends SIM_LOAD_REQUESTS Graph requests (default 6000) with SIM_LOAD_CONCURRENCY in flight
# (default 64), and prints the sim process's CPU time (/proc/PID/stat) against wall time.
#
#   scripts/sim_load.sh              # release build (the figure quoted in docs)
#   PROFILE=dev scripts/sim_load.sh  # debug build
set -eu
cd "$(dirname "$0")/.."
if [ "${PROFILE:-release}" = "release" ]; then
    set -- --release
else
    set --
fi
exec cargo test "$@" --test sim_http load::load_1000_mailboxes_cpu_fraction -- --ignored --nocapture
