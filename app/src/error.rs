//! The one error type that crosses a layer boundary (server function, HTTP handler).
//!
//! Rule: each variant knows its HTTP status and carries a typed message
//! ([`crate::message::Msg`]: a locale key plus arguments), never rendered text; the text is
//! made at the edge, in the reader's language (the JSON `message`, a page's banner).
//! Internal failures (database, I/O) are logged with their detail on the server and
//! reach the user only as [`AppError::Internal`], a plain apology: a stack trace or an
//! SQL message is never shown.

pub use crate::message::Msg;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// On the wire (server functions and the HTTP API alike) an error is
/// `{"error": "<code>", "message": "<text in the reader's language>", "msg": {key, args}}`;
/// `msg` lets a client (the hydrated page) rebuild the typed error and render it itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// Input that fails validation; the message says what to fix.
    BadRequest(Msg),
    Unauthorized,
    Forbidden,
    /// Forbidden, saying why and what to do (for example: be verified first).
    Refused(Msg),
    /// What was not found, as a noun (for example `noun.station`: “驿站”).
    NotFound(Msg),
    /// The request lost a race or breaks a rule of the current state.
    Conflict(Msg),
    /// A body or a file over its size limit; the message says the limit.
    TooLarge(Msg),
    /// Over a rate limit; the message says when to try again.
    TooManyRequests(Msg),
    Unavailable,
    Internal,
    /// The request never reached the function (network, encoding).
    Transport(String),
}

/// The message a person reads, in the language of the request being answered (Chinese
/// outside a request). The fixed messages live in the locale files (`error.*`).
impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message().text())
    }
}

impl std::error::Error for AppError {}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_) => 400,
            AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::Refused(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::Conflict(_) => 409,
            AppError::TooLarge(_) => 413,
            AppError::TooManyRequests(_) => 429,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }

    /// A stable machine-readable code for API clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Refused(_) => "refused",
            AppError::NotFound(_) => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::TooLarge(_) => "too_large",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::Unavailable => "unavailable",
            AppError::Internal => "internal",
            AppError::Transport(_) => "transport",
        }
    }

    pub fn bad(msg: Msg) -> Self {
        AppError::BadRequest(msg)
    }

    /// What the reader is told: the variant's own message, or the fixed one of its kind.
    pub fn message(&self) -> Msg {
        match self {
            AppError::BadRequest(m)
            | AppError::Conflict(m)
            | AppError::TooLarge(m)
            | AppError::TooManyRequests(m)
            | AppError::Refused(m) => m.clone(),
            AppError::Transport(_) => Msg::new("error.transport"),
            AppError::NotFound(what) => Msg::new("error.not_found").arg_msg("what", what.clone()),
            AppError::Unauthorized => Msg::new("error.unauthorized"),
            AppError::Forbidden => Msg::new("error.forbidden"),
            AppError::Unavailable => Msg::new("error.unavailable"),
            AppError::Internal => Msg::new("error.internal"),
        }
    }

    /// The banner an address may carry for this error (`?err=`): the message's key and
    /// number-like arguments, or the general message of its status when it has others.
    pub fn banner(&self) -> String {
        self.message().to_banner().unwrap_or_else(|| {
            match self.status() {
                401 => "error.unauthorized",
                403 => "error.forbidden",
                404 => "banner.not_found",
                409 => "banner.conflict",
                429 => "banner.busy",
                500.. => "error.internal",
                _ => "banner.bad",
            }
            .to_string()
        })
    }
}

#[derive(Serialize, Deserialize)]
struct Wire {
    error: String,
    message: String,
    /// The typed message: for NotFound its noun, else the variant's own message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    msg: Option<Msg>,
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let msg = match self {
            AppError::BadRequest(m)
            | AppError::Conflict(m)
            | AppError::TooLarge(m)
            | AppError::TooManyRequests(m)
            | AppError::Refused(m)
            | AppError::NotFound(m) => Some(m.clone()),
            _ => None,
        };
        Wire {
            error: self.code().into(),
            message: self.to_string(),
            msg,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for AppError {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = Wire::deserialize(d)?;
        let m = || w.msg.clone().unwrap_or_else(|| Msg::new("error.transport"));
        Ok(match w.error.as_str() {
            "bad_request" => AppError::BadRequest(m()),
            "unauthorized" => AppError::Unauthorized,
            "forbidden" => AppError::Forbidden,
            "refused" => AppError::Refused(m()),
            "not_found" => AppError::NotFound(m()),
            "conflict" => AppError::Conflict(m()),
            "too_large" => AppError::TooLarge(m()),
            "too_many_requests" => AppError::TooManyRequests(m()),
            "unavailable" => AppError::Unavailable,
            "internal" => AppError::Internal,
            _ => AppError::Transport(w.message),
        })
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m)
            | ServerFnErrorErr::Deserialization(m)
            | ServerFnErrorErr::MissingArg(m) => {
                // The decoder's own words (serde's) are English and may quote the input:
                // they go to the log, the reader gets a fixed message.
                #[cfg(feature = "ssr")]
                tracing::debug!(detail = %m.chars().take(200).collect::<String>(), "undecodable arguments");
                let _ = m;
                AppError::BadRequest(Msg::new("error.bad_params"))
            }
            // The request never arrived or its answer could not be read (in the browser).
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Response(m) => AppError::Transport(m),
            ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                AppError::BadRequest(Msg::new("error.method"))
            }
            // Our own failures (registration, encoding the answer, middleware).
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;
    use axum::response::{IntoResponse, Response};

    impl AppError {
        /// Logs the detail of an internal failure and returns the opaque variant.
        pub fn internal(detail: impl std::fmt::Display) -> Self {
            tracing::error!(error = %detail, "internal error");
            AppError::Internal
        }

        /// Ends a server function. API callers get the error's status; a plain HTML form
        /// (no JavaScript) is sent back to `back` with the message in `err=`, or on
        /// success on to `ok_to`.
        pub(crate) fn form_result<T>(
            r: Result<T, AppError>,
            ok_to: Option<&str>,
            back: &str,
        ) -> Result<T, AppError> {
            let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
                return r;
            };
            // Called while rendering a page (not through its own /api endpoint): the
            // page decides what to show, and the response is the page's.
            if !parts.uri.path().starts_with("/api/") {
                return r;
            }
            let html_form = parts.method == http::Method::POST
                && parts
                    .headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|s| s.contains("text/html"));
            // Targets may carry what a request sent (an id, a code): only a same-site
            // path without control characters is ever redirected to.
            let back = crate::prefs::safe_next(Some(back));
            match (&r, html_form) {
                (Ok(_), true) => {
                    if let Some(to) = ok_to {
                        leptos_axum::redirect(&crate::prefs::safe_next(Some(to)));
                    }
                }
                (Err(e), true) => {
                    let sep = if back.contains('?') { '&' } else { '?' };
                    leptos_axum::redirect(&format!(
                        "{back}{sep}err={}",
                        crate::util::url_encode(&e.banner())
                    ));
                }
                (Err(e), false) => e.set_response_status(),
                (Ok(_), false) => {}
            }
            r
        }

        /// Sets the status of the current server-function response to this error's.
        pub fn set_response_status(&self) {
            if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                if let Ok(code) = http::StatusCode::from_u16(self.status()) {
                    opts.set_status(code);
                }
            }
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(e: sqlx::Error) -> Self {
            match e {
                sqlx::Error::RowNotFound => {
                    AppError::NotFound(crate::message::Msg::new("error.what_record"))
                }
                sqlx::Error::PoolTimedOut => {
                    tracing::warn!("database pool timed out");
                    AppError::Unavailable
                }
                other => AppError::internal(other),
            }
        }
    }

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status = http::StatusCode::from_u16(self.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(self)).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_variant_has_a_status_and_a_chinese_message() {
        let m = || Msg::new("error.forbidden");
        let all = [
            AppError::bad(m()),
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::Refused(m()),
            AppError::NotFound(m()),
            AppError::Conflict(m()),
            AppError::TooLarge(m()),
            AppError::TooManyRequests(m()),
            AppError::Unavailable,
            AppError::Internal,
            AppError::Transport("x".into()),
        ];
        for e in all {
            assert!((400..600).contains(&e.status()));
            let msg = e.to_string();
            assert!(
                msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{msg}"
            );
            assert!(
                !msg.contains('.') || msg.contains('。'),
                "no raw key: {msg}"
            );
        }
    }

    #[test]
    fn errors_round_trip_as_code_message_and_typed_message() {
        for e in [
            AppError::NotFound(Msg::new("error.what_record")),
            AppError::Forbidden,
            AppError::bad(Msg::new("error.not_found").arg("what", "3")),
        ] {
            let json = serde_json::to_value(&e).unwrap();
            assert_eq!(json["error"], e.code());
            assert_eq!(json["message"], e.to_string());
            assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), e);
        }
    }

    #[test]
    fn banners_name_keys_never_text() {
        let e = AppError::Conflict(Msg::new("error.forbidden"));
        assert_eq!(e.banner(), "error.forbidden");
        // A message with a free-text argument travels as its status's general message.
        let e = AppError::Conflict(Msg::new("error.not_found").arg("what", "某人的名字"));
        assert_eq!(e.banner(), "banner.conflict");
    }

    #[test]
    fn internal_never_shows_detail() {
        assert_eq!(AppError::Internal.to_string(), "服务器开小差了，请稍后再试");
    }
}
