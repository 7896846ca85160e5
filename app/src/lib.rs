//! Linli 邻里: the resident-facing portal of one city's 10-minute life circle.
//!
//! One folder per part of the product (`stations`, `booking`, `wishes`, …), each holding its
//! pure rules (`model.rs`, tested without a database), its server functions (`api.rs`), its SQL
//! (`store.rs`, compiled only with the `ssr` feature) and its pages. The city's own settings
//! live with the stations. Code that needs the server — sqlx, the pool, the demo generator —
//! sits behind `#[cfg(feature = "ssr")]` so that it never reaches the WebAssembly bundle.

// Every user-facing string lives in `locales/*.yml`; components call `tr(...)`.
rust_i18n::i18n!("locales", fallback = "zh-CN");

pub mod accounts;
pub mod activities;
pub mod app;
pub mod audit;
pub mod booking;
#[cfg(feature = "ssr")]
pub mod cache;
pub mod calendar;
pub mod calendar_types;
pub mod catalogue;
pub mod dashboard;
pub mod error;
pub mod i18n;
pub mod message;
#[cfg(feature = "ssr")]
pub mod metrics;
pub mod outbox;
pub mod pages;
pub mod points;
pub mod prefs;
#[cfg(feature = "ssr")]
pub mod reply;
pub mod security;
pub mod stations;
pub mod teams;
#[cfg(feature = "ssr")]
pub mod time;
pub mod util;
pub mod wishes;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod state;

pub use app::{shell, App};

/// The WebAssembly entry: brings the page's islands to life (the rest of the page is
/// server-rendered HTML and needs no WebAssembly at all).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
