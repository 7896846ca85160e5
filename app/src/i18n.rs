//! Translation lookup. Strings live in `app/locales/{zh-CN,en}.yml` (the `rust-i18n`
//! crate compiles them in); a component never holds a user-facing literal, it asks `tr`.
//!
//! The locale comes from [`crate::prefs::Prefs`], which both the server and the browser
//! read from the same cookie, so the hydrated page says exactly what the server said.

use crate::prefs::{Locale, Prefs};
use leptos::prelude::*;

/// The text for `key` in the locale of the current request (or page).
pub fn tr(key: &str) -> String {
    // Pages provide the preferences as context; an island in the browser reads them
    // from the cookie, which says the same.
    let locale = use_context::<Prefs>().unwrap_or_else(Prefs::current).locale;
    tr_in(locale, key)
}

/// The text for `key` in a given locale; for code that runs outside a component.
pub fn tr_in(locale: Locale, key: &str) -> String {
    rust_i18n::t!(key, locale = locale.tag()).into_owned()
}

/// Every key used in the code, listed once so that the tests can check both locales.
#[cfg(test)]
pub fn all_keys() -> Vec<&'static str> {
    keys_of(include_str!("../locales/zh-CN.yml"))
}

/// The dotted keys of a locale file (its first line is `_version`).
#[cfg(test)]
pub fn keys_of(file: &'static str) -> Vec<&'static str> {
    let mut keys = Vec::new();
    let mut path: Vec<(usize, &str)> = Vec::new();
    for line in file.lines().skip(1) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let Some((name, value)) = trimmed.split_once(':') else {
            continue;
        };
        let name = name.trim_matches('"');
        while path.last().is_some_and(|(i, _)| *i >= indent) {
            path.pop();
        }
        if value.trim().is_empty() {
            path.push((indent, name));
        } else {
            let full: Vec<&str> = path.iter().map(|(_, n)| *n).chain([name]).collect();
            keys.push(Box::leak(full.join(".").into_boxed_str()) as &'static str);
        }
    }
    keys
}

/// `%{name}` placeholders filled in: the one interpolation style of the locale files.
pub fn fill(text: &str, args: &[(String, String)]) -> String {
    let mut s = text.to_string();
    for (name, value) in args {
        s = s.replace(&format!("%{{{name}}}"), value);
    }
    s
}

/// The text for `key` with `%{name}` placeholders filled in.
pub fn tr_args(key: &str, args: &[(&str, String)]) -> String {
    let mut s = tr(key);
    for (name, value) in args {
        s = s.replace(&format!("%{{{name}}}"), value);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_the_default_and_english_exists() {
        assert_eq!(tr_in(Locale::ZhCn, "tab.map"), "地图");
        assert_eq!(tr_in(Locale::En, "tab.map"), "Map");
    }

    /// One interpolation style: `%{name}`, filled by `tr_args` / `fill` (a bare `{name}`
    /// would show as is to a resident).
    #[test]
    fn placeholders_are_written_one_way() {
        for key in crate::i18n::all_keys() {
            for locale in [Locale::ZhCn, Locale::En] {
                let text = tr_in(locale, key);
                let bare = text
                    .match_indices('{')
                    .any(|(i, _)| i == 0 || text.as_bytes()[i - 1] != b'%');
                assert!(!bare, "{key} in {locale:?} has a bare {{…}}: {text}");
            }
        }
    }

    /// The two files hold exactly the same keys (a key only in one would fall back to
    /// Chinese for an English reader, or show its raw name).
    #[test]
    fn both_files_hold_the_same_keys() {
        let mut zh = keys_of(include_str!("../locales/zh-CN.yml"));
        let mut en = keys_of(include_str!("../locales/en.yml"));
        zh.sort_unstable();
        en.sort_unstable();
        let only_zh: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "{only_zh:?} {only_en:?}"
        );
    }

    /// Every key in the Chinese file has an English twin and vice versa: a missing key
    /// would show its raw name to a resident.
    #[test]
    fn both_locales_have_the_same_keys() {
        let zh = rust_i18n::available_locales!();
        assert!(zh.contains(&"zh-CN") && zh.contains(&"en"));
        for key in crate::i18n::all_keys() {
            let a = tr_in(Locale::ZhCn, key);
            let b = tr_in(Locale::En, key);
            assert!(!a.starts_with("zh-CN."), "missing zh-CN {key}");
            assert!(!b.starts_with("en."), "missing en {key}");
        }
    }
}
