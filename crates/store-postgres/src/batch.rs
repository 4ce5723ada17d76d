//! Group commit for outbound messages on Postgres.
//!
//! A message checked against the cache of accounts needs one statement; run one statement
//! per message and Postgres spends most of each on starting and finishing it (executor set-up,
//! its commit and WAL flush), not on the rows. So messages created at the same moment are
//! stored together: [`WORKERS`] tasks each take whatever messages are waiting (up to
//! [`MAX_BATCH`]), store them with one statement (`messages::insert_many`, atomic on its own),
//! and answer each only after it has committed. A message whose guard fails in the
//! statement is not stored and is answered so, to go the checked way.

use std::sync::Arc;

use deadpool_postgres::Pool;
use switchboard_store::{MessageRecord, NewMessage, Result, StoreError};
use tokio::sync::{mpsc, oneshot, Mutex};

use crate::messages::{insert_many, Guard};
use crate::pool_error;

/// Messages stored by one statement at most.
const MAX_BATCH: usize = 128;
/// Statements in flight at once per instance: one is being committed while the next forms.
const WORKERS: usize = 2;

/// The message back, with its `seq` when it was stored.
type Reply = oneshot::Sender<(NewMessage, Result<Option<i64>>)>;

struct Pending {
    new: NewMessage,
    guard: Guard,
    reply: Reply,
}

pub(crate) struct Batcher {
    tx: mpsc::UnboundedSender<Pending>,
}

impl Batcher {
    /// Start the workers; they end once the batcher is dropped and nothing is waiting.
    pub fn start(pool: Pool) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..WORKERS {
            tokio::spawn(worker(pool.clone(), rx.clone()));
        }
        Batcher { tx }
    }

    /// Store `new` if its guard holds: the stored message, or `new` back when it does not.
    pub async fn insert(
        &self,
        new: NewMessage,
        guard: Guard,
    ) -> Result<std::result::Result<MessageRecord, NewMessage>> {
        let (reply, answer) = oneshot::channel();
        let stopped = || StoreError::Unavailable("message batcher stopped".into());
        self.tx
            .send(Pending { new, guard, reply })
            .map_err(|_| stopped())?;
        let (new, seq) = answer.await.map_err(|_| stopped())?;
        Ok(match seq? {
            Some(seq) => Ok(MessageRecord { seq, ..new.record }),
            None => Err(new),
        })
    }
}

async fn worker(pool: Pool, rx: Arc<Mutex<mpsc::UnboundedReceiver<Pending>>>) {
    loop {
        let mut batch = Vec::new();
        {
            let mut rx = rx.lock().await;
            match rx.recv().await {
                Some(p) => batch.push(p),
                None => return,
            }
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(p) => batch.push(p),
                    Err(_) => break,
                }
            }
        }
        store(&pool, batch).await;
    }
}

async fn store(pool: &Pool, batch: Vec<Pending>) {
    let c = match pool.get().await {
        Ok(c) => c,
        Err(e) => {
            let e = pool_error(e).to_string();
            for p in batch {
                let _ = p
                    .reply
                    .send((p.new, Err(StoreError::Unavailable(e.clone()))));
            }
            return;
        }
    };
    let items: Vec<_> = batch.iter().map(|p| (&p.new, &p.guard)).collect();
    match insert_many(&c, &items).await {
        Ok(seqs) => {
            for (p, seq) in batch.into_iter().zip(seqs) {
                let _ = p.reply.send((p.new, Ok(seq)));
            }
        }
        // One message's failure must not fail the others: each again, alone.
        Err(_) if batch.len() > 1 => {
            for p in batch {
                let one = insert_many(&c, &[(&p.new, &p.guard)])
                    .await
                    .map(|mut seqs| seqs.pop().flatten());
                let _ = p.reply.send((p.new, one));
            }
        }
        Err(e) => {
            if let Some(p) = batch.into_iter().next() {
                let _ = p.reply.send((p.new, Err(e)));
            }
        }
    }
}
