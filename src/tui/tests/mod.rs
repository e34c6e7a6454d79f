//! Tests of the wizard without a terminal: update, snapshots, a scripted walk.
