//! Input validation against the real server: extreme values that decode well (huge
//! numbers, far dates, long texts, repeated lines) get a 400 in Chinese and change
//! nothing. Malformed requests of every kind are fuzz.rs's.

use crate::fixtures::Table;
use crate::helpers::{post, spawn_app};

/// Wishes, activities and desk schedules: what a refused form could have written.
async fn written(app: &crate::helpers::TestApp) -> i64 {
    app.rows(Table::Wishes).await
        + app.rows(Table::Activities).await
        + app.rows(Table::BookingSchedules).await
}

#[tokio::test]
async fn extreme_values_get_a_chinese_400_and_change_nothing() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let long = "长".repeat(5_000);
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "/api/desk/schedule",
            vec![
                ("windows", "1-4294967295 17:30-20:00".into()),
                ("slot_minutes", "30".into()),
                ("capacity", "2".into()),
                ("items", "MZ-01".into()),
            ],
        ),
        (
            "/api/desk/schedule",
            vec![
                ("windows", "1 17:30-20:00".into()),
                ("slot_minutes", "4294967295".into()),
                ("capacity", "2".into()),
                ("items", "MZ-01".into()),
            ],
        ),
        (
            "/api/desk/schedule",
            vec![
                ("windows", "1 17:30-20:00".into()),
                ("slot_minutes", "30".into()),
                ("capacity", "4294967".into()),
                ("items", "MZ-01".into()),
            ],
        ),
        (
            "/api/desk/schedule",
            vec![
                ("windows", "1 17:30-20:00\n".repeat(500)),
                ("slot_minutes", "30".into()),
                ("capacity", "2".into()),
                ("items", "MZ-01".into()),
            ],
        ),
        (
            "/api/desk/schedule",
            vec![
                ("windows", "1 17:30-20:00".into()),
                ("slot_minutes", "30".into()),
                ("capacity", "2".into()),
                ("items", "MZ-01,".repeat(5_000)),
            ],
        ),
        ("/api/desk/today", vec![("day", "99999-01-01".into())]),
        ("/api/desk/today", vec![("day", "1000-01-01".into())]),
        (
            "/api/desk/close-slot",
            vec![("slot_id", "1".into()), ("reason", long.clone())],
        ),
        (
            "/api/activities/create",
            vec![
                ("kind", "project".into()),
                ("title", "活动".into()),
                ("day", "2099-01-01".into()),
                ("place", "广场".into()),
                ("capacity", "9223372036854775807".into()),
                ("hours", "2".into()),
                ("points", "5".into()),
            ],
        ),
        (
            "/api/activities/create",
            vec![
                ("kind", "project".into()),
                ("title", long.clone()),
                ("day", "2026-12-31".into()),
                ("place", "广场".into()),
                ("capacity", "5".into()),
                ("hours", "-1".into()),
                ("points", "99999".into()),
            ],
        ),
        (
            "/api/wishes/post",
            vec![
                ("category", "陪伴".into()),
                ("title", "陪聊".into()),
                ("story", "故事".into()),
                ("needs", "聊天".into()),
                ("value_yuan", "9223372036854775807".into()),
                ("deadline", "9999-12-31".into()),
                ("contact", "13800000000".into()),
                ("address", "某处".into()),
            ],
        ),
        (
            "/api/wishes/post",
            vec![
                ("category", "陪伴".into()),
                ("title", long.clone()),
                ("story", "故事".into()),
                ("needs", "聊天".into()),
                ("value_yuan", "10".into()),
                ("deadline", "2026-12-31".into()),
                ("contact", "13800000000".into()),
                ("address", "某处".into()),
            ],
        ),
        (
            "/api/stations/nearby",
            vec![("lat", "1e308".into()), ("lng", "-1e308".into())],
        ),
        ("/api/me/profile", vec![("display_name", long.clone())]),
        (
            "/api/volunteers/verify",
            vec![
                ("user_id", "1".into()),
                ("on", "true".into()),
                ("real_name", long.clone()),
            ],
        ),
        (
            "/api/catalogue/update",
            vec![
                ("code", "\n".into()),
                ("base", "1".into()),
                ("guide", "{}".into()),
                ("note", "x".into()),
            ],
        ),
        (
            "/api/auth/verify-code",
            vec![
                ("phone", "13800000000".into()),
                ("code", "123456".into()),
                ("next", "/\t//evil".into()),
            ],
        ),
    ];
    let before = written(&app).await;
    for (path, form) in &cases {
        let r = post(&app, &staff, path, form).await;
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        assert!(
            (400..500).contains(&status),
            "{path} {form:?}: {status} {body}"
        );
        assert!(
            body.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{path}: {body}"
        );
    }
    assert_eq!(written(&app).await, before);
}
