//! Children: registration, search across spellings, likely duplicates, and the
//! child's record, every view of which is audited.

pub mod forms;
pub mod handlers;
pub mod model;
pub mod pin;
pub mod translit;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        web::scope("/children")
            .service(
                web::resource("")
                    .route(web::get().to(list))
                    .route(web::post().to(create)),
            )
            .route("/new", web::get().to(new))
            .service(
                web::resource("/search")
                    .route(web::get().to(search_results))
                    .route(web::post().to(search)),
            )
            .service(
                web::resource("/{id}")
                    .route(web::get().to(show))
                    .route(web::post().to(update)),
            )
            .route("/{id}/edit", web::get().to(edit))
            .route("/{id}/merge", web::post().to(merge)),
    );
}
