//! The outbox's delivery against a slow gateway: two workers, one lease per message,
//! each text sent once, and a sign-in code taken before the backlog it joined.

use crate::helpers::TestDb;
use app::accounts::sms::{SendFuture, Sms, SmsSender};
use app::db::Db;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A gateway that takes `delay` per text and remembers every text it was given.
#[derive(Debug)]
struct SlowGateway {
    delay: Duration,
    got: Mutex<Vec<(String, String)>>,
}

impl SmsSender for SlowGateway {
    fn send<'a>(&'a self, sms: Sms<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            tokio::time::sleep(self.delay).await;
            self.got
                .lock()
                .map_err(|_| app::accounts::sms::SmsError::Failed("poisoned".into()))?
                .push((sms.purpose.to_string(), sms.text.to_string()));
            Ok(())
        })
    }
}

async fn queue(db: &Db, purpose: &str, text: &str) {
    let mut tx = db.begin_write().await.unwrap();
    app::outbox::store::enqueue(&mut tx, "13800000000", purpose, text, app::time::now_ts())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn two_workers_send_each_text_once_and_a_code_goes_first() {
    let test_db = TestDb::seeded().await;
    let db = Db::connect(&test_db.url(), 8).await.unwrap();
    // Nothing else is queued in the template: every text below is this test's.
    let backlog = 12;
    for i in 0..backlog {
        queue(&db, "booking_reminder", &format!("reminder {i}")).await;
    }
    let gateway = Arc::new(SlowGateway {
        delay: Duration::from_millis(300),
        got: Mutex::new(Vec::new()),
    });
    // A lease of 1 s against 300 ms a text: a batch claimed under one lease (the old
    // delivery) would lapse after about three texts and the other worker would send the
    // rest again.
    let worker = |db: Db, g: Arc<SlowGateway>| {
        tokio::spawn(
            async move { app::outbox::service::deliver_due_with(&db, g.as_ref(), 1).await },
        )
    };
    let a = worker(db.clone(), gateway.clone());
    let b = worker(db.clone(), gateway.clone());
    tokio::time::sleep(Duration::from_millis(450)).await;
    queue(&db, "login_code", "code 123456").await;
    let c = worker(db.clone(), gateway.clone());
    let sent: usize = [a.await, b.await, c.await]
        .into_iter()
        .map(|r| r.unwrap().unwrap())
        .sum();
    let got = gateway.got.lock().unwrap().clone();
    assert_eq!(sent, backlog + 1, "every text recorded sent once: {got:?}");
    assert_eq!(
        got.len(),
        backlog + 1,
        "the gateway got each text once: {got:?}"
    );
    let mut texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), backlog + 1, "no text twice: {got:?}");
    let code_at = got.iter().position(|(p, _)| p == "login_code").unwrap();
    assert!(
        code_at <= 5,
        "the code queued while {backlog} reminders drained went out at position {code_at}: {got:?}"
    );
}

#[tokio::test]
async fn a_worker_whose_lease_was_taken_over_records_nothing() {
    let test_db = TestDb::seeded().await;
    let db = Db::connect(&test_db.url(), 4).await.unwrap();
    queue(&db, "booking_reminder", "late").await;
    let now = app::time::now_ts();
    let first = app::outbox::store::claim_next(&db, now, now + 1)
        .await
        .unwrap()
        .unwrap();
    // Its lease lapses; another process claims the text again.
    let second = app::outbox::store::claim_next(&db, now + 5, now + 125)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.id, second.id);
    assert!(!app::outbox::store::mark_sent(&db, &first, now + 6)
        .await
        .unwrap());
    assert!(app::outbox::store::mark_sent(&db, &second, now + 6)
        .await
        .unwrap());
    assert!(app::outbox::store::claim_next(&db, now + 500, now + 620)
        .await
        .unwrap()
        .is_none());
}
