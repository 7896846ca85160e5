//! Small helpers with no better home.

/// Percent-encodes a query value (UTF-8; unreserved characters kept).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes an `application/x-www-form-urlencoded` query string into pairs ('+' is a
/// space; bad escapes are kept as they are).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(b) => {
                            out.push(b);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    q.trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// The value of `key` in decoded query pairs: trimmed, `None` when missing or empty.
pub fn query_value(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A calendar date typed as `YYYY-MM-DD` (2000 to 2100: [`crate::calendar_types::Day`]), returned trimmed; `None` if it
/// is not one (a month with no such day included). Pure, so that rules in `model.rs`
/// files can check dates without chrono, which stays out of the WebAssembly build.
pub fn parse_ymd(s: &str) -> Option<String> {
    crate::calendar_types::Day::parse(s).map(|d| d.to_string())
}

/// A QR code of `text` as an inline SVG (empty if the text cannot be encoded).
#[cfg(feature = "ssr")]
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(q) => q
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(180, 180)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_chinese_and_reserved_characters() {
        assert_eq!(super::url_encode("a b&c"), "a%20b%26c");
        assert_eq!(super::url_encode("码"), "%E7%A0%81");
    }
}

#[cfg(test)]
mod query_tests {
    #[test]
    fn query_strings_decode() {
        let q = super::parse_query("?lat=36.8&kind=outdoor&kind=center&q=%E7%A0%81+x&bad=%zz&flag");
        assert_eq!(q[0], ("lat".into(), "36.8".into()));
        assert_eq!(q[2], ("kind".into(), "center".into()));
        assert_eq!(q[3], ("q".into(), "码 x".into()));
        assert_eq!(q[4], ("bad".into(), "%zz".into()));
        assert_eq!(q[5], ("flag".into(), String::new()));
        assert!(super::parse_query("").is_empty());
    }
}

#[cfg(test)]
mod date_tests {
    #[test]
    fn dates_are_checked_down_to_the_day() {
        assert_eq!(
            super::parse_ymd(" 2026-12-31 ").as_deref(),
            Some("2026-12-31")
        );
        assert_eq!(
            super::parse_ymd("2028-02-29").as_deref(),
            Some("2028-02-29")
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-04-31",
            "1999-01-01",
            "2026-1-01",
            "2026-0a-01",
            "+026-01-01",
        ] {
            assert_eq!(super::parse_ymd(bad), None, "{bad}");
        }
    }
}

/// A table as CSV that Excel opens in Chinese: UTF-8 with a byte-order mark, a header
/// row, then the rows (quoted where needed by the `csv` crate). The back office's
/// downloads (the audit trail, the dashboard's tables, coverage) all go through here.
#[cfg(feature = "ssr")]
pub fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(header).map_err(|e| e.to_string())?;
    for r in rows {
        w.write_record(r).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}
