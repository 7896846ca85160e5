//! Server functions for accounts, each at a stable endpoint under `/api/` (listed in
//! the README) so that other clients can call them. Thin: check the input and the
//! caller, call the store, map errors. Each is also a plain form target: without
//! JavaScript the browser is redirected to the next page, or back with `?err=`.

use crate::accounts::model::CurrentUser;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::message::Msg;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the pages need to know about the visitor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub user: Option<CurrentUser>,
    /// Whether the demo identities panel (体验身份) is on.
    pub demo: bool,
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::accounts::model::{code_rules, parse_code, Phone};
    pub use crate::accounts::secret::{hash_token, new_token};
    pub use crate::accounts::session::{
        clear_session_cookie, client_ip, current_user, require_user, session_cookie,
        token_from_headers,
    };
    pub use crate::accounts::store;
    pub use crate::prefs::safe_next;
    pub use crate::state::app_state;
    pub use crate::util::url_encode;

    pub fn set_cookie(value: &str) {
        if let (Some(resp), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(value),
        ) {
            resp.append_header(http::header::SET_COOKIE, v);
        }
    }

    pub fn request_parts() -> Option<http::request::Parts> {
        use_context::<http::request::Parts>()
    }

    use leptos::prelude::use_context;
}

#[server(prefix = "/api", endpoint = "auth/viewer")]
pub async fn get_viewer() -> Result<Viewer, AppError> {
    use ssr::*;
    let r = async {
        let state = app_state()?;
        let user = current_user().await?;
        Ok(Viewer {
            user,
            demo: state.config.demo,
        })
    }
    .await;
    crate::reply::read(r, "/")
}

/// Sends a one-time code to a mainland mobile number. Returns the masked number.
#[server(prefix = "/api", endpoint = "auth/request-code")]
pub async fn request_code(phone: String, next: Option<String>) -> Result<String, AppError> {
    use ssr::*;
    // Where to go after signing in travels with the form (a same-site path only).
    let next = next
        .filter(|n| !n.is_empty())
        .map(|n| safe_next(Some(&n)))
        .filter(|n| n != "/");
    let next_q = next
        .as_deref()
        .map(|n| format!("&next={}", url_encode(n)))
        .unwrap_or_default();
    let back = format!("/login?phone={}{next_q}", url_encode(&phone));
    let result = async {
        let state = app_state()?;
        let phone = Phone::parse(&phone).map_err(AppError::BadRequest)?;
        let client = request_parts()
            .map(|p| client_ip(&p, &state.config))
            .unwrap_or_default();
        crate::accounts::service::request_code(
            &state.db,
            state.secret.as_bytes(),
            &phone,
            &client,
            &state.config,
            crate::time::now_ts(),
        )
        .await?;
        state.wake_outbox();
        Ok(phone)
    }
    .await;
    let ok_to = result
        .as_ref()
        .ok()
        .map(|p| format!("/login?phone={}&sent=1{next_q}", p.as_str()));
    crate::reply::reply(result.map(|p| p.masked()), &back, |_| ok_to)
}

/// Checks a code and signs in (creating the account on first sign-in). The session id
/// is new at every sign-in; a session the browser already had is ended.
#[server(prefix = "/api", endpoint = "auth/verify-code")]
pub async fn verify_code(
    phone: String,
    code: String,
    next: Option<String>,
) -> Result<CurrentUser, AppError> {
    use ssr::*;
    let back = format!("/login?phone={}&sent=1", url_encode(&phone));
    let result = async {
        let state = app_state()?;
        let phone = Phone::parse(&phone).map_err(AppError::BadRequest)?;
        let code = parse_code(&code).map_err(AppError::BadRequest)?;
        let now = crate::time::now_ts();
        let client = request_parts()
            .map(|p| client_ip(&p, &state.config))
            .unwrap_or_default();
        let user_id = crate::accounts::service::verify_code(
            &state.db,
            state.secret.as_bytes(),
            &phone,
            &code,
            &client,
            state.config.demo,
            now,
        )
        .await?;
        start_session(&state, user_id, now).await?;
        store::user_by_id(&state.db, user_id)
            .await?
            .ok_or(AppError::Internal)
    }
    .await;
    let ok_to = safe_next(next.as_deref().filter(|n| !n.is_empty()).or(Some("/me")));
    crate::reply::reply(result, &back, |_| Some(ok_to.to_string()))
}

#[cfg(feature = "ssr")]
async fn start_session(
    state: &crate::state::AppState,
    user_id: i64,
    at: i64,
) -> Result<(), AppError> {
    use ssr::*;
    if let Some(old) =
        request_parts().and_then(|p| token_from_headers(&p.headers, state.config.secure_cookies))
    {
        store::delete_session(&state.db, &hash_token(&old)).await?;
    }
    let token = new_token();
    let ttl = code_rules::SESSION_SECS;
    store::create_session(&state.db, &hash_token(&token), user_id, at, at + ttl).await?;
    set_cookie(&session_cookie(&token, ttl, state.config.secure_cookies));
    Ok(())
}

/// Ends this browser's session.
#[server(prefix = "/api", endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    use ssr::*;
    let result = async {
        let state = app_state()?;
        if let Some(t) = request_parts()
            .and_then(|p| token_from_headers(&p.headers, state.config.secure_cookies))
        {
            store::delete_session(&state.db, &hash_token(&t)).await?;
        }
        set_cookie(&clear_session_cookie(state.config.secure_cookies));
        Ok(())
    }
    .await;
    crate::reply::reply(result, "/me", |_| Some("/me".to_string()))
}

/// Ends every session of the caller, on every device.
#[server(prefix = "/api", endpoint = "auth/sign-out-all")]
pub async fn sign_out_everywhere() -> Result<u64, AppError> {
    use ssr::*;
    let result = async {
        let state = app_state()?;
        let user = require_user().await?;
        let n = store::delete_user_sessions(&state.db, user.id).await?;
        set_cookie(&clear_session_cookie(state.config.secure_cookies));
        Ok(n)
    }
    .await;
    crate::reply::reply(result, "/me", |_| Some("/me".to_string()))
}

/// Demo mode only (`LINLI_DEMO=1`): signs in as a demo resident, volunteer, staff member
/// or admin without a text message.
#[server(prefix = "/api", endpoint = "auth/demo")]
pub async fn demo_sign_in(role: String) -> Result<CurrentUser, AppError> {
    use ssr::*;
    let result = async {
        let state = app_state()?;
        if !state.config.demo {
            return Err(AppError::NotFound(Msg::new("login.what_demo_identity")));
        }
        let user_id =
            crate::demo::accounts::demo_user(&state.db, &role, crate::time::now_ts()).await?;
        start_session(&state, user_id, crate::time::now_ts()).await?;
        store::user_by_id(&state.db, user_id)
            .await?
            .ok_or(AppError::Internal)
    }
    .await;
    crate::reply::reply(result, "/login", |_| Some("/me".to_string()))
}

/// Updates the caller's display name and home community.
#[server(prefix = "/api", endpoint = "me/profile")]
pub async fn update_profile(
    display_name: String,
    community_id: Option<String>,
) -> Result<CurrentUser, AppError> {
    use ssr::*;
    let result = async {
        let state = app_state()?;
        let user = require_user().await?;
        let name = crate::accounts::model::parse_display_name(&display_name)
            .map_err(AppError::BadRequest)?;
        let community = match community_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => {
                let id: i64 = s
                    .parse()
                    .map_err(|_| AppError::bad(Msg::new("accounts.community_invalid")))?;
                if !store::community_exists(&state.db, id).await? {
                    return Err(AppError::bad(Msg::new("accounts.community_missing")));
                }
                Some(id)
            }
        };
        store::set_profile(&state.db, user.id, &name, community).await?;
        store::user_by_id(&state.db, user.id)
            .await?
            .ok_or(AppError::Internal)
    }
    .await;
    crate::reply::reply(result, "/me", |_| Some("/me?saved=1".to_string()))
}

/// Opts the caller in or out of volunteering; naming a team asks to join it (the
/// team's leader or its community's staff approve).
#[server(prefix = "/api", endpoint = "me/volunteer")]
pub async fn set_volunteer(on: bool, team_id: Option<String>) -> Result<CurrentUser, AppError> {
    use ssr::*;
    let result = async {
        let state = app_state()?;
        let user = require_user().await?;
        let team = match team_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => {
                let id: i64 = s
                    .parse()
                    .map_err(|_| AppError::bad(Msg::new("accounts.team_invalid")))?;
                if !store::team_exists(&state.db, id).await? {
                    return Err(AppError::bad(Msg::new("accounts.team_missing")));
                }
                Some(id)
            }
        };
        store::set_volunteer(&state.db, user.id, on, team).await?;
        store::user_by_id(&state.db, user.id)
            .await?
            .ok_or(AppError::Internal)
    }
    .await;
    crate::reply::reply(result, "/me", |_| Some("/me?saved=1".to_string()))
}

/// A person's contact card. Full number for the person, admins, and the staff of the
/// person's community; everyone else is refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: i64,
    pub display_name: String,
    pub phone: String,
    pub community_name: Option<String>,
}

#[server(prefix = "/api", endpoint = "users/contact")]
pub async fn user_contact(user_id: i64) -> Result<Contact, AppError> {
    use ssr::*;
    let result = async {
        let state = app_state()?;
        let caller = require_user().await?;
        let not_found = || AppError::NotFound(Msg::new("accounts.what_user"));
        let target = store::user_by_id(&state.db, user_id)
            .await?
            .ok_or_else(not_found)?;
        let own = caller.id == target.id;
        let allowed = own
            || caller.is_admin()
            || target.community_id.is_some_and(|c| {
                caller.role == crate::accounts::model::Role::Staff && caller.may_act_in(c)
            });
        if !allowed {
            // Staff of another community learn nothing, not even that the person exists.
            return Err(not_found());
        }
        if !own {
            crate::accounts::service::record_read(
                &state.db,
                &caller,
                "read_phone",
                &format!("user:{}", target.id),
                target.community_id,
                crate::time::now_ts(),
            )
            .await?;
        }
        Ok(Contact {
            id: target.id,
            display_name: target.display_name,
            phone: target.phone,
            community_name: target.community_name,
        })
    }
    .await;
    crate::reply::reply(result, "/me", |_| None)
}

/// Staff (their community), a verified team's leader (their team) or an admin (all):
/// volunteers and people asking to join a team, numbers masked.
#[server(prefix = "/api", endpoint = "volunteers/list")]
pub async fn list_volunteers() -> Result<Vec<crate::accounts::model::VolunteerRow>, AppError> {
    use ssr::*;
    let result = async {
        let state = app_state()?;
        let user = require_user().await?;
        crate::accounts::service::volunteers_for(&state.db, &user).await
    }
    .await;
    // The page's status too: a person without the right gets a 403 page.
    crate::reply::page(result)
}

/// Verifies a volunteer (`real_name` as on their ID card) or, with `on=false`, withdraws
/// the verification. Audited.
#[server(prefix = "/api", endpoint = "volunteers/verify")]
pub async fn verify_volunteer(
    user_id: i64,
    on: bool,
    real_name: Option<String>,
) -> Result<(), AppError> {
    use ssr::*;
    let result = async {
        let state = app_state()?;
        let actor = require_user().await?;
        let name = if on {
            Some(real_name.unwrap_or_default())
        } else {
            None
        };
        crate::accounts::service::set_verified(
            &state.db,
            &actor,
            user_id,
            name.as_deref(),
            crate::time::now_ts(),
        )
        .await
    }
    .await;
    crate::reply::reply(result, "/volunteers", |_| {
        Some("/volunteers?ok=1".to_string())
    })
}

/// Approves (`approve=true`) or refuses a request to join a team. Audited.
#[server(prefix = "/api", endpoint = "volunteers/team-join")]
pub async fn decide_team_join(user_id: i64, approve: bool) -> Result<(), AppError> {
    use ssr::*;
    let result = async {
        let state = app_state()?;
        let actor = require_user().await?;
        crate::accounts::service::decide_join(
            &state.db,
            &actor,
            user_id,
            approve,
            crate::time::now_ts(),
        )
        .await
    }
    .await;
    crate::reply::reply(result, "/volunteers", |_| {
        Some("/volunteers?ok=1".to_string())
    })
}

#[server(prefix = "/api", endpoint = "teams")]
pub async fn list_teams() -> Result<Vec<crate::accounts::model::TeamInfo>, AppError> {
    use ssr::*;
    let state = app_state()?;
    let r = store::teams(&state.db).await.map_err(AppError::from);
    crate::reply::read(r, "/me")
}
