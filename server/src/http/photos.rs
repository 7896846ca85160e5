//! Fulfilment photos: `POST /api/wishes/fulfil` (multipart: `id`, `note`, optional
//! `photo`) marks a claimed wish done, and `GET /wishes/{id}/photo` shows the photo to
//! the poster, the claimant and the staff of the wish's community — to no one else.
//!
//! A plain handler rather than a server function because its body is a file. It keeps
//! the server functions' contract: JSON `null` or `{"error","message"}` with the status
//! for API callers; for a plain HTML form, a redirect to the wish (or back with `?err=`).

use app::error::AppError;
use app::state::AppState;
use app::wishes::model::{check_fulfil_note, check_photo, MAX_PHOTO_BYTES};
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderMap};

/// The multipart body may carry the photo and a little more (the note, the boundaries).
pub const MAX_UPLOAD_BYTES: usize = MAX_PHOTO_BYTES + 64 * 1024;
pub use app::wishes::api::FULFIL_PATH;

struct Upload {
    id: Option<i64>,
    note: String,
    photo: Option<Vec<u8>>,
}

async fn read_form(mp: &mut Multipart) -> Result<Upload, AppError> {
    let bad = |_| AppError::bad(app::i18n::tr("msg.photos.bad_upload"));
    let mut up = Upload {
        id: None,
        note: String::new(),
        photo: None,
    };
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "id" => up.id = field.text().await.map_err(bad)?.trim().parse().ok(),
            "note" => up.note = field.text().await.map_err(bad)?,
            "photo" => {
                let mut buf = Vec::new();
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|_| AppError::TooLarge(app::i18n::tr("msg.photos.too_large")))?
                {
                    if buf.len() + chunk.len() > MAX_PHOTO_BYTES {
                        return Err(AppError::TooLarge(app::i18n::tr("msg.photos.too_large")));
                    }
                    buf.extend_from_slice(&chunk);
                }
                // A form with no file chosen still sends an empty part.
                if !buf.is_empty() {
                    up.photo = Some(buf);
                }
            }
            _ => {}
        }
    }
    Ok(up)
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| s.contains("text/html"))
}

pub async fn fulfil(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut mp: Multipart,
) -> Response {
    let form = read_form(&mut mp).await;
    let id = form.as_ref().ok().and_then(|f| f.id);
    let r = match form {
        Ok(f) => fulfil_inner(&state, &headers, f).await,
        Err(e) => Err(e),
    };
    let page = id.map_or("/wishes".to_string(), |id| format!("/wishes/{id}"));
    match (r, wants_html(&headers)) {
        (Ok(()), true) => Redirect::to(&format!("{page}?ok=1")).into_response(),
        (Ok(()), false) => axum::Json(serde_json::Value::Null).into_response(),
        (Err(e), true) => Redirect::to(&format!(
            "{page}?err={}",
            app::util::url_encode(&e.to_string())
        ))
        .into_response(),
        (Err(e), false) => e.into_response(),
    }
}

async fn fulfil_inner(state: &AppState, headers: &HeaderMap, f: Upload) -> Result<(), AppError> {
    let user = app::accounts::session::user_from_headers(state, headers)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let id =
        f.id.ok_or_else(|| AppError::bad(app::i18n::tr("msg.photos.no_wish")))?;
    let note = f.note.trim().to_string();
    check_fulfil_note(&note).map_err(AppError::BadRequest)?;
    let kind = f
        .photo
        .as_deref()
        .map(check_photo)
        .transpose()
        .map_err(AppError::BadRequest)?;
    let w = app::wishes::store::get(&state.db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(app::i18n::tr("msg.photos.wish")))?;
    // Cheap checks first, so a file is written only for a step that can succeed.
    if w.claimant_id != Some(user.id) {
        return Err(AppError::Forbidden);
    }
    app::wishes::model::next(w.status, app::wishes::model::WishAction::Fulfil)
        .map_err(AppError::Conflict)?;
    let now = app::time::now_ts();
    let fulfil = |photo| {
        app::wishes::service::act(
            &state.db,
            &user,
            id,
            app::wishes::model::WishAction::Fulfil,
            app::wishes::service::StepInput {
                note: &note,
                for_team: false,
                photo,
            },
            now,
            state.config.claim_days,
        )
    };
    let (Some(bytes), Some(kind)) = (f.photo, kind) else {
        return fulfil(None).await;
    };
    let dir = std::path::Path::new(&state.config.upload_dir);
    let saved = app::wishes::photo::save(dir, id, &bytes, kind)
        .await
        .map_err(AppError::internal)?;
    let photo = app::wishes::store::StoredPhoto {
        file: &saved.file,
        kind,
        bytes: bytes.len() as i64,
        sha256: &saved.sha256,
    };
    let r = fulfil(Some(&photo)).await;
    if r.is_err() {
        app::wishes::photo::remove(dir, &saved.file).await;
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
    let not_found = || AppError::NotFound(app::i18n::tr("msg.photos.photo"));
    let user = app::accounts::session::user_from_headers(&state, &headers)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let w = app::wishes::store::get(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    let roles = app::wishes::service::roles(Some(&user), &w);
    if !(roles.poster || roles.claimant || roles.staff) {
        return Err(not_found());
    }
    let (file, kind) = app::wishes::store::photo(&state.db, id)
        .await?
        .ok_or_else(not_found)?;
    let bytes = app::wishes::photo::read(std::path::Path::new(&state.config.upload_dir), &file)
        .await
        .map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, kind.mime()),
            // Private: never kept by a shared cache.
            (header::CACHE_CONTROL, "private, max-age=3600"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox",
            ),
        ],
        bytes,
    )
        .into_response())
}
