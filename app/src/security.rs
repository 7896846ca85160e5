//! The Content-Security-Policy, in one place. No third-party origin is allowed but one: map
//! pages may load tile images from the configured tile server (`page_csp`). Every script, style
//! and other byte the portal needs it serves itself.

/// The policy for responses that are not pages (API, files).
pub const BASE_CSP: &str = "default-src 'self'; img-src 'self' data:; \
    style-src 'self' 'unsafe-inline'; script-src 'self' 'wasm-unsafe-eval'; \
    connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors 'none'";

/// The one inline script of every page (see `app::shell`): marks the page as having
/// scripts before the first paint. If `public/map.js` has not run by the page's `load` (a
/// weak link that dropped it), the flag comes off again, so that the page is the plain one
/// whose buttons all work, not one whose script-only controls show and whose submit
/// buttons are hidden.
pub const JS_FLAG: &str = "var d=document.documentElement;d.classList.add(\"js\");\
addEventListener(\"load\",function(){if(!window.__linliMap)d.classList.remove(\"js\")})";

/// The policy for a rendered page: the base policy plus the nonce of its inline
/// hydration script and, on map pages, the configured tile origin for images.
pub fn page_csp(nonce: &str, tile_origin: Option<&str>) -> String {
    let p = BASE_CSP.replace(
        "script-src 'self' 'wasm-unsafe-eval'",
        &format!("script-src 'self' 'wasm-unsafe-eval' 'nonce-{nonce}'"),
    );
    match tile_origin {
        Some(o) => p.replace("img-src 'self' data:", &format!("img-src 'self' data: {o}")),
        None => p,
    }
}

/// The pages that hold an island (`#[island]`), by path: the sign-in page's number field.
/// Here, beside the policy, because what a page may run decides both its scripts and
/// whether its answer can be kept (`server::http::page_cache`: an island page's nonce
/// belongs to its hydration script).
/// Every other page is plain HTML with forms and links and loads no WebAssembly at all;
/// a new island must add its page here (the end-to-end test `shell.spec.ts` checks both
/// ways: the bundle loads here and nowhere else).
pub const ISLAND_PAGES: &[&str] = &["/login"];

/// Whether the page at `path` holds an island.
pub fn has_islands(path: &str) -> bool {
    ISLAND_PAGES.contains(&path.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_get_their_nonce_and_nothing_else_changes() {
        let p = page_csp("abc", None);
        assert!(p.contains("'nonce-abc'"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(!p.contains("http"), "no third-party origin");
        assert!(!BASE_CSP.contains("nonce"));
        let m = page_csp("abc", Some("https://tile.openstreetmap.org"));
        assert!(m.contains("img-src 'self' data: https://tile.openstreetmap.org;"));
    }
}
