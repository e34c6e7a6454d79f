//! Keeps secrets out of core dumps: the process asks the OS not to write one (Unix:
//! `RLIMIT_CORE` = 0, and on Linux also not dumpable, which keeps other processes of the same
//! user from attaching a debugger). Windows and others: nothing to do here (see the README).

/// What was turned off, for `--help` text and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreDumpGuard {
    pub core_limit_zero: bool,
    pub not_dumpable: bool,
}

/// Turns core dumps off for this process. Failures are reported, never fatal.
pub fn disable_core_dumps() -> CoreDumpGuard {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, setrlimit};
        let core_limit_zero = setrlimit(
            Resource::Core,
            Rlimit {
                current: Some(0),
                maximum: Some(0),
            },
        )
        .is_ok();
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let not_dumpable =
            rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
                .is_ok();
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let not_dumpable = false;
        CoreDumpGuard {
            core_limit_zero,
            not_dumpable,
        }
    }
    #[cfg(not(unix))]
    {
        CoreDumpGuard {
            core_limit_zero: false,
            not_dumpable: false,
        }
    }
}
