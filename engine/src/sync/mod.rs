//! Realtime and materialized views: mirrors of origin tables kept current by change-data-
//! capture, writable by compare-and-set write-back.
//!
//! Inbound (`inbound`): an origin snapshot, then whole origin transactions applied to the mirror
//! in one local transaction each, in commit order. Outbound (`view_dml`, `dispatcher`): writes
//! through a view become rows of `tether.write_attempts` in the writing transaction; at commit
//! they are queued and the dispatcher sends each local transaction's attempts as ONE origin
//! transaction, recording every outcome. `local_first` rows are staged and settled against the
//! origin's row (`commit`, `view_sync`). See DESIGN.md for the invariants.

pub(crate) mod attempts;
pub mod cas_sql;
mod commit;
mod control;
mod dispatcher;
mod events;
mod inbound;
pub(crate) mod lifecycle;
mod mirror;
mod mirror_rows;
mod origin;
mod rebase;
mod rows;
mod runtime;
mod snapshot_load;
mod snapshot_stream;
mod tether_origin;
pub(crate) mod view_dml;
mod view_sync;

pub(crate) use commit::{commit, rolled_back};
pub(crate) use control::install_system_tables;
pub use control::ViewInfo;
pub use events::{SyncEvent, SyncEvents};
pub use mirror::{MirrorColumn, MirrorSpec, STAGED_COLUMN, VERSION_COLUMN};
pub use origin::{
    BatchOutcome, BoxFuture, ChangeStream, ConflictKind, Origin, OriginChange, OriginChangeKind,
    OriginColumn, OriginError, OriginRow, OriginSnapshot, OriginTable, OriginTableName,
    OriginTransaction, OriginWrite, Position, StreamEvent, VersionCheck, WriteOp, WriteOutcome,
};
pub(crate) use runtime::{SyncRuntime, TxnEffects};
pub use snapshot_stream::{SnapshotRow, SnapshotStream, WholeSnapshot};
pub use tether_origin::TetherOrigin;
pub use view_sync::ViewState;
