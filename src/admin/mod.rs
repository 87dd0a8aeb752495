//! Administration: users, agencies, the audit log, the public releases.

pub mod forms;
pub mod handlers;
pub mod model;
pub mod posts;
pub mod releases;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.service(
        web::scope("/admin")
            .route("", web::get().to(index))
            .service(
                web::resource("/users")
                    .route(web::get().to(users_list))
                    .route(web::post().to(user_create)),
            )
            .route("/users/new", web::get().to(user_new))
            .service(
                web::resource("/users/{id}")
                    .route(web::get().to(user_edit))
                    .route(web::post().to(user_update)),
            )
            .route("/users/{id}/password", web::post().to(user_reset_password))
            .route("/users/{id}/deactivate", web::post().to(user_deactivate))
            .route("/users/{id}/activate", web::post().to(user_activate))
            .route("/users/{id}/unlock", web::post().to(user_unlock))
            .route(
                "/users/{id}/second-factor/reset",
                web::post().to(crate::auth::factor_pages::admin_reset),
            )
            .route("/users/{id}/posts", web::post().to(user_post_open))
            .route("/users/{id}/posts/end", web::post().to(user_post_end))
            .service(
                web::resource("/agencies")
                    .route(web::get().to(agencies_list))
                    .route(web::post().to(agency_create)),
            )
            .route("/agencies/new", web::get().to(agency_new))
            .service(
                web::resource("/agencies/{id}")
                    .route(web::get().to(agency_edit))
                    .route(web::post().to(agency_update)),
            )
            .route("/agencies/{id}/staff", web::post().to(agency_staff))
            .route("/audit", web::get().to(audit_list))
            .service(
                web::resource("/releases")
                    .route(web::get().to(releases::page))
                    .route(web::post().to(releases::publish)),
            ),
    );
}
