//! Configuration, read once from environment variables at start.
//!
//! Every variable has a documented default (also listed in the README) so that
//! `linli serve` works on a fresh clone with nothing set. Nothing else in the code reads
//! the environment: it takes a [`Config`].

use std::net::SocketAddr;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` (default `sqlite://linli.db`, a file in the working
    /// directory, created if missing) or `postgres://…`.
    pub database_url: String,
    /// `LINLI_ADDR` (default `127.0.0.1:3000`); `serve --addr` overrides it.
    pub addr: SocketAddr,
    /// `LINLI_SITE_ROOT` (default `target/site`): where the built `pkg/` and `public/` files are.
    pub site_root: String,
    /// `LINLI_DEMO` (default off): the demo identities panel (体验身份).
    pub demo: bool,
    /// `LINLI_SEED_DEMO` (default off): seed the demo city into an empty database at start.
    /// Opt-in: a real city's empty database must never receive demo people or points.
    pub seed_demo: bool,
    /// `LINLI_DEMO_SEED` (default 20231): the seed number of the demo city.
    pub demo_seed: u64,
    /// `LINLI_DB_MAX_CONNECTIONS` (default 8).
    pub db_max_connections: u32,
    /// `LINLI_LOG_FORMAT` (`text` or `json`, default `text`).
    pub log_json: bool,
    /// `LINLI_SECURE_COOKIES` (default off): mark cookies `Secure` (set it behind HTTPS).
    pub secure_cookies: bool,
    /// `LINLI_TRUST_PROXY` (default empty): the reverse proxies in front of the portal, as
    /// a comma-separated list of addresses or CIDRs (`127.0.0.1,10.0.0.0/8`). A request
    /// from one of them is attributed to the right-most `X-Forwarded-For` entry that is
    /// not itself a trusted proxy; from anywhere else, the header is ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `LINLI_CODES_PER_ADDRESS_HOUR` (default 600): sign-in codes one client address may
    /// request per hour. High on purpose: thousands of phones share one address behind
    /// carrier-grade NAT, and the per-number limits are what stop guessing.
    pub codes_per_address_hour: i64,
    /// `LINLI_CODES_PER_NETWORK_HOUR` (default 1200): sign-in codes one network may request
    /// per hour (an IPv4 /24 or an IPv6 /48, which holds 65,536 subscribers' /64s).
    pub codes_per_network_hour: i64,
    /// `LINLI_CODES_PER_HOUR` (default 6000): sign-in codes the whole portal texts per
    /// hour. Reaching this or a network's budget is shown to admins as an alarm.
    pub codes_per_hour: i64,
    /// `LINLI_SMS` (`console` or `webhook`, default `console`).
    pub sms: SmsConfig,
    /// `LINLI_SECRET` (default: generated once and kept in the database): the key of the
    /// one-time-code hashes. All server processes must share it.
    pub secret: Option<String>,
    /// `LINLI_SECRET_FILE`: where the key is kept when `LINLI_SECRET` is not set (created
    /// with 0600 permissions on first start). Default: beside a SQLite database
    /// (`linli.db.secret`); a PostgreSQL deployment must set `LINLI_SECRET` (every server
    /// process needs the same key, and the database is not the place for it).
    pub secret_file: Option<String>,
    /// `LINLI_RATE_PER_MIN` (default 120) and `LINLI_RATE_BURST` (default 60): writes
    /// (POST) allowed per client address, per server process.
    pub rate_per_min: u32,
    pub rate_burst: u32,
    /// `LINLI_PAGE_CACHE_MS` (default 400, at most 500; 0 turns it off): how long a page
    /// rendered for a reader who is not signed in may be answered again to the same
    /// request (`server::http::page_cache`). With the data caches' version check (at
    /// most every 500 ms) a change made through another process shows within a second.
    pub page_cache_ms: u64,
    /// The map's base tiles (see [`TileConfig`]).
    pub tiles: TileConfig,
    /// `LINLI_REMINDERS` (default on): this process takes part in sending booking
    /// reminders (each is sent once whatever the number of processes).
    pub reminders: bool,
    /// `LINLI_CLAIM_DAYS` (default 7): days a volunteer has to fulfil a claimed wish
    /// before it returns to the pool.
    pub claim_days: i64,
    /// `LINLI_UPLOAD_DIR` (default `uploads`, beside the database): where fulfilment
    /// photos are kept. Several server processes must share it.
    pub upload_dir: String,
    /// `LINLI_METRICS_TOKEN` (default unset, at least 16 characters): `/metrics` on the
    /// public address answers only `Authorization: Bearer <token>`; unset, it is a 404
    /// there.
    pub metrics_token: Option<String>,
    /// `LINLI_METRICS_ADDR` (default unset): a second address (an internal interface)
    /// that serves only `/metrics`; it asks for `LINLI_METRICS_TOKEN` too when one is set.
    pub metrics_addr: Option<SocketAddr>,
    /// `LINLI_ALLOWED_HOSTS` (default empty): the host names the portal answers to, as a
    /// comma-separated list of `host` (any port) or `host:port` entries
    /// (`linli.example.cn,linli.example.cn:8443`); a request for another name gets 421.
    /// `localhost` and IP addresses are always answered (no DNS rebinding can produce
    /// them): with nothing set, only they are (see `server::http::guard::allowed_host`).
    pub allowed_hosts: Vec<String>,
}

/// `LINLI_TILE_URL` (default OpenStreetMap's `https://tile.openstreetmap.org/{z}/{x}/{y}.png`),
/// `LINLI_TILE_ATTRIBUTION` (default `© OpenStreetMap 贡献者`), `LINLI_TILE_COORDS`
/// (`wgs84`, the default, or `gcj02` for Amap or Tianditu-GCJ tiles) and
/// `LINLI_TILE_SUBDOMAINS` (for `{s}` in the URL, e.g. `1234`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TileConfig {
    pub url: String,
    pub attribution: String,
    pub coords: String,
    pub subdomains: String,
}

impl Default for TileConfig {
    fn default() -> Self {
        TileConfig {
            url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            attribution: "© OpenStreetMap 贡献者".into(),
            coords: "wgs84".into(),
            subdomains: String::new(),
        }
    }
}

impl TileConfig {
    /// The origin the browser fetches tiles from, as a CSP source (`{s}` becomes `*`).
    pub fn csp_source(&self) -> Option<String> {
        let (scheme, rest) = self.url.split_once("://")?;
        let host = rest.split('/').next()?;
        let host = if host.contains("{s}") {
            match host.split_once('.') {
                Some((_, tail)) => format!("*.{tail}"),
                None => return None,
            }
        } else {
            host.to_string()
        };
        let ok = host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '*'));
        ok.then(|| format!("{scheme}://{host}"))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum SmsConfig {
    /// Prints messages on the console; `LINLI_SMS_CONSOLE_FILE` also appends them to a file.
    Console { file: Option<String> },
    /// POSTs JSON to `LINLI_SMS_WEBHOOK_URL` (timeout `LINLI_SMS_TIMEOUT_MS`, default
    /// 5000; `LINLI_SMS_ATTEMPTS`, default 3).
    Webhook {
        url: String,
        timeout_ms: u64,
        attempts: u32,
    },
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "sqlite://linli.db".into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            site_root: "target/site".into(),
            demo: false,
            seed_demo: false,
            demo_seed: 20231,
            db_max_connections: 8,
            log_json: false,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            codes_per_address_hour: 600,
            codes_per_network_hour: 1200,
            codes_per_hour: 6000,
            sms: SmsConfig::Console { file: None },
            secret: None,
            secret_file: None,
            rate_per_min: 120,
            rate_burst: 60,
            page_cache_ms: 400,
            tiles: TileConfig::default(),
            reminders: true,
            claim_days: 7,
            upload_dir: "uploads".into(),
            metrics_token: None,
            metrics_addr: None,
            allowed_hosts: Vec::new(),
        }
    }
}

/// Reads `a, b:port, …` as host names (lower case, without a final dot), each with an
/// optional port; returns the first entry that is not one.
pub fn parse_hosts(list: &str) -> Result<Vec<String>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let entry = s.to_ascii_lowercase();
            let (name, port) = match entry.rsplit_once(':') {
                Some((n, p)) if !n.contains(':') || n.ends_with(']') => (n, Some(p)),
                _ => (entry.as_str(), None),
            };
            let name = name.strip_suffix('.').unwrap_or(name);
            let name_ok = match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
                Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
                None => {
                    !name.is_empty()
                        && name.len() <= 253
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
                }
            };
            let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
            if name_ok && port_ok {
                Ok(match port {
                    Some(p) => format!("{name}:{p}"),
                    None => name.to_string(),
                })
            } else {
                Err(s.to_string())
            }
        })
        .collect()
}

/// Reads `a, b/n, …` as addresses (a single host) or networks; returns the first part
/// that is neither.
pub fn parse_networks(list: &str) -> Result<Vec<ipnet::IpNet>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| s.to_string())
        })
        .collect()
}

impl Config {
    /// Whether `ip` is one of the configured reverse proxies.
    pub fn is_trusted_proxy(&self, ip: std::net::IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(&ip))
    }

    /// Reads the environment. A malformed value is an error that names the variable.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut c = Config::default();
        if let Some(v) = get("DATABASE_URL").filter(|v| !v.is_empty()) {
            c.database_url = v;
        }
        if let Some(v) = get("LINLI_ADDR") {
            c.addr = v
                .parse()
                .map_err(|_| format!("LINLI_ADDR 不是有效地址：{v}"))?;
        }
        if let Some(v) = get("LINLI_SITE_ROOT") {
            c.site_root = v;
        }
        if let Some(v) = get("LINLI_DEMO") {
            c.demo = parse_bool("LINLI_DEMO", &v)?;
        }
        if let Some(v) = get("LINLI_SEED_DEMO") {
            c.seed_demo = parse_bool("LINLI_SEED_DEMO", &v)?;
        }
        if let Some(v) = get("LINLI_DEMO_SEED") {
            c.demo_seed = v
                .parse()
                .map_err(|_| format!("LINLI_DEMO_SEED 应为整数：{v}"))?;
        }
        if let Some(v) = get("LINLI_DB_MAX_CONNECTIONS") {
            c.db_max_connections = v
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("LINLI_DB_MAX_CONNECTIONS 应为正整数：{v}"))?;
        }
        if let Some(v) = get("LINLI_LOG_FORMAT") {
            c.log_json = match v.as_str() {
                "json" => true,
                "text" | "" => false,
                _ => return Err(format!("LINLI_LOG_FORMAT 应为 text 或 json：{v}")),
            };
        }
        if let Some(v) = get("LINLI_SECURE_COOKIES") {
            c.secure_cookies = parse_bool("LINLI_SECURE_COOKIES", &v)?;
        }
        if let Some(v) = get("LINLI_TRUST_PROXY") {
            c.trusted_proxies = parse_networks(&v).map_err(|bad| {
                format!("LINLI_TRUST_PROXY 应为逗号分隔的地址或网段（如 10.0.0.0/8）：{bad}")
            })?;
        }
        if let Some(v) = get("LINLI_CODES_PER_ADDRESS_HOUR") {
            c.codes_per_address_hour = v
                .parse()
                .ok()
                .filter(|n: &i64| (1..=1_000_000).contains(n))
                .ok_or(format!(
                    "LINLI_CODES_PER_ADDRESS_HOUR 应为1到1000000的整数：{v}"
                ))?;
        }
        for (name, field) in [
            (
                "LINLI_CODES_PER_NETWORK_HOUR",
                &mut c.codes_per_network_hour,
            ),
            ("LINLI_CODES_PER_HOUR", &mut c.codes_per_hour),
        ] {
            if let Some(v) = get(name) {
                *field = v
                    .parse()
                    .ok()
                    .filter(|n: &i64| (1..=10_000_000).contains(n))
                    .ok_or(format!("{name} 应为1到10000000的整数：{v}"))?;
            }
        }
        if let Some(v) = get("LINLI_SECRET_FILE").filter(|v| !v.is_empty()) {
            c.secret_file = Some(v);
        }
        let num = |name: &str, default: u64| -> Result<u64, String> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(format!("{name} 应为正整数：{v}")),
            }
        };
        c.sms = match get("LINLI_SMS").as_deref() {
            None | Some("") | Some("console") => SmsConfig::Console {
                file: get("LINLI_SMS_CONSOLE_FILE").filter(|s| !s.is_empty()),
            },
            Some("webhook") => SmsConfig::Webhook {
                url: get("LINLI_SMS_WEBHOOK_URL")
                    .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
                    .ok_or(
                        "LINLI_SMS=webhook 时需设置 LINLI_SMS_WEBHOOK_URL（http:// 或 https://）",
                    )?,
                timeout_ms: num("LINLI_SMS_TIMEOUT_MS", 5000)?,
                attempts: num("LINLI_SMS_ATTEMPTS", 3)? as u32,
            },
            Some(v) => return Err(format!("LINLI_SMS 应为 console 或 webhook：{v}")),
        };
        if let Some(v) = get("LINLI_METRICS_TOKEN").filter(|v| !v.is_empty()) {
            if v.len() < 16 {
                return Err("LINLI_METRICS_TOKEN 至少需要16个字符".into());
            }
            c.metrics_token = Some(v);
        }
        if let Some(v) = get("LINLI_METRICS_ADDR").filter(|v| !v.is_empty()) {
            c.metrics_addr = Some(
                v.parse()
                    .map_err(|_| format!("LINLI_METRICS_ADDR 不是有效地址：{v}"))?,
            );
        }
        if let Some(v) = get("LINLI_ALLOWED_HOSTS") {
            c.allowed_hosts = parse_hosts(&v).map_err(|bad| {
                format!("LINLI_ALLOWED_HOSTS 应为逗号分隔的主机名，可带端口（如 linli.example.cn,linli.example.cn:8443）：{bad}")
            })?;
        }
        if let Some(v) = get("LINLI_SECRET") {
            if v.len() < 32 {
                return Err("LINLI_SECRET 至少需要32个字符".into());
            }
            c.secret = Some(v);
        }
        if let Some(v) = get("LINLI_TILE_URL").filter(|v| !v.is_empty()) {
            if !(v.starts_with("https://") || v.starts_with("http://")) || !v.contains("{z}") {
                return Err(format!(
                    "LINLI_TILE_URL 应为含 {{z}}/{{x}}/{{y}} 的 http(s) 地址：{v}"
                ));
            }
            c.tiles.url = v;
        }
        if let Some(v) = get("LINLI_TILE_ATTRIBUTION") {
            c.tiles.attribution = v;
        }
        if let Some(v) = get("LINLI_TILE_COORDS") {
            if v != "wgs84" && v != "gcj02" {
                return Err(format!("LINLI_TILE_COORDS 应为 wgs84 或 gcj02：{v}"));
            }
            c.tiles.coords = v;
        }
        if let Some(v) = get("LINLI_TILE_SUBDOMAINS") {
            c.tiles.subdomains = v;
        }
        if let Some(v) = get("LINLI_REMINDERS") {
            c.reminders = parse_bool("LINLI_REMINDERS", &v)?;
        }
        c.claim_days = num("LINLI_CLAIM_DAYS", 7)?.min(365) as i64;
        if let Some(v) = get("LINLI_UPLOAD_DIR").filter(|v| !v.trim().is_empty()) {
            c.upload_dir = v;
        }
        c.rate_per_min = num("LINLI_RATE_PER_MIN", 120)? as u32;
        c.rate_burst = num("LINLI_RATE_BURST", 60)? as u32;
        if let Some(v) = get("LINLI_PAGE_CACHE_MS") {
            c.page_cache_ms = v
                .trim()
                .parse::<u64>()
                .map_err(|_| format!("LINLI_PAGE_CACHE_MS 应为 0 到 500 的整数（毫秒）：{v}"))?
                .min(500);
        }
        Ok(c)
    }
}

fn parse_bool(name: &str, v: &str) -> Result<bool, String> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(format!("{name} 应为 1 或 0：{v}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn nothing_set_gives_the_documented_defaults() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://linli.db");
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert!(!c.demo && !c.seed_demo);
    }

    #[test]
    fn malformed_values_name_the_variable() {
        assert!(cfg(&[("LINLI_ADDR", "nope")])
            .unwrap_err()
            .contains("LINLI_ADDR"));
        assert!(cfg(&[("LINLI_DEMO", "maybe")])
            .unwrap_err()
            .contains("LINLI_DEMO"));
        assert!(cfg(&[("LINLI_DB_MAX_CONNECTIONS", "0")]).is_err());
    }

    #[test]
    fn the_page_cache_is_bounded_below_a_second_and_can_be_turned_off() {
        assert_eq!(cfg(&[]).unwrap().page_cache_ms, 400);
        assert_eq!(
            cfg(&[("LINLI_PAGE_CACHE_MS", "0")]).unwrap().page_cache_ms,
            0
        );
        assert_eq!(
            cfg(&[("LINLI_PAGE_CACHE_MS", "9999")])
                .unwrap()
                .page_cache_ms,
            500
        );
        for bad in ["-1", "abc", "0.5"] {
            assert!(cfg(&[("LINLI_PAGE_CACHE_MS", bad)])
                .unwrap_err()
                .contains("LINLI_PAGE_CACHE_MS"));
        }
    }

    #[test]
    fn the_webhook_sender_needs_a_url() {
        assert!(cfg(&[("LINLI_SMS", "webhook")])
            .unwrap_err()
            .contains("LINLI_SMS_WEBHOOK_URL"));
        let c = cfg(&[
            ("LINLI_SMS", "webhook"),
            ("LINLI_SMS_WEBHOOK_URL", "http://127.0.0.1:9/sms"),
        ])
        .unwrap();
        assert!(matches!(c.sms, SmsConfig::Webhook { attempts: 3, .. }));
        assert!(cfg(&[("LINLI_SMS", "carrier-pigeon")]).is_err());
        assert!(cfg(&[("LINLI_SECRET", "short")]).is_err());
    }

    #[test]
    fn tile_sources_become_csp_origins() {
        let c = cfg(&[]).unwrap();
        assert_eq!(
            c.tiles.csp_source().as_deref(),
            Some("https://tile.openstreetmap.org")
        );
        let c = cfg(&[
            (
                "LINLI_TILE_URL",
                "https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=8",
            ),
            ("LINLI_TILE_COORDS", "gcj02"),
        ])
        .unwrap();
        assert_eq!(
            c.tiles.csp_source().as_deref(),
            Some("https://*.is.autonavi.com")
        );
        assert!(cfg(&[("LINLI_TILE_COORDS", "bd09")]).is_err());
        assert!(cfg(&[("LINLI_TILE_URL", "ftp://x/{z}")]).is_err());
    }

    #[test]
    fn allowed_hosts_are_names_with_optional_ports() {
        assert!(cfg(&[]).unwrap().allowed_hosts.is_empty());
        let c = cfg(&[(
            "LINLI_ALLOWED_HOSTS",
            " Linli.Example.CN. , linli.example.cn:8443,[::1]:3000,",
        )])
        .unwrap();
        assert_eq!(
            c.allowed_hosts,
            ["linli.example.cn", "linli.example.cn:8443", "[::1]:3000"]
        );
        for bad in ["evil/x", "a:b", "host:0", "http://x", "[zz]", "a b"] {
            assert!(cfg(&[("LINLI_ALLOWED_HOSTS", bad)])
                .unwrap_err()
                .contains("LINLI_ALLOWED_HOSTS"));
        }
    }

    #[test]
    fn demo_mode_switches_on() {
        assert!(cfg(&[("LINLI_DEMO", "1")]).unwrap().demo);
    }
}
