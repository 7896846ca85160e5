//! Micro-projects 微项目 and Red-Saturday activities 红色星期六: staff post them with a date,
//! a place and a capacity; volunteers sign up or join an ordered waitlist; the first
//! waiting person is promoted when someone withdraws; staff check people in at the event
//! by the QR code each confirmed volunteer carries, which records hours and points.
pub mod api;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
