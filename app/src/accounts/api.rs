//! Server functions for accounts, each at a stable endpoint under `/api/` (listed in
//! the README) so that other clients can call them. Thin: check the input and the
//! caller, call the store, map errors. Each is also a plain form target: without
//! JavaScript the browser is redirected to the next page, or back with `?err=`.

use crate::accounts::model::CurrentUser;
use crate::error::AppError;
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
    pub use crate::accounts::secret::{
        constant_time_eq, hash_code, hash_token, new_code, new_token,
    };
    pub use crate::accounts::session::{
        clear_session_cookie, client_ip, current_user, require_user, session_cookie,
        token_from_headers,
    };
    pub use crate::accounts::sms::Sms;
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
pub async fn request_code(phone: String) -> Result<String, AppError> {
    use ssr::*;
    let back = format!("/login?phone={}", url_encode(&phone));
    let result = async {
        let state = app_state()?;
        let phone = Phone::parse(&phone).map_err(AppError::BadRequest)?;
        let now = crate::time::now_ts();
        let ip = request_parts()
            .map(|p| client_ip(&p, state.config.trust_proxy))
            .unwrap_or_default();
        if !store::take_ip_quota(&state.db, &ip, now / 3600, code_rules::PER_IP_PER_HOUR).await? {
            return Err(AppError::TooManyRequests(crate::i18n::tr(
                "msg.accounts.ip_quota",
            )));
        }
        if !store::take_phone_slot(&state.db, phone.as_str(), now, code_rules::RESEND_SECS).await? {
            return Err(AppError::TooManyRequests(crate::i18n::tr_args(
                "msg.accounts.resend_wait",
                &[("secs", code_rules::RESEND_SECS.to_string())],
            )));
        }
        let code = new_code();
        let hash = hash_code(state.secret.as_bytes(), phone.as_str(), &code);
        store::insert_code(
            &state.db,
            phone.as_str(),
            &hash,
            now,
            now + code_rules::TTL_SECS,
        )
        .await?;
        // Texts go out in Chinese with the registered 【邻里】 signature, whatever the
        // page's language: SMS providers in China require the registered template.
        let text = crate::i18n::fill(
            &crate::i18n::tr_in(crate::prefs::Locale::ZhCn, "msg.accounts_api.m8"),
            &[("code".to_string(), code.to_string())],
        );
        let sent = state
            .sms
            .send(Sms {
                phone: phone.as_str(),
                purpose: "login_code",
                text: &text,
            })
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "login code not sent");
            store::release_phone_slot(&state.db, phone.as_str()).await?;
            return Err(AppError::Unavailable);
        }
        Ok(phone)
    }
    .await;
    let ok_to = result
        .as_ref()
        .ok()
        .map(|p| format!("/login?phone={}&sent=1", p.as_str()));
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
        let expired = || AppError::bad(crate::i18n::tr("msg.accounts_api.m1"));
        let (id, stored, attempts) =
            store::spend_attempt(&state.db, phone.as_str(), now, code_rules::MAX_ATTEMPTS)
                .await?
                .ok_or_else(expired)?;
        if !constant_time_eq(
            &stored,
            &hash_code(state.secret.as_bytes(), phone.as_str(), &code),
        ) {
            let left = code_rules::MAX_ATTEMPTS - attempts;
            return Err(if left > 0 {
                AppError::bad(crate::i18n::tr_args(
                    "msg.accounts_api.m9",
                    &[("left", left.to_string())],
                ))
            } else {
                expired()
            });
        }
        if !store::consume_code(&state.db, id, now).await? {
            return Err(expired());
        }
        let last4 = &phone.as_str()[7..];
        let user_id =
            store::upsert_user(&state.db, phone.as_str(), &format!("居民{last4}"), now).await?;
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
    if let Some(old) = request_parts().and_then(|p| token_from_headers(&p.headers)) {
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
        if let Some(t) = request_parts().and_then(|p| token_from_headers(&p.headers)) {
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
            return Err(AppError::NotFound(crate::i18n::tr("msg.accounts_api.m6")));
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
                    .map_err(|_| AppError::bad(crate::i18n::tr("msg.accounts_api.m2")))?;
                if !store::community_exists(&state.db, id).await? {
                    return Err(AppError::bad(crate::i18n::tr("msg.accounts_api.m3")));
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

/// Opts the caller in or out of volunteering, optionally in a team.
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
                    .map_err(|_| AppError::bad(crate::i18n::tr("msg.accounts_api.m4")))?;
                if !store::team_exists(&state.db, id).await? {
                    return Err(AppError::bad(crate::i18n::tr("msg.accounts_api.m5")));
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
        let target = store::user_by_id(&state.db, user_id)
            .await?
            .ok_or_else(|| AppError::NotFound(crate::i18n::tr("msg.accounts_api.m7")))?;
        let allowed = caller.id == target.id
            || caller.is_admin()
            || target.community_id.is_some_and(|c| {
                caller.role == crate::accounts::model::Role::Staff && caller.may_act_in(c)
            });
        if !allowed {
            return Err(AppError::Forbidden);
        }
        Ok(Contact {
            id: target.id,
            display_name: target.display_name,
            phone: target.phone,
            community_name: target.community_name,
        })
    }
    .await;
    crate::reply::read(result, "/me")
}

#[server(prefix = "/api", endpoint = "teams")]
pub async fn list_teams() -> Result<Vec<crate::accounts::model::TeamInfo>, AppError> {
    use ssr::*;
    let state = app_state()?;
    let r = store::teams(&state.db).await.map_err(AppError::from);
    crate::reply::read(r, "/me")
}
