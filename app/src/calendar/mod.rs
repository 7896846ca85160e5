//! The holiday calendar: China's statutory public holidays and make-up working days
//! (调休), which admins maintain (`/admin/holidays`). Opening hours (`PH`) and booking
//! both read it.
pub mod api;
#[cfg(feature = "ssr")]
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
