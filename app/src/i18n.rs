//! Translation lookup. Strings live in `app/locales/{zh-CN,en}.yml` (the `rust-i18n`
//! crate compiles them in); a component never holds a user-facing literal, it asks `tr`.
//!
//! The locale comes from [`crate::prefs::Prefs`], which both the server and the browser
//! read from the same cookie, so the hydrated page says exactly what the server said.

use crate::prefs::{Locale, Prefs};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
tokio::task_local! {
    /// The language of the request being answered, for code that runs outside Leptos's
    /// context (plain axum handlers, guards, the services they call). The server sets it
    /// for every request from the language cookie (`server::http::locale_scope`).
    pub static REQUEST_LOCALE: Locale;
}

/// The reader's language: the page's preferences, else the request's cookie (server
/// functions and pages), else the request's scope (plain handlers), else Chinese.
pub fn current_locale() -> Locale {
    if let Some(p) = use_context::<Prefs>() {
        return p.locale;
    }
    // Only where Leptos's context does not reach at all (a plain handler, a guard):
    // inside a page or a server function the request's own cookie decides.
    #[cfg(feature = "ssr")]
    if Owner::current().is_none() {
        if let Ok(l) = REQUEST_LOCALE.try_with(|l| *l) {
            return l;
        }
    }
    // An island in the browser reads the cookie, which says what the server read.
    Prefs::current().locale
}

/// The message key of an ISO weekday (1 = Monday … 7 = Sunday; out of range is clamped):
/// the one place weekday names are looked up.
pub fn weekday_key(iso: u32) -> &'static str {
    const KEYS: [&str; 7] = [
        "weekday.1",
        "weekday.2",
        "weekday.3",
        "weekday.4",
        "weekday.5",
        "weekday.6",
        "weekday.7",
    ];
    KEYS[(iso.clamp(1, 7) - 1) as usize]
}

/// The text for `key` in the locale of the current request (or page).
pub fn tr(key: &str) -> String {
    tr_in(current_locale(), key)
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
#[cfg(any(test, feature = "ssr"))]
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

/// Message keys a banner may name: the messages of refusals and errors, never a page's
/// own text.
fn banner_key_ok(key: &str) -> bool {
    ["msg.", "error.", "trust.", "office.", "transfer."]
        .iter()
        .any(|p| key.starts_with(p))
        && key.len() <= 80
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
}

/// An argument a banner may carry from the address: a number, a time or a date (the
/// "3 tries left" kind), or a reference `@key` to another fixed message.
fn banner_arg_ok(value: &str) -> bool {
    if let Some(key) = value.strip_prefix('@') {
        return banner_key_ok(key);
    }
    !value.is_empty()
        && value.chars().count() <= 16
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '-' | ' ' | '.'))
}

/// Text → key of every message a banner may name, per locale (built once).
#[cfg(feature = "ssr")]
fn reverse(locale: Locale) -> &'static std::collections::HashMap<String, &'static str> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static ZH: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    static EN: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    let cell = match locale {
        Locale::ZhCn => &ZH,
        Locale::En => &EN,
    };
    cell.get_or_init(|| {
        keys_of(include_str!("../locales/zh-CN.yml"))
            .into_iter()
            .filter(|k| banner_key_ok(k))
            .map(|k| (tr_in(locale, k), k))
            .collect()
    })
}

/// Finds the fixed message a text was made from: its key and the arguments it was
/// filled with (each a number-like value or another fixed message's `@key`).
#[cfg(feature = "ssr")]
fn match_message(locale: Locale, text: &str) -> Option<String> {
    let map = reverse(locale);
    if let Some(k) = map.get(text) {
        return Some((*k).to_string());
    }
    for (template, key) in map.iter().filter(|(t, _)| t.contains("%{")) {
        if let Some(args) = match_template(template, text) {
            let mut out = (*key).to_string();
            for (name, value) in args {
                let value = match map.get(&value) {
                    Some(k) => format!("@{k}"),
                    None if banner_arg_ok(&value) && !value.starts_with('@') => value,
                    None => return None,
                };
                out.push('|');
                out.push_str(&name);
                out.push('=');
                out.push_str(&value);
            }
            return Some(out);
        }
    }
    None
}

/// Matches `text` against a template with `%{name}` holes; the holes' values.
#[cfg(feature = "ssr")]
fn match_template(template: &str, text: &str) -> Option<Vec<(String, String)>> {
    let mut names = Vec::new();
    let mut literals = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("%{") {
        literals.push(&rest[..start]);
        let end = rest[start..].find('}')? + start;
        names.push(rest[start + 2..end].to_string());
        rest = &rest[end + 1..];
    }
    literals.push(rest);
    let mut t = text.strip_prefix(literals[0])?;
    let mut values = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let next = literals[i + 1];
        let at = if next.is_empty() {
            if i + 1 == names.len() {
                t.len()
            } else {
                return None;
            }
        } else {
            t.find(next)?
        };
        values.push((name.clone(), t[..at].to_string()));
        t = &t[at..];
        t = t.strip_prefix(next)?;
    }
    t.is_empty().then_some(values)
}

/// What a failed plain form carries back in `?err=`: the keys of its fixed messages
/// (with number-like arguments), never the text itself, so that no address can make
/// the portal show words of someone else's choosing. A message that is not a fixed one
/// becomes the general message of its status.
#[cfg(feature = "ssr")]
pub fn encode_banner(message: &str, status: u16) -> String {
    let locale = current_locale();
    let parts: Vec<String> = message
        .split('；')
        .map(|m| match_message(locale, m))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_default();
    if parts.is_empty() {
        match status {
            401 => "error.unauthorized".into(),
            403 => "error.forbidden".into(),
            404 => "trust.banner_not_found".into(),
            409 => "trust.banner_conflict".into(),
            429 => "trust.banner_busy".into(),
            500.. => "error.internal".into(),
            _ => "trust.banner_bad".into(),
        }
    } else {
        parts.join("~")
    }
}

/// The text of a banner named in the address (see [`encode_banner`]); `None` for
/// anything that is not a fixed message with acceptable arguments.
pub fn decode_banner(encoded: &str) -> Option<String> {
    let mut out = Vec::new();
    for part in encoded.split('~').take(8) {
        let mut pieces = part.split('|');
        let key = pieces.next()?;
        if !banner_key_ok(key) {
            return None;
        }
        let text = tr(key);
        if text == key || text.ends_with(key) {
            return None;
        }
        let mut args: Vec<(String, String)> = Vec::new();
        for p in pieces.take(4) {
            let (name, value) = p.split_once('=')?;
            if !banner_arg_ok(value)
                || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return None;
            }
            let value = match value.strip_prefix('@') {
                Some(k) => {
                    let t = tr(k);
                    if t == k || t.ends_with(k) {
                        return None;
                    }
                    t
                }
                None => value.to_string(),
            };
            args.push((name.to_string(), value));
        }
        out.push(fill(&text, &args));
    }
    (!out.is_empty()).then(|| out.join("；"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banners_carry_keys_and_number_like_arguments_only() {
        let m = tr_args("msg.accounts_api.m9", &[("left", "3".into())]);
        let e = encode_banner(&m, 400);
        assert_eq!(e, "msg.accounts_api.m9|left=3");
        assert_eq!(decode_banner(&e).as_deref(), Some(m.as_str()));
        // A not-found names its noun by reference to another fixed message.
        let nf = tr_args("error.not_found", &[("what", tr("msg.wishes_api.m4"))]);
        let e = encode_banner(&nf, 404);
        assert!(e.starts_with("error.not_found|what=@"), "{e}");
        assert_eq!(decode_banner(&e).as_deref(), Some(nf.as_str()));
        // Free text is never carried: it becomes the status's general message.
        assert_eq!(
            encode_banner("请拨打 400-123 联系客服", 400),
            "trust.banner_bad"
        );
        // An address cannot make a banner say something of its own.
        assert_eq!(decode_banner("请拨打客服"), None);
        assert_eq!(decode_banner("msg.accounts_api.m9|left=请拨打客服"), None);
        assert_eq!(decode_banner("tab.map"), None);
        assert_eq!(decode_banner("msg.nope.nothing"), None);
        assert_eq!(decode_banner("msg.accounts_api.m9|left=@tab.map"), None);
    }

    #[test]
    fn chinese_is_the_default_and_english_exists() {
        assert_eq!(tr_in(Locale::ZhCn, "tab.map"), "地图");
        assert_eq!(tr_in(Locale::En, "tab.map"), "Map");
    }

    /// Every key the code asks for exists in both files: a missing one would show its raw
    /// name (“me.bookings”) to a resident. The code is read at test time, so a new page
    /// is covered without listing it anywhere.
    #[test]
    fn every_key_the_code_uses_exists() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        assert!(files.len() > 40);
        let zh = keys_of(include_str!("../locales/zh-CN.yml"));
        let en = keys_of(include_str!("../locales/en.yml"));
        let mut used = 0;
        let mut missing = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            for call in [
                "tr(\"",
                "tr_args(\"",
                "tr_in(crate::prefs::Locale::ZhCn, \"",
                "Notice::new(\"",
                "=> \"",
            ] {
                for (i, _) in text.match_indices(call) {
                    let rest = &text[i + call.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let key = &rest[..end];
                    let looks_like_key = key.contains('.')
                        && key.split('.').all(|p| {
                            !p.is_empty()
                                && p.chars().all(|c| {
                                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
                                })
                        });
                    if !looks_like_key {
                        continue;
                    }
                    used += 1;
                    if !zh.contains(&key) || !en.contains(&key) {
                        missing.push(format!("{}: {key}", f.display()));
                    }
                }
            }
        }
        assert!(used > 200, "only {used} keys found: the scan is broken");
        assert!(
            missing.is_empty(),
            "keys missing from the locale files: {missing:#?}"
        );
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
