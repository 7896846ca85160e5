//! Import and export of a city's stations: `model` reads and writes the files (CSV from
//! Excel in UTF-8 or GBK, GeoJSON; WGS-84, GCJ-02 or BD-09), checked row by row and
//! pure; `store` keeps uploads and applies them; `service` previews and applies an
//! upload in one audited transaction; `views` is what the import pages show; `api` and
//! `pages` are `/admin/import`. The upload and the exports themselves are plain
//! handlers in `server::http::transfer` (their bodies are files).

pub mod api;
#[cfg(feature = "ssr")]
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;
