//! A station's opening hours: `chinese` reads them as a city's staff write them
//! (`周一至周五 8:30-17:30`) into the one syntax `model` evaluates, and `model` evaluates them (the holiday calendar, make-up
//! working days and the station's special dates folded in); `store` keeps the regular
//! hours and the special date ranges; `service` saves them with their audit records and
//! builds the editor's preview; `views` is what the editor shows; `api` and `pages` are
//! the editor at `/station/:id/hours`.

pub mod api;
#[cfg(feature = "ssr")]
pub mod chinese;
#[cfg(feature = "ssr")]
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;
