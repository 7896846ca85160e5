//! The one reply path of the server functions.
//!
//! Every server function ends in [`reply`]: API callers (scripts, islands) get JSON with
//! the right HTTP status (an error's own: 400, 401, 403, 404, 409, …); a plain HTML form
//! posted without JavaScript is redirected — on success to where the function says
//! (or back to the page, Leptos's default), on failure back to the form's page with the
//! message. A function called while a page renders (not through its own endpoint) leaves
//! the page's response alone.
//!
//! Arguments that cannot be decoded never reach a function body; the server's
//! `server_fn_status` layer gives those the 400 that `AppError::from_server_fn_error`
//! says they are (see `server/src/http/mod.rs`).

use crate::error::AppError;

/// Ends a server function: sets the status and, for a plain form, the redirect.
/// `back` is the form's page; `ok` names where a plain form goes on success (`None`:
/// back to the page it came from).
pub fn reply<T>(
    r: Result<T, AppError>,
    back: &str,
    ok: impl FnOnce(&T) -> Option<String>,
) -> Result<T, AppError> {
    let to = r.as_ref().ok().and_then(ok);
    AppError::form_result(r, to.as_deref(), back)
}

/// Ends a server function that only reads: no redirect on success; errors get their
/// status (and a plain form is sent back to `back` with the message).
pub fn read<T>(r: Result<T, AppError>, back: &str) -> Result<T, AppError> {
    AppError::form_result(r, None, back)
}

/// Ends a server function whose error is also the status of the page that renders it
/// (a station, guide, wish or booking that does not exist is a 404 page, not a 200 page
/// saying so). Through its own endpoint it answers like [`read`].
pub fn page<T>(r: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &r {
        e.set_response_status();
    }
    r
}
