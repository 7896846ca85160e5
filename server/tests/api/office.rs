//! Issue 14 (back office), people and figures: admins grant, move and revoke staff
//! (revoking ends their sessions); the audit trail with its filters and CSV, where staff
//! see only their own community; the life-circle coverage against an independent count.

use crate::helpers::{post, spawn_app, TestApp};
use serde_json::Value;

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn two_communities(app: &TestApp) -> (i64, i64) {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM communities ORDER BY id LIMIT 2")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    (ids[0], ids[1])
}

#[tokio::test]
async fn admins_grant_move_and_revoke_staff_and_revoking_ends_their_sessions() {
    let app = spawn_app().await;
    let admin = app.new_client();
    let me = app.demo(&admin, "admin").await;
    let (a, b) = two_communities(&app).await;
    let grant = |phone: &str, role: &str, community: Option<i64>| {
        let mut f = vec![("phone", phone.to_string()), ("role", role.to_string())];
        if let Some(c) = community {
            f.push(("community", c.to_string()));
        }
        f
    };
    // Staff need a community; residents are not "granted".
    let r = post(
        &app,
        &admin,
        "/api/admin/people/grant",
        &grant("13911112222", "staff", None),
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post(
        &app,
        &admin,
        "/api/admin/people/grant",
        &grant("13911112222", "resident", Some(a)),
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post(
        &app,
        &admin,
        "/api/admin/people/grant",
        &grant("13911112222", "staff", Some(a)),
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (clerk, clerk_id) = app.session_for("13911112222").await;
    let row: (String, Option<i64>) =
        sqlx::query_as("SELECT role, community_id FROM users WHERE id = $1")
            .bind(clerk_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(row, ("staff".to_string(), Some(a)));
    // The new clerk works: their community's volunteers.
    assert_eq!(
        post(&app, &clerk, "/api/volunteers/list", &[])
            .await
            .status(),
        200
    );

    // Nobody but an admin changes roles: not the clerk, not a resident, not a stranger.
    let (resident, _) = app.session_for("13911113333").await;
    for (c, want) in [(&clerk, 403), (&resident, 403), (&app.new_client(), 401)] {
        for (path, form) in [
            (
                "/api/admin/people/grant",
                grant("13911114444", "admin", None),
            ),
            (
                "/api/admin/people/move",
                vec![
                    ("user_id", clerk_id.to_string()),
                    ("community", b.to_string()),
                ],
            ),
            (
                "/api/admin/people/revoke",
                vec![("user_id", clerk_id.to_string())],
            ),
        ] {
            assert_eq!(post(&app, c, path, &form).await.status(), want, "{path}");
        }
        assert_eq!(post(&app, c, "/api/admin/people", &[]).await.status(), want);
    }
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM users WHERE phone = '13911114444' AND role = 'admin'"
        )
        .await,
        0
    );

    // Move: audited with before and after.
    let r = post(
        &app,
        &admin,
        "/api/admin/people/move",
        &[
            ("user_id", clerk_id.to_string()),
            ("community", b.to_string()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200);
    let (before, after): (String, String) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_log WHERE action = 'grant_role' AND target = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(format!("user:{clerk_id}"))
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(
        before.contains(&format!("\"community_id\":{a}")),
        "{before}"
    );
    assert!(after.contains(&format!("\"community_id\":{b}")), "{after}");
    // A move to a community that does not exist changes nothing.
    let r = post(
        &app,
        &admin,
        "/api/admin/people/move",
        &[
            ("user_id", clerk_id.to_string()),
            ("community", "999999".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 400);

    // The people page lists the clerk under community b, number masked.
    let html = app
        .page_as(&admin, &format!("/admin/people?community={b}"))
        .await;
    assert!(html.contains("139****2222"), "masked number listed");
    assert!(!html.contains("13911112222"), "never the whole number");

    // Revoke: the clerk is signed out at once.
    let r = post(
        &app,
        &admin,
        "/api/admin/people/revoke",
        &[("user_id", clerk_id.to_string())],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        post(&app, &clerk, "/api/volunteers/list", &[])
            .await
            .status(),
        401
    );
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT COUNT(*) FROM sessions WHERE user_id = {clerk_id}")
        )
        .await,
        0
    );
    // An admin cannot revoke themselves (nobody locks the city out by a slip).
    let my_id = me["id"].as_i64().unwrap();
    let r = post(
        &app,
        &admin,
        "/api/admin/people/revoke",
        &[("user_id", my_id.to_string())],
    )
    .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'grant_role' AND actor_id IS NOT NULL"
        )
        .await,
        3
    );
}

#[tokio::test]
async fn the_audit_trail_filters_and_exports_and_staff_see_only_their_community() {
    let app = spawn_app().await;
    let admin = app.new_client();
    let admin_me = app.demo(&admin, "admin").await;
    let staff = app.new_client();
    let staff_me = app.demo(&staff, "staff").await;
    let own = staff_me["community_id"]
        .as_i64()
        .expect("demo staff has a community");
    let other: i64 = sqlx::query_scalar("SELECT MIN(id) FROM communities WHERE id <> $1")
        .bind(own)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    // Two records: one in each community.
    for (c, phone) in [(own, "13922220001"), (other, "13922220002")] {
        let r = post(
            &app,
            &admin,
            "/api/admin/people/grant",
            &[
                ("phone", phone.into()),
                ("role", "staff".into()),
                ("community", c.to_string()),
            ],
        )
        .await;
        assert_eq!(r.status(), 200);
    }
    // Admin: filtered by action, community and date.
    let today = app::time::today();
    let html = app
        .page_as(
            &admin,
            &format!("/admin/audit?what=grant_role&community={other}&from={today}&to={today}"),
        )
        .await;
    assert!(
        html.contains("user:") && html.contains("grant_role"),
        "{html}"
    );
    let html_other_day = app
        .page_as(
            &admin,
            "/admin/audit?what=grant_role&from=2020-01-01&to=2020-01-02",
        )
        .await;
    assert!(!html_other_day.contains("<td>grant_role</td>"));
    // A bad date is a clear 400 through the endpoint.
    let r = admin
        .get(app.url("/admin/audit?from=yesterday"))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("YYYY-MM-DD"));

    // The CSV: BOM, Chinese header, the filtered rows; recorded as an export.
    let r = admin
        .post(app.url("/api/v1/audit.csv"))
        .form(&[
            ("what", "grant_role".to_string()),
            ("community", other.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.bytes().await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    assert!(rdr.headers().unwrap().iter().any(|h| h == "操作"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].iter().any(|c| c.contains("grant_role")));
    let admin_id = admin_me["id"].as_i64().unwrap();
    assert_eq!(
        scalar(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'export_audit' AND actor_id = {admin_id}")).await,
        1
    );

    // Staff: their own community only, whatever they ask for.
    let r = staff
        .post(app.url("/api/v1/audit.csv"))
        .form(&[
            ("what", "grant_role".to_string()),
            ("community", other.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|r| r.unwrap())
            .collect();
    let own_name: String = sqlx::query_scalar("SELECT name FROM communities WHERE id = $1")
        .bind(own)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r.get(4) == Some(own_name.as_str())),
        "{rows:?}"
    );
    let html = app
        .page_as(&staff, &format!("/admin/audit?community={other}"))
        .await;
    let other_name: String = sqlx::query_scalar("SELECT name FROM communities WHERE id = $1")
        .bind(other)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(!html.contains(&format!("<td>{other_name}</td>")));
    // Residents and strangers: refused.
    let (resident, _) = app.session_for("13922220003").await;
    assert_eq!(
        resident
            .post(app.url("/api/v1/audit.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        app.new_client()
            .post(app.url("/api/v1/audit.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // A GET never writes: the export that is put on record is a POST only.
    assert_eq!(
        admin
            .get(app.url("/api/v1/audit.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        405
    );
    assert_eq!(
        resident
            .get(app.url("/api/v1/coverage.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

fn haversine(a: (f64, f64), b: (f64, f64)) -> f64 {
    let r = 6_371_008.8_f64;
    let (p1, p2) = (a.0.to_radians(), b.0.to_radians());
    let dp = p2 - p1;
    let dl = (b.1 - a.1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * h.sqrt().asin()
}

/// The coverage figures equal a count made here from the rows, by brute force.
#[tokio::test]
async fn the_coverage_matches_an_independent_count() {
    let app = spawn_app().await;
    let communities: Vec<(f64, f64)> = sqlx::query_as("SELECT lat, lng FROM communities")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    type Row = (String, f64, f64, String);
    let stations: Vec<Row> = sqlx::query_as("SELECT kind, lat, lng, amenities FROM stations")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    let covered = |keep: &dyn Fn(&Row) -> bool| {
        communities
            .iter()
            .filter(|c| {
                stations
                    .iter()
                    .any(|s| keep(s) && haversine(**c, (s.1, s.2)) <= 800.0)
            })
            .count()
    };
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let r = post(&app, &staff, "/api/admin/coverage", &[]).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let v = &v["view"];
    assert_eq!(v["communities"].as_u64(), Some(communities.len() as u64));
    for pair in v["by_kind"].as_array().unwrap() {
        let kind = pair[0].as_str().unwrap().to_string();
        let want = covered(&|s| s.0 == kind);
        assert_eq!(pair[1].as_u64(), Some(want as u64), "{kind}");
    }
    for pair in v["by_amenity"].as_array().unwrap() {
        let a = pair[0].as_str().unwrap().to_string();
        let want = covered(&|s| s.3.split(',').any(|x| x == a));
        assert_eq!(pair[1].as_u64(), Some(want as u64), "{a}");
    }
    // Every community is a gap or is covered for all four kinds.
    let all_four = communities
        .iter()
        .filter(|c| {
            ["center", "red_station", "outdoor", "plaza"]
                .iter()
                .all(|k| {
                    stations
                        .iter()
                        .any(|s| s.0 == *k && haversine(**c, (s.1, s.2)) <= 800.0)
                })
        })
        .count();
    assert_eq!(
        v["gaps"].as_array().unwrap().len(),
        communities.len() - all_four
    );
    // The page and the CSV say the same.
    let html = app.page_as(&staff, "/admin/coverage").await;
    assert!(html.contains(&format!("全市 {} 个社区", communities.len())));
    let text = staff
        .get(app.url("/api/v1/coverage.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text.lines().count(), communities.len() + 1);
    // Residents are refused; a bad kind is a 400.
    let (resident, _) = app.session_for("13933330001").await;
    assert_eq!(
        post(&app, &resident, "/api/admin/coverage", &[])
            .await
            .status(),
        403
    );
    assert_eq!(
        post(&app, &staff, "/api/admin/coverage", &[("kind", "x".into())])
            .await
            .status(),
        400
    );
}

async fn open_now(app: &TestApp, id: i64) -> Option<bool> {
    let v: Value = app
        .get(&format!("/api/v1/stations/{id}"))
        .await
        .json()
        .await
        .unwrap();
    v["properties"]["open_now"].as_bool()
}

async fn version_of(app: &TestApp, id: i64) -> i64 {
    scalar(
        app,
        &format!("SELECT version FROM stations WHERE id = {id}"),
    )
    .await
}

/// Staff edit a station's hours with a 14-day preview, add special dates, and the rider
/// sees the change at once; staff of another community are refused everywhere.
#[tokio::test]
async fn staff_keep_hours_true_and_riders_see_the_change_at_once() {
    let app = spawn_app().await;
    let staff = app.new_client();
    let me = app.demo(&staff, "staff").await;
    let own = me["community_id"].as_i64().unwrap();
    let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM stations WHERE community_id = $1")
        .bind(own)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let saved_hours: String =
        sqlx::query_scalar("SELECT opening_hours FROM stations WHERE id = $1")
            .bind(id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();

    // A preview is a GET: 14 days shown, nothing saved.
    let html = app
        .page_as(
            &staff,
            &format!("/station/{id}/hours?hours=Mo-Fr%2008:00-09:00%3B%20PH%20off"),
        )
        .await;
    assert!(html.contains("这是预览"), "{html}");
    // Monday to Friday open 08:00-09:00 except public holidays (a make-up working day
    // opens too where the station follows them), the rest closed: counted from the
    // calendar, so the check holds on whatever fortnight the suite runs in.
    let cal = app::calendar::model::Calendar::new(app::calendar::model::china_2026());
    let today = app::time::today_local();
    let window: Vec<chrono::NaiveDate> =
        (0..14).map(|k| today + chrono::Duration::days(k)).collect();
    let weekday = |d: &chrono::NaiveDate| chrono::Datelike::weekday(d).number_from_monday() <= 5;
    let plain = window
        .iter()
        .filter(|d| weekday(d) && !cal.is_holiday(**d))
        .count();
    let makeup = window
        .iter()
        .filter(|d| cal.makeup_as(**d).is_some())
        .count();
    let open_days = html.matches("<td>08:00-09:00").count();
    assert!(
        (plain..=plain + makeup).contains(&open_days),
        "{open_days} days open, {plain} weekdays that are not holidays, {makeup} make-up days"
    );
    assert!(
        html.matches("<td>不开放").count() >= 14 - open_days,
        "every other day of the fortnight closed"
    );
    let now_saved: String = sqlx::query_scalar("SELECT opening_hours FROM stations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(now_saved, saved_hours);
    // Bad syntax: said on the page, no preview, no save button.
    let html = app
        .page_as(&staff, &format!("/station/{id}/hours?hours=every%20day"))
        .await;
    assert!(html.contains("role=\"alert\"") && !html.contains("保存营业时间"));

    // Save 24/7: the rider's "open now" follows.
    let v = version_of(&app, id).await;
    let set = |hours: &str, version: i64| {
        vec![
            ("station_id", id.to_string()),
            ("version", version.to_string()),
            ("opening_hours", hours.to_string()),
        ]
    };
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/stations/hours/set",
            &set("every day", v)
        )
        .await
        .status(),
        400
    );
    assert_eq!(
        post(&app, &staff, "/api/stations/hours/set", &set("24/7", v))
            .await
            .status(),
        200
    );
    assert_eq!(open_now(&app, id).await, Some(true));
    // A form filled before that save is stale.
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/stations/hours/set",
            &set("Mo-Fr 08:00-17:00", v)
        )
        .await
        .status(),
        409
    );

    // Closed for repairs today: closed now, for the rider too; removing it reopens.
    let today = app::time::today();
    let special = vec![
        ("station_id", id.to_string()),
        ("from", today.clone()),
        ("to", today.clone()),
        ("hours", String::new()),
        ("note", "闭馆维修".to_string()),
    ];
    let r = post(&app, &staff, "/api/stations/hours/special/add", &special).await;
    assert_eq!(r.status(), 200);
    let special_id = r.json::<i64>().await.unwrap();
    assert_eq!(open_now(&app, id).await, Some(false));
    let page = app.get_text(&format!("/station/{id}")).await.1;
    assert!(page.contains("闭馆维修"), "residents see the special date");
    let (lat, lng): (f64, f64) = sqlx::query_as("SELECT lat, lng FROM stations WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let near: Value = app
        .get(&format!(
            "/api/v1/stations/nearest?lat={lat}&lng={lng}&limit=1&open_now=true"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(near["features"][0]["properties"]["id"].as_i64(), Some(id));
    // Bad ranges are refused.
    let mut bad = special.clone();
    bad[4].1 = String::new();
    assert_eq!(
        post(&app, &staff, "/api/stations/hours/special/add", &bad)
            .await
            .status(),
        400
    );
    let mut bad = special.clone();
    bad[3].1 = "9-12".into();
    assert_eq!(
        post(&app, &staff, "/api/stations/hours/special/add", &bad)
            .await
            .status(),
        400
    );

    // Staff of another community: refused everywhere, nothing changes.
    let other_station: i64 =
        sqlx::query_scalar("SELECT MIN(id) FROM stations WHERE community_id <> $1")
            .bind(own)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let ov = version_of(&app, other_station).await;
    let other_set = vec![
        ("station_id", other_station.to_string()),
        ("version", ov.to_string()),
        ("opening_hours", "24/7".to_string()),
    ];
    assert_eq!(
        post(&app, &staff, "/api/stations/hours/set", &other_set)
            .await
            .status(),
        403
    );
    let mut other_special = special.clone();
    other_special[0].1 = other_station.to_string();
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/stations/hours/special/add",
            &other_special
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/stations/hours/special/delete",
            &[
                ("station_id", other_station.to_string()),
                ("id", special_id.to_string())
            ]
        )
        .await
        .status(),
        403
    );
    let r = staff
        .get(app.url(&format!("/station/{other_station}/hours")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (resident, _) = app.session_for("13944440001").await;
    assert_eq!(
        post(
            &app,
            &resident,
            "/api/stations/hours/set",
            &set("24/7", version_of(&app, id).await)
        )
        .await
        .status(),
        403
    );
    assert_eq!(version_of(&app, other_station).await, ov);

    assert_eq!(
        post(
            &app,
            &staff,
            "/api/stations/hours/special/delete",
            &[
                ("station_id", id.to_string()),
                ("id", special_id.to_string())
            ]
        )
        .await
        .status(),
        200
    );
    assert_eq!(open_now(&app, id).await, Some(true));
    for action in ["set_hours", "add_special_hours", "delete_special_hours"] {
        assert_eq!(
            scalar(&app, &format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND target = 'station:{id}'")).await,
            1,
            "{action}"
        );
    }
}

/// Admins keep the holiday calendar: a pasted list is checked line by line and saved
/// all or none; a holiday today closes "PH off" stations at once.
#[tokio::test]
async fn admins_keep_the_holiday_calendar_and_open_now_follows() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM stations")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let v = version_of(&app, id).await;
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
    let already: i64 = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM special_days WHERE day = '{today}'"),
    )
    .await;
    if already > 0 {
        // Today is already special in the shipped calendar: the rest is about other days.
        return;
    }
    assert_eq!(open_now(&app, id).await, Some(true));
    let before = scalar(&app, "SELECT COUNT(*) FROM special_days").await;
    // A bad list: every bad line named, nothing saved.
    let bad = format!("{today},休,测试节\n2027-13-01,休,元旦\n2027-01-02,玩,元旦");
    let r = post(&app, &admin, "/api/admin/holidays/import", &[("list", bad)]).await;
    assert_eq!(r.status(), 400);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("第 2 行") && text.contains("第 3 行"),
        "{text}"
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM special_days").await,
        before
    );
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
    assert_eq!(open_now(&app, id).await, Some(false));
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
    assert_eq!(open_now(&app, id).await, Some(true));
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
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('set_holidays', 'remove_holiday')"
        )
        .await,
        2
    );
}

/// The dashboard's figures equal counts made here with plain SQL; staff see their own
/// community's whatever they ask; the CSV says the same.
#[tokio::test]
async fn the_dashboard_matches_independent_counts_and_staff_see_their_own() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let today = app::time::today_local();
    let from = today - chrono::Duration::days(700);
    let to = today + chrono::Duration::days(30);
    let (f, t) = (app::time::ymd(from), app::time::ymd(to));
    let (fts, tts) = (
        app::time::local_ts(from, 0),
        app::time::local_ts(to + chrono::Duration::days(1), 0),
    );
    let form = |community: Option<i64>| {
        let mut v = vec![("from", f.clone()), ("to", t.clone())];
        if let Some(c) = community {
            v.push(("community", c.to_string()));
        }
        v
    };
    let r = post(&app, &admin, "/api/admin/dashboard", &form(None)).await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let fig = &v["figures"];
    let sum = |rows: &Value, k: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r[k].as_i64().unwrap())
            .sum::<i64>()
    };
    let served = scalar(&app, &format!(
        "SELECT COUNT(*) FROM bookings WHERE status = 'done' AND slot_id IN (SELECT id FROM booking_slots WHERE day BETWEEN '{f}' AND '{t}')"
    )).await;
    let no_show = scalar(&app, &format!(
        "SELECT COUNT(*) FROM bookings WHERE status = 'no_show' AND slot_id IN (SELECT id FROM booking_slots WHERE day BETWEEN '{f}' AND '{t}')"
    )).await;
    let walk_ins = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM walk_ins WHERE day BETWEEN '{f}' AND '{t}'"),
    )
    .await;
    assert!(served > 0, "the demo city has served bookings");
    assert_eq!(sum(&fig["bookings_by_week"], "served"), served);
    assert_eq!(sum(&fig["bookings_by_center"], "served"), served);
    assert_eq!(sum(&fig["bookings_by_item"], "n"), served);
    assert_eq!(sum(&fig["bookings_by_week"], "no_show"), no_show);
    assert_eq!(sum(&fig["bookings_by_week"], "walk_ins"), walk_ins);
    let wishes = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM wishes WHERE created_at >= {fts} AND created_at < {tts}"),
    )
    .await;
    assert_eq!(sum(&fig["wishes_by_state"], "n"), wishes);
    let published = scalar(&app, &format!("SELECT COUNT(*) FROM wishes WHERE status = 'published' AND created_at >= {fts} AND created_at < {tts}")).await;
    let got = fig["wishes_by_state"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["label"] == "published")
        .map(|c| c["n"].as_i64().unwrap())
        .unwrap_or(0);
    assert_eq!(got, published);
    let vouchers = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM vouchers WHERE created_at >= {fts} AND created_at < {tts}"),
    )
    .await;
    assert_eq!(sum(&fig["redeemed_by_reward"], "n"), vouchers);
    let issued = scalar(&app, &format!("SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) FROM points_ledger WHERE delta > 0 AND created_at >= {fts} AND created_at < {tts}")).await;
    assert_eq!(fig["points_issued"].as_i64(), Some(issued));
    let activities = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM activities WHERE day BETWEEN '{f}' AND '{t}'"),
    )
    .await;
    assert_eq!(fig["activities"].as_i64(), Some(activities));
    let stations = scalar(&app, "SELECT COUNT(*) FROM stations").await;
    assert_eq!(fig["stations_total"].as_i64(), Some(stations));
    let streets_sum: i64 = fig["stations_by_street"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            s["by_kind"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_i64().unwrap())
                .sum::<i64>()
        })
        .sum();
    assert_eq!(streets_sum, stations);
    let water = scalar(
        &app,
        "SELECT COUNT(*) FROM stations WHERE ',' || amenities || ',' LIKE '%,water,%'",
    )
    .await;
    assert_eq!(fig["amenity_counts"][0]["n"].as_i64(), Some(water));
    let sent = scalar(&app, &format!("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND created_at >= {fts} AND created_at < {tts}")).await;
    assert_eq!(fig["messages"][0].as_i64(), Some(sent));
    // Items by their names with their codes; weeks by their dates.
    let items = fig["bookings_by_item"].as_array().unwrap();
    assert!(
        items
            .iter()
            .all(|c| c["label"].as_str().unwrap().contains('（')),
        "{items:?}"
    );
    assert!(fig["bookings_by_week"][0]["label"]
        .as_str()
        .unwrap()
        .contains('–'));
    // A chart for each figure that has data (none is drawn for an empty one), each an
    // SVG image.
    let charts = v["charts"].as_array().unwrap();
    let with_data = ["bookings_by_week", "wishes_by_state", "redeemed_by_reward"]
        .iter()
        .filter(|k| !fig[**k].as_array().unwrap().is_empty())
        .count()
        + usize::from(stations > 0);
    assert_eq!(charts.len(), with_data);
    assert!(charts.len() >= 2);
    assert!(charts
        .iter()
        .all(|c| c[1].as_str().unwrap().contains("<svg role=\"img\"")));

    // Staff: their own community, whatever they ask; no outbox figures.
    let staff = app.new_client();
    let me = app.demo(&staff, "staff").await;
    let own = me["community_id"].as_i64().unwrap();
    let other: i64 = sqlx::query_scalar("SELECT MIN(id) FROM communities WHERE id <> $1")
        .bind(own)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let mine: Value = post(&app, &staff, "/api/admin/dashboard", &form(Some(other)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["community"].as_i64(), Some(own));
    assert!(mine["figures"]["messages"].is_null());
    let as_admin: Value = post(&app, &admin, "/api/admin/dashboard", &form(Some(own)))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        mine["figures"]["bookings_by_week"],
        as_admin["figures"]["bookings_by_week"]
    );
    let own_stations = scalar(
        &app,
        &format!("SELECT COUNT(*) FROM stations WHERE community_id = {own}"),
    )
    .await;
    assert_eq!(
        mine["figures"]["stations_total"].as_i64(),
        Some(own_stations)
    );

    // The CSV: the same numbers; an unknown table is a 404; residents are refused.
    let text = admin
        .get(app.url(&format!(
            "/api/v1/dashboard/bookings_week.csv?from={f}&to={t}"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csv_served: i64 = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap()[1].parse::<i64>().unwrap())
        .sum();
    assert_eq!(csv_served, served);
    assert_eq!(
        admin
            .get(app.url("/api/v1/dashboard/secrets.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let (resident, _) = app.session_for("13966660001").await;
    assert_eq!(
        resident
            .get(app.url("/api/v1/dashboard/wishes.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        post(&app, &resident, "/api/admin/dashboard", &[])
            .await
            .status(),
        403
    );
    // A backwards range is a 400.
    assert_eq!(
        post(
            &app,
            &admin,
            "/api/admin/dashboard",
            &[("from", t.clone()), ("to", f.clone())]
        )
        .await
        .status(),
        400
    );
    // The page shows the charts beside their tables.
    let html = app
        .page_as(&admin, &format!("/admin/dashboard?from={f}&to={t}"))
        .await;
    assert!(html.contains("<svg role=\"img\"") && html.contains("bookings_week.csv"));
}

/// `/metrics`: a 404 unless a token is set; with one, only with the token; counts by
/// route pattern and status; the internal address needs no token.
#[tokio::test]
async fn metrics_are_guarded_and_count_requests_by_route() {
    let app = spawn_app().await;
    assert_eq!(app.get("/metrics").await.status(), 404);
    let token = "metrics-token-0123456789";
    let app = crate::helpers::spawn_app_with(|c| c.metrics_token = Some(token.into())).await;
    for _ in 0..3 {
        assert_eq!(app.get("/station/1").await.status(), 200);
    }
    assert_eq!(app.get("/station/999999").await.status(), 404);
    server::jobs::run_once(&app.state).await;
    assert_eq!(app.get("/metrics").await.status(), 401);
    let r = app
        .new_client()
        .get(app.url("/metrics"))
        .header("authorization", "Bearer wrong-token-0123456789x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = app
        .new_client()
        .get(app.url("/metrics"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.text().await.unwrap();
    assert!(
        body.contains(
            r#"linli_http_requests_total{method="GET",route="/station/{id}",status="200"} 3"#
        ),
        "{body}"
    );
    assert!(body.contains(
        r#"linli_http_requests_total{method="GET",route="/station/{id}",status="404"} 1"#
    ));
    assert!(body.contains("linli_http_request_duration_seconds_bucket"));
    assert!(body.contains("linli_db_pool_connections"));
    assert!(body.contains(r#"linli_outbox_messages{state="failed"}"#));
    assert!(
        body.contains(r#"linli_job_runs_total{job="purge",outcome="ok"} 1"#),
        "{body}"
    );
    // The internal address: `/metrics` alone, no token.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = server::http::metrics::internal_router(app.state.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let r = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("linli_http_requests_total"));
    let r = reqwest::get(format!("http://{addr}/")).await.unwrap();
    assert_eq!(r.status(), 404);
}
