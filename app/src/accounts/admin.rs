//! Bootstrapping roles from the shell (`linli admin grant`): the first admin cannot be
//! made from the web.

use crate::accounts::model::{Phone, Role};
use crate::accounts::store;
use crate::db::Db;
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
    let now = chrono::Utc::now().timestamp();
    let last4 = &phone.as_str()[7..];
    let user_id = store::upsert_user(db, phone.as_str(), &format!("居民{last4}"), now).await?;
    store::set_role(db, None, user_id, role, community_id, now).await?;
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
