//! The open API (`/api/v1`): the stations as GeoJSON per RFC 7946 (`[lng, lat]` in WGS-84) and
//! the nearest ones, the catalogue and its search, and the OpenAPI description. Bad parameters
//! get 400 with a message in the reader's language; nothing here needs a session.

use app::error::AppError;
use app::message::Msg;
use app::state::AppState;
use app::stations::hours::model::parse_at;
use app::stations::model::{NearbyQuery, OpenStatus, Station};
use app::time::now_local;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDateTime;
use serde_json::{json, Value};

fn pairs(raw: &Option<String>) -> Vec<(String, String)> {
    raw.as_deref()
        .map(app::util::parse_query)
        .unwrap_or_default()
}

/// The filters and the evaluation time from the query string.
fn parse(raw: &Option<String>, known: &[&str]) -> Result<(NearbyQuery, NaiveDateTime), AppError> {
    let pairs = pairs(raw);
    if let Some((k, _)) = pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        return Err(AppError::bad(Msg::new("error.unknown_param").arg("k", k)));
    }
    let get = |k: &str| {
        pairs
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let at = match get("at").into_iter().next() {
        Some(v) => parse_at(&v).map_err(AppError::BadRequest)?,
        None => now_local(),
    };
    let q = NearbyQuery::parse(get).map_err(AppError::BadRequest)?;
    Ok((q, at))
}

/// A station as a GeoJSON Feature, written straight from the station (no intermediate
/// `serde_json::Value`: building one, a sorted map per object and a copy of every string,
/// was a tenth of the nearest query's time).
#[derive(serde::Serialize)]
struct Feature<'a> {
    r#type: &'static str,
    id: i64,
    geometry: Geometry,
    properties: Properties<'a>,
}

#[derive(serde::Serialize)]
struct Geometry {
    r#type: &'static str,
    /// `[lng, lat]`, WGS-84 (RFC 7946).
    coordinates: [f64; 2],
}

#[derive(serde::Serialize)]
struct Properties<'a> {
    id: i64,
    kind: &'static str,
    name: &'a str,
    address: &'a str,
    community: &'a str,
    street: &'a str,
    amenities: Vec<&'static str>,
    opening_hours: &'a str,
    open_now: Option<bool>,
    next_change: Option<&'a str>,
    phone: &'a str,
    wheelchair: bool,
    verified_on: &'a str,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    distance_m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    walk_minutes: Option<u32>,
}

fn feature<'a>(
    s: &'a Station,
    status: Option<&'a OpenStatus>,
    extra: Option<(f64, u32)>,
) -> Feature<'a> {
    Feature {
        r#type: "Feature",
        id: s.id,
        geometry: Geometry {
            r#type: "Point",
            coordinates: [s.lng, s.lat],
        },
        properties: Properties {
            id: s.id,
            kind: s.kind.code(),
            name: &s.name,
            address: &s.address,
            community: &s.community,
            street: &s.street,
            amenities: s.amenities.iter().map(|a| a.code()).collect(),
            opening_hours: &s.opening_hours,
            open_now: status.map(|st| st.open),
            next_change: status.and_then(|st| st.next_change.as_deref()),
            phone: &s.phone,
            wheelchair: s.wheelchair(),
            verified_on: &s.verified_on,
            url: format!("/station/{}", s.id),
            distance_m: extra.map(|(d, _)| d),
            walk_minutes: extra.map(|(_, w)| w),
        },
    }
}

#[derive(serde::Serialize)]
struct Collection<'a> {
    r#type: &'static str,
    features: Vec<Feature<'a>>,
}

fn collection(features: Vec<Feature<'_>>) -> Response {
    let body = Collection {
        r#type: "FeatureCollection",
        features,
    };
    (
        [(http::header::CONTENT_TYPE, "application/geo+json")],
        Json(body),
    )
        .into_response()
}

/// `GET /api/v1/stations?kind=&amenity=&open_now=&at=`: every station that passes.
pub async fn stations(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    // lat/lng/limit are accepted (the map page links here with its own query) and ignored.
    let (q, at) = parse(
        &raw,
        &["kind", "amenity", "open_now", "at", "lat", "lng", "limit"],
    )?;
    let set = state.stations().await?;
    let passed = set.filtered(&q, at);
    let features = passed
        .iter()
        .map(|(i, st)| feature(&set.stations[*i], st.as_ref(), None))
        .collect();
    Ok(collection(features))
}

/// `GET /api/v1/stations/nearest?lat=&lng=&limit=&kind=&amenity=&open_now=&at=`.
pub async fn nearest(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let (q, at) = parse(
        &raw,
        &["lat", "lng", "limit", "kind", "amenity", "open_now", "at"],
    )?;
    let from = q
        .point
        .ok_or_else(|| AppError::bad(Msg::new("stations.need_point")))?;
    let set = state.stations().await?;
    let found = set.nearest(from, &q, at);
    let features = found
        .iter()
        .map(|n| {
            feature(
                &n.station,
                n.status.as_ref(),
                Some((n.distance_m, n.walk_minutes)),
            )
        })
        .collect();
    Ok(collection(features))
}

/// `GET /api/v1/stations/offline`: what the rider page keeps for use without a network
/// (`public/rider-offline.js`, kept by `public/sw.js`): every outdoor rest point whose
/// hours are known, with its amenities (codes and names in the reader's language), its
/// Amap link and its opening spans as Unix seconds for the 7 days from today's local
/// midnight, so that the page can say "open now" and "closes at" by itself.
pub async fn offline(State(state): State<AppState>) -> Result<Response, AppError> {
    let set = state.stations().await?;
    let data = set.offline(app::time::today_local());
    let stations: Vec<Value> = data
        .stations
        .iter()
        .filter_map(|(i, spans)| {
            let s = set.stations.get(*i)?;
            Some(json!({
                "id": s.id,
                "name": s.name,
                "lat": s.lat,
                "lng": s.lng,
                "amenities": s.amenities.iter().map(|a| a.code()).collect::<Vec<_>>(),
                "amenity_names": s.amenities.iter().map(|a| app::i18n::tr(a.label_key())).collect::<Vec<_>>(),
                "amap": app::stations::views::NavLinks::for_station(s.lat, s.lng, &s.name).amap,
                "open": spans,
            }))
        })
        .collect();
    let body = json!({
        "generated_ts": app::time::now_ts(),
        "from_ts": app::time::local_ts(data.from, 0),
        "until_ts": app::time::local_ts(data.from + chrono::Duration::days(i64::from(data.days)), 0),
        "days": data.days,
        "stations": stations,
    });
    Ok(Json(body).into_response())
}

/// `GET /api/v1/stations/{id}`.
pub async fn station(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let id: i64 = id
        .parse()
        .map_err(|_| AppError::bad(Msg::new("stations.bad_id").arg("id", &id)))?;
    let (_, at) = parse(&raw, &["at"])?;
    let set = state.stations().await?;
    let i = set
        .position(id)
        .ok_or_else(|| AppError::NotFound(Msg::new("stations.what_station")))?;
    let status = set.status(i, at);
    let f = feature(&set.stations[i], status.as_ref(), None);
    Ok((
        [(http::header::CONTENT_TYPE, "application/geo+json")],
        Json(f),
    )
        .into_response())
}

/// `GET /api/v1/catalogue`: the categories with their items' full guides.
pub async fn catalogue(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    let c = state.catalogue().await?;
    let cats: Vec<Value> = c
        .categories
        .iter()
        .map(|cat| {
            let items: Vec<Value> = c
                .items
                .iter()
                .filter(|i| i.category == cat.code)
                .map(|i| {
                    let mut v = serde_json::to_value(&i.item).unwrap_or(Value::Null);
                    v["version"] = json!(i.version);
                    v["updated_at"] = json!(chrono::DateTime::from_timestamp(i.updated_at, 0).map(|t| t.to_rfc3339()));
                    v
                })
                .collect();
            json!({ "code": cat.code, "name": cat.name, "name_en": cat.name_en, "summary": cat.summary, "items": items })
        })
        .collect();
    Ok(Json(json!({ "categories": cats })))
}

/// `GET /api/v1/catalogue/search?q=`: matching items, best first.
pub async fn catalogue_search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, AppError> {
    let pairs = pairs(&raw);
    if let Some((k, _)) = pairs.iter().find(|(k, _)| k != "q") {
        return Err(AppError::bad(Msg::new("error.unknown_param").arg("k", k)));
    }
    let q = pairs
        .into_iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v)
        .unwrap_or_default();
    if q.trim().is_empty() {
        return Err(AppError::bad(Msg::new("services.query_required")));
    }
    if q.chars().count() > 50 {
        return Err(AppError::bad(Msg::new("guide.search_too_long")));
    }
    let c = state.catalogue().await?;
    Ok(Json(json!({ "q": q, "items": c.search(&q) })))
}

/// `GET /api/v1/openapi.json`: the OpenAPI 3.1 description of this API.
pub async fn openapi() -> Json<Value> {
    let filters = json!([
        { "name": "kind", "in": "query", "description": "阵地类型，逗号分隔或重复：center, red_station, outdoor, plaza",
          "schema": { "type": "string" } },
        { "name": "amenity", "in": "query", "description": "须全部具备的设施：water, charging, microwave, toilet, seats, first_aid, umbrella, repair_tools, wifi, wheelchair",
          "schema": { "type": "string" } },
        { "name": "open_now", "in": "query", "description": "只要营业中的（按 at 时刻判断）", "schema": { "type": "boolean" } },
        { "name": "at", "in": "query", "description": "判断营业状态的时刻，RFC 3339；默认当前（Asia/Shanghai）",
          "schema": { "type": "string", "format": "date-time" } }
    ]);
    let mut nearest_params = filters.as_array().cloned().unwrap_or_default();
    nearest_params.extend([
        json!({ "name": "lat", "in": "query", "required": true, "description": "WGS-84 纬度", "schema": { "type": "number", "minimum": -90, "maximum": 90 } }),
        json!({ "name": "lng", "in": "query", "required": true, "description": "WGS-84 经度", "schema": { "type": "number", "minimum": -180, "maximum": 180 } }),
        json!({ "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 10 } }),
    ]);
    let error = json!({ "description": "参数有误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let fc = json!({ "description": "GeoJSON FeatureCollection (RFC 7946)", "content": { "application/geo+json": { "schema": { "$ref": "#/components/schemas/FeatureCollection" } } } });
    Json(json!({
        "openapi": "3.1.0",
        "info": { "title": "邻里 Linli 开放站点接口", "version": "1.0.0",
                  "description": "党群服务中心、红色驿站、户外劳动者服务站点、党建广场。坐标为 WGS-84，GeoJSON 顺序 [经度, 纬度]。" },
        "paths": {
            "/api/v1/stations": { "get": { "summary": "全部站点（可筛选）", "parameters": filters, "responses": { "200": fc, "400": error } } },
            "/api/v1/stations/nearest": { "get": { "summary": "最近的站点，按距离排序", "parameters": nearest_params,
                "responses": { "200": fc, "400": error } } },
            "/api/v1/stations/offline": { "get": { "summary": "骑手页离线数据：户外劳动者服务站点及今后 7 天的营业时段",
                "responses": { "200": { "description": "stations[].open 为 [开始, 结束) 的 Unix 秒区间；generated_ts、from_ts、until_ts 亦为 Unix 秒",
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Offline" } } } } } } },
            "/api/v1/catalogue": { "get": { "summary": "办事事项目录：7大类42项及完整办事指南",
                "responses": { "200": { "description": "categories[].items[] 为完整办事指南（含 version、updated_at）" } } } },
            "/api/v1/catalogue/search": { "get": { "summary": "搜索办事事项（中文、全拼、首字母、俗称）",
                "parameters": [ { "name": "q", "in": "query", "required": true, "schema": { "type": "string", "maxLength": 50 } } ],
                "responses": { "200": { "description": "items：按相关度排序的事项摘要" }, "400": error } } },
            "/api/v1/stations/{id}": { "get": { "summary": "单个站点",
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
                                { "name": "at", "in": "query", "schema": { "type": "string", "format": "date-time" } } ],
                "responses": { "200": { "description": "GeoJSON Feature", "content": { "application/geo+json": { "schema": { "$ref": "#/components/schemas/Feature" } } } },
                               "400": error, "404": error } } }
        },
        "components": { "schemas": {
            "Error": { "type": "object", "required": ["error", "message"],
                       "properties": { "error": { "type": "string" }, "message": { "type": "string", "description": "中文说明" } } },
            "Feature": { "type": "object", "required": ["type", "geometry", "properties"], "properties": {
                "type": { "const": "Feature" },
                "geometry": { "type": "object", "properties": { "type": { "const": "Point" },
                    "coordinates": { "type": "array", "items": { "type": "number" }, "minItems": 2, "maxItems": 2 } } },
                "properties": { "type": "object", "required": ["id", "kind", "name", "address", "amenities", "opening_hours", "open_now"],
                    "properties": {
                        "id": { "type": "integer" }, "kind": { "type": "string" }, "name": { "type": "string" },
                        "address": { "type": "string" }, "amenities": { "type": "array", "items": { "type": "string" } },
                        "opening_hours": { "type": "string", "description": "OpenStreetMap opening_hours" },
                        "open_now": { "type": ["boolean", "null"] }, "next_change": { "type": ["string", "null"], "format": "date-time" },
                        "distance_m": { "type": "number" }, "walk_minutes": { "type": "integer" } } } } },
            "Offline": { "type": "object", "required": ["generated_ts", "from_ts", "until_ts", "days", "stations"], "properties": {
                "generated_ts": { "type": "integer" }, "from_ts": { "type": "integer" }, "until_ts": { "type": "integer" },
                "days": { "type": "integer", "const": app::stations::service::OFFLINE_DAYS },
                "stations": { "type": "array", "items": { "type": "object",
                    "required": ["id", "name", "lat", "lng", "amenities", "amenity_names", "amap", "open"], "properties": {
                        "id": { "type": "integer" }, "name": { "type": "string" },
                        "lat": { "type": "number", "description": "WGS-84" }, "lng": { "type": "number", "description": "WGS-84" },
                        "amenities": { "type": "array", "items": { "type": "string" } },
                        "amenity_names": { "type": "array", "items": { "type": "string" } },
                        "amap": { "type": "string", "description": "高德导航链接（GCJ-02）" },
                        "open": { "type": "array", "items": { "type": "array", "items": { "type": "integer" }, "minItems": 2, "maxItems": 2 } } } } } } },
            "FeatureCollection": { "type": "object", "properties": { "type": { "const": "FeatureCollection" },
                "features": { "type": "array", "items": { "$ref": "#/components/schemas/Feature" } } } }
        } }
    }))
}
