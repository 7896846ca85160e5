//! The dashboard (`/admin/dashboard`): what the portal did, for staff (their own
//! community) and admins (the city, by street and community). `model` holds the
//! figures and the date range; `chart` draws them as SVG on the server; `store` counts
//! them in SQL and `service` hands them out; `api` and `pages` show them, each chart beside its numbers as a table,
//! each table also a CSV download (`server::http::office`).
pub mod api;
#[cfg(feature = "ssr")]
pub mod chart;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
