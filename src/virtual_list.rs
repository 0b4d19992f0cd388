//! Which rows of a long list to render: those in view plus a margin above and below, from an
//! estimated row height. Pure, so it is tested natively; `components/result_list.rs` measures
//! and renders.

/// Lists up to this many rows are rendered whole (screen readers can then browse them all);
/// longer ones are windowed.
pub const WINDOW_FROM: usize = 120;
/// Rows rendered beyond each edge of the view, so that keyboard focus moving to the next row
/// and a quick flick find it rendered.
pub const MARGIN_ROWS: usize = 8;

/// The rows `[start, end)` to render out of `n` rows of about `row_px` pixels, when the
/// list's top is `list_top_px` below the top of a scrolled view `view_px` tall (negative when
/// scrolled past).
pub fn visible_range(n: usize, row_px: f64, list_top_px: f64, view_px: f64) -> (usize, usize) {
    if n <= WINDOW_FROM {
        return (0, n);
    }
    let row_px = if row_px.is_finite() && row_px >= 1.0 {
        row_px
    } else {
        80.0
    };
    let view_px = if view_px.is_finite() {
        view_px.max(0.0)
    } else {
        0.0
    };
    let list_top_px = if list_top_px.is_finite() {
        list_top_px
    } else {
        0.0
    };
    // The part of the list inside the view, in pixels from the list's top.
    let from = (-list_top_px).max(0.0);
    let to = (view_px - list_top_px).max(0.0);
    // Finite and non-negative after the checks above; `as` saturates at usize::MAX.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let (first, last) = (
        (from / row_px).floor() as usize,
        (to / row_px).ceil() as usize,
    );
    let start = first.saturating_sub(MARGIN_ROWS).min(n.saturating_sub(1));
    let end = last.saturating_add(MARGIN_ROWS).clamp(start + 1, n);
    (start, end)
}

/// The window `current` widened, if needed, so that the rows within [`MARGIN_ROWS`] of the
/// focused row `focused` (0-based) are drawn; short lists are drawn whole anyway.
pub fn around_focus(n: usize, current: (usize, usize), focused: usize) -> (usize, usize) {
    if n <= WINDOW_FROM || focused >= n {
        return current;
    }
    let start = current.0.min(focused.saturating_sub(MARGIN_ROWS));
    let end = current
        .1
        .max(focused.saturating_add(MARGIN_ROWS + 1))
        .min(n);
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_near_an_edge_widens_the_window() {
        // Focus on the last drawn row: the next MARGIN_ROWS rows are drawn too.
        assert_eq!(around_focus(1000, (40, 60), 59), (40, 60 + MARGIN_ROWS));
        // Focus on the first drawn row (Shift+Tab): the rows above it too.
        assert_eq!(around_focus(1000, (40, 60), 40), (40 - MARGIN_ROWS, 60));
        // Well inside: unchanged. Near the end of the list: not past it.
        assert_eq!(around_focus(1000, (40, 60), 50), (40, 60));
        assert_eq!(around_focus(1000, (990, 1000), 999), (990, 1000));
        // Short lists and nonsense positions: unchanged.
        assert_eq!(around_focus(45, (0, 45), 44), (0, 45));
        assert_eq!(around_focus(1000, (40, 60), 5000), (40, 60));
    }

    #[test]
    fn short_lists_are_rendered_whole() {
        assert_eq!(visible_range(45, 80.0, -5000.0, 600.0), (0, 45));
        assert_eq!(visible_range(0, 80.0, 0.0, 600.0), (0, 0));
    }

    #[test]
    fn long_lists_render_the_view_and_a_margin() {
        // The list starts 200 px down a 600 px view: rows 0..5 are in view.
        assert_eq!(
            visible_range(100_000, 80.0, 200.0, 600.0),
            (0, 5 + MARGIN_ROWS)
        );
        // Scrolled 8,000 px into the list: rows 100..108 in view.
        assert_eq!(
            visible_range(100_000, 80.0, -8000.0, 600.0),
            (100 - MARGIN_ROWS, 108 + MARGIN_ROWS)
        );
        // At the very end.
        let (start, end) = visible_range(100_000, 80.0, -8_000_000.0 + 600.0, 600.0);
        assert_eq!(end, 100_000);
        assert!(start < end && end - start <= 8 + 2 * MARGIN_ROWS);
        // Scrolled past the end (a stale scroll position): still the last rows.
        let (start, end) = visible_range(1000, 80.0, -1e9, 600.0);
        assert_eq!((start, end), (999, 1000));
    }

    #[test]
    fn nonsense_measurements_give_a_sane_window() {
        let (start, end) = visible_range(10_000, f64::NAN, f64::NAN, f64::INFINITY);
        assert!(start < end && end <= 10_000);
        let (start, end) = visible_range(10_000, 0.0, 0.0, 600.0);
        assert!(start == 0 && end > 0 && end < 100);
    }
}
