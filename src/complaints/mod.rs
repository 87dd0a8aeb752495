//! School-fee complaints (DESIGN §2, the free-education recommendation):
//! anyone signed in logs one; the admin and the heads of labour inspection
//! offices (for their territory) verify it and resolve it or find it
//! unfounded. Who complained is shown only to them.

pub mod forms;
pub mod handlers;
pub mod model;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        web::scope("/complaints")
            .service(
                web::resource("")
                    .route(web::get().to(list))
                    .route(web::post().to(create)),
            )
            .route("/new", web::get().to(new))
            .service(
                web::resource("/{id}")
                    .route(web::get().to(show))
                    .route(web::post().to(update)),
            )
            .route("/{id}/edit", web::get().to(edit))
            .route("/{id}/process", web::post().to(process)),
    );
}
