//! School-fee complaints: anyone signed in logs one; the admin and the head of
//! the territory's labour inspection office process it (received → verified
//! → resolved or unfounded); the complainant stays protected; money is exact.

use std::str::FromStr;

use diesel::prelude::*;
use korgoo::admin::model::AgencyKind;
use korgoo::complaints::model::{ComplaintInput, create_complaint};
use korgoo::db::schema::{audit_log, school_fee_complaints};
use korgoo::policy::Role;
use reqwest::StatusCode;
use rust_decimal::Decimal;

use crate::common::{BadInput, PASSWORD, Page, TestApp, fixtures};
use crate::common::{days_ago, today};

const NAME: &str = "Гүлмира Токтогулова";
const CONTACT: &str = "+996 555 12 34 56";

fn school(app: &TestApp, territory: &str, name: &str) -> i64 {
    fixtures::agency(&mut app.conn(), AgencyKind::School, territory, name)
}

/// The head of a labour inspection office in `territory`.
fn head_in(app: &TestApp, territory: &str) -> String {
    let office = fixtures::agency(
        &mut app.conn(),
        AgencyKind::LaborInspectorate,
        territory,
        &format!("Inspection {territory}"),
    );
    fixtures::user_in(&app.db.url, Role::Supervisor, office)
}

async fn sign_in(app: &TestApp, login: &str) {
    let page = app.login(login, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{login}: {}", page.body);
}

async fn log(app: &TestApp, school: i64, extra: &[(&str, &str)]) -> Page {
    let school = school.to_string();
    let date = days_ago(3);
    let mut fields = vec![
        ("school_id", school.as_str()),
        ("location_id", ""),
        ("charged_on", date.as_str()),
        ("amount", "1500"),
        ("complainant_name", NAME),
        ("complainant_contact", CONTACT),
        (
            "description",
            "The school asked 1500 som from each family for repairs.",
        ),
    ];
    for (k, v) in extra {
        fields.retain(|(f, _)| f != k);
        fields.push((k, v));
    }
    app.post_form("/complaints", &fields).await
}

fn id_from(page: &Page) -> i64 {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location()
        .unwrap()
        .trim_start_matches("/complaints/")
        .parse()
        .unwrap()
}

fn stored(app: &TestApp, id: i64) -> (String, Decimal, i32, i32, String) {
    school_fee_complaints::table
        .find(id)
        .select((
            school_fee_complaints::status,
            school_fee_complaints::amount,
            school_fee_complaints::location_id,
            school_fee_complaints::version,
            school_fee_complaints::action_taken,
        ))
        .first(&mut app.conn())
        .unwrap()
}

fn version(app: &TestApp, id: i64) -> String {
    stored(app, id).3.to_string()
}

async fn process(app: &TestApp, id: i64, status: &str, action: &str) -> Page {
    let v = version(app, id);
    app.post_form(
        &format!("/complaints/{id}/process"),
        &[
            ("version", &v),
            ("status", status),
            ("action_taken", action),
        ],
    )
    .await
}

fn list_ids(page: &Page) -> Vec<i64> {
    page.html()
        .select(&scraper::Selector::parse("#complaints tbody tr td:first-child").unwrap())
        .map(|td| td.text().collect::<String>().trim().parse().unwrap())
        .collect()
}

#[actix_web::test]
async fn anyone_signed_in_logs_a_complaint_and_sees_their_own_only() {
    let app = TestApp::spawn().await;
    let karasuu = school(&app, "KG-O-KARASUU", "Kara-Suu School No. 7");
    app.login_as(Role::CaseWorker).await;
    let form = app.get("/complaints/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Kara-Suu School No. 7 (ky)"));
    let id = id_from(&log(&app, karasuu, &[("amount", "1234.56")]).await);
    assert_eq!(app.audit_count("complaint_logged"), 1);
    let (status, amount, location, version, _) = stored(&app, id);
    assert_eq!(status, "received");
    assert_eq!(amount, Decimal::from_str("1234.56").unwrap(), "exact");
    assert_eq!(version, 1);
    assert_eq!(
        location,
        fixtures::location(&mut app.conn(), "KG-O-KARASUU"),
        "the territory defaults to the school's"
    );
    let page = app.get(&format!("/complaints/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text_of("#amount").unwrap(), "1\u{a0}234,56\u{a0}сом");
    assert!(
        !page.body.contains(NAME) && !page.body.contains(CONTACT),
        "the one who logged it does not process it: no complainant shown"
    );
    assert!(page.text_of("#processing").is_none());
    assert_eq!(list_ids(&app.get("/complaints").await), vec![id]);

    // Someone else, of any role, neither lists nor opens it.
    for role in [
        Role::CaseWorker,
        Role::ServiceProvider,
        Role::Official,
        Role::Inspector,
        Role::Police,
    ] {
        let other = app.other_browser();
        other.login_as(role).await;
        let list = other.get("/complaints").await;
        assert_eq!(list.status, StatusCode::OK, "{role}");
        assert!(list_ids(&list).is_empty(), "{role}");
        assert_eq!(
            other.get(&format!("/complaints/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{role}"
        );
        // …but logs their own.
        id_from(&log(&other, karasuu, &[]).await);
    }
    // Signed out: to the sign-in page.
    let anonymous = TestApp::new_client();
    let response = anonymous
        .get(app.url("/complaints/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn the_complainant_is_shown_only_to_who_processes_never_in_lists_or_the_audit_log() {
    let app = TestApp::spawn().await;
    let karasuu = school(&app, "KG-O-KARASUU", "Kara-Suu School No. 7");
    app.login_as(Role::CaseWorker).await;
    let id = id_from(&log(&app, karasuu, &[]).await);
    let head = app.other_browser();
    sign_in(&head, &head_in(&app, "KG-O")).await;
    let page = head.get(&format!("/complaints/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let shown = page.text_of("#complainant").unwrap();
    assert!(shown.contains(NAME) && shown.contains(CONTACT), "{shown}");
    // Through processing and a correction, too.
    assert_eq!(
        process(&head, id, "verified", "Visited the school.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let edit = head.get(&format!("/complaints/{id}/edit")).await;
    assert_eq!(edit.input_value("complainant_name").as_deref(), Some(NAME));
    let v = edit.input_value("version").unwrap();
    let school = karasuu.to_string();
    let date = days_ago(4);
    let corrected = head
        .post_form(
            &format!("/complaints/{id}"),
            &[
                ("version", &v),
                ("school_id", &school),
                ("location_id", ""),
                ("charged_on", &date),
                ("amount", "1500"),
                ("complainant_name", "Гүлмира Т."),
                ("complainant_contact", CONTACT),
                ("description", "Repairs, 1500 som a family."),
            ],
        )
        .await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.body
    );

    for (who, list) in [
        ("head", head.get("/complaints").await),
        ("logger", app.get("/complaints").await),
    ] {
        assert_eq!(list_ids(&list), vec![id], "{who}");
        for secret in [NAME, "Гүлмира Т.", CONTACT] {
            assert!(!list.body.contains(secret), "{who}'s list shows {secret}");
        }
    }
    let details: Vec<serde_json::Value> = audit_log::table
        .filter(audit_log::target_kind.eq("school_fee_complaint"))
        .select(audit_log::details)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(details.len(), 3, "logged, processed, corrected");
    let text = serde_json::to_string(&details).unwrap();
    for secret in ["Гүлмира", CONTACT, "Repairs", "1500 som", "Visited"] {
        assert!(
            !text.contains(secret),
            "the audit log holds {secret}: {text}"
        );
    }
    let admin = app.other_browser();
    admin.login_as(Role::Admin).await;
    let audit = admin.get("/admin/audit").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("Мектептеги акча боюнча даттануу"));
    assert!(!audit.body.contains("Гүлмира") && !audit.body.contains(CONTACT));
}

#[actix_web::test]
async fn a_complaint_is_verified_then_resolved_or_found_unfounded_and_nothing_else() {
    let app = TestApp::spawn().await;
    let karasuu = school(&app, "KG-O-KARASUU", "Kara-Suu School No. 7");
    sign_in(&app, &head_in(&app, "KG-O")).await;
    let id = id_from(&log(&app, karasuu, &[]).await);

    let refused = process(&app, id, "resolved", "Money returned.").await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.text_of("#status-error").unwrap(),
        "Адегенде даттанууну текшериңиз."
    );
    assert_eq!(
        refused.text_of("#action_taken").unwrap(),
        "Money returned.",
        "the input is kept"
    );
    let unfounded_first = process(&app, id, "unfounded", "Not true.").await;
    assert_eq!(unfounded_first.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored(&app, id).0, "received");
    assert_eq!(
        process(&app, id, "bogus", "").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let verified = process(&app, id, "verified", "").await;
    assert_eq!(verified.status, StatusCode::SEE_OTHER, "{}", verified.body);
    assert_eq!(stored(&app, id).0, "verified");
    let back = process(&app, id, "received", "").await;
    assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(back.text_of("#status-error").is_some());
    let silent = process(&app, id, "resolved", "  ").await;
    assert_eq!(silent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        silent
            .text_of("#action_taken-error")
            .unwrap()
            .contains("жазыңыз")
    );
    assert_eq!(stored(&app, id).0, "verified");

    let resolved = process(
        &app,
        id,
        "resolved",
        "The fee was returned to the families.",
    )
    .await;
    assert_eq!(resolved.status, StatusCode::SEE_OTHER);
    let (status, _, _, _, action) = stored(&app, id);
    assert_eq!(
        (status.as_str(), action.as_str()),
        ("resolved", "The fee was returned to the families.")
    );
    let page = app.get(&format!("/complaints/{id}")).await;
    assert_eq!(page.text_of("#complaint-status").unwrap(), "Чечилди");
    assert!(page.text_of("#processing").is_none(), "closed: no form");
    // An outcome is final, even posted by hand.
    for to in ["received", "verified", "unfounded", "resolved"] {
        let closed = process(&app, id, to, "Changed my mind.").await;
        assert_eq!(closed.status, StatusCode::UNPROCESSABLE_ENTITY, "{to}");
        assert!(
            closed
                .text_of("#status-error")
                .unwrap()
                .contains("жабылган")
        );
    }
    assert_eq!(stored(&app, id).0, "resolved");

    let other = id_from(&log(&app, karasuu, &[]).await);
    process(&app, other, "verified", "").await;
    assert_eq!(
        process(
            &app,
            other,
            "unfounded",
            "Paid to a parents' fund, not the school."
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(stored(&app, other).0, "unfounded");
    assert_eq!(app.audit_count("complaint_processed"), 4);
}

#[actix_web::test]
async fn only_the_admin_and_the_territorys_head_process_and_the_head_lists_their_territory() {
    let app = TestApp::spawn().await;
    let karasuu = school(&app, "KG-O-KARASUU", "Kara-Suu School No. 7");
    let sokuluk = school(&app, "KG-C-SOKULUK", "Sokuluk School No. 1");
    app.login_as(Role::CaseWorker).await;
    let osh_one = id_from(&log(&app, karasuu, &[]).await);
    let chuy_one = id_from(&log(&app, sokuluk, &[]).await);
    // Logged at a Chüy school, but about a family in Kara-Suu: the territory decides.
    let karasuu_place = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let moved = id_from(&log(&app, sokuluk, &[("location_id", &karasuu_place)]).await);

    let osh_head = app.other_browser();
    sign_in(&osh_head, &head_in(&app, "KG-O")).await;
    let chuy_head = app.other_browser();
    sign_in(&chuy_head, &head_in(&app, "KG-C")).await;

    let mut listed = list_ids(&osh_head.get("/complaints").await);
    listed.sort();
    assert_eq!(listed, vec![osh_one, moved]);
    assert_eq!(
        list_ids(&chuy_head.get("/complaints").await),
        vec![chuy_one]
    );
    // By URL: the other territory's complaint does not exist for them.
    for path in [
        format!("/complaints/{chuy_one}"),
        format!("/complaints/{chuy_one}/edit"),
    ] {
        assert_eq!(
            osh_head.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        process(&osh_head, chuy_one, "verified", "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        process(&chuy_head, osh_one, "verified", "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(stored(&app, chuy_one).0, "received");
    assert_eq!(stored(&app, osh_one).0, "received");

    // The one who logged them may not process them (by URL either).
    assert_eq!(
        process(&app, osh_one, "verified", "").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("/complaints/{osh_one}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    for role in [Role::Inspector, Role::Official, Role::Supervisor] {
        let b = app.other_browser();
        b.login_as(role).await;
        assert_eq!(
            process(&b, osh_one, "verified", "").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
    assert_eq!(stored(&app, osh_one).0, "received");
    assert_eq!(app.audit_count("complaint_processed"), 0);

    // A head cannot move a complaint out of their own territory.
    let edit = osh_head.get(&format!("/complaints/{osh_one}/edit")).await;
    let v = edit.input_value("version").unwrap();
    let sokuluk_place = fixtures::location(&mut app.conn(), "KG-C-SOKULUK").to_string();
    let school_id = karasuu.to_string();
    let date = days_ago(3);
    let away = osh_head
        .post_form(
            &format!("/complaints/{osh_one}"),
            &[
                ("version", &v),
                ("school_id", &school_id),
                ("location_id", &sokuluk_place),
                ("charged_on", &date),
                ("amount", "1500"),
                ("description", "Moved."),
            ],
        )
        .await;
    assert_eq!(away.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(away.text_of("#location_id-error").is_some());

    // The admin processes anywhere.
    let admin = app.other_browser();
    admin.login_as(Role::Admin).await;
    assert_eq!(list_ids(&admin.get("/complaints").await).len(), 3);
    assert_eq!(
        process(&admin, chuy_one, "verified", "").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        admin
            .post_form(
                "/complaints/999999/process",
                &[
                    ("version", "1"),
                    ("status", "verified"),
                    ("action_taken", "")
                ],
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/complaints/999999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn bad_input_is_refused_by_the_field_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let karasuu = school(&app, "KG-O-KARASUU", "Kara-Suu School No. 7");
    let centre = fixtures::agency(
        &mut app.conn(),
        AgencyKind::RehabilitationCenter,
        "KG-GO",
        "Not a school",
    )
    .to_string();
    app.login_as(Role::CaseWorker).await;
    let tomorrow = (today() + chrono::Days::new(1))
        .format("%Y-%m-%d")
        .to_string();
    let long = "x".repeat(201);
    let cases: Vec<BadInput> = vec![
        (vec![("amount", "-5")], "amount", "терс"),
        (vec![("amount", "0")], "amount", "нөлдөн чоң"),
        (vec![("amount", "0,00")], "amount", "нөлдөн чоң"),
        (vec![("amount", "abc")], "amount", "сан менен"),
        (vec![("amount", "1e3")], "amount", "сан менен"),
        (vec![("amount", "12.345")], "amount", "эки гана"),
        (vec![("amount", "1000000.01")], "amount", "өтө чоң"),
        (
            vec![("amount", "99999999999999999999")],
            "amount",
            "сан менен",
        ),
        (vec![("amount", "")], "amount", "милдеттүү"),
        (vec![("charged_on", &tomorrow)], "charged_on", "келе элек"),
        (
            vec![("charged_on", "32.01.2026")],
            "charged_on",
            "кк.аа.жжжж",
        ),
        (vec![("charged_on", "")], "charged_on", "милдеттүү"),
        (vec![("school_id", "")], "school_id", "милдеттүү"),
        (vec![("school_id", "999999")], "school_id", "Сунушталган"),
        (vec![("school_id", &centre)], "school_id", "Сунушталган"),
        (
            vec![("location_id", "999999")],
            "location_id",
            "Сунушталган",
        ),
        (vec![("description", "  ")], "description", "милдеттүү"),
        (
            vec![("complainant_name", &long)],
            "complainant_name",
            "узун",
        ),
    ];
    for (fields, field, words) in cases {
        let page = log(&app, karasuu, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}: {}",
            page.body
        );
        let message = page
            .text_of(&format!("#{field}-error"))
            .unwrap_or_else(|| panic!("a message by {field} for {fields:?}"));
        assert!(message.contains(words), "{fields:?}: {message}");
        if field == "amount" {
            assert_eq!(
                page.input_value("amount").as_deref(),
                Some(fields[0].1),
                "the amount typed is kept"
            );
        } else {
            assert_eq!(page.input_value("amount").as_deref(), Some("1500"));
        }
    }
    assert_eq!(app.count("school_fee_complaints"), 0);
    assert_eq!(app.audit_count("complaint_logged"), 0);
}

#[actix_web::test]
async fn money_is_exact_from_the_form_to_the_database_and_back() {
    let app = TestApp::spawn().await;
    let karasuu = school(&app, "KG-O-KARASUU", "Kara-Suu School No. 7");
    app.login_as(Role::Admin).await;
    let a = id_from(&log(&app, karasuu, &[("amount", "0.1")]).await);
    let b = id_from(&log(&app, karasuu, &[("amount", "0,2")]).await);
    let c = id_from(&log(&app, karasuu, &[("amount", "1 000 000")]).await);
    let sum: Option<Decimal> = school_fee_complaints::table
        .filter(school_fee_complaints::id.eq_any([a, b]))
        .select(diesel::dsl::sum(school_fee_complaints::amount))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        sum,
        Some(Decimal::from_str("0.3").unwrap()),
        "0.1 + 0.2 = 0.3"
    );
    assert_eq!(stored(&app, c).1, Decimal::from(1_000_000));
    let d = id_from(&log(&app, karasuu, &[("amount", "1234.56")]).await);
    for (lang, shown) in [
        ("ky", "1\u{a0}234,56\u{a0}сом"),
        ("ru", "1\u{a0}234,56\u{a0}сом"),
        ("en", "KGS 1,234.56"),
    ] {
        app.get(&format!("/?lang={lang}")).await;
        let page = app.get(&format!("/complaints/{d}")).await;
        assert_eq!(page.text_of("#amount").unwrap(), shown, "{lang}");
        assert!(
            app.get("/complaints").await.body.contains(shown),
            "{lang} list"
        );
    }
    let page = app.get(&format!("/complaints/{c}")).await;
    assert_eq!(page.text_of("#amount").unwrap(), "KGS 1,000,000.00");
    let edit = app.get(&format!("/complaints/{d}/edit")).await;
    assert_eq!(edit.input_value("amount").as_deref(), Some("1234.56"));
}

#[actix_web::test]
async fn a_save_over_a_newer_version_is_refused_with_409_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let karasuu = school(&app, "KG-O-KARASUU", "Kara-Suu School No. 7");
    let head = head_in(&app, "KG-O");
    sign_in(&app, &head).await;
    let id = id_from(&log(&app, karasuu, &[]).await);
    let other = app.other_browser();
    other.login_as(Role::Admin).await;
    let mine = app.get(&format!("/complaints/{id}")).await;
    let v = mine.input_value("version").unwrap();
    // The admin verifies first.
    assert_eq!(
        process(&other, id, "verified", "Called the school.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let stale = app
        .post_form(
            &format!("/complaints/{id}/process"),
            &[
                ("version", &v),
                ("status", "verified"),
                ("action_taken", "Mine."),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text_of("#stale").is_some());
    assert_eq!(
        stale.text_of("#action-taken").unwrap(),
        "Called the school."
    );
    assert_eq!(stored(&app, id).4, "Called the school.");
    // While it stays open, what was typed stays in its field...
    assert!(stale.text_of("#kept-input").is_none());
    assert!(stale.body.contains("Mine."));
    // A correction over a newer version shows theirs and keeps mine.
    let school_id = karasuu.to_string();
    let date = days_ago(3);
    let correction = |amount: &'static str, v: String| {
        vec![
            ("version", v),
            ("school_id", school_id.clone()),
            ("location_id", String::new()),
            ("charged_on", date.clone()),
            ("amount", amount.to_owned()),
            ("description", "Repairs.".to_owned()),
        ]
    };
    let edit = app.get(&format!("/complaints/{id}/edit")).await;
    let v = edit.input_value("version").unwrap();
    let theirs = correction("2000", v.clone());
    let theirs: Vec<(&str, &str)> = theirs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        other
            .post_form(&format!("/complaints/{id}"), &theirs)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let mine = correction("2500", v);
    let mine: Vec<(&str, &str)> = mine.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let conflict = app.post_form(&format!("/complaints/{id}"), &mine).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(
        conflict
            .text_of("#conflict")
            .unwrap()
            .contains("2\u{a0}000,00\u{a0}сом")
    );
    assert_eq!(conflict.input_value("amount").as_deref(), Some("2500"));
    assert_eq!(stored(&app, id).1, Decimal::from(2000));
    // ...and once a colleague closed it first, it is shown back to copy.
    let v = app
        .get(&format!("/complaints/{id}"))
        .await
        .input_value("version")
        .unwrap();
    assert_eq!(
        process(&other, id, "resolved", "The fees were returned.")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let late = app
        .post_form(
            &format!("/complaints/{id}/process"),
            &[
                ("version", &v),
                ("status", "resolved"),
                ("action_taken", "Spoke with the director."),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(
        late.text_of("#kept-input")
            .unwrap()
            .contains("Spoke with the director.")
    );
    assert_eq!(stored(&app, id).4, "The fees were returned.");
}

#[actix_web::test]
async fn the_list_filters_by_status_and_territory_and_pages_by_keyset() {
    let app = TestApp::spawn().await;
    let karasuu = school(&app, "KG-O-KARASUU", "Kara-Suu School No. 7");
    let sokuluk = school(&app, "KG-C-SOKULUK", "Sokuluk School No. 1");
    let mut conn = app.conn();
    let logger = fixtures::user_id(&mut conn, &app.create_user(Role::CaseWorker, false).await);
    let karasuu_place = fixtures::location(&mut conn, "KG-O-KARASUU");
    let sokuluk_place = fixtures::location(&mut conn, "KG-C-SOKULUK");
    let mut ids = Vec::new();
    for i in 0..55 {
        let chuy = i % 5 == 0;
        let input = ComplaintInput {
            school_id: if chuy { sokuluk } else { karasuu },
            location_id: if chuy { sokuluk_place } else { karasuu_place },
            charged_on: today(),
            amount: Decimal::from(100 + i),
            complainant_name: String::new(),
            complainant_contact: String::new(),
            description: format!("Complaint {i}"),
        };
        ids.push(create_complaint(&mut conn, &input, logger).unwrap());
    }
    app.login_as(Role::Admin).await;
    for id in &ids[..3] {
        assert_eq!(
            process(&app, *id, "verified", "").await.status,
            StatusCode::SEE_OTHER
        );
    }
    let first = app.get("/complaints").await;
    let one = list_ids(&first);
    assert_eq!(one.len(), 50);
    assert!(one.windows(2).all(|w| w[0] > w[1]), "newest first");
    let next = first
        .html()
        .select(&scraper::Selector::parse("#next-page").unwrap())
        .next()
        .expect("a next page")
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let two = list_ids(&app.get(&next).await);
    assert_eq!(two.len(), 5);
    assert!(two.iter().all(|id| !one.contains(id)));

    assert_eq!(
        list_ids(&app.get("/complaints?status=verified").await),
        vec![ids[2], ids[1], ids[0]]
    );
    let chuy = list_ids(
        &app.get(&format!("/complaints?territory={sokuluk_place}"))
            .await,
    );
    assert_eq!(chuy.len(), 11);
    // The region holds the district: a subtree, not one node.
    let region = fixtures::location(&mut conn, "KG-C");
    assert_eq!(
        list_ids(&app.get(&format!("/complaints?territory={region}")).await),
        chuy
    );
    let verified_osh = app
        .get(&format!(
            "/complaints?status=received&territory={karasuu_place}"
        ))
        .await;
    assert_eq!(list_ids(&verified_osh).len(), 42);
    let bad = app.get("/complaints?status=paid&territory=x").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text_of("#status-error").is_some());
    assert!(bad.text_of("#territory-error").is_some());
    assert_eq!(
        app.get("/complaints?before=garbage").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[actix_web::test]
async fn the_demo_has_complaints_in_every_status_and_every_page_renders_in_every_language() {
    let app = TestApp::spawn().await;
    korgoo::demo::load(&app.db.url).unwrap();
    korgoo::demo::load(&app.db.url).unwrap();
    let mut conn = app.conn();
    let mut statuses: Vec<String> = school_fee_complaints::table
        .select(school_fee_complaints::status)
        .distinct()
        .load(&mut conn)
        .unwrap();
    statuses.sort();
    assert_eq!(statuses, ["received", "resolved", "unfounded", "verified"]);
    let ids: Vec<i64> = school_fee_complaints::table
        .select(school_fee_complaints::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(ids.len(), 5, "loading twice adds nothing");
    app.login("admin", korgoo::demo::DEMO_PASSWORD).await;
    let mut pages = vec![
        "/".to_owned(),
        "/complaints".to_owned(),
        "/complaints/new".to_owned(),
        "/complaints?status=resolved".to_owned(),
    ];
    for id in &ids {
        pages.push(format!("/complaints/{id}"));
        pages.push(format!("/complaints/{id}/edit"));
    }
    // 303: a closed complaint's edit page leads back to it.
    app.assert_pages_in_every_language(&pages, &[StatusCode::SEE_OTHER])
        .await;
}
