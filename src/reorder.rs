//! How a keyed list goes from one order to another with the fewest DOM moves. Pure, so it is
//! tested natively; `components/result_list.rs` carries the plan out on the cards.
//!
//! The items that stay in both orders and keep their relative order (a longest increasing
//! subsequence of their old positions, taken in the new order) are left where they are; every
//! other item is inserted or moved once. A travel mode or a filter changes the order of a few
//! cards, so a tap moves a few cards, not every card whose index changed (moving an element
//! takes it out of the page's layout and builds its layout again).

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// What to do with the item at one position of the new order. The steps of a [`Plan`] come
/// from the last position to the first, so each places its item before the one placed
/// just after it (before nothing for the last: at the end of the list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step<K> {
    /// The item is already in its place: leave it.
    Stay(K),
    /// The item was on the list: move it before the next one.
    Move(K),
    /// The item is new: build it and insert it before the next one.
    Insert(K),
}

/// The changes from the old order to the new one: first take out `removed`, then carry out
/// `steps` in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan<K> {
    /// The items of the old order that the new one does not have, in their old order.
    pub removed: Vec<K>,
    /// One step per item of the new order, from its last item to its first.
    pub steps: Vec<Step<K>>,
}

/// The plan from `old` to `new` (each a list of distinct keys).
pub fn plan<K: Copy + Eq + Hash>(old: &[K], new: &[K]) -> Plan<K> {
    let was_at: HashMap<K, usize> = old.iter().enumerate().map(|(i, &k)| (k, i)).collect();
    let new_set: HashSet<K> = new.iter().copied().collect();
    let removed = old
        .iter()
        .copied()
        .filter(|k| !new_set.contains(k))
        .collect();
    let old_index: Vec<Option<usize>> = new.iter().map(|k| was_at.get(k).copied()).collect();
    let stays = staying(&old_index);
    let steps = new
        .iter()
        .zip(&old_index)
        .zip(&stays)
        .rev()
        .map(|((&k, was), &stay)| match (was, stay) {
            (None, _) => Step::Insert(k),
            (Some(_), true) => Step::Stay(k),
            (Some(_), false) => Step::Move(k),
        })
        .collect();
    Plan { removed, steps }
}

/// For each position of the new order, whether its item stays where it is: `old_index[j]` is
/// where the item at `j` was in the old order (`None` when it is new). The items that stay
/// form a longest strictly increasing subsequence of the old positions (patience sorting,
/// O(n log n)).
pub fn staying(old_index: &[Option<usize>]) -> Vec<bool> {
    // tails[l]: the position in `old_index` ending the best increasing run of length l + 1
    // found so far (the one with the smallest old index).
    let mut tails: Vec<usize> = Vec::new();
    // before[j]: the position before j in the run that ends at j.
    let mut before: Vec<Option<usize>> = vec![None; old_index.len()];
    for (j, was) in old_index.iter().enumerate() {
        let Some(was) = *was else {
            continue;
        };
        let l = tails.partition_point(|&t| old_index[t].is_some_and(|o| o < was));
        before[j] = l.checked_sub(1).map(|p| tails[p]);
        if l == tails.len() {
            tails.push(j);
        } else {
            tails[l] = j;
        }
    }
    let mut stays = vec![false; old_index.len()];
    let mut at = tails.last().copied();
    while let Some(j) = at {
        stays[j] = true;
        at = before[j];
    }
    stays
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The length of a longest strictly increasing subsequence, by the O(n²) recurrence.
    fn lis_len(seq: &[usize]) -> usize {
        let mut best = vec![1_usize; seq.len()];
        for j in 0..seq.len() {
            for i in 0..j {
                if seq[i] < seq[j] {
                    best[j] = best[j].max(best[i] + 1);
                }
            }
        }
        best.into_iter().max().unwrap_or(0)
    }

    /// Carries a plan out on a list (as the page does on the `ol`'s children), counting the
    /// moves and insertions.
    fn apply(old: &[u32], plan: &Plan<u32>) -> (Vec<u32>, usize, usize) {
        let mut list: Vec<u32> = old.to_vec();
        list.retain(|k| !plan.removed.contains(k));
        let (mut moves, mut inserts) = (0, 0);
        let mut next: Option<u32> = None;
        for step in &plan.steps {
            let (k, take_out) = match *step {
                Step::Stay(k) => {
                    // Left where it is: the items still to be placed before it go before it.
                    assert!(list.contains(&k), "{k} stays but is not on the list");
                    next = Some(k);
                    continue;
                }
                Step::Move(k) => {
                    moves += 1;
                    (k, true)
                }
                Step::Insert(k) => {
                    inserts += 1;
                    (k, false)
                }
            };
            if take_out {
                let here = list.iter().position(|&x| x == k).expect("a moved item");
                list.remove(here);
            } else {
                assert!(!list.contains(&k), "{k} inserted twice");
            }
            let to = next.map_or(list.len(), |n| {
                list.iter().position(|&x| x == n).expect("next is placed")
            });
            list.insert(to, k);
            next = Some(k);
        }
        (list, moves, inserts)
    }

    #[test]
    fn same_order_moves_nothing() {
        let p = plan(&[3, 1, 2], &[3, 1, 2]);
        assert!(p.removed.is_empty());
        assert_eq!(p.steps, vec![Step::Stay(2), Step::Stay(1), Step::Stay(3)]);
    }

    #[test]
    fn one_item_to_the_end_moves_only_it() {
        // Leptos's keyed diff moves all four here: every index changed.
        let p = plan(&[1, 2, 3, 4], &[2, 3, 4, 1]);
        assert_eq!(
            p.steps,
            vec![Step::Move(1), Step::Stay(4), Step::Stay(3), Step::Stay(2)]
        );
    }

    #[test]
    fn two_swapped_neighbours_move_one() {
        let p = plan(&[1, 2, 3, 4], &[1, 3, 2, 4]);
        let moved = p
            .steps
            .iter()
            .filter(|s| matches!(s, Step::Move(_)))
            .count();
        assert_eq!(moved, 1);
        assert_eq!(apply(&[1, 2, 3, 4], &p).0, vec![1, 3, 2, 4]);
    }

    #[test]
    fn new_and_removed_items() {
        let p = plan(&[1, 2, 3], &[4, 3, 1]);
        assert_eq!(p.removed, vec![2]);
        let (list, moves, inserts) = apply(&[1, 2, 3], &p);
        assert_eq!(list, vec![4, 3, 1]);
        assert_eq!((moves, inserts), (1, 1));
    }

    #[test]
    fn from_and_to_empty() {
        let p = plan(&[], &[5, 6]);
        assert_eq!(p.steps, vec![Step::Insert(6), Step::Insert(5)]);
        let p = plan(&[5, 6], &[]);
        assert_eq!(p.removed, vec![5, 6]);
        assert!(p.steps.is_empty());
    }

    /// Two orders of distinct keys, drawn from a small range so they share many.
    fn orders() -> impl Strategy<Value = (Vec<u32>, Vec<u32>)> {
        let order = || {
            proptest::collection::btree_set(0_u32..40, 0..30)
                .prop_map(|s| s.into_iter().collect::<Vec<_>>())
                .prop_shuffle()
        };
        (order(), order())
    }

    proptest! {
        /// The plan gives the new order, keeps a longest increasing run of the items both
        /// orders share (checked against the O(n²) recurrence), and moves each other item
        /// once.
        #[test]
        fn plan_gives_the_new_order_with_fewest_moves((old, new) in orders()) {
            let p = plan(&old, &new);
            let (list, moves, inserts) = apply(&old, &p);
            prop_assert_eq!(&list, &new);
            let old_pos: Vec<usize> = new
                .iter()
                .filter_map(|k| old.iter().position(|x| x == k))
                .collect();
            prop_assert_eq!(moves, old_pos.len() - lis_len(&old_pos));
            prop_assert_eq!(inserts, new.len() - old_pos.len());
            let removed: Vec<u32> = old.iter().copied().filter(|k| !new.contains(k)).collect();
            prop_assert_eq!(p.removed, removed);
        }
    }
}
