//! CSS, icons and the little JavaScript there is, embedded in the binary.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::web::error::AppError;

#[derive(rust_embed::RustEmbed)]
#[folder = "static/"]
struct Assets;

pub async fn serve(path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let path = path.into_inner();
    let file = Assets::get(&path).ok_or(AppError::NotFound)?;
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime.as_ref()))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(file.data.into_owned()))
}
