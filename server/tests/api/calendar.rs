//! The holiday calendar against the real server: admins keep it (a pasted list checked
//! line by line and saved all or none) and a station's "open now" follows it at once.

use crate::fixtures::Table;
use crate::helpers::{post, spawn_app};

/// Admins keep the holiday calendar: a pasted list is checked line by line and saved
/// all or none; a holiday today closes "PH off" stations at once.
#[tokio::test]
async fn admins_keep_the_holiday_calendar_and_open_now_follows() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let id = app.first_station().await;
    let v = app.station_version(id).await;
    let r = post(
        &app,
        &admin,
        "/api/stations/hours/set",
        &[
            ("station_id", id.to_string()),
            ("version", v.to_string()),
            ("opening_hours", "Mo-Su 00:00-24:00; PH off".to_string()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let today = app::time::today_local();
    if app.special_days_on(&today.to_string()).await > 0 {
        // Today is already special in the shipped calendar: the rest is about other days.
        return;
    }
    assert_eq!(app.open_now(id).await, Some(true));
    let before = app.rows(Table::SpecialDays).await;
    // A bad list: every bad line named, nothing saved.
    let bad = format!("{today},休,测试节\n2027-13-01,休,元旦\n2027-01-02,玩,元旦");
    let r = post(&app, &admin, "/api/admin/holidays/import", &[("list", bad)]).await;
    assert_eq!(r.status(), 400);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("第 2 行") && text.contains("第 3 行"),
        "{text}"
    );
    assert_eq!(app.rows(Table::SpecialDays).await, before);
    // A good one, pasted from Excel (tabs): today becomes a holiday, closed now.
    let good = format!("日期\t类型\t名称\n{today}\t休\t测试节\n2027-02-06\t班\t春节\t周五");
    let r = post(
        &app,
        &admin,
        "/api/admin/holidays/import",
        &[("list", good)],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<i64>().await.unwrap(), 2);
    assert_eq!(app.open_now(id).await, Some(false));
    let html = app.page_as(&admin, "/admin/holidays?year=2027").await;
    assert!(html.contains("2027-02-06") && html.contains("春节"));
    // Removing today's holiday reopens it.
    let r = post(
        &app,
        &admin,
        "/api/admin/holidays/remove",
        &[("date", today.to_string())],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.open_now(id).await, Some(true));
    // Only admins.
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/admin/holidays/import",
            &[("list", format!("{today},休,测试节"))]
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/admin/holidays/set",
            &[
                ("date", today.to_string()),
                ("kind", "休".into()),
                ("name", "x".into())
            ]
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.audit_count("set_holidays").await + app.audit_count("remove_holiday").await,
        2
    );
}
