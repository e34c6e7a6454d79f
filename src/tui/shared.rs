//! Small types every screen and the top level share: what a screen's `update` reads (`Ctx`)
//! and what it asks for next (`Outcome`: effects, a status line, navigation). A leaf: it
//! imports no screen, nor `model` or `nav`.

use mailscope::graph::CheckReport;
use mailscope::profile::Profile;
use time::{Date, OffsetDateTime};

pub use super::effect::{Effect, RunId};
pub use super::step::Step;
pub use mailscope::graph::{Capability, CellResult};

/// A one-line message in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Info(String),
    Error(String),
}

/// What a screen's `update` may read about the whole program; it changes nothing.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// The current time, advanced by ticks (so `update` never reads the clock).
    pub now: OffsetDateTime,
    /// Terminal size in cells (for page-wise moves).
    pub size: (u16, u16),
    /// A fresh run id reserved for this call, for a request whose reply must match.
    pub run: RunId,
}

impl Ctx {
    pub fn today(&self) -> Date {
        self.now.date()
    }
}

/// Where the wizard goes after a screen's update; applied in one place (`nav::apply`).
#[derive(Debug)]
pub enum Nav {
    /// This step is complete: save the profile with it recorded and show the next step.
    Complete(Step),
    /// One screen back (from the first step, to the start screen).
    Back,
    /// Open a saved or new profile where it was left, with its last recorded check run.
    Open {
        profile: Box<Profile>,
        last_run: Option<Box<CheckReport>>,
    },
    /// Leave the program (running checks are cancelled first).
    Quit,
}

/// What a screen's `update` asks for: effects to run, a status line, and where to go.
#[derive(Debug, Default)]
pub struct Outcome {
    pub effects: Vec<Effect>,
    /// `Some(None)` clears the status line; `None` leaves it as it is.
    pub status: Option<Option<Status>>,
    pub nav: Option<Nav>,
}

impl Outcome {
    /// Nothing to do.
    pub fn none() -> Self {
        Outcome::default()
    }

    pub fn effects(effects: Vec<Effect>) -> Self {
        Outcome {
            effects,
            ..Outcome::default()
        }
    }

    pub fn effect(effect: Effect) -> Self {
        Outcome::effects(vec![effect])
    }

    pub fn go(nav: Nav) -> Self {
        Outcome::none().and_go(nav)
    }

    pub fn info(s: impl Into<String>) -> Self {
        Outcome::none().with_info(s)
    }

    pub fn error(s: impl Into<String>) -> Self {
        Outcome::none().with_error(s)
    }

    pub fn and_go(mut self, nav: Nav) -> Self {
        self.nav = Some(nav);
        self
    }

    pub fn with_info(mut self, s: impl Into<String>) -> Self {
        self.status = Some(Some(Status::Info(s.into())));
        self
    }

    pub fn with_error(mut self, s: impl Into<String>) -> Self {
        self.status = Some(Some(Status::Error(s.into())));
        self
    }

    /// Clears the status line.
    pub fn without_status(mut self) -> Self {
        self.status = Some(None);
        self
    }

    /// Appends the effects of `later`; its status and navigation win when it has them.
    pub fn then(mut self, later: Outcome) -> Self {
        self.effects.extend(later.effects);
        if later.status.is_some() {
            self.status = later.status;
        }
        if later.nav.is_some() {
            self.nav = later.nav;
        }
        self
    }
}
