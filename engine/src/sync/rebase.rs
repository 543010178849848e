//! Rebasing our own successive writes (invariant 4). When a write attempt on a row applies, it
//! turns the row's version `from` into `to`. A later attempt of ours on the same row that was
//! based on `from` — because its transaction saw the row before the view showed our change —
//! is sent checking `to` instead, so our writes never conflict with each other.
//!
//! The links of a row stay valid while the view shows a version of our own lineage (the one
//! our first write read, or one our writes produced, as their echoes arrive). When the view
//! shows anything else — someone else's change, the row gone — the open links end there: a
//! transaction that saw that row has the right base already and must not be rebased onto an
//! old link whose versions happen to recur (a row deleted and re-inserted with `ver = 1`).
//! Links are followed in the order our writes applied, once each, so they cannot cycle.

use std::collections::HashMap;

use crate::catalog::TableId;
use crate::storage::Key;

/// One applied write of ours: `from` -> `to`, valid for snapshots older than `until`.
#[derive(Debug, Clone)]
struct Link {
    from: Option<String>,
    to: Option<String>,
    /// The local commit position at which the view's row stopped showing `from`; `None` while
    /// it still does.
    until: Option<u64>,
}

/// The links of every row our writes applied to.
#[derive(Debug, Default)]
pub struct RebaseChains {
    rows: HashMap<(TableId, Key), Vec<Link>>,
}

impl RebaseChains {
    /// The version an attempt based on `base`, written by a transaction with snapshot
    /// `snapshot`, should check.
    pub fn rebased(
        &self,
        view: TableId,
        key: &Key,
        base: Option<String>,
        snapshot: u64,
    ) -> Option<String> {
        let Some(links) = self.rows.get(&(view, key.clone())) else {
            return base;
        };
        let mut current = base;
        for link in links {
            if link.until.is_none_or(|until| snapshot < until) && link.from == current {
                current = link.to.clone();
            }
        }
        current
    }

    /// Records that our write, which read `read`, turned `from` into `to` on a row. `shown` is
    /// what the view shows now (`None` = no row): if that is not of our lineage, the link is
    /// valid only for snapshots older than `position`.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        view: TableId,
        key: Key,
        (read, from, to): (Option<String>, Option<String>, Option<String>),
        shown: Option<Option<String>>,
        position: u64,
    ) {
        let links = self.rows.entry((view, key)).or_default();
        let ours = match &shown {
            None => to.is_none() || read.is_none(),
            Some(version) => {
                *version == read
                    || *version == to
                    || links.iter().any(|l| l.until.is_none() && l.to == *version)
            }
        };
        links.push(Link {
            from,
            to,
            until: (!ours).then_some(position),
        });
    }

    /// The view's row changed in the local commit at `position` and now shows `shown` (`None`:
    /// no row). The echo of one of our writes keeps the links open; anything else ends them.
    pub fn close(
        &mut self,
        view: TableId,
        key: &Key,
        position: u64,
        shown: Option<Option<String>>,
    ) {
        let Some(links) = self.rows.get_mut(&(view, key.clone())) else {
            return;
        };
        let shown = shown.flatten();
        let echo = links.iter().any(|l| l.until.is_none() && l.to == shown);
        if echo {
            return;
        }
        for link in links.iter_mut().filter(|l| l.until.is_none()) {
            link.until = Some(position);
        }
    }

    /// Whether any row of `view` has links. Links of a view are recorded only under its view
    /// lock, so a holder of that lock sees this stay false.
    pub fn has_links(&self, view: TableId) -> bool {
        self.rows.keys().any(|(v, _)| *v == view)
    }

    /// Forgets links no attempt can use any more: closed at or before `horizon`, the oldest
    /// snapshot any open transaction or queued attempt has.
    pub fn prune(&mut self, horizon: u64) {
        self.rows.retain(|_, links| {
            links.retain(|l| l.until.is_none_or(|until| until > horizon));
            !links.is_empty()
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;

    fn key() -> Key {
        Box::new([Value::Int32(1)])
    }

    fn v(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn follows_links_in_order_without_cycles() {
        let mut chains = RebaseChains::default();
        chains.record(1, key(), (v("1"), v("1"), None), Some(v("1")), 0);
        chains.record(1, key(), (None, None, v("1")), Some(v("1")), 0);
        assert_eq!(chains.rebased(1, &key(), None, 0), v("1"));
        assert_eq!(chains.rebased(1, &key(), v("1"), 0), v("1"));
        for i in 1..40 {
            let (from, to) = (v(&i.to_string()), v(&(i + 1).to_string()));
            chains.record(1, key(), (v("1"), from, to), Some(v("1")), 0);
        }
        assert_eq!(chains.rebased(1, &key(), v("1"), 0), v("40"));
    }

    #[test]
    fn closed_links_apply_only_to_older_snapshots() {
        let mut chains = RebaseChains::default();
        chains.record(1, key(), (v("1"), v("1"), v("2")), Some(v("1")), 0);
        chains.close(1, &key(), 5, Some(v("2")));
        assert_eq!(
            chains.rebased(1, &key(), v("1"), 100),
            v("2"),
            "our echo keeps it open"
        );
        chains.close(1, &key(), 10, Some(v("7")));
        assert_eq!(chains.rebased(1, &key(), v("1"), 9), v("2"));
        assert_eq!(chains.rebased(1, &key(), v("1"), 10), v("1"));
        chains.prune(9);
        assert_eq!(chains.rebased(1, &key(), v("1"), 9), v("2"));
        chains.prune(10);
        assert_eq!(chains.rebased(1, &key(), v("1"), 9), v("1"));
    }
}
