//! Accounts and roles: sign-in by mobile number and one-time code, server-side sessions, roles
//! (resident, volunteer, staff of one community, admin), demo identities, the verification of
//! volunteers and their team joins. The audit trail is its own feature (`crate::audit`).
//!
//! `model` holds the pure rules; `secret` the code and token hashing; `sms` the sender trait
//! and its two implementations; `store` the SQL; `service` the transactions (sign-in,
//! verification, team joins, recorded reads); `admin` role changes from the shell and the
//! people page; `session` reads the caller from the request; `api`, `api_admin` (the admins'
//! overview) and `api_people` the server functions; `pages` the sign-in page and 我的,
//! `pages_staff` (`/volunteers`, `/admin`) and `pages_people` (`/admin/people`).

#[cfg(feature = "ssr")]
pub mod admin;
pub mod api;
pub mod api_admin;
pub mod api_people;
pub mod model;
pub mod pages;
pub mod pages_people;
pub mod pages_staff;
#[cfg(feature = "ssr")]
pub mod secret;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod sms;
#[cfg(feature = "ssr")]
pub mod store;
