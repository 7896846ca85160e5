//! Integration tests: the real server on a random port, a fresh database per test.
//!
//! SQLite by default; the same suite runs against PostgreSQL when
//! `LINLI_TEST_POSTGRES_URL` is set (each test creates and drops its own database).
//!
//! One file per feature. `helpers` starts servers and sends requests; `fixtures` sets
//! tests up and reads facts back, each by name. Between them they hold the suite's SQL:
//! a test file writes SQL only to move the clock or tamper, on a statement marked
//! `// tamper:` (`scripts/test-sql.py` checks).

mod fixtures;
mod helpers;

mod accounts;
mod activities;
mod audit;
mod booking;
mod calendar;
mod catalogue;
mod coverage;
mod dashboard;
mod demo;
mod desk;
mod fuzz;
mod hardening;
mod health;
mod outbox_delivery;
mod page_cache;
mod pages;
mod photos;
mod points;
mod province;
mod schema;
mod security;
mod sms;
mod stations;
mod transfer;
mod validation;
mod volunteers;
mod wishes;
