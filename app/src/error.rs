//! The one error type that crosses a layer boundary (server function, HTTP handler).
//!
//! Rule: each variant knows its HTTP status and the Chinese message a resident sees.
//! Internal failures (database, I/O) are logged with their detail on the server and
//! reach the user only as [`AppError::Internal`], a plain apology: a stack trace or an
//! SQL message is never shown.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// On the wire (server functions and the HTTP API alike) an error is
/// `{"error": "<code>", "message": "<中文>"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// Input that fails validation; the message (in the reader's language) says what to
    /// fix.
    BadRequest(String),
    Unauthorized,
    Forbidden,
    /// Forbidden, saying why and what to do (for example: be verified first).
    Refused(String),
    /// What was not found, as a noun in the reader's language (for example “驿站”).
    NotFound(String),
    /// The request lost a race or breaks a rule of the current state.
    Conflict(String),
    /// A body or a file over its size limit; the message says the limit.
    TooLarge(String),
    /// Over a rate limit; the message says when to try again.
    TooManyRequests(String),
    Unavailable,
    Internal,
    /// The request never reached the function (network, encoding).
    Transport(String),
}

/// The message a person reads, in the language of the request being answered (Chinese
/// outside a request). The fixed messages live in the locale files (`error.*`).
impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::i18n::{tr, tr_args};
        let text = match self {
            AppError::BadRequest(m)
            | AppError::Conflict(m)
            | AppError::TooLarge(m)
            | AppError::TooManyRequests(m)
            | AppError::Refused(m) => m.clone(),
            AppError::Transport(_) => tr("error.transport"),
            AppError::NotFound(what) => tr_args("error.not_found", &[("what", what.clone())]),
            AppError::Unauthorized => tr("error.unauthorized"),
            AppError::Forbidden => tr("error.forbidden"),
            AppError::Unavailable => tr("error.unavailable"),
            AppError::Internal => tr("error.internal"),
        };
        f.write_str(&text)
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

    pub fn bad(msg: impl Into<String>) -> Self {
        AppError::BadRequest(msg.into())
    }
}

#[derive(Serialize, Deserialize)]
struct Wire {
    error: String,
    message: String,
}

impl Serialize for AppError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Wire {
            error: self.code().into(),
            message: self.to_string(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for AppError {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = Wire::deserialize(d)?;
        Ok(match w.error.as_str() {
            "bad_request" => AppError::BadRequest(w.message),
            "unauthorized" => AppError::Unauthorized,
            "forbidden" => AppError::Forbidden,
            "refused" => AppError::Refused(w.message),
            "not_found" => AppError::NotFound(
                w.message
                    .trim_start_matches("未找到")
                    .trim_start_matches("Not found: ")
                    .to_string(),
            ),
            "conflict" => AppError::Conflict(w.message),
            "too_large" => AppError::TooLarge(w.message),
            "too_many_requests" => AppError::TooManyRequests(w.message),
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
            | ServerFnErrorErr::MissingArg(m) => AppError::BadRequest(crate::i18n::tr_args(
                "msg.error.m2",
                &[("m", m.to_string())],
            )),
            // The request never arrived or its answer could not be read (in the browser).
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Response(m) => AppError::Transport(m),
            ServerFnErrorErr::UnsupportedRequestMethod(m) => AppError::BadRequest(m),
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
                        crate::util::url_encode(&crate::i18n::encode_banner(
                            &e.to_string(),
                            e.status()
                        ))
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
                sqlx::Error::RowNotFound => AppError::NotFound(crate::i18n::tr("msg.error.m1")),
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
        let all = [
            AppError::bad("纬度超出范围"),
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::Refused("请先由社区核验志愿者身份".into()),
            AppError::NotFound("驿站".into()),
            AppError::Conflict("该时段已约满".into()),
            AppError::TooLarge("照片不能超过5MB".into()),
            AppError::TooManyRequests("操作太频繁，请稍后再试".into()),
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
        }
    }

    #[test]
    fn errors_round_trip_as_code_and_message() {
        for e in [
            AppError::NotFound("驿站".into()),
            AppError::Forbidden,
            AppError::bad("坏"),
        ] {
            let json = serde_json::to_value(&e).unwrap();
            assert_eq!(json["error"], e.code());
            assert_eq!(json["message"], e.to_string());
            assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), e);
        }
    }

    #[test]
    fn internal_never_shows_detail() {
        assert_eq!(AppError::Internal.to_string(), "服务器开小差了，请稍后再试");
    }
}
