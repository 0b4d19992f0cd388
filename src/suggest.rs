//! The keyboard of the search box's suggestions (the ARIA 1.2 combobox pattern with a listbox
//! popup): ↓/↑ move through the suggestions (wrapping, and opening the list when it is
//! closed), Enter chooses the highlighted one (the first when none is), Esc closes the list,
//! and a second Esc clears the box. Pure, so it is tested natively.

/// A key the box handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// ↓
    Down,
    /// ↑
    Up,
    /// Enter
    Enter,
    /// Esc
    Escape,
}

impl Key {
    /// From `KeyboardEvent.key`.
    pub fn from_name(name: &str) -> Option<Key> {
        match name {
            "ArrowDown" | "Down" => Some(Key::Down),
            "ArrowUp" | "Up" => Some(Key::Up),
            "Enter" => Some(Key::Enter),
            "Escape" | "Esc" => Some(Key::Escape),
            _ => None,
        }
    }
}

/// The list's state: open or not, and which suggestion is highlighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Popup {
    /// The suggestions are shown.
    pub open: bool,
    /// The highlighted suggestion (`aria-activedescendant`).
    pub active: Option<usize>,
}

/// What a key asks for besides the new state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Only the list's state changes (or nothing).
    Stay,
    /// Choose suggestion `i`.
    Choose(usize),
    /// Empty the box.
    Clear,
}

impl Popup {
    /// The state after `key` with `count` suggestions, and what else to do. `None` when the key
    /// is not the box's business (the browser's default action then happens).
    pub fn key(self, key: Key, count: usize) -> Option<(Popup, Outcome)> {
        let step = |from: Option<usize>, forward: bool| -> Option<usize> {
            if count == 0 {
                return None;
            }
            Some(match (from, forward) {
                (None, true) => 0,
                (None, false) => count - 1,
                (Some(i), true) => (i + 1) % count,
                (Some(i), false) => (i + count - 1) % count,
            })
        };
        Some(match key {
            Key::Down | Key::Up if count == 0 => return None,
            Key::Down | Key::Up if !self.open => (
                Popup {
                    open: true,
                    active: step(None, key == Key::Down),
                },
                Outcome::Stay,
            ),
            Key::Down | Key::Up => (
                Popup {
                    open: true,
                    active: step(self.active, key == Key::Down),
                },
                Outcome::Stay,
            ),
            Key::Enter if self.open && count > 0 => {
                let chosen = self.active.filter(|&i| i < count).unwrap_or(0);
                (Popup::default(), Outcome::Choose(chosen))
            }
            Key::Enter => return None,
            Key::Escape if self.open => (Popup::default(), Outcome::Stay),
            Key::Escape => (Popup::default(), Outcome::Clear),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: Popup = Popup {
        open: true,
        active: None,
    };

    fn at(i: usize) -> Popup {
        Popup {
            open: true,
            active: Some(i),
        }
    }

    #[test]
    fn arrows_move_and_wrap() {
        assert_eq!(OPEN.key(Key::Down, 3), Some((at(0), Outcome::Stay)));
        assert_eq!(at(0).key(Key::Down, 3), Some((at(1), Outcome::Stay)));
        assert_eq!(at(2).key(Key::Down, 3), Some((at(0), Outcome::Stay)));
        assert_eq!(OPEN.key(Key::Up, 3), Some((at(2), Outcome::Stay)));
        assert_eq!(at(0).key(Key::Up, 3), Some((at(2), Outcome::Stay)));
        // A closed list opens on an arrow.
        assert_eq!(
            Popup::default().key(Key::Down, 3),
            Some((at(0), Outcome::Stay))
        );
        // Nothing to move through: the key is not handled.
        assert_eq!(OPEN.key(Key::Down, 0), None);
    }

    #[test]
    fn enter_chooses_the_highlighted_or_the_first() {
        assert_eq!(
            at(1).key(Key::Enter, 3),
            Some((Popup::default(), Outcome::Choose(1)))
        );
        assert_eq!(
            OPEN.key(Key::Enter, 3),
            Some((Popup::default(), Outcome::Choose(0)))
        );
        // Stale highlight after the suggestions shrank: the first.
        assert_eq!(
            at(5).key(Key::Enter, 2),
            Some((Popup::default(), Outcome::Choose(0)))
        );
        assert_eq!(Popup::default().key(Key::Enter, 3), None);
        assert_eq!(OPEN.key(Key::Enter, 0), None);
    }

    #[test]
    fn escape_closes_then_clears() {
        assert_eq!(
            at(1).key(Key::Escape, 3),
            Some((Popup::default(), Outcome::Stay))
        );
        assert_eq!(
            Popup::default().key(Key::Escape, 3),
            Some((Popup::default(), Outcome::Clear))
        );
    }

    #[test]
    fn key_names() {
        assert_eq!(Key::from_name("ArrowDown"), Some(Key::Down));
        assert_eq!(Key::from_name("Esc"), Some(Key::Escape));
        assert_eq!(Key::from_name("a"), None);
    }
}
