//! Law enforcement: investigations of offences against children and their
//! stages to a verdict, the cases and inspections referred to a police unit
//! or prosecutor's office and the answers. A child linked to an
//! investigation is a victim or a witness, never anything else.

pub mod handlers;
pub mod model;
pub mod stages;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        web::scope("/investigations")
            .service(
                web::resource("")
                    .route(web::get().to(list))
                    .route(web::post().to(create)),
            )
            .route("/referrals/{id}", web::get().to(referral))
            .route("/referrals/{id}/answer", web::post().to(answer))
            .route("/{id}", web::get().to(show))
            .route("/{id}/move", web::post().to(move_stage))
            .route("/{id}/victims", web::post().to(refer_victim)),
    );
}
