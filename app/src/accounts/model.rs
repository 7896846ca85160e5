//! Accounts: phone numbers, roles, one-time-code rules and who may act where.
//! Plain data and plain functions, tested without a database.

use serde::{Deserialize, Serialize};

/// A mainland China mobile number: 11 digits, `1[3-9]` then nine digits. Cannot hold
/// anything else.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    /// Accepts the ways people type a number (spaces, dashes, a +86 or 86 prefix).
    pub fn parse(input: &str) -> Result<Phone, String> {
        let digits: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
            .collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| {
                if digits.len() == 13 {
                    digits.strip_prefix("86")
                } else {
                    None
                }
            })
            .unwrap_or(&digits);
        let b = digits.as_bytes();
        let ok = b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1]);
        if ok {
            Ok(Phone(digits.to_string()))
        } else if digits.is_empty() {
            Err(crate::i18n::tr("msg.accounts_model.m1"))
        } else {
            Err(crate::i18n::tr("msg.accounts_model.m2"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****1234`: what everyone but the owner and the staff who need it sees.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// Masks the middle four digits of an 11-digit number; anything else is fully hidden.
pub fn mask_phone(s: &str) -> String {
    if s.len() == 11 && s.is_ascii() {
        format!("{}****{}", &s[..3], &s[7..])
    } else {
        "***".into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Resident,
    Staff,
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Staff => "staff",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "resident" => Some(Role::Resident),
            "staff" => Some(Role::Staff),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Role::Resident => "role.resident",
            Role::Staff => "role.staff",
            Role::Admin => "role.admin",
        }
    }
}

/// The rules of one-time codes, in one place.
pub mod code_rules {
    /// A code lives five minutes.
    pub const TTL_SECS: i64 = 5 * 60;
    /// Five wrong tries lock the code.
    pub const MAX_ATTEMPTS: i64 = 5;
    /// At most one code per number per minute.
    pub const RESEND_SECS: i64 = 60;
    /// At most this many codes requested from one IP address per hour.
    pub const PER_IP_PER_HOUR: i64 = 20;
    /// Sessions last thirty days from sign-in.
    pub const SESSION_SECS: i64 = 30 * 24 * 3600;
}

/// Checks the shape of a typed code: exactly six digits (spaces ignored).
pub fn parse_code(input: &str) -> Result<String, String> {
    let code: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(crate::i18n::tr("msg.accounts_model.m3"))
    }
}

/// The signed-in person, as pages and server functions see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    /// The owner's own number, unmasked: this struct is only ever sent to its owner.
    pub phone: String,
    pub display_name: String,
    pub role: Role,
    pub volunteer: bool,
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
    /// For staff: the one community they act in.
    pub community_id: Option<i64>,
    pub community_name: Option<String>,
}

impl CurrentUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Staff act only in their own community; admins anywhere; residents nowhere.
    pub fn may_act_in(&self, community_id: i64) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Staff => self.community_id == Some(community_id),
            Role::Resident => false,
        }
    }
}

/// A volunteer team (for example a 双报到 unit's service team).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamInfo {
    pub id: i64,
    pub name: String,
    pub unit: String,
}

/// A display name: trimmed, 1 to 20 characters, no control characters.
pub fn parse_display_name(input: &str) -> Result<String, String> {
    let s = input.trim();
    let n = s.chars().count();
    if n == 0 {
        Err(crate::i18n::tr("msg.accounts_model.m4"))
    } else if n > 20 {
        Err(crate::i18n::tr("msg.accounts_model.m5"))
    } else if s.chars().any(char::is_control) {
        Err(crate::i18n::tr("msg.accounts_model.m6"))
    } else {
        Ok(s.to_string())
    }
}

/// A notice to a person (shown under 我的): a message key of the locale files and its
/// arguments, stored as such and rendered in the reader's language when read, so that
/// an English reader never sees a Chinese notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub key: String,
    pub args: Vec<(String, String)>,
}

impl Notice {
    pub fn new(key: &str) -> Self {
        Notice {
            key: key.to_string(),
            args: Vec::new(),
        }
    }

    /// Adds an argument, filled into the text's `%{name}`.
    pub fn arg(mut self, name: &str, value: impl ToString) -> Self {
        self.args.push((name.to_string(), value.to_string()));
        self
    }

    /// The notice in the reader's language.
    pub fn text(&self, locale: crate::prefs::Locale) -> String {
        crate::i18n::fill(&crate::i18n::tr_in(locale, &self.key), &self.args)
    }

    /// The arguments as the JSON object they are stored as.
    pub fn args_json(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .args
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    /// A notice as stored: unknown or malformed arguments are dropped, not fatal.
    pub fn from_stored(key: &str, args_json: &str) -> Self {
        let args = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(args_json)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => (k, s),
                other => (k, other.to_string()),
            })
            .collect();
        Notice {
            key: key.to_string(),
            args,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_round_trip_through_their_stored_form() {
        let n = Notice::new("notice.wish_claimed").arg("title", "棉被\"一床");
        assert_eq!(Notice::from_stored(&n.key, &n.args_json()), n);
        assert_eq!(Notice::from_stored("k", "not json").args, vec![]);
    }

    #[test]
    fn mainland_mobiles_parse_in_the_forms_people_type() {
        for ok in [
            "13812341234",
            "138 1234 1234",
            "+8613812341234",
            "8619912341234",
            "138-1234-1234",
        ] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            Phone::parse("+86 138 1234 1234").unwrap().as_str(),
            "13812341234"
        );
    }

    #[test]
    fn other_numbers_get_a_chinese_message() {
        for bad in [
            "1381234123",
            "138123412345",
            "12812341234",
            "23812341234",
            "1381234123a",
            "0533-1234567",
        ] {
            let e = Phone::parse(bad).unwrap_err();
            assert!(e.contains("手机号码"), "{bad}: {e}");
        }
        assert_eq!(Phone::parse("").unwrap_err(), "请输入手机号码");
    }

    #[test]
    fn numbers_are_masked_in_the_middle() {
        assert_eq!(Phone::parse("13812341234").unwrap().masked(), "138****1234");
        assert_eq!(mask_phone("short"), "***");
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(parse_code(" 123 456 ").unwrap(), "123456");
        assert!(parse_code("12345").is_err());
        assert!(parse_code("12345a").is_err());
        assert!(parse_code("1234567").is_err());
    }

    #[test]
    fn staff_act_only_in_their_own_community() {
        let mut u = CurrentUser {
            id: 1,
            phone: "13812341234".into(),
            display_name: "张三".into(),
            role: Role::Staff,
            volunteer: false,
            team_id: None,
            team_name: None,
            community_id: Some(7),
            community_name: None,
        };
        assert!(u.may_act_in(7));
        assert!(!u.may_act_in(8));
        u.role = Role::Resident;
        assert!(!u.may_act_in(7));
        u.role = Role::Admin;
        assert!(u.may_act_in(8));
    }

    #[test]
    fn roles_round_trip() {
        for r in [Role::Resident, Role::Staff, Role::Admin] {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn display_names_are_checked() {
        assert_eq!(parse_display_name("  王阿姨 ").unwrap(), "王阿姨");
        assert!(parse_display_name("").is_err());
        assert!(parse_display_name(&"名".repeat(21)).is_err());
        assert!(parse_display_name("a\u{0007}b").is_err());
    }
}
