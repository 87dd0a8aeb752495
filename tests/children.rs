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

/// Issue 19 (Low): a name with Greek look-alike letters meets its
/// Cyrillic spelling as a likely duplicate; invisible format characters
/// are refused by the field; compatibility forms are stored as the
/// letters they are.
#[actix_web::test]
async fn look_alike_letters_and_invisible_marks_hide_no_duplicate() {
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
    // Greek omicron, alpha and upsilon in place of the Cyrillic о, а, у.
    let greek = app
        .post_form(
            "/children",
            &child_form(
                "Т\u{03bf}кт\u{03bf}г\u{03c5}л\u{03bf}в\u{03b1}",
                "\u{0391}йгүл",
                "2012-03-05",
                &karasuu,
                "",
            ),
        )
        .await;
    assert_eq!(greek.status, StatusCode::OK, "{}", greek.body);
    assert!(greek.text_of("#duplicates").is_some(), "{}", greek.body);
    greek.assert_contains(&format!("href=\"/children/{first}\""));
    assert_eq!(app.count("children"), 1);

    let message = korgoo::web::i18n::Translator::load()
        .unwrap()
        .t(korgoo::web::i18n::Lang::Ky, "error-invisible-characters");
    for mark in ['\u{202e}', '\u{200b}', '\u{2066}', '\u{feff}', '\u{00ad}'] {
        let family = format!("Токто{mark}гулова");
        let mut form = child_form(&family, "Айгүл", "2012-03-05", &karasuu, "");
        form.push(("confirmed_new", "yes"));
        let page = app.post_form("/children", &form).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "U+{:04X}",
            mark as u32
        );
        assert_eq!(
            page.text_of("#family_name-error").as_deref(),
            Some(message.as_str()),
            "U+{:04X}",
            mark as u32
        );
        assert_eq!(page.input_value("given_name").as_deref(), Some("Айгүл"));
        assert_eq!(app.count("children"), 1, "U+{:04X}", mark as u32);
    }

    // Full-width letters are the letters themselves.
    let mut wide = child_form("Ｏｓｍｏｎｏｖａ", "Ａｓｅｌ", "2011-01-01", &karasuu, "");
    wide.push(("confirmed_new", "yes"));
    let id = created_id(&app.post_form("/children", &wide).await);
    let stored: (String, String) = children::table
        .find(id)
        .select((children::family_name, children::given_name))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(stored, ("Osmonova".to_owned(), "Asel".to_owned()));
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
        .post_following("/children/search", &[("q", "Isakova"), ("birth_date", "")])
        .await;
    assert!(!found.body.contains("Исакова"));
    assert_eq!(
        app.audit_count("child_viewed"),
        0,
        "refused views are not views"
    );
    // The Sokuluk worker finds her by a Latin spelling of her name.
    let found = sokuluk_worker
        .post_following(
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
        assert_eq!(
            browser.get("/children/search").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert!(
            !browser.get("/").await.body.contains("href=\"/children\""),
            "{role} sees no way in"
        );
    }
    // The admin administers users and agencies: no child's record, no list.
    let admin = app.other_browser();
    admin.login_as(Role::Admin).await;
    for path in [
        format!("/children/{id}"),
        "/children".into(),
        "/cases".into(),
    ] {
        let page = admin.get(&path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(!page.body.contains("Токтогулова"), "{path}");
    }
    assert_eq!(
        admin.get("/children/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.audit_count("child_viewed"), 0);
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
            .post_following("/children/search", &[("q", spelling), ("birth_date", "")])
            .await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Жумабаева Чолпон");
    }
    let by_date = app
        .post_following(
            "/children/search",
            &[("q", ""), ("birth_date", "10.04.2013")],
        )
        .await;
    by_date.assert_contains("Жумабаева Чолпон");
    let empty = app
        .post_following("/children/search", &[("q", ""), ("birth_date", "")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text_of("#q-error").is_some());
    // The results stay at an address that holds no name: Back (a GET)
    // shows them again, resending nothing.
    let again = app
        .post_following("/children/search", &[("q", "Чолпон"), ("birth_date", "")])
        .await;
    again.assert_contains("Жумабаева Чолпон");
    let back = app.get("/children/search").await;
    assert_eq!(back.status, StatusCode::OK);
    back.assert_contains("Жумабаева Чолпон");
    assert_eq!(back.input_value("q").as_deref(), Some("Чолпон"));
    // Another session has no search of its own.
    let other = app.other_browser();
    other.login_as(Role::CaseWorker).await;
    let none = other.get("/children/search").await;
    assert_eq!(none.status, StatusCode::SEE_OTHER);
    assert_eq!(none.location(), Some("/children"));
    let details: Vec<serde_json::Value> = audit_log::table
        .filter(audit_log::action.eq("child_search"))
        .select(audit_log::details)
        .load(&mut app.conn())
        .unwrap();
    // Each showing of results is traced, the one Back shows included.
    assert_eq!(details.len(), 7);
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
    assert_eq!(
        app.count("children"),
        52,
        "6 named demo children and 46 more with cases"
    );
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

/// The unit head merges two records of one child: the cases move to the
/// record kept, the other drops out of lists and leads to the kept one.
#[actix_web::test]
async fn a_supervisor_merges_two_records_of_one_child() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let karasuu = location(&app, "KG-O-KARASUU");
    let kept = created_id(
        &app.post_form(
            "/children",
            &child_form("Жумабаева", "Чолпон", "2013-04-10", &karasuu, ""),
        )
        .await,
    );
    let mut second = child_form("Джумабаева", "Чолпон", "2013-04-10", &karasuu, "");
    second.push(("confirmed_new", "yes"));
    let merged = created_id(&app.post_form("/children", &second).await);
    // A case on the record that will be merged.
    let today = crate::common::today().format("%Y-%m-%d").to_string();
    let merged_text = merged.to_string();
    let case = app
        .post_form(
            "/cases",
            &[
                ("child", merged_text.as_str()),
                ("source", "school"),
                ("forms", "hazardous_work"),
                ("sector", "markets_trade"),
                ("risk", "medium"),
                ("narrative", ""),
                ("consent_given_by", "mother"),
                ("consent_given_on", &today),
            ],
        )
        .await;
    assert_eq!(case.status, StatusCode::SEE_OTHER, "{}", case.body);

    // A case worker is not offered the merge and cannot force it.
    let page = app.get(&format!("/children/{merged}")).await;
    assert!(page.text_of("#merge").is_none());
    let keep_text = kept.to_string();
    let forced = app
        .post_form(
            &format!("/children/{merged}/merge"),
            &[
                ("keep", keep_text.as_str()),
                ("version", "1"),
                ("keep_version", "1"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(forced.status, StatusCode::FORBIDDEN);

    let boss = app.other_browser();
    boss.login_as(Role::Supervisor).await;
    let page = boss.get(&format!("/children/{merged}")).await;
    assert!(
        page.text_of("#merge").unwrap().contains("Жумабаева"),
        "the likely duplicate is offered"
    );
    let unconfirmed = boss
        .post_form(
            &format!("/children/{merged}/merge"),
            &[
                ("keep", keep_text.as_str()),
                ("version", "1"),
                ("keep_version", "1"),
            ],
        )
        .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unconfirmed.text_of("#merge-error").is_some());
    let done = boss
        .post_form(
            &format!("/children/{merged}/merge"),
            &[
                ("keep", keep_text.as_str()),
                ("version", "1"),
                ("keep_version", "1"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), Some(format!("/children/{kept}").as_str()));

    let owner: i64 = korgoo::db::schema::cases::table
        .select(korgoo::db::schema::cases::child_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(owner, kept, "the case moved to the record kept");
    let list = app.get("/children").await;
    assert!(
        !list.body.contains("Джумабаева"),
        "the merged record is not listed"
    );
    let old = app.get(&format!("/children/{merged}")).await;
    assert_eq!(old.location(), Some(format!("/children/{kept}").as_str()));
    let kept_page = app.get(&format!("/children/{kept}")).await;
    assert!(kept_page.text_of("#child-cases").unwrap().contains("№"));
    assert_eq!(app.audit_count("child_merged"), 1);
    // Merging again is refused.
    let again = boss
        .post_form(
            &format!("/children/{merged}/merge"),
            &[
                ("keep", keep_text.as_str()),
                ("version", "2"),
                ("keep_version", "2"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_ne!(again.status, StatusCode::SEE_OTHER);
}

/// Two records with different personal numbers are two children.
#[actix_web::test]
async fn records_with_different_personal_numbers_are_not_merged() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Supervisor).await;
    let karasuu = location(&app, "KG-O-KARASUU");
    let a = created_id(
        &app.post_form(
            "/children",
            &child_form(
                "Жумабаева",
                "Чолпон",
                "2013-04-10",
                &karasuu,
                "11004201300123",
            ),
        )
        .await,
    );
    let mut other = child_form(
        "Жумабаева",
        "Чолпон",
        "2013-04-10",
        &karasuu,
        "11004201300456",
    );
    other.push(("confirmed_new", "yes"));
    let b = created_id(&app.post_form("/children", &other).await);
    let a_text = a.to_string();
    let refused = app
        .post_form(
            &format!("/children/{b}/merge"),
            &[
                ("keep", a_text.as_str()),
                ("version", "1"),
                ("keep_version", "1"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text_of("#merge-error").is_some());
    let merged: Option<i64> = children::table
        .find(b)
        .select(children::merged_into)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(merged, None);
}
