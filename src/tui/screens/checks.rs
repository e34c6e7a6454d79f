//! Live checks: the mailbox × capability table filling in as results arrive, a filter to
//! problems, the selected cell's diagnosis, re-run, and watch mode for pending cells.

use std::collections::BTreeSet;

use mailscope::graph::CheckPlan;
use mailscope::preset::Preset;
use mailscope::profile::Profile;

use super::send_prompt::{self, SendPrompt};
use crate::tui::binding::{Binding, FocusKind};
use crate::tui::msg::{Action, Msg, Reply};
use crate::tui::shared::{Ctx, Effect, Nav, Outcome, RunId, Step};

/// Watch rounds follow the library's one policy ([`mailscope::graph::watch`]).
pub const WATCH_INTERVAL_S: u32 = mailscope::graph::WatchOptions::POLICY.interval.as_secs() as u32;

pub use crate::tui::shared::Capability;

/// The columns of the table: the capabilities the engine's plan checks for this profile,
/// and what the plan says it leaves out (send without opt-in, delegated-only presets).
pub fn plan_columns(
    profile: &Profile,
    preset: &Preset,
    send_to: Option<&str>,
) -> (Vec<Capability>, Vec<String>) {
    let plan = CheckPlan::new(profile, preset, send_to);
    let mut caps: Vec<Capability> = plan
        .mailboxes
        .iter()
        .flat_map(|m| m.capabilities.iter().copied())
        .collect();
    caps.sort();
    caps.dedup();
    (caps, plan.notes)
}

pub use mailscope::graph::Verdict;

/// How the table writes a verdict: failures in capitals so they stand out without colour.
pub fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Fail => "FAIL",
        other => other.as_str(),
    }
}

/// One finished cell: the engine's own result, as recorded and reported; the view formats it.
pub use crate::tui::shared::CellResult;

/// The report's cause code for a cell that reached a mailbox it must not (no Microsoft error).
pub const NOT_RESTRICTED: &str = "not-restricted";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    Idle,
    Running(RunId),
    Finished,
    /// The checks could not run at all (authentication, network), with the reason.
    Failed(String),
}

#[derive(Debug)]
pub struct ChecksState {
    pub phase: Phase,
    pub caps: Vec<Capability>,
    /// What the plan does not check, in words.
    pub notes: Vec<String>,
    /// rows × caps, in the profile's mailbox order.
    pub cells: Vec<Vec<Option<CellResult>>>,
    pub total: usize,
    pub done: usize,
    /// Index into the visible rows.
    pub selected: usize,
    pub column: usize,
    pub filter: bool,
    /// Rows with at least one cell that did not pass.
    pub problems: BTreeSet<usize>,
    pub watch: bool,
    /// Seconds until the next watch round.
    pub watch_in: u32,
    /// When watch mode stops by itself (the policy's `until` after it was turned on).
    pub watch_until: Option<time::OffsetDateTime>,
    /// When the last full run started and finished (for the report).
    pub started_at: Option<time::OffsetDateTime>,
    pub finished_at: Option<time::OffsetDateTime>,
    /// Where the send check mails to: set only through the prompt, for this session only.
    pub send_to: Option<String>,
    pub send: SendPrompt,
    /// The check run as recorded beside the profile: what the report is built from.
    pub recorded: Option<Box<mailscope::graph::CheckRun>>,
    /// The server a running check waits for, and since when nothing was heard from it.
    pub waiting: Option<(String, time::OffsetDateTime)>,
}

impl Default for ChecksState {
    fn default() -> Self {
        ChecksState {
            phase: Phase::Idle,
            caps: Vec::new(),
            notes: Vec::new(),
            cells: Vec::new(),
            total: 0,
            done: 0,
            selected: 0,
            column: 0,
            filter: false,
            problems: BTreeSet::new(),
            watch: false,
            watch_in: WATCH_INTERVAL_S,
            watch_until: None,
            started_at: None,
            finished_at: None,
            send_to: None,
            send: SendPrompt::default(),
            recorded: None,
            waiting: None,
        }
    }
}

impl ChecksState {
    pub fn running(&self) -> bool {
        matches!(self.phase, Phase::Running(_))
    }

    /// "12 s waiting for Graph at HOST" once a running check heard nothing for 2 s (the
    /// seconds first: a narrow screen cuts the end of the line).
    pub fn waiting_line(&self, now: time::OffsetDateTime) -> Option<String> {
        let (label, since) = self.waiting.as_ref().filter(|_| self.running())?;
        let waited = (now - *since).whole_seconds();
        (waited >= 2).then(|| format!("{waited} s waiting for {label}"))
    }

    /// How many rows the table shows.
    pub fn visible_len(&self) -> usize {
        if self.filter {
            self.problems.len()
        } else {
            self.cells.len()
        }
    }

    /// The profile row of the n-th visible row.
    pub fn row_at(&self, n: usize) -> Option<usize> {
        if self.filter {
            self.problems.iter().nth(n).copied()
        } else {
            (n < self.cells.len()).then_some(n)
        }
    }

    pub fn selected_cell(&self) -> Option<(usize, Capability, Option<&CellResult>)> {
        let row = self.row_at(self.selected)?;
        let cap = *self.caps.get(self.column)?;
        let cell = self.cells.get(row)?.get(self.column)?.as_ref();
        Some((row, cap, cell))
    }

    fn set(&mut self, row: usize, result: CellResult) {
        let Some(col) = self.caps.iter().position(|c| *c == result.capability) else {
            return;
        };
        let Some(slot) = self.cells.get_mut(row).and_then(|r| r.get_mut(col)) else {
            return;
        };
        if slot.is_none() {
            self.done += 1;
        }
        *slot = Some(result);
        let bad = self
            .cells
            .get(row)
            .is_some_and(|r| r.iter().flatten().any(|c| c.verdict != Verdict::Pass));
        if bad {
            self.problems.insert(row);
        } else {
            self.problems.remove(&row);
        }
    }

    /// Cells that watch mode re-checks: those that can still change by themselves (the
    /// library's policy, `graph::watch::recheck`).
    fn recheckable(&self) -> Vec<(usize, Capability)> {
        let mut out = Vec::new();
        for row in &self.problems {
            for (col, cap) in self.caps.iter().enumerate() {
                let again = self
                    .cells
                    .get(*row)
                    .and_then(|r| r.get(col))
                    .is_some_and(|c| {
                        c.as_ref()
                            .is_some_and(mailscope::graph::watch::recheck_cell)
                    });
                if again {
                    out.push((*row, *cap));
                }
            }
        }
        out
    }
}

/// Whether the send prompt has the keyboard.
pub fn prompting(st: &ChecksState) -> bool {
    st.send.open
}

pub fn bindings(st: &ChecksState, profile: &Profile, preset: &Preset) -> Vec<Binding> {
    if prompting(st) {
        return Vec::new();
    }
    let mut b = vec![
        Binding::key('r', Action::Rerun, "re-run", "r"),
        Binding::key('f', Action::Filter, "problems only", "f"),
        Binding::key('w', Action::Watch, "watch", "w"),
    ];
    if send_prompt::offered(preset, &profile.optional_permissions) {
        b.push(Binding::key('m', Action::SendTest, "send test mail", "m"));
    }
    b
}

pub fn focus_kind(st: &ChecksState) -> FocusKind {
    if prompting(st) {
        FocusKind::Text
    } else {
        FocusKind::Other
    }
}

/// Starts checks: all cells, or only `cells` (watch mode and re-runs of problems).
fn start(
    st: &mut ChecksState,
    profile: &Profile,
    preset: &Preset,
    ctx: &Ctx,
    cells: Option<Vec<(usize, Capability)>>,
) -> Outcome {
    let run = ctx.run;
    if cells.is_none() {
        let (caps, notes) = plan_columns(profile, preset, st.send_to.as_deref());
        st.caps = caps;
        st.notes = notes;
        st.cells = vec![vec![None; st.caps.len()]; profile.mailboxes.len()];
        st.problems.clear();
        st.done = 0;
        st.total = st.caps.len() * profile.mailboxes.len();
        st.selected = 0;
        st.started_at = Some(ctx.now);
        st.finished_at = None;
    } else {
        st.total = st.done;
    }
    st.phase = Phase::Running(run);
    st.watch_in = WATCH_INTERVAL_S;
    Outcome::effect(Effect::StartChecks {
        run,
        profile: profile.clone(),
        cells,
        send_to: st.send_to.clone(),
    })
}

/// On arrival: run the checks the first time.
pub fn on_enter(st: &mut ChecksState, profile: &Profile, preset: &Preset, ctx: &Ctx) -> Outcome {
    match st.phase {
        Phase::Idle => start(st, profile, preset, ctx, None),
        _ => Outcome::none(),
    }
}

/// Each second: count down to the next watch round.
pub fn tick(st: &mut ChecksState, profile: &Profile, preset: &Preset, ctx: &Ctx) -> Outcome {
    if !st.watch || st.phase != Phase::Finished {
        return Outcome::none();
    }
    if st.watch_until.is_some_and(|until| ctx.now > until) {
        st.watch = false;
        return Outcome::info(
            "Watch off after 2 h 15 min (Microsoft's longest propagation); pending cells need a look.",
        );
    }
    let again = st.recheckable();
    if again.is_empty() {
        st.watch = false;
        return Outcome::info(
            "Watch off: nothing left that can change by itself; failing cells need the fix shown.",
        );
    }
    st.watch_in = st.watch_in.saturating_sub(1);
    if st.watch_in == 0 {
        return start(st, profile, preset, ctx, Some(again));
    }
    Outcome::none()
}

/// Keys while the send prompt is open: on confirm, records the recipient for this session
/// and re-runs everything.
fn prompt_update(
    st: &mut ChecksState,
    profile: &Profile,
    preset: &Preset,
    ctx: &Ctx,
    msg: Msg,
) -> Outcome {
    let Some(to) = send_prompt::update(&mut st.send, st.send_to.as_deref(), msg) else {
        return Outcome::none();
    };
    let said = match &to {
        Some(a) => format!("Test mail goes to {a} on every run until you quit."),
        None => "Send check off: no mail is sent.".to_string(),
    };
    st.send_to = to;
    start(st, profile, preset, ctx, None).with_info(said)
}

pub fn update(
    st: &mut ChecksState,
    profile: &Profile,
    preset: &Preset,
    ctx: &Ctx,
    msg: Msg,
) -> Outcome {
    if prompting(st) && !matches!(msg, Msg::Reply(_)) {
        return prompt_update(st, profile, preset, ctx, msg);
    }
    let height = usize::from(ctx.size.1.saturating_sub(14)).max(1);
    let len = st.visible_len();
    if let Some(to) = super::listnav::moved(st.selected, len, height, &msg) {
        st.selected = to;
        return Outcome::none();
    }
    match msg {
        Msg::Reply(r) => reply(st, r, ctx.now),
        Msg::Action(a) => match a {
            Action::Left => st.column = st.column.saturating_sub(1),
            Action::Right => st.column = (st.column + 1).min(st.caps.len().saturating_sub(1)),
            Action::Filter => {
                st.filter = !st.filter;
                st.selected = 0;
            }
            Action::Watch => {
                st.watch = !st.watch;
                st.watch_in = WATCH_INTERVAL_S;
                st.watch_until = st.watch.then(|| {
                    ctx.now
                        + time::Duration::try_from(mailscope::graph::WatchOptions::POLICY.until)
                            .unwrap_or(time::Duration::hours(2))
                });
                return Outcome::info(if st.watch {
                    "Watch on: cells that can change by themselves are re-checked every 30 s, up to 2 h 15 min."
                } else {
                    "Watch mode off."
                });
            }
            Action::Rerun if !st.running() => return start(st, profile, preset, ctx, None),
            Action::Rerun => return Outcome::info("The checks are still running."),
            Action::SendTest => send_prompt::open(
                &mut st.send,
                st.send_to.as_deref(),
                send_prompt::offered(preset, &profile.optional_permissions),
            ),
            Action::Submit => return Outcome::go(Nav::Complete(Step::Checks)),
            _ => {}
        },
        _ => {}
    }
    Outcome::none()
}

fn reply(st: &mut ChecksState, r: Reply, now: time::OffsetDateTime) {
    if let Reply::RunRecorded(run) = r {
        st.recorded = Some(run);
        return;
    }
    let current = match st.phase {
        Phase::Running(id) => id,
        _ => return,
    };
    match r {
        Reply::ChecksStarted(id, total) if id == current => st.total = st.total.max(total),
        Reply::CheckCell(id, row, result) if id == current => {
            st.set(row, *result);
            if let Some((_, since)) = st.waiting.as_mut() {
                *since = now;
            }
        }
        Reply::ChecksWaiting(id, label) if id == current => st.waiting = Some((label, now)),
        Reply::ChecksFinished(id, res) if id == current => {
            st.finished_at = Some(now);
            st.phase = match res {
                Ok(()) => Phase::Finished,
                Err(e) => Phase::Failed(e),
            }
        }
        _ => {}
    }
}
