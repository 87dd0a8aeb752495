//! Cases of the Child Support Units: opening a case for a child, the
//! workflow from assessment to closure with the supervisor's approvals,
//! follow-up visits, referrals, transfers, and the unit's work queue.

pub mod forms;
pub mod handlers;
pub mod intake;
pub mod model;
pub mod workflow;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        web::scope("/cases")
            .service(
                web::resource("")
                    .route(web::get().to(list))
                    .route(web::post().to(create)),
            )
            .route("/new", web::get().to(new))
            .route("/search", web::post().to(search))
            .service(
                web::resource("/{id}")
                    .route(web::get().to(show))
                    .route(web::post().to(update)),
            )
            .route("/{id}/edit", web::get().to(edit))
            .route("/{id}/step", web::post().to(step))
            .route("/{id}/assign", web::post().to(assign))
            .route("/{id}/follow-ups", web::post().to(follow_up))
            .route("/{id}/referrals", web::post().to(refer))
            .route(
                "/{id}/law-enforcement",
                web::post().to(refer_to_law_enforcement),
            )
            .route("/{id}/transfer", web::post().to(transfer))
            .route("/{id}/transfer/answer", web::post().to(answer_transfer)),
    );
}
