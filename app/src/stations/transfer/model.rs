//! A city's stations in and out, with their streets and communities: CSV as Chinese
//! Excel saves it (UTF-8 with or without BOM, or GB18030/GBK) and GeoJSON. Pure: bytes
//! in, checked rows and every problem (row, column, reason in the reader's language)
//! out; nothing here writes. The service previews with it and applies the rows in one
//! transaction (see `stations::transfer::service`).
//!
//! Coordinates may be declared WGS-84, GCJ-02 (copied from Amap or Tencent) or BD-09
//! (Baidu) per file; they are stored in WGS-84, converted here with the same formulas
//! that draw them (`stations::coords`). Export writes WGS-84 unless asked otherwise,
//! and export → import gives back the same stations.

use crate::message::Msg;
use crate::stations::model::{Amenity, BBox, City, LatLng, Station, StationKind};
use serde::{Deserialize, Serialize};

/// The most rows one file may carry (a large city has a few thousand stations).
pub const MAX_ROWS: usize = 20_000;
/// The most problems listed (the rest are counted).
pub const MAX_PROBLEMS: usize = 500;

/// How the file's text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// UTF-8 if it decodes as such (with or without BOM), else GB18030.
    Auto,
    Utf8,
    /// GBK and its superset GB18030, what Chinese Excel saves as "CSV".
    Gbk,
}

impl Encoding {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "" | "auto" => Some(Encoding::Auto),
            "utf8" | "utf-8" => Some(Encoding::Utf8),
            "gbk" | "gb18030" | "gb2312" => Some(Encoding::Gbk),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "utf8",
            Encoding::Gbk => "gbk",
        }
    }
}

/// The coordinate system a file's longitudes and latitudes are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Datum {
    Wgs84,
    Gcj02,
    Bd09,
}

impl Datum {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "wgs84" | "wgs-84" => Some(Datum::Wgs84),
            "gcj02" | "gcj-02" => Some(Datum::Gcj02),
            "bd09" | "bd-09" => Some(Datum::Bd09),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Datum::Wgs84 => "wgs84",
            Datum::Gcj02 => "gcj02",
            Datum::Bd09 => "bd09",
        }
    }

    /// A point of this datum in WGS-84 `(lat, lng)`.
    pub fn to_wgs84(self, lat: f64, lng: f64) -> (f64, f64) {
        use crate::stations::coords::{bd09_to_gcj02, gcj02_to_wgs84};
        match self {
            Datum::Wgs84 => (lat, lng),
            Datum::Gcj02 => gcj02_to_wgs84(lat, lng),
            Datum::Bd09 => {
                let (a, b) = bd09_to_gcj02(lat, lng);
                gcj02_to_wgs84(a, b)
            }
        }
    }

    /// A WGS-84 point in this datum `(lat, lng)`.
    pub fn from_wgs84(self, lat: f64, lng: f64) -> (f64, f64) {
        use crate::stations::coords::{wgs84_to_bd09, wgs84_to_gcj02};
        match self {
            Datum::Wgs84 => (lat, lng),
            Datum::Gcj02 => wgs84_to_gcj02(lat, lng),
            Datum::Bd09 => wgs84_to_bd09(lat, lng),
        }
    }
}

/// The columns of the CSV, in order: (key in GeoJSON and the English header, Chinese
/// header, required).
pub const COLUMNS: [(&str, &str, bool); 13] = [
    ("external_id", "外部编号", true),
    ("kind", "类型", true),
    ("name", "名称", true),
    ("street", "街道", true),
    ("community", "社区", true),
    ("address", "地址", true),
    ("lng", "经度", true),
    ("lat", "纬度", true),
    ("opening_hours", "开放时间", true),
    ("phone", "电话", false),
    ("amenities", "设施", false),
    ("verified_on", "核实日期", false),
    ("follows_workdays", "调休日开放", false),
];

/// One station as the file gives it, checked, coordinates in WGS-84.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The file's row (the header is row 1, as Excel numbers them).
    pub row: usize,
    pub external_id: String,
    pub kind: StationKind,
    pub name: String,
    pub street: String,
    pub community: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub opening_hours: String,
    pub phone: String,
    pub amenities: Vec<Amenity>,
    pub verified_on: String,
    pub follows_workdays: bool,
}

pub use crate::stations::transfer::views::Problem;

/// A file read and checked: the rows that passed and every problem found.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Checked {
    pub rows: Vec<ImportRow>,
    pub problems: Vec<Problem>,
    /// Problems found beyond [`MAX_PROBLEMS`] (not listed).
    pub more_problems: usize,
    /// Hours written in words (`周一至周五 8:30-17:30`) and what they were read as, by
    /// row, for the clerk to check before applying (rows already in `opening_hours`
    /// syntax are not listed).
    pub conversions: Vec<HoursConversion>,
}

pub use crate::stations::transfer::views::HoursConversion;

impl Checked {
    fn problem(&mut self, row: usize, column: &str, reason: Msg) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem {
                row,
                column: column.to_string(),
                reason,
            });
        } else {
            self.more_problems += 1;
        }
    }

    pub fn ok(&self) -> bool {
        self.problems.is_empty() && self.more_problems == 0
    }
}

/// The file's text, and the encoding it turned out to be in.
pub fn decode(bytes: &[u8], enc: Encoding) -> Result<(String, Encoding), Msg> {
    let bom = bytes.strip_prefix(b"\xEF\xBB\xBF");
    let utf8 = |b: &[u8]| std::str::from_utf8(b).map(str::to_string).ok();
    let gbk = |b: &[u8]| {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(b)
            .map(|c| c.into_owned())
    };
    match (enc, bom) {
        (_, Some(rest)) => utf8(rest)
            .map(|t| (t, Encoding::Utf8))
            .ok_or_else(|| Msg::new("transfer.not_utf8")),
        (Encoding::Utf8, None) => utf8(bytes)
            .map(|t| (t, Encoding::Utf8))
            .ok_or_else(|| Msg::new("transfer.not_utf8")),
        (Encoding::Gbk, None) => gbk(bytes)
            .map(|t| (t, Encoding::Gbk))
            .ok_or_else(|| Msg::new("transfer.not_gbk")),
        (Encoding::Auto, None) => utf8(bytes)
            .map(|t| (t, Encoding::Utf8))
            .or_else(|| gbk(bytes).map(|t| (t, Encoding::Gbk)))
            .ok_or_else(|| Msg::new("transfer.unknown_encoding")),
    }
}

/// The names a file may give each kind besides its code: (kind, Chinese, English). They
/// are part of the file format, not of the pages' wording: rewording a label on a page
/// must not make last year's exported files unreadable (a test keeps them equal to the
/// labels as shipped).
pub const KIND_NAMES: [(StationKind, &str, &str); 4] = [
    (
        StationKind::Center,
        "党群服务中心",
        "Community service centre",
    ),
    (StationKind::RedStation, "红色驿站", "Red station"),
    (
        StationKind::Outdoor,
        "户外劳动者服务站点",
        "Outdoor workers' rest point",
    ),
    (StationKind::Plaza, "党建广场", "Party-building plaza"),
];

/// The names a file may give each amenity besides its code: (amenity, Chinese, English).
pub const AMENITY_NAMES: [(Amenity, &str, &str); 10] = [
    (Amenity::Water, "饮水", "Drinking water"),
    (Amenity::Charging, "充电", "Phone charging"),
    (Amenity::Microwave, "微波炉", "Microwave"),
    (Amenity::Toilet, "厕所", "Toilet"),
    (Amenity::Seats, "座椅", "Seats"),
    (Amenity::FirstAid, "急救药箱", "First-aid kit"),
    (Amenity::Umbrella, "爱心雨伞", "Umbrella loan"),
    (Amenity::RepairTools, "维修工具", "Repair tools"),
    (Amenity::Wifi, "无线网络", "Wi-Fi"),
    (Amenity::Wheelchair, "无障碍通行", "Wheelchair access"),
];

fn kind_name(k: StationKind) -> &'static str {
    KIND_NAMES
        .iter()
        .find(|(x, _, _)| *x == k)
        .map_or("", |(_, zh, _)| zh)
}

fn amenity_name(a: Amenity) -> &'static str {
    AMENITY_NAMES
        .iter()
        .find(|(x, _, _)| *x == a)
        .map_or("", |(_, zh, _)| zh)
}

/// A kind by its code or its name in Chinese or English.
fn kind_of(s: &str) -> Option<StationKind> {
    let s = s.trim();
    // 户外劳动者服务站 and 户外劳动者服务站点 are both said.
    let short = s.trim_end_matches('点');
    StationKind::parse(s).or_else(|| {
        KIND_NAMES
            .iter()
            .find(|(_, zh, en)| zh.trim_end_matches('点') == short || en.eq_ignore_ascii_case(s))
            .map(|(k, _, _)| *k)
    })
}

/// An amenity by its code or its name in Chinese or English.
fn amenity_of(s: &str) -> Option<Amenity> {
    let s = s.trim();
    Amenity::parse(s).or_else(|| {
        AMENITY_NAMES
            .iter()
            .find(|(_, zh, en)| *zh == s || en.eq_ignore_ascii_case(s))
            .map(|(a, _, _)| *a)
    })
}

fn yes_no(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "否" | "no" | "false" | "0" | "n" => Some(false),
        "是" | "yes" | "true" | "1" | "y" => Some(true),
        _ => None,
    }
}

/// Reads a CSV's rows (the header names the columns, in Chinese or English, in any
/// order) and checks each; `hours_ok` reads a cell of hours into `opening_hours` (the
/// hours module's reader of Chinese forms, which the evaluator's crate then checks).
pub fn parse_csv(
    text: &str,
    datum: Datum,
    bounds: Option<BBox>,
    hours_ok: &dyn Fn(&str) -> Result<String, Msg>,
) -> Result<Checked, Msg> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Msg::new("transfer.unreadable").arg("e", e))?
        .clone();
    // Where each known column is; unknown columns are ignored (Excel adds some).
    let mut at: Vec<Option<usize>> = vec![None; COLUMNS.len()];
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}');
        if let Some(c) = COLUMNS
            .iter()
            .position(|(en, zh, _)| h == *zh || h.eq_ignore_ascii_case(en))
        {
            at[c] = Some(i);
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(&at)
        .filter(|((_, _, required), a)| *required && a.is_none())
        .map(|((_, zh, _), _)| *zh)
        .collect();
    if !missing.is_empty() {
        return Err(Msg::new("transfer.missing_columns").arg("list", missing.join("、")));
    }
    let mut records = Vec::new();
    // Rows whose cell count is not the header's: an unquoted ASCII comma inside a cell
    // (a Notepad edit of the hours) shifts every cell after it, so such a row is named
    // once, as that, instead of by the knock-on errors in the wrong columns.
    let mut misshapen: Vec<(usize, Msg)> = Vec::new();
    let width = headers.len();
    for (i, r) in reader.records().enumerate() {
        if i >= MAX_ROWS {
            return Err(Msg::new("transfer.too_many_rows").arg("n", MAX_ROWS));
        }
        let row = i + 2;
        match r {
            Ok(rec) => {
                if rec.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                // Excel writes every row as wide as the header (its used range), so a
                // row of another width was edited by hand.
                if rec.len() > width {
                    misshapen.push((
                        row,
                        Msg::new("transfer.too_many_cells")
                            .arg("row", row)
                            .arg("n", rec.len())
                            .arg("header", width),
                    ));
                    continue;
                }
                if rec.len() < width {
                    misshapen.push((
                        row,
                        Msg::new("transfer.too_few_cells")
                            .arg("row", row)
                            .arg("n", rec.len())
                            .arg("header", width),
                    ));
                    continue;
                }
                let cells: Vec<String> = at
                    .iter()
                    .map(|a| {
                        let cell = a.and_then(|j| rec.get(j)).unwrap_or("");
                        crate::util::csv_cell_in(cell).to_string()
                    })
                    .collect();
                if cells.iter().all(|c| c.is_empty()) {
                    continue;
                }
                records.push((row, cells));
            }
            Err(e) => return Err(Msg::new("transfer.bad_row").arg("row", row).arg("e", e)),
        }
    }
    let only_misshapen = records.is_empty() && !misshapen.is_empty();
    let mut out = check_records(records, datum, bounds, hours_ok);
    if only_misshapen {
        // Not "the file is empty": every row is named below.
        out.problems.clear();
    }
    for (row, m) in misshapen {
        out.problem(row, "", m);
    }
    out.problems.sort_by_key(|p| p.row);
    Ok(out)
}

/// Reads a GeoJSON FeatureCollection of Points whose properties carry the same keys
/// as the CSV's English headers.
pub fn parse_geojson(
    text: &str,
    datum: Datum,
    bounds: Option<BBox>,
    hours_ok: &dyn Fn(&str) -> Result<String, Msg>,
) -> Result<Checked, Msg> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Msg::new("transfer.unreadable").arg("e", e))?;
    let features = v
        .get("features")
        .and_then(|f| f.as_array())
        .ok_or_else(|| Msg::new("transfer.not_feature_collection"))?;
    if features.len() > MAX_ROWS {
        return Err(Msg::new("transfer.too_many_rows").arg("n", MAX_ROWS));
    }
    let records = features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let p = f.get("properties").cloned().unwrap_or_default();
            let coords = f
                .pointer("/geometry/coordinates")
                .and_then(|c| c.as_array())
                .cloned()
                .unwrap_or_default();
            let cells = COLUMNS
                .iter()
                .map(|(key, _, _)| match *key {
                    "lng" => coords.first().map(json_text).unwrap_or_default(),
                    "lat" => coords.get(1).map(json_text).unwrap_or_default(),
                    k => p.get(k).map(json_text).unwrap_or_default(),
                })
                .collect();
            // Features are numbered from 1.
            (i + 1, cells)
        })
        .collect();
    Ok(check_records(records, datum, bounds, hours_ok))
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.trim().to_string(),
        serde_json::Value::Null => String::new(),
        serde_json::Value::Array(a) => a.iter().map(json_text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// Checks every record (cells in [`COLUMNS`] order) and the file as a whole (an
/// external id twice, two 党群服务中心 in one community).
fn check_records(
    records: Vec<(usize, Vec<String>)>,
    datum: Datum,
    bounds: Option<BBox>,
    hours_ok: &dyn Fn(&str) -> Result<String, Msg>,
) -> Checked {
    let mut out = Checked::default();
    let col = |i: usize| COLUMNS[i].1;
    let mut seen_ids: std::collections::HashMap<String, usize> = Default::default();
    let mut centres: std::collections::HashMap<String, usize> = Default::default();
    if records.is_empty() {
        out.problem(0, "", Msg::new("transfer.empty"));
    }
    for (row, c) in records {
        let before = out.problems.len() + out.more_problems;
        let text = |i: usize, max: usize, out: &mut Checked| -> String {
            let v = c[i].trim().to_string();
            if v.is_empty() && COLUMNS[i].2 {
                out.problem(row, col(i), Msg::new("transfer.required"));
            } else if v.chars().count() > max {
                out.problem(row, col(i), Msg::new("transfer.too_long").arg("n", max));
            }
            v
        };
        let external_id = text(0, 40, &mut out);
        let kind_text = text(1, 20, &mut out);
        let name = text(2, 60, &mut out);
        let street = text(3, 30, &mut out);
        let community = text(4, 30, &mut out);
        let address = text(5, 100, &mut out);
        let mut hours = text(8, 255, &mut out);
        let kind = kind_of(&kind_text);
        if kind.is_none() && !kind_text.is_empty() {
            out.problem(
                row,
                col(1),
                Msg::new("transfer.unknown_kind").arg("v", kind_text),
            );
        }
        let num = |i: usize, out: &mut Checked| -> Option<f64> {
            let v = c[i].trim();
            if v.is_empty() {
                out.problem(row, col(i), Msg::new("transfer.required"));
                return None;
            }
            match v.parse::<f64>() {
                Ok(n) if n.is_finite() => Some(n),
                _ => {
                    out.problem(
                        row,
                        col(i),
                        Msg::new("transfer.not_number")
                            .arg("v", v.chars().take(20).collect::<String>()),
                    );
                    None
                }
            }
        };
        let (lng, lat) = (num(6, &mut out), num(7, &mut out));
        let point = match (lat, lng) {
            (Some(lat), Some(lng))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng) =>
            {
                let (lat, lng) = datum.to_wgs84(lat, lng);
                let inside = bounds.is_none_or(|b| {
                    (b.min_lat..=b.max_lat).contains(&lat) && (b.min_lng..=b.max_lng).contains(&lng)
                });
                if inside {
                    Some((lat, lng))
                } else {
                    out.problem(row, "经度/纬度", Msg::new("transfer.outside_city"));
                    None
                }
            }
            (Some(_), Some(_)) => {
                out.problem(row, "经度/纬度", Msg::new("transfer.outside_city"));
                None
            }
            _ => None,
        };
        if !hours.is_empty() {
            match hours_ok(&hours) {
                Ok(osm) if osm != hours => {
                    out.conversions.push(HoursConversion {
                        row,
                        written: std::mem::replace(&mut hours, osm.clone()),
                        osm,
                    });
                }
                Ok(_) => {}
                Err(e) => out.problem(row, col(8), e),
            }
        }
        let phone = match crate::stations::model::parse_station_phone(&c[9]) {
            Ok(p) => p,
            Err(e) => {
                out.problem(row, col(9), e);
                String::new()
            }
        };
        let mut amenities = Vec::new();
        for part in c[10]
            .split(['、', ',', '，', ';', '；', '|'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .take(20)
        {
            match amenity_of(part) {
                Some(a) if !amenities.contains(&a) => amenities.push(a),
                Some(_) => {}
                None => out.problem(
                    row,
                    col(10),
                    Msg::new("transfer.unknown_amenity")
                        .arg("v", part.chars().take(20).collect::<String>()),
                ),
            }
        }
        amenities.sort();
        let verified_on = c[11].trim().to_string();
        if !verified_on.is_empty() && crate::calendar_types::Day::parse(&verified_on).is_none() {
            out.problem(row, col(11), Msg::new("transfer.bad_date"));
        }
        let follows_workdays = match yes_no(&c[12]) {
            Some(b) => b,
            None => {
                out.problem(row, col(12), Msg::new("transfer.yes_no"));
                false
            }
        };
        if !external_id.is_empty() {
            if let Some(first) = seen_ids.insert(external_id.clone(), row) {
                out.problem(
                    row,
                    col(0),
                    Msg::new("transfer.duplicate_id").arg("row", first),
                );
            }
        }
        if kind == Some(StationKind::Center) && !community.is_empty() {
            if let Some(first) = centres.insert(community.clone(), row) {
                out.problem(
                    row,
                    col(1),
                    Msg::new("transfer.second_centre").arg("row", first),
                );
            }
        }
        let clean = out.problems.len() + out.more_problems == before;
        if let (true, Some(kind), Some((lat, lng))) = (clean, kind, point) {
            out.rows.push(ImportRow {
                row,
                external_id,
                kind,
                name,
                street,
                community,
                address,
                lat,
                lng,
                opening_hours: hours,
                phone,
                amenities,
                verified_on,
                follows_workdays,
            });
        }
    }
    out
}

/// Degrees written with 7 decimals (about 1 cm): export → import gives the same point.
fn deg(x: f64) -> String {
    format!("{x:.7}")
}

/// The stations as CSV with Chinese headers (kinds and amenities by their Chinese
/// names), coordinates in `datum`; in GB18030 when `gbk`, else UTF-8 with a BOM (so
/// that Excel opens either correctly).
pub fn to_csv(stations: &[(Station, String)], datum: Datum, gbk: bool) -> Result<Vec<u8>, String> {
    let header: Vec<&str> = COLUMNS.iter().map(|c| c.1).collect();
    let rows: Vec<Vec<String>> = stations
        .iter()
        .map(|(s, external_id)| {
            let (lat, lng) = datum.from_wgs84(s.lat, s.lng);
            let amenities: Vec<String> = s
                .amenities
                .iter()
                .map(|a| amenity_name(*a).to_string())
                .collect();
            vec![
                external_id.clone(),
                kind_name(s.kind).to_string(),
                s.name.clone(),
                s.street.clone(),
                s.community.clone(),
                s.address.clone(),
                deg(lng),
                deg(lat),
                s.opening_hours.clone(),
                s.phone.clone(),
                amenities.join("、"),
                s.verified_on.clone(),
                if s.follows_workdays { "是" } else { "否" }.to_string(),
            ]
        })
        .collect();
    crate::util::csv_write(&header, &rows, gbk)
}

/// The stations as a GeoJSON FeatureCollection in the import's shape (property keys
/// as the CSV's English headers; kinds and amenities by code).
pub fn to_geojson(stations: &[(Station, String)], datum: Datum) -> serde_json::Value {
    let features: Vec<serde_json::Value> = stations
        .iter()
        .map(|(s, external_id)| {
            let (lat, lng) = datum.from_wgs84(s.lat, s.lng);
            serde_json::json!({
                "type": "Feature",
                "geometry": { "type": "Point", "coordinates": [
                    deg(lng).parse::<f64>().unwrap_or(lng), deg(lat).parse::<f64>().unwrap_or(lat)
                ] },
                "properties": {
                    "external_id": external_id,
                    "kind": s.kind.code(),
                    "name": s.name,
                    "street": s.street,
                    "community": s.community,
                    "address": s.address,
                    "opening_hours": s.opening_hours,
                    "phone": s.phone,
                    "amenities": s.amenities.iter().map(|a| a.code()).collect::<Vec<_>>(),
                    "verified_on": s.verified_on,
                    "follows_workdays": s.follows_workdays,
                }
            })
        })
        .collect();
    serde_json::json!({ "type": "FeatureCollection", "coord_system": datum.code(), "features": features })
}

/// The template a city starts from: the header row and one example line.
pub fn template(gbk: bool) -> Result<Vec<u8>, String> {
    let example = Station {
        id: 0,
        kind: StationKind::Outdoor,
        name: "和平路户外劳动者服务站".into(),
        community_id: 0,
        community: "和平社区".into(),
        street: "车站街道".into(),
        address: "张店区和平路12号".into(),
        lat: 36.8062,
        lng: 118.0481,
        amenities: vec![Amenity::Water, Amenity::Charging, Amenity::Microwave],
        opening_hours: "Mo-Su 07:00-21:00".into(),
        phone: "0533-2345678".into(),
        verified_on: "2026-11-01".into(),
        follows_workdays: false,
        version: 0,
    };
    to_csv(&[(example, "ZB-0001".into())], Datum::Wgs84, gbk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_names_of_kinds_and_amenities_are_the_labels_as_shipped() {
        use crate::i18n::tr_in;
        use crate::prefs::Locale;
        for (k, zh, en) in KIND_NAMES {
            assert_eq!(tr_in(Locale::ZhCn, k.label_key()), zh);
            assert_eq!(tr_in(Locale::En, k.label_key()), en);
        }
        for (a, zh, en) in AMENITY_NAMES {
            assert_eq!(tr_in(Locale::ZhCn, a.label_key()), zh);
            assert_eq!(tr_in(Locale::En, a.label_key()), en);
        }
        assert_eq!(KIND_NAMES.len(), StationKind::ALL.len());
        assert_eq!(AMENITY_NAMES.len(), Amenity::ALL.len());
    }

    fn ok(s: &str) -> Result<String, Msg> {
        Ok(s.to_string())
    }

    fn hours(s: &str) -> Result<String, Msg> {
        crate::stations::hours::chinese::to_osm(s).map(|c| c.osm)
    }

    const ZIBO: BBox = BBox {
        min_lng: 117.5,
        min_lat: 36.3,
        max_lng: 118.4,
        max_lat: 37.2,
    };

    fn csv_of(lines: &[&str]) -> String {
        let mut s =
            "外部编号,类型,名称,街道,社区,地址,经度,纬度,开放时间,电话,设施,核实日期,调休日开放\n"
                .to_string();
        for l in lines {
            s.push_str(l);
            s.push('\n');
        }
        s
    }

    #[test]
    fn text_in_utf8_with_or_without_bom_and_in_gbk_is_read() {
        let text = "名称\n和平社区\n";
        let (t, e) = decode(text.as_bytes(), Encoding::Auto).unwrap();
        assert_eq!((t.as_str(), e), (text, Encoding::Utf8));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(text.as_bytes());
        assert_eq!(decode(&bom, Encoding::Gbk).unwrap().0, text);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let (t, e) = decode(&gbk, Encoding::Auto).unwrap();
        assert_eq!((t.as_str(), e), (text, Encoding::Gbk));
        // Declared UTF-8 but saved as GBK: said so, not garbled.
        assert!(decode(&gbk, Encoding::Utf8).is_err());
    }

    #[test]
    fn good_rows_are_read_in_any_column_order_and_converted_to_wgs84() {
        let text = "纬度,经度,名称,外部编号,类型,街道,社区,地址,开放时间,设施\n\
                    36.8062,118.0481,和平路驿站,ZB-1,户外劳动者服务站,车站街道,和平社区,和平路12号,24/7,饮水、充电\n";
        let c = parse_csv(text, Datum::Wgs84, Some(ZIBO), &ok).unwrap();
        assert!(c.ok(), "{:?}", c.problems);
        let r = &c.rows[0];
        assert_eq!((r.kind, r.row), (StationKind::Outdoor, 2));
        assert_eq!(r.amenities, vec![Amenity::Water, Amenity::Charging]);
        assert_eq!((r.lat, r.lng), (36.8062, 118.0481));
        // The same place copied from Amap (GCJ-02) lands within a metre of it.
        let (glat, glng) = crate::stations::coords::wgs84_to_gcj02(36.8062, 118.0481);
        let line =
            format!("ZB-1,outdoor,和平路驿站,车站街道,和平社区,和平路12号,{glng},{glat},24/7,,,,");
        let c = parse_csv(&csv_of(&[&line]), Datum::Gcj02, Some(ZIBO), &ok).unwrap();
        let r = &c.rows[0];
        let d = crate::stations::model::distance_m(
            crate::stations::model::LatLng {
                lat: r.lat,
                lng: r.lng,
            },
            crate::stations::model::LatLng {
                lat: 36.8062,
                lng: 118.0481,
            },
        );
        assert!(d < 1.0, "{d} m");
    }

    #[test]
    fn every_problem_is_named_with_its_row_and_column() {
        let text = csv_of(&[
            "ZB-1,outdoor,甲,车站街道,和平社区,和平路1号,118.05,36.80,24/7,,,,",
            ",outdoor,乙,车站街道,和平社区,和平路2号,118.05,36.80,24/7,,,,",
            "ZB-3,酒吧,丙,车站街道,和平社区,和平路3号,118.05,36.80,24/7,,,,",
            "ZB-4,outdoor,丁,车站街道,和平社区,和平路4号,121.47,31.23,24/7,,,,",
            "ZB-5,outdoor,戊,车站街道,和平社区,和平路5号,118.05,36.80,周一到周五,,,,",
            "ZB-6,outdoor,己,车站街道,和平社区,和平路6号,118.05,三十六,24/7,12345,桑拿,2026/11/01,也许",
            "ZB-1,outdoor,庚,车站街道,和平社区,和平路7号,118.05,36.80,24/7,,,,",
            "ZB-8,center,辛,车站街道,和平社区,和平路8号,118.05,36.80,24/7,,,,",
            "ZB-9,党群服务中心,壬,车站街道,和平社区,和平路9号,118.05,36.80,24/7,,,,",
        ]);
        let c = parse_csv(&text, Datum::Wgs84, Some(ZIBO), &hours).unwrap();
        let at = |row: usize, column: &str| {
            c.problems
                .iter()
                .any(|p| p.row == row && p.column == column)
        };
        assert!(at(3, "外部编号"), "missing id: {:?}", c.problems);
        assert!(at(4, "类型"));
        assert!(at(5, "经度/纬度"));
        assert!(at(6, "开放时间"));
        for column in ["纬度", "电话", "设施", "核实日期", "调休日开放"] {
            assert!(at(7, column), "{column}: {:?}", c.problems);
        }
        assert!(at(8, "外部编号"), "duplicate id");
        assert!(at(10, "类型"), "a second centre in one community");
        // Only the good rows pass.
        assert_eq!(c.rows.iter().map(|r| r.row).collect::<Vec<_>>(), vec![2, 9]);
    }

    #[test]
    fn a_row_with_a_stray_comma_is_named_once_by_its_cell_count() {
        let text = csv_of(&[
            "ZB-1,outdoor,甲,车站街道,和平社区,和平路1号,118.05,36.80,周一至周五 8:30-12:00,14:00-17:30,,,,",
            "ZB-2,outdoor,乙,车站街道,和平社区,和平路2号,118.05,36.80,\"周一至周五 8:30-12:00,14:00-17:30\",,,,",
            "ZB-3,outdoor,丙,车站街道,和平社区,和平路3号,118.05,36.80,24/7,,,,",
            "ZB-4,outdoor,丁,车站街道,和平社区,和平路4号,118.05,36.80,24/7",
        ]);
        let c = parse_csv(&text, Datum::Wgs84, Some(ZIBO), &hours).unwrap();
        let of_row = |row: usize| {
            c.problems
                .iter()
                .filter(|p| p.row == row)
                .collect::<Vec<_>>()
        };
        // Row 2: one problem, for the whole row, saying what happened.
        let p = of_row(2);
        assert_eq!(p.len(), 1, "{:?}", c.problems);
        assert_eq!(p[0].column, "");
        assert_eq!(p[0].reason.key, "transfer.too_many_cells");
        assert_eq!(
            p[0].reason.render(crate::prefs::Locale::ZhCn),
            "第 2 行有 14 列，表头有 13 列：开放时间等格子里的逗号请用中文逗号“，”或给整格加英文引号"
        );
        // Quoted, the same hours read.
        assert!(
            of_row(3).is_empty() && of_row(4).is_empty(),
            "{:?}",
            c.problems
        );
        assert_eq!(of_row(5)[0].reason.key, "transfer.too_few_cells");
        assert_eq!(c.rows.iter().map(|r| r.row).collect::<Vec<_>>(), vec![3, 4]);
        assert_eq!(c.rows[0].opening_hours, "Mo-Fr 08:30-12:00,14:00-17:30");
        assert_eq!(c.conversions.len(), 1);
    }

    #[test]
    fn a_file_without_the_required_columns_is_refused_as_a_whole() {
        let e = parse_csv("名称,地址\n甲,乙\n", Datum::Wgs84, None, &ok).unwrap_err();
        assert!(
            e.zh().contains("外部编号") && e.zh().contains("经度"),
            "{e}"
        );
    }

    #[test]
    fn export_then_import_gives_back_the_same_stations_in_every_datum_and_encoding() {
        let s = Station {
            id: 7,
            kind: StationKind::Center,
            name: "和平社区党群服务中心".into(),
            community_id: 3,
            community: "和平社区".into(),
            street: "车站街道".into(),
            address: "共青团路8号".into(),
            lat: 36.8123456,
            lng: 118.0456789,
            amenities: vec![Amenity::Water, Amenity::Wheelchair],
            opening_hours: "Mo-Fr 08:30-20:00; PH off".into(),
            phone: "0533-2345678".into(),
            verified_on: "2026-11-01".into(),
            follows_workdays: true,
            version: 3,
        };
        for datum in [Datum::Wgs84, Datum::Gcj02, Datum::Bd09] {
            for gbk in [false, true] {
                let bytes = to_csv(&[(s.clone(), "ZB-7".into())], datum, gbk).unwrap();
                let (text, _) = decode(&bytes, Encoding::Auto).unwrap();
                let c = parse_csv(&text, datum, Some(ZIBO), &hours).unwrap();
                assert!(c.ok(), "{:?}", c.problems);
                let r = &c.rows[0];
                assert_eq!(
                    (
                        &r.name,
                        &r.street,
                        &r.community,
                        &r.address,
                        &r.phone,
                        &r.opening_hours
                    ),
                    (
                        &s.name,
                        &s.street,
                        &s.community,
                        &s.address,
                        &s.phone,
                        &s.opening_hours
                    )
                );
                assert_eq!(
                    (r.kind, &r.amenities, r.follows_workdays),
                    (s.kind, &s.amenities, true)
                );
                assert!(
                    (r.lat - s.lat).abs() < 1e-6 && (r.lng - s.lng).abs() < 1e-6,
                    "{datum:?}"
                );
            }
            let g = to_geojson(&[(s.clone(), "ZB-7".into())], datum);
            let c = parse_geojson(&g.to_string(), datum, Some(ZIBO), &hours).unwrap();
            assert!(c.ok(), "{:?}", c.problems);
            assert_eq!(c.rows[0].amenities, s.amenities);
        }
        // The template is a file that imports.
        let (text, _) = decode(&template(true).unwrap(), Encoding::Auto).unwrap();
        assert!(parse_csv(&text, Datum::Wgs84, Some(ZIBO), &hours)
            .unwrap()
            .ok());
    }
}

/// Reads the city's settings as an admin types them (the set-up form and `linli city
/// set`): a name, the centre as `lng,lat` and the bounding box as two corners
/// `lng,lat;lng,lat` (any two opposite corners, as Amap's coordinate picker shows
/// them), in the given datum; returns them in WGS-84. Errors are message keys.
pub fn parse_city(
    name: &str,
    center: &str,
    bbox: &str,
    datum: Datum,
) -> Result<City, &'static str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err("city.name_length");
    }
    let point = |s: &str| -> Result<(f64, f64), &'static str> {
        let parts: Vec<&str> = s
            .split([',', '，', ' '])
            .filter(|p| !p.is_empty())
            .collect();
        let [lng, lat] = parts.as_slice() else {
            return Err("city.point_format");
        };
        let lng: f64 = lng.trim().parse().map_err(|_| "city.not_a_number")?;
        let lat: f64 = lat.trim().parse().map_err(|_| "city.not_a_number")?;
        if !lat.is_finite()
            || !lng.is_finite()
            || !(-90.0..=90.0).contains(&lat)
            || !(-180.0..=180.0).contains(&lng)
        {
            return Err("city.out_of_range");
        }
        Ok(datum.to_wgs84(lat, lng))
    };
    let (clat, clng) = point(center)?;
    let corners: Vec<&str> = bbox
        .split([';', '；'])
        .filter(|p| !p.trim().is_empty())
        .collect();
    let [a, b] = corners.as_slice() else {
        return Err("city.bounds_format");
    };
    let (alat, alng) = point(a)?;
    let (blat, blng) = point(b)?;
    let bbox = BBox {
        min_lat: alat.min(blat),
        min_lng: alng.min(blng),
        max_lat: alat.max(blat),
        max_lng: alng.max(blng),
    };
    if bbox.max_lat - bbox.min_lat < 0.01 || bbox.max_lng - bbox.min_lng < 0.01 {
        return Err("city.bounds_too_small");
    }
    if bbox.max_lat - bbox.min_lat > 5.0 || bbox.max_lng - bbox.min_lng > 5.0 {
        return Err("city.bounds_too_large");
    }
    if !bbox.contains(clat, clng) {
        return Err("city.centre_outside");
    }
    Ok(City {
        name: name.to_string(),
        center: LatLng {
            lat: clat,
            lng: clng,
        },
        bbox,
    })
}

#[cfg(test)]
mod city_tests {
    use super::*;

    #[test]
    fn a_city_is_read_in_any_datum_with_corners_in_any_order() {
        let c = parse_city(
            " 示例市 ",
            "116.39,39.91",
            "116.5,40.0;116.2,39.8",
            Datum::Wgs84,
        )
        .unwrap();
        assert_eq!(c.name, "示例市");
        assert_eq!((c.center.lat, c.center.lng), (39.91, 116.39));
        assert_eq!(
            (
                c.bbox.min_lat,
                c.bbox.min_lng,
                c.bbox.max_lat,
                c.bbox.max_lng
            ),
            (39.8, 116.2, 40.0, 116.5)
        );
        // Copied from Amap (GCJ-02): stored shifted back by a few hundred metres.
        let g = parse_city(
            "示例市",
            "116.39，39.91",
            "116.2,39.8；116.5,40.0",
            Datum::Gcj02,
        )
        .unwrap();
        let d = crate::stations::model::distance_m(c.center, g.center);
        assert!((100.0..1000.0).contains(&d), "{d}");
    }

    #[test]
    fn a_wrong_city_names_its_fault() {
        let e = |n: &str, c: &str, b: &str| parse_city(n, c, b, Datum::Wgs84).unwrap_err();
        let good = "116.2,39.8;116.5,40.0";
        assert_eq!(e("", "116.39,39.91", good), "city.name_length");
        assert_eq!(e("市", "116.39", good), "city.point_format");
        assert_eq!(e("市", "abc,39.91", good), "city.not_a_number");
        assert_eq!(e("市", "200,39.91", good), "city.out_of_range");
        assert_eq!(e("市", "NaN,39.91", good), "city.out_of_range");
        assert_eq!(e("市", "39.91,116.39", good), "city.out_of_range");
        assert_eq!(e("市", "116.6,39.91", good), "city.centre_outside");
        assert_eq!(e("市", "116.39,39.91", "116.2,39.8"), "city.bounds_format");
        assert_eq!(
            e("市", "116.39,39.91", "116.38,39.90;116.40,39.91"),
            "city.bounds_too_small"
        );
        assert_eq!(
            e("市", "116.39,39.91", "110,35;120,45"),
            "city.bounds_too_large"
        );
        for k in [
            "city.name_length",
            "city.point_format",
            "city.not_a_number",
            "city.out_of_range",
            "city.centre_outside",
            "city.bounds_format",
            "city.bounds_too_small",
            "city.bounds_too_large",
        ] {
            assert_ne!(crate::i18n::tr(k), k, "{k} has no text");
        }
    }
}
