//! Fulfilment photos: `POST /api/wishes/fulfil` (multipart: `id`, `note`, optional
//! `photo`) marks a claimed wish done, and `GET /wishes/{id}/photo` shows the photo to
//! the poster, the claimant and the staff of the wish's community — to no one else.
//!
//! A plain handler rather than a server function because its body is a file. It keeps
//! the server functions' contract: JSON `null` or `{"error","message"}` with the status
//! for API callers; for a plain HTML form, a redirect to the wish (or back with `?err=`).

use app::error::AppError;
use app::message::Msg;
use app::state::AppState;
use app::wishes::model::{check_fulfil_note, check_photo, PhotoKind, MAX_PHOTO_BYTES};
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderMap};

/// The multipart body may carry the photo and a little more (the note, the boundaries).
pub const MAX_UPLOAD_BYTES: usize = MAX_PHOTO_BYTES + 64 * 1024;
pub use app::wishes::api::FULFIL_PATH;

/// The fulfilment form, read after the session and the wish were checked: the photo
/// (if any) is already staged in the database.
struct Upload {
    id: Option<i64>,
    note: String,
    photo: Option<(i64, app::wishes::model::PhotoKind)>,
}

/// Reads the multipart form in order (`id`, `note`, then `photo`), streaming the photo
/// into a staged row as it arrives. Before a byte of the photo is read, the wish must
/// exist and be the caller's claimed wish.
async fn read_form(
    state: &AppState,
    user: &app::accounts::model::CurrentUser,
    mp: &mut Multipart,
) -> Result<Upload, AppError> {
    let bad = |_| AppError::bad(Msg::new("wishes.photo_bad_upload"));
    let too_large = || AppError::TooLarge(Msg::new("wishes.photo_upload_too_large"));
    let mut up = Upload {
        id: None,
        note: String::new(),
        photo: None,
    };
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "id" => up.id = field.text().await.map_err(bad)?.trim().parse().ok(),
            "note" => {
                let text = field.text().await.map_err(bad)?;
                up.note = text.chars().take(1_000).collect();
            }
            "photo" => {
                let id = up
                    .id
                    .ok_or_else(|| AppError::bad(Msg::new("wishes.photo_no_wish")))?;
                app::wishes::service::check_fulfillable(&state.db, user, id).await?;
                // The first bytes tell the type; nothing is stored before they do.
                let mut head: Vec<u8> = Vec::new();
                let mut staged: Option<(app::wishes::service::Staging, PhotoKind)> = None;
                let result: Result<(), AppError> = async {
                    while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
                        let so_far = head.len() + staged.as_ref().map_or(0, |(s, _)| s.len());
                        if so_far + chunk.len() > MAX_PHOTO_BYTES {
                            return Err(too_large());
                        }
                        match staged.as_mut() {
                            Some((s, _)) => s.push(&state.db, &chunk).await?,
                            None => {
                                head.extend_from_slice(&chunk);
                                if head.len() >= 12 {
                                    staged = Some(stage(state, user.id, &head).await?);
                                    head.clear();
                                }
                            }
                        }
                    }
                    // A photo shorter than 12 bytes is checked (and refused) here.
                    if staged.is_none() && !head.is_empty() {
                        staged = Some(stage(state, user.id, &head).await?);
                    }
                    Ok(())
                }
                .await;
                match (result, staged) {
                    (Err(e), Some((s, _))) => {
                        let _ = app::wishes::service::discard_photo(&state.db, s.id).await;
                        return Err(e);
                    }
                    (Err(e), None) => return Err(e),
                    (Ok(()), Some((s, kind))) => {
                        up.photo = Some((s.finish(&state.db, kind).await?, kind));
                    }
                    (Ok(()), None) => {}
                }
            }
            _ => {}
        }
    }
    Ok(up)
}
/// Checks the first bytes and starts a staged photo with them.
async fn stage(
    state: &AppState,
    user: i64,
    head: &[u8],
) -> Result<(app::wishes::service::Staging, PhotoKind), AppError> {
    let kind = check_photo(head).map_err(AppError::BadRequest)?;
    let mut s = app::wishes::service::stage_photo(&state.db, user, app::time::now_ts()).await?;
    s.push(&state.db, head).await?;
    Ok((s, kind))
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| s.contains("text/html"))
}

/// A refused request whose declared body is at most this big is read to its end (and
/// thrown away) before the answer, so that the client, still sending, gets the answer
/// rather than a reset connection. A bigger one is answered at once, unread.
const DRAIN_LIMIT: u64 = 256 * 1024;

pub async fn fulfil(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    use axum::extract::FromRequest;
    let headers = req.headers().clone();
    let small = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n <= DRAIN_LIMIT);
    // The session first: a signed-out request is refused before its body is read.
    let r = match app::accounts::session::user_from_headers(&state, &headers).await {
        Ok(Some(user)) => match Multipart::from_request(req, &state).await {
            Ok(mut mp) => {
                let r = match read_form(&state, &user, &mut mp).await {
                    Ok(f) => {
                        let id = f.id;
                        (id, fulfil_inner(&state, &user, f).await)
                    }
                    Err(e) => (None, Err(e)),
                };
                if r.1.is_err() && small {
                    while let Ok(Some(mut field)) = mp.next_field().await {
                        while let Ok(Some(_)) = field.chunk().await {}
                    }
                }
                r
            }
            Err(_) => (
                None,
                Err(AppError::bad(Msg::new("wishes.photo_bad_upload"))),
            ),
        },
        other => {
            if small {
                use http_body_util::BodyExt;
                let limited = http_body_util::Limited::new(req.into_body(), DRAIN_LIMIT as usize);
                let _ = limited.collect().await;
            }
            (None, other.and(Err(AppError::Unauthorized)))
        }
    };
    let (id, r) = r;
    let page = id.map_or("/wishes".to_string(), |id| format!("/wishes/{id}"));
    match (r, wants_html(&headers)) {
        (Ok(()), true) => Redirect::to(&format!("{page}?ok=1")).into_response(),
        (Ok(()), false) => axum::Json(serde_json::Value::Null).into_response(),
        (Err(e), true) => Redirect::to(&format!(
            "{page}?err={}",
            app::util::url_encode(&e.banner())
        ))
        .into_response(),
        (Err(e), false) => e.into_response(),
    }
}

async fn fulfil_inner(
    state: &AppState,
    user: &app::accounts::model::CurrentUser,
    f: Upload,
) -> Result<(), AppError> {
    let id =
        f.id.ok_or_else(|| AppError::bad(Msg::new("wishes.photo_no_wish")))?;
    let note = f.note.trim().to_string();
    let photo = f.photo.map(|(p, _)| p);
    let checked = check_fulfil_note(&note).map_err(AppError::BadRequest);
    let r = match checked {
        Ok(()) => {
            app::wishes::service::act(
                &state.db,
                user,
                id,
                app::wishes::model::WishAction::Fulfil,
                app::wishes::service::StepInput {
                    note: &note,
                    for_team: false,
                    photo,
                },
                app::time::now_ts(),
                state.config.claim_days,
            )
            .await
        }
        Err(e) => Err(e),
    };
    if r.is_err() {
        if let Some(p) = photo {
            let _ = app::wishes::service::discard_photo(&state.db, p).await;
        }
    }
    r
}

/// The photo, for those who may see it; 404 for everyone else (whether a wish has a
/// photo is itself private).
pub async fn photo(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound(Msg::new("wishes.what_photo"));
    let user = app::accounts::session::user_from_headers(&state, &headers)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let (photo, kind, bytes) = app::wishes::service::viewable_photo(&state.db, &user, id)
        .await?
        .ok_or_else(not_found)?;
    // Streamed chunk by chunk from the database: a server holds one chunk at a time.
    let db = state.db.clone();
    let stream = futures_util::stream::unfold(Some(0_i64), move |seq| {
        let db = db.clone();
        async move {
            let n = seq?;
            match app::wishes::service::photo_chunk(&db, photo, n).await {
                Ok(Some(data)) => Some((Ok::<_, std::io::Error>(data), Some(n + 1))),
                Ok(None) => None,
                Err(e) => Some((Err(std::io::Error::other(e)), None)),
            }
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, kind.mime().to_string()),
            (header::CONTENT_LENGTH, bytes.to_string()),
            // Private to three people: never kept by a shared or a browser cache.
            (header::CACHE_CONTROL, "private, no-store".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_string(),
            ),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}
