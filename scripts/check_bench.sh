#!/bin/sh
# Benchmark of `mailscope check` against the simulated tenant (tests/graph_sim/bench.rs):
#  - 1,000 mailboxes expected granted + 50 expected denied, 50 ms latency, Kundo preset
#    (list one message, create and delete a draft): wall time per concurrency, batched and
#    not, against the lower bound; per-mailbox concurrency, early retries and drafts left
#    from the sim's counters;
#  - 10,000 mailboxes in a child process that runs only the check: peak RSS (VmHWM).
# Usage: scripts/check_bench.sh   (release build; takes about a minute after building)
set -eu
cd "$(dirname "$0")/.."
exec cargo test --release --test graph_sim bench -- --ignored --nocapture --test-threads 1
