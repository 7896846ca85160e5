//! The life-circle stations: 党群服务中心, 红色驿站, 户外劳动者服务站点, 党建广场.
//!
//! `model` holds the kinds, amenities and distance rules (pure, tested without a
//! database); `store` holds the SQL; `api` the server functions the pages call.

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
