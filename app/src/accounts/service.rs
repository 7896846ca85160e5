//! Sign-in and volunteer trust as transactions: sending a code (queued in the outbox
//! with the code's row), checking a code under the per-number failure windows, and the
//! staff's verification of volunteers and approval of team members, each audited in
//! its own transaction.

use crate::accounts::model::{code_rules, locked_until, CurrentUser, Phone, Role};
use crate::accounts::secret::{constant_time_eq, hash_code, new_code};
use crate::accounts::store;
use crate::audit::store::{self as audit, AuditRecord};
use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;

/// The refusal of a locked number, saying until when (Beijing time).
fn locked(until: i64) -> AppError {
    AppError::TooManyRequests(
        Msg::new("login.number_locked").arg("until", crate::time::hhmm_of_ts(until)),
    )
}

/// Refuses a requester locked out of a number by its own wrong codes (others, the phone's
/// owner among them, are not).
async fn check_not_locked(
    conn: &mut sqlx::AnyConnection,
    phone: &str,
    client: &str,
    now: i64,
) -> Result<(), AppError> {
    let failures = store::failures_since(conn, phone, client, now - 86_400).await?;
    match locked_until(&failures, now) {
        Some(until) => Err(locked(until)),
        None => Ok(()),
    }
}

/// Refuses a demo account while demo mode is off.
async fn check_not_demo(db: &Db, phone: &str, demo_on: bool) -> Result<(), AppError> {
    if demo_on {
        return Ok(());
    }
    match store::user_by_phone(db, phone).await? {
        Some(u) if u.demo => Err(AppError::Forbidden),
        _ => Ok(()),
    }
}

/// Sends a one-time code: per-number checks first (this requester's lock, demo, one a
/// minute per requester, five a day per requester and twenty in all), then the
/// per-address quota; the code, bound to its requester, and its text commit together.
pub async fn request_code(
    db: &Db,
    secret: &[u8],
    phone: &Phone,
    client: &str,
    config: &crate::config::Config,
    now: i64,
) -> Result<(), AppError> {
    let demo_on = config.demo;
    let number = phone.as_str();
    {
        let mut conn = db.pool.acquire().await?;
        check_not_locked(&mut conn, number, client, now).await?;
    }
    check_not_demo(db, number, demo_on).await?;
    let (all, mine) = store::codes_sent_since(db, number, client, now - 86_400).await?;
    if all >= code_rules::CODES_PER_DAY || mine >= code_rules::CODES_PER_DAY_PER_REQUESTER {
        return Err(AppError::TooManyRequests(Msg::new("login.daily_codes")));
    }
    if !store::take_phone_slot(db, number, client, now, code_rules::RESEND_SECS).await? {
        return Err(AppError::TooManyRequests(
            Msg::new("login.resend_wait").arg("secs", code_rules::RESEND_SECS),
        ));
    }
    let hour = now / 3600;
    if !store::take_ip_quota(db, client, hour, config.codes_per_address_hour).await? {
        store::release_phone_slot(db, number, client).await?;
        return Err(AppError::TooManyRequests(Msg::new("login.ip_quota")));
    }
    // The network's budget, then the portal's: past either, an alarm for the admins
    // (their overview lists the budgets reached this hour) and a refusal for the rest.
    let budgets = [
        (
            crate::accounts::model::network_key(client),
            config.codes_per_network_hour,
        ),
        (
            Some(crate::accounts::model::ALL_CLIENTS_KEY.to_string()),
            config.codes_per_hour,
        ),
    ];
    for (key, max) in budgets {
        let Some(key) = key else { continue };
        if !store::take_ip_quota(db, &key, hour, max).await? {
            tracing::warn!(budget = %key, max, "sign-in code budget reached this hour");
            store::release_phone_slot(db, number, client).await?;
            return Err(AppError::TooManyRequests(Msg::new("login.busy")));
        }
    }
    let code = new_code();
    let hash = hash_code(secret, number, &code);
    // Texts go out in Chinese with the registered 【邻里】 signature, whatever the
    // page's language: SMS providers in China require the registered template.
    let text = crate::i18n::fill(
        &crate::i18n::tr_in(crate::prefs::Locale::ZhCn, "login.sms_code"),
        &[("code".to_string(), code.to_string())],
    );
    let mut tx = db.begin_write().await?;
    store::insert_code(
        &mut tx,
        number,
        client,
        &hash,
        now,
        now + code_rules::TTL_SECS,
    )
    .await?;
    crate::outbox::store::enqueue(&mut tx, number, "login_code", &text, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a code and returns the account (created on first sign-in). Only the latest
/// code `client` asked for counts, and only `client`'s wrong codes lock it out: a
/// guesser elsewhere can neither try the owner's code nor lock the owner out. The code
/// row is locked before the failures are counted, so concurrent guesses are counted one
/// after another.
pub async fn verify_code(
    db: &Db,
    secret: &[u8],
    phone: &Phone,
    code: &str,
    client: &str,
    demo_on: bool,
    now: i64,
) -> Result<i64, AppError> {
    let number = phone.as_str();
    let expired = || AppError::bad(Msg::new("login.code_expired"));
    check_not_demo(db, number, demo_on).await?;
    let mut tx = db.begin_write().await?;
    check_not_locked(&mut tx, number, client, now).await?;
    let (id, stored, attempts) =
        store::spend_attempt(&mut tx, number, client, now, code_rules::MAX_ATTEMPTS)
            .await?
            .ok_or_else(expired)?;
    // The code row is now locked by this transaction: count again.
    check_not_locked(&mut tx, number, client, now).await?;
    if !constant_time_eq(&stored, &hash_code(secret, number, code)) {
        store::record_failure(&mut tx, number, client, now).await?;
        let failures = store::failures_since(&mut tx, number, client, now - 86_400).await?;
        tx.commit().await?;
        if let Some(until) = locked_until(&failures, now) {
            return Err(locked(until));
        }
        let left = code_rules::MAX_ATTEMPTS - attempts;
        return Err(if left > 0 {
            AppError::bad(Msg::new("login.code_wrong").arg("left", left))
        } else {
            expired()
        });
    }
    if !store::consume_code(&mut tx, id, now).await? {
        return Err(expired());
    }
    tx.commit().await?;
    let last4 = &number[7..];
    Ok(store::upsert_user(db, number, &format!("居民{last4}"), now).await?)
}

/// The volunteers `user` may see, numbers masked: an admin all of them, staff their
/// community's, a team leader their team's members and join requests. Real names (as on
/// an ID card) are shown to staff, admins and the leader of a *verified* team only: the
/// leader of a team nobody has vouched for sees display names. Anyone else: 403.
pub async fn volunteers_for(
    db: &Db,
    user: &CurrentUser,
) -> Result<Vec<crate::accounts::model::VolunteerRow>, AppError> {
    const MAX: i64 = 500;
    Ok(match user.role {
        Role::Admin => store::volunteers_of(db, None, None, MAX).await?,
        Role::Staff => store::volunteers_of(db, user.community_id, None, MAX).await?,
        Role::Resident => {
            let team = store::team_led_by(db, user.id)
                .await?
                .ok_or(AppError::Forbidden)?;
            let rows = store::volunteers_of(db, None, Some(team), MAX).await?;
            if store::verified_team_led_by(db, team, user.id).await? {
                rows
            } else {
                rows.into_iter()
                    .map(|mut r| {
                        r.real_name.clear();
                        r
                    })
                    .collect()
            }
        }
    })
}

/// Who may verify `target` as a volunteer: an admin, staff of the target's community, or
/// the leader of the verified team the target serves in.
pub async fn may_verify(
    db: &Db,
    actor: &CurrentUser,
    target: &CurrentUser,
) -> Result<bool, AppError> {
    if actor.is_admin() {
        return Ok(true);
    }
    if actor.role == Role::Staff {
        return Ok(target.community_id.is_some_and(|c| actor.may_act_in(c)));
    }
    match target.team_id {
        Some(team) => Ok(store::verified_team_led_by(db, team, actor.id).await?),
        None => Ok(false),
    }
}

/// Verifies (with the real name checked against an ID card) or un-verifies a volunteer,
/// audited with the state before and after. "Not found" and "not yours" answer alike.
pub async fn set_verified(
    db: &Db,
    actor: &CurrentUser,
    target_id: i64,
    real_name: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let not_found = || AppError::NotFound(Msg::new("accounts.what_user"));
    let target = store::user_by_id(db, target_id)
        .await?
        .ok_or_else(not_found)?;
    if !may_verify(db, actor, &target).await? {
        return Err(not_found());
    }
    let name = match real_name {
        Some(n) => Some(crate::accounts::model::parse_real_name(n).map_err(AppError::BadRequest)?),
        None => None,
    };
    let mut tx = db.begin_write().await?;
    let before = store::verification_of(&mut tx, target_id).await?;
    store::set_verification(&mut tx, target_id, name.as_deref(), actor.id, now).await?;
    let after = store::verification_of(&mut tx, target_id).await?;
    let target_s = format!("user:{target_id}");
    audit::record(
        &mut *tx,
        AuditRecord {
            actor_id: Some(actor.id),
            action: if name.is_some() {
                "verify_volunteer"
            } else {
                "unverify_volunteer"
            },
            target: &target_s,
            community_id: target.community_id,
            before: Some(&before),
            after: Some(&after),
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Approves or refuses a person's request to join a team: the team's leader, staff of
/// the team's community, or an admin. Audited.
pub async fn decide_join(
    db: &Db,
    actor: &CurrentUser,
    target_id: i64,
    approve: bool,
    now: i64,
) -> Result<(), AppError> {
    let not_found = || AppError::NotFound(Msg::new("accounts.what_user"));
    let target = store::user_by_id(db, target_id)
        .await?
        .ok_or_else(not_found)?;
    let team = target.team_pending.ok_or_else(not_found)?;
    let (leader, community) = store::team_leader_and_community(db, team)
        .await?
        .ok_or_else(not_found)?;
    let allowed = actor.is_admin()
        || leader == Some(actor.id)
        || (actor.role == Role::Staff && community.is_some_and(|c| actor.may_act_in(c)));
    if !allowed {
        return Err(not_found());
    }
    let mut tx = db.begin_write().await?;
    if !store::settle_join(&mut tx, target_id, team, approve).await? {
        return Err(AppError::Conflict(Msg::new("teams.join_settled")));
    }
    let target_s = format!("user:{target_id}");
    let after = serde_json::json!({ "team_id": team, "approved": approve });
    audit::record(
        &mut *tx,
        AuditRecord {
            actor_id: Some(actor.id),
            action: if approve {
                "approve_team_join"
            } else {
                "refuse_team_join"
            },
            target: &target_s,
            community_id: community,
            before: None,
            after: Some(&after),
            at: now,
        },
    )
    .await?;
    let notice = crate::accounts::model::Notice::new(if approve {
        "notice.team_join_approved"
    } else {
        "notice.team_join_refused"
    });
    store::notify(&mut tx, target_id, &notice, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Records that `actor` read a person's private data (a full number, a wish's contact)
/// and why, in its own transaction: the read is shown only after it is on record.
pub async fn record_read(
    db: &Db,
    actor: &CurrentUser,
    action: &str,
    target: &str,
    community_id: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    audit::record(
        &mut *tx,
        AuditRecord {
            actor_id: Some(actor.id),
            action,
            target,
            community_id,
            before: None,
            after: None,
            at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes the account of a demo number a demo identity of `role` (demo mode only: the
/// caller is `demo::accounts::demo_user`, which knows the demo numbers). The demo staff
/// member works in the first community whose centre keeps extended hours, so that every
/// role can try booking and the desk there; the demo volunteer serves in a team.
pub async fn take_demo_identity(
    db: &Db,
    phone: &str,
    name: &str,
    role: &str,
    now: i64,
) -> Result<i64, AppError> {
    // A real person who happens to hold a demo number is never turned into a demo
    // identity (nor given its role).
    if let Some(existing) = store::user_by_phone(db, phone).await? {
        if !existing.demo {
            return Err(AppError::Conflict(Msg::new("login.demo_number_taken")));
        }
    }
    let id = store::upsert_user(db, phone, name, now).await?;
    let mut tx = db.begin_write().await?;
    store::mark_demo(&mut tx, &[id]).await?;
    tx.commit().await?;
    let community = store::first_community_with_schedule(db).await?;
    let role_code = role;
    let (role, volunteer, community) = match role {
        "staff" => (Role::Staff, false, community),
        "admin" => (Role::Admin, false, None),
        "volunteer" | "leader" => (Role::Resident, true, community),
        _ => (Role::Resident, false, community),
    };
    let leads = role_code == "leader";
    let team = if volunteer {
        store::first_team_of(db, community).await?
    } else {
        None
    };
    store::set_identity(db, id, role, volunteer, community, team).await?;
    // A demo volunteer has points enough to try redeeming a reward (the cheapest cost 3,
    // most under 30): topped up to 30 on each demo sign-in, on the ledger like any points.
    if volunteer {
        const DEMO_POINTS: i64 = 30;
        let mut tx = db.begin_write().await?;
        let have = crate::points::store::balance_in(&mut tx, id).await?;
        if have < DEMO_POINTS {
            crate::points::store::credit(
                &mut tx,
                id,
                DEMO_POINTS - have,
                "体验身份赠送积分",
                "demo:welcome",
                now,
            )
            .await?;
        }
        tx.commit().await?;
    }
    // The demo team leader leads the demo volunteer's team (vouched for, so that real
    // names show), with one person of the demo city asking to join, so that there is a
    // request to decide.
    if let (true, Some(team)) = (leads, team) {
        crate::teams::store::set_leader(db, team, Some(id), true).await?;
        let waiting = store::volunteers_of(db, None, Some(team), 500)
            .await?
            .iter()
            .any(|r| r.team_pending.is_some());
        if !waiting {
            if let Some(asker) = store::resident_outside_teams(db, community, id).await? {
                store::set_volunteer(db, asker, true, Some(team)).await?;
            }
        }
    }
    Ok(id)
}

/// Housekeeping (run by the jobs): expired sessions and codes, old throttle rows and
/// failure records, photos staged but never tied to a wish. Returns rows removed.
pub async fn purge_expired(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    store::purge_expired(db, now).await
}
