//! Moving a selection through a list: arrows, pages, ends, and the mouse wheel.

use crate::tui::msg::{Action, Msg};

/// The new selection for a navigation message over `len` rows with `page` visible, or None
/// when the message is not navigation.
pub fn moved(selected: usize, len: usize, page: usize, msg: &Msg) -> Option<usize> {
    let last = len.saturating_sub(1);
    let to = match msg {
        Msg::Action(Action::Up) => selected.saturating_sub(1),
        Msg::Action(Action::Down) => selected + 1,
        Msg::Action(Action::PageUp) => selected.saturating_sub(page.max(1)),
        Msg::Action(Action::PageDown) => selected + page.max(1),
        Msg::Action(Action::Top) => 0,
        Msg::Action(Action::Bottom) => last,
        Msg::Scroll(d) => usize::try_from(selected as i64 + i64::from(*d)).unwrap_or(0),
        _ => return None,
    };
    Some(to.min(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamps_to_the_list() {
        let a = |x| Msg::Action(x);
        assert_eq!(moved(0, 10, 4, &a(Action::Up)), Some(0));
        assert_eq!(moved(9, 10, 4, &a(Action::Down)), Some(9));
        assert_eq!(moved(2, 10, 4, &a(Action::PageDown)), Some(6));
        assert_eq!(moved(8, 10, 4, &a(Action::PageDown)), Some(9));
        assert_eq!(moved(1, 10, 4, &Msg::Scroll(-3)), Some(0));
        assert_eq!(moved(1, 10, 4, &a(Action::Bottom)), Some(9));
        assert_eq!(moved(1, 0, 4, &a(Action::Down)), Some(0));
        assert_eq!(moved(1, 10, 4, &a(Action::Submit)), None);
    }
}
