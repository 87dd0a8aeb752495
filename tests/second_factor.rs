//! The second factor (issue 19): TOTP codes computed here, from the key the
//! enrolment page shows, as an authenticator app would.

use diesel::prelude::*;
use korgoo::policy::Role;
use reqwest::StatusCode;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::common::{PASSWORD, TestApp, fixtures};

/// What an authenticator app would show at `unix` for the typed key.
fn code_at(key: &str, unix: u64) -> String {
    let secret = Secret::Encoded(key.replace(' ', ""))
        .to_bytes()
        .expect("base32");
    TOTP::new(Algorithm::SHA1, 6, 1, 30, secret, None, String::new())
        .expect("a TOTP")
        .generate(unix)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// The app's code now, and the next step's (accepted as one step ahead).
fn code_now(key: &str) -> String {
    code_at(key, now())
}
fn code_next(key: &str) -> String {
    code_at(key, now() + 30)
}

/// Open the enrolment page, read the key, confirm with the code of now:
/// returns the key and the ten recovery codes shown.
async fn enrol(app: &TestApp) -> (String, Vec<String>) {
    let page = start(app).await;
    let key = page.text_of("#secret-key").expect("the key to type");
    let done = app
        .post_form(
            "/account/second-factor",
            &[("step", "confirm"), ("code", &code_now(&key))],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let html = done.html();
    let sel = scraper::Selector::parse("#recovery-codes li code").unwrap();
    let codes: Vec<String> = html
        .select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect();
    (key, codes)
}

/// Open the factor page and start the set-up (unless it was started): the
/// QR code is shown.
async fn start(app: &TestApp) -> crate::common::Page {
    let page = app.get("/account/second-factor").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    if !page.body.contains("<svg") {
        assert!(page.body.contains("id=\"start-enrol\""), "{}", page.body);
        let posted = app
            .post_form("/account/second-factor", &[("step", "start")])
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    }
    let started = app.get("/account/second-factor").await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    assert!(
        started.body.contains("<svg"),
        "a QR code is drawn in the page"
    );
    started
}

fn user_id(app: &TestApp, login: &str) -> i64 {
    fixtures::user_id(&mut app.conn(), login)
}

/// Sign in with the password in a new browser; the code step follows.
async fn password_only(app: &TestApp, login: &str) -> TestApp {
    let browser = app.other_browser();
    let page = browser.login(login, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        page.location()
            .unwrap_or_default()
            .starts_with("/login/code"),
        "{:?}",
        page.location()
    );
    let step = browser.get("/login/code").await;
    assert_eq!(step.status, StatusCode::OK);
    browser
}

fn audit_reasons(app: &TestApp, action: &str) -> Vec<String> {
    use korgoo::db::schema::audit_log;
    audit_log::table
        .filter(audit_log::action.eq(action))
        .order(audit_log::id.asc())
        .select(audit_log::details)
        .load::<serde_json::Value>(&mut app.conn())
        .expect("audit entries")
        .into_iter()
        .map(|d| d["reason"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[actix_web::test]
async fn past_its_grace_a_required_role_sets_the_factor_up_before_anything_else() {
    let app = TestApp::spawn_with(|c| c.totp_grace_days = 0).await;
    let login = app.login_as(Role::CaseWorker).await;
    let id = user_id(&app, &login);

    // Every page leads to the enrolment, and a POST does nothing.
    let cases = app.get("/cases").await;
    assert_eq!(cases.status, StatusCode::SEE_OTHER);
    assert_eq!(cases.location(), Some("/account/second-factor"));
    app.get("/account/second-factor")
        .await
        .assert_contains("id=\"factor-now\"");
    let page = start(&app).await;
    let before = app.count("cases");
    let posted = app.post_form("/cases", &[("family_name", "Асанова")]).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("cases"), before);

    // A wrong code is refused next to the field; nothing is switched on.
    let wrong = app
        .post_form(
            "/account/second-factor",
            &[("step", "confirm"), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("id=\"code-error\""), "{}", wrong.body);
    let key_again = wrong.text_of("#secret-key").expect("the same key");
    assert_eq!(
        Some(key_again),
        page.text_of("#secret-key"),
        "reloads keep the secret"
    );

    let (_, codes) = enrol(&app).await;
    assert_eq!(codes.len(), 10);
    use korgoo::db::schema::{recovery_codes, sessions, users};
    let mut conn = app.conn();
    let enabled: Option<chrono::DateTime<chrono::Utc>> = users::table
        .find(id)
        .select(users::totp_enabled_at)
        .first(&mut conn)
        .unwrap();
    assert!(enabled.is_some());
    let hashes: Vec<Vec<u8>> = recovery_codes::table
        .filter(recovery_codes::user_id.eq(id))
        .select(recovery_codes::code_hash)
        .load(&mut conn)
        .unwrap();
    assert_eq!(hashes.len(), 10);
    for code in &codes {
        let plain = code.replace('-', "");
        assert!(
            hashes.iter().all(|h| h != plain.as_bytes()),
            "codes are kept hashed"
        );
    }
    // This session passed it by enrolling, and the application opens.
    let passed: Vec<Option<chrono::DateTime<chrono::Utc>>> = sessions::table
        .filter(sessions::user_id.eq(id))
        .select(sessions::second_factor_at)
        .load(&mut conn)
        .unwrap();
    assert_eq!(passed.len(), 1);
    assert!(passed[0].is_some());
    assert_eq!(app.get("/cases").await.status, StatusCode::OK);
    assert_eq!(app.audit_count("second_factor_enrolled"), 1);
}

#[actix_web::test]
async fn with_a_factor_the_password_alone_opens_nothing_and_the_code_does() {
    let app = TestApp::spawn().await;
    let login = app.login_as(Role::Inspector).await;
    let id = user_id(&app, &login);
    let (key, _) = enrol(&app).await;

    let browser = app.other_browser();
    let page = browser.login(&login, PASSWORD).await;
    assert_eq!(
        page.location(),
        Some("/login/code?next=%2F"),
        "the password leads to the code"
    );
    let cookies: Vec<_> = page.headers.get_all("set-cookie").iter().collect();
    assert!(
        cookies
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("korgoo_device=")),
        "no known device before the code"
    );
    // Any page asked for comes back after the code.
    let asked = browser.get("/inspections?status=open").await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        asked.location(),
        Some("/login/code?next=%2Finspections%3Fstatus%3Dopen")
    );
    let step = browser.get("/login/code?next=%2Finspections").await;
    assert_eq!(step.status, StatusCode::OK);
    assert!(
        !step.body.contains("class=\"main-nav\""),
        "no menu before the code"
    );
    let before = browser.count("establishments");
    let posted = browser
        .post_form("/establishments", &[("name", "Базар")])
        .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    assert_eq!(posted.location(), Some("/login/code"));
    assert_eq!(browser.count("establishments"), before);

    let wrong = browser
        .post_form(
            "/login/code",
            &[("code", "123456"), ("next", "/inspections")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("id=\"code-error\""));
    assert_eq!(audit_reasons(&app, "second_factor_failed"), ["wrong"]);

    // Kept: the replay below must send this very code, not the code of
    // whatever step the clock has reached by then.
    let used = code_next(&key);
    let right = browser
        .post_form("/login/code", &[("code", &used), ("next", "/inspections")])
        .await;
    assert_eq!(right.status, StatusCode::SEE_OTHER, "{}", right.body);
    assert_eq!(right.location(), Some("/inspections"));
    let cookies: Vec<String> = right
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("korgoo_session=")),
        "a new session id"
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("korgoo_device=")),
        "now a known device"
    );
    assert_eq!(browser.get("/inspections").await.status, StatusCode::OK);
    assert_eq!(app.audit_count("second_factor_ok"), 1);

    use korgoo::db::schema::sessions;
    let passed: Vec<Option<chrono::DateTime<chrono::Utc>>> = sessions::table
        .filter(sessions::user_id.eq(id))
        .select(sessions::second_factor_at)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(passed.len(), 2, "the enrolling and the new session");
    assert!(passed.iter().all(Option::is_some), "both passed the factor");

    // The same code a second time, even within its window, is refused.
    let thief = password_only(&app, &login).await;
    let replay = thief.post_form("/login/code", &[("code", &used)]).await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        audit_reasons(&app, "second_factor_failed"),
        ["wrong", "replayed"]
    );
    assert_eq!(thief.get("/").await.status, StatusCode::SEE_OTHER);

    // A session that never gives the code does not wait for ever.
    diesel::sql_query(
        "UPDATE sessions SET created_at = now() - interval '11 minutes'
         WHERE second_factor_at IS NULL",
    )
    .execute(&mut app.conn())
    .unwrap();
    let late = thief.get("/login/code").await;
    assert_eq!(late.status, StatusCode::SEE_OTHER);
    assert!(late.location().unwrap_or_default().starts_with("/login"));
    assert_ne!(late.location(), Some("/login/code"));
}

#[actix_web::test]
async fn a_recovery_code_signs_in_once() {
    let app = TestApp::spawn().await;
    let login = app.login_as(Role::Supervisor).await;
    let (_, codes) = enrol(&app).await;
    let typed = codes[3].to_uppercase().replace('-', " ");

    let first = password_only(&app, &login).await;
    let ok = first.post_form("/login/code", &[("code", &typed)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(first.get("/cases").await.status, StatusCode::OK);
    assert_eq!(app.audit_count("recovery_code_used"), 1);

    let second = password_only(&app, &login).await;
    let again = second.post_form("/login/code", &[("code", &typed)]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(second.get("/cases").await.status, StatusCode::SEE_OTHER);
    // Nine are left, as the factor page says.
    let page = first.get("/account/second-factor").await;
    page.assert_contains("id=\"factor-on\"");
    page.assert_contains(" 9 ");
}

#[actix_web::test]
async fn wrong_codes_count_toward_the_wait_like_wrong_passwords() {
    let app = TestApp::spawn().await;
    let login = app.login_as(Role::Prosecutor).await;
    let (key, _) = enrol(&app).await;
    let guesser = password_only(&app, &login).await;
    for guess in ["111111", "222222", "333333", "444444", "555555"] {
        let page = guesser.post_form("/login/code", &[("code", guess)]).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(
        app.audit_count("login_locked"),
        1,
        "the fifth starts a wait"
    );
    // While it runs, even the right code does not open the session.
    let right = guesser
        .post_form("/login/code", &[("code", &code_next(&key))])
        .await;
    assert_eq!(right.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(guesser.get("/").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        audit_reasons(&app, "second_factor_failed")
            .last()
            .map(String::as_str),
        Some("locked")
    );
}

#[actix_web::test]
async fn the_admin_resets_a_lost_factor_and_the_user_sets_it_up_again_at_once() {
    let app = TestApp::spawn().await;
    let login = app.login_as(Role::ServiceProvider).await;
    let id = user_id(&app, &login);
    enrol(&app).await;

    let admin = app.other_browser();
    admin.login_as(Role::Admin).await;
    let page = admin.get(&format!("/admin/users/{id}")).await;
    assert!(
        page.body.contains("id=\"reset-second-factor\""),
        "{}",
        page.body
    );
    let reset = admin
        .post_form(&format!("/admin/users/{id}/second-factor/reset"), &[])
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count("second_factor_reset"), 1);
    let page = admin.get(&format!("/admin/users/{id}")).await;
    assert!(!page.body.contains("id=\"reset-second-factor\""));

    // The user's sessions ended; the secret and the codes are gone.
    assert_eq!(app.get("/referrals").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(&format!("recovery_codes WHERE user_id = {id}")),
        0
    );
    assert_eq!(
        app.count(&format!("users WHERE id = {id} AND totp_secret IS NULL")),
        1
    );
    // Signing in again, within anyone's grace period, leads to enrolment.
    let back = app.login(&login, PASSWORD).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let home = app.get("/referrals").await;
    assert_eq!(home.location(), Some("/account/second-factor"));
    enrol(&app).await;
    assert_eq!(app.get("/referrals").await.status, StatusCode::OK);

    // Only the admin may reset.
    let other = app.other_browser();
    let login2 = other.login_as(Role::Supervisor).await;
    let refused = other
        .post_form(&format!("/admin/users/{id}/second-factor/reset"), &[])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{login2}");
    assert_eq!(app.audit_count("second_factor_reset"), 1);
}

#[actix_web::test]
async fn officials_are_asked_only_when_the_setting_says_so() {
    let app = TestApp::spawn_with(|c| c.totp_grace_days = 0).await;
    app.login_as(Role::Official).await;
    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("id=\"enrol-by\""));
    assert_eq!(app.count("users WHERE second_factor_due_at IS NOT NULL"), 0);
    // They may still set one up.
    start(&app).await;

    let strict = TestApp::spawn_with(|c| {
        c.totp_grace_days = 0;
        c.totp_officials = true;
    })
    .await;
    strict.login_as(Role::Official).await;
    let page = strict.get("/").await;
    assert_eq!(page.location(), Some("/account/second-factor"));
}

#[actix_web::test]
async fn the_grace_period_starts_at_the_first_sign_in_and_shows_its_end() {
    let app = TestApp::spawn_with(|c| c.totp_grace_days = 7).await;
    let login = app.login_as(Role::Police).await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    home.assert_contains("id=\"enrol-by\"");
    let id = user_id(&app, &login);
    assert_eq!(
        app.count(&format!(
            "users WHERE id = {id} AND second_factor_due_at
               BETWEEN now() + interval '6 days 23 hours' AND now() + interval '7 days'"
        )),
        1
    );
    // Once over, the same user is sent to set it up.
    diesel::sql_query(format!(
        "UPDATE users SET second_factor_due_at = now() - interval '1 minute' WHERE id = {id}"
    ))
    .execute(&mut app.conn())
    .unwrap();
    assert_eq!(
        app.get("/").await.location(),
        Some("/account/second-factor")
    );
}

#[actix_web::test]
async fn every_step_of_the_second_factor_speaks_three_languages() {
    let app = TestApp::spawn().await;
    let login = app.login_as(Role::CaseWorker).await;
    app.assert_pages_in_every_language(&["/account/second-factor".to_owned()], &[])
        .await;
    enrol(&app).await;
    app.assert_pages_in_every_language(&["/account/second-factor".to_owned()], &[])
        .await;
    let browser = password_only(&app, &login).await;
    for (lang, words) in [
        ("ky", "Кирүү коду"),
        ("ru", "Код для входа"),
        ("en", "Sign-in code"),
    ] {
        browser.get(&format!("/login/code?lang={lang}")).await;
        let page = browser.get("/login/code").await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains(&format!("<html lang=\"{lang}\">"));
        page.assert_contains(words);
        assert!(!page.body.contains(korgoo::web::i18n::MISSING_MARK));
    }
}

#[actix_web::test]
async fn new_recovery_codes_need_a_code_from_the_app() {
    let app = TestApp::spawn().await;
    let login = app.login_as(Role::Inspector).await;
    let id = user_id(&app, &login);
    let (key, old) = enrol(&app).await;
    let wrong = app
        .post_form(
            "/account/second-factor/recovery-codes",
            &[("code", "999999")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = app
        .post_form(
            "/account/second-factor/recovery-codes",
            &[("code", &code_next(&key))],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let fresh = done.text_of("#recovery-codes").unwrap();
    assert!(!fresh.contains(&old[0]));
    assert_eq!(
        app.count(&format!("recovery_codes WHERE user_id = {id}")),
        10
    );
    assert_eq!(app.audit_count("recovery_codes_renewed"), 1);
    // An old code no longer signs in.
    let browser = password_only(&app, &login).await;
    let page = browser.post_form("/login/code", &[("code", &old[0])]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
}
