//! Malformed input never costs a 5xx.
//!
//! Why this exists: every server function decodes its arguments from whatever a client
//! sends, and a resident's phone, a script or an attacker can send anything. A bad
//! request must be answered with a 4xx (or, for a plain HTML form, a redirect back to
//! the form); a 5xx means a check is missing, a decoding error is mapped to the wrong
//! status, or a handler panicked (the catch-panic layer turns that into a 500).
//!
//! What it does: it finds every server function by reading `app/src` at test time (every
//! `#[server(prefix = …, endpoint = …)]` and the signature below it), so a function added
//! tomorrow is covered without touching this file, and adds the two plain POST handlers
//! (`/prefs`, the audit export `/api/v1/audit.csv`, and the multipart `/api/wishes/fulfil` and `/admin/import/upload`). Each endpoint gets malformed
//! requests of every kind that applies to its arguments — empty body, each required
//! argument missing, wrong types, broken percent escapes, invalid UTF-8, control
//! characters, duplicate and bracketed keys, very long values, JSON and other content
//! types, random bytes — each sent signed out, as the demo resident and as the demo
//! staff member, as a script (`Accept: application/json`) and as a plain HTML form
//! (`Accept: text/html`). The test fails listing every request answered with a 5xx (or
//! not answered at all).
//!
//! Deterministic: the cases come from a ChaCha8 generator with a fixed seed, in a fixed
//! order (files and endpoints are sorted), so a failure reproduces.

use crate::helpers::spawn_app;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::header::{ACCEPT, CONTENT_TYPE, ORIGIN};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

/// Fixed, so a failure reproduces exactly.
const SEED: u64 = 0x11E1_F022;
/// About this many HTTP requests in all, spread evenly over the endpoints (each case is
/// sent once per identity, so an endpoint gets about TARGET / 3 / endpoints cases; an
/// endpoint with many arguments gets more, to keep one case of every kind).
const TARGET_REQUESTS: usize = 2_000;
/// Requests in flight at once: enough to finish in seconds, few enough that the test
/// database pool (8 connections) does not time out and answer 503 for reasons of its own.
const CONCURRENCY: usize = 8;
/// Fewer server functions than this means the source parser broke, not that the app shrank.
const MIN_SERVER_FNS: usize = 40;
/// A very long value: big enough to matter, well under the 256 KiB body limit.
const LONG: usize = 100_000;
/// How much of a body sent or received a failure report shows.
const PREVIEW: usize = 200;
/// How many failing requests the panic message lists one by one.
const MAX_LISTED: usize = 150;
const FORM: &str = "application/x-www-form-urlencoded";
const BOUNDARY: &str = "fuzz-boundary-11e1f022";

/// Not integers, or not in range (the app's integers are `i64` and `u32`).
const BAD_INTS: &[&str] = &[
    "abc",
    "1.5",
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "4294967296",
    "-1",
    "0",
    "",
    "1e3",
    "0x10",
    "true",
    "%201",
    "1%00",
    "%EF%BC%91", // a full-width １
];
const BAD_FLOATS: &[&str] = &["NaN", "inf", "-inf", "1e999", "abc", "", "1,5"];
const BAD_BOOLS: &[&str] = &["true", "yes", "on", "1", "TRUE", "", "maybe"];
/// Percent escapes that do not decode.
const BAD_ESCAPES: &[&str] = &["%zz", "%", "%4", "%%", "%G0", "x%"];
/// Escapes that decode to bytes that are not UTF-8 (lone bytes, overlong, a surrogate,
/// a truncated sequence).
const BAD_UTF8: &[&str] = &["%ff%fe", "%c0%af", "%ed%a0%80", "%80", "a%e4%b8"];
const CONTROL: &[&str] = &[
    "%00",
    "%0A",
    "%09",
    "%0D%0ALocation:%20http://evil.example",
    "%1B%5B2J",
    "%7F",
    "x%00y",
];
/// For a `next`-style redirect target: control characters (header injection) and
/// off-site targets.
const CONTROL_NEXT: &[&str] = &[
    "%00",
    "%0A",
    "%09",
    "/%0D%0ASet-Cookie:%20a=b",
    "/x%00y",
    "//evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "javascript:alert(1)",
];

// ---------------------------------------------------------------------------------------
// Endpoints: found in the source of the app.
// ---------------------------------------------------------------------------------------

/// The Rust type of an argument, as far as its encoding cares.
#[derive(Debug, Clone)]
enum Ty {
    Int,
    Float,
    Bool,
    Str,
    Vec(Box<Ty>),
    /// A struct or any other type: encoded as `name[field]=…`.
    Other(String),
}

#[derive(Debug, Clone)]
struct Arg {
    name: String,
    ty: Ty,
    /// `Option<…>` (or `#[server(default)]`): may be left out.
    optional: bool,
    /// A plausible raw (already form-safe) value, so one broken argument is the only fault.
    sample: String,
}

impl Arg {
    /// The element type of a `Vec`, or the type itself.
    fn scalar(&self) -> &Ty {
        match &self.ty {
            Ty::Vec(inner) => inner.as_ref(),
            t => t,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Body {
    /// `application/x-www-form-urlencoded`: server functions (Leptos' default `PostUrl`)
    /// and `/prefs`.
    Form,
    /// `multipart/form-data`: the fulfilment photo upload.
    Multipart,
}

#[derive(Debug, Clone)]
struct Endpoint {
    path: String,
    /// Where it was found, for messages.
    source: String,
    args: Vec<Arg>,
    body: Body,
}

/// Every server function under `app/src`, sorted by path.
fn discover_server_fns() -> Vec<Endpoint> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../app/src"));
    let mut files = Vec::new();
    collect_rs_files(&root, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        let found = parse_server_fns(&text)
            .unwrap_or_else(|e| panic!("app/src/{rel}: cannot parse a server function: {e}"));
        for mut ep in found {
            ep.source = format!("app/src/{rel}, {}", ep.source);
            out.push(ep);
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn collect_rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read directory {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect_rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `#[server(…)]` function in one source file: its URL and its arguments.
///
/// Only an attribute that begins its line counts (not one quoted in a comment or a
/// string, nor a parameter's own `#[server(default)]`). An attribute without
/// `endpoint = "…"` is an error rather than skipped: its URL would be a hash this test
/// cannot know, and silently skipping it would leave it unfuzzed.
fn parse_server_fns(src: &str) -> Result<Vec<Endpoint>, String> {
    let mut out = Vec::new();
    let mut cursor = 0;
    while let Some(found) = src[cursor..].find("#[server") {
        let at = cursor + found;
        cursor = at + "#[server".len();
        let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
        if !src[line_start..at].trim().is_empty() {
            continue;
        }
        let line = src[..at].matches('\n').count() + 1;
        let rest = &src[cursor..];
        let (attr_args, attr_end) = if rest.starts_with('(') {
            let close = matching(src, cursor)
                .ok_or_else(|| format!("line {line}: unclosed `#[server(`"))?;
            let bracket = src[close..]
                .find(']')
                .ok_or_else(|| format!("line {line}: `#[server(…)` without `]`"))?;
            (&src[cursor + 1..close], close + bracket + 1)
        } else if rest.starts_with(']') {
            ("", cursor + 1)
        } else {
            // `#[server_only]` or the like: another attribute.
            continue;
        };
        let endpoint = attr_value(attr_args, "endpoint").ok_or_else(|| {
            format!(
                "line {line}: #[server] without `endpoint = \"…\"`: give it one, so its URL \
                 is stable and this test can reach it"
            )
        })?;
        let prefix = attr_value(attr_args, "prefix").unwrap_or_else(|| "/api".to_string());
        let (name, args, end) =
            parse_signature(src, attr_end).map_err(|e| format!("line {line}: {e}"))?;
        out.push(Endpoint {
            path: format!(
                "{}/{}",
                prefix.trim_end_matches('/'),
                endpoint.trim_start_matches('/')
            ),
            source: format!("fn {name} (line {line})"),
            args,
            body: Body::Form,
        });
        cursor = end;
    }
    Ok(out)
}

/// The string value of `key = "…"` in an attribute's arguments.
fn attr_value(attr: &str, key: &str) -> Option<String> {
    for (i, _) in attr.match_indices(key) {
        // A whole word: `endpoint`, not `my_endpoint`.
        if matches!(attr[..i].chars().next_back(), Some(c) if c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(after) = attr[i + key.len()..].trim_start().strip_prefix('=') else {
            continue;
        };
        let Some(after) = after.trim_start().strip_prefix('"') else {
            continue;
        };
        return after.find('"').map(|end| after[..end].to_string());
    }
    None
}

/// The index of the bracket closing the one at `open`, skipping string literals and
/// line comments.
fn matching(src: &str, open: usize) -> Option<usize> {
    let b = src.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Skips whitespace, comments and attributes (`#[…]`) from `i`.
fn skip_trivia(src: &str, mut i: usize) -> Result<usize, String> {
    loop {
        let rest = &src[i..];
        let trimmed = rest.trim_start();
        i += rest.len() - trimmed.len();
        if trimmed.starts_with("//") {
            i += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if trimmed.starts_with("/*") {
            i += trimmed
                .find("*/")
                .map(|e| e + 2)
                .ok_or("unclosed block comment")?;
        } else if trimmed.starts_with("#[") {
            i = matching(src, i + 1).ok_or("unclosed attribute")? + 1;
        } else {
            return Ok(i);
        }
    }
}

/// The function after an attribute ending at `from`: its name, its arguments, and where
/// its argument list ends. Handles signatures over several lines, comments and other
/// attributes in between, and functions without arguments.
fn parse_signature(src: &str, from: usize) -> Result<(String, Vec<Arg>, usize), String> {
    let start = skip_trivia(src, from)?;
    let fn_at = src[start..]
        .find("fn ")
        .map(|p| start + p)
        .ok_or("no `fn` after #[server]")?;
    // Only `pub`, `pub(crate)`, `async` and the like may come before `fn`.
    let header = &src[start..fn_at];
    if header.len() > 40 || header.contains(['{', '}', ';']) {
        return Err(format!(
            "expected a function after #[server], found `{}`",
            header.trim()
        ));
    }
    let open = src[fn_at..]
        .find('(')
        .map(|p| fn_at + p)
        .ok_or("no argument list")?;
    let name = src[fn_at + 2..open].trim();
    let name = name.split('<').next().unwrap_or(name).trim().to_string();
    let close = matching(src, open).ok_or("unclosed argument list")?;
    let mut args = Vec::new();
    for raw in split_top_level(&strip_line_comments(&src[open + 1..close])) {
        let raw = raw.trim();
        if !raw.is_empty() {
            args.push(parse_arg(raw).map_err(|e| format!("fn {name}: {e}"))?);
        }
    }
    Ok((name, args, close + 1))
}

fn strip_line_comments(s: &str) -> String {
    s.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Splits an argument list at the commas that are not inside `<…>`, `(…)`, `[…]`, `{…}`.
fn split_top_level(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    let mut prev = ' ';
    for c in s.chars() {
        match c {
            '<' | '(' | '[' | '{' => depth += 1,
            '>' if prev != '-' => depth -= 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                prev = c;
                continue;
            }
            _ => {}
        }
        cur.push(c);
        prev = c;
    }
    parts.push(cur);
    parts
}

/// `name: Type` (possibly `mut name`, possibly after its own attributes).
fn parse_arg(raw: &str) -> Result<Arg, String> {
    let start = skip_trivia(raw, 0)?;
    // `#[server(default)]` on a parameter: a missing value takes the default.
    let defaulted = raw[..start].contains("default");
    let raw = &raw[start..];
    let (pat, ty_text) = raw
        .split_once(':')
        .ok_or_else(|| format!("argument `{raw}` has no type"))?;
    let name = pat.trim().trim_start_matches("mut ").trim();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!("argument `{}` is not a plain name", pat.trim()));
    }
    let ty_text: String = ty_text.split_whitespace().collect();
    let (ty, optional) = match generic(&ty_text, "Option") {
        Some(inner) => (classify(inner), true),
        None => (classify(&ty_text), defaulted),
    };
    let sample = sample_value(&ty).to_string();
    Ok(Arg {
        name: name.to_string(),
        ty,
        optional,
        sample,
    })
}

/// `T` of `outer<T>` (also `std::option::Option<T>` and the like).
fn generic<'a>(s: &'a str, outer: &str) -> Option<&'a str> {
    let lt = s.find('<')?;
    let base = s[..lt].rsplit("::").next().unwrap_or(&s[..lt]);
    if base == outer && s.ends_with('>') {
        Some(&s[lt + 1..s.len() - 1])
    } else {
        None
    }
}

fn classify(s: &str) -> Ty {
    if let Some(inner) = generic(s, "Vec") {
        return Ty::Vec(Box::new(classify(inner)));
    }
    match s.rsplit("::").next().unwrap_or(s) {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => Ty::Int,
        "f32" | "f64" => Ty::Float,
        "bool" => Ty::Bool,
        "String" | "str" | "&str" | "char" => Ty::Str,
        _ => Ty::Other(s.to_string()),
    }
}

fn sample_value(ty: &Ty) -> &'static str {
    match ty {
        Ty::Int | Ty::Other(_) => "1",
        Ty::Float => "1.5",
        Ty::Bool => "false",
        Ty::Str => "x",
        Ty::Vec(inner) => sample_value(inner),
    }
}

/// For the start-up line: `path(name: type, …)`.
fn signature(ep: &Endpoint) -> String {
    fn ty_name(t: &Ty) -> String {
        match t {
            Ty::Int => "int".into(),
            Ty::Float => "float".into(),
            Ty::Bool => "bool".into(),
            Ty::Str => "str".into(),
            Ty::Vec(inner) => format!("[{}]", ty_name(inner)),
            Ty::Other(name) => name.clone(),
        }
    }
    let args: Vec<String> = ep
        .args
        .iter()
        .map(|a| {
            format!(
                "{}: {}{}",
                a.name,
                ty_name(&a.ty),
                if a.optional { "?" } else { "" }
            )
        })
        .collect();
    format!("{}({})", ep.path, args.join(", "))
}

/// The POST endpoints that are plain axum handlers, not server functions.
fn plain_handlers() -> Vec<Endpoint> {
    let arg = |name: &str, ty: Ty, sample: &str| Arg {
        name: name.to_string(),
        ty,
        optional: true,
        sample: sample.to_string(),
    };
    vec![
        Endpoint {
            path: "/prefs".into(),
            source: "server/src/http/prefs.rs".into(),
            // A valid language, so a broken `next` is what the handler meets.
            args: vec![
                arg("lang", Ty::Str, "en"),
                arg("care", Ty::Str, "1"),
                arg("next", Ty::Str, "/"),
            ],
            body: Body::Form,
        },
        Endpoint {
            path: "/api/wishes/fulfil".into(),
            source: "server/src/http/photos.rs".into(),
            args: vec![
                arg("id", Ty::Int, "1"),
                arg("note", Ty::Str, "x"),
                arg("photo", Ty::Other("file".into()), ""),
            ],
            body: Body::Multipart,
        },
        Endpoint {
            path: "/admin/import/upload".into(),
            source: "server/src/http/transfer.rs".into(),
            args: vec![
                arg("encoding", Ty::Str, "auto"),
                arg("datum", Ty::Str, "gcj02"),
                arg("file", Ty::Other("file".into()), ""),
            ],
            body: Body::Multipart,
        },
        Endpoint {
            path: "/api/v1/audit.csv".into(),
            source: "server/src/http/office.rs".into(),
            args: vec![
                arg("who", Ty::Int, "1"),
                arg("what", Ty::Str, "grant_role"),
                arg("community", Ty::Int, "1"),
                arg("from", Ty::Str, "2026-01-01"),
                arg("to", Ty::Str, "2026-12-31"),
            ],
            body: Body::Form,
        },
    ]
}

/// Signing out ends the session the signed-in clients rely on: these run last.
fn ends_session(path: &str) -> bool {
    path.contains("sign-out")
}

// ---------------------------------------------------------------------------------------
// Cases: malformed requests for one endpoint.
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
struct Case {
    /// Which kind of malformation, for the report.
    kind: &'static str,
    /// `None`: no `Content-Type` header at all.
    content_type: Option<String>,
    body: Vec<u8>,
}

fn case(kind: &'static str, content_type: Option<&str>, body: Vec<u8>) -> Case {
    Case {
        kind,
        content_type: content_type.map(str::to_string),
        body,
    }
}

/// The key an argument is sent under (`Vec` and struct arguments are bracketed).
fn key(arg: &Arg) -> String {
    match arg.ty {
        Ty::Vec(_) => format!("{}[0]", arg.name),
        Ty::Other(_) => format!("{}[a]", arg.name),
        _ => arg.name.clone(),
    }
}

/// Every argument with its plausible value.
fn baseline(ep: &Endpoint) -> Vec<(String, String)> {
    ep.args.iter().map(|a| (key(a), a.sample.clone())).collect()
}

/// Raw (the values are already encoded, or deliberately broken).
fn encode(pairs: &[(String, String)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// The baseline without argument `i`.
fn without(ep: &Endpoint, i: usize) -> Vec<u8> {
    let mut p = baseline(ep);
    p.remove(i);
    encode(&p)
}

/// The baseline with argument `i` sent as `key=value`.
fn rekeyed(ep: &Endpoint, i: usize, key: &str, value: &str) -> Vec<u8> {
    let mut p = baseline(ep);
    p[i] = (key.to_string(), value.to_string());
    encode(&p)
}

/// The baseline with argument `i` set to `value`.
fn replaced(ep: &Endpoint, i: usize, value: &str) -> Vec<u8> {
    rekeyed(ep, i, &key(&ep.args[i]), value)
}

/// The baseline with `extra` (raw `k=v&…`) after it.
fn appended(ep: &Endpoint, extra: &str) -> Vec<u8> {
    let mut b = encode(&baseline(ep));
    if !b.is_empty() {
        b.push(b'&');
    }
    b.extend_from_slice(extra.as_bytes());
    b
}

/// Each of `values` in each argument of `idxs`; with no such argument, in an extra key
/// `fallback` (if any), so an endpoint without such arguments still decodes the value.
fn targeted(
    ep: &Endpoint,
    idxs: &[usize],
    values: &[&str],
    fallback: Option<&str>,
) -> Vec<Vec<u8>> {
    if idxs.is_empty() {
        return match fallback {
            Some(k) => values
                .iter()
                .map(|v| appended(ep, &format!("{k}={v}")))
                .collect(),
            None => Vec::new(),
        };
    }
    let mut out = Vec::new();
    for &i in idxs {
        for v in values {
            out.push(replaced(ep, i, v));
        }
    }
    out
}

fn args_where(ep: &Endpoint, pred: impl Fn(&Ty) -> bool) -> Vec<usize> {
    ep.args
        .iter()
        .enumerate()
        .filter(|(_, a)| pred(a.scalar()))
        .map(|(i, _)| i)
        .collect()
}

fn form_cases(kind: &'static str, bodies: Vec<Vec<u8>>) -> (&'static str, Vec<Case>) {
    let cases = bodies
        .into_iter()
        .map(|b| case(kind, Some(FORM), b))
        .collect();
    (kind, cases)
}

/// A JSON object with every argument of the wrong type.
fn wrong_types_json(ep: &Endpoint) -> String {
    let mut obj = serde_json::Map::new();
    for a in &ep.args {
        let v = match &a.ty {
            Ty::Int => serde_json::json!("abc"),
            Ty::Float => serde_json::json!("NaN"),
            Ty::Bool => serde_json::json!("yes"),
            Ty::Str => serde_json::json!(12345),
            Ty::Vec(_) => serde_json::json!("not a list"),
            Ty::Other(_) => serde_json::json!([1, null, {"x": true}]),
        };
        obj.insert(a.name.clone(), v);
    }
    if obj.is_empty() {
        obj.insert("x".into(), serde_json::json!({"y": [1, null]}));
    }
    serde_json::Value::Object(obj).to_string()
}

/// Every malformed request of every kind for a form endpoint, grouped by kind.
fn form_kinds(ep: &Endpoint) -> Vec<(&'static str, Vec<Case>)> {
    let all: Vec<usize> = (0..ep.args.len()).collect();
    let ints = args_where(ep, |t| matches!(t, Ty::Int));
    let floats = args_where(ep, |t| matches!(t, Ty::Float));
    let bools = args_where(ep, |t| matches!(t, Ty::Bool));
    let strs = args_where(ep, |t| matches!(t, Ty::Str));
    // Text-ish faults go into string arguments, or into any argument if there are none.
    let texty = if strs.is_empty() { all.clone() } else { strs };
    let next: Vec<usize> = ep
        .args
        .iter()
        .position(|a| a.name == "next")
        .into_iter()
        .collect();
    let base = encode(&baseline(ep));

    let missing = ep
        .args
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.optional)
        .map(|(i, _)| without(ep, i))
        .collect();

    let mut bad_escape = targeted(ep, &all, BAD_ESCAPES, Some("q"));
    for k in ["%zz=1", "%=1", "a%=1", "%ff=1", "%5B=1"] {
        bad_escape.push(appended(ep, k));
    }

    let mut bad_utf8 = targeted(ep, &texty, BAD_UTF8, Some("q"));
    bad_utf8.push(appended(ep, "%ff%fe=1"));

    let mut duplicate = Vec::new();
    for a in &ep.args {
        let other = if matches!(a.scalar(), Ty::Str) {
            "y"
        } else {
            "2"
        };
        duplicate.push(appended(ep, &format!("{}={other}", key(a))));
    }
    duplicate.push(appended(ep, "x=1&x=2"));
    if !base.is_empty() {
        let mut twice = base.clone();
        twice.push(b'&');
        twice.extend_from_slice(&base);
        duplicate.push(twice);
    }

    let long_x = "x".repeat(LONG);
    let long_cjk = "%E4%B8%AD".repeat(20_000); // 中 percent-encoded: 180 KB, 20,000 chars
    let long_digits = "9".repeat(LONG);
    let mut long = targeted(ep, &texty, &[long_x.as_str(), long_cjk.as_str()], Some("q"));
    long.extend(targeted(ep, &ints, &[long_digits.as_str()], None));
    // Enums and structs too (an action, a sort, a query): a 100,000-character value in an
    // enum argument once came back quoted in the error and answered 500.
    let others = args_where(ep, |t| matches!(t, Ty::Other(_)));
    long.extend(targeted(
        ep,
        &others,
        &[long_x.as_str(), long_cjk.as_str()],
        None,
    ));
    long.push(appended(ep, &format!("{}=1", "k".repeat(LONG))));
    long.push(appended(ep, &"&".repeat(LONG)));
    long.push(appended(ep, &"a=1&".repeat(LONG / 4)));

    let mut nested: Vec<Vec<u8>> = [
        "a[b][c]=1",
        "params[x]=1",
        "a[b=1",
        "a]=1",
        "[]=1",
        "=1",
        "&&&",
        "a[]=1&a[b]=2",
        "a[0]=1&a[x]=2",
        "[[[[=1",
    ]
    .iter()
    .map(|s| appended(ep, s))
    .collect();
    nested.push(appended(ep, &format!("a{}=1", "[b]".repeat(64))));
    for (i, a) in ep.args.iter().enumerate() {
        let keys = [
            format!("{}[x]", a.name),
            format!("{}[]", a.name),
            format!("{}[0][1]", a.name),
            format!("{}[99999999]", a.name),
            format!("{}[-1]", a.name),
            a.name.clone(),
        ];
        for k in keys.iter().filter(|k| **k != key(a)) {
            nested.push(rekeyed(ep, i, k, &a.sample));
        }
    }

    let json: Vec<Case> = [
        wrong_types_json(ep).into_bytes(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{".to_vec(),
        b"\"x\"".to_vec(),
        format!("{}{}", "[".repeat(256), "]".repeat(256)).into_bytes(),
        br#"{"a":{"b":{"c":[1,2,{"d":null}]}}}"#.to_vec(),
    ]
    .into_iter()
    .map(|b| case("json", Some("application/json"), b))
    .collect();

    let kind = "wrong-content-type";
    let wrong_content_type = vec![
        case(kind, Some("text/plain"), base.clone()),
        case(kind, Some("text/plain; charset=utf-8"), b"hello".to_vec()),
        case(kind, Some("application/xml"), b"<a><b/></a>".to_vec()),
        case(kind, None, base.clone()),
        case(kind, Some("multipart/form-data"), base.clone()),
        case(
            kind,
            Some("application/x-www-form-urlencoded; charset=utf-16"),
            base.clone(),
        ),
        case(kind, Some("application/octet-stream"), base.clone()),
        case(kind, Some("not a content type"), base),
    ];

    vec![
        form_cases("empty", vec![Vec::new()]),
        form_cases("missing", missing),
        form_cases("wrong-int", targeted(ep, &ints, BAD_INTS, None)),
        form_cases("wrong-float", targeted(ep, &floats, BAD_FLOATS, None)),
        form_cases("wrong-bool", targeted(ep, &bools, BAD_BOOLS, None)),
        form_cases("bad-escape", bad_escape),
        form_cases("bad-utf8", bad_utf8),
        form_cases("control", targeted(ep, &texty, CONTROL, Some("q"))),
        form_cases(
            "control-next",
            targeted(ep, &next, CONTROL_NEXT, Some("next")),
        ),
        form_cases("duplicate", duplicate),
        form_cases("long", long),
        form_cases("nested", nested),
        ("json", json),
        (kind, wrong_content_type),
    ]
}

fn multipart_ct() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

fn mp_case(kind: &'static str, body: Vec<u8>) -> Case {
    Case {
        kind,
        content_type: Some(multipart_ct()),
        body,
    }
}

/// One part: `--boundary`, its raw header lines, a blank line, the value.
fn part_raw(headers: &[u8], value: &[u8]) -> Vec<u8> {
    let mut p = format!("--{BOUNDARY}\r\n").into_bytes();
    p.extend_from_slice(headers);
    p.extend_from_slice(b"\r\n\r\n");
    p.extend_from_slice(value);
    p.extend_from_slice(b"\r\n");
    p
}

fn part(name: &str, filename: Option<&str>, value: &[u8]) -> Vec<u8> {
    let mut h = format!("Content-Disposition: form-data; name=\"{name}\"");
    if let Some(f) = filename {
        h.push_str(&format!(
            "; filename=\"{f}\"\r\nContent-Type: application/octet-stream"
        ));
    }
    part_raw(h.as_bytes(), value)
}

fn field(name: &str, value: &[u8]) -> Vec<u8> {
    part(name, None, value)
}

/// The parts, then the closing boundary.
fn multipart(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut b = parts.concat();
    b.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    b
}

fn random_bytes_of(rng: &mut ChaCha8Rng, max: usize) -> Vec<u8> {
    let mut v = vec![0u8; rng.gen_range(0..max)];
    rng.fill(v.as_mut_slice());
    v
}

/// Every malformed request of every kind for the multipart upload, grouped by kind.
fn multipart_kinds(rng: &mut ChaCha8Rng) -> Vec<(&'static str, Vec<Case>)> {
    let id = field("id", b"1");
    let note = field("note", b"x");
    let empty_photo = part("photo", Some(""), b"");
    let valid = multipart(&[id.clone(), note.clone()]);

    let missing = vec![
        mp_case("missing", multipart(std::slice::from_ref(&note))),
        mp_case("missing", multipart(std::slice::from_ref(&empty_photo))),
        mp_case("missing", multipart(&[])),
    ];
    let wrong_int: Vec<Case> = BAD_INTS
        .iter()
        .map(|v| {
            mp_case(
                "wrong-int",
                multipart(&[field("id", v.as_bytes()), note.clone()]),
            )
        })
        .collect();
    let bad_escape = vec![
        mp_case(
            "bad-escape",
            multipart(&[field("id", b"%zz"), field("note", b"%")]),
        ),
        mp_case(
            "bad-escape",
            multipart(&[id.clone(), field("note", b"%ff%fe")]),
        ),
    ];
    let bad_utf8 = vec![
        mp_case(
            "bad-utf8",
            multipart(&[field("id", b"\xff\xfe"), note.clone()]),
        ),
        mp_case(
            "bad-utf8",
            multipart(&[id.clone(), field("note", b"\xff\xfe\xfd")]),
        ),
        mp_case(
            "bad-utf8",
            multipart(&[
                id.clone(),
                part_raw(b"Content-Disposition: form-data; name=\"\xff\xfe\"", b"1"),
            ]),
        ),
    ];
    let boundary_in_value = format!("a\r\n--{BOUNDARY}\r\nb");
    let control: Vec<Case> = [
        "\0",
        "\n",
        "\t",
        "\r\n",
        "\x1b[2J",
        "x\0y",
        boundary_in_value.as_str(),
    ]
    .iter()
    .map(|v| {
        mp_case(
            "control",
            multipart(&[id.clone(), field("note", v.as_bytes())]),
        )
    })
    .chain(std::iter::once(mp_case(
        "control",
        multipart(&[field("id", b"1\0"), note.clone()]),
    )))
    .collect();
    let duplicate = vec![
        mp_case(
            "duplicate",
            multipart(&[id.clone(), field("id", b"2"), note.clone()]),
        ),
        mp_case(
            "duplicate",
            multipart(&[id.clone(), note.clone(), note.clone()]),
        ),
        mp_case(
            "duplicate",
            multipart(&[
                id.clone(),
                note.clone(),
                empty_photo.clone(),
                empty_photo.clone(),
            ]),
        ),
    ];
    let many_headers = "X-Fuzz: 1\r\n".repeat(2_000);
    let long = vec![
        mp_case(
            "long",
            multipart(&[id.clone(), field("note", "x".repeat(LONG).as_bytes())]),
        ),
        mp_case(
            "long",
            multipart(&[field("id", "9".repeat(LONG).as_bytes()), note.clone()]),
        ),
        mp_case(
            "long",
            multipart(&[field(&"n".repeat(10_000), b"1"), id.clone()]),
        ),
        mp_case(
            "long",
            multipart(&[part_raw(
                format!("{many_headers}Content-Disposition: form-data; name=\"id\"").as_bytes(),
                b"1",
            )]),
        ),
    ];
    let nested: Vec<Case> = ["a[b][c]", "id[x]", "params[x]", "id[]"]
        .iter()
        .map(|k| mp_case("nested", multipart(&[field(k, b"1"), note.clone()])))
        .collect();
    let json = vec![
        case(
            "json",
            Some("application/json"),
            br#"{"id":"abc","note":123}"#.to_vec(),
        ),
        case("json", Some("application/json"), b"[".to_vec()),
    ];
    let kind = "wrong-content-type";
    let mixed = format!("multipart/mixed; boundary={BOUNDARY}");
    let wrong_content_type = vec![
        case(kind, Some("text/plain"), valid.clone()),
        case(kind, Some(FORM), b"id=1&note=x".to_vec()),
        case(kind, Some("multipart/form-data"), valid.clone()),
        case(kind, Some("multipart/form-data; boundary="), valid.clone()),
        case(
            kind,
            Some("multipart/form-data; boundary=other"),
            valid.clone(),
        ),
        case(kind, Some(mixed.as_str()), valid.clone()),
        case(kind, None, valid.clone()),
    ];
    let b = BOUNDARY;
    let broken = vec![
        mp_case("broken-multipart", valid[..valid.len() / 2].to_vec()),
        mp_case("broken-multipart", [id.clone(), note.clone()].concat()), // no closing boundary
        mp_case(
            "broken-multipart",
            format!("--{b}\r\nContent-Disposition: form-data; name=\"id\"\r\n1\r\n--{b}--\r\n")
                .into_bytes(),
        ),
        mp_case(
            "broken-multipart",
            format!("--{b}\r\nContent-Type: text/plain\r\n\r\n1\r\n--{b}--\r\n").into_bytes(),
        ),
        mp_case(
            "broken-multipart",
            format!("--{b}\r\nContent-Disposition: form-data\r\n\r\n1\r\n--{b}--\r\n").into_bytes(),
        ),
        mp_case(
            "broken-multipart",
            format!("--{b}\r\nContent-Disposition: form-data; name=\"id\r\n\r\n1\r\n--{b}--\r\n")
                .into_bytes(),
        ),
        mp_case(
            "broken-multipart",
            format!("--{b}\r\n:::\r\n\r\n1\r\n--{b}--\r\n").into_bytes(),
        ),
        mp_case("broken-multipart", b"hello".to_vec()),
        mp_case("broken-multipart", format!("--{b}").into_bytes()),
    ];
    let photo = |bytes: Vec<u8>, filename: &str| {
        mp_case(
            "bad-photo",
            multipart(&[
                id.clone(),
                note.clone(),
                part("photo", Some(filename), &bytes),
            ]),
        )
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(random_bytes_of(rng, 2048));
    let mut jpeg = b"\xff\xd8\xff\xe0".to_vec();
    jpeg.extend(random_bytes_of(rng, 2048));
    let mut gif = b"GIF89a".to_vec();
    gif.extend(random_bytes_of(rng, 2048));
    let mut webp = b"RIFF\x00\x10\x00\x00WEBPVP8 ".to_vec();
    webp.extend(random_bytes_of(rng, 2048));
    let bad_photo = vec![
        photo(random_bytes_of(rng, 4096), "p.png"),
        photo(png.clone(), "p.png"),
        photo(jpeg, "p.jpg"),
        photo(gif, "p.gif"),
        photo(webp, "p.webp"),
        photo(png.clone(), "../../etc/passwd"),
        mp_case(
            "bad-photo",
            multipart(&[id.clone(), note.clone(), field("photo", &png)]),
        ),
    ];

    vec![
        ("empty", vec![mp_case("empty", Vec::new())]),
        ("missing", missing),
        ("wrong-int", wrong_int),
        ("bad-escape", bad_escape),
        ("bad-utf8", bad_utf8),
        ("control", control),
        ("duplicate", duplicate),
        ("long", long),
        ("nested", nested),
        ("json", json),
        (kind, wrong_content_type),
        ("broken-multipart", broken),
        ("bad-photo", bad_photo),
    ]
}

/// Random bytes in the endpoint's content type.
fn random_bytes(ep: &Endpoint, rng: &mut ChaCha8Rng) -> Case {
    let body = random_bytes_of(rng, 4096);
    match ep.body {
        Body::Form => case("random-bytes", Some(FORM), body),
        Body::Multipart => mp_case("random-bytes", body),
    }
}

/// Random form-shaped junk: separators, brackets, escapes and the endpoint's own
/// argument names; for the upload, random parts.
fn random_form(ep: &Endpoint, rng: &mut ChaCha8Rng) -> Case {
    const PIECES: &[&str] = &[
        "=",
        "&",
        "&",
        "[",
        "]",
        "[]",
        "%",
        "%zz",
        "%00",
        "%ff",
        "%0A",
        "+",
        "1",
        "-1",
        "0",
        "x",
        "中",
        ".",
        ";",
        "#",
        "?",
        "99999999999999999999",
        "true",
        "null",
    ];
    let mut s = String::new();
    for _ in 0..rng.gen_range(1..48) {
        if !ep.args.is_empty() && rng.gen_range(0..4) == 0 {
            s.push_str(&ep.args[rng.gen_range(0..ep.args.len())].name);
        } else {
            s.push_str(PIECES[rng.gen_range(0..PIECES.len())]);
        }
    }
    match ep.body {
        Body::Form => case("random-form", Some(FORM), s.into_bytes()),
        Body::Multipart => {
            let mut parts = Vec::new();
            for _ in 0..rng.gen_range(1..5) {
                let name = ["id", "note", "photo", s.as_str()][rng.gen_range(0..4usize)];
                let value = random_bytes_of(rng, 512);
                let filename = if name == "photo" { Some("p.png") } else { None };
                parts.push(part(name, filename, &value));
            }
            mp_case("random-multipart", multipart(&parts))
        }
    }
}

/// The cases sent to one endpoint: every "missing argument" case, one case of each
/// other kind (taking turns over the candidates across endpoints, so every value of a
/// kind is used somewhere), a random-bytes and a random-form case, then more (left-over
/// candidates and random forms) up to `quota`.
fn cases_for(
    ep: &Endpoint,
    quota: usize,
    rng: &mut ChaCha8Rng,
    turn: &mut BTreeMap<&'static str, usize>,
) -> Vec<Case> {
    let kinds = match ep.body {
        Body::Form => form_kinds(ep),
        Body::Multipart => multipart_kinds(rng),
    };
    let mut out = Vec::new();
    let mut spare = Vec::new();
    for (kind, mut candidates) in kinds {
        if candidates.is_empty() {
            continue;
        }
        if kind == "missing" {
            out.append(&mut candidates);
            continue;
        }
        let t = turn.entry(kind).or_insert(0);
        let pick = *t % candidates.len();
        *t += 1;
        out.push(candidates.swap_remove(pick));
        spare.append(&mut candidates);
    }
    out.push(random_bytes(ep, rng));
    out.push(random_form(ep, rng));
    while out.len() < quota {
        if out.len() % 2 == 0 && !spare.is_empty() {
            let i = rng.gen_range(0..spare.len());
            out.push(spare.swap_remove(i));
        } else {
            out.push(random_form(ep, rng));
        }
    }
    for c in &out {
        assert!(
            c.body.len() < server::http::MAX_BODY_BYTES,
            "a {} case for {} is {} bytes, over the body limit: it would test the limit, \
             not the endpoint",
            c.kind,
            ep.path,
            c.body.len()
        );
    }
    out
}

// ---------------------------------------------------------------------------------------
// Sending.
// ---------------------------------------------------------------------------------------

struct Job {
    url: String,
    endpoint: String,
    identity: &'static str,
    client: reqwest::Client,
    origin: String,
    html: bool,
    case: Arc<Case>,
}

struct Outcome {
    endpoint: String,
    identity: &'static str,
    html: bool,
    case: Arc<Case>,
    /// The status, or why there was none.
    status: Result<u16, String>,
    /// The start of the response body.
    reply: String,
}

impl Outcome {
    fn describe(&self) -> String {
        let status = match &self.status {
            Ok(s) => s.to_string(),
            Err(e) => format!("no response ({e})"),
        };
        format!(
            "POST {} [{}, {}, Accept: {}] Content-Type: {} body: {} -> {}: {}",
            self.endpoint,
            self.identity,
            self.case.kind,
            if self.html {
                "text/html"
            } else {
                "application/json"
            },
            self.case.content_type.as_deref().unwrap_or("(none)"),
            preview(&self.case.body),
            status,
            self.reply,
        )
    }
}

/// The first `PREVIEW` characters, escaped so control characters show, and the length.
fn preview(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(PREVIEW * 4)];
    let text = String::from_utf8_lossy(head);
    let shown: String = text.chars().take(PREVIEW).collect();
    let cut = head.len() < bytes.len() || text.chars().count() > PREVIEW;
    format!(
        "\"{}{}\" ({} bytes)",
        shown.escape_debug(),
        if cut { "…" } else { "" },
        bytes.len()
    )
}

async fn send(job: Job) -> Outcome {
    let accept = if job.html {
        "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
    } else {
        "application/json"
    };
    let mut req = job
        .client
        .post(job.url.as_str())
        .timeout(Duration::from_secs(60))
        .header(ORIGIN, job.origin.as_str())
        .header(ACCEPT, accept)
        .body(job.case.body.clone());
    if let Some(ct) = &job.case.content_type {
        req = req.header(CONTENT_TYPE, ct.as_str());
    }
    let (status, reply) = match req.send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            let reply = match r.bytes().await {
                Ok(b) => preview(&b),
                Err(e) => format!("(body unreadable: {e})"),
            };
            (Ok(status), reply)
        }
        Err(e) => (Err(format!("{e:?}")), String::new()),
    };
    Outcome {
        endpoint: job.endpoint,
        identity: job.identity,
        html: job.html,
        case: job.case,
        status,
        reply,
    }
}

/// Sends the jobs with `CONCURRENCY` in flight at a time.
async fn run(jobs: Vec<Job>) -> Vec<Outcome> {
    let mut out = Vec::with_capacity(jobs.len());
    let mut set = JoinSet::new();
    let mut pending = jobs.into_iter();
    loop {
        while set.len() < CONCURRENCY {
            let Some(job) = pending.next() else { break };
            set.spawn(send(job));
        }
        match set.join_next().await {
            Some(Ok(outcome)) => out.push(outcome),
            Some(Err(e)) => panic!("a request task failed: {e}"),
            None => break,
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The test.
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_arguments_never_cause_a_server_error() {
    let server_fns = discover_server_fns();
    assert!(
        server_fns.len() >= MIN_SERVER_FNS,
        "found only {} server functions under app/src (expected at least {MIN_SERVER_FNS}): \
         has the #[server(...)] parser in this test stopped matching the source? Found: {:?}",
        server_fns.len(),
        server_fns
            .iter()
            .map(|e| e.path.as_str())
            .collect::<Vec<_>>()
    );
    let n_server_fns = server_fns.len();
    let mut endpoints = server_fns;
    endpoints.extend(plain_handlers());
    let mut paths = BTreeSet::new();
    for ep in &endpoints {
        assert!(
            paths.insert(ep.path.as_str()),
            "two endpoints share the path {} ({})",
            ep.path,
            ep.source
        );
    }
    println!(
        "fuzz: {} endpoints: {}",
        endpoints.len(),
        endpoints
            .iter()
            .map(signature)
            .collect::<Vec<_>>()
            .join(", ")
    );

    let app = spawn_app().await;
    let anon = app.new_client();
    let resident = app.new_client();
    app.demo(&resident, "resident").await;
    let staff = app.new_client();
    app.demo(&staff, "staff").await;
    // An admin too: the import endpoints turn everyone else away before reading much.
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let identities: [(&'static str, reqwest::Client); 4] = [
        ("signed out", anon),
        ("resident", resident),
        ("staff", staff),
        ("admin", admin),
    ];

    // What a URL that is no endpoint answers: an endpoint that answers every request
    // exactly so was never reached (a wrong path), and the test would pass vacuously.
    let unknown = app
        .new_client()
        .post(app.url("/api/__fuzz_no_such_endpoint__"))
        .header(ORIGIN, app.base.as_str())
        .header(CONTENT_TYPE, FORM)
        .body("x=1")
        .send()
        .await
        .expect("the server answers")
        .status()
        .as_u16();

    // Build every job first (deterministic), then send. Sign-out functions go last, so
    // the signed-in clients stay signed in for everything else.
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut turn = BTreeMap::new();
    let quota = TARGET_REQUESTS.div_ceil(identities.len() * endpoints.len());
    let mut phases: [Vec<Job>; 2] = [Vec::new(), Vec::new()];
    let mut n_cases = 0usize;
    for ep in &endpoints {
        let phase = usize::from(ends_session(&ep.path));
        for c in cases_for(ep, quota, &mut rng, &mut turn) {
            let c = Arc::new(c);
            for (k, (identity, client)) in identities.iter().enumerate() {
                phases[phase].push(Job {
                    url: app.url(&ep.path),
                    endpoint: ep.path.clone(),
                    identity,
                    client: client.clone(),
                    origin: app.base.clone(),
                    // Each case goes both as a script and as an HTML form, across the
                    // three identities.
                    html: (n_cases + k) % 2 == 1,
                    case: Arc::clone(&c),
                });
            }
            n_cases += 1;
        }
    }

    let started = Instant::now();
    let mut outcomes = Vec::new();
    for jobs in phases {
        outcomes.extend(run(jobs).await);
    }
    let elapsed = started.elapsed();

    let mut by_class: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    let mut seen: BTreeMap<&str, BTreeSet<u16>> = BTreeMap::new();
    let mut failures: Vec<&Outcome> = Vec::new();
    for o in &outcomes {
        match &o.status {
            Ok(s) => {
                *by_class.entry(format!("{}xx", s / 100)).or_default() += 1;
                *by_status.entry(*s).or_default() += 1;
                seen.entry(o.endpoint.as_str()).or_default().insert(*s);
                if *s >= 500 {
                    failures.push(o);
                }
            }
            Err(_) => {
                *by_class.entry("no response".into()).or_default() += 1;
                failures.push(o);
            }
        }
    }
    println!(
        "fuzz: {n_server_fns} server functions + {} plain handlers, {n_cases} cases, {} \
         requests sent in {elapsed:.1?}",
        endpoints.len() - n_server_fns,
        outcomes.len()
    );
    println!("fuzz: by status class: {by_class:?}");
    println!("fuzz: by status: {by_status:?}");

    if !failures.is_empty() {
        failures.sort_by(|a, b| (&a.endpoint, a.case.kind).cmp(&(&b.endpoint, b.case.kind)));
        let mut per_endpoint: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &failures {
            *per_endpoint.entry(f.endpoint.as_str()).or_default() += 1;
        }
        let per_endpoint: Vec<String> = per_endpoint
            .iter()
            .map(|(e, n)| format!("  {e}: {n}"))
            .collect();
        let listed: Vec<String> = failures
            .iter()
            .take(MAX_LISTED)
            .map(|f| format!("  {}", f.describe()))
            .collect();
        let more = if failures.len() > MAX_LISTED {
            format!("\n  … and {} more", failures.len() - MAX_LISTED)
        } else {
            String::new()
        };
        panic!(
            "{} of {} malformed requests got a 5xx (or no response).\nBy endpoint:\n{}\n\
             Requests:\n{}{more}",
            failures.len(),
            outcomes.len(),
            per_endpoint.join("\n"),
            listed.join("\n"),
        );
    }

    if matches!(unknown, 404 | 405) {
        let unreached: Vec<&str> = endpoints
            .iter()
            .filter(|ep| {
                !matches!(seen.get(ep.path.as_str()), Some(s) if s.iter().any(|x| *x != unknown))
            })
            .map(|ep| ep.path.as_str())
            .collect();
        assert!(
            unreached.is_empty(),
            "these endpoints answered every request with {unknown}, as an unknown URL does, \
             so the fuzz never reached them (is the path built right?): {unreached:?}"
        );
    }
}

/// Junk methods, junk paths and days far outside any the portal keeps: never a 5xx,
/// never a hang, and the request counters' series stay a fixed set (methods, route
/// patterns and status classes), however many different junk requests arrive.
#[tokio::test]
async fn junk_methods_paths_and_extreme_days_never_cause_a_server_error_nor_new_series() {
    let token = "metrics-token-fuzz-0123456789";
    let app =
        Arc::new(crate::helpers::spawn_app_with(|c| c.metrics_token = Some(token.into())).await);
    let admin = app.new_client();
    app.demo(&admin, "admin").await;
    let series = || {
        let app = app.clone();
        async move {
            let body = app
                .new_client()
                .get(app.url("/metrics"))
                .header("authorization", format!("Bearer {token}"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            body.lines()
                .filter(|l| l.starts_with("linli_http_requests_total{"))
                .count()
        }
    };
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 0xD47E);
    // Warm every method and status class the junk below can reach, then count.
    let mut jobs: Vec<(reqwest::Method, String, bool)> = Vec::new();
    const DAYS: &[&str] = &[
        "+262142-12-31",
        "-5000-01-01",
        "99999-12-31",
        "0000-00-00",
        "2100-12-32",
        "1999-12-31",
        "2101-01-01",
        "1970-01-01",
        "2026-02-30",
        "２０２６-１２-０１",
        "2026-12-01T00:00",
        "%2B262142-12-31",
        "",
        "9223372036854775807",
    ];
    const DAY_PAGES: &[&str] = &[
        "/book?item=MZ-01&day={d}",
        "/activities?when={d}",
        "/admin/dashboard?from={d}&to={d}",
        "/admin/audit?from={d}&to={d}",
        "/api/v1/dashboard/volunteers.csv?from={d}&to={d}",
        "/api/v1/stations/nearest?lat=36.8&lng=118.05&at={d}%2012:00",
        "/api/v1/stations.geojson?at={d}",
        "/station/1/hours?hours=Mo-Su%2008:00-18:00&from={d}",
        "/desk?day={d}",
        "/wishes?deadline={d}",
    ];
    for page in DAY_PAGES {
        for d in DAYS {
            jobs.push((reqwest::Method::GET, page.replace("{d}", d), true));
            jobs.push((reqwest::Method::GET, page.replace("{d}", d), false));
        }
    }
    let junk = |rng: &mut ChaCha8Rng, n: usize| -> String {
        (0..n)
            .map(|_| {
                let c = rng.gen_range(0..62u8);
                (match c {
                    0..=9 => b'0' + c,
                    10..=35 => b'a' + c - 10,
                    _ => b'A' + c - 36,
                }) as char
            })
            .collect()
    };
    for i in 0..2_000 {
        let method = match i % 4 {
            0 => reqwest::Method::from_bytes(junk(&mut rng, 8).as_bytes()).unwrap(),
            1 => reqwest::Method::from_bytes(junk(&mut rng, 1_000).as_bytes()).unwrap(),
            2 => reqwest::Method::GET,
            _ => reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
        };
        let path = match rng.gen_range(0..4) {
            0 => format!("/{}", junk(&mut rng, 12)),
            1 => format!("/station/{}", junk(&mut rng, 6)),
            2 => format!("/api/v1/{}/{}", junk(&mut rng, 5), junk(&mut rng, 2_000)),
            _ => format!("/{}%FF%00%2e%2e/{}", junk(&mut rng, 3), junk(&mut rng, 3)),
        };
        jobs.push((method, path, i % 3 == 0));
    }
    let warm = jobs[..40].to_vec();
    // Caches built once, as on a server that has been running (a cold start's first
    // concurrent pages each wait for the same build; that is the speed issue's).
    for page in DAY_PAGES {
        let url = app.url(&page.replace("{d}", "2026-12-01"));
        let _ = admin.get(url.clone()).send().await.unwrap();
        let _ = app.new_client().get(url).send().await.unwrap();
    }
    let send_all = |jobs: Vec<(reqwest::Method, String, bool)>| {
        let (app, admin) = (app.clone(), admin.clone());
        async move {
            let mut set = JoinSet::new();
            let mut failures = Vec::new();
            for (k, (method, path, as_admin)) in jobs.into_iter().enumerate() {
                let client = if as_admin {
                    admin.clone()
                } else {
                    app.new_client()
                };
                let url = app.url(&path);
                set.spawn(async move {
                    let r = tokio::time::timeout(
                        Duration::from_secs(60),
                        client
                            .request(method.clone(), url)
                            .header(ORIGIN, "null")
                            .send(),
                    )
                    .await;
                    match r {
                        Ok(Ok(r)) if r.status().is_server_error() => Some(format!(
                            "{} {} {:.120} -> {}",
                            k,
                            method.as_str().chars().take(12).collect::<String>(),
                            path,
                            r.status()
                        )),
                        Ok(Ok(_)) => None,
                        Ok(Err(e)) => Some(format!("{k} {:.120}: {e}", path)),
                        Err(_) => Some(format!(
                            "{k} {:.120}: no answer in 60 s (the deadline answers at 30 s)",
                            path
                        )),
                    }
                });
                if set.len() >= CONCURRENCY {
                    if let Some(r) = set.join_next().await {
                        failures.extend(r.unwrap());
                    }
                }
            }
            while let Some(r) = set.join_next().await {
                failures.extend(r.unwrap());
            }
            failures
        }
    };
    let started = Instant::now();
    let warmed = send_all(warm).await;
    assert!(warmed.is_empty(), "{warmed:#?}");
    let before = series().await;
    let failures = send_all(jobs).await;
    let after = series().await;
    assert!(
        failures.is_empty(),
        "{} failures in {:?}:\n{}",
        failures.len(),
        started.elapsed(),
        failures.join("\n")
    );
    // Known methods × route patterns (plus "unmatched") × status classes, whatever came.
    assert!(
        after <= before + 12,
        "the counters grew from {before} to {after} series"
    );
}
