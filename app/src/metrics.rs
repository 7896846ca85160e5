//! What `/metrics` reports, in the Prometheus (OpenMetrics) text format: requests by
//! route and status, a latency histogram by route, the database pool, the outbox queue
//! and the background jobs. Per process: Prometheus scrapes each server process (they
//! keep no other state, see `state.rs`). The route is the router's pattern
//! (`/station/{id}`), never the raw path, so the label set stays small.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::Mutex;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub job: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabels {
    pub state: String,
}

/// The process's metrics; the gauges are read from the database at each scrape.
pub struct Metrics {
    registry: Mutex<Registry>,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    pub jobs: Family<JobLabels, Counter>,
    pub pool_size: Gauge,
    pub pool_idle: Gauge,
    pub outbox: Family<StateLabels, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

fn latency_histogram() -> Histogram {
    // 5 ms to about 20 s.
    Histogram::new(exponential_buckets(0.005, 2.0, 13))
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let jobs = Family::<JobLabels, Counter>::default();
        let pool_size = Gauge::default();
        let pool_idle = Gauge::default();
        let outbox = Family::<StateLabels, Gauge>::default();
        let mut r = Registry::with_prefix("linli");
        r.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        r.register(
            "http_request_duration_seconds",
            "Time to answer, by route",
            latency.clone(),
        );
        r.register(
            "job_runs",
            "Background job rounds, by job and outcome",
            jobs.clone(),
        );
        r.register(
            "db_pool_connections",
            "Open database connections",
            pool_size.clone(),
        );
        r.register(
            "db_pool_idle",
            "Idle database connections",
            pool_idle.clone(),
        );
        r.register(
            "outbox_messages",
            "Outgoing messages by state (waiting, sent, failed)",
            outbox.clone(),
        );
        Metrics {
            registry: Mutex::new(r),
            requests,
            latency,
            jobs,
            pool_size,
            pool_idle,
            outbox,
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// Counts one round of a background job.
    pub fn job(&self, job: &str, ok: bool) {
        self.jobs
            .get_or_create(&JobLabels {
                job: job.to_string(),
                outcome: if ok { "ok" } else { "error" }.to_string(),
            })
            .inc();
    }

    /// The text Prometheus scrapes, after the gauges are brought up to date.
    pub async fn render(&self, db: &crate::db::Db) -> Result<String, sqlx::Error> {
        self.pool_size.set(i64::from(db.pool.size()));
        self.pool_idle.set(db.pool.num_idle() as i64);
        let (waiting, sent, failed) = crate::outbox::store::counts(db).await?;
        for (state, n) in [("waiting", waiting), ("sent", sent), ("failed", failed)] {
            self.outbox
                .get_or_create(&StateLabels {
                    state: state.to_string(),
                })
                .set(n);
        }
        let mut out = String::new();
        if let Ok(r) = self.registry.lock() {
            let _ = prometheus_client::encoding::text::encode(&mut out, &r);
        }
        Ok(out)
    }
}
