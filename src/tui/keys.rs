//! Keys to messages: each screen lists its bindings (which also feed the footer), and a few
//! keys mean the same everywhere. No key logic lives in `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::InputRequest;

use super::binding::FocusKind;
use super::form::Edit;
use super::model::{Model, Overlay};
use super::msg::{Action, Msg};
use super::route;

/// The message a key means here, if any.
pub fn map(model: &Model, k: KeyEvent) -> Option<Msg> {
    if k.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(k.code, KeyCode::Char('c') | KeyCode::Char('C')) {
        return Some(Msg::Action(Action::Quit));
    }
    if model.overlay == Overlay::Help {
        return match k.code {
            KeyCode::Esc
            | KeyCode::F(1)
            | KeyCode::Char('?')
            | KeyCode::Char('q')
            | KeyCode::Enter => Some(Msg::Action(Action::Help)),
            _ => None,
        };
    }
    if model.too_small() {
        return None;
    }
    if let Some(b) = route::bindings(model).iter().find(|b| b.matches(&k)) {
        return Some(Msg::Action(b.action));
    }
    let focus = route::focus_kind(model);
    let act = |a| Some(Msg::Action(a));
    match k.code {
        KeyCode::Esc => return act(Action::Back),
        KeyCode::F(1) => return act(Action::Help),
        KeyCode::Tab => return act(Action::FocusNext),
        KeyCode::BackTab => return act(Action::FocusPrev),
        KeyCode::Enter => return act(Action::Submit),
        _ => {}
    }
    match focus {
        FocusKind::Text => text_key(k, ctrl),
        FocusKind::Choice => match k.code {
            KeyCode::Left => Some(Msg::Edit(Edit::Key(InputRequest::GoToPrevChar))),
            KeyCode::Right | KeyCode::Char(' ') => {
                Some(Msg::Edit(Edit::Key(InputRequest::GoToNextChar)))
            }
            KeyCode::Up => act(Action::FocusPrev),
            KeyCode::Down => act(Action::FocusNext),
            KeyCode::Char('?') => act(Action::Help),
            _ => None,
        },
        FocusKind::Other => nav_key(k),
    }
}

fn text_key(k: KeyEvent, ctrl: bool) -> Option<Msg> {
    let edit = |r| Some(Msg::Edit(Edit::Key(r)));
    match k.code {
        KeyCode::Char('w') if ctrl => edit(InputRequest::DeletePrevWord),
        KeyCode::Char('u') if ctrl => edit(InputRequest::DeleteFromStart),
        KeyCode::Char('k') if ctrl => edit(InputRequest::DeleteTillEnd),
        KeyCode::Char('a') if ctrl => edit(InputRequest::GoToStart),
        KeyCode::Char('e') if ctrl => edit(InputRequest::GoToEnd),
        KeyCode::Char(_) if ctrl => None,
        KeyCode::Char(c) => edit(InputRequest::InsertChar(c)),
        KeyCode::Backspace => edit(InputRequest::DeletePrevChar),
        KeyCode::Delete => edit(InputRequest::DeleteNextChar),
        KeyCode::Left if ctrl => edit(InputRequest::GoToPrevWord),
        KeyCode::Right if ctrl => edit(InputRequest::GoToNextWord),
        KeyCode::Left => edit(InputRequest::GoToPrevChar),
        KeyCode::Right => edit(InputRequest::GoToNextChar),
        KeyCode::Home => edit(InputRequest::GoToStart),
        KeyCode::End => edit(InputRequest::GoToEnd),
        KeyCode::Up => Some(Msg::Action(Action::FocusPrev)),
        KeyCode::Down => Some(Msg::Action(Action::FocusNext)),
        _ => None,
    }
}

fn nav_key(k: KeyEvent) -> Option<Msg> {
    let a = match k.code {
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::Left | KeyCode::Char('h') => Action::Left,
        KeyCode::Right | KeyCode::Char('l') => Action::Right,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Home | KeyCode::Char('g') => Action::Top,
        KeyCode::End | KeyCode::Char('G') => Action::Bottom,
        _ => return None,
    };
    Some(Msg::Action(a))
}
