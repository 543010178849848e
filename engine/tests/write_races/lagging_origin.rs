//! An origin whose echoes can lag: a [`TetherOrigin`] behind a slow link, with change
//! streams that hold back what they read and write-back that can be refused as unreachable.

use super::*;

/// A [`TetherOrigin`] seen through a slow link: everything is forwarded, but while echoes are
/// held the change streams keep the transaction they read and deliver it only on release (or
/// one at a time, [`LaggingOrigin::let_one_echo_through`]), and while write-back is held the
/// origin refuses batches as unreachable. Either direction can lag behind the other.
#[derive(Clone)]
pub(super) struct LaggingOrigin {
    pub(super) inner: TetherOrigin,
    pub(super) held: Arc<AtomicBool>,
    /// Echoes that may pass while held.
    pub(super) allowance: Arc<AtomicUsize>,
    pub(super) released: Arc<Notify>,
    pub(super) sends_held: Arc<AtomicBool>,
    /// Write batches the dispatcher may have in flight at once (pipelined write-back).
    pub(super) in_flight: usize,
}

impl LaggingOrigin {
    pub(super) fn new(inner: TetherOrigin, in_flight: usize) -> LaggingOrigin {
        LaggingOrigin {
            inner,
            held: Arc::default(),
            allowance: Arc::default(),
            released: Arc::default(),
            sends_held: Arc::default(),
            in_flight,
        }
    }

    /// Lets one held echo through.
    pub(super) fn let_one_echo_through(&self) {
        self.allowance.fetch_add(1, Ordering::AcqRel);
        self.released.notify_waiters();
    }

    pub(super) fn hold_write_back(&self, held: bool) {
        self.sends_held.store(held, Ordering::Release);
    }

    pub(super) fn hold_echoes(&self, held: bool) {
        self.held.store(held, Ordering::Release);
        if !held {
            self.released.notify_waiters();
        }
    }

    pub(super) fn holds_echoes(&self) -> bool {
        self.held.load(Ordering::Acquire)
    }
}

/// A change stream of a [`LaggingOrigin`]; the event it read survives a cancelled `next`.
pub(super) struct LaggingStream {
    pub(super) inner: Box<dyn ChangeStream>,
    pub(super) pending: Option<StreamEvent>,
    pub(super) held: Arc<AtomicBool>,
    pub(super) allowance: Arc<AtomicUsize>,
    pub(super) released: Arc<Notify>,
}

impl ChangeStream for LaggingStream {
    fn next(&mut self) -> BoxFuture<'_, Result<StreamEvent, OriginError>> {
        Box::pin(async move {
            if self.pending.is_none() {
                self.pending = Some(self.inner.next().await?);
            }
            loop {
                let released = self.released.notified();
                if !self.held.load(Ordering::Acquire) {
                    break;
                }
                let allowed =
                    self.allowance
                        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
                if allowed.is_ok() {
                    break;
                }
                released.await;
            }
            self.pending
                .take()
                .ok_or_else(|| OriginError::Unavailable("no event".into()))
        })
    }

    fn acknowledge(&mut self, position: &Position) {
        self.inner.acknowledge(position);
    }
}

impl Origin for LaggingOrigin {
    fn describe_table<'a>(
        &'a self,
        table: &'a OriginTableName,
    ) -> BoxFuture<'a, Result<OriginTable, OriginError>> {
        self.inner.describe_table(table)
    }

    fn snapshot<'a>(
        &'a self,
        table: &'a OriginTable,
    ) -> BoxFuture<'a, Result<OriginSnapshot, OriginError>> {
        self.inner.snapshot(table)
    }

    fn changes<'a>(
        &'a self,
        table: &'a OriginTable,
        from: &'a Position,
    ) -> BoxFuture<'a, Result<Box<dyn ChangeStream>, OriginError>> {
        Box::pin(async move {
            let inner = self.inner.changes(table, from).await?;
            let stream: Box<dyn ChangeStream> = Box::new(LaggingStream {
                inner,
                pending: None,
                held: self.held.clone(),
                allowance: self.allowance.clone(),
                released: self.released.clone(),
            });
            Ok(stream)
        })
    }

    fn current_position(&self) -> BoxFuture<'_, Result<Position, OriginError>> {
        self.inner.current_position()
    }

    fn apply<'a>(
        &'a self,
        writes: &'a [OriginWrite],
    ) -> BoxFuture<'a, Result<BatchOutcome, OriginError>> {
        if self.sends_held.load(Ordering::Acquire) {
            return Box::pin(async { Err(OriginError::Unavailable("write-back is held".into())) });
        }
        self.inner.apply(writes)
    }

    fn max_in_flight(&self) -> usize {
        self.in_flight
    }

    fn execute<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<Vec<QueryResult>, OriginError>> {
        self.inner.execute(sql)
    }

    fn release<'a>(&'a self, table: &'a OriginTable) -> BoxFuture<'a, ()> {
        self.inner.release(table)
    }
}
