//! Station import and export against the real server: a city's own stations from a GBK
//! CSV with GCJ-02 coordinates, checked row by row before anything is written, applied
//! all or nothing, idempotent by external id; exports that import back unchanged; a real
//! city set up from an empty database; only admins.

use crate::fixtures::Table;
use crate::helpers::{spawn_app, spawn_app_empty, TestApp};
use serde_json::Value;

const HEADER: &str =
    "外部编号,类型,名称,街道,社区,地址,经度,纬度,开放时间,电话,设施,核实日期,调休日开放";

/// A file of `n` outdoor rest points in a new street, around the demo city's centre,
/// with coordinates as Amap gives them (GCJ-02).
fn city_file(app_center: (f64, f64), n: usize) -> (String, Vec<(f64, f64)>) {
    let mut s = format!("{HEADER}\n");
    let mut wgs = Vec::new();
    for i in 0..n {
        let (lat, lng) = (
            app_center.0 + (i % 50) as f64 * 0.0007,
            app_center.1 + (i / 50) as f64 * 0.0007,
        );
        wgs.push((lat, lng));
        let (glat, glng) = app::stations::coords::wgs84_to_gcj02(lat, lng);
        s.push_str(&format!(
            "CITY-{i:05},户外劳动者服务站点,导入驿站{i},导入街道,导入社区{},新村路{i}号,{glng:.7},{glat:.7},Mo-Su 07:00-21:00,0533-2345678,饮水、充电,2026-11-20,否\n",
            i / 100
        ));
    }
    (s, wgs)
}

fn gbk(text: &str) -> Vec<u8> {
    let (b, _, had_errors) = encoding_rs::GBK.encode(text);
    assert!(!had_errors);
    b.into_owned()
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    name: &str,
    bytes: Vec<u8>,
    encoding: &str,
    datum: &str,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("encoding", encoding.to_string())
        .text("datum", datum.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    c.post(app.url("/admin/import/upload"))
        .multipart(form)
        .send()
        .await
        .expect("sent")
}

async fn report(app: &TestApp, c: &reqwest::Client, id: i64) -> Value {
    let r = c
        .post(app.url("/api/import/get"))
        .form(&[("id", id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn apply(app: &TestApp, c: &reqwest::Client, id: i64) -> reqwest::Response {
    c.post(app.url("/api/import/apply"))
        .form(&[("id", id.to_string())])
        .send()
        .await
        .unwrap()
}

async fn centre(app: &TestApp) -> (f64, f64) {
    let c = app::stations::city::store::city(&app.state.db)
        .await
        .unwrap()
        .expect("the demo city is set")
        .center;
    (c.lat, c.lng)
}

#[tokio::test]
async fn a_gbk_csv_with_gcj02_points_is_checked_then_applied_once_and_found_by_riders() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let before = app.rows(Table::Stations).await;
    let (text, wgs) = city_file(centre(&app).await, 120);
    let r = upload(&app, &admin, "驿站.csv", gbk(&text), "auto", "gcj02").await;
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // The preview: every row good, what would happen, nothing written.
    let rep = report(&app, &admin, id).await;
    assert_eq!(rep["encoding"], "gbk");
    assert_eq!(rep["rows_ok"], 120);
    assert_eq!(rep["problems"].as_array().unwrap().len(), 0);
    assert_eq!(rep["counts"]["created"], 120);
    assert_eq!(rep["counts"]["new_streets"], 1);
    assert_eq!(rep["counts"]["new_communities"], 2);
    assert_eq!(app.rows(Table::Stations).await, before);
    // The page says it in words.
    let html = app.page_as(&admin, &format!("/admin/import/{id}")).await;
    assert!(
        html.contains("检查通过 120 行") && html.contains("确认导入这 120 行"),
        "{html}"
    );

    // Apply: all rows in one go, audited with the counts.
    let r = apply(&app, &admin, id).await;
    assert_eq!(r.status(), 200);
    let counts: Value = r.json().await.unwrap();
    assert_eq!(counts["created"], 120);
    assert_eq!(app.rows(Table::Stations).await, before + 120);
    assert_eq!(app.audit_count("apply_import").await, 1);
    // Stored in WGS-84: within a metre of the true points.
    let (lat, lng) = app.position_of_external("CITY-00007").await;
    let d = app::stations::model::distance_m(
        app::stations::model::LatLng { lat, lng },
        app::stations::model::LatLng {
            lat: wgs[7].0,
            lng: wgs[7].1,
        },
    );
    assert!(d < 1.0, "{d} m off");
    // The rider's nearest list finds them at once (every process's index follows).
    let v: Value = app
        .get(&format!(
            "/api/v1/stations/nearest?lat={}&lng={}&limit=1",
            wgs[7].0, wgs[7].1
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["features"][0]["properties"]["name"], "导入驿站7");

    // The same file again: the preview says nothing changes, and applying changes nothing.
    assert_eq!(apply(&app, &admin, id).await.status(), 409);
    let r = upload(&app, &admin, "驿站.csv", gbk(&text), "gbk", "gcj02").await;
    let again = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let rep = report(&app, &admin, again).await;
    assert_eq!(
        (
            rep["counts"]["created"].as_i64(),
            rep["counts"]["unchanged"].as_i64()
        ),
        (Some(0), Some(120))
    );
    let counts: Value = apply(&app, &admin, again).await.json().await.unwrap();
    assert_eq!(
        (counts["created"].as_i64(), counts["updated"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(app.rows(Table::Stations).await, before + 120);
}

#[tokio::test]
async fn hours_written_in_chinese_in_a_gbk_file_are_previewed_as_read_and_applied() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let (lat, lng) = centre(&app).await;
    // As a clerk's spreadsheet writes them: words, full-width digits, colons and commas.
    let rows = [
        (
            "H-1",
            "周一至周五 8:30-12:00，14:00-17:30",
            "Mo-Fr 08:30-12:00,14:00-17:30",
        ),
        (
            "H-2",
            "工作日9:00-17:00 周末休息",
            "Mo-Fr 09:00-17:00; Sa,Su off",
        ),
        ("H-3", "24小时", "24/7"),
        ("H-4", "早８点到晚８点", "Mo-Su 08:00-20:00"),
        (
            "H-5",
            "每天８：００－２０：００；节假日闭馆",
            "Mo-Su 08:00-20:00; PH off",
        ),
        ("H-6", "Mo-Su 07:00-21:00", "Mo-Su 07:00-21:00"),
    ];
    let mut text = format!("{HEADER}\n");
    for (k, (id, hours, _)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{id},户外劳动者服务站点,中文时间{k},导入街道,导入社区,新村路{k}号,{lng},{lat},\"{hours}\",,,,\n"
        ));
    }
    let r = upload(&app, &admin, "中文时间.csv", gbk(&text), "auto", "wgs84").await;
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let rep = report(&app, &admin, id).await;
    assert_eq!(rep["encoding"], "gbk");
    assert_eq!(rep["rows_ok"], 6, "{rep}");
    // Each row written in words is listed with what it is read as; OSM is not.
    let conv: Vec<(i64, String, String)> = rep["conversions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["row"].as_i64().unwrap(),
                c["written"].as_str().unwrap().to_string(),
                c["osm"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(conv.len(), 5, "{conv:?}");
    for (k, (_, written, osm)) in rows.iter().take(5).enumerate() {
        assert!(
            conv.contains(&(k as i64 + 2, written.to_string(), osm.to_string())),
            "{written} → {osm} in {conv:?}"
        );
    }
    let html = app.page_as(&admin, &format!("/admin/import/{id}")).await;
    assert!(
        html.contains("开放时间的换算")
            && html.contains("工作日9:00-17:00 周末休息")
            && html.contains("<code>Mo-Fr 09:00-17:00; Sa,Su off</code>"),
        "{html}"
    );
    // Applied, every station keeps the hours as read.
    assert_eq!(apply(&app, &admin, id).await.status(), 200);
    for (id, _, osm) in rows {
        assert_eq!(app.hours_of_external(id).await, osm, "{id}");
    }
}

#[tokio::test]
async fn a_bad_file_lists_its_problems_by_row_and_column_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let before = app.rows(Table::Stations).await;
    let (lat, lng) = centre(&app).await;
    let text = format!(
        "{HEADER}\n\
         B-1,户外劳动者服务站点,好的一行,导入街道,导入社区,新村路1号,{lng},{lat},24/7,,,,\n\
         B-2,户外劳动者服务站点,上海的点,导入街道,导入社区,新村路2号,121.47,31.23,24/7,,,,\n\
         B-3,户外劳动者服务站点,时间不对,导入街道,导入社区,新村路3号,{lng},{lat},看情况开放,,,,\n\
         B-4,驿站,类型不对,导入街道,导入社区,新村路4号,{lng},{lat},24/7,,,,\n"
    );
    // No datum chosen (the form starts at 请选择): refused in words, nothing stored.
    let r = upload(&app, &admin, "bad.csv", gbk(&text), "gbk", "").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("请选择坐标来源"));
    // Declared UTF-8 but saved as GBK: refused at upload, in words.
    let r = upload(&app, &admin, "bad.csv", gbk(&text), "utf8", "wgs84").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("不是 UTF-8"));
    // Read right, the rows' problems are listed with row and column.
    let r = upload(&app, &admin, "bad.csv", gbk(&text), "gbk", "wgs84").await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let rep = report(&app, &admin, id).await;
    let problems: Vec<(i64, String)> = rep["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["column"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for want in [(3, "经度/纬度"), (4, "开放时间"), (5, "类型")] {
        assert!(
            problems.contains(&(want.0, want.1.to_string())),
            "{want:?} in {problems:?}"
        );
    }
    let html = app.page_as(&admin, &format!("/admin/import/{id}")).await;
    assert!(html.contains("坐标不在本市范围内") && html.contains("<td>3</td>"));
    // Hours that cannot be read are named, with a form that works.
    assert!(
        html.contains("“看情况开放”看不懂") && html.contains("周一至周五 8:30-12:00"),
        "{html}"
    );
    assert!(!html.contains("确认导入"));
    // Applying is refused and writes nothing.
    let r = apply(&app, &admin, id).await;
    assert_eq!(r.status(), 400);
    assert_eq!(app.rows(Table::Stations).await, before);
    assert_eq!(app.streets_named("导入街道").await, 0);
    // A missing column refuses the file as a whole.
    let r = upload(
        &app,
        &admin,
        "short.csv",
        "名称,地址\n甲,乙\n".as_bytes().to_vec(),
        "auto",
        "wgs84",
    )
    .await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let rep = report(&app, &admin, id).await;
    // The report carries the message typed (key and arguments); the page renders it.
    assert_eq!(rep["error"]["key"], "transfer.missing_columns", "{rep}");
    assert!(rep["error"].to_string().contains("外部编号"), "{rep}");
}

#[tokio::test]
async fn the_demo_city_exports_and_imports_back_unchanged() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let total = app.rows(Table::Stations).await;
    for (path, encoding, datum) in [
        (
            "/api/v1/export/stations.csv?encoding=gbk&datum=gcj02",
            "auto",
            "gcj02",
        ),
        ("/api/v1/export/stations.csv?datum=bd09", "utf8", "bd09"),
        ("/api/v1/export/stations.geojson", "auto", "wgs84"),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        let bytes = r.bytes().await.unwrap().to_vec();
        let name = if path.contains("geojson") {
            "all.geojson"
        } else {
            "all.csv"
        };
        let r = upload(&app, &admin, name, bytes, encoding, datum).await;
        assert_eq!(r.status(), 200, "{path}");
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let rep = report(&app, &admin, id).await;
        assert_eq!(
            rep["problems"].as_array().unwrap().len(),
            0,
            "{path}: {rep}"
        );
        assert_eq!(
            rep["counts"]["unchanged"].as_i64(),
            Some(total),
            "{path}: {}",
            rep["counts"]
        );
    }
    // The template imports as it is.
    let r = app.get("/api/v1/import/template.csv?encoding=gbk").await;
    let r = upload(
        &app,
        &admin,
        "t.csv",
        r.bytes().await.unwrap().to_vec(),
        "auto",
        "wgs84",
    )
    .await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(report(&app, &admin, id).await["rows_ok"], 1);
}

#[tokio::test]
async fn only_admins_upload_preview_and_apply() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let (lat, lng) = centre(&app).await;
    let text = format!(
        "{HEADER}\nD-1,户外劳动者服务站点,甲,导入街道,导入社区,新村路1号,{lng},{lat},24/7,,,,\n"
    );
    let r = upload(
        &app,
        &admin,
        "a.csv",
        text.clone().into_bytes(),
        "auto",
        "wgs84",
    )
    .await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    let resident = app.new_client();
    app.demo(&resident, "resident").await;
    for (c, want) in [(&staff, 403), (&resident, 403), (&app.new_client(), 401)] {
        assert_eq!(
            upload(&app, c, "a.csv", text.clone().into_bytes(), "auto", "wgs84")
                .await
                .status(),
            want
        );
        let r = c
            .post(app.url("/api/import/get"))
            .form(&[("id", id.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), want);
        assert_eq!(apply(&app, c, id).await.status(), want);
    }
    assert_eq!(app.stations_with_external_id("D-1").await, 0);
    // Two admins applying at once: one import.
    let admin2 = app.new_client();
    app.demo(&admin2, "admin").await;
    let (a, b) = tokio::join!(apply(&app, &admin, id), apply(&app, &admin2, id));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(app.stations_with_external_id("D-1").await, 1);
}

/// The README's set-up path, issue 14's "done when": from an empty database, the first
/// admin from the shell, the city's name, centre and bounds (copied from Amap), then a
/// city of 3,000 stations from a GBK CSV with GCJ-02 points; the rows the preview flags
/// are fixed and the file applied; riders find the stations at once.
#[tokio::test]
async fn a_real_city_is_set_up_from_an_empty_database_and_its_own_file() {
    let app = spawn_app_empty().await;
    let db = &app.state.db;
    app::accounts::admin::grant(db, "13900000001", "admin", None)
        .await
        .unwrap();
    let (admin, _) = app.session_for("13900000001").await;
    // Before the city is set, an import says what to do first and writes nothing.
    let centre = (36.80, 118.05);
    let (text, wgs) = city_file(centre, 3000);
    let r = upload(&app, &admin, "全市驿站.csv", gbk(&text), "auto", "gcj02").await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = admin
        .post(app.url("/api/import/get"))
        .form(&[("id", id.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("城市设置"));

    // The city, as Amap's picker gives it (GCJ-02): a bad box is refused with its reason.
    let set = |bbox: &str| {
        let (glat, glng) = app::stations::coords::wgs84_to_gcj02(centre.0, centre.1);
        admin.post(app.url("/api/admin/city/set")).form(&[
            ("name", "示例市".to_string()),
            ("center", format!("{glng},{glat}")),
            ("bbox", bbox.to_string()),
            ("datum", "gcj02".to_string()),
        ])
    };
    let r = set("117.9,36.7").send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("两个对角"));
    // Too small a box: the file's eastern rows fall outside it.
    let r = set("117.9,36.7;118.0955,36.95").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let bbox = app::stations::city::store::city(db)
        .await
        .unwrap()
        .unwrap()
        .bbox;
    let want: Vec<i64> = (0..3000)
        .filter(|i| !bbox.contains(wgs[*i].0, wgs[*i].1))
        .map(|i| i as i64 + 2)
        .collect();
    assert!(
        (1..500).contains(&want.len()),
        "{} rows outside",
        want.len()
    );
    let (resident, _) = app.session_for("13900000002").await;
    let r = resident
        .post(app.url("/api/admin/city/set"))
        .form(&[
            ("name", "别的市"),
            ("center", "118,36.8"),
            ("bbox", "117,36;119,37"),
            ("datum", "wgs84"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (_, home) = app.get_text("/").await;
    assert!(home.contains("示例市"), "the home page names the city");
    assert_eq!(app.audit_count("set_city").await, 1);

    // The preview flags the rows outside the city, by row (the header is row 1).
    let rep = report(&app, &admin, id).await;
    let mut flagged: Vec<i64> = rep["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["row"].as_i64())
        .collect();
    flagged.dedup();
    assert_eq!(flagged, want);
    assert_eq!(apply(&app, &admin, id).await.status(), 400);
    assert_eq!(app.rows(Table::Stations).await, 0);

    // The admin widens the city's bounds (the file was right) and applies again.
    let r = set("117.9,36.7;118.2,36.95").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = upload(&app, &admin, "全市驿站.csv", gbk(&text), "gbk", "gcj02").await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let rep = report(&app, &admin, id).await;
    assert_eq!(rep["rows_ok"], 3000, "{:?}", rep["problems"]);
    let r = apply(&app, &admin, id).await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.rows(Table::Stations).await, 3000);
    let (lat, lng) = wgs[2999];
    let v: Value = app
        .get(&format!(
            "/api/v1/stations/nearest?lat={lat}&lng={lng}&limit=1"
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["features"][0]["properties"]["name"], "导入驿站2999");
}

/// Cells a spreadsheet would run as formulas (`=HYPERLINK(…)`, `@SUM`, a leading `+`,
/// `-`, TAB or CR) come out of every CSV as text, and the export still imports back
/// unchanged.
#[tokio::test]
async fn formula_cells_are_neutralised_in_the_export_and_import_back_unchanged() {
    let app = spawn_app().await;
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let (lat, lng) = centre(&app).await;
    let file = format!(
        "{HEADER}\nF-1,户外劳动者服务站点,=HYPERLINK(\"//e.cn\")驿站,导入街道,导入社区,@张店区新村路1号,{lng:.6},{lat:.6},Mo-Su 07:00-21:00,0533-2345678,饮水,2026-11-20,否\n"
    );
    let r = upload(&app, &admin, "f.csv", file.into_bytes(), "utf8", "wgs84").await;
    assert_eq!(r.status(), 200);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(report(&app, &admin, id).await["rows_ok"], 1);
    assert_eq!(apply(&app, &admin, id).await.status(), 200);
    let total = app.rows(Table::Stations).await;
    for (path, encoding) in [
        ("/api/v1/export/stations.csv", "utf8"),
        ("/api/v1/export/stations.csv?encoding=gbk", "auto"),
    ] {
        let bytes = app.get(path).await.bytes().await.unwrap().to_vec();
        let text = if encoding == "utf8" {
            String::from_utf8(bytes.clone()).unwrap()
        } else {
            encoding_rs::GB18030.decode(&bytes).0.into_owned()
        };
        let mut cells = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let mut seen = false;
        for rec in cells.records() {
            for cell in rec.unwrap().iter() {
                let risky = cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || (cell.starts_with('-') && cell.parse::<f64>().is_err());
                assert!(!risky, "{path}: a cell a spreadsheet would run: {cell:?}");
                seen |= cell == "'=HYPERLINK(\"//e.cn\")驿站";
            }
        }
        assert!(seen, "{path}: the name is there, as text");
        let r = upload(&app, &admin, "back.csv", bytes, encoding, "wgs84").await;
        let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let rep = report(&app, &admin, id).await;
        assert_eq!(
            rep["counts"]["unchanged"].as_i64(),
            Some(total),
            "{path}: {rep}"
        );
    }
}
