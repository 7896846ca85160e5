//! The back office's downloads that are files, not pages: the audit trail as CSV
//! (`POST /api/v1/audit.csv`, the same filters as `/admin/audit`; admins any community, staff
//! their own), the dashboard's tables (`app::dashboard`) and the coverage
//! (`app::stations::coverage`). The audit export is itself put on record, hence a POST; the
//! other two are GETs and write nothing.

use app::audit::api::{trail_line, TrailQuery, TRAIL_EXPORT_MAX};
use app::error::AppError;
use app::message::Msg;
use app::state::AppState;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue};

/// A CSV answer offered as a download. Every one of them (the audit trail, coverage,
/// the dashboard's tables) is for staff only: never kept by a browser or a proxy,
/// whatever the path's default caching.
pub fn csv_file(bytes: Vec<u8>, name: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// The signed-in staff member or admin making a download.
pub async fn staff_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<app::accounts::model::CurrentUser, AppError> {
    let user = app::accounts::session::user_from_headers(state, headers)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !user.is_staff() {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// `POST /api/v1/audit.csv` with the trail's filters as a form (`who`, `what`,
/// `community`, `from`, `to`). A POST because the export is itself put on record, and a
/// GET never writes.
pub async fn audit_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> Result<Response, AppError> {
    let user = staff_of(&state, &headers).await?;
    let pairs = app::util::parse_query(&body);
    let get = |k: &str| app::util::query_value(&pairs, k).filter(|v| !v.trim().is_empty());
    let num = |k: &str| -> Result<Option<i64>, AppError> {
        get(k)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| AppError::bad(Msg::new("banner.bad")))
            })
            .transpose()
    };
    let q = TrailQuery {
        who: num("who")?,
        what: get("what"),
        community: num("community")?,
        from: get("from"),
        to: get("to"),
        page: None,
    };
    let filter = app::audit::service::filter_for(&user, &q)?;
    let rows = app::audit::service::export(
        &state.db,
        user.id,
        &filter,
        TRAIL_EXPORT_MAX,
        app::time::now_ts(),
    )
    .await?;
    let header: Vec<String> = [
        "audit.when",
        "audit.who_id",
        "audit.who",
        "audit.what",
        "audit.target",
        "common.community",
        "audit.change",
    ]
    .iter()
    .map(|k| app::i18n::tr(k))
    .collect();
    let lines: Vec<Vec<String>> = rows
        .into_iter()
        .map(trail_line)
        .map(|l| {
            let id = l.actor_id.map(|i| i.to_string()).unwrap_or_default();
            vec![l.at, id, l.actor, l.action, l.target, l.community, l.change]
        })
        .collect();
    let bytes = app::util::csv_bytes(&header, &lines).map_err(AppError::internal)?;
    Ok(csv_file(bytes, "linli-audit.csv"))
}

/// `GET /api/v1/coverage.csv`: every community's distance to the nearest station of
/// each kind and with each amenity, and whether it is within 10 minutes (staff and
/// admins).
/// The coverage map's markers (`?kind=`, as the page's): every community with a gap, for
/// staff and admins, in the reader's language. Kept by no one but the browser that
/// asked, for a minute (the coverage is computed once per day and station set).
pub async fn coverage_gaps(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    staff_of(&state, &headers).await?;
    let pairs = query
        .as_deref()
        .map(app::util::parse_query)
        .unwrap_or_default();
    let kind = app::util::query_value(&pairs, "kind");
    let view = app::stations::coverage::api::coverage_view(&state, kind.as_deref()).await?;
    let body = app::stations::coverage::api::gap_markers(&view)?;
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=60"),
    );
    h.insert(header::VARY, HeaderValue::from_static("cookie"));
    Ok(r)
}

pub async fn coverage_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    use app::stations::model::{Amenity, StationKind};
    staff_of(&state, &headers).await?;
    let set = state.stations().await?;
    let today = app::time::today_local();
    let c = set.daily(today, |s| {
        app::stations::coverage::service::compute(s, today)
    });
    let mut header = vec![
        app::i18n::tr("common.street"),
        app::i18n::tr("common.community"),
        app::i18n::tr("common.lng"),
        app::i18n::tr("common.lat"),
    ];
    header.extend(
        StationKind::ALL
            .iter()
            .map(|k| app::i18n::tr(k.label_key())),
    );
    header.extend(Amenity::ALL.iter().map(|a| app::i18n::tr(a.label_key())));
    header.push(app::i18n::tr("coverage.gaps_col"));
    let metres = |d: &Option<f64>| d.map(|d| format!("{d:.0}")).unwrap_or_default();
    let rows: Vec<Vec<String>> = c
        .communities
        .iter()
        .map(|cc| {
            let mut r = vec![
                cc.street.clone(),
                cc.name.clone(),
                format!("{:.6}", cc.lng),
                format!("{:.6}", cc.lat),
            ];
            r.extend(cc.by_kind.iter().map(metres));
            r.extend(cc.by_amenity.iter().map(metres));
            r.push(
                cc.gaps()
                    .iter()
                    .map(|k| app::i18n::tr(k.label_key()))
                    .collect::<Vec<_>>()
                    .join("、"),
            );
            r
        })
        .collect();
    let bytes = app::util::csv_bytes(&header, &rows).map_err(AppError::internal)?;
    Ok(csv_file(bytes, "linli-coverage.csv"))
}

/// `GET /api/v1/dashboard/{table}.csv?from=&to=&community=`: one of the dashboard's
/// tables (staff their own community, admins any).
pub async fn dashboard_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path(file): axum::extract::Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let user = staff_of(&state, &headers).await?;
    let name = file.strip_suffix(".csv").unwrap_or(&file).to_string();
    if !app::dashboard::model::TABLES.contains(&name.as_str()) {
        return Err(AppError::NotFound(Msg::new("dashboard.unknown_table")));
    }
    let pairs = raw
        .as_deref()
        .map(app::util::parse_query)
        .unwrap_or_default();
    let get = |k: &str| app::util::query_value(&pairs, k).filter(|v| !v.trim().is_empty());
    let community = get("community")
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| AppError::bad(Msg::new("banner.bad")))
        })
        .transpose()?;
    let range = app::dashboard::api::resolve(
        &user,
        get("from").as_deref(),
        get("to").as_deref(),
        community,
    )?;
    let mut figures =
        app::dashboard::service::figures(&state.dashboard_cache, &state.db, &range).await?;
    app::dashboard::api::name_items(&state, &mut figures).await?;
    let mut rows = app::dashboard::api::table(&figures, &name)
        .ok_or_else(|| AppError::NotFound(Msg::new("dashboard.unknown_table")))?;
    let header = if rows.is_empty() {
        Vec::new()
    } else {
        rows.remove(0)
    };
    let bytes = app::util::csv_bytes(&header, &rows).map_err(AppError::internal)?;
    Ok(csv_file(bytes, &format!("linli-{name}.csv")))
}
