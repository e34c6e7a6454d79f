//! mailscope command line entry point.
fn main() {}
