//! Extended-hours booking (延时服务预约) at community centres: schedules, slots,
//! residents' bookings with codes, QR and .ics, the staff desk, reminders, figures.
//! Capacity and the residents' limits are decided by the database, never by a
//! check-then-insert in application code.
pub mod api;
pub mod api_desk;
#[cfg(feature = "ssr")]
pub mod group;
#[cfg(feature = "ssr")]
pub mod ics;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod reminders;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;
