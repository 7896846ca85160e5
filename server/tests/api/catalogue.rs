//! The one-window catalogue against the real server: the guides, search, checklists and
//! English item names; admins publish new versions (old ones kept), staff propose
//! changes that an admin approves.

use crate::helpers::{post, post_json, spawn_app};
use serde_json::Value;

#[tokio::test]
async fn the_catalogue_has_seven_categories_and_forty_two_full_guides() {
    let app = spawn_app().await;
    let v: Value = app.get("/api/v1/catalogue").await.json().await.unwrap();
    let cats = v["categories"].as_array().unwrap();
    assert_eq!(cats.len(), 7);
    let items: Vec<&Value> = cats
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap())
        .collect();
    assert_eq!(items.len(), 42);
    for it in items {
        for key in [
            "name",
            "legal_basis",
            "conditions",
            "materials",
            "steps",
            "legal_limit_days",
            "promised_limit_days",
            "fee",
            "place",
            "hours",
            "consult_phone",
            "complaint_phone",
            "visits",
            "online",
            "faq",
        ] {
            assert!(!it[key].is_null(), "{} lacks {key}", it["code"]);
        }
        assert_eq!(it["version"], 1);
    }
}

#[tokio::test]
async fn search_finds_by_pinyin_initials_and_colloquial_names() {
    let app = spawn_app().await;
    for (q, code) in [
        ("dibao", "MZ-01"),
        ("dbsq", "MZ-01"),
        ("%E4%BD%8E%E4%BF%9D", "MZ-01"),
        ("%E6%AE%8B%E7%96%BE%E8%AF%81", "CL-01"),
    ] {
        let v: Value = app
            .get(&format!("/api/v1/catalogue/search?q={q}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(v["items"][0]["code"], code, "{q}");
    }
    let r = app.get("/api/v1/catalogue/search?q=").await;
    assert_eq!(r.status(), 400);
    let r = app.get("/api/v1/catalogue/search?query=x").await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn guides_checklists_and_search_render_on_the_server() {
    let app = spawn_app().await;
    let (s, html) = app.get_text("/services?q=dibao").await;
    assert_eq!(s, 200);
    assert!(html.contains("最低生活保障申请"));
    let (s, html) = app.get_text("/services/MZ-01").await;
    assert_eq!(s, 200);
    for part in [
        "受理条件",
        "申请材料",
        "办理流程",
        "居民身份证",
        "第1版",
        "常见问题",
        "设定依据",
    ] {
        assert!(html.contains(part), "{part}");
    }
    let (s, html) = app.get_text("/services/MZ-01/checklist").await;
    assert_eq!(s, 200);
    assert!(html.contains("type=\"checkbox\"") && html.contains("原件1份"));
    let (s, html) = app.get_text("/services/XX-99").await;
    assert_eq!(s, 404);
    assert!(html.contains("未找到"));
}

async fn edit(
    app: &crate::helpers::TestApp,
    c: &reqwest::Client,
    base: i64,
    guide: &Value,
    note: &str,
) -> reqwest::Response {
    c.post(app.url("/api/catalogue/update"))
        .form(&[
            ("code", "MZ-01"),
            ("base", &base.to_string()),
            ("guide", &guide.to_string()),
            ("note", note),
        ])
        .send()
        .await
        .unwrap()
}

/// A client that chose English on the language switch.
async fn english_reader(app: &crate::helpers::TestApp) -> reqwest::Client {
    let en = app.new_client();
    en.post(app.url("/prefs"))
        .form(&[("lang", "en"), ("next", "/")])
        .send()
        .await
        .unwrap();
    en
}

async fn guide(app: &crate::helpers::TestApp) -> Value {
    let v: Value = app.get("/api/v1/catalogue").await.json().await.unwrap();
    let mut g = v["categories"][0]["items"][0].clone();
    g.as_object_mut().unwrap().remove("version");
    g.as_object_mut().unwrap().remove("updated_at");
    g
}

#[tokio::test]
async fn staff_publish_new_versions_and_the_old_ones_are_kept() {
    let app = spawn_app().await;
    let mut g = guide(&app).await;
    g["hours"] = Value::from("周一至周五 8:30—17:30，周六上午 9:00—12:00");

    // Signed out: 401; a resident: 403; nothing changes.
    assert_eq!(
        edit(&app, &app.new_client(), 1, &g, "改时间")
            .await
            .status(),
        401
    );
    let resident = app.new_client();
    app.sign_in(&resident, "13812341234").await;
    assert_eq!(edit(&app, &resident, 1, &g, "改时间").await.status(), 403);

    // Guides are city-wide: an admin publishes directly (staff propose: see
    // staff_propose_guide_changes_and_an_admin_approves_them, below).
    let staff = app.new_client();
    app.demo(&staff, "admin").await;
    // A guide that breaks the rules: 400, named in Chinese.
    let mut bad = g.clone();
    bad["promised_limit_days"] = Value::from(99);
    let r = edit(&app, &staff, 1, &bad, "改时限").await;
    assert_eq!(r.status(), 400);
    assert!(r.json::<Value>().await.unwrap()["message"]
        .as_str()
        .unwrap()
        .contains("承诺时限"));
    // A good one: version 2.
    let r = edit(&app, &staff, 1, &g, "周六上午也可办理").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<i64>().await.unwrap(), 2);
    // An editor who started from version 1 does not overwrite version 2.
    let r = edit(&app, &staff, 1, &g, "重复提交").await;
    assert_eq!(r.status(), 409);

    let (_, html) = app.get_text("/services/MZ-01").await;
    assert!(html.contains("第2版") && html.contains("周六上午 9:00—12:00"));
    // Its English text translates version 1: an English reader now gets version 2's
    // Chinese under English headings, said as such, not an English text that is out of date.
    let en = english_reader(&app).await;
    let html = app.page_as(&en, "/services/MZ-01").await;
    assert!(
        html.contains("This guide is published in Chinese") && html.contains("周六上午 9:00—12:00")
    );
    assert!(!html.contains("Translated from the published Chinese guide"));
    assert_eq!(app.guide_versions_kept("MZ-01").await, 2);
    assert_eq!(app.audit_count("update_guide").await, 1);
}

#[tokio::test]
async fn concurrent_editors_of_one_version_produce_exactly_one_new_version() {
    let app = spawn_app().await;
    let staff = app.new_client();
    app.demo(&staff, "admin").await;
    let g = guide(&app).await;
    let tasks: Vec<_> = (0..12)
        .map(|i| {
            let (c, url) = (staff.clone(), app.url("/api/catalogue/update"));
            let mut g = g.clone();
            g["notes"] = Value::from(format!("第{i}位编辑的说明"));
            tokio::spawn(async move {
                c.post(url)
                    .form(&[
                        ("code", "MZ-01"),
                        ("base", "1"),
                        ("guide", &g.to_string()),
                        ("note", "并发"),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409));
    assert_eq!(app.guide_versions_kept("MZ-01").await, 2);
}

#[tokio::test]
async fn staff_propose_guide_changes_and_an_admin_approves_them() {
    let app = spawn_app().await;
    let staff = app.staff_of("13466660001", "1").await;
    app::accounts::store::set_profile(
        &app.state.db,
        {
            app::accounts::store::user_by_phone(&app.state.db, "13466660001")
                .await
                .unwrap()
                .unwrap()
                .id
        },
        "张社工",
        None,
    )
    .await
    .unwrap();
    let g: Value = post_json(
        &app,
        &staff,
        "/api/catalogue/guide",
        &[("code", "MZ-01".into())],
    )
    .await;
    let mut item = g["item"].clone();
    item["hours"] = Value::from("周一至周六 8:30—17:30");
    let edit = |c: reqwest::Client| {
        let (app, item) = (&app, item.clone());
        async move {
            post(
                app,
                &c,
                "/api/catalogue/update",
                &[
                    ("code", "MZ-01".into()),
                    ("base", "1".into()),
                    ("guide", item.to_string()),
                    ("note", "周六也办".into()),
                ],
            )
            .await
        }
    };
    let r = edit(staff.clone()).await;
    assert_eq!(r.status(), 200);
    let proposal: i64 = r.json().await.unwrap();
    let version = || app.guide_version("MZ-01");
    assert_eq!(version().await, 1, "a proposal publishes nothing");
    // Staff cannot approve; an admin can, once.
    let decide = |c: reqwest::Client, approve: &str| {
        let app = &app;
        let approve = approve.to_string();
        async move {
            post(
                app,
                &c,
                "/api/catalogue/decide",
                &[("id", proposal.to_string()), ("approve", approve)],
            )
            .await
            .status()
            .as_u16()
        }
    };
    assert_eq!(decide(staff.clone(), "true").await, 403);
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let listed: Value = post_json(&app, &admin, "/api/catalogue/proposals", &[]).await;
    assert_eq!(listed[0]["id"], proposal);
    assert_eq!(decide(admin.clone(), "true").await, 200);
    assert_eq!(version().await, 2);
    assert_eq!(decide(admin.clone(), "true").await, 404);
    // The history shows both who proposed and who approved.
    let h: Value = post_json(
        &app,
        &admin,
        "/api/catalogue/history",
        &[("code", "MZ-01".into())],
    )
    .await;
    let note = h[0][2].as_str().unwrap();
    assert!(
        note.contains("张社工") && note.contains("体验管理员"),
        "{note}"
    );
    assert_eq!(app.audit_count("propose_guide").await, 1);
    assert_eq!(app.audit_count("approve_guide").await, 1);
}

#[tokio::test]
async fn english_readers_get_english_item_names_and_the_checklist_prints() {
    let app = spawn_app().await;
    let en = english_reader(&app).await;
    let html = app.page_as(&en, "/services").await;
    assert!(
        html.contains("Minimum living allowance application"),
        "{html}"
    );
    assert!(
        html.contains("Civil Affairs &amp; Veterans") || html.contains("Civil Affairs & Veterans")
    );
    let html = app.page_as(&en, "/services/MZ-01").await;
    assert!(html.contains("<h1>Minimum living allowance application</h1>"));
    assert!(
        html.contains("lang=\"zh-CN\" class=\"lead\">最低生活保障申请"),
        "{html}"
    );
    // The guide itself in English: the reviewed translation of this version, said as such.
    assert!(
        html.contains("Translated from the published Chinese guide (version 1)"),
        "{html}"
    );
    assert!(!html.contains("This guide is published in Chinese"));
    assert!(
        html.contains("Resident Identity Card") && html.contains("Who may apply"),
        "{html}"
    );
    // No Chinese text in the guide's own sentences (names with their meaning aside).
    let body = &html[html.find("<article").unwrap()..html.find("</article>").unwrap()];
    for zh in [
        "申请人向户籍所在地",
        "最低生活保障申请书",
        "居民身份证",
        "服务对象：",
    ] {
        assert!(!body.contains(zh), "{zh} in the English guide");
    }
    // The checklist says a zero as a whole sentence.
    let html = app.page_as(&en, "/services/MZ-01/checklist").await;
    assert!(
        html.contains("Bring the original (handed back) · no copy needed")
            && html.contains("Bring the original (handed back) · leave 1 copy"),
        "{html}"
    );
    assert!(!html.contains("copy(ies)") && !html.contains("original(s)"));
    // The category descriptions too.
    let html = app.page_as(&en, "/services").await;
    assert!(
        !html.contains("办理最低生活保障申请") && !html.contains("办理最低生活保障、"),
        "{html}"
    );
    // Search by the item's own English name finds it first.
    let html = app.page_as(&en, "/services?q=residence%20permit").await;
    let first = html
        .find("/services/ZF-02")
        .expect("the residence permit is found");
    assert!(
        [
            "/services/ZF-01\"",
            "/services/ZF-03\"",
            "/services/MZ-01\""
        ]
        .iter()
        .all(|other| html.find(other).is_none_or(|at| at > first)),
        "the residence permit first"
    );
    // Chinese stays Chinese.
    let (_, html) = app.get_text("/services/MZ-01").await;
    assert!(html.contains("<h1>最低生活保障申请</h1>"));
    // The checklist: a print button, tick boxes, the jargon explained.
    let (_, html) = app.get_text("/services/MZ-01/checklist").await;
    assert!(html.contains("data-print") && html.contains("打印清单"));
    assert!(html.contains("type=\"checkbox\""));
    assert!(html.contains("“原件”是证件或材料的原本"));
}
