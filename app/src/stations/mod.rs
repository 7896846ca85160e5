//! The life-circle stations: 党群服务中心, 红色驿站, 户外劳动者服务站点, 党建广场, and the city they belong to (its
//! name, centre and bounds).
//!
//! At the top, the stations themselves: `model` holds the kinds, amenities and distance
//! rules (pure, tested without a database); `coords` the datum conversions at the edge;
//! `index` the R-tree behind "nearest"; `store` the stations' and communities' SQL;
//! `service` the cached station set, the nearby answer and the station page; `views`
//! what the map, rider and station pages show; `api` and `pages` those pages.
//!
//! Each concern of keeping them has its own folder with the same layers inside:
//! `hours` (evaluation, the editor, special dates), `transfer` (import and export
//! files), `city` (the city's settings) and `coverage` (the life circle's figures).

pub mod api;
pub mod city;
pub mod coords;
pub mod coverage;
pub mod hours;
#[cfg(feature = "ssr")]
pub mod index;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod transfer;
pub mod views;
