//! A city's own data in and out, as files: the import upload (multipart, admins only;
//! it is kept and previewed, never applied here), the exports of every station (CSV in
//! UTF-8 or GBK, GeoJSON; coordinates in the datum asked for) and the CSV template.
//! Plain handlers because their bodies are files; the preview and the apply are server
//! functions (`app::stations::transfer::api`).

use app::error::AppError;
use app::message::Msg;
use app::state::AppState;
use app::stations::transfer::model::{Datum, Encoding};
use axum::extract::{Multipart, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderMap, HeaderValue};

/// The upload's body: the file and two small fields.
pub const MAX_UPLOAD_BYTES: usize = app::stations::transfer::service::MAX_IMPORT_BYTES + 64 * 1024;

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|s| s.contains("text/html"))
}

/// `POST /admin/import/upload`: keeps the file and sends the admin to its preview
/// (`/admin/import/{id}`); a JSON caller gets `{"id": …}`.
pub async fn upload(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    use axum::extract::FromRequest;
    let headers = req.headers().clone();
    let r: Result<i64, AppError> = async {
        // The session first: nobody else's body is read.
        let user = app::accounts::session::user_from_headers(&state, &headers)
            .await?
            .ok_or(AppError::Unauthorized)?;
        if !user.is_admin() {
            return Err(AppError::Forbidden);
        }
        let bad = || AppError::bad(Msg::new("transfer.bad_upload"));
        let mut mp = Multipart::from_request(req, &state)
            .await
            .map_err(|_| bad())?;
        let (mut file, mut name) = (None, String::new());
        let (mut encoding, mut datum) = (Encoding::Auto, Datum::Wgs84);
        while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
            match field.name().unwrap_or_default() {
                "encoding" => {
                    let v = field.text().await.map_err(|_| bad())?;
                    encoding = Encoding::parse(&v)
                        .ok_or_else(|| AppError::bad(Msg::new("transfer.bad_encoding")))?;
                }
                "datum" => {
                    let v = field.text().await.map_err(|_| bad())?;
                    // The form starts at "请选择": a guessed datum would shift every
                    // point by hundreds of metres without a word.
                    if v.trim().is_empty() {
                        return Err(AppError::bad(Msg::new("transfer.datum_required")));
                    }
                    datum = Datum::parse(&v)
                        .ok_or_else(|| AppError::bad(Msg::new("transfer.bad_datum")))?;
                }
                "file" => {
                    name = field.file_name().unwrap_or("import.csv").to_string();
                    let bytes = field
                        .bytes()
                        .await
                        .map_err(|_| AppError::TooLarge(Msg::new("transfer.too_large")))?;
                    file = Some(bytes);
                }
                _ => {}
            }
        }
        let bytes = file.ok_or_else(|| AppError::bad(Msg::new("transfer.no_file")))?;
        let actor = app::audit::model::Actor {
            id: user.id,
            community_id: None,
        };
        app::stations::transfer::service::upload_import(
            &state.db,
            actor,
            &name,
            &bytes,
            encoding,
            datum,
            app::time::now_ts(),
        )
        .await
    }
    .await;
    match (r, wants_html(&headers)) {
        (Ok(id), true) => Redirect::to(&format!("/admin/import/{id}")).into_response(),
        (Ok(id), false) => axum::Json(serde_json::json!({ "id": id })).into_response(),
        (Err(e), true) => Redirect::to(&format!(
            "/admin/import?err={}",
            app::util::url_encode(&e.banner())
        ))
        .into_response(),
        (Err(e), false) => e.into_response(),
    }
}

/// The export's options from the query: `datum` (wgs84, gcj02, bd09) and `encoding`
/// (utf8 or gbk; CSV only).
fn options(raw: &Option<String>) -> Result<(Datum, bool), AppError> {
    let pairs = raw
        .as_deref()
        .map(app::util::parse_query)
        .unwrap_or_default();
    let mut datum = Datum::Wgs84;
    let mut gbk = false;
    for (k, v) in pairs {
        match k.as_str() {
            "datum" => {
                datum =
                    Datum::parse(&v).ok_or_else(|| AppError::bad(Msg::new("transfer.bad_datum")))?
            }
            "encoding" => {
                gbk = match Encoding::parse(&v) {
                    Some(Encoding::Gbk) => true,
                    Some(_) => false,
                    None => return Err(AppError::bad(Msg::new("transfer.bad_encoding"))),
                }
            }
            other => {
                return Err(AppError::bad(
                    Msg::new("transfer.unknown_param").arg("k", other),
                ))
            }
        }
    }
    Ok((datum, gbk))
}

fn file(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `GET /api/v1/export/stations.csv?encoding=gbk&datum=gcj02`.
pub async fn export_csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let (datum, gbk) = options(&raw)?;
    let stations = app::stations::transfer::service::stations_with_external_ids(&state.db).await?;
    let bytes = app::stations::transfer::model::to_csv(&stations, datum, gbk)
        .map_err(AppError::internal)?;
    let ct = if gbk {
        "text/csv; charset=gb18030"
    } else {
        "text/csv; charset=utf-8"
    };
    Ok(file(bytes, ct, "linli-stations.csv"))
}

/// `GET /api/v1/export/stations.geojson?datum=…`.
pub async fn export_geojson(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let (datum, _) = options(&raw)?;
    let stations = app::stations::transfer::service::stations_with_external_ids(&state.db).await?;
    let v = app::stations::transfer::model::to_geojson(&stations, datum);
    Ok(file(
        v.to_string().into_bytes(),
        "application/geo+json",
        "linli-stations.geojson",
    ))
}

/// `GET /api/v1/import/template.csv?encoding=gbk`: the header row and one example.
pub async fn template(RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let (_, gbk) = options(&raw)?;
    let bytes = app::stations::transfer::model::template(gbk).map_err(AppError::internal)?;
    Ok(file(bytes, "text/csv", "linli-template.csv"))
}
