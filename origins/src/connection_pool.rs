//! A fixed set of connection slots that concurrent senders share: each sender takes a free
//! slot, or waits for the next one in turn. A slot holds no connection until its first user
//! connects, and again after a user found its connection broken and cleared it.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Mutex, MutexGuard};

/// Connection slots of one kind (write-back connections of an origin).
pub struct ConnectionPool<C> {
    slots: Vec<Mutex<Option<C>>>,
    next: AtomicUsize,
}

impl<C> ConnectionPool<C> {
    /// `size` slots (at least one), all empty.
    pub fn new(size: usize) -> ConnectionPool<C> {
        ConnectionPool {
            slots: (0..size.max(1)).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// A free slot, else the next one in turn once it is free. The caller connects when the
    /// slot is empty, and empties it when the connection breaks.
    pub async fn slot(&self) -> MutexGuard<'_, Option<C>> {
        if let Some(free) = self.slots.iter().find_map(|slot| slot.try_lock().ok()) {
            return free;
        }
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
        self.slots[turn].lock().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn users_get_different_slots_while_they_hold_them() {
        let pool: ConnectionPool<u32> = ConnectionPool::new(2);
        let mut first = pool.slot().await;
        *first = Some(1);
        let second = pool.slot().await;
        assert_eq!(*second, None, "the second user gets the other, empty slot");
        drop(second);
        drop(first);
        let again = pool.slot().await;
        assert_eq!(*again, Some(1), "a free slot keeps its connection");
    }
}
