//! Micro-wishes (微心愿) as plain rules: the wish life cycle as a state machine (who may take
//! which step, and where it leads), the checks on a new wish and on a fulfilment's note and
//! photo, and the categories. Tested without a database. Activities and points have their own
//! models.

use crate::message::Msg;
use serde::{Deserialize, Serialize};

pub const CATEGORIES: [&str; 5] = ["学习用品", "生活物资", "助老助残", "陪伴", "维修"];

/// The message naming a category in the reader's language (the stored value stays
/// Chinese); `None` for a value that is not one of [`CATEGORIES`].
pub fn category_label(c: &str) -> Option<Msg> {
    CATEGORIES
        .iter()
        .position(|x| *x == c)
        .map(|i| Msg::new(&format!("wishes.category_{i}")))
}

/// Days a volunteer has to fulfil a claimed wish before it returns to the pool, unless
/// `LINLI_CLAIM_DAYS` says otherwise.
pub const CLAIM_DAYS: i64 = 7;
/// Claims a volunteer may hold open at once: a volunteer cannot sweep up a street's
/// wishes (and their posters' contacts).
pub const MAX_OPEN_CLAIMS: i64 = 3;
/// Claims a volunteer may make in a rolling day.
pub const CLAIMS_PER_DAY: i64 = 5;
/// After withdrawing from a wish, the same volunteer may not claim it again for this
/// long (claim, read the contact, withdraw, repeat is not a way round the limits).
pub const COOLING_OFF_SECS: i64 = 3 * 86_400;
/// How long a recorded view of a wish's contact keeps it on the viewer's page.
pub const CONTACT_SHOWN_SECS: i64 = 10 * 60;

/// Points for a confirmed wish.
pub const WISH_POINTS: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WishStatus {
    /// Posted, waiting for staff review.
    Pending,
    Rejected,
    /// Public, waiting for a volunteer.
    Published,
    Claimed,
    /// The volunteer says it is done; the poster or staff confirm.
    Fulfilled,
    /// Confirmed: points credited.
    Confirmed,
    /// Withdrawn by the poster or closed by staff.
    Closed,
}

impl WishStatus {
    pub const ALL: [WishStatus; 7] = [
        WishStatus::Pending,
        WishStatus::Rejected,
        WishStatus::Published,
        WishStatus::Claimed,
        WishStatus::Fulfilled,
        WishStatus::Confirmed,
        WishStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WishStatus::Pending => "pending",
            WishStatus::Rejected => "rejected",
            WishStatus::Published => "published",
            WishStatus::Claimed => "claimed",
            WishStatus::Fulfilled => "fulfilled",
            WishStatus::Confirmed => "confirmed",
            WishStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The status word's message key (in the reader's language via `tr`).
    pub fn label_key(self) -> &'static str {
        match self {
            WishStatus::Pending => "wish_status.pending",
            WishStatus::Rejected => "wish_status.rejected",
            WishStatus::Published => "wish_status.published",
            WishStatus::Claimed => "wish_status.claimed",
            WishStatus::Fulfilled => "wish_status.fulfilled",
            WishStatus::Confirmed => "wish_status.confirmed",
            WishStatus::Closed => "wish_status.closed",
        }
    }

    /// Whether the public may see it.
    pub fn public(self) -> bool {
        matches!(
            self,
            WishStatus::Published
                | WishStatus::Claimed
                | WishStatus::Fulfilled
                | WishStatus::Confirmed
        )
    }
}

/// A step of a wish's life. Also what the wish page's forms post (`action=claim`, …):
/// the same enum decides the state machine, who may take the step, and which buttons
/// a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WishAction {
    /// Staff: publish a pending wish.
    Approve,
    /// Staff: refuse a pending wish, with a reason the poster sees.
    Reject,
    /// A volunteer takes the wish on.
    Claim,
    /// The claimant gives it back to the pool.
    Withdraw,
    /// The system returns a claim not fulfilled in time (never offered to a person).
    Expire,
    /// The claimant says it is done.
    Fulfil,
    /// The poster or staff confirm it was done: the claimant earns the points.
    Confirm,
    /// The poster or staff close a wish nobody has claimed.
    Close,
}

impl WishAction {
    /// Every step a person may be offered, in the order the page shows them.
    pub const OFFERED: [WishAction; 7] = [
        WishAction::Approve,
        WishAction::Reject,
        WishAction::Claim,
        WishAction::Fulfil,
        WishAction::Withdraw,
        WishAction::Confirm,
        WishAction::Close,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WishAction::Approve => "approve",
            WishAction::Reject => "reject",
            WishAction::Claim => "claim",
            WishAction::Withdraw => "withdraw",
            WishAction::Expire => "expire",
            WishAction::Fulfil => "fulfil",
            WishAction::Confirm => "confirm",
            WishAction::Close => "close",
        }
    }
}

/// Who a viewer is to one wish (several at once is possible: staff who posted it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Roles {
    pub poster: bool,
    pub claimant: bool,
    /// Staff (or an admin) of the wish's community.
    pub staff: bool,
    pub volunteer: bool,
}

/// Whether someone in these roles may take a step at all (the wish's state aside).
pub fn may(r: Roles, a: WishAction) -> bool {
    use WishAction::*;
    match a {
        Approve | Reject => r.staff,
        Claim => r.volunteer && !r.poster,
        Withdraw | Fulfil => r.claimant,
        Confirm | Close => r.poster || r.staff,
        Expire => false,
    }
}

/// The steps this viewer may take on a wish in this state: the buttons of its page.
pub fn steps_for(status: WishStatus, r: Roles) -> Vec<WishAction> {
    WishAction::OFFERED
        .into_iter()
        .filter(|a| may(r, *a) && next(status, *a).is_ok())
        .collect()
}

/// The wish life cycle. An illegal step gets a clear message.
pub fn next(from: WishStatus, action: WishAction) -> Result<WishStatus, Msg> {
    use WishAction::*;
    use WishStatus::*;
    match (from, action) {
        (Pending, Approve) => Ok(Published),
        (Pending, Reject) => Ok(Rejected),
        (Published, Claim) => Ok(Claimed),
        (Claimed, Claim) => Err(Msg::new("wishes.already_claimed")),
        (Claimed, Withdraw) | (Claimed, Expire) => Ok(Published),
        (Claimed, Fulfil) => Ok(Fulfilled),
        (Fulfilled, Confirm) => Ok(Confirmed),
        (Pending | Published, Close) => Ok(Closed),
        (Pending, Claim) => Err(Msg::new("wishes.still_pending")),
        (Rejected | Closed, _) => Err(Msg::new("wishes.already_closed")),
        (Confirmed, _) => Err(Msg::new("wishes.already_confirmed")),
        (_, Approve) | (_, Reject) => Err(Msg::new("wishes.review_not_pending")),
        (_, Fulfil) => Err(Msg::new("wishes.fulfil_not_claimed")),
        (_, Confirm) => Err(Msg::new("wishes.confirm_not_fulfilled")),
        (_, Withdraw) | (_, Expire) => Err(Msg::new("wishes.withdraw_not_claimed")),
        (_, Claim) => Err(Msg::new("wishes.not_claimable")),
        (_, Close) => Err(Msg::new("wishes.close_claimed")),
    }
}

/// A wish as posted: checked before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewWish {
    pub category: String,
    pub title: String,
    pub story: String,
    pub needs: String,
    /// Estimated value in yuan.
    pub value_yuan: i64,
    /// `YYYY-MM-DD`.
    pub deadline: String,
    pub contact: String,
    pub address: String,
}

impl NewWish {
    pub fn problems(&self, today: &str) -> Vec<Msg> {
        let mut p = Vec::new();
        let n = |s: &str| s.trim().chars().count();
        if !CATEGORIES.contains(&self.category.as_str()) {
            p.push(Msg::new("wishes.category_required"));
        }
        if n(&self.title) == 0 || n(&self.title) > 30 {
            p.push(Msg::new("wishes.title_length"));
        }
        if n(&self.story) == 0 || n(&self.story) > 500 {
            p.push(Msg::new("wishes.story_length"));
        }
        if n(&self.needs) == 0 || n(&self.needs) > 200 {
            p.push(Msg::new("wishes.needs_length"));
        }
        if !(0..=2000).contains(&self.value_yuan) {
            p.push(Msg::new("wishes.value_range"));
        }
        // At most a year ahead: a wish is a small, near need.
        let latest = today
            .get(..4)
            .and_then(|y| y.parse::<u32>().ok())
            .map(|y| format!("{}{}", y + 1, today.get(4..).unwrap_or_default()))
            .unwrap_or_default();
        match crate::util::parse_ymd(&self.deadline) {
            Some(d) if d.as_str() > latest.as_str() => p.push(Msg::new("wishes.deadline_too_far")),
            Some(d) if d.as_str() > today => {}
            Some(_) => p.push(Msg::new("wishes.deadline_past")),
            None => p.push(Msg::new("wishes.deadline_format")),
        }
        if n(&self.contact) < 5 || n(&self.contact) > 40 {
            p.push(Msg::new("wishes.contact_required"));
        }
        if n(&self.address) == 0 || n(&self.address) > 100 {
            p.push(Msg::new("wishes.address_required"));
        }
        p
    }
}

/// The claimant's note on how a wish was fulfilled.
pub fn check_fulfil_note(note: &str) -> Result<(), Msg> {
    if note
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(Msg::new("error.bad_char"));
    }
    let n = note.trim().chars().count();
    if n == 0 || n > 200 {
        Err(Msg::new("wishes.fulfil_note_length"))
    } else {
        Ok(())
    }
}

/// Fulfilment photos: at most 5 MiB (a phone photo), JPEG, PNG or WebP.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// The kinds of photo accepted, told by their first bytes (never by the name or the
/// type the browser claims).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhotoKind {
    Jpeg,
    Png,
    Webp,
}

impl PhotoKind {
    pub fn mime(self) -> &'static str {
        match self {
            PhotoKind::Jpeg => "image/jpeg",
            PhotoKind::Png => "image/png",
            PhotoKind::Webp => "image/webp",
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            PhotoKind::Jpeg => "jpg",
            PhotoKind::Png => "png",
            PhotoKind::Webp => "webp",
        }
    }

    pub fn from_mime(m: &str) -> Option<Self> {
        [PhotoKind::Jpeg, PhotoKind::Png, PhotoKind::Webp]
            .into_iter()
            .find(|k| k.mime() == m)
    }
}

/// Checks an uploaded photo: its size and, from its first bytes, its kind.
pub fn check_photo(bytes: &[u8]) -> Result<PhotoKind, Msg> {
    if bytes.is_empty() {
        return Err(Msg::new("wishes.photo_empty"));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(Msg::new("wishes.photo_too_large"));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok(PhotoKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok(PhotoKind::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Ok(PhotoKind::Webp)
    } else {
        Err(Msg::new("wishes.photo_type"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use WishAction::*;
    use WishStatus::*;

    #[test]
    fn the_buttons_follow_the_state_machine_and_the_roles() {
        let staff = Roles {
            staff: true,
            ..Roles::default()
        };
        let volunteer = Roles {
            volunteer: true,
            ..Roles::default()
        };
        let claimant = Roles {
            claimant: true,
            volunteer: true,
            ..Roles::default()
        };
        let poster = Roles {
            poster: true,
            volunteer: true,
            ..Roles::default()
        };
        assert_eq!(steps_for(Pending, staff), vec![Approve, Reject, Close]);
        assert_eq!(steps_for(Pending, volunteer), vec![]);
        assert_eq!(steps_for(Published, volunteer), vec![Claim]);
        // Nobody claims their own wish.
        assert_eq!(steps_for(Published, poster), vec![Close]);
        assert_eq!(steps_for(Claimed, claimant), vec![Fulfil, Withdraw]);
        assert_eq!(steps_for(Claimed, volunteer), vec![]);
        assert_eq!(steps_for(Fulfilled, poster), vec![Confirm]);
        assert_eq!(steps_for(Fulfilled, claimant), vec![]);
        for s in WishStatus::ALL {
            // Expiry is the system's alone; every offered step is one the machine allows.
            for r in [staff, volunteer, claimant, poster] {
                assert!(!steps_for(s, r).contains(&Expire));
                for a in steps_for(s, r) {
                    assert!(next(s, a).is_ok() && may(r, a));
                }
            }
        }
        for a in WishAction::OFFERED {
            let json = serde_json::to_string(&a).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", a.code()));
        }
    }

    #[test]
    fn the_happy_life_cycle() {
        let mut s = Pending;
        for a in [Approve, Claim, Fulfil, Confirm] {
            s = next(s, a).unwrap();
        }
        assert_eq!(s, Confirmed);
    }

    #[test]
    fn claims_return_to_the_pool_on_withdrawal_or_expiry() {
        assert_eq!(next(Claimed, Withdraw), Ok(Published));
        assert_eq!(next(Claimed, Expire), Ok(Published));
    }

    #[test]
    fn illegal_steps_are_refused_with_a_reason() {
        assert_eq!(next(Claimed, Claim).unwrap_err().zh(), "这个心愿已被认领");
        assert!(next(Pending, Claim).unwrap_err().zh().contains("审核"));
        assert!(next(Published, Confirm).is_err());
        assert!(next(Confirmed, Close).is_err());
        assert!(next(Rejected, Approve).is_err());
        assert!(next(Claimed, Close).is_err());
        for s in WishStatus::ALL {
            assert_eq!(WishStatus::parse(s.code()), Some(s));
        }
        assert!(!Pending.public() && Published.public() && !Rejected.public());
    }

    #[test]
    fn new_wishes_are_checked_field_by_field() {
        let ok = NewWish {
            category: "学习用品".into(),
            title: "想要一套课外书".into(),
            story: "孩子喜欢读书，家里条件有限。".into(),
            needs: "适合三年级的课外读物5本".into(),
            value_yuan: 100,
            deadline: "2026-12-31".into(),
            contact: "13812341234".into(),
            address: "华光路12号3单元".into(),
        };
        assert!(ok.problems("2026-11-26").is_empty());
        let mut bad = ok.clone();
        bad.title = "长".repeat(31);
        bad.category = "奢侈品".into();
        bad.deadline = "2026-11-01".into();
        bad.value_yuan = 99999;
        let p = bad
            .problems("2026-11-26")
            .iter()
            .map(Msg::zh)
            .collect::<Vec<_>>()
            .join("；");
        assert!(
            p.contains("标题") && p.contains("类别") && p.contains("截止") && p.contains("价值"),
            "{p}"
        );
    }

    #[test]
    fn photos_are_told_by_their_bytes_and_size() {
        assert_eq!(
            check_photo(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Ok(PhotoKind::Jpeg)
        );
        assert_eq!(check_photo(b"\x89PNG\r\n\x1a\n\0\0"), Ok(PhotoKind::Png));
        assert_eq!(check_photo(b"RIFF\0\0\0\0WEBPVP8 "), Ok(PhotoKind::Webp));
        // A script named photo.jpg is still a script.
        assert!(check_photo(b"<script>alert(1)</script>")
            .unwrap_err()
            .zh()
            .contains("JPG"));
        assert!(check_photo(b"GIF89a").is_err());
        assert!(check_photo(&[]).is_err());
        let mut big = vec![0xFF, 0xD8, 0xFF];
        big.resize(MAX_PHOTO_BYTES + 1, 0);
        assert!(check_photo(&big).unwrap_err().zh().contains("5MB"));
        for k in [PhotoKind::Jpeg, PhotoKind::Png, PhotoKind::Webp] {
            assert_eq!(PhotoKind::from_mime(k.mime()), Some(k));
        }
    }
}
