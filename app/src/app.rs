//! The app shell: the HTML document, the header with language and care-mode switches,
//! the routes and the bottom tab bar (地图 · 办事 · 心愿 · 我的).
//!
//! Everything here renders on the server first and works with JavaScript off: the
//! switches are plain forms, the tabs plain links.

use crate::accounts::pages::{LoginPage, MePage};
use crate::activities::pages::{ActivitiesPage, ActivityDetailPage};
use crate::booking::pages::{BookPage, BookingPage, DeskPage};
use crate::catalogue::pages::{ChecklistPage, GuideEditPage, GuidePage, ServicesPage};
use crate::i18n::tr;
use crate::pages::not_found::NotFound;
use crate::points::pages::PointsPage;
use crate::prefs::pages::{CareSwitch, LanguageSwitch};
use crate::prefs::Prefs;
use crate::stations::pages::{MapPage, RiderPage, StationPage};
use crate::teams::pages::{TeamPage, TeamsPage};
use crate::wishes::pages::{NewWishPage, WishDetailPage, WishesPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::{path, SsrMode, StaticSegment};

/// The whole HTML document, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Islands mode: only an island hydrates, so no resource outside one may write its
    // data into the page. The integrations start every request "hydrating", which
    // serialized every page's resources (30 KB of escaped JSON on /book, a third of the
    // time the page took); islands turn it back on for themselves.
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    let prefs = Prefs::current();
    #[cfg(feature = "ssr")]
    set_page_security_headers();
    // Only a page with an island loads the WebAssembly bundle and the hydration script.
    let islands = has_islands(&request_path());
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html lang=prefs.locale.tag() class=if prefs.care { "care" } else { "" }>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#b71c1c" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <link rel="stylesheet" href="/pkg/linli.css" />
                // Marks the page as having scripts before the first paint, so that the
                // controls only scripts can work (`.js-only`) and the ones scripts make
                // needless are laid out once, not moved when a deferred script runs.
                <script nonce=nonce inner_html=crate::security::JS_FLAG></script>
                {islands.then(move || view! { <HydrationScripts options islands=true /> })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

pub use crate::security::{has_islands, ISLAND_PAGES};

/// The path of the request being rendered (empty outside a request).
fn request_path() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|p| p.uri.path().to_string())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

/// A Content-Security-Policy for pages: only this origin, plus a per-response nonce for
/// the inline scripts (the flag, and Leptos's own). The page cache gives an answer it
/// reuses a fresh nonce (`server::http::page_cache`).
#[cfg(feature = "ssr")]
fn set_page_security_headers() {
    leptos::nonce::provide_nonce();
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    // Map pages may load tiles from the configured tile server; no other page may.
    let path = request_path();
    let tiles = (path == "/" || path.starts_with("/map") || path == "/admin/coverage")
        .then(|| use_context::<crate::state::AppState>().and_then(|s| s.config.tiles.csp_source()))
        .flatten();
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        let csp = crate::security::page_csp(&nonce, tiles.as_deref());
        if let Ok(v) = http::HeaderValue::from_str(&csp) {
            resp.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(Prefs::current());
    view! {
        <Title text=tr("app.title") />
        <Router>
            <Header />
            <main id="main" class="page">
                <StaffNav />
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=StaticSegment("") view=MapPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("map") view=MapPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("rider") view=RiderPage ssr=SsrMode::Async />
                    <Route path=path!("/station/:id") view=StationPage ssr=SsrMode::Async />
                    <Route path=path!("/station/:id/hours") view=crate::stations::hours::pages::StationHoursPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("services") view=ServicesPage ssr=SsrMode::Async />
                    <Route path=path!("/services/:code") view=GuidePage ssr=SsrMode::Async />
                    <Route path=path!("/services/:code/checklist") view=ChecklistPage ssr=SsrMode::Async />
                    <Route path=path!("/services/:code/edit") view=GuideEditPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("book") view=BookPage ssr=SsrMode::Async />
                    <Route path=path!("/bookings/:code") view=BookingPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("desk") view=DeskPage ssr=SsrMode::Async />
                    <Route path=path!("/desk/schedule") view=crate::booking::pages::DeskSchedulePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("wishes") view=WishesPage ssr=SsrMode::Async />
                    <Route path=path!("/wishes/new") view=NewWishPage ssr=SsrMode::Async />
                    <Route path=path!("/wishes/:id") view=WishDetailPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("activities") view=ActivitiesPage ssr=SsrMode::Async />
                    <Route path=path!("/activities/:id") view=ActivityDetailPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("teams") view=TeamsPage ssr=SsrMode::Async />
                    <Route path=path!("/teams/:id") view=TeamPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("points") view=PointsPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("me") view=MePage ssr=SsrMode::Async />
                    <Route path=StaticSegment("volunteers") view=crate::accounts::pages_staff::VolunteersPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("admin") view=crate::accounts::pages_staff::AdminPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/people") view=crate::accounts::pages_people::PeoplePage ssr=SsrMode::Async />
                    <Route path=path!("/admin/audit") view=crate::audit::pages::AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/coverage") view=crate::stations::coverage::pages::CoveragePage ssr=SsrMode::Async />
                    <Route path=path!("/admin/holidays") view=crate::calendar::pages::HolidaysPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/dashboard") view=crate::dashboard::pages::DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/city") view=crate::stations::city::pages::CityPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/import") view=crate::stations::transfer::pages::ImportPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/import/:id") view=crate::stations::transfer::pages::ImportPreviewPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("login") view=LoginPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <TabBar />
        </Router>
    }
}

#[component]
fn Header() -> impl IntoView {
    let prefs = Prefs::current();
    view! {
        <header class="topbar">
            <a class="skip" href="#main">{tr("a11y.skip")}</a>
            <A href="/" attr:class="brand">
                <img src="/icons/icon.svg" alt="" width="28" height="28" />
                <span>{tr("app.name")}</span>
            </A>
            <div class="prefs">
                <LanguageSwitch current=prefs.locale />
                <CareSwitch on=prefs.care />
            </div>
        </header>
    }
}

/// Staff and admins get their own row of links to their work (desk, reviews,
/// activities, volunteers; admins also the admin page).
#[component]
fn StaffNav() -> impl IntoView {
    let viewer = Resource::new(|| (), |_| crate::accounts::api::get_viewer());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let user = viewer.await.ok().and_then(|v| v.user)?;
                if !user.is_staff() {
                    return None;
                }
                let admin = user.role == crate::accounts::model::Role::Admin;
                Some(view! {
                    <nav class="staff-nav" aria-label=tr("admin.staff_nav")>
                        <a class="button secondary" href="/desk">{tr("desk.title")}</a>
                        <a class="button secondary" href="/wishes#review">{tr("wishes.to_review")}</a>
                        <a class="button secondary" href="/activities">{tr("activities.title")}</a>
                        <a class="button secondary" href="/volunteers">{tr("volunteers.title")}</a>
                        <a class="button secondary" href="/admin/dashboard">{tr("dashboard.title")}</a>
                        <a class="button secondary" href="/admin/coverage">{tr("coverage.title")}</a>
                        <a class="button secondary" href="/admin/audit">{tr("audit.title")}</a>
                        {admin.then(|| view! { <a class="button secondary" href="/admin">{tr("admin.title")}</a> })}
                    </nav>
                })
            })}
        </Suspense>
    }
}

#[component]
fn TabBar() -> impl IntoView {
    view! {
        // Inline SVG icons: the glyphs used before are missing from most phones' fonts.
        <nav class="tabbar" aria-label=tr("a11y.tabs")>
            // A full page load: the map's scripts run on page load, not on client-side navigation.
            <A href="/" exact=true attr:rel="external">
                <svg class="tab-icon" viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false"><path d="M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z" fill="currentColor"/></svg>
                <span>{tr("tab.map")}</span>
            </A>
            <A href="/services">
                <svg class="tab-icon" viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false"><path d="M6 2h9l5 5v15H6zM14 3v5h5M9 12h8M9 16h8" fill="none" stroke="currentColor" stroke-width="2"/></svg>
                <span>{tr("tab.services")}</span>
            </A>
            <A href="/wishes">
                <svg class="tab-icon" viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false"><path d="M12 21s-8-5.3-8-11a4.5 4.5 0 0 1 8-2.8A4.5 4.5 0 0 1 20 10c0 5.7-8 11-8 11z" fill="none" stroke="currentColor" stroke-width="2"/></svg>
                <span>{tr("tab.wishes")}</span>
            </A>
            <A href="/me">
                <svg class="tab-icon" viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" focusable="false"><circle cx="12" cy="8" r="4" fill="none" stroke="currentColor" stroke-width="2"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7" fill="none" stroke="currentColor" stroke-width="2"/></svg>
                <span>{tr("tab.me")}</span>
            </A>
        </nav>
    }
}
