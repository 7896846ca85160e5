//! The audit trail against the real server: append-only in the database itself; the
//! back office's view of it with filters and a CSV export (itself put on record), where
//! staff see only their own community.

use crate::fixtures::Table;
use crate::helpers::{post, spawn_app};

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let app = spawn_app().await;
    app::accounts::admin::grant(&app.state.db, "13600000001", "admin", None)
        .await
        .unwrap();
    let pool = &app.state.db.pool;
    assert_eq!(app.rows(Table::AuditLog).await, 1);
    // tamper: rewriting the trail, which the database itself must refuse.
    let rewrite = sqlx::query("UPDATE audit_log SET action = 'x'")
        .execute(pool)
        .await;
    assert!(rewrite.is_err());
    // tamper: erasing the trail, which the database itself must refuse.
    let erase = sqlx::query("DELETE FROM audit_log").execute(pool).await;
    assert!(erase.is_err());
    assert_eq!(app.rows(Table::AuditLog).await, 1);
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
    let other = app.another_community(own).await;
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
    assert_eq!(app.audit_count_by("export_audit", admin_id).await, 1);
    // The actor by id, and by the name they had when they acted, even after a rename.
    let who_id = rdr_header_index(&text, "操作人编号");
    assert_eq!(rows[0][who_id].parse::<i64>().ok(), Some(admin_id));
    let name_then = admin_me["display_name"].as_str().unwrap().to_string();
    let r = post(
        &app,
        &admin,
        "/api/me/profile",
        &[("display_name", "改名后的管理员".to_string())],
    )
    .await;
    assert_eq!(r.status(), 200);
    let again = admin
        .post(app.url("/api/v1/audit.csv"))
        .form(&[
            ("what", "grant_role".to_string()),
            ("community", other.to_string()),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        again.contains(&name_then) && !again.contains("改名后的管理员"),
        "{again}"
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
    let own_name = app.community_name(own).await;
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r.get(5) == Some(own_name.as_str())),
        "{rows:?}"
    );
    let html = app
        .page_as(&staff, &format!("/admin/audit?community={other}"))
        .await;
    let other_name = app.community_name(other).await;
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

/// The position of a column in a CSV's header.
fn rdr_header_index(text: &str, name: &str) -> usize {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.headers()
        .unwrap()
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}
