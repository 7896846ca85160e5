//! Fulfilment photos against the real server: checked (by their bytes, within 5 MB),
//! kept in the database in chunks and shown only to the poster, the claimant and the
//! community's staff, from any process; photos older versions kept as files are
//! imported; staged ones never tied to a wish are purged; a signed-out upload is refused
//! before its body is read.

use crate::fixtures::Table;
use crate::helpers::{act, post, post_json, spawn_app, TestApp};
use serde_json::Value;

/// A tiny valid PNG header (the type is told by the bytes) with some body.
fn png(len: usize) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.resize(len, 7);
    b
}

async fn fulfil_with(
    app: &TestApp,
    c: &reqwest::Client,
    id: i64,
    note: &str,
    photo: Option<(Vec<u8>, &str)>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new()
        .text("id", id.to_string())
        .text("note", note.to_string());
    if let Some((bytes, name)) = photo {
        form = form.part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    c.post(app.url("/api/wishes/fulfil"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_fulfilment_photo_is_checked_kept_and_shown_only_to_those_involved() {
    let app = spawn_app().await;
    let (poster, id) = app.published_wish().await;
    let (vol, _) = app.volunteer("15700000002").await;
    let (other_vol, _) = app.volunteer("15700000003").await;
    let claim = post(
        &app,
        &vol,
        "/api/wishes/act",
        &[("id", id.to_string()), ("action", "claim".into())],
    )
    .await;
    assert_eq!(claim.status(), 200);

    // Someone else cannot fulfil it, photo or not; nothing is written.
    let r = fulfil_with(&app, &other_vol, id, "我来完成", Some((png(1000), "a.png"))).await;
    assert_eq!(r.status(), 404);
    // Not an image (whatever its name says): 400, the wish unchanged, no file.
    let r = fulfil_with(
        &app,
        &vol,
        id,
        "已送到",
        Some((b"<script>x</script>".to_vec(), "a.jpg")),
    )
    .await;
    assert_eq!(r.status(), 400);
    let m: Value = r.json().await.unwrap();
    assert!(m["message"].as_str().unwrap().contains("JPG"), "{m}");
    // Over 5 MB: 413, unchanged.
    let r = fulfil_with(
        &app,
        &vol,
        id,
        "已送到",
        Some((png(5 * 1024 * 1024 + 10), "big.png")),
    )
    .await;
    assert_eq!(r.status(), 413);
    let v: Value = post_json(&app, &vol, "/api/wishes/get", &[("id", id.to_string())]).await;
    assert_eq!(v["wish"]["status"], "claimed");
    assert_eq!(
        app.rows(Table::Photos).await,
        0,
        "no file kept for a refused upload"
    );

    // The claimant fulfils with a note and a photo.
    let bytes = png(40_000);
    let r = fulfil_with(
        &app,
        &vol,
        id,
        "已上门送到，老人很满意",
        Some((bytes.clone(), "done.png")),
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(app.rows(Table::Photos).await, 1);
    let url = format!("/wishes/{id}/photo");
    let v: Value = post_json(&app, &poster, "/api/wishes/get", &[("id", id.to_string())]).await;
    assert_eq!(v["wish"]["status"], "fulfilled");
    assert_eq!(v["photo_url"], url.as_str());

    // Poster, claimant and the community's staff see it.
    let (staff, _) = app.session_for("15800000001").await;
    for c in [&poster, &vol, &staff] {
        let r = c.get(app.url(&url)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "image/png");
        assert!(r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("private"));
        assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
    }
    // Another volunteer, staff of another community, and strangers do not.
    let (far_staff, _) = app.session_for("15800000009").await;
    app::accounts::admin::grant(&app.state.db, "15800000009", "staff", Some("2"))
        .await
        .unwrap();
    for c in [&other_vol, &far_staff] {
        assert_eq!(c.get(app.url(&url)).send().await.unwrap().status(), 404);
        let v: Value = post_json(&app, c, "/api/wishes/get", &[("id", id.to_string())]).await;
        assert!(v["photo_url"].is_null() && v["contact"].is_null());
    }
    assert_eq!(
        app.new_client()
            .get(app.url(&url))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // The public page does not link it.
    let (_, page) = app.get_text(&format!("/wishes/{id}")).await;
    assert!(!page.contains(&url));

    // A second fulfilment is refused and leaves no second file.
    let r = fulfil_with(&app, &vol, id, "再传一次", Some((png(2000), "again.png"))).await;
    assert_eq!(r.status(), 409);
    assert_eq!(app.rows(Table::Photos).await, 1);
}

#[tokio::test]
async fn photos_live_in_the_database_and_files_of_older_versions_are_imported() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let ids = app.published_wishes(1).await;
    let (vol, vid) = app.volunteer("15788880001").await;
    assert_eq!(act(&app, &vol, ids[0], "claim").await, 200);
    // A photo an older version kept as a file.
    let dir = std::path::PathBuf::from(&app.state.config.upload_dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bytes: Vec<u8> = [b"\x89PNG\r\n\x1a\n".as_slice(), &[7u8; 600_000]].concat();
    std::fs::write(dir.join("w1-old.png"), &bytes).unwrap();
    let r = post(
        &app,
        &vol,
        "/api/wishes/act",
        &[
            ("id", ids[0].to_string()),
            ("action", "fulfil".into()),
            ("note", "已送到".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // tamper: the row an older version wrote for a photo it kept as a file (today's
    // portal keeps photos in the database only).
    sqlx::query(
        "INSERT INTO wish_photos (wish_id, file, mime, bytes, sha256, uploaded_by, created_at) \
         VALUES ($1, 'w1-old.png', 'image/png', $2, 'x', $3, 0)",
    )
    .bind(ids[0])
    .bind(bytes.len() as i64)
    .bind(vid)
    .execute(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        app::wishes::service::import_photo_files(db, &dir)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app::wishes::service::import_photo_files(db, &dir)
            .await
            .unwrap(),
        0
    );
    assert!(!dir.join("w1-old.png").exists());
    assert_eq!(
        app.rows(Table::PhotoChunks).await,
        3,
        "600 KB in 256 KiB chunks"
    );
    // Any process serves it, private and never stored by a cache.
    let second = app.second_process().await;
    let r = vol
        .get(second.url(&format!("/wishes/{}/photo", ids[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    assert_eq!(r.bytes().await.unwrap().as_ref(), bytes.as_slice());
    // A staged photo never tied to a wish is purged by the jobs.
    let staged = app::wishes::photo::Staging::begin(db, vid, 0)
        .await
        .unwrap();
    server::jobs::purge(&app.state).await.unwrap();
    assert!(!app.photo_exists(staged.id).await);
}

#[tokio::test]
async fn a_signed_out_upload_is_refused_before_its_body_is_read() {
    let app = spawn_app().await;
    // The body is never sent: the answer must come from the headers alone.
    let mut stream = tokio::net::TcpStream::connect(app.url("").trim_start_matches("http://"))
        .await
        .unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.url("").trim_start_matches("http://").to_string();
    let head = format!(
        "POST /api/wishes/fulfil HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 4000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 512];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf))
        .await
        .expect("answered without waiting for the body")
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(head.starts_with("HTTP/1.1 401"), "{head}");
}
