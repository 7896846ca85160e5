//! Volunteer teams 志愿服务队 (for example the service teams of 双报到 units): find one and
//! join it, and each team's public record — the wishes its members claimed for it, their
//! state, the points they earned, and the members' volunteer hours. No member's name or
//! number is shown.
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
