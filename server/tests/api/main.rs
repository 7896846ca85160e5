//! Integration tests: the real server on a random port, a fresh database per test.
//!
//! SQLite by default; the same suite runs against PostgreSQL when
//! `LINLI_TEST_POSTGRES_URL` is set (each test creates and drops its own database).

mod helpers;

mod accounts;
mod activities;
mod booking;
mod catalogue;
mod demo;
mod fuzz;
mod health;
mod office;
mod pages;
mod points;
mod schema;
mod security;
mod sms;
mod stations;
mod transfer;
mod trust;
mod usability;
mod wishes;
