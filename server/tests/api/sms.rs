//! Text messages against the real server: the outbox delivers each message once across
//! processes, and the webhook sender (against a local test gateway) retries after a
//! 5xx, never holds a request on a slow gateway and keeps its failures.

use crate::helpers::{spawn_app, spawn_app_with};
use app::config::SmsConfig;
use axum::routing::post;
use axum::{Json, Router};
use std::sync::{Arc, Mutex};

/// A gateway on a random local port that answers with `statuses` in turn (then 200)
/// and records every JSON body it receives.
async fn gateway(
    statuses: Vec<u16>,
    delay_ms: u64,
) -> (String, Arc<Mutex<Vec<serde_json::Value>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let queue = Arc::new(Mutex::new(statuses));
    let (s, q) = (seen.clone(), queue.clone());
    let app = Router::new().route(
        "/sms",
        post(move |Json(body): Json<serde_json::Value>| {
            let (s, q) = (s.clone(), q.clone());
            async move {
                s.lock().unwrap().push(body);
                tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
                let code = {
                    let mut q = q.lock().unwrap();
                    if q.is_empty() {
                        200
                    } else {
                        q.remove(0)
                    }
                };
                http::StatusCode::from_u16(code).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

/// Waits (at most 10 s) until the outbox records a failed try.
async fn first_failure(app: &crate::helpers::TestApp) -> app::outbox::store::Failed {
    for _ in 0..200 {
        if let Some(f) = app::outbox::store::failures(&app.state.db, 10)
            .await
            .unwrap()
            .into_iter()
            .next()
        {
            return f;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no failure was recorded");
}

#[tokio::test]
async fn the_webhook_gets_json_and_is_retried_after_a_5xx() {
    let (url, seen) = gateway(vec![503], 0).await;
    let app = spawn_app_with(|c| {
        c.sms = SmsConfig::Webhook {
            url,
            timeout_ms: 2000,
            attempts: 3,
        }
    })
    .await;
    let r = app
        .client
        .post(app.url("/api/auth/request-code"))
        .form(&[("phone", "13812341234")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    app.outbox_settled().await;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "one failure, one retry");
    assert_eq!(seen[1]["phone"], "13812341234");
    assert_eq!(seen[1]["purpose"], "login_code");
    assert!(seen[1]["text"].as_str().unwrap().contains("验证码"));
    // Sent: the body (it held the code) is erased from the outbox.
    assert_eq!(app.outbox_bodies().await, vec![String::new()]);
}

/// A slow gateway no longer holds the resident's request: the code is queued with the
/// request's commit and the request answers at once; the failed delivery is recorded
/// for admins and tried again later, never silently dropped.
#[tokio::test]
async fn a_gateway_that_times_out_does_not_hold_the_request_and_the_failure_is_kept() {
    let (url, seen) = gateway(vec![], 1500).await;
    let app = spawn_app_with(|c| {
        c.sms = SmsConfig::Webhook {
            url,
            timeout_ms: 200,
            attempts: 2,
        }
    })
    .await;
    let r = app
        .client
        .post(app.url("/api/auth/request-code"))
        .form(&[("phone", "13812341234")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let f = first_failure(&app).await;
    assert_eq!(f.purpose, "login_code");
    assert_eq!(f.attempts, 1);
    assert!(!f.last_error.is_empty());
    assert_eq!(f.failed_at, None, "it will be tried again");
    assert_eq!(seen.lock().unwrap().len(), 2);
    let (waiting, sent, _) = app::outbox::store::counts(&app.state.db).await.unwrap();
    assert_eq!((waiting, sent), (1, 0));
}

#[tokio::test]
async fn a_gateway_that_refuses_is_not_retried_at_once() {
    let (url, seen) = gateway(vec![400], 0).await;
    let app = spawn_app_with(|c| {
        c.sms = SmsConfig::Webhook {
            url,
            timeout_ms: 2000,
            attempts: 3,
        }
    })
    .await;
    let r = app
        .client
        .post(app.url("/api/auth/request-code"))
        .form(&[("phone", "13812341234")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let f = first_failure(&app).await;
    assert!(f.last_error.contains("400"), "{}", f.last_error);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn closing_a_slot_answers_at_once_and_its_texts_go_out_once_through_the_outbox() {
    let app = spawn_app().await;
    let second = app.second_process().await;
    // 60 texts queued at once, delivered by two processes' workers together.
    {
        let mut tx = app.state.db.begin_write().await.unwrap();
        for i in 0..60 {
            app::outbox::store::enqueue(
                &mut tx,
                &format!("1360000{i:04}"),
                "test",
                &format!("第{i}条\n两行"),
                0,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    app.state.wake_outbox();
    second.state.wake_outbox();
    app.outbox_settled().await;
    let sent = app.sent_sms().await;
    assert_eq!(sent.len(), 60, "each exactly once, each a whole line");
    let mut phones: Vec<String> = sent
        .iter()
        .map(|m| m["phone"].as_str().unwrap().to_string())
        .collect();
    phones.sort();
    phones.dedup();
    assert_eq!(phones.len(), 60);
}
