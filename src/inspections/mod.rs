//! Labour inspectors' work: establishments where children work, inspections
//! with the children found, violations and penalties (exact money), and the
//! cases opened for the children found.

pub mod forms;
pub mod handlers;
pub mod model;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        web::scope("/establishments")
            .service(
                web::resource("")
                    .route(web::get().to(establishments))
                    .route(web::post().to(create_establishment)),
            )
            .route("/new", web::get().to(new_establishment))
            .route("/search", web::post().to(search_establishments))
            .service(
                web::resource("/{id}")
                    .route(web::get().to(show_establishment))
                    .route(web::post().to(update_establishment)),
            )
            .route("/{id}/edit", web::get().to(edit_establishment)),
    );
    cfg.service(
        web::scope("/inspections")
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
            .route("/{id}/close", web::post().to(close))
            .route("/{id}/penalties", web::post().to(impose))
            .route("/{id}/penalties/{penalty}", web::post().to(collect))
            .route(
                "/{id}/penalties/{penalty}/standing",
                web::post().to(standing),
            )
            .route("/{id}/children", web::post().to(child_found)),
    );
}
