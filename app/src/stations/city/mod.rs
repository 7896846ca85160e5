//! The city's own settings: its name, the centre maps open on and the bounds imported
//! points must fall inside (the single-row `city` table). `store` reads and writes the
//! row, `service` sets it with its audit record (the set-up form and `linli city set`),
//! `api` and `pages` are `/admin/city`.

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
