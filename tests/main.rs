//! Black-box tests of Korgoo through HTTP against the real app on a real
//! PostgreSQL. One binary, so a run provisions one database server.

mod common;

mod access;
mod admin;
mod audit;
mod auth;
mod browser;
mod cases;
mod children;
mod cli;
mod complaints;
mod concurrency;
mod csrf;
mod db_roles;
mod event_dates;
mod fuzz;
mod health;
mod home;
mod i18n;
mod indicators;
mod injection;
mod inspections;
mod investigations;
mod list_audit;
mod metrics;
mod privacy;
mod recount;
mod releases;
mod reports;
mod rollups;
mod schema;
mod second_factor;
mod staff;
mod training;
mod web_findings;
