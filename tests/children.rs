//! Children: registration, spellings, duplicates, territory, audited views.

use diesel::prelude::*;
use korgoo::db::schema::{audit_log, children};
use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::common::{BadInput, Page, TestApp, fixtures};

fn child_form<'a>(
    family: &'a str,
    given: &'a str,
    birth: &'a str,
    home: &'a str,
    pin: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("family_name", family),
        ("given_name", given),
        ("patronymic", ""),
        ("sex", "female"),
        ("birth_date", birth),
        ("age", ""),
        ("personal_number", pin),
        ("guardian_name", "Гүлмира Токтогулова"),
        ("guardian_contact", "+996 555 12 34 56"),
        ("home_location_id", home),
        ("language", "ky"),
        ("school_status", "irregular"),
        ("disability", "none"),
    ]
}

fn location(app: &TestApp, code: &str) -> String {
    fixtures::location(&mut app.conn(), code).to_string()
}

fn created_id(page: &Page) -> i64 {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location()
        .unwrap()
        .trim_start_matches("/children/")
        .parse()
        .unwrap()
}

#[actix_web::test]
async fn a_case_worker_registers_a_child_and_every_view_is_audited() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let karasuu = location(&app, "KG-O-KARASUU");
    let page = app
        .post_form(
            "/children",
            &child_form(
                "Токтогулова",
                "Айгүл",
                "05.03.2012",
                &karasuu,
                "1 0503 2012 00123",
            ),
        )
        .await;
    let id = created_id(&page);
    assert_eq!(app.audit_count("child_created"), 1);
    for views in 1..=3 {
        let record = app.get(&format!("/children/{id}")).await;
        assert_eq!(record.status, StatusCode::OK);
        record.assert_contains("Токтогулова Айгүл");
        record.assert_contains("05.03.2012");
        record.assert_contains("10503201200123");
        assert_eq!(
            app.audit_count("child_viewed"),
            views,
            "exactly one entry per view"
        );
    }
    // The list shows the child without recording a view of its record.
    let list = app.get("/children").await;
    list.assert_contains("Токтогулова Айгүл");
    assert_eq!(app.audit_count("child_viewed"), 3);
}

#[actix_web::test]
async fn a_likely_duplicate_is_shown_before_saving_and_can_be_overridden() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let karasuu = location(&app, "KG-O-KARASUU");
    let first = created_id(
        &app.post_form(
            "/children",
            &child_form("Токтогулова", "Айгүл", "2012-03-05", &karasuu, ""),
        )
        .await,
    );
    // The same girl, written in Latin letters by another worker.
    let again = app
        .post_form(
            "/children",
            &child_form("Toktogulova", "Aigul", "2012-03-05", &karasuu, ""),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.text_of("#duplicates").is_some(), "{}", again.body);
    again.assert_contains(&format!("href=\"/children/{first}\""));
    assert_eq!(
        again.input_value("family_name").as_deref(),
        Some("Toktogulova"),
        "input kept"
    );
    assert_eq!(app.count("children"), 1, "nothing written yet");
    // A different child with a different name and birth date is not flagged.
    let other = app
        .post_form(
            "/children",
            &child_form("Осмонов", "Бакыт", "2010-07-01", &karasuu, ""),
        )
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    // Confirming it is a new child registers it.
    let mut confirmed = child_form("Toktogulova", "Aigul", "2012-03-05", &karasuu, "");
    confirmed.push(("confirmed_new", "yes"));
    created_id(&app.post_form("/children", &confirmed).await);
    assert_eq!(app.count("children"), 3);
}

#[actix_web::test]
async fn bad_child_input_is_explained_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let karasuu = location(&app, "KG-O-KARASUU");
    let sokuluk = location(&app, "KG-C-SOKULUK");
    created_id(
        &app.post_form(
            "/children",
            &child_form(
                "Асанова",
                "Нурзат",
                "05.03.2012",
                &karasuu,
                "10503201200123",
            ),
        )
        .await,
    );
    let cases: Vec<BadInput> = vec![
        (
            child_form(
                "Токтогулова",
                "Айгүл",
                "05.03.2012",
                &karasuu,
                "1050320120012",
            ),
            "personal_number",
            "14 сандан",
        ),
        (
            child_form(
                "Токтогулова",
                "Айгүл",
                "05.03.2012",
                &karasuu,
                "20503201200123",
            ),
            "personal_number",
            "башка жыныстагы",
        ),
        (
            child_form(
                "Токтогулова",
                "Айгүл",
                "05.03.2012",
                &karasuu,
                "10503201200123",
            ),
            "personal_number",
            "мурун катталган",
        ),
        (
            child_form("Токтогулова", "Айгүл", "01.01.2001", &karasuu, ""),
            "birth_date",
            "18 жашта",
        ),
        (
            child_form("Токтогулова", "Айгүл", "01.01.2099", &karasuu, ""),
            "birth_date",
            "келе элек",
        ),
        (
            child_form("Токтогулова", "Айгүл", "", &karasuu, ""),
            "birth_date",
            "болжолдуу жашын",
        ),
        (
            child_form("", "Айгүл", "05.03.2012", &karasuu, ""),
            "family_name",
            "милдеттүү",
        ),
        (
            child_form("Токтогулова", "Айгүл", "05.03.2012", &sokuluk, ""),
            "home_location_id",
            "Өз аймагыңыздагы",
        ),
    ];
    for (fields, field, message) in &cases {
        let page = app.post_form("/children", fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let error = page.text_of(&format!("#{field}-error")).unwrap_or_default();
        assert!(error.contains(message), "{field}: {error:?}");
        assert_eq!(
            page.input_value("given_name").as_deref(),
            Some("Айгүл"),
            "input kept"
        );
    }
    assert_eq!(app.count("children"), 1, "nothing written");
    assert_eq!(app.audit_count("child_created"), 1);
}

#[actix_web::test]
async fn children_of_another_territory_cannot_be_listed_found_or_opened() {
    let app = TestApp::spawn().await;
    let karasuu_worker = app.other_browser();
    karasuu_worker.login_as(Role::CaseWorker).await;
    let sokuluk_worker = app.other_browser();
    let login = {
        let url = app.db.url.clone();
        actix_web::rt::task::spawn_blocking(move || sokuluk_user(&url))
            .await
            .unwrap()
    };
    sokuluk_worker.login(&login, crate::common::PASSWORD).await;
    let sokuluk = location(&app, "KG-C-SOKULUK");
    let id = created_id(
        &sokuluk_worker
            .post_form(
                "/children",
                &child_form("Исакова", "Жылдыз", "2011-09-01", &sokuluk, ""),
            )
            .await,
    );

    let by_url = karasuu_worker.get(&format!("/children/{id}")).await;
    assert_eq!(
        by_url.status,
        StatusCode::NOT_FOUND,
        "existence is not revealed"
    );
    assert_eq!(
        karasuu_worker
            .get(&format!("/children/{id}/edit"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let forged = karasuu_worker
        .post_form(
            &format!("/children/{id}"),
            &child_form("Changed", "Name", "2011-09-01", &sokuluk, ""),
        )
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);
    assert!(
        !karasuu_worker
            .get("/children")
            .await
            .body
            .contains("Исакова")
    );
    let found = karasuu_worker
        .post_form("/children/search", &[("q", "Isakova"), ("birth_date", "")])
        .await;
    assert!(!found.body.contains("Исакова"));
    assert_eq!(
        app.audit_count("child_viewed"),
        0,
        "refused views are not views"
    );
    // The Sokuluk worker finds her by a Latin spelling of her name.
    let found = sokuluk_worker
        .post_form(
            "/children/search",
            &[("q", "Jyldyz Isakova"), ("birth_date", "")],
        )
        .await;
    assert_eq!(found.status, StatusCode::OK);
    found.assert_contains("Исакова Жылдыз");
    let stored: String = children::table
        .find(id)
        .select(children::family_name)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(stored, "Исакова");
}

fn sokuluk_user(url: &str) -> String {
    use korgoo::admin::model::{self, UserInput};
    let mut conn = PgConnection::establish(url).unwrap();
    let unit = fixtures::agency_by_code(&mut conn, "CSU-KG-C-SOKULUK");
    let mut input = UserInput {
        display_name: "Марат Исаков".into(),
        role: Role::CaseWorker,
        agency_id: Some(unit),
        location_id: None,
        locale: korgoo::web::i18n::Lang::Ky,
    };
    assert!(
        model::check_assignment(&mut conn, &mut input)
            .unwrap()
            .is_empty()
    );
    model::create_user(
        &mut conn,
        "worker.sokuluk.test",
        &input,
        &fixtures::hashed_password(),
        false,
    )
    .unwrap();
    "worker.sokuluk.test".into()
}

#[actix_web::test]
async fn only_child_support_staff_reach_children_and_admins_only_read() {
    let app = TestApp::spawn().await;
    let worker = app.other_browser();
    worker.login_as(Role::CaseWorker).await;
    let karasuu = location(&app, "KG-O-KARASUU");
    let id = created_id(
        &worker
            .post_form(
                "/children",
                &child_form("Токтогулова", "Айгүл", "2012-03-05", &karasuu, ""),
            )
            .await,
    );
    for role in [
        Role::Official,
        Role::Inspector,
        Role::ServiceProvider,
        Role::Prosecutor,
        Role::Police,
    ] {
        let browser = app.other_browser();
        browser.login_as(role).await;
        for path in [
            "/children".to_owned(),
            "/children/new".to_owned(),
            format!("/children/{id}"),
        ] {
            assert_eq!(
                browser.get(&path).await.status,
                StatusCode::FORBIDDEN,
                "{role} {path}"
            );
        }
        let search = browser
            .post_form("/children/search", &[("q", "Токтогулова")])
            .await;
        assert_eq!(search.status, StatusCode::FORBIDDEN, "{role}");
        assert!(
            !browser.get("/").await.body.contains("href=\"/children\""),
            "{role} sees no way in"
        );
    }
    let admin = app.other_browser();
    admin.login_as(Role::Admin).await;
    assert_eq!(
        admin.get(&format!("/children/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        admin.get("/children/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.audit_count("child_viewed"),
        1,
        "the admin's view is audited too"
    );
}

#[actix_web::test]
async fn searching_keeps_names_out_of_addresses_and_the_audit_log() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Supervisor).await;
    let karasuu = location(&app, "KG-O-KARASUU");
    created_id(
        &app.post_form(
            "/children",
            &child_form("Жумабаева", "Чолпон", "2013-04-10", &karasuu, ""),
        )
        .await,
    );
    for spelling in ["Джумабаева", "Zhumabaeva", "jumabaeva cholpon", "Чолпон"] {
        let page = app
            .post_form("/children/search", &[("q", spelling), ("birth_date", "")])
            .await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Жумабаева Чолпон");
    }
    let by_date = app
        .post_form(
            "/children/search",
            &[("q", ""), ("birth_date", "10.04.2013")],
        )
        .await;
    by_date.assert_contains("Жумабаева Чолпон");
    let empty = app
        .post_form("/children/search", &[("q", ""), ("birth_date", "")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text_of("#q-error").is_some());
    assert_eq!(
        app.get("/children/search").await.status,
        StatusCode::NOT_FOUND,
        "search is never a GET"
    );
    let details: Vec<serde_json::Value> = audit_log::table
        .filter(audit_log::action.eq("child_search"))
        .select(audit_log::details)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(details.len(), 5);
    assert!(
        details
            .iter()
            .all(|d| !d.to_string().to_lowercase().contains("umabaev")),
        "{details:?}"
    );
}

#[actix_web::test]
async fn correcting_a_record_over_a_newer_version_conflicts() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let colleague = app.other_browser();
    colleague.login_as(Role::Supervisor).await;
    let karasuu = location(&app, "KG-O-KARASUU");
    let id = created_id(
        &app.post_form(
            "/children",
            &child_form("Токтогулова", "Айгүл", "2012-03-05", &karasuu, ""),
        )
        .await,
    );
    let path = format!("/children/{id}");
    let mine = app.get(&format!("{path}/edit")).await;
    let version = mine.input_value("version").unwrap();
    let mut theirs = child_form("Токтогулова", "Айгерим", "2012-03-05", &karasuu, "");
    theirs.push(("version", &version));
    assert_eq!(
        colleague.post_form(&path, &theirs).await.status,
        StatusCode::SEE_OTHER
    );
    let mut my_change = child_form("Токтогулова", "Айгүлү", "2012-03-05", &karasuu, "");
    my_change.push(("version", &version));
    let conflict = app.post_form(&path, &my_change).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    conflict.assert_contains("Токтогулова Айгерим");
    assert_eq!(
        conflict.input_value("given_name").as_deref(),
        Some("Айгүлү")
    );
    let stored: String = children::table
        .find(id)
        .select(children::given_name)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(stored, "Айгерим");
}

/// The demo dataset gives each district's workers their own children, and
/// loading it twice adds nobody.
#[actix_web::test]
async fn demo_children_belong_to_their_districts() {
    let app = TestApp::spawn().await;
    korgoo::demo::load(&app.db.url).unwrap();
    korgoo::demo::load(&app.db.url).unwrap();
    assert_eq!(app.count("children"), 6);
    app.login("worker.karasuu", korgoo::demo::DEMO_PASSWORD)
        .await;
    let list = app.get("/children").await;
    assert_eq!(list.status, StatusCode::OK);
    list.assert_contains("Токтогулова Айгүл");
    list.assert_contains("Абдыкеримов Чыңгыз");
    assert!(
        !list.body.contains("Исакова"),
        "Sokuluk's child is not listed in Kara-Suu"
    );
}
