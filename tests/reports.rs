//! The annual enforcement report: figures equal to the records, by year and
//! territory, exact money, small counts of children suppressed, no personal
//! data, and only for those who read reports.

use diesel::prelude::*;
use korgoo::admin::model::AgencyKind;
use korgoo::inspections::model as insp;
use korgoo::investigations::model as inv;
use korgoo::policy::Role;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::common::today;
use crate::common::{TestApp, fixtures};

/// Two inspections in Kara-Suu this year (one finding two children, with a
/// fine partly collected), one investigation convicted this year, a child
/// victim referred to social services, prosecutors' staff.
fn records(app: &TestApp) -> i32 {
    let mut conn = app.conn();
    let office = fixtures::agency(
        &mut conn,
        AgencyKind::LaborInspectorate,
        "KG-O",
        "Osh office",
    );
    let inspector_login = fixtures::user_in(&app.db.url, Role::Inspector, office);
    let inspector = fixtures::user_id(&mut conn, &inspector_login);
    let karasuu = fixtures::location(&mut conn, "KG-O-KARASUU");
    let farm = insp::create_establishment(
        &mut conn,
        &insp::EstablishmentInput {
            kind: insp::EstablishmentKind::FarmCotton,
            sector: korgoo::cases::model::Sector::Agriculture,
            name: "Папан".into(),
            owner: String::new(),
            tax_number: None,
            location_id: karasuu,
            address: String::new(),
        },
        inspector,
    )
    .unwrap();
    let day = today();
    let base = insp::InspectionInput {
        establishment_id: farm,
        visited_on: day,
        kind: insp::InspectionKind::Unannounced,
        method: insp::InspectionMethod::Worksite,
        bands: insp::Bands {
            girls: [1, 0, 0],
            boys: [0, 1, 0],
        },
        violations: vec![
            (insp::ViolationKind::UnderageWork, 2),
            (insp::ViolationKind::HazardousWork, 2),
        ],
        law_enforcement_id: None,
        notes: String::new(),
        follow_up_on: None,
        inspectors: vec![inspector],
    };
    let first = insp::create_inspection(&mut conn, &base, office, inspector, day).unwrap();
    let fine = insp::impose(
        &mut conn,
        first,
        &insp::PenaltyInput {
            legal_basis: "ст. 117".into(),
            imposed: Decimal::from_str("10000.50").unwrap(),
            decided_on: day,
            violations: vec![insp::ViolationKind::UnderageWork],
        },
        inspector,
    )
    .unwrap();
    insp::record_payment(
        &mut conn,
        fine,
        1,
        &insp::Payment {
            amount: Decimal::from_str("2500.25").unwrap(),
            paid_on: day,
        },
        inspector,
    )
    .unwrap();
    insp::create_inspection(
        &mut conn,
        &insp::InspectionInput {
            kind: insp::InspectionKind::Routine,
            method: insp::InspectionMethod::DeskReview,
            bands: insp::Bands::default(),
            violations: vec![],
            ..base
        },
        office,
        inspector,
        day,
    )
    .unwrap();
    let gpo = fixtures::agency_by_code(&mut conn, "GPO");
    let prosecutor_login = fixtures::user_in(&app.db.url, Role::Prosecutor, gpo);
    let prosecutor = fixtures::user_id(&mut conn, &prosecutor_login);
    let opened = day.checked_sub_days(chrono::Days::new(0)).unwrap();
    let id = inv::create(
        &mut conn,
        gpo,
        &inv::InvestigationInput {
            offenses: vec![inv::Offense::ForcedChildLabor],
            opened_on: opened,
            reference: String::new(),
            suspects: 1,
            notes: String::new(),
        },
        prosecutor,
    )
    .unwrap();
    let move_on = |conn: &mut PgConnection, v: i32, from, to, fine: Option<Decimal>| {
        assert!(
            inv::move_stage(
                conn,
                id,
                v,
                from,
                to,
                &inv::MoveInput {
                    on: day,
                    prison_months: (to == inv::Stage::Convicted).then_some(24),
                    fine,
                    other_penalty: String::new(),
                },
            )
            .unwrap()
        );
    };
    move_on(
        &mut conn,
        1,
        inv::Stage::Investigation,
        inv::Stage::InCourt,
        None,
    );
    move_on(
        &mut conn,
        2,
        inv::Stage::InCourt,
        inv::Stage::Convicted,
        Some(Decimal::from(30_000)),
    );
    // The victim's case, opened in the unit of the child's home on the
    // day of the referral.
    let unit = fixtures::agency_by_code(&mut conn, "CSU-KG-O-KARASUU");
    let victim = korgoo::children::model::create_child(
        &mut conn,
        &korgoo::children::model::ChildInput {
            family_name: "Садыкова".into(),
            given_name: "Айгүл".into(),
            patronymic: String::new(),
            sex: korgoo::children::model::Sex::Female,
            birth_date: day - chrono::Duration::days(15 * 365),
            birth_date_estimated: true,
            personal_number: None,
            guardian_name: String::new(),
            guardian_contact: String::new(),
            home_location_id: karasuu,
            language: korgoo::children::model::ChildLanguage::Ky,
            school_status: korgoo::children::model::SchoolStatus::OutOfSchool,
            disability: korgoo::children::model::Disability::None,
        },
        prosecutor,
    )
    .unwrap();
    let victim_case = korgoo::cases::model::create_case(
        &mut conn,
        &korgoo::cases::model::NewCase {
            child_id: victim,
            inspection_id: None,
            unit_id: unit,
            location_id: karasuu,
            input: &korgoo::cases::model::CaseInput {
                source: korgoo::cases::model::CaseSource::Police,
                forms: vec![korgoo::cases::model::ExploitationForm::ForcedLabor],
                sector: korgoo::cases::model::Sector::Other,
                risk: korgoo::cases::model::Risk::High,
                narrative: String::new(),
                consent: None,
                identified_on: day,
            },
            opened_by: prosecutor,
            due_on: day,
        },
    )
    .unwrap();
    inv::add_event(
        &mut conn,
        id,
        prosecutor,
        inv::InvestigationEvent::VictimReferred,
        "",
        serde_json::json!({ "case_id": victim_case }),
    )
    .unwrap();
    inv::set_staff(&mut conn, gpo, chrono::Datelike::year(&day), 7).unwrap();
    chrono::Datelike::year(&day)
}

#[actix_web::test]
async fn the_report_adds_up_the_records_of_the_year_and_territory() {
    let app = TestApp::spawn().await;
    let year = records(&app);
    app.login_as(Role::Official).await;
    let page = app
        .get(&format!("/reports/enforcement?year={year}&lang=en"))
        .await;
    let page = if page.status == StatusCode::SEE_OTHER {
        app.get(&format!("/reports/enforcement?year={year}")).await
    } else {
        page
    };
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.text_of("#f-inspections").as_deref(), Some("2"));
    assert_eq!(
        page.text_of("#f-child_labor_violations").as_deref(),
        Some("4")
    );
    assert_eq!(
        page.text_of("#f-penalties_imposed").as_deref(),
        Some("1 · KGS 10,000.50")
    );
    assert_eq!(
        page.text_of("#f-penalties_collected").as_deref(),
        Some("0"),
        "paid in part: no penalty paid in full"
    );
    assert_eq!(
        page.text_of("#f-penalties_collected_kgs").as_deref(),
        Some("KGS 2,500.25"),
        "what came in, partial payments included"
    );
    assert_eq!(page.text_of("#f-investigations").as_deref(), Some("1"));
    assert_eq!(
        page.text_of("#f-prosecutions_initiated").as_deref(),
        Some("1")
    );
    assert_eq!(page.text_of("#f-convictions").as_deref(), Some("1"));
    assert_eq!(
        page.text_of("#f-fines_imposed_kgs").as_deref(),
        Some("KGS 30,000.00")
    );
    assert_eq!(
        page.text_of("#f-children_referred_to_social_services")
            .as_deref(),
        Some("<5"),
        "one child: suppressed"
    );
    assert_eq!(
        page.text_of("#f-children_referred_to_law_enforcement")
            .as_deref(),
        Some("0"),
        "zero is shown as 0"
    );
    assert_eq!(page.text_of("#f-prosecutor_staff").as_deref(), Some("7"));
    assert!(!page.body.contains("Папан"), "no record is named");

    // Another region, another year: nothing of it.
    let chuy = fixtures::location(&mut app.conn(), "KG-C").to_string();
    let elsewhere = app
        .get(&format!(
            "/reports/enforcement?year={year}&territory={chuy}"
        ))
        .await;
    assert_eq!(elsewhere.text_of("#f-inspections").as_deref(), Some("0"));
    assert_eq!(
        elsewhere.text_of("#f-investigations").as_deref(),
        Some("0"),
        "the Prosecutor General's Office is national"
    );
    let before = app
        .get(&format!("/reports/enforcement?year={}", year - 1))
        .await;
    assert_eq!(before.text_of("#f-inspections").as_deref(), Some("0"));

    // The same figures as CSV, money exact, children's counts suppressed.
    let csv = app
        .get(&format!("/reports/enforcement.csv?year={year}"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    for line in [
        &format!("{year},KG,inspections,actions,2"),
        &format!("{year},KG,penalties_imposed_kgs,money,10000.50"),
        &format!("{year},KG,penalties_collected_kgs,money,2500.25"),
        &format!("{year},KG,convictions,actions,1"),
        &format!("{year},KG,children_referred_to_social_services,persons,<5"),
    ] {
        assert!(
            csv.body.lines().any(|l| l.starts_with(&format!("{line},"))),
            "{line} in\n{}",
            csv.body
        );
    }
    // And as an Excel workbook.
    let xlsx = app
        .client
        .get(app.url(&format!("/reports/enforcement.xlsx?year={year}")))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = xlsx.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip container");
    // Each download is traced: which report, format, year and territory.
    assert_eq!(app.audit_count("report_downloaded"), 2);
    let sheet = b"xl/worksheets/sheet1.xml";
    assert!(
        bytes.windows(sheet.len()).any(|w| w == sheet),
        "with a worksheet"
    );
    // A workbook an official can forward (issue 21): the report as the
    // page lays it out, in the reader's language (English, chosen above),
    // with the note on small and hidden counts; the machine table on a
    // sheet of its own.
    let text = crate::common::xlsx_text(&bytes);
    for label in [
        "Labour law enforcement",
        "Inspections",
        "Penalties imposed (decided in the year)",
        "as \"hidden\"",
    ] {
        assert!(text.contains(label), "{label} in the workbook");
    }
    assert!(text.contains("name=\"data\""), "the machine sheet");
    // The CSV keeps the open data's columns and adds the label.
    assert!(
        csv.body
            .lines()
            .any(|l| l == format!("{year},KG,inspections,actions,2,Inspections")),
        "{}",
        csv.body
    );
}

#[actix_web::test]
async fn only_those_who_read_reports_reach_it_and_bad_choices_are_refused() {
    let app = TestApp::spawn().await;
    for role in [
        Role::CaseWorker,
        Role::Inspector,
        Role::ServiceProvider,
        Role::Police,
        Role::Prosecutor,
    ] {
        let b = app.other_browser();
        b.login_as(role).await;
        assert_eq!(
            b.get("/reports/enforcement").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            b.get("/reports/enforcement.csv").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            b.get("/reports/enforcement.xlsx").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
    for role in [Role::Official, Role::Admin, Role::Supervisor] {
        let b = app.other_browser();
        b.login_as(role).await;
        assert_eq!(
            b.get("/reports/enforcement").await.status,
            StatusCode::OK,
            "{role}"
        );
    }
    app.login_as(Role::Official).await;
    for query in [
        "year=1999",
        "year=abc",
        "year=2999",
        "territory=xyz",
        "territory=999999",
    ] {
        assert_eq!(
            app.get(&format!("/reports/enforcement?{query}"))
                .await
                .status,
            StatusCode::BAD_REQUEST,
            "{query}"
        );
    }
    let anonymous = TestApp::new_client();
    let answer = anonymous
        .get(app.url("/reports/enforcement"))
        .send()
        .await
        .unwrap();
    assert_ne!(answer.status(), StatusCode::OK);
}
