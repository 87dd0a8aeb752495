//! Signing in and out, sessions, growing delays and known devices, rate
//! limits, passwords.

use diesel::prelude::*;
use korgoo::db::schema::{sessions, users};
use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::common::{PASSWORD, TestApp, fixtures};

fn session_cookie(page: &crate::common::Page) -> Option<String> {
    page.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("korgoo_session="))
        .map(str::to_owned)
}

#[actix_web::test]
async fn signing_in_rotates_the_session_and_reaches_home() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::CaseWorker, false).await;
    let form = app.get("/login").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(session_cookie(&form).is_none(), "a visitor gets no session");
    let page = app
        .post_form("/login", &[("login", &login), ("password", PASSWORD)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/"));
    let first = session_cookie(&page).expect("a session cookie at sign-in");
    assert_eq!(app.count("sessions"), 1);
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    home.assert_contains(&format!("Тест Колдонуучу {login}"));
    assert_eq!(app.audit_count("login_ok"), 1);
    // Signing in again over a session (an old or a planted one) gives a new
    // id, and the old one is gone from the database.
    let again = app.login(&login, PASSWORD).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let second = session_cookie(&again).expect("a new session cookie");
    assert_ne!(first, second, "the session id must change at sign-in");
    assert_eq!(app.count("sessions"), 1);
}

#[actix_web::test]
async fn session_cookie_flags() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::Inspector, false).await;
    let page = app.login(&login, PASSWORD).await;
    let cookie = session_cookie(&page).expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");

    // Over HTTPS the session is Secure and the sign-in form's token cookie
    // is bound to this host.
    let secure = TestApp::spawn_with(|c| c.secure_cookies = true).await;
    let form = secure.get("/login").await;
    let token_cookie = form
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("__Host-korgoo_login_csrf="))
        .expect("a host-bound token cookie")
        .to_owned();
    assert!(token_cookie.contains("Secure"), "{token_cookie}");
    assert!(token_cookie.contains("Path=/"), "{token_cookie}");
    assert!(!token_cookie.contains("Domain"), "{token_cookie}");
}

#[actix_web::test]
async fn a_wrong_password_and_an_unknown_login_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::Inspector, false).await;
    let wrong = app.login(&login, "not the password at all").await;
    let unknown = app.login("nobody.here", PASSWORD).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let message = |p: &crate::common::Page| p.text_of("#login-failed").expect("a failure message");
    assert_eq!(message(&wrong), message(&unknown));
    // The typed login is kept in the form.
    assert_eq!(wrong.input_value("login").as_deref(), Some(login.as_str()));
    assert_eq!(app.audit_count("login_failed"), 2);
    // Not signed in.
    assert_eq!(app.get("/").await.location(), Some("/login"));
}

fn wait_of(app: &TestApp, login: &str) -> Option<chrono::Duration> {
    let until: Option<chrono::DateTime<chrono::Utc>> = users::table
        .filter(users::login.eq(login))
        .select(users::locked_until)
        .first(&mut app.conn())
        .unwrap();
    until.map(|t| t - chrono::Utc::now())
}

/// The wait is over (as if its time had passed).
fn end_wait(app: &TestApp, login: &str) {
    diesel::update(users::table.filter(users::login.eq(login)))
        .set(users::locked_until.eq(Some(chrono::Utc::now() - chrono::Duration::minutes(1))))
        .execute(&mut app.conn())
        .unwrap();
}

#[actix_web::test]
async fn after_five_failures_each_attempt_waits_longer_up_to_the_cap() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::CaseWorker, false).await;
    for _ in 0..4 {
        assert_eq!(
            app.login(&login, "wrong wrong wrong").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(wait_of(&app, &login), None, "four failures impose no wait");
    app.login(&login, "wrong wrong wrong").await;
    assert_eq!(app.audit_count("login_locked"), 1);
    let first = wait_of(&app, &login).expect("a wait after the fifth");
    assert!(first > chrono::Duration::seconds(20) && first <= chrono::Duration::seconds(30));
    // Even the right password is refused while waiting, with the same message,
    // and the refused attempt does not count.
    let waiting = app.login(&login, PASSWORD).await;
    assert_eq!(waiting.status, StatusCode::UNAUTHORIZED);
    assert!(waiting.text_of("#login-failed").is_some());
    assert_eq!(app.audit_count("login_locked"), 1);
    // Each further failure doubles the wait (30 s, 60 s, 120 s, …) …
    end_wait(&app, &login);
    app.login(&login, "wrong wrong wrong").await;
    let second = wait_of(&app, &login).expect("a wait after the sixth");
    assert!(second > chrono::Duration::seconds(50) && second <= chrono::Duration::seconds(60));
    // … up to the configured longest (15 minutes).
    for _ in 0..10 {
        end_wait(&app, &login);
        app.login(&login, "wrong wrong wrong").await;
    }
    let capped = wait_of(&app, &login).expect("a wait");
    assert!(capped > chrono::Duration::minutes(14) && capped <= chrono::Duration::minutes(15));
    // When the wait is over, the right password works and the count ends.
    end_wait(&app, &login);
    assert_eq!(
        app.login(&login, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let failures: i32 = users::table
        .filter(users::login.eq(&login))
        .select(users::failed_logins)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(failures, 0, "a successful sign-in resets the count");
}

#[actix_web::test]
async fn an_outsiders_failures_do_not_keep_a_known_device_out() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::Admin, false).await;
    // The admin's own computer: signed in once, so a known device.
    let signed = app.login(&login, PASSWORD).await;
    let device = signed
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("korgoo_device="))
        .expect("a known-device cookie at a full sign-in")
        .to_owned();
    assert!(device.contains("HttpOnly"), "{device}");
    app.post_form("/logout", &[]).await;
    // An outsider guesses until the account must wait, and keeps trying.
    let outsider = app.other_browser();
    for _ in 0..8 {
        assert_eq!(
            outsider.login(&login, "guess guess guess").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert!(wait_of(&app, &login).is_some(), "the account waits");
    assert_eq!(
        outsider.login(&login, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "even the right password waits on an unknown browser"
    );
    // The admin's computer is not kept out.
    assert_eq!(
        app.login(&login, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get("/").await.status, StatusCode::OK);
    assert!(
        wait_of(&app, &login).is_some(),
        "the outsider's wait goes on for unknown browsers"
    );
    // A known device's own failures delay it in turn: its cookie is no key
    // for guessing.
    app.post_form("/logout", &[]).await;
    for _ in 0..5 {
        app.login(&login, "guess guess guess").await;
    }
    assert_eq!(
        app.login(&login, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "the device waits after its own five failures"
    );
}

#[actix_web::test]
async fn wrong_current_passwords_count_wait_and_are_audited() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::CaseWorker, false).await;
    app.login(&login, PASSWORD).await;
    let change = |current: &'static str| {
        let app = &app;
        async move {
            app.post_form(
                "/account/password",
                &[
                    ("current", current),
                    ("new_password", "a brand new phrase 9"),
                    ("confirm", "a brand new phrase 9"),
                ],
            )
            .await
        }
    };
    for _ in 0..5 {
        let page = change("not my password at all").await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.text_of("#current-error").is_some());
    }
    assert_eq!(app.audit_count("password_change_failed"), 5);
    assert_eq!(app.audit_count("login_locked"), 1);
    // The right one now waits too: guessing cannot end with a change.
    let waiting = change(PASSWORD).await;
    assert_eq!(waiting.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = waiting.text_of("#current-error").unwrap_or_default();
    assert!(error.contains("күтүп"), "{error}");
    assert_eq!(app.audit_count("password_changed"), 0);
    assert_eq!(app.audit_count("password_change_failed"), 6);
    // The password is unchanged (another browser signs in with it).
    assert_eq!(
        app.other_browser().login(&login, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn change_password_attempts_are_rate_limited_per_address() {
    let app = TestApp::spawn_with(|c| c.login_rate_per_minute = 3).await;
    let login = app.create_user(Role::CaseWorker, false).await;
    // Signing in takes one of the three.
    assert_eq!(
        app.login(&login, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let fields = [
        ("current", "not my password at all"),
        ("new_password", "a brand new phrase 9"),
        ("confirm", "a brand new phrase 9"),
    ];
    for _ in 0..2 {
        assert_eq!(
            app.post_form("/account/password", &fields).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    assert_eq!(
        app.post_form("/account/password", &fields).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(app.audit_count("password_change_failed"), 2);
}

#[actix_web::test]
async fn sign_in_attempts_are_rate_limited_per_address() {
    let app = TestApp::spawn_with(|c| c.login_rate_per_minute = 3).await;
    for _ in 0..3 {
        assert_eq!(
            app.login("someone", "whatever whatever").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = app.login("someone", "whatever whatever").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        limited
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("60")
    );
    // The refused attempt was not even looked at.
    assert_eq!(app.audit_count("login_failed"), 3);
}

#[actix_web::test]
async fn logout_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Supervisor).await;
    let cookie_jar_copy = app.get("/").await;
    assert_eq!(cookie_jar_copy.status, StatusCode::OK);
    // Keep the session token as an attacker who stole the cookie would.
    let token = {
        let mut conn = app.conn();
        sessions::table
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap()
    };
    assert_eq!(token, 1);
    let out = app.post_form("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/login"));
    assert_eq!(app.count("sessions"), 0, "the session row is deleted");
    assert_eq!(app.audit_count("logout"), 1);
}

#[actix_web::test]
async fn a_stolen_cookie_is_useless_after_logout() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::CaseWorker, false).await;
    let signed_in = app.login(&login, PASSWORD).await;
    let cookie = session_cookie(&signed_in).unwrap();
    let value = cookie.split(';').next().unwrap().to_owned();
    let thief = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let before = thief
        .get(app.url("/"))
        .header("cookie", &value)
        .send()
        .await
        .unwrap();
    assert_eq!(before.status(), StatusCode::OK);
    app.post_form("/logout", &[]).await;
    let after = thief
        .get(app.url("/"))
        .header("cookie", &value)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
    assert_eq!(after.headers().get("location").unwrap(), "/login");
}

#[actix_web::test]
async fn idle_and_absolute_timeouts_end_sessions() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    assert_eq!(app.get("/").await.status, StatusCode::OK);
    let mut conn = app.conn();
    // 31 minutes idle (default limit 30).
    diesel::update(sessions::table)
        .set(sessions::last_seen_at.eq(chrono::Utc::now() - chrono::Duration::minutes(31)))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(app.get("/").await.location(), Some("/login"));
    assert_eq!(app.count("sessions"), 0);

    app.login_as(Role::CaseWorker).await;
    // Active a minute ago, but signed in 13 hours ago (default limit 12).
    diesel::update(sessions::table)
        .set((
            sessions::last_seen_at.eq(chrono::Utc::now() - chrono::Duration::minutes(1)),
            sessions::created_at.eq(chrono::Utc::now() - chrono::Duration::hours(13)),
        ))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(app.get("/").await.location(), Some("/login"));
}

#[actix_web::test]
async fn passwords_are_stored_as_argon2id_at_owasp_minimum() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let page = app
        .post_form(
            "/admin/users",
            &[
                ("login", "new.person"),
                ("display_name", "Жаңы Адам"),
                ("role", "official"),
                ("locale", "ky"),
                ("password", "river stones under snow"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let mut conn = app.conn();
    let hash: String = users::table
        .filter(users::login.eq("new.person"))
        .select(users::password_hash)
        .first(&mut conn)
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains("river"));
}

#[actix_web::test]
async fn an_admin_set_password_must_be_changed_before_anything_else() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::CaseWorker, true).await;
    let page = app.login(&login, PASSWORD).await;
    assert_eq!(page.location(), Some("/account/password"));
    // Every other page sends them back to the password form.
    assert_eq!(app.get("/").await.location(), Some("/account/password"));
    let form = app.get("/account/password").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("class=\"notice\""));
    let changed = app
        .post_form(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new_password", "my own long phrase 77"),
                ("confirm", "my own long phrase 77"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("class=\"flash\""),
        "the change is confirmed once"
    );
    assert!(
        !app.get("/").await.body.contains("class=\"flash\""),
        "and only once"
    );
    assert_eq!(app.audit_count("password_changed"), 1);
    // The new password works, the old does not.
    let other = app.other_browser();
    assert_eq!(
        other.login(&login, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        other.login(&login, "my own long phrase 77").await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn the_password_policy_is_explained_next_to_each_field() {
    let app = TestApp::spawn().await;
    let login = app.login_as(Role::Inspector).await;
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        // (current, new, confirm, field, message id in Kyrgyz text)
        (
            PASSWORD,
            "short one",
            "short one",
            "new_password",
            "кеминде 12 белги",
        ),
        (
            PASSWORD,
            "password1234",
            "password1234",
            "new_password",
            "кеңири таралган",
        ),
        (
            PASSWORD,
            "qwertyuiop12",
            "qwertyuiop12",
            "new_password",
            "кеңири таралган",
        ),
        // The demo's published password (issue 19, Low).
        (
            PASSWORD,
            korgoo::demo::DEMO_PASSWORD,
            korgoo::demo::DEMO_PASSWORD,
            "new_password",
            "жарыяланган",
        ),
        (
            PASSWORD,
            &format!("{login} forever"),
            &format!("{login} forever"),
            "new_password",
            "логин болбошу",
        ),
        (
            PASSWORD,
            "one long phrase here",
            "another long phrase",
            "confirm",
            "дал келбейт",
        ),
        (
            "not my password at all",
            "one long phrase here",
            "one long phrase here",
            "current",
            "туура эмес",
        ),
    ];
    for (current, new, confirm, field, message) in cases {
        let page = app
            .post_form(
                "/account/password",
                &[
                    ("current", current),
                    ("new_password", new),
                    ("confirm", confirm),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{new}");
        let error = page.text_of(&format!("#{field}-error")).unwrap_or_default();
        assert!(error.contains(message), "{field} for {new:?}: {error:?}");
    }
    assert_eq!(
        app.audit_count("password_changed"),
        0,
        "nothing was changed"
    );
    let other = app.other_browser();
    assert_eq!(
        other.login(&login, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn changing_the_password_ends_the_users_other_sessions() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::CaseWorker, false).await;
    app.login(&login, PASSWORD).await;
    let laptop = app.other_browser();
    laptop.login(&login, PASSWORD).await;
    assert_eq!(laptop.get("/").await.status, StatusCode::OK);
    let changed = app
        .post_form(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new_password", "a brand new phrase 9"),
                ("confirm", "a brand new phrase 9"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/").await.status,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        laptop.get("/").await.location(),
        Some("/login"),
        "the other one ends"
    );
    let mut conn = app.conn();
    let id = fixtures::user_id(&mut conn, &login);
    assert_eq!(
        sessions::table
            .filter(sessions::user_id.eq(id))
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap(),
        1
    );
}

#[actix_web::test]
async fn after_sign_in_the_user_returns_only_to_a_page_of_this_site() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::Admin, false).await;
    let _ = app.get("/login?next=/admin/audit").await;
    let page = app
        .post_form(
            "/login",
            &[
                ("login", &login),
                ("password", PASSWORD),
                ("next", "/admin/audit"),
            ],
        )
        .await;
    assert_eq!(page.location(), Some("/admin/audit"));
    let other = app.other_browser();
    let _ = other.get("/login").await;
    let page = other
        .post_form(
            "/login",
            &[
                ("login", &login),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(page.location(), Some("/"));
}

#[actix_web::test]
async fn a_deactivated_user_is_signed_out_at_once() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::CaseWorker, false).await;
    let worker = app.other_browser();
    worker.login(&login, PASSWORD).await;
    assert_eq!(worker.get("/").await.status, StatusCode::OK);
    let mut conn = app.conn();
    diesel::update(users::table.filter(users::login.eq(&login)))
        .set(users::active.eq(false))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(worker.get("/").await.location(), Some("/login"));
    assert_eq!(
        worker.login(&login, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}
