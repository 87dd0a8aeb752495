//! The health check, error pages, bad requests. (Security headers and inline
//! script on every route, for every role, are checked in `injection.rs`.)

use korgoo::config::Config;
use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::common::{TestApp, TestDatabase};

#[actix_web::test]
async fn healthz_answers_when_the_database_does() {
    let app = TestApp::spawn().await;
    let page = app.get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, "ok");
}

#[actix_web::test]
async fn without_a_database_pages_fail_fast_with_a_503_page() {
    let db = actix_web::rt::task::spawn_blocking(TestDatabase::create)
        .await
        .unwrap();
    let broken = db.app_url.replace(&db.name, "korgoo_no_such_database");
    let config = Config::defaults();
    let pool = korgoo::db::build_pool(&broken, 2, 1000).unwrap();
    let app = TestApp::start(db, config, pool);
    let started = std::time::Instant::now();
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    // The sign-in form itself needs no database (a visitor has no session
    // row); signing in does.
    assert_eq!(app.get("/login").await.status, StatusCode::OK);
    let page = app
        .post_form(
            "/login",
            &[("login", "anyone"), ("password", "any password")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    page.assert_contains("Убактылуу жеткиликсиз");
    assert!(
        !page.body.contains("korgoo_no_such_database"),
        "no internals leak"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "fails fast"
    );
}

#[actix_web::test]
async fn unknown_pages_and_ids_are_localized_404s() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    for path in [
        "/no/such/page",
        "/admin/users/999999",
        "/admin/users/abc",
        "/admin/agencies/-1",
        "/admin/agencies/99999999999999999999",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("<html lang=\"ky\""), "{path}");
        page.assert_contains("Бет табылган жок");
    }
    // Assets are served without sessions; a missing one is a plain 404.
    assert_eq!(
        app.get("/static/nothing.css").await.status,
        StatusCode::NOT_FOUND
    );
    let english = app
        .get_with("/no/such/page", &[("accept-language", "en")])
        .await;
    // The signed-in user's language wins over the browser's.
    english.assert_contains("Бет табылган жок");
    let anonymous = TestApp::new_client()
        .get(app.url("/no/such/page"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(anonymous.contains("Page not found"));
}

#[actix_web::test]
async fn an_oversized_form_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let users = app.count("users");
    let huge = "ж".repeat(100_000);
    let page = app
        .post_form(
            "/admin/users",
            &[
                ("login", "huge.user"),
                ("display_name", &huge),
                ("role", "official"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    page.assert_contains("Маалымат өтө көп");
    assert_eq!(app.count("users"), users);
}

#[actix_web::test]
async fn a_form_with_the_wrong_content_type_is_a_400_not_a_500() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let token = app.csrf_token().await;
    let response = app
        .client
        .post(app.url("/admin/users"))
        .header("x-csrf-token", token)
        .header("content-type", "application/json")
        .body("{\"login\":\"json.user\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
