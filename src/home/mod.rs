//! The signed-in home page and the health check.

pub mod handlers;
pub mod work;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(handlers::home))
        .route("/healthz", web::get().to(handlers::healthz));
}
