//! A bounded heap for top-N sorting: keeps the first `capacity` rows of a stable sort by the
//! sort keys while rows stream in, so memory stays O(N) and a row that cannot make the cut is
//! rejected on its key alone, before it is copied.
//!
//! Ties keep input order (the earlier row sorts first), so the result equals a stable full sort
//! cut to `capacity` rows.

use std::cmp::Ordering;

use super::sort::compare_rows;
use super::Tuple;
use crate::planner::SortKey;
use crate::types::Value;

/// One kept row: its evaluated sort key, its position in the input and its values.
struct Entry {
    key: Vec<Value>,
    position: u64,
    row: Tuple,
}

/// The best `capacity` rows seen so far, as a max-heap whose root is the worst kept row.
pub struct TopN<'k> {
    keys: &'k [SortKey],
    capacity: usize,
    entries: Vec<Entry>,
    next_position: u64,
}

impl<'k> TopN<'k> {
    pub fn new(keys: &'k [SortKey], capacity: usize) -> Self {
        TopN {
            keys,
            capacity,
            entries: Vec::new(),
            next_position: 0,
        }
    }

    /// The key a new row must sort strictly before to be kept, once the heap is full; `None`
    /// while every row is kept (or when none is, with a capacity of 0).
    pub fn bar(&self) -> Option<&[Value]> {
        if self.entries.len() < self.capacity {
            return None;
        }
        self.entries.first().map(|entry| entry.key.as_slice())
    }

    /// Offers the next input row with its evaluated key. A kept row's key is taken from `key`,
    /// which is left holding an empty buffer to reuse for the next row.
    pub fn offer(&mut self, key: &mut Vec<Value>, row: &[Value]) {
        let position = self.next_position;
        self.next_position += 1;
        if self.entries.len() < self.capacity {
            self.entries.push(Entry {
                key: std::mem::replace(key, Vec::with_capacity(self.keys.len())),
                position,
                row: row.to_vec(),
            });
            self.sift_up(self.entries.len() - 1);
            return;
        }
        let keys = self.keys;
        let Some(worst) = self.entries.first_mut() else {
            return;
        };
        // A later row never beats an equal earlier one, so only a strictly smaller key enters.
        if compare_rows(key, &worst.key, keys) != Ordering::Less {
            return;
        }
        std::mem::swap(&mut worst.key, key);
        key.clear();
        worst.position = position;
        worst.row.clear();
        worst.row.extend_from_slice(row);
        self.sift_down(0);
    }

    /// The kept rows in sort order.
    pub fn into_sorted_rows(self) -> Vec<Tuple> {
        let keys = self.keys;
        let mut entries = self.entries;
        entries.sort_unstable_by(|a, b| compare_entries(a, b, keys));
        entries.into_iter().map(|entry| entry.row).collect()
    }

    /// Whether the entry at `a` sorts after the one at `b`.
    fn sorts_after(&self, a: usize, b: usize) -> bool {
        compare_entries(&self.entries[a], &self.entries[b], self.keys) == Ordering::Greater
    }

    fn sift_up(&mut self, mut at: usize) {
        while at > 0 {
            let parent = (at - 1) / 2;
            if !self.sorts_after(at, parent) {
                break;
            }
            self.entries.swap(at, parent);
            at = parent;
        }
    }

    fn sift_down(&mut self, mut at: usize) {
        loop {
            let left = 2 * at + 1;
            if left >= self.entries.len() {
                break;
            }
            let right = left + 1;
            let larger = if right < self.entries.len() && self.sorts_after(right, left) {
                right
            } else {
                left
            };
            if !self.sorts_after(larger, at) {
                break;
            }
            self.entries.swap(at, larger);
            at = larger;
        }
    }
}

/// Orders entries by key, then by input position (so ties keep input order).
fn compare_entries(a: &Entry, b: &Entry, keys: &[SortKey]) -> Ordering {
    compare_rows(&a.key, &b.key, keys).then(a.position.cmp(&b.position))
}

#[cfg(test)]
mod tests;
