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
    let r = post(&app, &admin, "/api/admin/people/grant", &grant("13911112222", "staff", None)).await;
    assert_eq!(r.status(), 400);
    let r = post(&app, &admin, "/api/admin/people/grant", &grant("13911112222", "resident", Some(a))).await;
    assert_eq!(r.status(), 400);
    let r = post(&app, &admin, "/api/admin/people/grant", &grant("13911112222", "staff", Some(a))).await;
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
    assert_eq!(post(&app, &clerk, "/api/volunteers/list", &[]).await.status(), 200);

    // Nobody but an admin changes roles: not the clerk, not a resident, not a stranger.
    let (resident, _) = app.session_for("13911113333").await;
    for (c, want) in [(&clerk, 403), (&resident, 403), (&app.new_client(), 401)] {
        for (path, form) in [
            ("/api/admin/people/grant", grant("13911114444", "admin", None)),
            ("/api/admin/people/move", vec![("user_id", clerk_id.to_string()), ("community", b.to_string())]),
            ("/api/admin/people/revoke", vec![("user_id", clerk_id.to_string())]),
        ] {
            assert_eq!(post(&app, c, path, &form).await.status(), want, "{path}");
        }
        assert_eq!(post(&app, c, "/api/admin/people", &[]).await.status(), want);
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM users WHERE phone = '13911114444' AND role = 'admin'").await, 0);

    // Move: audited with before and after.
    let r = post(&app, &admin, "/api/admin/people/move", &[("user_id", clerk_id.to_string()), ("community", b.to_string())]).await;
    assert_eq!(r.status(), 200);
    let (before, after): (String, String) = sqlx::query_as(
        "SELECT before_json, after_json FROM audit_log WHERE action = 'grant_role' AND target = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(format!("user:{clerk_id}"))
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(before.contains(&format!("\"community_id\":{a}")), "{before}");
    assert!(after.contains(&format!("\"community_id\":{b}")), "{after}");
    // A move to a community that does not exist changes nothing.
    let r = post(&app, &admin, "/api/admin/people/move", &[("user_id", clerk_id.to_string()), ("community", "999999".into())]).await;
    assert_eq!(r.status(), 400);

    // The people page lists the clerk under community b, number masked.
    let html = app.page_as(&admin, &format!("/admin/people?community={b}")).await;
    assert!(html.contains("139****2222"), "masked number listed");
    assert!(!html.contains("13911112222"), "never the whole number");

    // Revoke: the clerk is signed out at once.
    let r = post(&app, &admin, "/api/admin/people/revoke", &[("user_id", clerk_id.to_string())]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(post(&app, &clerk, "/api/volunteers/list", &[]).await.status(), 401);
    assert_eq!(scalar(&app, &format!("SELECT COUNT(*) FROM sessions WHERE user_id = {clerk_id}")).await, 0);
    // An admin cannot revoke themselves (nobody locks the city out by a slip).
    let my_id = me["id"].as_i64().unwrap();
    let r = post(&app, &admin, "/api/admin/people/revoke", &[("user_id", my_id.to_string())]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'grant_role' AND actor_id IS NOT NULL").await,
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
    let own = staff_me["community_id"].as_i64().expect("demo staff has a community");
    let other: i64 = sqlx::query_scalar("SELECT MIN(id) FROM communities WHERE id <> $1")
        .bind(own)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    // Two records: one in each community.
    for (c, phone) in [(own, "13922220001"), (other, "13922220002")] {
        let r = post(&app, &admin, "/api/admin/people/grant", &[("phone", phone.into()), ("role", "staff".into()), ("community", c.to_string())]).await;
        assert_eq!(r.status(), 200);
    }
    // Admin: filtered by action, community and date.
    let today = app::time::today();
    let html = app.page_as(&admin, &format!("/admin/audit?what=grant_role&community={other}&from={today}&to={today}")).await;
    assert!(html.contains("user:") && html.contains("grant_role"), "{html}");
    let html_other_day = app
        .page_as(&admin, "/admin/audit?what=grant_role&from=2020-01-01&to=2020-01-02")
        .await;
    assert!(!html_other_day.contains("<td>grant_role</td>"));
    // A bad date is a clear 400 through the endpoint.
    let r = admin.get(app.url("/admin/audit?from=yesterday")).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("YYYY-MM-DD"));

    // The CSV: BOM, Chinese header, the filtered rows; recorded as an export.
    let r = admin
        .get(app.url(&format!("/api/v1/audit.csv?what=grant_role&community={other}")))
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
        .get(app.url(&format!("/api/v1/audit.csv?what=grant_role&community={other}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect();
    let own_name: String = sqlx::query_scalar("SELECT name FROM communities WHERE id = $1")
        .bind(own)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.get(4) == Some(own_name.as_str())), "{rows:?}");
    let html = app.page_as(&staff, &format!("/admin/audit?community={other}")).await;
    let other_name: String = sqlx::query_scalar("SELECT name FROM communities WHERE id = $1")
        .bind(other)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(!html.contains(&format!("<td>{other_name}</td>")));
    // Residents and strangers: refused.
    let (resident, _) = app.session_for("13922220003").await;
    assert_eq!(resident.get(app.url("/api/v1/audit.csv")).send().await.unwrap().status(), 403);
    assert_eq!(app.new_client().get(app.url("/api/v1/audit.csv")).send().await.unwrap().status(), 401);
    assert_eq!(resident.get(app.url("/api/v1/coverage.csv")).send().await.unwrap().status(), 403);
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
    let stations: Vec<(String, f64, f64, String)> =
        sqlx::query_as("SELECT kind, lat, lng, amenities FROM stations")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    let covered = |keep: &dyn Fn(&(String, f64, f64, String)) -> bool| {
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
            ["center", "red_station", "outdoor", "plaza"].iter().all(|k| {
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
    let text = staff.get(app.url("/api/v1/coverage.csv")).send().await.unwrap().text().await.unwrap();
    assert_eq!(text.lines().count(), communities.len() + 1);
    // Residents are refused; a bad kind is a 400.
    let (resident, _) = app.session_for("13933330001").await;
    assert_eq!(post(&app, &resident, "/api/admin/coverage", &[]).await.status(), 403);
    assert_eq!(post(&app, &staff, "/api/admin/coverage", &[("kind", "x".into())]).await.status(), 400);
}
