//! Administration: who may reach it, and users and agencies kept correctly.

use diesel::prelude::*;
use korgoo::db::schema::{agencies, users};
use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::common::routes::{GET_ROUTES, POST_ROUTES};
use crate::common::{BadInput, PASSWORD, TestApp, fixtures};

/// Every page and action of administration, from the app's route table.
fn admin_routes(table: &[&'static str]) -> Vec<&'static str> {
    table
        .iter()
        .copied()
        .filter(|r| r.starts_with("/admin"))
        .collect()
}

#[actix_web::test]
async fn only_admins_reach_administration_even_by_typing_the_address() {
    let app = TestApp::spawn().await;
    let target = app.create_user(Role::Official, false).await;
    let mut conn = app.conn();
    let user_id = fixtures::user_id(&mut conn, &target).to_string();
    let agency_id = fixtures::agency_by_code(&mut conn, "GPO").to_string();
    let fill = |p: &str| {
        p.replace("{user}", &user_id)
            .replace("{agency}", &agency_id)
    };
    let before: (i64, i64) = (app.count("users"), app.count("agencies"));

    for &role in Role::ALL {
        let browser = app.other_browser();
        browser.login_as(role).await;
        for page in admin_routes(GET_ROUTES) {
            let answer = browser.get(&fill(page)).await;
            if role == Role::Admin {
                assert!(
                    answer.status == StatusCode::OK
                        || (page == "/admin" && answer.status == StatusCode::SEE_OTHER),
                    "admin {page}: {}",
                    answer.status
                );
            } else {
                assert_eq!(answer.status, StatusCode::FORBIDDEN, "{role} GET {page}");
                answer.assert_contains("Кирүүгө уруксат жок");
            }
        }
        if role != Role::Admin {
            for action in admin_routes(POST_ROUTES) {
                let answer = browser
                    .post_form(
                        &fill(action),
                        &[
                            ("login", "x.by.role"),
                            ("display_name", "x"),
                            ("role", "admin"),
                            ("locale", "ky"),
                            ("password", "forced long password"),
                        ],
                    )
                    .await;
                assert_eq!(answer.status, StatusCode::FORBIDDEN, "{role} POST {action}");
            }
        }
        // Non-admins do not even see the way in.
        let home = browser.get("/").await;
        assert_eq!(
            home.body.contains("href=\"/admin/users\""),
            role == Role::Admin,
            "{role}"
        );
    }
    assert_eq!(
        (app.count("users"), app.count("agencies")),
        (before.0 + Role::ALL.len() as i64, before.1 + 1),
        "only the fixtures were added"
    );
    let target_active: bool = users::table
        .filter(users::login.eq(&target))
        .select(users::active)
        .first(&mut conn)
        .unwrap();
    assert!(target_active, "no role but admin deactivated the target");
}

#[actix_web::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    for page in ["/", "/admin/users", "/admin/audit", "/account/password"] {
        let answer = app.get(page).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{page}");
        assert_eq!(answer.location(), Some("/login"), "{page}");
    }
}

fn new_user<'a>(
    login: &'a str,
    role: &'a str,
    agency: &'a str,
    location: &'a str,
    password: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("login", login),
        ("display_name", "Айгүл Сыдыкова"),
        ("role", role),
        ("agency_id", agency),
        ("location_id", location),
        ("locale", "ky"),
        ("password", password),
    ]
}

#[actix_web::test]
async fn an_admin_creates_a_case_worker_in_a_district_unit() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let mut conn = app.conn();
    let unit = fixtures::agency_by_code(&mut conn, "CSU-KG-O-KARASUU").to_string();
    let page = app
        .post_form(
            "/admin/users",
            &new_user(
                "Aigul.S",
                "case_worker",
                &unit,
                "",
                "apricots ripen in Batken",
            ),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let (login, location, must_change): (String, Option<i32>, bool) = users::table
        .filter(users::login.eq("aigul.s"))
        .select((
            users::login,
            users::location_id,
            users::must_change_password,
        ))
        .first(&mut conn)
        .unwrap();
    assert_eq!(login, "aigul.s", "logins are stored lower-case");
    assert_eq!(
        location,
        Some(fixtures::location(&mut conn, "KG-O-KARASUU")),
        "the unit's territory by default"
    );
    assert!(must_change, "an admin-set password is temporary");
    assert_eq!(app.audit_count("user_created"), 1);
    let shown = app.get(page.location().unwrap()).await;
    shown.assert_contains("aigul.s колдонуучусу түзүлдү");
}

#[actix_web::test]
async fn bad_user_input_is_explained_per_field_with_the_input_kept_and_nothing_written() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let mut conn = app.conn();
    let unit = fixtures::agency_by_code(&mut conn, "CSU-KG-O-KARASUU").to_string();
    let ministry = fixtures::agency_by_code(&mut conn, "MLSSM").to_string();
    let sokuluk = fixtures::location(&mut conn, "KG-C-SOKULUK").to_string();
    let existing = app.create_user(Role::Official, false).await;
    let users_before = app.count("users");
    let cases: Vec<BadInput> = vec![
        (
            new_user("a b", "case_worker", &unit, "", "apricots ripen in Batken"),
            "login",
            "латын",
        ),
        (
            new_user(
                &existing,
                "case_worker",
                &unit,
                "",
                "apricots ripen in Batken",
            ),
            "login",
            "ээленген",
        ),
        (
            new_user(
                "ok.login",
                "case_worker",
                "",
                "",
                "apricots ripen in Batken",
            ),
            "agency_id",
            "мекеме керек",
        ),
        (
            new_user(
                "ok.login",
                "case_worker",
                &ministry,
                "",
                "apricots ripen in Batken",
            ),
            "agency_id",
            "туура келбейт",
        ),
        (
            new_user(
                "ok.login",
                "case_worker",
                &unit,
                &sokuluk,
                "apricots ripen in Batken",
            ),
            "location_id",
            "аймагынын ичинде",
        ),
        (
            new_user("ok.login", "case_worker", &unit, "", "password1234"),
            "password",
            "кеңири таралган",
        ),
        (
            new_user("ok.login", "wizard", &unit, "", "apricots ripen in Batken"),
            "role",
            "варианттардын",
        ),
        (
            new_user(
                "ok.login",
                "case_worker",
                "99999",
                "",
                "apricots ripen in Batken",
            ),
            "agency_id",
            "варианттардын",
        ),
        (
            new_user(
                "ok.login",
                "case_worker",
                &unit,
                "abc",
                "apricots ripen in Batken",
            ),
            "location_id",
            "варианттардын",
        ),
    ];
    for (fields, field, message) in &cases {
        let page = app.post_form("/admin/users", fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            page.body
        );
        let error = page.text_of(&format!("#{field}-error")).unwrap_or_default();
        assert!(error.contains(message), "{field}: {error:?}");
        assert_eq!(
            page.input_value("display_name").as_deref(),
            Some("Айгүл Сыдыкова"),
            "input kept"
        );
        page.assert_contains("id=\"error-summary\"");
        // The summary names the field by its label on the page (issue 21).
        let label = page
            .text_of(&format!("label[for=\"{field}\"]"))
            .unwrap_or_else(|| panic!("no label of {field}"));
        let label = label.trim().trim_end_matches(':');
        let summary = page.text_of("#error-summary").unwrap();
        assert!(
            summary.contains(&format!("{label}: ")),
            "{field}: {summary:?}"
        );
    }
    // A name with a control character, and one too long.
    let mut fields = new_user("ok.login", "official", "", "", "apricots ripen in Batken");
    fields[1] = ("display_name", "bad\u{7}name");
    let page = app.post_form("/admin/users", &fields).await;
    assert!(
        page.text_of("#display_name-error")
            .unwrap_or_default()
            .contains("башкаруучу")
    );
    let long = "ы".repeat(201);
    fields[1] = ("display_name", &long);
    let page = app.post_form("/admin/users", &fields).await;
    assert!(
        page.text_of("#display_name-error")
            .unwrap_or_default()
            .contains("Өтө узун")
    );
    assert_eq!(app.count("users"), users_before, "nothing was written");
    assert_eq!(app.audit_count("user_created"), 0);
}

#[actix_web::test]
async fn saving_over_a_newer_version_shows_both_and_loses_nothing() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let colleague = app.other_browser();
    colleague.login_as(Role::Admin).await;
    let target = app.create_user(Role::Official, false).await;
    let mut conn = app.conn();
    let id = fixtures::user_id(&mut conn, &target);
    let path = format!("/admin/users/{id}");
    let mine = app.get(&path).await;
    let version = mine.input_value("version").unwrap();
    let theirs = colleague.get(&path).await;
    let fields = |name: &'static str, version: &str| -> Vec<(&'static str, String)> {
        vec![
            ("display_name", name.to_owned()),
            ("role", "official".into()),
            ("agency_id", "".into()),
            ("location_id", "".into()),
            ("locale", "ru".into()),
            ("version", version.to_owned()),
        ]
    };
    let as_refs = |v: &Vec<(&'static str, String)>| -> Vec<(&str, String)> { v.clone() };
    let theirs_fields = fields("Their Name", &theirs.input_value("version").unwrap());
    let saved = colleague
        .post_form(
            &path,
            &as_refs(&theirs_fields)
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let my_fields = fields("My Name", &version);
    let conflict = app
        .post_form(
            &path,
            &my_fields
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    conflict.assert_contains("Their Name");
    assert_eq!(
        conflict.input_value("display_name").as_deref(),
        Some("My Name"),
        "my input is kept"
    );
    let stored: String = users::table
        .find(id)
        .select(users::display_name)
        .first(&mut conn)
        .unwrap();
    assert_eq!(stored, "Their Name", "their save was not overwritten");
    // Saving again, knowingly, replaces theirs.
    let new_version = conflict.input_value("version").unwrap();
    let again = app
        .post_form(
            &path,
            &fields("My Name", &new_version)
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let stored: String = users::table
        .find(id)
        .select(users::display_name)
        .first(&mut conn)
        .unwrap();
    assert_eq!(stored, "My Name");
    assert_eq!(app.audit_count("user_updated"), 2);
}

#[actix_web::test]
async fn deactivation_reset_and_unlock_take_effect_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::Admin).await;
    let target = app.create_user(Role::CaseWorker, false).await;
    let worker = app.other_browser();
    worker.login(&target, PASSWORD).await;
    let mut conn = app.conn();
    let id = fixtures::user_id(&mut conn, &target);

    assert_eq!(
        app.post_form(&format!("/admin/users/{id}/deactivate"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        worker.get("/").await.location(),
        Some("/login"),
        "signed out at once"
    );
    assert_eq!(
        worker.login(&target, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post_form(&format!("/admin/users/{id}/activate"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        worker.login(&target, PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    let weak = app
        .post_form(
            &format!("/admin/users/{id}/password"),
            &[("password", "short")],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text_of("#password-error").is_some());
    let reset = app
        .post_form(
            &format!("/admin/users/{id}/password"),
            &[("password", "temporary but long one")],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert_eq!(
        worker.get("/").await.location(),
        Some("/login"),
        "their sessions ended"
    );
    assert_eq!(
        worker
            .login(&target, "temporary but long one")
            .await
            .location(),
        Some("/account/password")
    );

    // A browser the user never signed in with guesses until the account
    // waits (the user's own, a known device, would count on itself).
    let stranger = app.other_browser();
    for _ in 0..5 {
        stranger.login(&target, "wrong guess wrong").await;
    }
    assert_eq!(
        stranger
            .login(&target, "temporary but long one")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let page = app.get(&format!("/admin/users/{id}")).await;
    page.assert_contains("Бөгөттөлгөн");
    assert_eq!(
        app.post_form(&format!("/admin/users/{id}/unlock"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        stranger
            .login(&target, "temporary but long one")
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // An admin cannot lock themselves out.
    let me = fixtures::user_id(&mut conn, &admin);
    assert_eq!(
        app.post_form(&format!("/admin/users/{me}/deactivate"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for action in ["user_deactivated", "user_activated", "password_reset"] {
        assert_eq!(app.audit_count(action), 1, "{action}");
    }
}

#[actix_web::test]
async fn the_user_list_filters_and_pages_by_keyset() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    for _ in 0..55 {
        app.create_user(Role::Police, false).await;
    }
    let first = app.get("/admin/users?role=police").await;
    assert_eq!(first.body.matches("<tr>").count() - 1, 50);
    let href = first
        .html()
        .select(&scraper::Selector::parse(".pager a").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let second = app.get(&href).await;
    assert_eq!(second.body.matches("<tr>").count() - 1, 5);
    let logins = |p: &crate::common::Page| -> Vec<String> {
        p.html()
            .select(&scraper::Selector::parse("tbody td:first-child a").unwrap())
            .map(|e| e.text().collect())
            .collect()
    };
    let mut all = logins(&first);
    all.extend(logins(&second));
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(all.len(), 55);
    assert_eq!(sorted, all, "ordered by login, no repeats");
    let none = app.get("/admin/users?role=police&active=no").await;
    assert!(none.text_of(".empty").is_some());
}

#[actix_web::test]
async fn agencies_are_created_edited_and_checked() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let mut conn = app.conn();
    let osh = fixtures::location(&mut conn, "KG-GO").to_string();
    let agencies_before = app.count("agencies");
    let bad = app
        .post_form(
            "/admin/agencies",
            &[
                ("kind", "bank"),
                ("name_ky", ""),
                ("name_ru", "Центр"),
                ("name_en", "Centre"),
                ("location_id", "999999"),
                ("capacity", "-1"),
                ("services", "medical"),
                ("services", "magic"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["kind", "name_ky", "capacity", "services"] {
        assert!(bad.text_of(&format!("#{field}-error")).is_some(), "{field}");
    }
    assert_eq!(bad.input_value("name_ru").as_deref(), Some("Центр"));
    assert_eq!(app.count("agencies"), agencies_before);

    let fields = vec![
        ("kind", "shelter"),
        ("name_ky", "Ош балдар баш калкалоочу жайы"),
        ("name_ru", "Ошский детский приют"),
        ("name_en", "Osh Children's Shelter"),
        ("location_id", osh.as_str()),
        ("capacity", "25"),
        ("services", "shelter"),
        ("services", "psychosocial"),
        ("contact", "Ош ш.\n+996 555 00 00 00"),
        ("active", "on"),
    ];
    let created = app.post_form("/admin/agencies", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id: i64 = agencies::table
        .filter(agencies::name_en.eq("Osh Children's Shelter"))
        .select(agencies::id)
        .first(&mut conn)
        .unwrap();
    let services: Vec<Option<String>> = agencies::table
        .find(id)
        .select(agencies::services)
        .first(&mut conn)
        .unwrap();
    assert_eq!(
        services,
        vec![Some("psychosocial".to_owned()), Some("shelter".to_owned())]
    );
    let page = app.get(&format!("/admin/agencies/{id}?lang=en")).await;
    let page = app.get(page.location().unwrap()).await;
    assert_eq!(
        page.text_of("h1").as_deref(),
        Some("Osh Children's Shelter")
    );

    // A stale version conflicts; nothing is overwritten.
    let mut stale = fields.clone();
    stale.push(("version", "0"));
    stale[3] = ("name_en", "Renamed");
    let conflict = app
        .post_form(&format!("/admin/agencies/{id}"), &stale)
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    let name: String = agencies::table
        .find(id)
        .select(agencies::name_en)
        .first(&mut conn)
        .unwrap();
    assert_eq!(name, "Osh Children's Shelter");
    let mut current = fields.clone();
    current.push(("version", "1"));
    current[3] = ("name_en", "Renamed");
    assert_eq!(
        app.post_form(&format!("/admin/agencies/{id}"), &current)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let name: String = agencies::table
        .find(id)
        .select(agencies::name_en)
        .first(&mut conn)
        .unwrap();
    assert_eq!(name, "Renamed");
    assert_eq!(app.audit_count("agency_created"), 1);
    assert_eq!(app.audit_count("agency_updated"), 1);
}

#[actix_web::test]
async fn seeded_territories_and_national_bodies_are_there() {
    use korgoo::db::schema::locations;
    let app = TestApp::spawn().await;
    let mut conn = app.conn();
    let regions: Vec<String> = locations::table
        .filter(locations::level.eq_any(["region", "republican_city"]))
        .select(locations::code)
        .order(locations::code)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        regions,
        [
            "KG-B", "KG-C", "KG-GB", "KG-GO", "KG-J", "KG-N", "KG-O", "KG-T", "KG-Y"
        ]
    );
    let districts: i64 = locations::table
        .filter(locations::level.eq("district"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(
        districts, 44,
        "40 districts of the regions and 4 of Bishkek"
    );
    for code in [
        "MLSSM",
        "LABOR-INSPECTION",
        "GPO",
        "MIA",
        "CSU-KG-O-KARASUU",
        "CSU-KG-GO",
    ] {
        fixtures::agency_by_code(&mut conn, code);
    }
    // Kyrgyz letters are stored and shown as they are.
    let ky: String = locations::table
        .filter(locations::code.eq("KG-Y-JETIOGUZ"))
        .select(locations::name_ky)
        .first(&mut conn)
        .unwrap();
    assert_eq!(ky, "Жети-Өгүз району");
}

/// The pager of the user list keeps the search and every filter: the next
/// page of `q=police` holds police logins only, not whatever follows them.
#[actix_web::test]
async fn the_user_list_pager_keeps_the_search_and_the_filters() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    for _ in 0..55 {
        app.create_user(Role::Police, false).await;
        // Their logins sort right after the police's.
        app.create_user(Role::Prosecutor, false).await;
    }
    let mia = fixtures::agency_by_code(&mut app.conn(), "MIA").to_string();
    let next_of = |page: &crate::common::Page| -> String {
        page.html()
            .select(&scraper::Selector::parse(".pager a").unwrap())
            .next()
            .expect("a next page")
            .value()
            .attr("href")
            .unwrap()
            .to_owned()
    };
    let logins = |p: &crate::common::Page| -> Vec<String> {
        p.html()
            .select(&scraper::Selector::parse("tbody td:first-child a").unwrap())
            .map(|e| e.text().collect())
            .collect()
    };
    for first in [
        "/admin/users?q=police".to_owned(),
        format!("/admin/users?q=POLICE&role=police&agency={mia}&active=yes"),
    ] {
        let page = app.get(&first).await;
        assert_eq!(logins(&page).len(), 50, "{first}");
        let href = next_of(&page);
        let query: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(href.split_once('?').unwrap().1.as_bytes())
                .into_owned()
                .collect();
        let typed: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(first.split_once('?').unwrap().1.as_bytes())
                .into_owned()
                .collect();
        for (k, v) in &typed {
            assert_eq!(query.get(k), Some(v), "{href} keeps {k}");
        }
        let second = logins(&app.get(&href).await);
        assert_eq!(second.len(), 5, "{href}: {second:?}");
        assert!(
            second.iter().all(|l| l.starts_with("police.")),
            "{href}: {second:?}"
        );
    }
}
