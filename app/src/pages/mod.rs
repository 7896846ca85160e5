//! Pages and pieces that belong to no single feature: the home page, errors, the community
//! picker, and the one way of asking where someone is (`point::PointAsk`).
pub mod community_select;
pub mod home;
pub mod not_found;
pub mod point;
