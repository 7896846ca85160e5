//! The one-window catalogue (一窗受理、全科服务): 42 items in 7 categories, each with its
//! full service guide (办事指南), Chinese search (substring, pinyin, initials, colloquial
//! names), printable checklists and a version history of every guide.
pub mod api;
#[cfg(feature = "ssr")]
pub mod english;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod search;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
