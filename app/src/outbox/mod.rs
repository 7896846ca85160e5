//! The outbox: every outgoing text message is a row written in the transaction of the
//! action it tells of, and delivered after commit by a worker (`service::deliver_due`)
//! that every server process runs. A message is claimed by one process at a time (a
//! lease taken by a conditional update), retried with growing waits, and after the last
//! try kept as failed for admins to see. The request that caused it returns at once.

#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
