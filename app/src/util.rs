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
    fn formula_cells_are_written_as_text_and_read_back_as_they_were() {
        use super::{csv_cell_in, csv_cell_out};
        for bad in [
            "=HYPERLINK(\"//e.cn\")",
            "+cmd",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\r=1",
            "+86 533 2345678",
        ] {
            let out = csv_cell_out(bad);
            assert_eq!(out, format!("'{bad}"), "{bad:?}");
            assert_eq!(csv_cell_in(&out), bad);
        }
        // Plain numbers, ordinary text and empty cells are left alone, both ways.
        for fine in [
            "-3.5",
            "+12",
            "118.0481",
            "张店区和平路12号",
            "",
            "'quoted by hand",
            "0533-2345678",
        ] {
            assert_eq!(csv_cell_out(fine), fine);
            assert_eq!(csv_cell_in(fine), fine);
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_one_writer_neutralises_every_cell_in_both_encodings() {
        let rows = vec![vec!["=1+1".to_string(), "和平".to_string()]];
        let utf8 = super::csv_write(&["名称", "@头"], &rows, false).unwrap();
        assert!(utf8.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(utf8[3..].to_vec()).unwrap();
        assert_eq!(text, "名称,'@头\n'=1+1,和平\n");
        let gbk = super::csv_write(&["名称", "@头"], &rows, true).unwrap();
        let (back, _, bad) = encoding_rs::GB18030.decode(&gbk);
        assert!(!bad);
        assert_eq!(back, text);
    }
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
/// row, then the rows (quoted where needed by the `csv` crate). Every CSV the portal
/// writes goes through [`csv_write`]: the back office's downloads (the audit trail, the
/// dashboard's tables, coverage) here, the stations' export and template in GB18030 too.
#[cfg(feature = "ssr")]
pub fn csv_bytes(header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    csv_write(header, rows, false)
}

/// The one CSV writer: UTF-8 with a byte-order mark, or GB18030 (`gbk`) without one.
/// Each cell is made safe for a spreadsheet with [`csv_cell_out`].
#[cfg(feature = "ssr")]
pub fn csv_write<H: AsRef<str>, C: AsRef<str>>(
    header: &[H],
    rows: &[Vec<C>],
    gbk: bool,
) -> Result<Vec<u8>, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| e.to_string();
    w.write_record(header.iter().map(|h| csv_cell_out(h.as_ref()).into_owned()))
        .map_err(err)?;
    for r in rows {
        w.write_record(r.iter().map(|c| csv_cell_out(c.as_ref()).into_owned()))
            .map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    if gbk {
        let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
        let (out, _, _) = encoding_rs::GB18030.encode(&text);
        Ok(out.into_owned())
    } else {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        out.extend(bytes);
        Ok(out)
    }
}

/// The characters a spreadsheet reads as the start of a formula (or, for TAB and CR,
/// strips before looking for one): a cell starting with one could run
/// `=HYPERLINK(...)` or worse on a staff member's PC.
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as written to a CSV: one that a spreadsheet would take for a formula gets a
/// leading apostrophe (Excel's own "this is text" mark, not shown in the cell), unless
/// it is a plain number such as `-3.5`. [`csv_cell_in`] takes the mark off again, so an
/// export imports back unchanged.
pub fn csv_cell_out(cell: &str) -> std::borrow::Cow<'_, str> {
    let plain_number = cell.parse::<f64>().is_ok()
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'));
    if cell.starts_with(FORMULA_STARTS) && !plain_number {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A cell as read from a CSV the portal (or Excel after it) wrote: the apostrophe that
/// [`csv_cell_out`] put before a formula-like cell is taken off; anything else is as is.
pub fn csv_cell_in(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}
