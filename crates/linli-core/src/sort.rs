//! Sorting through one comparator type per element type.
//!
//! `slice::sort_by(closure)` is compiled once per closure: each call site gets its own copy of
//! the standard library's sort (driftsort or quicksort with their small-sort networks, 2–4 KB
//! of wasm each; 178 such functions, 88 KB before wasm-opt, in the web app). These methods hand
//! the comparison to the standard sort as a `&mut dyn FnMut`, so there is one copy per element
//! type however many places sort it. The order is the standard library's: the same stable
//! sort (or unstable sort) with the same comparisons, at the cost of an indirect call per
//! comparison. So the large sorts of cheap keys in the preparation (a part's arcs in edge
//! order, the snapping grid's entries, the joins) keep the standard generic sort: through here
//! `prepare_finder` took 13 % longer (criterion, Futian). The other sorts are of tens to
//! hundreds of items (a query's reaches, snapping candidates, search candidates, a coverage's
//! pieces), where the indirect call is lost in the noise (criterion: nearest −4 to +4 %,
//! isochrone and coverage −10 to +1 %).

use std::cmp::Ordering;

/// Sorting a slice with one instance of each sort per element type (see the module).
pub trait SortDyn<T> {
    /// `sort_by`, stable.
    fn sort_by_dyn(&mut self, compare: impl FnMut(&T, &T) -> Ordering);
    /// `sort_by_key`, stable.
    fn sort_by_key_dyn<K: Ord>(&mut self, key: impl FnMut(&T) -> K);
    /// `sort_unstable_by`.
    fn sort_unstable_by_dyn(&mut self, compare: impl FnMut(&T, &T) -> Ordering);
    /// `sort_unstable_by_key`.
    fn sort_unstable_by_key_dyn<K: Ord>(&mut self, key: impl FnMut(&T) -> K);
}

impl<T> SortDyn<T> for [T] {
    fn sort_by_dyn(&mut self, mut compare: impl FnMut(&T, &T) -> Ordering) {
        stable(self, &mut compare);
    }

    fn sort_by_key_dyn<K: Ord>(&mut self, mut key: impl FnMut(&T) -> K) {
        stable(self, &mut |a: &T, b: &T| key(a).cmp(&key(b)));
    }

    fn sort_unstable_by_dyn(&mut self, mut compare: impl FnMut(&T, &T) -> Ordering) {
        unstable(self, &mut compare);
    }

    fn sort_unstable_by_key_dyn<K: Ord>(&mut self, mut key: impl FnMut(&T) -> K) {
        unstable(self, &mut |a: &T, b: &T| key(a).cmp(&key(b)));
    }
}

fn stable<T>(v: &mut [T], compare: &mut dyn FnMut(&T, &T) -> Ordering) {
    v.sort_by(|a, b| compare(a, b));
}

fn unstable<T>(v: &mut [T], compare: &mut dyn FnMut(&T, &T) -> Ordering) {
    v.sort_unstable_by(|a, b| compare(a, b));
}

#[cfg(test)]
// The std calls are written as the code they stand for (`sort_by` against `sort_by_dyn`).
#[allow(clippy::unnecessary_sort_by)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// The same stable order as the standard library: equal keys keep their order.
        #[test]
        fn stable_sorts_equal_std(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..300)) {
            let mut ours = v.clone();
            let mut theirs = v.clone();
            ours.sort_by_dyn(|a, b| a.0.cmp(&b.0));
            theirs.sort_by(|a, b| a.0.cmp(&b.0));
            prop_assert_eq!(&ours, &theirs);
            let mut ours = v.clone();
            let mut theirs = v;
            ours.sort_by_key_dyn(|x| std::cmp::Reverse(x.0));
            theirs.sort_by_key(|x| std::cmp::Reverse(x.0));
            prop_assert_eq!(ours, theirs);
        }

        /// Unstable sorts under a total order give the one sorted sequence.
        #[test]
        fn unstable_sorts_equal_std(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..300)) {
            let mut ours = v.clone();
            let mut theirs = v.clone();
            ours.sort_unstable_by_dyn(|a, b| b.cmp(a));
            theirs.sort_unstable_by(|a, b| b.cmp(a));
            prop_assert_eq!(&ours, &theirs);
            let mut ours = v.clone();
            let mut theirs = v;
            ours.sort_unstable_by_key_dyn(|x| (x.1, x.0));
            theirs.sort_unstable_by_key(|x| (x.1, x.0));
            prop_assert_eq!(ours, theirs);
        }
    }
}
