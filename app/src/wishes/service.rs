//! The wish life cycle as transactions: the model decides (`next`, `may`), the store
//! executes the transition it is handed, and the step's notices and points commit in the
//! same transaction. Called by the server functions and by the photo upload handler
//! alike, and by the jobs (claims that ran out). Also the reads behind the server
//! functions: the public list (its query checked, a typed place found among the
//! stations) and a wish as its viewer may see it (private parts only to those allowed).

use crate::accounts::model::{CurrentUser, Notice};
use crate::accounts::store::notify;
use crate::db::Db;
use crate::error::AppError;
use crate::message::Msg;
use crate::wishes::model::{may, next, Roles, WishAction, WishStatus, WISH_POINTS};
use crate::wishes::store::{self, Change, Wish};

/// Who `user` is to wish `w`.
pub fn roles(user: Option<&CurrentUser>, w: &Wish) -> Roles {
    match user {
        Some(u) => Roles {
            poster: u.id == w.poster_id,
            claimant: w.claimant_id == Some(u.id),
            staff: is_staff_of(u, w),
            volunteer: u.volunteer,
        },
        None => Roles::default(),
    }
}

/// Staff (or an admin) of the wish's community.
pub fn is_staff_of(user: &CurrentUser, w: &Wish) -> bool {
    user.is_staff_of(w.community_id)
}

/// The audit log's name of a read of a wish's contact.
pub const CONTACT_READ: &str = "read_wish_contact";

/// Who may ask to see a wish's contact (the poster sees their own without asking):
/// its current claimant while the claim lasts, and its community's staff.
pub fn may_reveal(w: &Wish, r: Roles) -> bool {
    !r.poster && (r.staff || (r.claimant && w.status == WishStatus::Claimed))
}

/// How the public list is ordered (the api's `WishSort`, decoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    Deadline,
    /// Nearest the point (`lat`/`lng`, or the place typed) first.
    Nearest,
}

/// The public list's query, decoded from the server function's arguments.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub category: Option<String>,
    pub community: Option<i64>,
    pub sort: Sort,
    /// Unclaimed only.
    pub open: bool,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// A place typed in instead of a position (see [`crate::stations::model::landmark`]).
    pub near: Option<String>,
}

/// The public list as stored, and the point distances are measured from, if any.
#[derive(Debug, Clone)]
pub struct Listed {
    pub wishes: Vec<Wish>,
    pub from: Option<crate::stations::model::LatLng>,
}

/// Returns the public wishes `q` asks for (at most 50), for the list page; a bad
/// category, point or place is a 400. The stations are read (through `stations`, the
/// cache) only to find a typed place.
pub async fn list(
    db: &Db,
    stations: &crate::stations::service::StationCache,
    q: ListQuery,
) -> Result<Listed, AppError> {
    use crate::stations::model::Whereabouts;
    use crate::wishes::store::{Filter, Order};
    if let Some(c) = &q.category {
        if !crate::wishes::model::CATEGORIES.contains(&c.as_str()) {
            return Err(AppError::bad(Msg::new("wishes.unknown_category")));
        }
    }
    let whereabouts =
        Whereabouts::from_query(q.lat, q.lng, q.near.as_deref()).map_err(AppError::BadRequest)?;
    let point = match whereabouts {
        Whereabouts::Unknown => None,
        Whereabouts::Position(p) => Some(p),
        Whereabouts::Place(_) => {
            let set = crate::stations::service::stations(stations, db).await?;
            whereabouts
                .resolve(&set.stations)
                .map_err(AppError::BadRequest)?
                .map(|l| l.point)
        }
    };
    let order = match (q.sort, point) {
        (Sort::Deadline, _) => Order::Deadline,
        (Sort::Nearest, Some(p)) => Order::Nearest {
            lat: p.lat,
            lng: p.lng,
        },
        (Sort::Nearest, None) => return Err(AppError::bad(Msg::new("wishes.sort_needs_point"))),
        (Sort::Newest, _) => Order::Newest,
    };
    let filter = Filter {
        community: q.community,
        category: q.category,
        team: None,
        open_only: q.open,
        order,
    };
    let wishes = store::public(db, &filter, 50).await?;
    Ok(Listed {
        wishes,
        from: point,
    })
}

/// A wish as its viewer may see it: the private parts only for those who may see them,
/// and the steps they may take.
#[derive(Debug, Clone)]
pub struct Shown {
    /// The whole wish: the api shows its public parts.
    pub wish: Wish,
    /// The poster's contact and address: for the poster, and for those who may ask to
    /// see it once they asked (recorded) within `CONTACT_SHOWN_SECS`.
    pub contact: Option<(String, String)>,
    pub may_reveal_contact: bool,
    pub reject_reason: String,
    pub fulfil_note: String,
    /// There is a fulfilment photo and the viewer may see it (poster, claimant, staff).
    pub photo: bool,
    pub team_id: Option<i64>,
    pub actions: Vec<WishAction>,
    pub can_claim_for_team: bool,
    pub signed_in: bool,
}

/// Returns wish `id` as `user` may see it at `now`, for its page; a wish not yet (or no
/// longer) public is a 404 to all but its poster and its community's staff.
pub async fn shown(
    db: &Db,
    user: Option<&CurrentUser>,
    id: i64,
    now: i64,
) -> Result<Shown, AppError> {
    let w = store::get(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("wishes.what_wish")))?;
    let roles = roles(user, &w);
    if !w.status.public() && !roles.poster && !roles.staff {
        return Err(AppError::NotFound(Msg::new("wishes.what_wish")));
    }
    let sees_private = roles.poster || roles.claimant || roles.staff;
    let revealable = may_reveal(&w, roles);
    let seen = match (user, revealable) {
        (Some(u), true) => {
            crate::audit::service::recorded_since(
                db,
                u.id,
                CONTACT_READ,
                &format!("wish:{}", w.id),
                now - crate::wishes::model::CONTACT_SHOWN_SECS,
            )
            .await?
        }
        _ => false,
    };
    let actions = crate::wishes::model::steps_for(w.status, roles);
    let has_team = user.is_some_and(|u| u.team_id.is_some());
    Ok(Shown {
        contact: (roles.poster || seen).then(|| (w.contact.clone(), w.address.clone())),
        may_reveal_contact: revealable && !seen,
        reject_reason: if roles.poster || roles.staff {
            w.reject_reason.clone()
        } else {
            String::new()
        },
        // How a wish was fulfilled is between the poster, the volunteer and staff: the
        // public page says only that it was.
        fulfil_note: if sees_private {
            w.fulfil_note.clone()
        } else {
            String::new()
        },
        photo: sees_private && w.has_photo,
        team_id: w.claim_team_id,
        can_claim_for_team: actions.contains(&WishAction::Claim) && has_team,
        actions,
        signed_in: user.is_some(),
        wish: w,
    })
}

/// What a step carries from the form: the note (reason of a refusal, how a wish was
/// fulfilled) and whether a claim is for the volunteer's team.
#[derive(Clone, Default)]
pub struct StepInput<'a> {
    pub note: &'a str,
    pub for_team: bool,
    /// A photo staged by the uploader (`wishes::photo::Staging`), tied to the wish with
    /// the step.
    pub photo: Option<i64>,
}

/// Takes one step of a wish's life for `user`. Refusals say why, in Chinese; a step that
/// lost a race to another is a 409.
pub async fn act(
    db: &Db,
    user: &CurrentUser,
    id: i64,
    action: WishAction,
    input: StepInput<'_>,
    now: i64,
    claim_days: i64,
) -> Result<(), AppError> {
    let w = store::get(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(Msg::new("wishes.what_wish_acted_on")))?;
    let r = roles(Some(user), &w);
    if !r.poster && !r.staff && !w.status.public() {
        return Err(AppError::NotFound(Msg::new("wishes.what_wish_acted_on")));
    }
    if !may(r, action) {
        return Err(match action {
            WishAction::Claim if r.poster => AppError::bad(Msg::new("wishes.claim_own")),
            WishAction::Claim => AppError::bad(Msg::new("wishes.volunteer_first")),
            WishAction::Withdraw | WishAction::Fulfil => {
                AppError::Conflict(Msg::new("wishes.not_your_claim"))
            }
            _ => AppError::Forbidden,
        });
    }
    let to = next(w.status, action).map_err(AppError::Conflict)?;
    if action == WishAction::Claim {
        if !user.may_claim() {
            return Err(AppError::Refused(Msg::new("wishes.claim_unverified")));
        }
        if w.deadline.as_str() < crate::time::date_of(now).as_str() {
            return Err(AppError::Conflict(Msg::new("wishes.claim_past_deadline")));
        }
    }
    // Nobody confirms their own work: staff who claimed a wish leave its confirmation
    // to the poster or to a colleague.
    if action == WishAction::Confirm && w.claimant_id == Some(user.id) {
        return Err(AppError::Refused(Msg::new("wishes.confirm_own_claim")));
    }
    let note = input.note.trim();
    let change = match action {
        WishAction::Reject => {
            if note.is_empty() || note.chars().count() > 200 || note.chars().any(char::is_control) {
                return Err(AppError::bad(Msg::new("wishes.reject_reason_required")));
            }
            Change::Reject { reason: note }
        }
        WishAction::Claim => {
            let team = match (input.for_team, user.team_id) {
                (true, None) => return Err(AppError::bad(Msg::new("wishes.no_team"))),
                (true, Some(t)) => Some(t),
                (false, _) => None,
            };
            Change::Claim {
                claimant: user.id,
                team,
                expires_at: now + claim_days * 86_400,
            }
        }
        WishAction::Withdraw => Change::Unclaim { claimant: user.id },
        WishAction::Expire => Change::Expire { claimant: user.id },
        WishAction::Fulfil => {
            crate::wishes::model::check_fulfil_note(note).map_err(AppError::BadRequest)?;
            Change::Fulfil {
                claimant: user.id,
                note,
            }
        }
        WishAction::Approve | WishAction::Confirm | WishAction::Close => Change::Status,
    };
    let mut tx = db.begin_write().await?;
    if action == WishAction::Claim {
        check_claim_limits(&mut tx, user.id, id, now).await?;
    }
    let moved = store::transition(&mut tx, id, w.status, to, change, now)
        .await?
        .ok_or_else(|| AppError::Conflict(Msg::new("wishes.status_changed")))?;
    match action {
        WishAction::Claim => store::record_claim(&mut tx, id, user.id, now).await?,
        WishAction::Withdraw => store::end_claim(&mut tx, id, user.id, "withdrawn", now).await?,
        WishAction::Fulfil => store::end_claim(&mut tx, id, user.id, "fulfilled", now).await?,
        _ => {}
    }
    // Staff steps are audited with the step, in its transaction (a poster's own steps
    // on their own wish are not staff actions).
    let staff_step = r.staff
        && !r.poster
        && matches!(
            action,
            WishAction::Approve | WishAction::Reject | WishAction::Confirm | WishAction::Close
        );
    if staff_step {
        crate::audit::store::record_step(
            &mut tx,
            crate::audit::model::Actor {
                id: user.id,
                community_id: Some(w.community_id),
            },
            &format!("wish_{}", action.code()),
            &format!("wish:{id}"),
            Some(serde_json::json!({ "status": w.status.code() })),
            Some(serde_json::json!({ "status": to.code(), "note": note })),
            now,
        )
        .await?;
    }
    let title = moved.title.as_str();
    match action {
        WishAction::Approve => {
            let n = Notice::new("notice.wish_approved").arg("title", title);
            notify(&mut tx, moved.poster, &n, now).await?;
        }
        WishAction::Reject => {
            let n = Notice::new("notice.wish_rejected")
                .arg("title", title)
                .arg("reason", note);
            notify(&mut tx, moved.poster, &n, now).await?;
        }
        WishAction::Claim => {
            let n = Notice::new("notice.wish_claimed").arg("title", title);
            notify(&mut tx, moved.poster, &n, now).await?;
        }
        WishAction::Withdraw | WishAction::Expire => {
            let n = Notice::new("notice.wish_withdrawn").arg("title", title);
            notify(&mut tx, moved.poster, &n, now).await?;
        }
        WishAction::Fulfil => {
            if let Some(p) = input.photo {
                if !store::attach_photo(&mut tx, id, p, user.id).await? {
                    return Err(AppError::Conflict(Msg::new("wishes.status_changed")));
                }
            }
            let n = Notice::new("notice.wish_fulfilled").arg("title", title);
            notify(&mut tx, moved.poster, &n, now).await?;
        }
        WishAction::Confirm => {
            if let Some(claimant) = w.claimant_id {
                crate::points::store::credit(
                    &mut tx,
                    claimant,
                    WISH_POINTS,
                    "圆梦微心愿",
                    &format!("wish:{id}"),
                    now,
                )
                .await?;
                let n = Notice::new("notice.wish_confirmed")
                    .arg("title", title)
                    .arg("points", WISH_POINTS);
                notify(&mut tx, claimant, &n, now).await?;
            }
        }
        WishAction::Close => {}
    }
    tx.commit().await?;
    Ok(())
}

/// The claim limits, counted after the claimer's row is locked: open claims, claims in
/// the rolling day, and the cooling-off period after withdrawing from this wish.
async fn check_claim_limits(
    tx: &mut sqlx::AnyConnection,
    user: i64,
    wish: i64,
    now: i64,
) -> Result<(), AppError> {
    use crate::wishes::model::{CLAIMS_PER_DAY, COOLING_OFF_SECS, MAX_OPEN_CLAIMS};
    store::lock_claimer(tx, user).await?;
    let (open, today) = store::claim_counts(tx, user, now - 86_400).await?;
    if open >= MAX_OPEN_CLAIMS {
        return Err(AppError::Conflict(
            Msg::new("wishes.claim_limit_open").arg("n", MAX_OPEN_CLAIMS),
        ));
    }
    if today >= CLAIMS_PER_DAY {
        return Err(AppError::TooManyRequests(
            Msg::new("wishes.claim_limit_daily").arg("n", CLAIMS_PER_DAY),
        ));
    }
    if store::withdrew_since(tx, wish, user, now - COOLING_OFF_SECS).await? {
        return Err(AppError::Conflict(
            Msg::new("wishes.claim_cooling_off")
                .arg("days", (COOLING_OFF_SECS / 86_400).to_string()),
        ));
    }
    Ok(())
}

/// Returns claims not fulfilled in time to the pool, telling both the poster and the
/// volunteer. Run by the jobs; safe in every process at once (each return is a
/// conditional update on the claim still being the same). Returns how many returned.
pub async fn expire_claims(db: &Db, now: i64) -> Result<usize, sqlx::Error> {
    let mut returned = 0;
    for (id, claimant) in store::expired_claims(db, now, 200).await? {
        let mut tx = db.begin_write().await?;
        let moved = store::transition(
            &mut tx,
            id,
            WishStatus::Claimed,
            WishStatus::Published,
            Change::Expire { claimant },
            now,
        )
        .await?;
        if let Some(m) = moved {
            store::end_claim(&mut tx, id, claimant, "expired", now).await?;
            let poster = Notice::new("notice.wish_claim_expired_poster").arg("title", &m.title);
            notify(&mut tx, m.poster, &poster, now).await?;
            let volunteer =
                Notice::new("notice.wish_claim_expired_volunteer").arg("title", &m.title);
            notify(&mut tx, claimant, &volunteer, now).await?;
            returned += 1;
        }
        tx.commit().await?;
    }
    Ok(returned)
}

/// Posts a wish (waiting for review) in the poster's community.
pub async fn post(
    db: &Db,
    user: &CurrentUser,
    w: &crate::wishes::model::NewWish,
    today: &str,
    now: i64,
) -> Result<i64, AppError> {
    let community = user
        .community_id
        .ok_or_else(|| AppError::bad(Msg::new("wishes.community_first")))?;
    let p = w.problems(today);
    if !p.is_empty() {
        return Err(AppError::BadRequest(
            Msg::join(p).unwrap_or_else(|| Msg::new("banner.bad")),
        ));
    }
    Ok(store::post(db, user.id, community, w, now).await?)
}

/// Moves photos that older versions kept as files in `dir` into the database, each in
/// its own transaction, and removes the file once it is stored. Safe to run again: a
/// photo already moved is skipped. Returns how many moved.
pub async fn import_photo_files(db: &Db, dir: &std::path::Path) -> Result<usize, sqlx::Error> {
    use crate::wishes::photo;
    let mut moved = 0;
    for p in photo::legacy_photos(db).await? {
        let Some(bytes) = photo::read_legacy_file(dir, &p.file) else {
            tracing::warn!(
                wish = p.wish,
                file = p.file,
                "photo file missing; left in place"
            );
            continue;
        };
        let mut tx = db.begin_write().await?;
        photo::store_legacy(&mut tx, &p, &bytes).await?;
        tx.commit().await?;
        let _ = std::fs::remove_file(dir.join(&p.file));
        moved += 1;
    }
    Ok(moved)
}

/// A fulfilment photo being received, staged chunk by chunk until the step ties it to the
/// wish (the store's handle; `server::http::photos` streams into it).
pub use crate::wishes::photo::Staging;

/// Starts staging a photo for `uploader`.
pub async fn stage_photo(db: &Db, uploader: i64, now: i64) -> Result<Staging, AppError> {
    Ok(Staging::begin(db, uploader, now).await?)
}

/// Drops a staged photo that no step took (a refused or broken upload).
pub async fn discard_photo(db: &Db, id: i64) -> Result<(), AppError> {
    Ok(crate::wishes::photo::discard(db, id).await?)
}

/// The wish exists, is `user`'s claim and may be fulfilled now: checked before a byte of
/// the photo is read. Another person's wish answers as one that does not exist.
pub async fn check_fulfillable(db: &Db, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let w = store::get(db, id)
        .await?
        .filter(|w| w.claimant_id == Some(user.id))
        .ok_or_else(|| AppError::NotFound(Msg::new("wishes.what_photo_wish")))?;
    next(w.status, WishAction::Fulfil).map_err(AppError::Conflict)?;
    Ok(())
}

/// A wish's fulfilment photo (id, kind, size) for those who may see it: the poster, the
/// claimant and the staff of its community; `None` for everyone else (whether a wish has
/// a photo is itself private).
pub async fn viewable_photo(
    db: &Db,
    user: &CurrentUser,
    wish_id: i64,
) -> Result<Option<(i64, crate::wishes::model::PhotoKind, i64)>, AppError> {
    let Some(w) = store::get(db, wish_id).await? else {
        return Ok(None);
    };
    let r = roles(Some(user), &w);
    if !(r.poster || r.claimant || r.staff) {
        return Ok(None);
    }
    Ok(store::photo(db, wish_id).await?)
}

/// One chunk of a stored photo (`None` past the last).
pub async fn photo_chunk(db: &Db, photo: i64, seq: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    crate::wishes::photo::chunk(db, photo, seq).await
}
