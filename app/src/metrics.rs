//! What `/metrics` reports, in the Prometheus (OpenMetrics) text format: requests by
//! route and status, a latency histogram by route, the database pool, the outbox queue
//! and the background jobs. Per process: Prometheus scrapes each server process (they
//! keep no other state, see `state.rs`). Every label value comes from a fixed set, so
//! that no request can add a series (a series is kept for the life of the process, and
//! each is one more line of every scrape): the method is one of [`KNOWN_METHODS`] or
//! `other`, the route is the router's pattern (`/station/{id}`, never the raw path) or
//! `unmatched`, and the status is its class (`2xx` … `5xx`).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::Mutex;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// One of [`KNOWN_METHODS`] or `other` ([`method_label`]).
    pub method: &'static str,
    /// The route pattern, or [`UNMATCHED`].
    pub route: String,
    /// `1xx` … `5xx` ([`status_class`]).
    pub status: &'static str,
}

/// The methods counted under their own name; any other is counted as `other`.
pub const KNOWN_METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];

/// The route label of a request no route matched (the fallback: files and the 404 page).
pub const UNMATCHED: &str = "unmatched";

/// The method label: the method's own name if it is a known one, else `other`. HTTP lets
/// a client send any token as a method, and each would otherwise be a series forever.
pub fn method_label(method: &http::Method) -> &'static str {
    KNOWN_METHODS
        .into_iter()
        .find(|m| *m == method.as_str())
        .unwrap_or("other")
}

/// The status label: the class of the status (`404` is `4xx`).
pub fn status_class(status: http::StatusCode) -> &'static str {
    match status.as_u16() {
        0..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
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
    /// Counts one answered request. `route` is the matched route's pattern (`None`: no
    /// route matched); the method and status are reduced to their fixed label sets here.
    pub fn request(
        &self,
        method: &http::Method,
        route: Option<&str>,
        status: http::StatusCode,
        seconds: f64,
    ) {
        let route = route.unwrap_or(UNMATCHED);
        self.requests
            .get_or_create(&RequestLabels {
                method: method_label(method),
                route: route.to_string(),
                status: status_class(status),
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// How many series the request counter holds (one per label set seen): bounded by
    /// the label sets, whatever the clients send.
    pub fn request_series(&self) -> usize {
        let mut r = Registry::default();
        r.register("requests", "", self.requests.clone());
        let mut out = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut out, &r);
        out.lines()
            .filter(|l| l.starts_with("requests_total{"))
            .count()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_fixed_sets() {
        for m in KNOWN_METHODS {
            assert_eq!(
                method_label(&http::Method::from_bytes(m.as_bytes()).unwrap()),
                m
            );
        }
        for junk in ["get", "PROPFIND", "BREW", &"X".repeat(1000)] {
            let m = http::Method::from_bytes(junk.as_bytes()).unwrap();
            assert_eq!(method_label(&m), "other");
        }
        let class = |n| status_class(http::StatusCode::from_u16(n).unwrap());
        assert_eq!(class(101), "1xx");
        assert_eq!(class(200), "2xx");
        assert_eq!(class(303), "3xx");
        assert_eq!(class(404), "4xx");
        assert_eq!(class(421), "4xx");
        assert_eq!(class(503), "5xx");
        assert_eq!(class(999), "5xx");
    }

    #[test]
    fn junk_methods_and_statuses_add_no_series() {
        let m = Metrics::default();
        for i in 0..500u32 {
            let method = http::Method::from_bytes(format!("JUNK{i}").as_bytes()).unwrap();
            let status = http::StatusCode::from_u16(400 + (i % 100) as u16).unwrap();
            m.request(&method, None, status, 0.001);
        }
        assert_eq!(m.request_series(), 1);
        m.request(
            &http::Method::GET,
            Some("/station/{id}"),
            http::StatusCode::OK,
            0.001,
        );
        assert_eq!(m.request_series(), 2);
    }
}
