//! Group commit for write-back: single-write batches that arrive while the origin is busy wait
//! in a queue, and whichever of them gets a sender next sends everything queued as one origin
//! transaction, then hands each write its own outcome.
//!
//! The dispatcher keeps many single-write batches (autocommit local UPDATEs on different rows)
//! in flight at once. Sending each as its own origin transaction costs the origin a commit, a
//! transaction for its change stream to decode, and an echo for the view to apply, per write.
//! Grouping them costs one of each per group, and nothing changes for the writes' meaning:
//! every write is on its own row (the dispatcher never has two batches on one row in flight),
//! each keeps its own outcome (a conflicting write applies nothing and does not stop the
//! others), and every write of a group becomes visible at the origin at once — a stronger
//! guarantee than separate commits. An origin whose group fails as a whole (an error that
//! aborts its transaction) sends the group's writes one by one instead.
//!
//! Group sizes follow the load: with nothing in flight a write is sent at once, alone; while a
//! group is out, the writes that arrive meanwhile form the next one.

use std::future::Future;

use tether_engine::sync::{BatchOutcome, OriginError, OriginWrite};
use tokio::sync::{oneshot, Semaphore};

/// How many batches an origin that groups its writes lets the dispatcher have in flight: enough
/// for the groups being sent and the next ones to fill while they are out.
pub const MAX_IN_FLIGHT: usize = 1024;

/// The most writes one group carries.
pub const MAX_GROUP: usize = 256;

/// What a group's sender answers for one write: its own one-write batch outcome.
pub type WriteAnswer = Result<BatchOutcome, OriginError>;

/// A queued write and where its answer goes.
struct Queued {
    write: OriginWrite,
    answer: oneshot::Sender<WriteAnswer>,
}

/// The queue of single writes of one origin and the senders that drain it.
pub struct GroupCommit {
    queue: parking_lot::Mutex<Vec<Queued>>,
    senders: Semaphore,
    max_group: usize,
}

impl GroupCommit {
    /// Groups of at most `max_group` writes, with up to `senders` groups out at once (one per
    /// connection the origin writes on).
    pub fn new(senders: usize, max_group: usize) -> GroupCommit {
        GroupCommit {
            queue: parking_lot::Mutex::new(Vec::new()),
            senders: Semaphore::new(senders.max(1)),
            max_group: max_group.max(1),
        }
    }

    /// Sends `write` in a group and returns its outcome. `send` sends one group as one origin
    /// transaction and answers one result per write, in the group's order.
    pub async fn submit<F, Fut>(&self, write: OriginWrite, send: F) -> WriteAnswer
    where
        F: Fn(Vec<OriginWrite>) -> Fut,
        Fut: Future<Output = Vec<WriteAnswer>>,
    {
        let (answer, mut answered) = oneshot::channel();
        self.queue.lock().push(Queued { write, answer });
        let Ok(permit) = self.senders.acquire().await else {
            return Err(dropped());
        };
        // Lead groups until ours has been sent (by us or by another sender).
        loop {
            match answered.try_recv() {
                Ok(answer) => return answer,
                Err(oneshot::error::TryRecvError::Closed) => return Err(dropped()),
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            let group: Vec<Queued> = {
                let mut queue = self.queue.lock();
                let take = queue.len().min(self.max_group);
                queue.drain(..take).collect()
            };
            if group.is_empty() {
                // Another sender has ours out now.
                drop(permit);
                return answered.await.unwrap_or_else(|_| Err(dropped()));
            }
            let (writes, answers): (Vec<OriginWrite>, Vec<_>) =
                group.into_iter().map(|q| (q.write, q.answer)).unzip();
            let count = writes.len();
            let mut results = send(writes).await.into_iter();
            for answer in answers {
                let result = results.next().unwrap_or_else(|| {
                    Err(OriginError::Sql(format!(
                        "a write-back group of {count} writes got fewer answers"
                    )))
                });
                let _ = answer.send(result);
            }
        }
    }
}

/// The error of a write whose group's sender went away before answering (it is retried).
fn dropped() -> OriginError {
    OriginError::Unavailable("the write-back group carrying this write was dropped".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use tether_engine::sync::{OriginTableName, VersionCheck, WriteOp, WriteOutcome};
    use tether_engine::Value;

    fn write(id: i64) -> OriginWrite {
        OriginWrite {
            table: OriginTableName {
                schema: "public".into(),
                name: "t".into(),
            },
            op: WriteOp::Update,
            key: vec![("id".into(), Value::Int64(id))],
            values: vec![],
            version: VersionCheck::None,
            base_version: None,
            base_row: None,
            follows_previous: false,
        }
    }

    /// Each write's answer names its own key, so a mixed-up hand-out shows.
    fn answer_for(write: &OriginWrite) -> WriteAnswer {
        let id = match write.key[0].1 {
            Value::Int64(id) => id,
            _ => -1,
        };
        Ok(BatchOutcome {
            outcomes: vec![WriteOutcome::Applied {
                new_version: Some(id.to_string()),
            }],
            commit_position: None,
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_share_groups_and_get_their_own_answers() {
        let groups = Arc::new(GroupCommit::new(1, 8));
        let sent = Arc::new(AtomicUsize::new(0));
        let largest = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for id in 0..100 {
            let groups = groups.clone();
            let sent = sent.clone();
            let largest = largest.clone();
            tasks.spawn(async move {
                let answer = groups
                    .submit(write(id), |writes| {
                        let sent = sent.clone();
                        let largest = largest.clone();
                        async move {
                            sent.fetch_add(1, Ordering::SeqCst);
                            largest.fetch_max(writes.len(), Ordering::SeqCst);
                            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                            writes.iter().map(answer_for).collect()
                        }
                    })
                    .await;
                (id, answer)
            });
        }
        while let Some(done) = tasks.join_next().await {
            let (id, answer) = done.expect("task");
            let outcome = answer.expect("answer");
            assert_eq!(
                outcome.outcomes,
                vec![WriteOutcome::Applied {
                    new_version: Some(id.to_string())
                }]
            );
        }
        let groups_sent = sent.load(Ordering::SeqCst);
        assert!(groups_sent < 100, "{groups_sent} groups for 100 writes");
        assert!(largest.load(Ordering::SeqCst) <= 8);
    }

    #[tokio::test]
    async fn a_sender_that_answers_too_few_fails_the_rest() {
        let groups = GroupCommit::new(1, 4);
        let answer = groups.submit(write(1), |_| async { Vec::new() }).await;
        assert!(matches!(answer, Err(OriginError::Sql(_))));
    }
}
