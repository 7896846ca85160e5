//! Coordinate-system conversions for map display and navigation links.
//!
//! # Why this module exists
//!
//! Everything we store and serve through our APIs is **WGS-84** (the GPS datum, EPSG:4326).
//! Mainland Chinese map providers, however, do not draw their tiles in WGS-84:
//!
//! * **Amap (高德)** and **Tencent Maps (腾讯)** use **GCJ-02** ("Mars coordinates"), an
//!   obfuscated datum mandated for published maps in China. A raw WGS-84 point shown on those
//!   maps lands a few hundred metres off.
//! * **Baidu Maps (百度)** uses **BD-09**, a further offset applied on top of GCJ-02, unless the
//!   request states the input datum explicitly with a `coord_type` parameter.
//!
//! Conversion therefore happens **only at the edge**: when a coordinate is handed to a map for
//! display or placed into a navigation link. Converted values must never be written back to
//! storage or returned from the APIs, otherwise the offset would be applied twice.
//!
//! The WGS-84 → GCJ-02 transform is the widely published one based on the Krasovsky 1940
//! ellipsoid. Outside (a rough bounding box of) China, GCJ-02 is identical to WGS-84.

use std::f64::consts::PI;

/// Semi-major axis of the Krasovsky 1940 ellipsoid, in metres.
const KRASOVSKY_A: f64 = 6_378_245.0;

/// First eccentricity squared of the Krasovsky 1940 ellipsoid
/// (published as `0.00669342162296594323`; this is its nearest `f64`).
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;

/// Constant used by the BD-09 transform.
const X_PI: f64 = PI * 3000.0 / 180.0;

/// Convergence threshold of the iterative inverses (GCJ-02 → WGS-84, BD-09 → GCJ-02), in degrees.
const INVERSE_TOLERANCE_DEG: f64 = 1e-9;

/// Maximum number of iterations of the iterative inverses.
const INVERSE_MAX_ITERATIONS: usize = 30;

/// Returns `true` when the point lies outside the rough bounding box of China
/// (longitude 72.004–137.8347, latitude 0.8293–55.8271).
///
/// Outside that box GCJ-02 equals WGS-84 and no offset is applied.
pub fn out_of_china(lat: f64, lng: f64) -> bool {
    !(72.004..=137.8347).contains(&lng) || !(0.8293..=55.8271).contains(&lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn transform_lng(x: f64, y: f64) -> f64 {
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

/// Offset `(d_lat, d_lng)` in degrees that GCJ-02 adds to a WGS-84 point inside China.
fn gcj_delta(lat: f64, lng: f64) -> (f64, f64) {
    let d_lat = transform_lat(lng - 105.0, lat - 35.0);
    let d_lng = transform_lng(lng - 105.0, lat - 35.0);
    let rad_lat = lat / 180.0 * PI;
    let magic = 1.0 - KRASOVSKY_EE * rad_lat.sin() * rad_lat.sin();
    let sqrt_magic = magic.sqrt();
    let d_lat =
        (d_lat * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let d_lng = (d_lng * 180.0) / (KRASOVSKY_A / sqrt_magic * rad_lat.cos() * PI);
    (d_lat, d_lng)
}

/// Converts WGS-84 to GCJ-02. Returns `(lat, lng)`.
pub fn wgs84_to_gcj02(lat: f64, lng: f64) -> (f64, f64) {
    if out_of_china(lat, lng) {
        return (lat, lng);
    }
    let (d_lat, d_lng) = gcj_delta(lat, lng);
    (lat + d_lat, lng + d_lng)
}

/// Converts GCJ-02 to WGS-84. Returns `(lat, lng)`.
///
/// The forward transform has no closed-form inverse, so this iterates: starting from the GCJ-02
/// point itself, the guess is corrected by the residual of the forward transform until that
/// residual is within 1e-9 degrees in both axes, or after 30 iterations.
pub fn gcj02_to_wgs84(lat: f64, lng: f64) -> (f64, f64) {
    if out_of_china(lat, lng) {
        return (lat, lng);
    }
    let (mut w_lat, mut w_lng) = (lat, lng);
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let (g_lat, g_lng) = wgs84_to_gcj02(w_lat, w_lng);
        let (e_lat, e_lng) = (g_lat - lat, g_lng - lng);
        if e_lat.abs() < INVERSE_TOLERANCE_DEG && e_lng.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
        w_lat -= e_lat;
        w_lng -= e_lng;
    }
    (w_lat, w_lng)
}

/// Converts GCJ-02 to BD-09 (Baidu). Returns `(lat, lng)`.
pub fn gcj02_to_bd09(lat: f64, lng: f64) -> (f64, f64) {
    let (x, y) = (lng, lat);
    let z = (x * x + y * y).sqrt() + 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) + 0.000003 * (x * X_PI).cos();
    (z * theta.sin() + 0.006, z * theta.cos() + 0.0065)
}

/// Converts BD-09 (Baidu) to GCJ-02. Returns `(lat, lng)`.
///
/// The commonly published one-step inverse (used here as the starting guess) is only accurate to
/// about 1e-6 degrees, so the guess is then refined against [`gcj02_to_bd09`] with the same
/// tolerance and iteration limit as [`gcj02_to_wgs84`].
pub fn bd09_to_gcj02(lat: f64, lng: f64) -> (f64, f64) {
    let (x, y) = (lng - 0.0065, lat - 0.006);
    let z = (x * x + y * y).sqrt() - 0.00002 * (y * X_PI).sin();
    let theta = y.atan2(x) - 0.000003 * (x * X_PI).cos();
    let (mut g_lat, mut g_lng) = (z * theta.sin(), z * theta.cos());
    for _ in 0..INVERSE_MAX_ITERATIONS {
        let (b_lat, b_lng) = gcj02_to_bd09(g_lat, g_lng);
        let (e_lat, e_lng) = (b_lat - lat, b_lng - lng);
        if e_lat.abs() < INVERSE_TOLERANCE_DEG && e_lng.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
        g_lat -= e_lat;
        g_lng -= e_lng;
    }
    (g_lat, g_lng)
}

/// Converts WGS-84 to BD-09 (Baidu) via GCJ-02. Returns `(lat, lng)`.
pub fn wgs84_to_bd09(lat: f64, lng: f64) -> (f64, f64) {
    let (g_lat, g_lng) = wgs84_to_gcj02(lat, lng);
    gcj02_to_bd09(g_lat, g_lng)
}

/// Percent-encodes a UTF-8 string for use in a URL query component.
///
/// Unreserved characters (RFC 3986: `A–Z a–z 0–9 - . _ ~`) are kept; every other byte,
/// including spaces and each byte of multi-byte UTF-8 sequences, becomes `%XX`.
fn percent_encode(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len() * 3);
    for &b in input.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0F)]));
        }
    }
    out
}

/// Amap (高德) walking navigation link. Input is the station's WGS-84 position; the link carries
/// GCJ-02 (`coordinate=gaode`).
pub fn amap_nav_url(lat: f64, lng: f64, name: &str) -> String {
    let (g_lat, g_lng) = wgs84_to_gcj02(lat, lng);
    format!(
        "https://uri.amap.com/navigation?to={g_lng:.6},{g_lat:.6},{}\
         &mode=walk&coordinate=gaode&callnative=1",
        percent_encode(name)
    )
}

/// Baidu Maps walking directions link.
///
/// Baidu's URI API accepts an explicit `coord_type`, so the stored WGS-84 coordinates are passed
/// through unchanged with `coord_type=wgs84` and Baidu applies its own conversion to BD-09. This
/// avoids compounding the approximation error of our GCJ-02/BD-09 transforms with Baidu's.
pub fn baidu_nav_url(lat: f64, lng: f64, name: &str) -> String {
    format!(
        "https://api.map.baidu.com/direction?destination=latlng:{lat:.6},{lng:.6}|name:{}\
         &mode=walking&coord_type=wgs84&output=html&src=linli",
        percent_encode(name)
    )
}

/// Tencent Maps (腾讯) walking route link. Input is WGS-84; the link carries GCJ-02.
pub fn tencent_nav_url(lat: f64, lng: f64, name: &str) -> String {
    let (g_lat, g_lng) = wgs84_to_gcj02(lat, lng);
    format!(
        "https://apis.map.qq.com/uri/v1/routeplan?type=walk&to={}\
         &tocoord={g_lat:.6},{g_lng:.6}&referer=linli",
        percent_encode(name)
    )
}

/// Apple Maps walking directions link.
///
/// In mainland China Apple Maps is backed by AutoNavi (Amap) data and interprets coordinates as
/// GCJ-02, so the WGS-84 input is converted. Outside China the transform is the identity, so the
/// link stays correct for points abroad as well.
pub fn apple_maps_url(lat: f64, lng: f64, name: &str) -> String {
    let (g_lat, g_lng) = wgs84_to_gcj02(lat, lng);
    format!(
        "https://maps.apple.com/?daddr={g_lat:.6},{g_lng:.6}&q={}&dirflg=w",
        percent_encode(name)
    )
}

/// `geo:` URI (RFC 5870) for the system map app. RFC 5870 mandates WGS-84, so no conversion.
pub fn geo_uri(lat: f64, lng: f64, name: &str) -> String {
    format!(
        "geo:{lat:.6},{lng:.6}?q={lat:.6},{lng:.6}({})",
        percent_encode(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZIBO: (f64, f64) = (36.81, 118.05);

    /// Great-circle distance in metres (mean Earth radius 6 371 008.8 m).
    fn haversine_m(lat1: f64, lng1: f64, lat2: f64, lng2: f64) -> f64 {
        let r = 6_371_008.8;
        let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
        let dp = (lat2 - lat1).to_radians();
        let dl = (lng2 - lng1).to_radians();
        let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * r * h.sqrt().asin()
    }

    const CHINA_POINTS: [(f64, f64); 20] = [
        ZIBO,
        (39.908692, 116.397477), // Beijing, Tiananmen
        (31.230416, 121.473701), // Shanghai
        (23.129110, 113.264385), // Guangzhou
        (22.543096, 114.057865), // Shenzhen
        (30.572815, 104.066801), // Chengdu
        (29.563010, 106.551557), // Chongqing
        (34.341568, 108.940174), // Xi'an
        (30.592850, 114.305539), // Wuhan
        (36.651216, 117.120095), // Jinan
        (36.067108, 120.382609), // Qingdao
        (45.803775, 126.534967), // Harbin
        (43.825592, 87.616848),  // Urumqi
        (29.652491, 91.172112),  // Lhasa
        (25.038889, 102.718333), // Kunming
        (20.044002, 110.198293), // Haikou
        (18.252847, 109.511909), // Sanya
        (40.842585, 111.749180), // Hohhot
        (53.483333, 122.366667), // Mohe
        (39.467665, 75.989755),  // Kashgar
    ];

    #[test]
    fn beijing_known_pair() {
        // WGS-84 Tiananmen → GCJ-02 reference value; tolerance 1e-5 degrees (~1 m).
        let (lat, lng) = wgs84_to_gcj02(39.908692, 116.397477);
        assert!((lat - 39.910092).abs() < 1e-5, "lat {lat}");
        assert!((lng - 116.403721).abs() < 1e-5, "lng {lng}");
    }

    #[test]
    fn wgs_gcj_round_trip_within_1e7_degrees() {
        for &(lat, lng) in &CHINA_POINTS {
            assert!(
                !out_of_china(lat, lng),
                "{lat},{lng} should be inside China"
            );
            let (g_lat, g_lng) = wgs84_to_gcj02(lat, lng);
            assert!((g_lat - lat).abs() > 1e-4 || (g_lng - lng).abs() > 1e-4);
            let (w_lat, w_lng) = gcj02_to_wgs84(g_lat, g_lng);
            assert!((w_lat - lat).abs() < 1e-7, "lat {lat} -> {w_lat}");
            assert!((w_lng - lng).abs() < 1e-7, "lng {lng} -> {w_lng}");
        }
    }

    #[test]
    fn outside_china_unchanged() {
        for &(lat, lng) in &[
            (35.681236, 139.767125),
            (48.856613, 2.352222),
            (-33.8688, 151.2093),
        ] {
            assert!(out_of_china(lat, lng));
            assert_eq!(wgs84_to_gcj02(lat, lng), (lat, lng));
            assert_eq!(gcj02_to_wgs84(lat, lng), (lat, lng));
        }
    }

    #[test]
    fn bd09_round_trip_within_1e6_degrees() {
        for &(lat, lng) in &CHINA_POINTS {
            let (g_lat, g_lng) = wgs84_to_gcj02(lat, lng);
            let (b_lat, b_lng) = gcj02_to_bd09(g_lat, g_lng);
            assert_eq!(wgs84_to_bd09(lat, lng), (b_lat, b_lng));
            let (r_lat, r_lng) = bd09_to_gcj02(b_lat, b_lng);
            assert!((r_lat - g_lat).abs() < 1e-6, "lat {g_lat} -> {r_lat}");
            assert!((r_lng - g_lng).abs() < 1e-6, "lng {g_lng} -> {r_lng}");
        }
    }

    #[test]
    fn amap_link_carries_gcj_with_six_decimals() {
        let (lat, lng) = ZIBO;
        let (g_lat, g_lng) = wgs84_to_gcj02(lat, lng);
        let url = amap_nav_url(lat, lng, "Zibo");
        let expected = format!(
            "https://uri.amap.com/navigation?to={g_lng:.6},{g_lat:.6},Zibo\
             &mode=walk&coordinate=gaode&callnative=1"
        );
        assert_eq!(url, expected);
        let coords = url
            .strip_prefix("https://uri.amap.com/navigation?to=")
            .unwrap()
            .split(',')
            .take(2)
            .collect::<Vec<_>>();
        for c in &coords {
            assert_eq!(c.split('.').nth(1).unwrap().len(), 6, "{c}");
        }
        assert_ne!(coords[0], format!("{lng:.6}"));
        assert_ne!(coords[1], format!("{lat:.6}"));
    }

    #[test]
    fn names_are_percent_encoded() {
        assert_eq!(percent_encode("A-z_0.9~"), "A-z_0.9~");
        assert_eq!(
            percent_encode("淄博站 A口"),
            "%E6%B7%84%E5%8D%9A%E7%AB%99%20A%E5%8F%A3"
        );
        assert_eq!(percent_encode("a&b=c(d)"), "a%26b%3Dc%28d%29");

        let name = "淄博 站";
        let enc = "%E6%B7%84%E5%8D%9A%20%E7%AB%99";
        let (lat, lng) = ZIBO;
        let (g_lat, g_lng) = wgs84_to_gcj02(lat, lng);
        assert!(amap_nav_url(lat, lng, name).contains(&format!(",{enc}&mode=walk")));
        assert_eq!(
            baidu_nav_url(lat, lng, name),
            format!(
                "https://api.map.baidu.com/direction?destination=\
                 latlng:36.810000,118.050000|name:{enc}\
                 &mode=walking&coord_type=wgs84&output=html&src=linli"
            )
        );
        assert_eq!(
            tencent_nav_url(lat, lng, name),
            format!(
                "https://apis.map.qq.com/uri/v1/routeplan?type=walk&to={enc}\
                 &tocoord={g_lat:.6},{g_lng:.6}&referer=linli"
            )
        );
        assert_eq!(
            apple_maps_url(lat, lng, name),
            format!("https://maps.apple.com/?daddr={g_lat:.6},{g_lng:.6}&q={enc}&dirflg=w")
        );
        assert_eq!(
            geo_uri(lat, lng, name),
            format!("geo:36.810000,118.050000?q=36.810000,118.050000({enc})")
        );
        for url in [
            amap_nav_url(lat, lng, name),
            baidu_nav_url(lat, lng, name),
            tencent_nav_url(lat, lng, name),
            apple_maps_url(lat, lng, name),
            geo_uri(lat, lng, name),
        ] {
            assert!(!url.contains(' ') && url.is_ascii(), "{url}");
        }
    }

    #[test]
    fn zibo_offset_is_a_few_hundred_metres() {
        let (lat, lng) = ZIBO;
        let (g_lat, g_lng) = wgs84_to_gcj02(lat, lng);
        let d = haversine_m(lat, lng, g_lat, g_lng);
        assert!((100.0..=700.0).contains(&d), "offset {d} m");
    }
}
