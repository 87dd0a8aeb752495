//! Sign-in, sign-out and passwords.

pub mod forms;
pub mod handlers;
pub mod model;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/login")
            .route(web::get().to(handlers::login_page))
            .route(web::post().to(handlers::login)),
    )
    .service(web::resource("/logout").route(web::post().to(handlers::logout)))
    .service(
        web::resource("/account/password")
            .route(web::get().to(handlers::password_page))
            .route(web::post().to(handlers::change_password)),
    );
}
