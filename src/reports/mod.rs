//! Reports computed from the records. So far: the annual enforcement report
//! (page and CSV) for officials, admins and heads of units and offices.

pub mod handlers;
pub mod model;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.route("/reports/enforcement", web::get().to(enforcement))
        .route("/reports/enforcement.csv", web::get().to(enforcement_csv))
        .route("/reports/enforcement.xlsx", web::get().to(enforcement_xlsx));
}
