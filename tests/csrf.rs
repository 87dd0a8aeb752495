//! Forgery protection: every state-changing route refuses a request without
//! this session's token, or one a browser marks as cross-site.

use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::common::routes::{POST_ROUTES, fill};
use crate::common::{PASSWORD, TestApp, fixtures};

/// Row counts that any of the routes could change.
fn snapshot(app: &TestApp) -> Vec<i64> {
    [
        "users",
        "agencies",
        "audit_log",
        "children",
        "cases",
        "case_events",
        "follow_ups",
        "training_records",
        "school_fee_complaints",
        "referrals",
        "establishments",
        "inspections",
        "penalties",
        "investigations",
        "le_referrals",
    ]
    .iter()
    .map(|t| app.count(t))
    .collect()
}

#[actix_web::test]
async fn every_post_route_refuses_a_missing_or_wrong_token_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::Admin).await;
    let target = app.create_user(Role::CaseWorker, false).await;
    let mut conn = app.conn();
    let user_id = fixtures::user_id(&mut conn, &target).to_string();
    let agency_id = fixtures::agency_by_code(&mut conn, "MIA").to_string();
    let fields: &[(&str, &str)] = &[
        ("login", "forged.user"),
        ("display_name", "Forged"),
        ("role", "admin"),
        ("locale", "en"),
        ("password", "a forged long password"),
        ("current", PASSWORD),
        ("new_password", "a forged long password"),
        ("confirm", "a forged long password"),
        ("kind", "ngo"),
        ("name_ky", "x"),
        ("name_ru", "x"),
        ("name_en", "x"),
        ("location_id", "1"),
        ("version", "1"),
    ];
    let valid = app.csrf_token().await;
    let other = app.other_browser();
    other.login_as(Role::Admin).await;
    let others_token = other.csrf_token().await;
    assert_ne!(valid, others_token);
    let before = snapshot(&app);
    for route in POST_ROUTES {
        let path = fill(
            route,
            &[("user", user_id.clone()), ("agency", agency_id.clone())],
        );
        for token in [None, Some("0".repeat(64)), Some(others_token.clone())] {
            let mut all = fields.to_vec();
            if let Some(t) = &token {
                all.push(("csrf_token", t));
            }
            let page = app.post_raw(&path, &all).await;
            assert_eq!(
                page.status,
                StatusCode::FORBIDDEN,
                "{path} with token {token:?}"
            );
            // The localized explanation, not an empty answer.
            page.assert_contains("Форманын мөөнөтү бүттү");
        }
    }
    assert_eq!(snapshot(&app), before, "nothing was written");
    // Still signed in: the forged logout did nothing.
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    home.assert_contains(&admin);
}

#[actix_web::test]
async fn cross_site_requests_are_refused_even_with_a_valid_token() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let token = app.csrf_token().await;
    let body = format!("csrf_token={token}");
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "http://evil.example"),
    ] {
        let response = app
            .client
            .post(app.url("/logout"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(header, value)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "{header}: {value}"
        );
    }
    assert_eq!(app.get("/").await.status, StatusCode::OK, "still signed in");
    // A browser under `Referrer-Policy: no-referrer` sends `Origin: null` for
    // its own forms: with the token, that is not a forgery.
    let response = app
        .client
        .post(app.url("/admin/users"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("origin", "null")
        .body(format!("csrf_token={token}&login=null.origin&display_name=N&role=official&locale=ky&password=a+long+enough+phrase"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    // The same request from the page itself goes through.
    let response = app
        .client
        .post(app.url("/logout"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("origin", &app.address)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn the_sign_in_form_itself_needs_the_token() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::CaseWorker, false).await;
    let _ = app.get("/login").await;
    let page = app
        .post_raw("/login", &[("login", &login), ("password", PASSWORD)])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.audit_count("login_ok"), 0);
}

#[actix_web::test]
async fn a_token_in_a_header_is_accepted_for_non_form_requests() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let token = app.csrf_token().await;
    let response = app
        .client
        .post(app.url("/logout"))
        .header("x-csrf-token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("sessions"), 0);
}
