//! Accounts: phone numbers, roles, one-time-code rules and who may act where.
//! Plain data and plain functions, tested without a database.

use crate::message::Msg;
use serde::{Deserialize, Serialize};

/// A mainland China mobile number: 11 digits, `1[3-9]` then nine digits. Cannot hold
/// anything else.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    /// Accepts the ways people type a number (spaces, dashes, a +86 or 86 prefix).
    pub fn parse(input: &str) -> Result<Phone, Msg> {
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
            Err(Msg::new("login.phone_required"))
        } else {
            Err(Msg::new("login.phone_invalid"))
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
    /// At most this many codes requested from one client address per hour. Sized for
    /// carrier-grade NAT (thousands of phones behind one address on Chinese mobile
    /// networks): the per-number limits below are what stop guessing.
    /// (The default of `LINLI_CODES_PER_ADDRESS_HOUR`, `Config::codes_per_address_hour`.)
    pub const PER_IP_PER_HOUR: i64 = 600;
    /// At most this many codes texted to one number in a rolling day, whoever asks:
    /// nobody can make the portal pester a stranger's phone, and with five tries a code
    /// no one gets more than 100 guesses at a number's codes a day (1 in 10,000).
    pub const CODES_PER_DAY: i64 = 20;
    /// ... and at most this many of them for one requester (client address): one
    /// requester cannot use up the number's day, so its owner still gets a code.
    pub const CODES_PER_DAY_PER_REQUESTER: i64 = 5;
    /// Wrong codes that lock a requester out of a number (codes are bound to the
    /// requester that asked for them, so these are its own codes): this many in a
    /// rolling hour lock it for the rest of that hour ...
    pub const FAILS_PER_HOUR: usize = 10;
    /// ... and this many in a rolling day for the rest of that day.
    pub const FAILS_PER_DAY: usize = 20;
    /// Sessions last thirty days from sign-in.
    pub const SESSION_SECS: i64 = 30 * 24 * 3600;
}

/// Until when a number is locked, given the times of its wrong codes in the last day
/// (any order): the rolling hour's and the rolling day's limits, whichever ends later.
/// A failure stamped after `now` counts too: a concurrent request that read its clock a
/// second later may have committed it first.
pub fn locked_until(failures: &[i64], now: i64) -> Option<i64> {
    let mut recent: Vec<i64> = failures
        .iter()
        .copied()
        .filter(|t| *t > now - 86_400)
        .collect();
    recent.sort_unstable_by(|a, b| b.cmp(a));
    let window = |n: usize, secs: i64| {
        let in_window = recent.iter().filter(|t| **t > now - secs).count();
        (in_window >= n).then(|| recent[n - 1] + secs)
    };
    let hour = window(code_rules::FAILS_PER_HOUR, 3_600);
    let day = window(code_rules::FAILS_PER_DAY, 86_400);
    hour.max(day).filter(|until| *until > now)
}

/// The key a client address is counted under: an IPv4 address as it is, an IPv6
/// address by its /64 (one subscriber gets a whole /64 and can pick any address in it).
pub fn address_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        },
    }
}

/// The network a client address key ([`address_key`]) is counted under for the
/// per-network code budget: an IPv4 address's /24, an IPv6 /64's /48. `None` for a key
/// that is neither (an unknown client).
pub fn network_key(client: &str) -> Option<String> {
    if let Ok(v4) = client.parse::<std::net::Ipv4Addr>() {
        let o = v4.octets();
        return Some(format!("net:{}.{}.{}.0/24", o[0], o[1], o[2]));
    }
    let v6: std::net::Ipv6Addr = client.strip_suffix("/64")?.parse().ok()?;
    let s = v6.segments();
    let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0);
    Some(format!("net:{net}/48"))
}

/// The key the portal's own hourly code budget is counted under.
pub const ALL_CLIENTS_KEY: &str = "all";

/// The client's address behind trusted reverse proxies: the peer itself unless it is
/// trusted; then the right-most `X-Forwarded-For` entry (over every header line, in
/// order) that is not a trusted proxy. A malformed entry ends the walk at the last
/// trusted hop, so a client can never choose its own key by writing the header.
pub fn client_address(
    peer: std::net::IpAddr,
    forwarded_for: &[&str],
    is_trusted: impl Fn(std::net::IpAddr) -> bool,
) -> std::net::IpAddr {
    if !is_trusted(peer) {
        return peer;
    }
    let mut last = peer;
    let entries: Vec<&str> = forwarded_for
        .iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .collect();
    for entry in entries.iter().rev() {
        let Some(ip) = parse_hop(entry) else {
            return last;
        };
        if !is_trusted(ip) {
            return ip;
        }
        last = ip;
    }
    last
}

/// One `X-Forwarded-For` entry: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:443`.
fn parse_hop(entry: &str) -> Option<std::net::IpAddr> {
    if let Ok(ip) = entry.parse() {
        return Some(ip);
    }
    entry.parse::<std::net::SocketAddr>().ok().map(|s| s.ip())
}

/// Checks the shape of a typed code: exactly six digits (spaces ignored).
pub fn parse_code(input: &str) -> Result<String, Msg> {
    let code: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(Msg::new("login.code_format"))
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
    /// Verified by their community's staff (or a verified team's leader): may claim
    /// wishes. Staff and admins count as verified.
    pub verified: bool,
    /// A team this person asked to join, waiting for approval.
    pub team_pending: Option<i64>,
    /// One of the demo identities or demo city's people (refused when demo mode is off).
    pub demo: bool,
}

impl CurrentUser {
    /// May claim wishes: a volunteer verified by their community (staff and admins are
    /// known by the grant of their role).
    pub fn may_claim(&self) -> bool {
        self.role != Role::Resident || (self.volunteer && self.verified)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Staff of a community or an admin: the one check of "is this person staff" (pages,
    /// server functions and downloads all ask it).
    pub fn is_staff(&self) -> bool {
        self.role != Role::Resident
    }

    /// Staff (or an admin) who may act in `community`.
    pub fn is_staff_of(&self, community_id: i64) -> bool {
        self.is_staff() && self.may_act_in(community_id)
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

/// A volunteer as the verification list shows them (number masked).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VolunteerRow {
    pub id: i64,
    pub display_name: String,
    pub masked_phone: String,
    pub real_name: String,
    pub verified: bool,
    pub team: Option<String>,
    /// The team this person asked to join, waiting for approval.
    pub team_pending: Option<String>,
}

/// A volunteer team (for example a 双报到 unit's service team).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamInfo {
    pub id: i64,
    pub name: String,
    pub unit: String,
}

/// A display name: trimmed, 1 to 20 characters, no control characters.
pub fn parse_display_name(input: &str) -> Result<String, Msg> {
    let s = input.trim();
    let n = s.chars().count();
    if n == 0 {
        Err(Msg::new("accounts.name_required"))
    } else if n > 20 {
        Err(Msg::new("accounts.name_too_long"))
    } else if s.chars().any(char::is_control) {
        Err(Msg::new("accounts.name_invalid"))
    } else {
        Ok(s.to_string())
    }
}

/// A real name as on an ID card, recorded when a volunteer is verified: 2 to 30
/// characters, no digits or control characters.
pub fn parse_real_name(input: &str) -> Result<String, Msg> {
    let s = input.trim();
    let n = s.chars().count();
    if !(2..=30).contains(&n) || s.chars().any(|c| c.is_control() || c.is_ascii_digit()) {
        Err(Msg::new("volunteers.real_name_invalid"))
    } else {
        Ok(s.to_string())
    }
}

/// A stored notice (我的 → 消息): a message key plus arguments, rendered in the reader's
/// language when read. The same type as every other message.
pub use crate::message::Msg as Notice;

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
            assert!(e.zh().contains("手机号码"), "{bad}: {e}");
        }
        assert_eq!(Phone::parse("").unwrap_err().zh(), "请输入手机号码");
    }

    #[test]
    fn numbers_are_masked_in_the_middle() {
        assert_eq!(Phone::parse("13812341234").unwrap().masked(), "138****1234");
        assert_eq!(mask_phone("short"), "***");
    }

    #[test]
    fn a_number_locks_after_ten_wrong_codes_in_an_hour_or_twenty_in_a_day() {
        let now = 1_000_000;
        let nine: Vec<i64> = (0..9).map(|i| now - i * 60).collect();
        assert_eq!(locked_until(&nine, now), None);
        let ten: Vec<i64> = (0..10).map(|i| now - i * 60).collect();
        // The tenth newest (540 s ago) leaves the hour 3,060 s from now.
        assert_eq!(locked_until(&ten, now), Some(now - 540 + 3_600));
        // Twenty spread over the day (one every 70 minutes): never ten in an hour, but
        // the day's limit holds until the oldest leaves the day.
        let twenty: Vec<i64> = (0..20).map(|i| now - i * 4_200).collect();
        assert_eq!(locked_until(&twenty, now), Some(now - 19 * 4_200 + 86_400));
        // Failures older than a day never count.
        let old: Vec<i64> = (0..30).map(|i| now - 86_400 - i).collect();
        assert_eq!(locked_until(&old, now), None);
        // A failure stamped a second later than this request's clock (a concurrent
        // guess that committed first, across a second boundary) still counts: otherwise
        // the request would see nine and record an eleventh.
        let mut racing: Vec<i64> = (1..10).map(|i| now - i * 60).collect();
        racing.push(now + 1);
        assert_eq!(locked_until(&racing, now), Some(now - 540 + 3_600));
    }

    #[test]
    fn the_client_is_the_right_most_untrusted_forwarded_hop() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let trusted = |a: std::net::IpAddr| a == ip("10.0.0.1") || a == ip("10.0.0.2");
        // A direct client's header is ignored.
        assert_eq!(
            client_address(ip("198.51.100.1"), &["1.1.1.1"], trusted),
            ip("198.51.100.1")
        );
        // Behind two proxies, a forged left-most entry is skipped.
        assert_eq!(
            client_address(
                ip("10.0.0.1"),
                &["6.6.6.6, 203.0.113.5", "10.0.0.2"],
                trusted
            ),
            ip("203.0.113.5")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), &["[2001:db8::1]:443"], trusted),
            ip("2001:db8::1")
        );
        // Garbage stops the walk at the last trusted hop.
        assert_eq!(
            client_address(ip("10.0.0.1"), &["x, 10.0.0.2"], trusted),
            ip("10.0.0.2")
        );
        assert_eq!(client_address(ip("10.0.0.1"), &[], trusted), ip("10.0.0.1"));
    }

    #[test]
    fn the_address_quota_default_matches_the_configuration() {
        assert_eq!(
            crate::config::Config::default().codes_per_address_hour,
            code_rules::PER_IP_PER_HOUR
        );
    }

    #[test]
    fn addresses_are_keyed_by_ipv4_or_ipv6_slash_64() {
        let k = |s: &str| address_key(s.parse().unwrap());
        assert_eq!(k("203.0.113.9"), "203.0.113.9");
        assert_eq!(k("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(k("2001:db8:1:2:bbbb::9"), k("2001:db8:1:2:aaaa::1"));
        assert_ne!(k("2001:db8:1:3::1"), k("2001:db8:1:2::1"));
        assert_eq!(k("::ffff:198.51.100.7"), "198.51.100.7");
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
            verified: false,
            team_pending: None,
            demo: false,
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
