//! Korgoo (коргоо, "protection"): case monitoring for child-labor referrals in
//! the Kyrgyz Republic. See README.md for the map of this crate.

pub mod db;

pub mod admin;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod children;
pub mod cli;
pub mod complaints;
pub mod config;
pub mod demo;
pub mod home;
pub mod inspections;
pub mod investigations;
pub mod metrics;
pub mod policy;
pub mod referrals;
pub mod reports;
pub mod startup;
pub mod training;
pub mod web;
