//! The demo identities (体验身份): one person per role, signed in with one tap from the
//! login page, only in demo mode. They live in the 199 0000 000x number range, which no
//! real subscriber has.

use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;

/// The demo identities (demo mode only): fixed numbers in the 199 0000 000x range.
pub const DEMO_PHONES: [(&str, &str, &str); 5] = [
    ("resident", "19900000001", "体验居民·王阿姨"),
    ("volunteer", "19900000002", "体验志愿者·李师傅"),
    ("staff", "19900000003", "体验社工·张主任"),
    ("admin", "19900000004", "体验管理员"),
    ("leader", "19900000005", "体验队长·赵队长"),
];

/// Creates (or resets) the demo user for a role and returns its id. The demo staff
/// member works in the first community whose centre keeps extended hours, so that every
/// role can try booking and the desk there; the demo volunteer serves in a team.
pub async fn demo_user(db: &Db, role: &str, now: i64) -> Result<i64, AppError> {
    let (_, phone, name) = DEMO_PHONES
        .iter()
        .find(|(r, _, _)| *r == role)
        .ok_or_else(|| AppError::bad(Msg::new("login.demo_unknown")))?;
    crate::accounts::service::take_demo_identity(db, phone, name, role, now).await
}
