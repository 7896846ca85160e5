//! One message type from rule to reader: a locale key plus its arguments ([`Msg`]).
//!
//! Why: a rule in `model` or a service decides *what* to say; only the edge knows *who*
//! reads it and in which language. So every refusal, every validation problem, every
//! `AppError` and every stored notice carries a `Msg`, never rendered text, and the text is
//! made once, where it leaves the server: the JSON `message` of an error, a page's banner,
//! a notice in 我的, an SMS. The `?err=` banner of a plain form carries the key and its
//! (number-like) arguments, so no address can make the portal show words of someone
//! else's choosing, and nothing has to work back from a text to its key.
//!
//! Keys are named by meaning (`booking.slot_full`, `wishes.claim_limit`), and a unit test
//! in `i18n.rs` fails on a key named by file or number.

use serde::{Deserialize, Serialize};

/// A message: a key of `app/locales/*.yml`, the values of its `%{name}` placeholders, and
/// any further messages said after it (a form's several problems, joined by "；").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    pub key: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(String, Arg)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more: Vec<Msg>,
}

/// The value of a placeholder: text as given (a name, a number, a time), or another
/// message rendered in the same language (a noun such as "驿站"/"station").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arg {
    Text(String),
    Msg(Box<Msg>),
}

/// The most characters of a text argument a message keeps.
pub const ARG_CHARS: usize = 60;

/// Shorthand for [`Msg::new`].
pub fn msg(key: &str) -> Msg {
    Msg::new(key)
}

impl Msg {
    pub fn new(key: &str) -> Self {
        Msg {
            key: key.to_string(),
            args: Vec::new(),
            more: Vec::new(),
        }
    }

    /// Fills `%{name}` with a value as given, clipped to [`ARG_CHARS`] characters: a
    /// message may quote what was sent ("received: …"), never all of a huge value.
    pub fn arg(mut self, name: &str, value: impl ToString) -> Self {
        let mut v = value.to_string();
        if let Some((cut, _)) = v.char_indices().nth(ARG_CHARS) {
            v.truncate(cut);
            v.push('…');
        }
        self.args.push((name.to_string(), Arg::Text(v)));
        self
    }

    /// Fills `%{name}` with another message, rendered in the reader's language.
    pub fn arg_msg(mut self, name: &str, value: Msg) -> Self {
        self.args
            .push((name.to_string(), Arg::Msg(Box::new(value))));
        self
    }

    /// Several messages as one (said in order, joined by "；"); `None` for none.
    pub fn join(list: impl IntoIterator<Item = Msg>) -> Option<Msg> {
        let mut it = list.into_iter();
        let mut first = it.next()?;
        first.more.extend(it);
        Some(first)
    }

    /// This message and the ones said after it, in order.
    pub fn parts(&self) -> impl Iterator<Item = &Msg> {
        std::iter::once(self).chain(self.more.iter())
    }

    /// The text in a given language.
    pub fn render(&self, locale: crate::prefs::Locale) -> String {
        self.parts()
            .map(|m| m.render_one(locale))
            .collect::<Vec<_>>()
            .join("；")
    }

    fn render_one(&self, locale: crate::prefs::Locale) -> String {
        let args: Vec<(String, String)> = self
            .args
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Arg::Text(t) => t.clone(),
                    Arg::Msg(m) => m.render(locale),
                };
                (k.clone(), v)
            })
            .collect();
        crate::i18n::fill(&crate::i18n::tr_in(locale, &self.key), &args)
    }

    /// The text in the language of the request being answered (Chinese outside one).
    pub fn text(&self) -> String {
        self.render(crate::i18n::current_locale())
    }

    /// The arguments as the JSON object a stored notice keeps: text as strings, a message
    /// as an object `{"key", "args"}`.
    pub fn args_json(&self) -> String {
        serde_json::Value::Object(self.args_map()).to_string()
    }

    fn args_map(&self) -> serde_json::Map<String, serde_json::Value> {
        self.args
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Arg::Text(t) => serde_json::Value::String(t.clone()),
                    Arg::Msg(m) => serde_json::json!({
                        "key": m.key,
                        "args": serde_json::Value::Object(m.args_map()),
                    }),
                };
                (k.clone(), v)
            })
            .collect()
    }

    /// A notice as stored: unknown or malformed arguments are dropped, not fatal.
    pub fn from_stored(key: &str, args_json: &str) -> Self {
        let map = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(args_json)
            .unwrap_or_default();
        Msg {
            key: key.to_string(),
            args: Self::args_from(map, 0),
            more: Vec::new(),
        }
    }

    fn args_from(map: serde_json::Map<String, serde_json::Value>, depth: u8) -> Vec<(String, Arg)> {
        map.into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, Arg::Text(s))),
                serde_json::Value::Object(mut o) if depth < 2 => {
                    let key = o.remove("key")?.as_str()?.to_string();
                    let args = match o.remove("args") {
                        Some(serde_json::Value::Object(a)) => Self::args_from(a, depth + 1),
                        _ => Vec::new(),
                    };
                    Some((
                        k,
                        Arg::Msg(Box::new(Msg {
                            key,
                            args,
                            more: Vec::new(),
                        })),
                    ))
                }
                serde_json::Value::Number(n) => Some((k, Arg::Text(n.to_string()))),
                _ => None,
            })
            .collect()
    }

    /// The banner form for an address (`?err=`): `key|name=value` parts joined by `~`,
    /// a message argument as `@key`. `None` when an argument is not number-like (a name,
    /// free text): such a message must not travel in an address.
    pub fn to_banner(&self) -> Option<String> {
        let mut out = Vec::new();
        for m in self.parts().take(8) {
            if !banner_key_ok(&m.key) {
                return None;
            }
            let mut s = m.key.clone();
            for (name, value) in &m.args {
                let v = match value {
                    Arg::Text(t) if banner_arg_ok(t) => t.clone(),
                    Arg::Msg(inner) if inner.args.is_empty() && banner_key_ok(&inner.key) => {
                        format!("@{}", inner.key)
                    }
                    _ => return None,
                };
                s.push('|');
                s.push_str(name);
                s.push('=');
                s.push_str(&v);
            }
            out.push(s);
        }
        Some(out.join("~"))
    }

    /// A message named in an address ([`Msg::to_banner`]); `None` for anything that is not
    /// a known message key with acceptable arguments.
    pub fn from_banner(encoded: &str) -> Option<Msg> {
        let mut list = Vec::new();
        for part in encoded.split('~').take(8) {
            let mut pieces = part.split('|');
            let key = pieces.next()?;
            if !banner_key_ok(key) || !crate::i18n::has_key(key) {
                return None;
            }
            let mut m = Msg::new(key);
            for p in pieces.take(4) {
                let (name, value) = p.split_once('=')?;
                if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                    return None;
                }
                m = match value.strip_prefix('@') {
                    Some(k) if banner_key_ok(k) && crate::i18n::has_key(k) => {
                        m.arg_msg(name, Msg::new(k))
                    }
                    Some(_) => return None,
                    None if banner_arg_ok(value) => m.arg(name, value),
                    None => return None,
                };
            }
            list.push(m);
        }
        Msg::join(list)
    }
}

/// A key a banner may name: only messages of refusals and errors (the groups in
/// [`BANNER_GROUPS`]), never a page's own text.
fn banner_key_ok(key: &str) -> bool {
    key.len() <= 80
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
        && key
            .split_once('.')
            .is_some_and(|(group, _)| BANNER_GROUPS.contains(&group))
}

/// The locale groups whose messages may be named in an address.
pub const BANNER_GROUPS: &[&str] = &[
    "accounts",
    "activities",
    "banner",
    "booking",
    "city",
    "coverage",
    "dashboard",
    "desk",
    "error",
    "guide",
    "holidays",
    "hours",
    "login",
    "points",
    "stations",
    "teams",
    "transfer",
    "volunteers",
    "wishes",
];

/// A value a banner may carry from the address: a number, a time or a date (the "3 tries
/// left" kind).
fn banner_arg_ok(value: &str) -> bool {
    !value.is_empty()
        && value.chars().count() <= 16
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '-' | ' ' | '.'))
}

#[cfg(test)]
impl Msg {
    /// The Chinese text, for tests that check what a rule says.
    pub fn zh(&self) -> String {
        self.render(crate::prefs::Locale::ZhCn)
    }
}

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prefs::Locale;

    #[test]
    fn a_message_is_rendered_in_the_readers_language() {
        let m = Msg::new("error.not_found").arg_msg("what", Msg::new("error.unauthorized"));
        let zh = m.render(Locale::ZhCn);
        let en = m.render(Locale::En);
        assert_ne!(zh, en);
        assert!(!zh.contains("%{"), "{zh}");
        assert!(!en.contains("%{"), "{en}");
    }

    #[test]
    fn several_messages_are_said_in_order() {
        let m = Msg::join([Msg::new("error.forbidden"), Msg::new("error.internal")]).unwrap();
        let zh = m.render(Locale::ZhCn);
        assert_eq!(
            zh,
            format!(
                "{}；{}",
                Msg::new("error.forbidden").render(Locale::ZhCn),
                Msg::new("error.internal").render(Locale::ZhCn)
            )
        );
        assert_eq!(Msg::join(Vec::new()), None);
    }

    #[test]
    fn stored_notices_round_trip_with_nested_messages() {
        let n = Msg::new("notice.wish_claimed")
            .arg("title", "棉被\"一床")
            .arg_msg("what", Msg::new("error.forbidden"));
        assert_eq!(Msg::from_stored(&n.key, &n.args_json()), n);
        // Malformed arguments are dropped, never fatal.
        let m = Msg::from_stored("notice.wish_claimed", "{\"a\": [1], \"b\": 2}");
        assert_eq!(m.args, vec![("b".into(), Arg::Text("2".into()))]);
        assert_eq!(Msg::from_stored("k", "not json").args, vec![]);
    }

    #[test]
    fn a_quoted_value_is_clipped() {
        let m = Msg::new("error.not_found").arg("what", "长".repeat(100_000));
        let Arg::Text(t) = &m.args[0].1 else { panic!() };
        assert_eq!(t.chars().count(), ARG_CHARS + 1);
    }

    #[test]
    fn banners_carry_keys_and_number_like_arguments_only() {
        let m = Msg::new("error.not_found").arg_msg("what", Msg::new("error.forbidden"));
        let b = m.to_banner().unwrap();
        assert_eq!(b, "error.not_found|what=@error.forbidden");
        assert_eq!(Msg::from_banner(&b), Some(m));
        let two = Msg::join([Msg::new("error.forbidden"), Msg::new("error.internal")]).unwrap();
        assert_eq!(Msg::from_banner(&two.to_banner().unwrap()), Some(two));
        // Free text never travels; unknown keys and page texts are refused.
        assert_eq!(
            Msg::new("error.not_found")
                .arg("what", "任意文字")
                .to_banner(),
            None
        );
        assert_eq!(Msg::from_banner("error.not_found|what=任意"), None);
        assert_eq!(Msg::from_banner("error.no_such_key"), None);
        assert_eq!(Msg::from_banner("tab.map"), None);
        assert_eq!(Msg::from_banner("error.forbidden|x=@tab.map"), None);
        assert_eq!(Msg::from_banner(""), None);
    }
    #[test]
    fn banners_in_addresses_render_as_the_message_they_name() {
        let m = Msg::new("login.code_wrong").arg("left", 3);
        let e = m.to_banner().unwrap_or_default();
        assert_eq!(e, "login.code_wrong|left=3");
        assert_eq!(Msg::from_banner(&e).map(|m| m.text()), Some(m.text()));
        // A not-found names its noun by reference to another fixed message.
        let nf = Msg::new("error.not_found").arg_msg("what", Msg::new("wishes.what_wish"));
        let e = nf.to_banner().unwrap_or_default();
        assert!(e.starts_with("error.not_found|what=@"), "{e}");
        assert_eq!(Msg::from_banner(&e).map(|m| m.text()), Some(nf.text()));
        // An address cannot make a banner say something of its own.
        assert_eq!(Msg::from_banner("请拨打客服"), None);
        assert_eq!(Msg::from_banner("login.code_wrong|left=请拨打客服"), None);
    }
}
