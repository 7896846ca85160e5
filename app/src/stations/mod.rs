//! The life-circle stations: 党群服务中心, 红色驿站, 户外劳动者服务站点, 党建广场, and the city they belong to (its
//! name, centre and bounds).
//!
//! `model` holds the kinds, amenities and distance rules (pure, tested without a database);
//! `coords` the datum conversions at the edge; `hours` evaluates opening hours; `index` is the
//! R-tree behind "nearest"; `transfer` reads and writes import and export files; `views` what
//! the import pages show; `store` holds the SQL; `service` the cached station set, imports and
//! the city's settings; `coverage` the life circle's figures; `api` and the `api_*` files the
//! server functions that `pages` and `pages_admin` call.

pub mod api;
pub mod api_city;
pub mod api_coverage;
pub mod api_hours;
pub mod api_import;
pub mod coords;
#[cfg(feature = "ssr")]
pub mod coverage;
#[cfg(feature = "ssr")]
pub mod hours;
#[cfg(feature = "ssr")]
pub mod index;
pub mod model;
pub mod pages;
pub mod pages_admin;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod transfer;
pub mod views;
