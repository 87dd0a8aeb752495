//! Labour inspectors' training records (DESIGN §2): entered by the admin and
//! by the heads of labour inspection offices for the inspectors of their
//! territory; an inspector reads their own. The reports count the inspectors
//! trained (`model::inspectors_trained`).

pub mod forms;
pub mod handlers;
pub mod model;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        web::scope("/training")
            .route("", web::get().to(list))
            .service(
                web::resource("/inspectors/{id}")
                    .route(web::get().to(inspector))
                    .route(web::post().to(create)),
            )
            .route("/inspectors/{id}/new", web::get().to(new))
            .route("/records/{id}", web::post().to(update))
            .route("/records/{id}/edit", web::get().to(edit)),
    );
}
