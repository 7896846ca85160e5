//! The demo identities (体验身份): one person per role, signed in with one tap from the
//! login page, only in demo mode. They live in the 199 0000 000x number range, which no
//! real subscriber has.

use crate::accounts::model::Role;
use crate::db::Db;
use crate::error::AppError;

/// The demo identities (demo mode only): fixed numbers in the 199 0000 000x range.
pub const DEMO_PHONES: [(&str, &str, &str); 4] = [
    ("resident", "19900000001", "体验居民·王阿姨"),
    ("volunteer", "19900000002", "体验志愿者·李师傅"),
    ("staff", "19900000003", "体验社工·张主任"),
    ("admin", "19900000004", "体验管理员"),
];

/// Creates (or resets) the demo user for a role and returns its id. The demo staff
/// member works in the first community whose centre keeps extended hours, so that every
/// role can try booking and the desk there; the demo volunteer serves in a team.
pub async fn demo_user(db: &Db, role: &str, now: i64) -> Result<i64, AppError> {
    let (_, phone, name) = DEMO_PHONES
        .iter()
        .find(|(r, _, _)| *r == role)
        .ok_or_else(|| AppError::bad(crate::i18n::tr("msg.demo.unknown_identity")))?;
    // A real person who happens to hold a demo number is never turned into a demo
    // identity (nor given its role).
    if let Some(existing) = crate::accounts::store::user_by_phone(db, phone).await? {
        if !existing.demo {
            return Err(AppError::Conflict(crate::i18n::tr(
                "trust.demo_number_taken",
            )));
        }
    }
    let id = crate::accounts::store::upsert_user(db, phone, name, now).await?;
    let mut tx = db.begin_write().await?;
    crate::accounts::store::mark_demo(&mut tx, &[id]).await?;
    tx.commit().await?;
    let community = crate::accounts::store::first_community_with_schedule(db).await?;
    let (role, volunteer, community) = match role {
        "staff" => (Role::Staff, false, community),
        "admin" => (Role::Admin, false, None),
        "volunteer" => (Role::Resident, true, community),
        _ => (Role::Resident, false, community),
    };
    let team = if volunteer {
        crate::accounts::store::first_team_of(db, community).await?
    } else {
        None
    };
    crate::accounts::store::set_identity(db, id, role, volunteer, community, team).await?;
    Ok(id)
}
