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

/// Whether `key` is a key of the locale files (a missing key renders as itself).
pub fn has_key(key: &str) -> bool {
    let t = tr_in(Locale::ZhCn, key);
    t != key && !t.ends_with(key)
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
    let mut s = plurals(text, |name| {
        args.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    });
    for (name, value) in args {
        s = s.replace(&format!("%{{{name}}}"), value);
    }
    s
}

/// The text for `key` with `%{name}` placeholders filled in.
pub fn tr_args(key: &str, args: &[(&str, String)]) -> String {
    let mut s = plurals(&tr(key), |name| {
        args.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    });
    for (name, value) in args {
        s = s.replace(&format!("%{{{name}}}"), value);
    }
    s
}

/// English nouns counted by a placeholder, made whole words before the values go in:
/// `%{n} visit(s)` is "1 visit" or "3 visits", `%{c} copy(ies)` "1 copy" or "2 copies",
/// `%{days} working day(s)` "1 working day". The count is the placeholder at most two
/// words before the noun; without one the plural is said. Works on the template only,
/// so no value typed by someone (a station's name) is ever changed.
fn plurals<'a>(template: &str, value: impl Fn(&str) -> Option<&'a str>) -> String {
    if !template.contains("(s)") && !template.contains("(ies)") {
        return template.to_string();
    }
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find('(') {
        let (before, after) = rest.split_at(at);
        let (mark, plural, singular_cut) = if after.starts_with("(s)") {
            ("(s)", "s", 0)
        } else if after.starts_with("(ies)") && before.ends_with('y') {
            ("(ies)", "ies", 1)
        } else {
            out.push_str(before);
            out.push('(');
            rest = &after[1..];
            continue;
        };
        // The placeholder counting this noun: within the two words before it.
        let words: Vec<&str> = before.split_whitespace().rev().skip(1).take(2).collect();
        let one = words
            .iter()
            .find_map(|w| {
                let name = w.strip_prefix("%{")?.strip_suffix('}')?;
                Some(value(name).map(str::trim) == Some("1"))
            })
            .unwrap_or(false);
        if one {
            out.push_str(before);
        } else {
            out.push_str(&before[..before.len() - singular_cut]);
            out.push_str(plural);
        }
        rest = &after[mark.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_english_nouns_are_whole_words() {
        let f = |t: &str, args: &[(&str, &str)]| {
            let a: Vec<(String, String)> = args
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            fill(t, &a)
        };
        assert_eq!(f("%{n} visit(s)", &[("n", "1")]), "1 visit");
        assert_eq!(f("%{n} visit(s)", &[("n", "3")]), "3 visits");
        assert_eq!(f("%{n} visit(s)", &[("n", "0")]), "0 visits");
        assert_eq!(
            f(
                "done within %{days} working day(s), %{n} document(s).",
                &[("days", "1"), ("n", "2")]
            ),
            "done within 1 working day, 2 documents."
        );
        assert_eq!(f("leave %{c} copy(ies)", &[("c", "1")]), "leave 1 copy");
        assert_eq!(f("leave %{c} copy(ies)", &[("c", "2")]), "leave 2 copies");
        // A value typed by someone is never changed; other brackets stay.
        assert_eq!(
            f("%{name} (%{n} seat(s))", &[("name", "Tom(s)"), ("n", "1")]),
            "Tom(s) (1 seat)"
        );
        assert_eq!(f("(0 = on the spot)", &[]), "(0 = on the spot)");
        // Every English text with a counted noun reads whole with 1 and with 2.
        for key in all_keys() {
            let text = tr_in(Locale::En, key);
            if text.contains("(s)") || text.contains("(ies)") {
                for n in ["1", "2"] {
                    let names: Vec<(String, String)> = text
                        .split("%{")
                        .skip(1)
                        .filter_map(|p| p.split('}').next())
                        .map(|k| (k.to_string(), n.to_string()))
                        .collect();
                    let out = fill(&text, &names);
                    assert!(
                        !out.contains("(s)") && !out.contains("(ies)"),
                        "{key}: {out}"
                    );
                }
            }
        }
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
                "Msg::new(\"",
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

    /// Keys say what they mean (`booking.slot_full`, `wishes.claim_limit`): never a file
    /// and a number (`msg.wishes_api.m4`), a milestone (`trust.`, `office.`) or a bare
    /// letter-and-number segment.
    #[test]
    fn keys_are_named_by_meaning() {
        let numbered = |seg: &str| {
            let b = seg.as_bytes();
            b.len() >= 2 && b[0].is_ascii_lowercase() && b[1..].iter().all(u8::is_ascii_digit)
        };
        let mut bad = Vec::new();
        for key in crate::i18n::all_keys() {
            let segs: Vec<&str> = key.split('.').collect();
            let by_file = segs.iter().any(|s| {
                ["_api", "_model", "_service", "_store", "_pages"]
                    .iter()
                    .any(|f| s.ends_with(f))
            });
            let milestone = matches!(segs[0], "msg" | "trust" | "office" | "misc");
            if segs.iter().any(|s| numbered(s)) || by_file || milestone {
                bad.push(key);
            }
        }
        assert!(
            bad.is_empty(),
            "keys named by file, number or milestone: {bad:?}"
        );
        // The rule itself: these would fail.
        assert!(numbered("m4") && numbered("g12") && !numbered("m") && !numbered("c0x"));
    }
}
