//! Issue 13 (usability), the parts done so far: what a person sees at each step.

use crate::helpers::{post, spawn_app};

#[tokio::test]
async fn a_booking_page_puts_time_and_place_first_asks_before_cancelling_and_a_cancelled_one_shows_no_qr(
) {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (center, sched) = app::booking::store::schedules(db)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("a scheduled centre");
    let slot: i64 = sqlx::query_scalar(
        "SELECT MIN(id) FROM booking_slots WHERE center_id = $1 AND starts_at > $2 AND closed = 0",
    )
    .bind(center)
    .bind(chrono::Utc::now().timestamp() + 3600)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let (me, _) = app.session_for("13900001111").await;
    let r = post(
        &app,
        &me,
        "/api/booking/create",
        &[
            ("slot_id", slot.to_string()),
            ("item_code", sched.items[0].clone()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let code: String = r.json().await.unwrap();
    let page = |path: String| {
        let me = me.clone();
        let url = app.url(&path);
        async move { me.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(format!("/bookings/{code}")).await;
    let (when, code_at) = (
        html.find("class=\"when\"").unwrap(),
        html.find("class=\"code\"").unwrap(),
    );
    assert!(when < code_at, "time and place come before the code");
    assert!(html.contains("<svg") && html.contains("/ics"));
    // Cancel is a link to a confirmation, which writes nothing.
    assert!(html.contains(&format!("/bookings/{code}?cancel=1")));
    let asked = page(format!("/bookings/{code}?cancel=1")).await;
    assert!(asked.contains("确认取消"), "{asked}");
    let status: String = sqlx::query_scalar("SELECT status FROM bookings WHERE code = $1")
        .bind(&code)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(status, "active");
    let r = post(&app, &me, "/api/booking/cancel", &[("code", code.clone())]).await;
    assert_eq!(r.status(), 200);
    let html = page(format!("/bookings/{code}")).await;
    assert!(html.contains("已取消"));
    assert!(!html.contains("<svg"), "no QR for a cancelled booking");
    assert!(
        !html.contains("/ics"),
        "no calendar link for a cancelled booking"
    );
    assert!(!html.contains("cancel=1"));
}
