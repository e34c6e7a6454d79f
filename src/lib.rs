//! mailscope: the domain library (profiles, presets, secrets, PowerShell, Graph checks, simulated tenant).

pub mod sim;
