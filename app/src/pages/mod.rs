//! Pages that belong to no single feature: the home page, 我的, errors.
pub mod home;
pub mod not_found;
