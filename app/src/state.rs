//! What every request handler and server function may reach: the options Leptos needs, the
//! database, the configuration, the SMS sender and the outbox worker's wake-up, the key of the
//! one-time-code hashes, this process's metrics, and the station and catalogue caches (the
//! city's identity rides in the station cache). The caches are checked against the database on
//! every use and the metrics are per process by nature, so no process holds anything another
//! could disagree with: several processes can run behind one load balancer.

use crate::accounts::sms::SmsSender;
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Cloned for every request, by every layer and handler that takes it: one reference
/// count behind an `Arc` (its fields' own clones were a fifth of the nearest query's
/// time: the Leptos options' strings and a dozen reference counts).
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

/// The state's parts (see [`AppState`], which derefs to them).
#[derive(Clone, Debug)]
pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub sms: Arc<dyn SmsSender>,
    /// Wakes this process's outbox worker after a commit that queued a message.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// The key of the one-time-code hashes (see `accounts::secret`).
    pub secret: Arc<str>,
    /// Stations with parsed hours and the spatial index, and the city's identity: a
    /// cache checked against the database on every use.
    pub station_cache: crate::stations::service::StationCache,
    /// What `/metrics` reports (this process's counters).
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The catalogue with its search index, likewise.
    pub catalogue_cache: crate::catalogue::service::CatalogueCache,
    /// The centres' booking schedules, parsed (see [`AppState::schedules`]).
    pub schedule_cache: crate::booking::service::ScheduleCache,
    /// The dashboard's figures per range, counted at most once per
    /// [`crate::cache::RECENT`] (see [`crate::cache::RecentCache`]).
    pub dashboard_cache: crate::cache::RecentCache<String, crate::dashboard::model::Figures>,
    /// The dashboard page's figures with their items named and their charts drawn, per
    /// range and language, kept like the figures (drawing the charts was a tenth of
    /// the page's time).
    pub dashboard_board_cache: crate::cache::RecentCache<String, crate::dashboard::model::Board>,
    /// Who each session token belongs to, kept for [`crate::cache::RECENT`] and not
    /// after any write this process made (a sign-out, a role changed): a signed-in
    /// page asks the database once per reader and burst, not once per request.
    pub session_cache:
        crate::cache::RecentCache<String, Option<crate::accounts::model::CurrentUser>>,
    /// Each centre's desk figures (bookings served, walk-ins, by week and item), counted
    /// at most once per [`crate::cache::RECENT`] like the dashboard's.
    pub desk_figures_cache: crate::cache::RecentCache<i64, crate::booking::store::Figures>,
    /// The rewards with their stock, shared by every reader of 我的积分 (see
    /// `points::service::rewards`).
    pub rewards_cache: crate::cache::RecentCache<(), Vec<crate::points::model::Reward>>,
    /// The admins' overview: the outbox's counts and failures, the code budgets, the
    /// newest audit records (see `accounts::admin::overview`).
    pub overview_cache: crate::cache::RecentCache<(), crate::accounts::admin::Overview>,
    /// The bookings waiting to be written together (SQLite; see `booking::group`).
    pub book_queue: crate::booking::group::BookQueue,
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(shared: Shared) -> Self {
        AppState(Arc::new(shared))
    }

    /// The same state with another configuration (the caches and the pool shared).
    pub fn with_config(&self, config: Arc<Config>) -> Self {
        let mut shared = (*self.0).clone();
        shared.config = config;
        AppState::new(shared)
    }

    /// Tells this process's outbox worker that a message is waiting (call after commit).
    pub fn wake_outbox(&self) {
        self.outbox_wake.notify_one();
    }

    /// Every station with parsed hours and the spatial index, as of now.
    pub async fn stations(&self) -> Result<Arc<crate::stations::service::StationSet>, sqlx::Error> {
        crate::stations::service::stations(&self.station_cache, &self.db).await
    }

    /// Every centre's booking schedule, as of now.
    pub async fn schedules(
        &self,
    ) -> Result<Arc<Vec<(i64, crate::booking::model::Schedule)>>, sqlx::Error> {
        crate::booking::service::schedules(&self.schedule_cache, &self.db).await
    }

    /// The catalogue with its search index, as of now.
    pub async fn catalogue(&self) -> Result<Arc<crate::catalogue::service::Loaded>, sqlx::Error> {
        crate::catalogue::service::catalogue(&self.catalogue_cache, &self.db).await
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> Self {
        s.leptos_options.clone()
    }
}

/// The state inside a server function (provided as context by the router).
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| AppError::internal("AppState missing from context"))
}
