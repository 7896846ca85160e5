//! Micro-wishes 微心愿: residents post them, the community's staff review them, volunteers
//! (alone or for their team) claim and fulfil them, the poster or staff confirm, and the
//! volunteer earns points. Activities and points live in their own folders.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod photo;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
