//! The audit log: written inside each change's transaction, readable and
//! filterable by admins, and append-only in the database itself.

use diesel::prelude::*;
use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::common::TestApp;

#[actix_web::test]
async fn the_applications_own_connection_cannot_change_or_delete_entries() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let entries = app.count("audit_log");
    assert!(entries > 0);
    // The same database role and URL the application's pool uses.
    let mut conn = app.conn();
    for statement in [
        "UPDATE audit_log SET action = 'logout'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let refused = diesel::sql_query(statement).execute(&mut conn);
        let message = format!("{:?}", refused.expect_err(statement));
        assert!(message.contains("append-only"), "{statement}: {message}");
    }
    assert_eq!(app.count("audit_log"), entries);
}

#[actix_web::test]
async fn entries_say_who_when_from_where_what_and_which_record() {
    use korgoo::db::schema::audit_log;
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::Admin).await;
    let page = app
        .post_form(
            "/admin/users",
            &[
                ("login", "audited.one"),
                ("display_name", "Аудит"),
                ("role", "official"),
                ("locale", "ru"),
                ("password", "a careful long phrase"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let mut conn = app.conn();
    let (actor, address, kind, details): (
        Option<String>,
        Option<String>,
        Option<String>,
        serde_json::Value,
    ) = audit_log::table
        .filter(audit_log::action.eq("user_created"))
        .select((
            audit_log::actor_login,
            audit_log::client_addr,
            audit_log::target_kind,
            audit_log::details,
        ))
        .first(&mut conn)
        .unwrap();
    assert_eq!(actor.as_deref(), Some(admin.as_str()));
    assert_eq!(address.as_deref(), Some("127.0.0.1"));
    assert_eq!(kind.as_deref(), Some("user"));
    assert_eq!(details["login"], "audited.one");
    assert!(
        !details.to_string().contains("careful"),
        "never the password"
    );
}

#[actix_web::test]
async fn admins_filter_the_log_and_bad_filters_are_explained() {
    let app = TestApp::spawn().await;
    let worker = app.create_user(Role::CaseWorker, false).await;
    let stranger = app.other_browser();
    stranger.login(&worker, "wrong password here").await;
    stranger.login(&worker, "wrong password again").await;
    app.login_as(Role::Admin).await;

    let failed = app.get("/admin/audit?action=login_failed").await;
    assert_eq!(failed.status, StatusCode::OK);
    let rows = failed.body.matches("<tr>").count() - 1; // minus the header row
    assert_eq!(rows, 2, "{}", failed.body);
    assert!(
        !failed.body.contains(&app_login_ok_label()),
        "only failed sign-ins"
    );

    let bad = app.get("/admin/audit?from=31.02.2026&target_id=abc").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text_of("#from-error").is_some());
    assert!(bad.text_of("#target_id-error").is_some());
    assert_eq!(
        bad.input_value("target_id").as_deref(),
        Some("abc"),
        "input kept"
    );

    let reversed = app.get("/admin/audit?from=2026-05-02&to=2026-05-01").await;
    assert_eq!(reversed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reversed.text_of("#to-error").is_some());

    // A day filter is a day in Bishkek: today includes the entries just made.
    let today = crate::common::today();
    let page = app
        .get(&format!(
            "/admin/audit?action=login_failed&from={today}&to={today}"
        ))
        .await;
    assert_eq!(page.body.matches("<tr>").count() - 1, 2);
    let tomorrow = today.succ_opt().unwrap();
    let page = app
        .get(&format!("/admin/audit?action=login_failed&from={tomorrow}"))
        .await;
    assert!(page.text_of(".empty").is_some());
}

fn app_login_ok_label() -> String {
    "<td data-label=\"Аракет\">Кирүү</td>".to_owned()
}

#[actix_web::test]
async fn the_log_pages_by_keyset_without_gaps_or_repeats() {
    let app = TestApp::spawn_with(|c| c.login_rate_per_minute = 1000).await;
    app.login_as(Role::Admin).await;
    let stranger = app.other_browser();
    for _ in 0..55 {
        stranger.login("no.such.user", "wrong password here").await;
    }
    let first = app.get("/admin/audit?action=login_failed").await;
    assert_eq!(first.body.matches("<tr>").count() - 1, 50);
    let next = first.html();
    let selector = scraper::Selector::parse(".pager a").unwrap();
    let href = next
        .select(&selector)
        .next()
        .expect("a next page")
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let second = app.get(&href).await;
    assert_eq!(second.body.matches("<tr>").count() - 1, 5);
    assert!(second.text_of(".pager a").is_none());
}

/// Every kind of entry the code can write is one the database accepts, and
/// the database knows no kind the code does not.
#[actix_web::test]
async fn the_database_knows_exactly_the_kinds_of_entry_the_code_writes() {
    use korgoo::audit::AuditAction;
    use korgoo::db::schema::audit_actions;
    let app = TestApp::spawn().await;
    let mut known: Vec<String> = audit_actions::table
        .select(audit_actions::name)
        .load(&mut app.conn())
        .unwrap();
    known.sort();
    let mut code: Vec<String> = AuditAction::ALL
        .iter()
        .map(|a| a.as_str().to_owned())
        .collect();
    code.sort();
    assert_eq!(known, code);
    let refused =
        diesel::sql_query("INSERT INTO audit_log (action, details) VALUES ('made_up', '{}')")
            .execute(&mut app.conn());
    assert!(refused.is_err());
}
