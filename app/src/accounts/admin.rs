//! Bootstrapping roles from the shell (`linli admin grant`): the first admin cannot be
//! made from the web.

use crate::accounts::model::{Phone, Role};
use crate::accounts::store;
use crate::db::Db;
use crate::message::Msg;
use anyhow::{anyhow, bail};

/// Grants `role` to the person with `phone`; staff need a community (id or name).
/// Returns a confirmation in Chinese. Recorded in the audit log with no actor (the shell).
pub async fn grant(
    db: &Db,
    phone: &str,
    role: &str,
    community: Option<&str>,
) -> anyhow::Result<String> {
    let phone = Phone::parse(phone).map_err(|e| anyhow!(e))?;
    let role = Role::parse(role).ok_or_else(|| anyhow!("角色应为 admin、staff 或 resident"))?;
    let community_id = match (role, community) {
        (Role::Staff, None) => bail!("社区工作者必须指定所属社区（--community）"),
        (Role::Staff, Some(c)) => Some(resolve_community(db, c).await?),
        (_, Some(_)) => bail!("只有社区工作者需要指定社区"),
        (_, None) => None,
    };
    let now = crate::time::now_ts();
    let last4 = &phone.as_str()[7..];
    let user_id = store::upsert_user(db, phone.as_str(), &format!("居民{last4}"), now).await?;
    let mut tx = db.begin_write().await?;
    set_role_recorded(&mut tx, None, user_id, role, community_id, now).await?;
    tx.commit().await?;
    Ok(format!("已将 {} 设为{}", phone.masked(), role_name(role)))
}

async fn resolve_community(db: &Db, c: &str) -> anyhow::Result<i64> {
    if let Ok(id) = c.parse::<i64>() {
        if store::community_exists(db, id).await? {
            return Ok(id);
        }
        bail!("没有编号为 {id} 的社区");
    }
    let full = if c.ends_with("社区") {
        c.to_string()
    } else {
        format!("{c}社区")
    };
    store::community_id_by_name(db, &full)
        .await?
        .ok_or_else(|| anyhow!("没有名为“{full}”的社区"))
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Resident => "居民",
        Role::Staff => "社区工作者",
        Role::Admin => "管理员",
    }
}

/// What an admin does to a staff account on the people page (`/admin/people`).
#[derive(Debug, Clone)]
pub enum StaffChange {
    /// Makes the person with this number staff of a community, or an admin (the account
    /// is created if the number has none yet).
    Grant {
        phone: Phone,
        role: Role,
        community: Option<i64>,
    },
    /// Moves a staff member to another community.
    Move { user: i64, community: i64 },
    /// Makes a staff member or admin a resident again and ends their sessions at once.
    Revoke { user: i64 },
}

/// Carries out a [`StaffChange`] by an admin, in one transaction with its audit
/// record (`grant_role`, before and after). Nobody changes their own role (an admin
/// cannot lock themselves out), and staff always have a community. Returns the user
/// changed.
pub async fn change_staff(
    db: &Db,
    actor: &crate::accounts::model::CurrentUser,
    change: StaffChange,
    now: i64,
) -> Result<i64, crate::error::AppError> {
    use crate::error::AppError;
    if !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let (user, role, community) = match change {
        StaffChange::Grant {
            phone,
            role,
            community,
        } => {
            let community = match (role, community) {
                (Role::Staff, Some(c)) => Some(c),
                (Role::Staff, None) => {
                    return Err(AppError::bad(Msg::new(
                        "accounts.people.community_required",
                    )))
                }
                (Role::Admin, _) => None,
                (Role::Resident, _) => {
                    return Err(AppError::bad(Msg::new("accounts.people.role_invalid")))
                }
            };
            let last4 = &phone.as_str()[7..];
            let id = store::upsert_user(db, phone.as_str(), &format!("居民{last4}"), now).await?;
            (id, role, community)
        }
        StaffChange::Move { user, community } => {
            let target = store::user_by_id(db, user)
                .await?
                .ok_or_else(|| AppError::NotFound(Msg::new("accounts.people.what_account")))?;
            if target.role != Role::Staff {
                return Err(AppError::bad(Msg::new("accounts.people.not_staff")));
            }
            (user, Role::Staff, Some(community))
        }
        StaffChange::Revoke { user } => {
            let target = store::user_by_id(db, user)
                .await?
                .ok_or_else(|| AppError::NotFound(Msg::new("accounts.people.what_account")))?;
            if target.role == Role::Resident {
                return Err(AppError::bad(Msg::new("accounts.people.not_staff")));
            }
            (user, Role::Resident, None)
        }
    };
    if user == actor.id {
        return Err(AppError::bad(Msg::new("accounts.people.own_role")));
    }
    if let Some(c) = community {
        if !store::community_exists(db, c).await? {
            return Err(AppError::bad(Msg::new(
                "accounts.people.community_required",
            )));
        }
    }
    let mut tx = db.begin_write().await?;
    set_role_recorded(&mut tx, Some(actor.id), user, role, community, now).await?;
    if role == Role::Resident {
        store::end_sessions_in(&mut tx, user).await?;
    }
    tx.commit().await?;
    Ok(user)
}

/// Sets a role in the caller's transaction with its audit record (`grant_role`, the
/// state before and after), so the change and its record stand or fall together.
async fn set_role_recorded(
    conn: &mut sqlx::AnyConnection,
    actor_id: Option<i64>,
    user_id: i64,
    role: Role,
    community_id: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (before_role, before_community) =
        store::set_role_in(&mut *conn, user_id, role, community_id).await?;
    let before = serde_json::json!({ "role": before_role, "community_id": before_community });
    let after = serde_json::json!({ "role": role.code(), "community_id": community_id });
    let target = format!("user:{user_id}");
    crate::audit::store::record(
        &mut *conn,
        crate::audit::store::AuditRecord {
            actor_id,
            action: "grant_role",
            target: &target,
            community_id: community_id.or(before_community),
            before: Some(&before),
            after: Some(&after),
            at: now,
        },
    )
    .await
}

/// What the admins' overview counts across whole tables (the outbox, this hour's code
/// budgets) and its newest audit records: the same for every admin, so kept for
/// [`crate::cache::RECENT`] and not after any write this process committed.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// Texts waiting, sent, failed.
    pub outbox: (i64, i64, i64),
    pub failures: Vec<crate::outbox::store::Failed>,
    /// Sign-in code budgets used up this hour, with their counts.
    pub budgets_reached: Vec<(String, i64)>,
    pub audit: Vec<crate::audit::model::AuditEntry>,
}

/// The overview's figures as of at most [`crate::cache::RECENT`] ago.
pub async fn overview(
    cache: &crate::cache::RecentCache<(), Overview>,
    db: &Db,
    config: &crate::config::Config,
    now: i64,
) -> Result<std::sync::Arc<Overview>, crate::error::AppError> {
    cache
        .get((), db.commits(), || async {
            Ok::<_, crate::error::AppError>(Overview {
                outbox: crate::outbox::store::counts(db).await?,
                failures: crate::outbox::store::failures(db, 50).await?,
                budgets_reached: store::budgets_reached(
                    db,
                    now / 3600,
                    config.codes_per_network_hour,
                    config.codes_per_hour,
                )
                .await?,
                audit: crate::audit::store::entries(db, None, 100).await?,
            })
        })
        .await
}
