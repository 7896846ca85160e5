//! Small helpers with no better home.

/// Percent-encodes a query value (UTF-8; unreserved characters kept).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_chinese_and_reserved_characters() {
        assert_eq!(super::url_encode("a b&c"), "a%20b%26c");
        assert_eq!(super::url_encode("码"), "%E7%A0%81");
    }
}
