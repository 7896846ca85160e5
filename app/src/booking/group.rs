//! Group commit for bookings: the bookings that arrive while one batch is being
//! written are decided together, in one transaction, by a few set-wise statements.
//!
//! Why: every statement is a trip to the database and back — on SQLite to the
//! connection's thread, on PostgreSQL over the socket — and booked one by one, a booking
//! made six or seven such trips in its transaction (begin, the locks, the counts, the
//! seat, the insert, commit) plus a commit's `fsync`. With 64 clients on 2 cores those
//! trips, not the disk, set the rate (SQLite about 750 confirmed/s, PostgreSQL about
//! 1,270/s, `cargo bench -p server --bench booking`). A batch makes the same trips
//! whatever its size: begin (`BEGIN IMMEDIATE` on SQLite); its slots' free seats (on
//! PostgreSQL also their rows' locks, lowest id first); on PostgreSQL its residents'
//! rows' locks, likewise; their active bookings still ahead (one query); the seats, one
//! conditional `UPDATE … WHERE booked + n <= capacity` for every slot at once; the
//! bookings (one insert); commit — one `fsync` for the batch.
//!
//! The rules are the one-by-one rules ([`model::may_book`], in the order the requests
//! arrived, then a seat if one is left), and the database still decides: the seats'
//! update is conditional, a slot it did not update refuses its requests as full, and on
//! PostgreSQL the row locks order this batch against every other transaction on those
//! slots and residents, in this process or another (slots before residents, as
//! rescheduling takes them).
//!
//! How a batch forms: a request joins the queue, then waits for either its answer or
//! the turn (on SQLite the database's one write turn, [`Db::write_turn`]; on PostgreSQL
//! this queue's own, one batch at a time per process). Whoever gets the turn takes
//! every request queued by then and writes them in a task of its own, so that a client
//! hanging up cancels nothing half done; the answers go out after the commit, before
//! the turn is given back.

use crate::booking::model;
use crate::booking::store::{self, Slot};
use crate::db::{Db, WriteTurn};
use crate::error::AppError;
use crate::message::Msg;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// The most requests one batch takes (the rest wait for the next): bounds the
/// statements' parameters (the insert binds six per booking).
const MAX_BATCH: usize = 256;

/// One resident's request, waiting for its batch.
struct Ask {
    user_id: i64,
    slot: Slot,
    item_code: String,
    now: i64,
    reply: oneshot::Sender<Result<String, AppError>>,
}

/// The requests waiting for a batch, and (PostgreSQL) the turn to write one: one per
/// process, in the state.
#[derive(Clone, Default)]
pub struct BookQueue(Arc<Mutex<Vec<Ask>>>, Arc<tokio::sync::Mutex<()>>);

impl std::fmt::Debug for BookQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BookQueue")
    }
}

impl BookQueue {
    fn push(&self, ask: Ask) {
        if let Ok(mut q) = self.0.lock() {
            q.push(ask);
        }
    }

    /// The turn to write a batch: SQLite's one writer's, else this queue's own.
    async fn turn(&self, db: &Db) -> WriteTurn {
        match db.dialect {
            crate::db::Dialect::Sqlite => db.write_turn().await,
            crate::db::Dialect::Postgres => WriteTurn::holding(self.1.clone().lock_owned().await),
        }
    }

    fn take(&self) -> Vec<Ask> {
        match self.0.lock() {
            Ok(mut q) => {
                let n = q.len().min(MAX_BATCH);
                q.drain(..n).collect()
            }
            Err(_) => Vec::new(),
        }
    }
}

/// Books a seat through the queue (see the module documentation); returns the code.
pub async fn book(
    db: &Db,
    queue: &BookQueue,
    user_id: i64,
    slot: &Slot,
    item_code: &str,
    now: i64,
) -> Result<String, AppError> {
    let (reply, mut answer) = oneshot::channel();
    queue.push(Ask {
        user_id,
        slot: slot.clone(),
        item_code: item_code.to_string(),
        now,
        reply,
    });
    loop {
        tokio::select! {
            biased;
            r = &mut answer => {
                return r.unwrap_or_else(|_| Err(AppError::internal("a booking batch ended without an answer")));
            }
            turn = queue.turn(db) => {
                let asks = queue.take();
                if asks.is_empty() {
                    // Ours went with the batch before; its answer is on its way.
                    drop(turn);
                    tokio::task::yield_now().await;
                    continue;
                }
                let db = db.clone();
                tokio::spawn(async move { write(&db, turn, asks).await });
            }
        }
    }
}

/// Writes one batch and answers each request (after the commit, before the turn ends).
async fn write(db: &Db, turn: WriteTurn, asks: Vec<Ask>) {
    match decide(db, turn, &asks).await {
        Ok((tx, answers)) => {
            let committed = tx.commit_keeping_turn().await;
            for (ask, answer) in asks.into_iter().zip(answers) {
                let answer = match &committed {
                    Ok(_) => answer,
                    Err(e) => Err(AppError::internal(format!("booking batch commit: {e}"))),
                };
                let _ = ask.reply.send(answer);
            }
            drop(committed);
        }
        Err(e) => {
            for ask in asks {
                let _ = ask
                    .reply
                    .send(Err(AppError::internal(format!("booking batch: {e}"))));
            }
        }
    }
}

/// The batch's statements up to the commit: each request's answer, in order.
async fn decide(
    db: &Db,
    turn: WriteTurn,
    asks: &[Ask],
) -> Result<(crate::db::WriteTx, Vec<Result<String, AppError>>), sqlx::Error> {
    let mut tx = db.begin_in_turn(turn).await?;
    let since = asks.iter().map(|a| a.now).min().unwrap_or_default();
    let sorted = |ids: Vec<i64>| {
        let mut ids = ids;
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    // The slots' rows, then the residents' (PostgreSQL locks them, lowest id first).
    let slot_ids = sorted(asks.iter().map(|a| a.slot.id).collect());
    let mut free: HashMap<i64, (i64, i64)> = store::open_seats(&mut tx, db.dialect, &slot_ids)
        .await?
        .into_iter()
        .map(|(id, left, starts_at)| (id, (left, starts_at)))
        .collect();
    let users = sorted(asks.iter().map(|a| a.user_id).collect());
    store::lock_users(&mut tx, db.dialect, &users).await?;
    let mut held: HashMap<i64, Vec<store::HeldBooking>> = HashMap::new();
    for h in store::active_ahead(&mut tx, &users, since, None).await? {
        held.entry(h.user_id).or_default().push(h);
    }
    // In arrival order: the resident's limits (counting what this batch gave them
    // already), then a seat if one is left.
    // Per request, why it was refused (`None`: a seat is being taken for it).
    let mut refused: Vec<Option<AppError>> = Vec::with_capacity(asks.len());
    let mut taking: HashMap<i64, i64> = HashMap::new();
    for a in asks {
        let mine: Vec<model::Held> = held
            .get(&a.user_id)
            .map(|hs| {
                hs.iter()
                    .filter(|h| h.starts_at > a.now)
                    .map(|h| h.held)
                    .collect()
            })
            .unwrap_or_default();
        let want = a.slot.held();
        if let Err(m) = model::may_book(&mine, &want, false) {
            refused.push(Some(AppError::Conflict(m)));
            continue;
        }
        match free.get_mut(&a.slot.id) {
            Some((left, starts_at)) if *left > 0 && *starts_at > a.now => {
                *left -= 1;
                *taking.entry(a.slot.id).or_default() += 1;
                held.entry(a.user_id).or_default().push(store::HeldBooking {
                    user_id: a.user_id,
                    held: want,
                    starts_at: a.slot.starts_at,
                });
                refused.push(None);
            }
            _ => refused.push(Some(full())),
        }
    }
    // The database decides: a slot whose seats could not all be taken refuses them all.
    let mut seats: Vec<(i64, i64)> = taking.into_iter().collect();
    seats.sort_unstable();
    let taken: HashSet<i64> = if seats.is_empty() {
        HashSet::new()
    } else {
        store::take_seats(&mut tx, &seats, since)
            .await?
            .into_iter()
            .collect()
    };
    let mut rows: Vec<(usize, String)> = Vec::new();
    let mut codes: HashSet<String> = HashSet::new();
    for (i, a) in asks.iter().enumerate() {
        if refused[i].is_none() && !taken.contains(&a.slot.id) {
            refused[i] = Some(full());
        }
        if refused[i].is_none() {
            rows.push((i, fresh_code(&mut codes)));
        }
    }
    // Fresh codes; on the rare collision with a code already given, draw again.
    let mut made: HashMap<usize, String> = HashMap::new();
    for _ in 0..8 {
        if rows.is_empty() {
            break;
        }
        let new: Vec<store::NewBooking<'_>> = rows
            .iter()
            .map(|(i, code)| store::NewBooking {
                code: code.as_str(),
                user_id: asks[*i].user_id,
                slot: &asks[*i].slot,
                item_code: asks[*i].item_code.as_str(),
                now: asks[*i].now,
            })
            .collect();
        let inserted: HashSet<String> = store::insert_bookings(&mut tx, &new)
            .await?
            .into_iter()
            .collect();
        let mut again = Vec::new();
        for (i, code) in rows {
            if inserted.contains(&code) {
                made.insert(i, code);
            } else {
                again.push((i, fresh_code(&mut codes)));
            }
        }
        rows = again;
    }
    if !rows.is_empty() {
        // Seats were taken for bookings that could not be written: give up the batch.
        return Err(sqlx::Error::Protocol(
            "no free booking code after 8 draws".into(),
        ));
    }
    let answers = refused
        .into_iter()
        .enumerate()
        .map(|(i, r)| match r {
            Some(e) => Err(e),
            None => made
                .remove(&i)
                .ok_or_else(|| AppError::internal("a booking of the batch was not written")),
        })
        .collect();
    Ok((tx, answers))
}

/// The seats' refusal (full, closed or started), as the one-by-one path gives it.
fn full() -> AppError {
    AppError::Conflict(Msg::new("booking.slot_full"))
}

/// A code not yet used in this batch.
fn fresh_code(used: &mut HashSet<String>) -> String {
    loop {
        let c = store::new_code();
        if used.insert(c.clone()) {
            return c;
        }
    }
}
