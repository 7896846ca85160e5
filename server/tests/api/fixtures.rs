//! Fixtures and facts, named by what they mean: with helpers.rs, where the tests' SQL is.
//!
//! Three kinds of helper live here, as methods of [`TestApp`]:
//!
//! - fixtures that set a test up: through the portal's own routes where one exists (a
//!   wish is posted and approved as people do it), else through the app's store;
//! - facts read back to check them, one method per fact (`app.wish_status(id)`), and
//!   [`TestApp::rows`] for plain counts of a fixed list of tables;
//! - tampering: changes the portal itself would never make, mostly moving the clock
//!   (a deadline in the past, a slot moved to tonight). Each says so with `// tamper:`.
//!
//! A tamper used once stays in its test, marked `// tamper:` on the line above, and
//! `scripts/test-sql.py` fails on any other SQL in a test file. Every statement is
//! written for both databases (`$1` placeholders through sqlx's Any driver).

use crate::helpers::{post, TestApp};
use app::db::Db;
use sqlx::any::AnyRow;

/// The tables whose rows are counted as they are (see [`TestApp::rows`]).
#[derive(Debug, Clone, Copy)]
pub enum Table {
    AuditLog,
    Activities,
    BookingSchedules,
    Bookings,
    CatalogueItems,
    IpThrottle,
    LoginFailures,
    PhotoChunks,
    Photos,
    PointsLedger,
    Rewards,
    Sessions,
    SpecialDays,
    Stations,
    Streets,
    Teams,
    Users,
    Wishes,
}

impl Table {
    /// The table's name in the schema.
    pub fn name(self) -> &'static str {
        match self {
            Table::AuditLog => "audit_log",
            Table::Activities => "activities",
            Table::BookingSchedules => "booking_schedules",
            Table::Bookings => "bookings",
            Table::CatalogueItems => "catalogue_items",
            Table::IpThrottle => "ip_throttle",
            Table::LoginFailures => "login_failures",
            Table::PhotoChunks => "photo_chunks",
            Table::Photos => "photos",
            Table::PointsLedger => "points_ledger",
            Table::Rewards => "rewards",
            Table::Sessions => "sessions",
            Table::SpecialDays => "special_days",
            Table::Stations => "stations",
            Table::Streets => "streets",
            Table::Teams => "teams",
            Table::Users => "users",
            Table::Wishes => "wishes",
        }
    }
}

/// What the live code keeps true of its rows; [`TestApp::breaches`] counts the rows
/// that break one.
#[derive(Debug, Clone, Copy)]
pub enum Invariant {
    /// A slot's `booked` is its bookings that are not cancelled (a no-show keeps its seat).
    SlotBookedIsItsBookings,
    /// A slot's `booked` is between 0 and its capacity.
    SlotWithinCapacity,
    /// Nobody's points sum below zero.
    NoNegativeBalance,
    /// No reward's stock is negative.
    NoNegativeStock,
    /// A wish has a claimant exactly when its state says so.
    ClaimantMatchesStatus,
    /// A claimed wish has exactly one open claim on record, by its claimant.
    OneOpenClaimPerClaimedWish,
    /// Nobody holds more than three open claims.
    AtMostThreeOpenClaims,
    /// No activity has more confirmed sign-ups than places.
    ActivityWithinPlaces,
}

impl Invariant {
    /// How many rows break it.
    fn breaches_sql(self) -> &'static str {
        match self {
            Invariant::SlotBookedIsItsBookings => {
                "SELECT COUNT(*) FROM booking_slots s WHERE s.booked <> \
                 (SELECT COUNT(*) FROM bookings b WHERE b.slot_id = s.id AND b.status <> 'cancelled')"
            }
            Invariant::SlotWithinCapacity => {
                "SELECT COUNT(*) FROM booking_slots WHERE booked > capacity OR booked < 0"
            }
            Invariant::NoNegativeBalance => {
                "SELECT COUNT(*) FROM (SELECT user_id FROM points_ledger GROUP BY user_id \
                 HAVING SUM(delta) < 0) t"
            }
            Invariant::NoNegativeStock => "SELECT COUNT(*) FROM rewards WHERE stock < 0",
            Invariant::ClaimantMatchesStatus => {
                "SELECT COUNT(*) FROM wishes WHERE (status IN ('claimed', 'fulfilled') AND claimant_id IS NULL) \
                 OR (status IN ('pending', 'rejected', 'published') AND claimant_id IS NOT NULL)"
            }
            Invariant::OneOpenClaimPerClaimedWish => {
                "SELECT COUNT(*) FROM wishes w WHERE w.status = 'claimed' AND 1 <> \
                 (SELECT COUNT(*) FROM wish_claims c WHERE c.wish_id = w.id AND c.user_id = w.claimant_id \
                  AND c.ended_at IS NULL)"
            }
            Invariant::AtMostThreeOpenClaims => {
                "SELECT COUNT(*) FROM (SELECT user_id FROM wish_claims WHERE ended_at IS NULL \
                 GROUP BY user_id HAVING COUNT(*) > 3) t"
            }
            Invariant::ActivityWithinPlaces => {
                "SELECT COUNT(*) FROM activities a WHERE a.capacity < \
                 (SELECT COUNT(*) FROM signups s WHERE s.activity_id = a.id AND s.status = 'confirmed')"
            }
        }
    }
}

/// SQLite's `data_version` on `db`'s own connection: it changes when any other
/// connection commits a write.
pub async fn data_version(db: &Db) -> i64 {
    sqlx::query_scalar("PRAGMA data_version")
        .fetch_one(&db.pool)
        .await
        .expect("data_version")
}

/// The rows of a query on the database's own catalogue (`sqlite_master`, `pg_catalog`,
/// `information_schema`): what the schema test compares.
pub async fn catalogue_rows(db: &Db, sql: &str) -> Vec<AnyRow> {
    match sqlx::query(sql).fetch_all(&db.pool).await {
        Ok(rows) => rows,
        Err(e) => panic!("catalogue query failed on {:?}: {e}\n{sql}", db.dialect),
    }
}

impl TestApp {
    // -----------------------------------------------------------------------------
    // Counts.

    /// How many rows `table` holds.
    pub async fn rows(&self, table: Table) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {}", table.name());
        sqlx::query_scalar(&sql)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// How many rows break `invariant`.
    pub async fn breaches(&self, invariant: Invariant) -> i64 {
        let sql = invariant.breaches_sql();
        sqlx::query_scalar(sql)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    // -----------------------------------------------------------------------------
    // People, sign-in and sessions.

    /// A signed-in staff member of `community` (an id or a name), granted from the shell.
    pub async fn staff_of(&self, phone: &str, community: &str) -> reqwest::Client {
        let (c, _) = self.session_for(phone).await;
        app::accounts::admin::grant(&self.state.db, phone, "staff", Some(community))
            .await
            .expect("staff granted");
        c
    }

    /// Withdraws `user`'s verification (as staff do on /volunteers).
    pub async fn unverify(&self, user: i64) {
        let mut conn = self.state.db.pool.acquire().await.expect("connection");
        app::accounts::store::set_verification(&mut conn, user, None, user, 0)
            .await
            .expect("verification withdrawn");
        self.state.db.wrote();
    }

    /// How many staff community `community` has, as stored.
    pub async fn staff_count(&self, community: i64) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'staff' AND community_id = $1")
            .bind(community)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("a count")
    }

    /// `user`'s role and community as stored.
    pub async fn role_and_community(&self, user: i64) -> (String, Option<i64>) {
        sqlx::query_as("SELECT role, community_id FROM users WHERE id = $1")
            .bind(user)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the user exists")
    }

    /// Whether `phone` belongs to an admin.
    pub async fn is_admin(&self, phone: &str) -> bool {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE phone = $1 AND role = 'admin'")
                .bind(phone)
                .fetch_one(&self.state.db.pool)
                .await
                .unwrap();
        n > 0
    }

    /// The phone number of user `id`, if there is such a user.
    pub async fn phone_of(&self, id: i64) -> Option<String> {
        sqlx::query_scalar("SELECT phone FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// How many people are demo accounts.
    pub async fn demo_people(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE demo = 1")
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// The team `user` serves in.
    pub async fn team_of(&self, user: i64) -> Option<i64> {
        sqlx::query_scalar("SELECT team_id FROM users WHERE id = $1")
            .bind(user)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// The first team of the city.
    pub async fn first_team(&self) -> i64 {
        sqlx::query_scalar("SELECT MIN(id) FROM teams")
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the city has teams")
    }

    /// The stored hash of the code last sent to `phone`.
    pub async fn code_hash(&self, phone: &str) -> String {
        sqlx::query_scalar("SELECT code_hash FROM login_codes WHERE phone = $1")
            .bind(phone)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("a code was sent")
    }

    /// The wrong codes on record for `phone`.
    pub async fn login_failures(&self, phone: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE phone = $1")
            .bind(phone)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// The hashes of every open session.
    pub async fn session_hashes(&self) -> Vec<String> {
        sqlx::query_scalar("SELECT token_hash FROM sessions")
            .fetch_all(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Whether a session with this token hash exists.
    pub async fn session_exists(&self, token_hash: &str) -> bool {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap();
        n > 0
    }

    /// `user`'s open sessions.
    pub async fn sessions_of(&self, user: i64) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
            .bind(user)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Open sessions of demo accounts.
    pub async fn demo_sessions(&self) -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.demo = 1",
        )
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
    }

    /// Whether the database holds a value for `key` in `app_meta`.
    pub async fn has_meta(&self, key: &str) -> bool {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM app_meta WHERE key = $1")
            .bind(key)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap();
        n > 0
    }

    /// Rows the jobs purge, written through the store as if long ago: a session (token
    /// hash `old`) that expired at the epoch, a wrong code and an address's code count
    /// from then.
    pub async fn leave_rows_from_long_ago(&self) {
        let db = &self.state.db;
        app::accounts::store::create_session(db, "old", 1, 0, 1)
            .await
            .expect("an expired session");
        let mut conn = db.pool.acquire().await.expect("connection");
        app::accounts::store::record_failure(&mut conn, "13000000000", "1.2.3.4", 1)
            .await
            .expect("an old wrong code");
        app::accounts::store::take_ip_quota(db, "1.2.3.4", 1, 10)
            .await
            .expect("an old code count");
    }

    /// As if the minute between two codes for a number had passed.
    pub async fn wait_out_code_throttle(&self) {
        // tamper: the clock moves on a minute (the throttle rows are what it reads).
        sqlx::query("DELETE FROM code_resend")
            .execute(&self.state.db.pool)
            .await
            .unwrap();
        self.state.db.wrote();
    }

    // -----------------------------------------------------------------------------
    // The audit trail.

    /// Audit rows of `action`.
    pub async fn audit_count(&self, action: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Audit rows of `action` on `target` (`station:12`).
    pub async fn audit_count_on(&self, action: &str, target: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND target = $2")
            .bind(action)
            .bind(target)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Audit rows of `action` by `actor`.
    pub async fn audit_count_by(&self, action: &str, actor: i64) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND actor_id = $2")
            .bind(action)
            .bind(actor)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Audit rows of `action` that name who did it (the shell's grants name nobody).
    pub async fn audit_count_with_actor(&self, action: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND actor_id IS NOT NULL",
        )
        .bind(action)
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
    }

    /// How often `actor` read the contact of wish `wish` on record.
    pub async fn contact_reads(&self, actor: i64, wish: i64) -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'read_wish_contact' AND actor_id = $1 AND target = $2",
        )
        .bind(actor)
        .bind(format!("wish:{wish}"))
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
    }

    /// The after-JSON of the one audit row of `action`.
    pub async fn audit_after(&self, action: &str) -> Option<String> {
        sqlx::query_scalar("SELECT after_json FROM audit_log WHERE action = $1")
            .bind(action)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("one audit row of the action")
    }

    /// The before- and after-JSON of the latest audit row of `action` on `target`.
    pub async fn last_audit_change(&self, action: &str, target: &str) -> (String, String) {
        sqlx::query_as(
            "SELECT before_json, after_json FROM audit_log WHERE action = $1 AND target = $2 \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(action)
        .bind(target)
        .fetch_one(&self.state.db.pool)
        .await
        .expect("an audit row of the action on the target")
    }

    // -----------------------------------------------------------------------------
    // Communities and streets.

    /// The first two communities.
    pub async fn two_communities(&self) -> (i64, i64) {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM communities ORDER BY id LIMIT 2")
            .fetch_all(&self.state.db.pool)
            .await
            .unwrap();
        (ids[0], ids[1])
    }

    /// The first community other than `than`.
    pub async fn another_community(&self, than: i64) -> i64 {
        sqlx::query_scalar("SELECT MIN(id) FROM communities WHERE id <> $1")
            .bind(than)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("another community")
    }

    /// Community `id`'s name.
    pub async fn community_name(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT name FROM communities WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the community exists")
    }

    /// Community `id`'s position (lat, lng).
    pub async fn community_position(&self, id: i64) -> (f64, f64) {
        sqlx::query_as("SELECT lat, lng FROM communities WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the community exists")
    }

    /// Every community's position (lat, lng).
    pub async fn community_positions(&self) -> Vec<(f64, f64)> {
        sqlx::query_as("SELECT lat, lng FROM communities")
            .fetch_all(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// How many streets are called `name`.
    pub async fn streets_named(&self, name: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM streets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// The name of the street of the first service centre.
    pub async fn street_of_first_centre(&self) -> String {
        sqlx::query_scalar(
            "SELECT s.name FROM streets s JOIN communities c ON c.street_id = s.id \
             JOIN stations st ON st.community_id = c.id AND st.kind = 'center' ORDER BY st.id LIMIT 1",
        )
        .fetch_one(&self.state.db.pool)
        .await
        .expect("a centre in a street")
    }

    // -----------------------------------------------------------------------------
    // Stations.

    /// The first station.
    pub async fn first_station(&self) -> i64 {
        sqlx::query_scalar("SELECT MIN(id) FROM stations")
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the city has stations")
    }

    /// The first station of `kind` (`center`, `outdoor`…).
    pub async fn first_station_of_kind(&self, kind: &str) -> i64 {
        sqlx::query_scalar("SELECT MIN(id) FROM stations WHERE kind = $1")
            .bind(kind)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("a station of the kind")
    }

    /// The first station of `kind` with exactly these opening hours, if any.
    pub async fn first_station_with_hours(&self, kind: Option<&str>, hours: &str) -> Option<i64> {
        sqlx::query_scalar(
            "SELECT MIN(id) FROM stations WHERE opening_hours = $1 AND ($2 = '' OR kind = $2)",
        )
        .bind(hours)
        .bind(kind.unwrap_or(""))
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
    }

    /// The first station open on weekdays by the clock (`Mo-Fr …` or `Mo-Sa …`).
    pub async fn first_station_with_weekday_hours(&self) -> i64 {
        sqlx::query_scalar(
            "SELECT MIN(id) FROM stations WHERE opening_hours LIKE 'Mo-Fr %' OR opening_hours LIKE 'Mo-Sa %'",
        )
        .fetch_one(&self.state.db.pool)
        .await
        .expect("a station with weekday hours")
    }

    /// The first station of `community`.
    pub async fn first_station_of(&self, community: i64) -> i64 {
        sqlx::query_scalar("SELECT MIN(id) FROM stations WHERE community_id = $1")
            .bind(community)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the community has a station")
    }

    /// The first station outside `community`.
    pub async fn first_station_outside(&self, community: i64) -> i64 {
        sqlx::query_scalar("SELECT MIN(id) FROM stations WHERE community_id <> $1")
            .bind(community)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("a station elsewhere")
    }

    /// The service centre of `community`.
    pub async fn centre_of(&self, community: i64) -> i64 {
        sqlx::query_scalar(
            "SELECT MIN(id) FROM stations WHERE community_id = $1 AND kind = 'center'",
        )
        .bind(community)
        .fetch_one(&self.state.db.pool)
        .await
        .expect("the community has a centre")
    }

    /// The first centre with a phone number: its community and the number.
    pub async fn first_centre_with_phone(&self) -> (i64, String) {
        sqlx::query_as(
            "SELECT community_id, phone FROM stations WHERE kind = 'center' AND phone <> '' ORDER BY id LIMIT 1",
        )
        .fetch_one(&self.state.db.pool)
        .await
        .expect("a centre with a phone")
    }

    /// Station `id`'s community.
    pub async fn station_community(&self, id: i64) -> i64 {
        sqlx::query_scalar("SELECT community_id FROM stations WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the station exists")
    }

    /// Station `id`'s name.
    pub async fn station_name(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT name FROM stations WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the station exists")
    }

    /// Station `id`'s phone number.
    pub async fn station_phone(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT phone FROM stations WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the station exists")
    }

    /// Station `id`'s phone number and amenities as stored.
    pub async fn station_contact(&self, id: i64) -> (String, String) {
        sqlx::query_as("SELECT phone, amenities FROM stations WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the station exists")
    }

    /// Station `id`'s opening hours as stored (OSM syntax).
    pub async fn station_hours(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT opening_hours FROM stations WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the station exists")
    }

    /// Station `id`'s version (what an edit form is based on).
    pub async fn station_version(&self, id: i64) -> i64 {
        sqlx::query_scalar("SELECT version FROM stations WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the station exists")
    }

    /// Station `id`'s position (lat, lng, WGS-84).
    pub async fn station_position(&self, id: i64) -> (f64, f64) {
        sqlx::query_as("SELECT lat, lng FROM stations WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the station exists")
    }

    /// The position (lat, lng, WGS-84) of the station with this external id.
    pub async fn position_of_external(&self, external_id: &str) -> (f64, f64) {
        sqlx::query_as("SELECT lat, lng FROM stations WHERE external_id = $1")
            .bind(external_id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the station was imported")
    }

    /// The stored opening hours of the station with this external id.
    pub async fn hours_of_external(&self, external_id: &str) -> String {
        sqlx::query_scalar("SELECT opening_hours FROM stations WHERE external_id = $1")
            .bind(external_id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the station was imported")
    }

    /// How many stations have this external id.
    pub async fn stations_with_external_id(&self, external_id: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM stations WHERE external_id = $1")
            .bind(external_id)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// How many stations `community` has.
    pub async fn stations_in(&self, community: i64) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM stations WHERE community_id = $1")
            .bind(community)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// How many stations offer `amenity`.
    pub async fn stations_with_amenity(&self, amenity: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM stations WHERE ',' || amenities || ',' LIKE $1")
            .bind(format!("%,{amenity},%"))
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Every station's kind, position (lat, lng) and amenities.
    pub async fn station_points(&self) -> Vec<(String, f64, f64, String)> {
        sqlx::query_as("SELECT kind, lat, lng, amenities FROM stations")
            .fetch_all(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// How many special dates the holiday calendar has on `day` (`YYYY-MM-DD`).
    pub async fn special_days_on(&self, day: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM special_days WHERE day = $1")
            .bind(day)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    // -----------------------------------------------------------------------------
    // Booking.

    /// Sets `slot`'s capacity (a desk's schedule sets it for all its slots at once).
    pub async fn set_slot_capacity(&self, slot: i64, capacity: i64) {
        sqlx::query("UPDATE booking_slots SET capacity = $1 WHERE id = $2")
            .bind(capacity)
            .bind(slot)
            .execute(&self.state.db.pool)
            .await
            .unwrap();
    }

    /// Moves `slot` to today, late (23:59), so that the desk may check its bookings in.
    pub async fn move_slot_to_tonight(&self, slot: i64) {
        // tamper: the clock moves to the slot's day (no other slot of its centre starts
        // at 23:59).
        sqlx::query("UPDATE booking_slots SET day = $1, start_min = 1439 WHERE id = $2")
            .bind(app::time::today())
            .bind(slot)
            .execute(&self.state.db.pool)
            .await
            .unwrap();
        self.state.db.wrote();
    }

    /// `slot`'s `booked` counter and its active bookings, which must agree.
    pub async fn slot_seats(&self, slot: i64) -> (i64, i64) {
        let seats: i64 = sqlx::query_scalar("SELECT booked FROM booking_slots WHERE id = $1")
            .bind(slot)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the slot exists");
        let rows: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM bookings WHERE slot_id = $1 AND status = 'active'",
        )
        .bind(slot)
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap();
        (seats, rows)
    }

    /// `slot`'s day (`YYYY-MM-DD`).
    pub async fn slot_day(&self, slot: i64) -> String {
        sqlx::query_scalar("SELECT day FROM booking_slots WHERE id = $1")
            .bind(slot)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the slot exists")
    }

    /// `slot`'s centre.
    pub async fn slot_center(&self, slot: i64) -> i64 {
        sqlx::query_scalar("SELECT center_id FROM booking_slots WHERE id = $1")
            .bind(slot)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the slot exists")
    }

    /// The slots of `center` on `day`, earliest first.
    pub async fn slots_on(&self, center: i64, day: &str) -> Vec<i64> {
        sqlx::query_scalar(
            "SELECT id FROM booking_slots WHERE center_id = $1 AND day = $2 ORDER BY start_min",
        )
        .bind(center)
        .bind(day)
        .fetch_all(&self.state.db.pool)
        .await
        .unwrap()
    }

    /// The first open slot of `center` starting more than an hour from now.
    pub async fn first_slot_ahead(&self, center: i64) -> i64 {
        sqlx::query_scalar(
            "SELECT MIN(id) FROM booking_slots WHERE center_id = $1 AND starts_at > $2 AND closed = 0",
        )
        .bind(center)
        .bind(app::time::now_ts() + 3600)
        .fetch_one(&self.state.db.pool)
        .await
        .expect("the centre has slots ahead")
    }

    /// The first slot at a centre outside `community`.
    pub async fn slot_outside(&self, community: i64) -> i64 {
        sqlx::query_scalar(
            "SELECT MIN(s.id) FROM booking_slots s JOIN stations st ON st.id = s.center_id \
             WHERE st.community_id <> $1",
        )
        .bind(community)
        .fetch_one(&self.state.db.pool)
        .await
        .expect("another centre has slots")
    }

    /// The status of booking `code`.
    pub async fn booking_status(&self, code: &str) -> String {
        sqlx::query_scalar("SELECT status FROM bookings WHERE code = $1")
            .bind(code)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the booking exists")
    }

    /// How many bookings are in `status` (`done`, `no_show`…).
    pub async fn bookings_with_status(&self, status: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE status = $1")
            .bind(status)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    // -----------------------------------------------------------------------------
    // Wishes.

    /// A resident of community 1 (15900000001) with a wish posted through the form and
    /// approved by staff (15800000001, signed in by text); returns the poster and the id.
    pub async fn published_wish(&self) -> (reqwest::Client, i64) {
        let (poster, uid) = self.session_for("15900000001").await;
        app::accounts::store::set_profile(&self.state.db, uid, "发布人", Some(1))
            .await
            .unwrap();
        let r = post(
            self,
            &poster,
            "/api/wishes/post",
            &[
                ("category", "助老助残".into()),
                ("title", "需要一副助行拐杖".into()),
                ("story", "腿脚不便，出门困难。".into()),
                ("needs", "四脚拐杖一副".into()),
                ("value_yuan", "90".into()),
                (
                    "deadline",
                    (app::time::today_local() + chrono::Duration::days(30)).to_string(),
                ),
                ("contact", "15900000001".into()),
                ("address", "华光路12号3单元501".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let id: i64 = r.json().await.unwrap();
        let staff = self.new_client();
        self.sign_in(&staff, "15800000001").await;
        app::accounts::admin::grant(&self.state.db, "15800000001", "staff", Some("1"))
            .await
            .unwrap();
        self.approve_wish(&staff, id).await;
        (poster, id)
    }

    /// `n` published wishes in community 1 by one poster (15911110000, contact
    /// 15911110000, address 华光路1号, deadline in 20 days), posted through the form and
    /// approved by a staff member of community 1 (15811119999); returns their ids.
    pub async fn published_wishes(&self, n: usize) -> Vec<i64> {
        let (poster, uid) = self.session_for("15911110000").await;
        app::accounts::store::set_profile(&self.state.db, uid, "发布人", Some(1))
            .await
            .unwrap();
        let staff = self.staff_of("15811119999", "1").await;
        let deadline = (app::time::today_local() + chrono::Duration::days(20)).to_string();
        let mut ids = Vec::new();
        for i in 0..n {
            let id = self
                .post_wish(
                    &poster,
                    &format!("心愿{i}"),
                    &deadline,
                    "15911110000",
                    "华光路1号",
                )
                .await;
            self.approve_wish(&staff, id).await;
            ids.push(id);
        }
        ids
    }

    /// Posts a wish (陪伴, 10 yuan) through the form as `poster`; it waits for review.
    pub async fn post_wish(
        &self,
        poster: &reqwest::Client,
        title: &str,
        deadline: &str,
        contact: &str,
        address: &str,
    ) -> i64 {
        let r = post(
            self,
            poster,
            "/api/wishes/post",
            &[
                ("category", "陪伴".into()),
                ("title", title.into()),
                ("story", "故事".into()),
                ("needs", "需要".into()),
                ("value_yuan", "10".into()),
                ("deadline", deadline.into()),
                ("contact", contact.into()),
                ("address", address.into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        r.json().await.unwrap()
    }

    /// Approves wish `id` as `staff` (of its community).
    pub async fn approve_wish(&self, staff: &reqwest::Client, id: i64) {
        let r = post(
            self,
            staff,
            "/api/wishes/act",
            &[("id", id.to_string()), ("action", "approve".into())],
        )
        .await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }

    /// Wish `id`'s status.
    pub async fn wish_status(&self, id: i64) -> String {
        sqlx::query_scalar("SELECT status FROM wishes WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the wish exists")
    }

    /// How many wishes `user` holds as claimant.
    pub async fn wishes_claimed_by(&self, user: i64) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM wishes WHERE claimant_id = $1")
            .bind(user)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// How many wishes are in `status`.
    pub async fn wishes_with_status(&self, status: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM wishes WHERE status = $1")
            .bind(status)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// How many different states the wishes are in.
    pub async fn wish_statuses_in_use(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(DISTINCT status) FROM wishes")
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// The first wish in `status`.
    pub async fn first_wish_with_status(&self, status: &str) -> i64 {
        sqlx::query_scalar("SELECT MIN(id) FROM wishes WHERE status = $1")
            .bind(status)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("a wish in the state")
    }

    /// The first published wish whose deadline is still ahead.
    pub async fn first_open_wish(&self) -> i64 {
        sqlx::query_scalar(
            "SELECT MIN(id) FROM wishes WHERE status = 'published' AND deadline > $1",
        )
        .bind(app::time::today())
        .fetch_one(&self.state.db.pool)
        .await
        .expect("an open wish")
    }

    /// The (private) addresses of up to `n` published wishes.
    pub async fn published_wish_addresses(&self, n: i64) -> Vec<String> {
        sqlx::query_scalar("SELECT address FROM wishes WHERE status = 'published' LIMIT $1")
            .bind(n)
            .fetch_all(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Whether photo `id` (tied to a wish or staged) is stored.
    pub async fn photo_exists(&self, id: i64) -> bool {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM photos WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap();
        n > 0
    }

    /// Puts wish `id`'s deadline in the past (2020-01-01).
    pub async fn backdate_wish_deadline(&self, id: i64) {
        // tamper: the clock moves past the deadline.
        sqlx::query("UPDATE wishes SET deadline = '2020-01-01' WHERE id = $1")
            .bind(id)
            .execute(&self.state.db.pool)
            .await
            .unwrap();
        self.state.db.wrote();
    }

    /// Lets the claim on wish `id` run out (its expiry at the epoch).
    pub async fn expire_claim(&self, id: i64) {
        // tamper: the clock moves past the claim's expiry.
        sqlx::query("UPDATE wishes SET claim_expires_at = 1 WHERE id = $1")
            .bind(id)
            .execute(&self.state.db.pool)
            .await
            .unwrap();
        self.state.db.wrote();
    }

    // -----------------------------------------------------------------------------
    // Activities.

    /// A micro-project in `community` on `day` (09:00–11:00, 10 places, 2 hours, 5
    /// points), created through the service as the staff form does; returns its id.
    pub async fn project(&self, community: i64, title: &str, day: chrono::NaiveDate) -> i64 {
        let new = app::activities::model::NewActivity {
            community,
            kind: "project".into(),
            title: title.into(),
            day: app::time::ymd(day),
            place: "活动室".into(),
            capacity: 10,
            hours: 2,
            points: 5,
            start: "09:00".into(),
            end: "11:00".into(),
            description: String::new(),
        };
        app::activities::service::create(&self.state.db, &new, None, app::time::now_ts())
            .await
            .expect("the activity is created")
    }

    /// The points `user` earned from activity `activity`.
    pub async fn points_from_activity(&self, user: i64, activity: i64) -> i64 {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) FROM points_ledger WHERE user_id = $1 AND ref = $2",
        )
        .bind(user)
        .bind(format!("activity:{activity}"))
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
    }

    // -----------------------------------------------------------------------------
    // Points and rewards.

    /// The first reward.
    pub async fn first_reward(&self) -> i64 {
        sqlx::query_scalar("SELECT MIN(id) FROM rewards")
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the city has rewards")
    }

    /// The cheapest reward (the first of them).
    pub async fn cheapest_reward(&self) -> i64 {
        sqlx::query_scalar("SELECT id FROM rewards ORDER BY cost, id LIMIT 1")
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the city has rewards")
    }

    /// Reward `id`'s stock.
    pub async fn reward_stock(&self, id: i64) -> i64 {
        sqlx::query_scalar("SELECT stock FROM rewards WHERE id = $1")
            .bind(id)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the reward exists")
    }

    /// `user`'s vouchers.
    pub async fn vouchers_of(&self, user: i64) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM vouchers WHERE user_id = $1")
            .bind(user)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Who verified voucher `code`.
    pub async fn voucher_verified_by(&self, code: &str) -> Option<i64> {
        sqlx::query_scalar("SELECT verified_by FROM vouchers WHERE code = $1")
            .bind(code)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the voucher exists")
    }

    // -----------------------------------------------------------------------------
    // The catalogue.

    /// The published version of guide `code`.
    pub async fn guide_version(&self, code: &str) -> i64 {
        sqlx::query_scalar("SELECT version FROM catalogue_items WHERE code = $1")
            .bind(code)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("the guide exists")
    }

    /// How many versions of guide `code` are kept.
    pub async fn guide_versions_kept(&self, code: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM catalogue_versions WHERE code = $1")
            .bind(code)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    // -----------------------------------------------------------------------------
    // Text messages.

    /// Texts of `purpose` in the outbox (waiting or sent).
    pub async fn texts_queued(&self, purpose: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE purpose = $1")
            .bind(purpose)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// The bodies the outbox keeps (erased once a text is sent).
    pub async fn outbox_bodies(&self) -> Vec<String> {
        sqlx::query_scalar("SELECT body FROM outbox")
            .fetch_all(&self.state.db.pool)
            .await
            .unwrap()
    }

    // -----------------------------------------------------------------------------
    // The dashboard's figures, counted independently from the rows. Days are
    // `YYYY-MM-DD` (inclusive); times are Unix seconds, `[from, to)`.

    /// Bookings in `status` in slots on the days `from..=to`.
    pub async fn bookings_between(&self, status: &str, from: &str, to: &str) -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM bookings WHERE status = $1 AND slot_id IN \
             (SELECT id FROM booking_slots WHERE day BETWEEN $2 AND $3)",
        )
        .bind(status)
        .bind(from)
        .bind(to)
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
    }

    /// Walk-ins on the days `from..=to`.
    pub async fn walk_ins_between(&self, from: &str, to: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM walk_ins WHERE day BETWEEN $1 AND $2")
            .bind(from)
            .bind(to)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Activities on the days `from..=to`.
    pub async fn activities_between(&self, from: &str, to: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE day BETWEEN $1 AND $2")
            .bind(from)
            .bind(to)
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Wishes posted in `[from, to)`, in `status` if one is given.
    pub async fn wishes_posted_between(&self, status: Option<&str>, from: i64, to: i64) -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM wishes WHERE ($1 = '' OR status = $1) \
             AND created_at >= $2 AND created_at < $3",
        )
        .bind(status.unwrap_or(""))
        .bind(from)
        .bind(to)
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
    }

    /// Vouchers redeemed in `[from, to)`.
    pub async fn vouchers_between(&self, from: i64, to: i64) -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM vouchers WHERE created_at >= $1 AND created_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
    }

    /// Points credited in `[from, to)`.
    pub async fn points_issued_between(&self, from: i64, to: i64) -> i64 {
        sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(delta), 0) AS BIGINT) FROM points_ledger \
             WHERE delta > 0 AND created_at >= $1 AND created_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
    }

    /// Texts queued in `[from, to)` and sent.
    pub async fn texts_sent_between(&self, from: i64, to: i64) -> i64 {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND created_at >= $1 AND created_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
    }
}
