//! Sign-in, sign-out and passwords.

pub mod factor_pages;
pub mod forms;
pub mod handlers;
pub mod model;
pub mod second_factor;
pub mod totp;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/login")
            .route(web::get().to(handlers::login_page))
            .route(web::post().to(handlers::login)),
    )
    .service(
        web::resource("/login/code")
            .route(web::get().to(factor_pages::code_page))
            .route(web::post().to(factor_pages::submit_code)),
    )
    .service(
        web::resource("/account/second-factor")
            .route(web::get().to(factor_pages::factor))
            .route(web::post().to(factor_pages::enrol)),
    )
    .service(
        web::resource("/account/second-factor/recovery-codes")
            .route(web::post().to(factor_pages::renew_codes)),
    )
    .service(web::resource("/logout").route(web::post().to(handlers::logout)))
    .service(
        web::resource("/account/password")
            .route(web::get().to(handlers::password_page))
            .route(web::post().to(handlers::change_password)),
    );
}
