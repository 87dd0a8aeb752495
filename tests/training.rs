//! Inspector training records: kept by the admin and by the head of a labour
//! inspection office for the inspectors of their territory, read by the
//! inspector, corrected over versions, listed by keyset; and the count the
//! reports take from them.

use chrono::NaiveDate;
use diesel::prelude::*;
use korgoo::admin::model::AgencyKind;
use korgoo::db::schema::training_records;
use korgoo::policy::Role;
use korgoo::training::model::{Course, TrainingInput, create_record, inspectors_trained};
use reqwest::StatusCode;

use crate::common::days_ago;
use crate::common::{BadInput, PASSWORD, Page, TestApp, fixtures};

/// A labour inspection office in `territory`.
fn office(app: &TestApp, territory: &str, name: &str) -> i64 {
    fixtures::agency(
        &mut app.conn(),
        AgencyKind::LaborInspectorate,
        territory,
        name,
    )
}

/// A user of `role` in `agency`, and their id.
fn member(app: &TestApp, role: Role, agency: i64) -> (String, i64) {
    let login = fixtures::user_in(&app.db.url, role, agency);
    let id = fixtures::user_id(&mut app.conn(), &login);
    (login, id)
}

async fn sign_in(app: &TestApp, login: &str) {
    let page = app.login(login, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{login}: {}", page.body);
}

fn tomorrow() -> String {
    (crate::common::today() + chrono::Days::new(1))
        .format("%Y-%m-%d")
        .to_string()
}

async fn record(app: &TestApp, inspector: i64, extra: &[(&str, &str)]) -> Page {
    let date = days_ago(30);
    let mut fields = vec![
        ("course", "forced_child_labor"),
        ("completed_on", date.as_str()),
        ("provider", "ILO, Bishkek office"),
        ("certificate_number", "ILO-KG-2026-0001"),
        ("hours", "24"),
    ];
    for (k, v) in extra {
        fields.retain(|(f, _)| f != k);
        fields.push((k, v));
    }
    app.post_form(&format!("/training/inspectors/{inspector}"), &fields)
        .await
}

fn record_ids(app: &TestApp) -> Vec<i64> {
    training_records::table
        .order(training_records::id)
        .select(training_records::id)
        .load(&mut app.conn())
        .unwrap()
}

fn version(app: &TestApp, id: i64) -> String {
    training_records::table
        .find(id)
        .select(training_records::version)
        .first::<i32>(&mut app.conn())
        .unwrap()
        .to_string()
}

#[actix_web::test]
async fn a_head_records_and_corrects_the_training_of_an_inspector_of_their_territory() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh Inspection");
    let (_, inspector) = member(&app, Role::Inspector, osh);
    let (head, _) = member(&app, Role::Supervisor, osh);
    sign_in(&app, &head).await;

    let list = app.get("/training").await;
    assert_eq!(list.status, StatusCode::OK);
    let row = list
        .text_of(&format!("#inspectors tr[data-id=\"{inspector}\"]"))
        .expect("the inspector is listed");
    assert!(row.contains("окутуу катталган эмес"), "{row}");

    let form = app
        .get(&format!("/training/inspectors/{inspector}/new"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let saved = record(&app, inspector, &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.location(),
        Some(format!("/training/inspectors/{inspector}").as_str())
    );
    let ids = record_ids(&app);
    assert_eq!(ids.len(), 1);
    assert_eq!(app.audit_count("training_recorded"), 1);
    let page = app.get(&format!("/training/inspectors/{inspector}")).await;
    let shown = page.text_of("#records").unwrap();
    assert!(shown.contains("Балдарды мажбурлап иштетүү"), "{shown}");
    let date = NaiveDate::parse_from_str(&days_ago(30), "%Y-%m-%d").unwrap();
    assert!(
        shown.contains(&date.format("%d.%m.%Y").to_string()),
        "dd.mm.yyyy: {shown}"
    );
    assert!(shown.contains("ILO-KG-2026-0001"));
    let row = app
        .get("/training")
        .await
        .text_of(&format!("#inspectors tr[data-id=\"{inspector}\"]"))
        .unwrap();
    assert!(row.contains("Балдарды мажбурлап иштетүү"), "latest: {row}");

    // A correction: records are corrected, never deleted.
    let id = ids[0];
    let edit = app.get(&format!("/training/records/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert_eq!(edit.input_value("provider").unwrap(), "ILO, Bishkek office");
    let v = edit.input_value("version").unwrap();
    let date = days_ago(40);
    let corrected = app
        .post_form(
            &format!("/training/records/{id}"),
            &[
                ("version", &v),
                ("course", "worst_forms"),
                ("completed_on", &date),
                ("provider", "UNICEF"),
                ("certificate_number", ""),
                ("hours", ""),
            ],
        )
        .await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.body
    );
    let (course, certificate, hours, version): (String, Option<String>, Option<i32>, i32) =
        training_records::table
            .find(id)
            .select((
                training_records::course,
                training_records::certificate_number,
                training_records::hours,
                training_records::version,
            ))
            .first(&mut app.conn())
            .unwrap();
    assert_eq!(
        (course.as_str(), certificate, hours, version),
        ("worst_forms", None, None, 2)
    );
    assert_eq!(app.audit_count("training_updated"), 1);
    // Nothing offers to delete a record.
    assert!(!page.body.contains("delete"));
}

#[actix_web::test]
async fn only_the_admin_and_the_territorys_head_keep_records_and_an_inspector_reads_their_own() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh Inspection");
    let chuy = office(&app, "KG-C", "Chuy Inspection");
    let (inspector_login, inspector) = member(&app, Role::Inspector, osh);
    let (_, colleague) = member(&app, Role::Inspector, osh);
    let (_, chuy_inspector) = member(&app, Role::Inspector, chuy);
    let (head, _) = member(&app, Role::Supervisor, osh);
    let (chuy_head, _) = member(&app, Role::Supervisor, chuy);

    // The head records one, which everyone below will try to reach.
    sign_in(&app, &head).await;
    assert_eq!(
        record(&app, inspector, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let id = record_ids(&app)[0];
    // Outside the territory: as if it did not exist.
    assert_eq!(
        app.get(&format!("/training/inspectors/{chuy_inspector}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        record(&app, chuy_inspector, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        app.get("/training")
            .await
            .text_of(&format!("#inspectors tr[data-id=\"{chuy_inspector}\"]"))
            .is_none()
    );
    let before = record_ids(&app);

    // The other region's head, by URL.
    let other = app.other_browser();
    sign_in(&other, &chuy_head).await;
    for path in [
        format!("/training/inspectors/{inspector}"),
        format!("/training/inspectors/{inspector}/new"),
        format!("/training/records/{id}/edit"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(
        record(&other, inspector, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    let v = version(&app, id);
    let forged = other
        .post_form(
            &format!("/training/records/{id}"),
            &[
                ("version", &v),
                ("course", "other"),
                ("completed_on", &days_ago(1)),
                ("provider", "Forged"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);

    // Roles that keep no training records at all.
    for role in [
        Role::CaseWorker,
        Role::ServiceProvider,
        Role::Official,
        Role::Prosecutor,
        Role::Police,
    ] {
        let b = app.other_browser();
        b.login_as(role).await;
        for path in [
            "/training".to_owned(),
            format!("/training/inspectors/{inspector}"),
            format!("/training/inspectors/{inspector}/new"),
            format!("/training/records/{id}/edit"),
        ] {
            assert_eq!(
                b.get(&path).await.status,
                StatusCode::FORBIDDEN,
                "{role} {path}"
            );
        }
        assert_eq!(
            record(&b, inspector, &[]).await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
    // A child support unit's head is a supervisor too, but heads no inspectors.
    let unit_head = app.other_browser();
    unit_head.login_as(Role::Supervisor).await;
    assert_eq!(
        unit_head.get("/training").await.status,
        StatusCode::FORBIDDEN
    );

    // The inspector reads their own record, and nobody else's, and writes none.
    let own = app.other_browser();
    sign_in(&own, &inspector_login).await;
    assert_eq!(
        own.get("/training").await.location(),
        Some(format!("/training/inspectors/{inspector}").as_str())
    );
    let page = own.get(&format!("/training/inspectors/{inspector}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text_of("#records").is_some());
    assert!(page.text_of("#add-training").is_none());
    assert_eq!(
        own.get(&format!("/training/inspectors/{colleague}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        own.get(&format!("/training/inspectors/{inspector}/new"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        record(&own, inspector, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(record_ids(&app), before, "nothing was written");

    // The admin keeps everyone's; records are kept for inspectors only.
    let admin = app.other_browser();
    admin.login_as(Role::Admin).await;
    assert_eq!(
        record(&admin, chuy_inspector, &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let (_, case_worker) = member(
        &app,
        Role::CaseWorker,
        fixtures::agency_by_code(&mut app.conn(), "CSU-KG-O-KARASUU"),
    );
    assert_eq!(
        admin
            .get(&format!("/training/inspectors/{case_worker}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/training/inspectors/999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get("/training/records/999999/edit").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn bad_input_is_refused_by_the_field_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh Inspection");
    let (_, inspector) = member(&app, Role::Inspector, osh);
    app.login_as(Role::Admin).await;
    let future = tomorrow();
    let long = "x".repeat(101);
    let cases: Vec<BadInput> = vec![
        (vec![("course", "")], "course", "милдеттүү"),
        (vec![("course", "juggling")], "course", "Сунушталган"),
        (vec![("completed_on", "")], "completed_on", "милдеттүү"),
        (vec![("completed_on", &future)], "completed_on", "келе элек"),
        (
            vec![("completed_on", "31.02.2026")],
            "completed_on",
            "кк.аа.жжжж",
        ),
        (vec![("provider", "   ")], "provider", "милдеттүү"),
        (vec![("hours", "0")], "hours", "чектен"),
        (vec![("hours", "1001")], "hours", "чектен"),
        (vec![("hours", "eight")], "hours", "Бүтүн сан"),
        (
            vec![("certificate_number", &long)],
            "certificate_number",
            "узун",
        ),
    ];
    for (fields, field, words) in cases {
        let page = record(&app, inspector, &fields).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{fields:?}: {}",
            page.body
        );
        let message = page
            .text_of(&format!("#{field}-error"))
            .unwrap_or_else(|| panic!("a message by {field}"));
        assert!(message.contains(words), "{field}: {message}");
        assert!(
            page.body.contains("aria-invalid=\"true\""),
            "{field} is marked"
        );
        if field != "provider" {
            assert_eq!(
                page.input_value("provider").as_deref(),
                Some("ILO, Bishkek office"),
                "the input is kept"
            );
        }
    }
    assert!(record_ids(&app).is_empty());
    assert_eq!(app.audit_count("training_recorded"), 0);
}

#[actix_web::test]
async fn a_correction_over_a_newer_version_is_refused_and_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh Inspection");
    let (_, inspector) = member(&app, Role::Inspector, osh);
    let (head, _) = member(&app, Role::Supervisor, osh);
    sign_in(&app, &head).await;
    record(&app, inspector, &[]).await;
    let id = record_ids(&app)[0];
    let admin = app.other_browser();
    admin.login_as(Role::Admin).await;
    let mine = app.get(&format!("/training/records/{id}/edit")).await;
    let theirs = admin.get(&format!("/training/records/{id}/edit")).await;
    let v = mine.input_value("version").unwrap();
    assert_eq!(theirs.input_value("version").unwrap(), v);
    let date = days_ago(10);
    let fields = |provider: &'static str| {
        vec![
            ("version", v.clone()),
            ("course", "forced_child_labor".to_owned()),
            ("completed_on", date.clone()),
            ("provider", provider.to_owned()),
        ]
    };
    let first = fields("Their provider");
    let first: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        admin
            .post_form(&format!("/training/records/{id}"), &first)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let second = fields("My provider");
    let second: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let conflict = app
        .post_form(&format!("/training/records/{id}"), &second)
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(
        conflict
            .text_of("#conflict")
            .unwrap()
            .contains("Their provider")
    );
    assert_eq!(
        conflict.input_value("provider").as_deref(),
        Some("My provider")
    );
    let stored: String = training_records::table
        .find(id)
        .select(training_records::provider)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(stored, "Their provider");
    assert_eq!(app.audit_count("training_updated"), 1);
}

#[actix_web::test]
async fn the_list_of_inspectors_pages_by_keyset() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh Inspection");
    let mut all: Vec<i64> = (0..55)
        .map(|_| member(&app, Role::Inspector, osh).1)
        .collect();
    let (head, _) = member(&app, Role::Supervisor, osh);
    sign_in(&app, &head).await;
    let ids = |page: &Page| -> Vec<i64> {
        page.html()
            .select(&scraper::Selector::parse("#inspectors tbody tr").unwrap())
            .map(|tr| tr.value().attr("data-id").unwrap().parse().unwrap())
            .collect()
    };
    let first = app.get("/training").await;
    let one = ids(&first);
    assert_eq!(one.len(), 50);
    let next = first
        .html()
        .select(&scraper::Selector::parse("#next-page").unwrap())
        .next()
        .expect("a next page")
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    assert!(next.starts_with("/training?after="), "{next}");
    let second = app.get(&next).await;
    let two = ids(&second);
    assert_eq!(two.len(), 5);
    assert!(second.text_of("#next-page").is_none());
    let mut seen: Vec<i64> = one.iter().chain(two.iter()).copied().collect();
    seen.sort();
    all.sort();
    assert_eq!(seen, all, "every inspector once, over two pages");
    assert_eq!(
        app.get("/training?after=garbage").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[actix_web::test]
async fn inspectors_trained_counts_each_inspector_once_in_the_year() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh Inspection");
    let a = member(&app, Role::Inspector, osh).1;
    let b = member(&app, Role::Inspector, osh).1;
    let c = member(&app, Role::Inspector, osh).1;
    let admin = member(
        &app,
        Role::Admin,
        fixtures::agency_by_code(&mut app.conn(), "MLSSM"),
    )
    .1;
    let mut conn = app.conn();
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    for (who, course, on) in [
        (a, Course::ForcedChildLabor, "2025-03-01"),
        (a, Course::WorstForms, "2025-11-30"),
        (a, Course::ForcedChildLabor, "2024-12-31"),
        (b, Course::ForcedChildLabor, "2025-01-01"),
        (c, Course::Other, "2024-06-15"),
    ] {
        create_record(
            &mut conn,
            who,
            &TrainingInput {
                course,
                completed_on: day(on),
                provider: "ILO".into(),
                certificate_number: None,
                hours: None,
            },
            admin,
        )
        .unwrap();
    }
    let mut count = |year, course| inspectors_trained(&mut conn, year, course).unwrap();
    assert_eq!(count(2025, None), 2, "a counts once for two courses");
    assert_eq!(count(2025, Some(Course::ForcedChildLabor)), 2);
    assert_eq!(count(2025, Some(Course::WorstForms)), 1);
    assert_eq!(count(2024, None), 2, "the year's edges belong to it");
    assert_eq!(count(2024, Some(Course::ForcedChildLabor)), 1);
    assert_eq!(count(2023, None), 0);
    assert_eq!(count(i32::MAX, None), 0);
}

#[actix_web::test]
async fn the_demo_has_training_and_every_training_page_renders_in_every_language() {
    let app = TestApp::spawn().await;
    korgoo::demo::load(&app.db.url).unwrap();
    let mut conn = app.conn();
    let inspector = fixtures::user_id(&mut conn, "inspector.osh");
    let record: i64 = training_records::table
        .filter(training_records::user_id.eq(inspector))
        .select(training_records::id)
        .first(&mut conn)
        .unwrap();
    let trained = inspectors_trained(
        &mut conn,
        chrono::Datelike::year(&crate::common::today()),
        None,
    )
    .unwrap()
        + inspectors_trained(
            &mut conn,
            chrono::Datelike::year(&crate::common::today()) - 1,
            None,
        )
        .unwrap();
    assert!(trained >= 1, "the demo's inspectors were trained lately");
    app.login("head.inspection.osh", korgoo::demo::DEMO_PASSWORD)
        .await;
    let pages = [
        "/".to_owned(),
        "/training".to_owned(),
        format!("/training/inspectors/{inspector}"),
        format!("/training/inspectors/{inspector}/new"),
        format!("/training/records/{record}/edit"),
    ];
    app.assert_pages_in_every_language(&pages, &[]).await;
}
