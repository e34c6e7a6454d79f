#!/bin/sh
# Benchmarks of the wizard (release build):
#  - the first frame: time from starting `mailscope` in a pseudo-terminal until the start screen
#    is on the screen (tests/tui_e2e.rs prints it; target < 100 ms);
#  - drawing the live-check screen with 10,000 rows, and with the problems filter
#    (src/tui/tests/timing.rs; target < 2 ms per frame).
# Usage: scripts/tui_bench.sh
set -eu
cd "$(dirname "$0")/.."
cargo test --release --test tui_e2e wizard_creates_a_profile -- --nocapture 2>&1 | grep "first frame"
cargo test --release --bin mailscope timing -- --ignored --nocapture 2>&1 | grep -E "per frame|cell updates"
