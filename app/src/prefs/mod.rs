//! A visitor's display preferences: language and care mode (长辈模式).
//!
//! They live in two plain cookies (not HttpOnly: they hold nothing private) so that the
//! server renders the right language and text size on the very first byte, before any
//! WebAssembly arrives, and the browser reads the same values when it hydrates. They are
//! changed by a plain form POST to `/prefs`, which works with JavaScript off.

use serde::{Deserialize, Serialize};

pub mod pages;

/// The preference forms' target (a plain axum handler in the server).
pub const PREFS_PATH: &str = "/prefs";

pub const LANG_COOKIE: &str = "linli_lang";
pub const CARE_COOKIE: &str = "linli_care";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    /// The BCP 47 tag, used for `<html lang>` and the translation files.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "zh-CN" | "zh" | "zh-Hans" => Some(Locale::ZhCn),
            "en" | "en-US" | "en-GB" => Some(Locale::En),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Prefs {
    pub locale: Locale,
    pub care: bool,
}

impl Prefs {
    /// Reads the preferences from a `Cookie` header value. Unknown or missing values fall
    /// back to Chinese and normal text: the portal is Chinese first.
    pub fn from_cookie_header(header: &str) -> Self {
        let mut prefs = Prefs::default();
        for pair in header.split(';') {
            let Some((name, value)) = pair.trim().split_once('=') else {
                continue;
            };
            match name {
                LANG_COOKIE => prefs.locale = Locale::parse(value).unwrap_or_default(),
                CARE_COOKIE => prefs.care = value == "1",
                _ => {}
            }
        }
        prefs
    }

    /// The preferences of the page being rendered: from the request on the server, from
    /// `document.cookie` in the browser.
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            use leptos::prelude::use_context;
            use_context::<http::request::Parts>()
                .and_then(|parts| {
                    parts
                        .headers
                        .get(http::header::COOKIE)
                        .and_then(|v| v.to_str().ok())
                        .map(Prefs::from_cookie_header)
                })
                .unwrap_or_default()
        }
        #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
        {
            use wasm_bindgen::JsCast;
            gloo::utils::document()
                .dyn_into::<web_sys::HtmlDocument>()
                .ok()
                .and_then(|d| d.cookie().ok())
                .map(|c| Prefs::from_cookie_header(&c))
                .unwrap_or_default()
        }
        #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
        {
            Prefs::default()
        }
    }
}

/// Keeps a redirect target on this site: only an absolute path, never `//host` or a
/// scheme, no backslash and no control character (which could not even be sent as a
/// `Location` header), so that `/prefs?next=` cannot send a resident elsewhere and no
/// request can make a redirect fail.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_chinese_and_normal_text() {
        assert_eq!(Prefs::from_cookie_header(""), Prefs::default());
        assert_eq!(Prefs::default().locale, Locale::ZhCn);
    }

    #[test]
    fn reads_both_cookies_among_others() {
        let p = Prefs::from_cookie_header("a=b; linli_lang=en; linli_care=1; x=y");
        assert_eq!(
            p,
            Prefs {
                locale: Locale::En,
                care: true
            }
        );
    }

    #[test]
    fn unknown_language_falls_back_to_chinese() {
        let p = Prefs::from_cookie_header("linli_lang=fr");
        assert_eq!(p.locale, Locale::ZhCn);
    }

    #[test]
    fn redirects_stay_on_site() {
        assert_eq!(safe_next(Some("/map?lat=1")), "/map?lat=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(Some("/services/\n/edit")), "/");
        assert_eq!(safe_next(Some("/a\tb")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
