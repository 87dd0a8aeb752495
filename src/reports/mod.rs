//! Reports computed from the records: the officials' dashboard, the annual
//! enforcement report (page, CSV, XLSX), the recommendations tracker, and the
//! public transparency pages with open data. Counts of persons are protected
//! by `suppress` wherever they are published; counts of the state's actions
//! are exact (DESIGN §5).

pub mod charts;
pub mod dashboard;
pub mod figures;
pub mod filter;
pub mod handlers;
pub mod indicators;
pub mod kept;
pub mod model;
pub mod name;
pub mod protection;
pub mod public;
pub mod publication;
pub mod recommendations;
pub mod releases;
pub mod rollups;
pub mod suppress;
pub mod view;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.route("/public", web::get().to(public::index))
        .route(
            "/public/recommendations",
            web::get().to(public::recommendations),
        )
        .route("/public/schema", web::get().to(public::schema))
        .route("/public/data.csv", web::get().to(public::data_csv))
        .route("/public/data.json", web::get().to(public::data_json))
        .route("/public/releases", web::get().to(public::releases_list))
        .route("/public/releases/{id}", web::get().to(public::release_page))
        .route(
            "/public/releases/{id}/{file}",
            web::get().to(public::release_data_at),
        )
        .route("/reports/dashboard", web::get().to(dashboard::dashboard))
        .route("/reports/enforcement", web::get().to(enforcement))
        .route(
            "/reports/recommendations",
            web::get().to(recommendations::tracker),
        )
        .route(
            "/reports/recommendations/{id}",
            web::post().to(recommendations::set_status),
        )
        .route("/reports/enforcement.csv", web::get().to(enforcement_csv))
        .route("/reports/enforcement.xlsx", web::get().to(enforcement_xlsx));
}
