//! Volunteers against the real server: only verified volunteers claim wishes; their
//! community's staff (or the leader of a verified team, for its members) verify them on
//! record; volunteers ask to join a team and keep it.

use crate::helpers::{act, post, post_json, spawn_app};
use serde_json::Value;

#[tokio::test]
async fn only_verified_volunteers_claim_and_staff_verify_them_on_record() {
    let app = spawn_app().await;
    let ids = app.published_wishes(1).await;
    // A self-declared volunteer: refused, with what to do.
    let (vol, vid) = app.session_for("15722220001").await;
    app::accounts::store::set_volunteer(&app.state.db, vid, true, None)
        .await
        .unwrap();
    app::accounts::store::set_profile(&app.state.db, vid, "小李", Some(1))
        .await
        .unwrap();
    let r = post(
        &app,
        &vol,
        "/api/wishes/act",
        &[("id", ids[0].to_string()), ("action", "claim".into())],
    )
    .await;
    assert_eq!(r.status(), 403);
    let m: Value = r.json().await.unwrap();
    assert!(m["message"].as_str().unwrap().contains("核验"), "{m}");
    // Staff of another community and residents cannot verify (as if nobody existed).
    let far = app.staff_of("15822220002", "2").await;
    let verify = |on: &str, name: &str| {
        vec![
            ("user_id", vid.to_string()),
            ("on", on.to_string()),
            ("real_name", name.to_string()),
        ]
    };
    assert_eq!(
        post(
            &app,
            &far,
            "/api/volunteers/verify",
            &verify("true", "李四")
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        post(
            &app,
            &vol,
            "/api/volunteers/verify",
            &verify("true", "李四")
        )
        .await
        .status(),
        404
    );
    // Their own community's staff: a bad name is refused, a real one recorded, audited.
    let staff = app.staff_of("15822220001", "1").await;
    assert_eq!(
        post(&app, &staff, "/api/volunteers/verify", &verify("true", "1"))
            .await
            .status(),
        400
    );
    let list: Value = post_json(&app, &staff, "/api/volunteers/list", &[]).await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["id"] == vid && v["verified"] == false));
    assert!(
        !list.to_string().contains("15722220001"),
        "numbers are masked"
    );
    assert_eq!(
        post(
            &app,
            &staff,
            "/api/volunteers/verify",
            &verify("true", "李四")
        )
        .await
        .status(),
        200
    );
    assert_eq!(app.audit_count("verify_volunteer").await, 1);
    assert_eq!(act(&app, &vol, ids[0], "claim").await, 200);
    // Withdrawing the verification is audited too, and stops new claims.
    assert_eq!(
        post(&app, &staff, "/api/volunteers/verify", &verify("false", ""))
            .await
            .status(),
        200
    );
    assert_eq!(app.audit_count("unverify_volunteer").await, 1);
    let after = app.audit_after("unverify_volunteer").await;
    assert!(after.unwrap().contains("\"verified_at\":null"));
}

#[tokio::test]
async fn the_leader_of_a_verified_team_verifies_its_members_only() {
    let app = spawn_app().await;
    let db = &app.state.db;
    let (leader, lid) = app.session_for("15722229001").await;
    let (_, member) = app.session_for("15722229002").await;
    let (_, stranger) = app.session_for("15722229003").await;
    {
        let mut conn = db.pool.acquire().await.unwrap();
        app::accounts::store::join_team_in(&mut conn, lid, 3)
            .await
            .unwrap();
        app::accounts::store::join_team_in(&mut conn, member, 3)
            .await
            .unwrap();
        db.wrote();
    }
    // A team's roster vouches for its members: this one is to be verified by hand.
    app.unverify(member).await;
    let verify = |who: i64| {
        let (app, leader) = (&app, &leader);
        async move {
            post(
                app,
                leader,
                "/api/volunteers/verify",
                &[
                    ("user_id", who.to_string()),
                    ("on", "true".into()),
                    ("real_name", "王五".into()),
                ],
            )
            .await
            .status()
            .as_u16()
        }
    };
    // Not yet a verified team: the leader may not verify anyone.
    app::teams::store::set_leader(db, 3, Some(lid), false)
        .await
        .unwrap();
    assert_eq!(verify(member).await, 404);
    app::teams::store::set_leader(db, 3, Some(lid), true)
        .await
        .unwrap();
    assert_eq!(verify(stranger).await, 404, "not a member of the team");
    assert_eq!(verify(member).await, 200);
    let list: Value = post_json(&app, &leader, "/api/volunteers/list", &[]).await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|v| v["team"].is_string()),
        "{list}"
    );
    let real_name_of = |list: &Value, id: i64| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"].as_i64() == Some(id))
            .map(|v| v["real_name"].as_str().unwrap_or_default().to_string())
    };
    assert_eq!(real_name_of(&list, member).as_deref(), Some("王五"));
    // The leader of a team nobody has vouched for sees the team, not its real names.
    app::teams::store::set_leader(db, 3, Some(lid), false)
        .await
        .unwrap();
    let list: Value = post_json(&app, &leader, "/api/volunteers/list", &[]).await;
    assert_eq!(real_name_of(&list, member).as_deref(), Some(""), "{list}");
    assert!(!list.to_string().contains("王五"), "{list}");
    // Someone who leads nothing is refused.
    let (nobody, _) = app.session_for("15722229004").await;
    let r = post(&app, &nobody, "/api/volunteers/list", &[]).await;
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn volunteers_join_a_team_keep_it_and_bad_teams_are_refused() {
    let app = spawn_app().await;
    let (me, uid) = app.session_for("14500000001").await;
    let join = |on: &str, team: &str| vec![("on", on.to_string()), ("team_id", team.to_string())];
    for bad in ["abc", "99999999"] {
        let r = post(&app, &me, "/api/me/volunteer", &join("true", bad)).await;
        assert_eq!(r.status(), 400, "{bad}");
    }
    assert_eq!(app.team_of(uid).await, None);
    // Asking to join a team waits for its leader's or staff's approval.
    let r = post(&app, &me, "/api/me/volunteer", &join("true", "5")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.team_of(uid).await, None);
    let (admin, _) = app.session_for("14500000009").await;
    app::accounts::admin::grant(&app.state.db, "14500000009", "admin", None)
        .await
        .unwrap();
    let r = post(
        &app,
        &admin,
        "/api/volunteers/team-join",
        &[("user_id", uid.to_string()), ("approve", "true".into())],
    )
    .await;
    assert_eq!(r.status(), 200);
    assert_eq!(app.team_of(uid).await, Some(5));
    // Opting in again without a team keeps it; opting out leaves it.
    post(&app, &me, "/api/me/volunteer", &join("true", "")).await;
    assert_eq!(app.team_of(uid).await, Some(5));
    let record = post_json(&app, &me, "/api/teams/get", &[("id", "5".into())]).await;
    assert_eq!(record["is_member"], true);
    post(&app, &me, "/api/me/volunteer", &join("false", "")).await;
    assert_eq!(app.team_of(uid).await, None);
}

/// The demo team leader leads: sees the team's join request, approves it, finds the team
/// first on /teams, and claims a wish for the team. Someone who leads nothing gets a
/// plain 403 page, not a failed-to-load card.
#[tokio::test]
async fn the_demo_team_leader_approves_a_join_and_claims_for_the_team() {
    let app = spawn_app().await;
    let leader = app.new_client();
    let me = app.demo(&leader, "leader").await;
    assert_eq!(me["display_name"], "体验队长·赵队长", "{me}");
    let team = me["team_id"].as_i64().expect("the leader serves in a team");

    // The team's list, with one person asking to join.
    let rows: Value = post_json(&app, &leader, "/api/volunteers/list", &[]).await;
    let asking: Vec<&Value> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["team_pending"].is_null())
        .collect();
    assert_eq!(asking.len(), 1, "{rows}");
    let asker = asking[0]["id"].as_i64().unwrap();
    let r = leader.get(app.url("/volunteers")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(asking[0]["display_name"].as_str().unwrap()),
        "{html}"
    );

    // Approved: a member of the team; signing in again makes no second request.
    let r = post(
        &app,
        &leader,
        "/api/volunteers/team-join",
        &[("user_id", asker.to_string()), ("approve", "true".into())],
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let rows: Value = post_json(&app, &leader, "/api/volunteers/list", &[]).await;
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"].as_i64() == Some(asker) && r["team_pending"].is_null()));

    // /teams: the leader's own team first, marked.
    let html = app.page_as(&leader, "/teams").await;
    let first = html.find("class=\"station-item").expect("a list");
    assert!(
        html[first..].starts_with("class=\"station-item mine\"")
            && html[first..].contains(&format!("/teams/{team}")),
        "{html}"
    );
    assert!(html.contains("我的队伍"));

    // A claim for the team.
    let (_, wish) = app.published_wish().await;
    let r = post(
        &app,
        &leader,
        "/api/wishes/act",
        &[
            ("id", wish.to_string()),
            ("action", "claim".into()),
            ("team", "true".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());

    // The demo volunteers have points enough to redeem the cheapest reward, and no more
    // is given by signing in again.
    let volunteer = app.new_client();
    app.demo(&volunteer, "volunteer").await;
    let v: Value = post_json(&app, &volunteer, "/api/points/me", &[]).await;
    assert_eq!(v["balance"], 30, "{v}");
    app.demo(&volunteer, "volunteer").await;
    let v: Value = post_json(&app, &volunteer, "/api/points/me", &[]).await;
    assert_eq!(v["balance"], 30);
    let cheapest = v["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .min_by_key(|r| r["cost"].as_i64().unwrap_or(i64::MAX))
        .expect("rewards")
        .clone();
    let r = post(
        &app,
        &volunteer,
        "/api/points/redeem",
        &[("reward_id", cheapest["id"].to_string())],
    )
    .await;
    assert_eq!(r.status(), 200, "{cheapest}");

    // A resident who leads nothing: a plain 403 page saying who the list is for.
    let resident = app.new_client();
    app.demo(&resident, "resident").await;
    let r = resident.get(app.url("/volunteers")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("这一页只给社区工作者和志愿服务队队长") && !html.contains("加载失败"),
        "{html}"
    );
}
