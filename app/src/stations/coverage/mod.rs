//! The life circle's coverage: `service` computes, from the cached stations' R-tree,
//! which communities have each kind of station within a 10-minute walk and how that
//! changes hour by hour through the week; `views` is what the back office shows; `api`
//! and `pages` are `/admin/coverage` (its CSV is `/api/v1/coverage.csv`).

pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
pub mod views;
