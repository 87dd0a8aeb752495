//! Referrals from a case to a service provider. The case side (sending one)
//! lives on the case page; this module holds the provider's side: the queue
//! of referrals addressed to their agency and the answer to each.

pub mod forms;
pub mod handlers;
pub mod model;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        web::scope("/referrals")
            .route("", web::get().to(queue))
            .route("/{id}", web::get().to(show))
            .route("/{id}/step", web::post().to(step)),
    );
}
