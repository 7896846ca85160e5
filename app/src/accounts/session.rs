//! Who is calling: the session cookie, looked up in the database on every request (so
//! that a session works on any server process and survives restarts), and the client's
//! address for rate limits.

use crate::accounts::model::CurrentUser;
use crate::accounts::secret::hash_token;
use crate::accounts::store;
use crate::error::AppError;
use crate::state::AppState;
use http::HeaderMap;

pub const SESSION_COOKIE: &str = "linli_session";
/// The cookie's name behind HTTPS (`LINLI_SECURE_COOKIES=1`): the `__Host-` prefix makes
/// the browser refuse it unless it is Secure, for this host only and for every path, so
/// that no other site or subdomain can plant a session of its choosing.
pub const SECURE_SESSION_COOKIE: &str = "__Host-linli_session";

/// The session cookie's name for this configuration.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The session token from a `Cookie` header, if it has the right shape.
pub fn token_from_headers(headers: &HeaderMap, secure: bool) -> Option<String> {
    let wanted = cookie_name(secure);
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| {
            h.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == wanted
                    && value.len() == 64
                    && value.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| value.to_string())
            })
        })
}

pub async fn user_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(t) = token_from_headers(headers, state.config.secure_cookies) else {
        return Ok(None);
    };
    let hash = hash_token(&t);
    let now = crate::time::now_ts();
    let user = state
        .session_cache
        .get_each(hash.clone(), state.db.commits(), || {
            store::session_user(&state.db, &hash, now, state.config.demo)
        })
        .await?;
    Ok(user.as_ref().clone())
}

/// The caller of this request, looked up once: a page's resources each ask who is
/// signed in (我的 asked five times, five session queries for one page). The server
/// provides one per request (`server::http`); without it every call looks again.
#[derive(Clone, Default)]
pub struct RequestUser(std::sync::Arc<tokio::sync::OnceCell<Option<CurrentUser>>>);

/// The caller of the current server function or page, if signed in.
pub async fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let state = crate::state::app_state()?;
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return Ok(None);
    };
    match leptos::prelude::use_context::<RequestUser>() {
        Some(memo) => memo
            .0
            .get_or_try_init(|| user_from_headers(&state, &parts.headers))
            .await
            .cloned(),
        None => user_from_headers(&state, &parts.headers).await,
    }
}

/// The caller, or 401.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

/// The caller if an admin: 401 signed out, 403 otherwise (the back office's admin pages).
pub async fn require_admin() -> Result<CurrentUser, AppError> {
    let user = require_user().await?;
    if !user.is_admin() {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// The caller if staff of a community or an admin: 401 signed out, 403 for residents.
pub async fn require_staff() -> Result<CurrentUser, AppError> {
    let user = require_user().await?;
    if !user.is_staff() {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// The `Set-Cookie` value of a new session. HttpOnly (no script reads it), SameSite=Lax
/// (not sent on cross-site posts), Secure when the site is served over HTTPS.
pub fn session_cookie(token: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    let name = cookie_name(!secure.is_empty());
    format!("{name}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

pub fn clear_session_cookie(secure: bool) -> String {
    session_cookie("", 0, secure)
}

/// The client address: the peer, or the first `X-Forwarded-For` hop when the server is
/// configured to sit behind a trusted proxy.
pub fn client_ip(parts: &http::request::Parts, config: &crate::config::Config) -> String {
    client_key(&parts.headers, &parts.extensions, config)
}

/// The rate and quota key of a request's client (see `accounts::model::client_address`
/// and `address_key`); also used by the server's write limiter.
pub fn client_key(
    headers: &HeaderMap,
    extensions: &http::Extensions,
    config: &crate::config::Config,
) -> String {
    let Some(peer) = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return "unknown".into();
    };
    let lines: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let ip = crate::accounts::model::client_address(peer, &lines, |a| config.is_trusted_proxy(a));
    crate::accounts::model::address_key(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_tokens_are_read() {
        let good = "a".repeat(64);
        let mut h = HeaderMap::new();
        h.insert(
            http::header::COOKIE,
            format!("x=1; {SESSION_COOKIE}={good}").parse().unwrap(),
        );
        assert_eq!(token_from_headers(&h, false), Some(good));
        let mut h = HeaderMap::new();
        h.insert(
            http::header::COOKIE,
            format!("{SESSION_COOKIE}=abc").parse().unwrap(),
        );
        assert_eq!(token_from_headers(&h, false), None);
    }

    #[test]
    fn cookies_have_the_right_flags() {
        let c = session_cookie("t", 10, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!session_cookie("t", 10, false).contains("Secure"));
        assert!(clear_session_cookie(false).contains("Max-Age=0"));
    }
}
