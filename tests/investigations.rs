//! Law enforcement: the stages of an investigation, referrals from cases and
//! inspections and their answers, the victim rule, and who sees what.

use diesel::prelude::*;
use korgoo::admin::model::AgencyKind;
use korgoo::db::schema::{
    investigation_cases, investigation_inspections, investigations, le_referrals,
};
use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::common::days_ago;
use crate::common::{PASSWORD, Page, TestApp, fixtures};

fn id_from(page: &Page, prefix: &str) -> i64 {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    page.location()
        .unwrap()
        .trim_start_matches(prefix)
        .parse()
        .unwrap()
}

pub(crate) async fn open_investigation(app: &TestApp, offense: &str, opened: &str) -> i64 {
    id_from(
        &app.post_form(
            "/investigations",
            &[
                ("offenses", offense),
                ("opened_on", opened),
                ("reference", "УД-2026-17"),
                ("suspects", "2"),
                ("notes", ""),
            ],
        )
        .await,
        "/investigations/",
    )
}

pub(crate) fn version(app: &TestApp, id: i64) -> String {
    investigations::table
        .find(id)
        .select(investigations::version)
        .first::<i32>(&mut app.conn())
        .unwrap()
        .to_string()
}

pub(crate) fn stage(app: &TestApp, id: i64) -> String {
    investigations::table
        .find(id)
        .select(investigations::stage)
        .first(&mut app.conn())
        .unwrap()
}

async fn step(app: &TestApp, id: i64, m: &str, extra: &[(&str, &str)]) -> Page {
    let v = version(app, id);
    let mut fields = vec![("move", m), ("version", v.as_str())];
    fields.extend_from_slice(extra);
    app.post_form(&format!("/investigations/{id}/move"), &fields)
        .await
}

#[actix_web::test]
async fn an_investigation_goes_to_court_and_to_a_verdict_in_order() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Prosecutor).await;
    let id = open_investigation(&app, "forced_child_labor", &days_ago(60)).await;
    assert_eq!(stage(&app, id), "investigation");
    let early = step(&app, id, "convict", &[("on", &days_ago(1))]).await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.text_of("#move-error").is_some());
    let before = step(&app, id, "send_to_court", &[("on", &days_ago(90))]).await;
    assert_eq!(before.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(before.text_of("#on-error").is_some());
    let fined = step(
        &app,
        id,
        "send_to_court",
        &[("on", &days_ago(30)), ("fine", "100")],
    )
    .await;
    assert_eq!(
        fined.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "penalties only on conviction"
    );
    assert!(fined.text_of("#move-error").is_some());
    assert_eq!(
        step(&app, id, "send_to_court", &[("on", &days_ago(30))])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let no_date = step(&app, id, "convict", &[("on", ""), ("prison_months", "36")]).await;
    assert_eq!(
        no_date.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a conviction has a date"
    );
    assert!(no_date.text_of("#on-error").is_some());
    let bad_fine = step(&app, id, "convict", &[("on", &days_ago(2)), ("fine", "-5")]).await;
    assert_eq!(bad_fine.status, StatusCode::UNPROCESSABLE_ENTITY);
    let convicted = step(
        &app,
        id,
        "convict",
        &[
            ("on", &days_ago(2)),
            ("prison_months", "36"),
            ("fine", "50 000,00"),
            ("other_penalty", ""),
        ],
    )
    .await;
    assert_eq!(
        convicted.status,
        StatusCode::SEE_OTHER,
        "{}",
        convicted.body
    );
    assert_eq!(stage(&app, id), "convicted");
    let (months, fine): (Option<i32>, Option<rust_decimal::Decimal>) = investigations::table
        .find(id)
        .select((investigations::prison_months, investigations::fine))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(months, Some(36));
    assert_eq!(fine.map(|f| f.to_string()), Some("50000.00".to_owned()));
    // A verdict is final.
    for m in ["dismiss", "suspend", "send_to_court", "acquit"] {
        assert_eq!(
            step(&app, id, m, &[("on", &days_ago(1))]).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{m}"
        );
    }
    // A stale page changes nothing.
    let stale = app
        .post_form(
            &format!("/investigations/{id}/move"),
            &[("move", "dismiss"), ("version", "1"), ("on", &days_ago(1))],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(app.audit_count("investigation_stage"), 2);
    // Suspended and resumed.
    let other = open_investigation(&app, "csec", &days_ago(10)).await;
    assert_eq!(
        step(&app, other, "suspend", &[("on", &days_ago(5))])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        step(&app, other, "resume", &[("on", &days_ago(1))])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(stage(&app, other), "investigation");
    // Suspended in court, it resumes in court; a resumption cannot predate
    // the suspension.
    assert_eq!(
        step(&app, other, "send_to_court", &[("on", &days_ago(1))])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        step(&app, other, "suspend", &[("on", &days_ago(0))])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let backwards = step(&app, other, "resume", &[("on", &days_ago(2))]).await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.text_of("#on-error").is_some());
    assert_eq!(
        step(&app, other, "resume", &[("on", &days_ago(0))])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(stage(&app, other), "in_court");
}

async fn case_for_referral(app: &TestApp) -> i64 {
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let child = id_from(
        &app.post_form(
            "/children",
            &[
                ("family_name", "Асанова"),
                ("given_name", "Бермет"),
                ("patronymic", ""),
                ("sex", "female"),
                ("birth_date", "2011-04-04"),
                ("age", ""),
                ("personal_number", ""),
                ("guardian_name", "Айнура"),
                ("guardian_contact", "+996 700 11 22 33"),
                ("home_location_id", &karasuu),
                ("language", "ky"),
                ("school_status", "out_of_school"),
                ("disability", "none"),
                ("confirmed_new", "yes"),
            ],
        )
        .await,
        "/children/",
    );
    let child = child.to_string();
    let today = days_ago(0);
    id_from(
        &app.post_form(
            "/cases",
            &[
                ("child", child.as_str()),
                ("source", "hotline"),
                ("forms", "commercial_sexual_exploitation"),
                ("sector", "services"),
                ("risk", "high"),
                ("narrative", "Found at a sauna at night."),
                ("consent_given_by", "aunt"),
                ("consent_given_on", &today),
            ],
        )
        .await,
        "/cases/",
    )
}

#[actix_web::test]
async fn a_case_referred_to_the_prosecutor_is_linked_and_its_unit_sees_the_stage() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let case = case_for_referral(&app).await;
    let gpo = fixtures::agency_by_code(&mut app.conn(), "GPO").to_string();
    let sent = app
        .post_form(
            &format!("/cases/{case}/law-enforcement"),
            &[
                ("le_agency_id", &gpo),
                ("le_note", "Sexual exploitation; the owner is known."),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let twice = app
        .post_form(
            &format!("/cases/{case}/law-enforcement"),
            &[("le_agency_id", &gpo), ("le_note", "")],
        )
        .await;
    assert_eq!(
        twice.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one waiting referral per agency"
    );
    let referral: i64 = le_referrals::table
        .select(le_referrals::id)
        .first(&mut app.conn())
        .unwrap();

    // The police of another agency do not see it.
    let police = app.other_browser();
    police.login_as(Role::Police).await;
    assert_eq!(
        police
            .get(&format!("/investigations/referrals/{referral}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !police
            .get("/investigations")
            .await
            .body
            .contains(&format!("№ {case}"))
    );

    let prosecutor = app.other_browser();
    prosecutor.login_as(Role::Prosecutor).await;
    let queue = prosecutor.get("/investigations").await;
    assert!(
        queue
            .text_of("#waiting")
            .unwrap()
            .contains(&case.to_string())
    );
    let page = prosecutor
        .get(&format!("/investigations/referrals/{referral}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let shared = page.text_of("#shared-data").unwrap();
    assert!(shared.contains("Асанова Бермет"), "{shared}");
    assert!(
        !page.body.contains("+996"),
        "the guardian's contact is not shared"
    );
    let v = page.input_value("version").unwrap();
    let bare = prosecutor
        .post_form(
            &format!("/investigations/referrals/{referral}/answer"),
            &[
                ("version", &v),
                ("answer", "decline"),
                ("decline_reason", ""),
            ],
        )
        .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bare.text_of("#decline_reason-error").is_some());
    let opened = days_ago(0);
    let accepted = prosecutor
        .post_form(
            &format!("/investigations/referrals/{referral}/answer"),
            &[
                ("version", &v),
                ("answer", "new"),
                ("offenses", "csec"),
                ("opened_on", &opened),
                ("reference", ""),
                ("suspects", "1"),
                ("notes", ""),
            ],
        )
        .await;
    let investigation = id_from(&accepted, "/investigations/");
    let role: String = investigation_cases::table
        .filter(investigation_cases::case_id.eq(case))
        .select(investigation_cases::role)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(role, "victim");
    // The unit sees the stage on the case, not the investigation.
    let case_page = app.get(&format!("/cases/{case}")).await;
    assert!(
        case_page
            .text_of("#investigation-stages")
            .unwrap()
            .contains(&investigation.to_string())
    );
    assert_eq!(
        app.get(&format!("/investigations/{investigation}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let timeline = case_page.text_of("#timeline").unwrap();
    assert!(timeline.contains("Sexual exploitation; the owner is known."));
    // Answered once.
    let again = prosecutor
        .post_form(
            &format!("/investigations/referrals/{referral}/answer"),
            &[
                ("version", &v),
                ("answer", "decline"),
                ("decline_reason", "x"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.audit_count("investigation_viewed") + app.audit_count("case_viewed") > 0);
}

#[actix_web::test]
async fn an_inspection_referred_to_law_enforcement_reaches_its_queue_and_is_linked() {
    let app = TestApp::spawn().await;
    let office = fixtures::agency(
        &mut app.conn(),
        AgencyKind::LaborInspectorate,
        "KG-O",
        "Osh office",
    );
    let inspector = app.other_browser();
    inspector
        .login(
            &fixtures::user_in(&app.db.url, Role::Inspector, office),
            PASSWORD,
        )
        .await;
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let farm = id_from(
        &inspector
            .post_form(
                "/establishments",
                &[
                    ("name", "Папан"),
                    ("kind", "farm_cotton"),
                    ("owner", "Асанов Бакыт"),
                    ("tax_number", ""),
                    ("location_id", &karasuu),
                    ("address", ""),
                ],
            )
            .await,
        "/establishments/",
    )
    .to_string();
    let gpo = fixtures::agency_by_code(&mut app.conn(), "GPO").to_string();
    let visited = days_ago(3);
    let inspection = id_from(
        &inspector
            .post_form(
                "/inspections",
                &[
                    ("establishment_id", &farm),
                    ("visited_on", &visited),
                    ("kind", "joint_police"),
                    ("method", "worksite"),
                    ("girls_under_14", "0"),
                    ("girls_14_15", "0"),
                    ("girls_16_17", "0"),
                    ("boys_under_14", "2"),
                    ("boys_14_15", "0"),
                    ("boys_16_17", "0"),
                    ("children_found", "2"),
                    ("violation_forced_labor", "2"),
                    ("law_enforcement_id", &gpo),
                    ("notes", "Two boys kept in a shed by the field."),
                    ("follow_up_on", ""),
                ],
            )
            .await,
        "/inspections/",
    );
    assert_eq!(app.count("le_referrals"), 1);
    let fined = inspector
        .post_form(
            &format!("/inspections/{inspection}/penalties"),
            &[
                ("legal_basis", "Кодекс о правонарушениях, ст. 117"),
                ("imposed", "25000"),
                ("violations", "forced_labor"),
            ],
        )
        .await;
    assert_eq!(fined.status, StatusCode::SEE_OTHER, "{}", fined.body);
    let prosecutor = app.other_browser();
    prosecutor.login_as(Role::Prosecutor).await;
    let investigation = {
        let opened = days_ago(2);
        prosecutor.get("/investigations").await;
        id_from(
            &prosecutor
                .post_form(
                    "/investigations",
                    &[
                        ("offenses", "forced_child_labor"),
                        ("opened_on", &opened),
                        ("reference", ""),
                        ("suspects", "1"),
                        ("notes", ""),
                    ],
                )
                .await,
            "/investigations/",
        )
    };
    let referral: (i64, i32) = le_referrals::table
        .select((le_referrals::id, le_referrals::version))
        .first(&mut app.conn())
        .unwrap();
    // The referral shows what the inspection found (issue 21): the owner,
    // the children by sex and age, the violations, the fine and the notes.
    let shown = prosecutor
        .get(&format!("/investigations/referrals/{}?lang=en", referral.0))
        .await;
    assert_eq!(shown.status, StatusCode::SEE_OTHER);
    let shown = prosecutor
        .get(&format!("/investigations/referrals/{}", referral.0))
        .await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_eq!(shown.text_of("#found-owner").unwrap(), "Асанов Бакыт");
    assert!(
        shown
            .text_of("#found-violations")
            .unwrap()
            .contains("Forced labour: 2"),
        "{:?}",
        shown.text_of("#found-violations")
    );
    assert!(shown.text_of("#found-children").unwrap().contains('2'));
    assert!(
        shown
            .text_of("#found-penalties")
            .unwrap()
            .contains("25,000.00"),
        "{:?}",
        shown.text_of("#found-penalties")
    );
    assert_eq!(
        shown.text_of("#found-notes").unwrap(),
        "Two boys kept in a shed by the field."
    );
    let linked = prosecutor
        .post_form(
            &format!("/investigations/referrals/{}/answer", referral.0),
            &[
                ("version", &referral.1.to_string()),
                ("answer", "link"),
                ("investigation", &investigation.to_string()),
            ],
        )
        .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER, "{}", linked.body);
    let linked_inspection: i64 = investigation_inspections::table
        .filter(investigation_inspections::investigation_id.eq(investigation))
        .select(investigation_inspections::inspection_id)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(linked_inspection, inspection);
    let page = prosecutor
        .get(&format!("/investigations/{investigation}"))
        .await;
    assert!(
        page.text_of("#linked-inspections")
            .unwrap()
            .contains(&inspection.to_string())
    );
    // Saving the inspection again does not refer it again.
    let v: i32 = korgoo::db::schema::inspections::table
        .find(inspection)
        .select(korgoo::db::schema::inspections::version)
        .first(&mut app.conn())
        .unwrap();
    let v = v.to_string();
    let resaved = inspector
        .post_form(
            &format!("/inspections/{inspection}"),
            &[
                ("version", &v),
                ("establishment_id", &farm),
                ("visited_on", &visited),
                ("kind", "joint_police"),
                ("method", "worksite"),
                ("girls_under_14", "0"),
                ("girls_14_15", "0"),
                ("girls_16_17", "0"),
                ("boys_under_14", "2"),
                ("boys_14_15", "0"),
                ("boys_16_17", "0"),
                ("children_found", "2"),
                ("violation_forced_labor", "2"),
                ("law_enforcement_id", &gpo),
                ("notes", "Corrected."),
                ("follow_up_on", ""),
            ],
        )
        .await;
    assert_eq!(resaved.status, StatusCode::SEE_OTHER, "{}", resaved.body);
    assert_eq!(app.count("le_referrals"), 1, "no second referral");
    // The inspector sees what became of the referral.
    let inspection_page = inspector.get(&format!("/inspections/{inspection}")).await;
    assert!(
        inspection_page
            .text_of("#le-answers")
            .unwrap()
            .contains(&investigation.to_string())
    );
}

#[actix_web::test]
async fn a_child_is_only_ever_a_victim_or_a_witness_and_others_see_no_investigation() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Prosecutor).await;
    let id = open_investigation(&app, "illicit_activities", &days_ago(5)).await;
    let worker = app.other_browser();
    worker.login_as(Role::CaseWorker).await;
    let case = case_for_referral(&worker).await;
    let suspect = diesel::sql_query(format!(
        "INSERT INTO investigation_cases (investigation_id, case_id, role) VALUES ({id}, {case}, 'suspect')"
    ))
    .execute(&mut app.conn());
    assert!(suspect.is_err(), "the database knows no other role");
    let roles: Vec<&str> = korgoo::investigations::model::ChildRole::ALL
        .iter()
        .map(|r| r.as_str())
        .collect();
    assert_eq!(roles, ["victim", "witness"]);
    for role in [
        Role::Official,
        Role::Admin,
        Role::Inspector,
        Role::CaseWorker,
        Role::ServiceProvider,
    ] {
        let b = app.other_browser();
        b.login_as(role).await;
        assert_eq!(
            b.get("/investigations").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_eq!(
            b.get(&format!("/investigations/{id}")).await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
    let police = app.other_browser();
    police.login_as(Role::Police).await;
    assert_eq!(
        police.get(&format!("/investigations/{id}")).await.status,
        StatusCode::NOT_FOUND,
        "another agency's"
    );
    let bad = app
        .post_form(
            "/investigations",
            &[
                ("offenses", "offender"),
                ("opened_on", "2099-01-01"),
                ("reference", ""),
                ("suspects", "-1"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["offenses", "opened_on", "suspects"] {
        assert!(bad.text_of(&format!("#{field}-error")).is_some(), "{field}");
    }
    assert_eq!(app.count("investigations"), 1);
}

/// Law enforcement refers a child victim found in an investigation: the case
/// lands in the queue of the unit of the child's home, the child a victim.
#[actix_web::test]
async fn law_enforcement_refers_a_child_victim_to_the_unit_of_the_childs_home() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Prosecutor).await;
    let id = open_investigation(&app, "child_trafficking", &days_ago(20)).await;
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let fields = |given: &'static str| {
        vec![
            ("family_name", "Осмонова".to_owned()),
            ("given_name", given.to_owned()),
            ("sex", "female".to_owned()),
            ("age", "15".to_owned()),
            ("birth_date", String::new()),
            ("home_location_id", karasuu.clone()),
            ("school_status", "out_of_school".to_owned()),
            ("forms", "trafficking".to_owned()),
            ("doing", "Found at the border crossing.".to_owned()),
        ]
    };
    let bad = {
        let mut f = fields("");
        f.retain(|(k, _)| *k != "forms");
        let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post_form(&format!("/investigations/{id}/victims"), &refs)
            .await
    };
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text_of("#given_name-error").is_some());
    assert!(bad.text_of("#forms-error").is_some());
    assert_eq!(app.count("cases"), 0);
    let good = fields("Айпери");
    let refs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sent = app
        .post_form(&format!("/investigations/{id}/victims"), &refs)
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let (case, role): (i64, String) = investigation_cases::table
        .filter(investigation_cases::investigation_id.eq(id))
        .select((investigation_cases::case_id, investigation_cases::role))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(role, "victim");
    let (unit, source, victim): (i64, String, bool) = korgoo::db::schema::cases::table
        .find(case)
        .select((
            korgoo::db::schema::cases::unit_id,
            korgoo::db::schema::cases::source,
            korgoo::db::schema::cases::child_is_victim,
        ))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        unit,
        fixtures::agency_by_code(&mut app.conn(), "CSU-KG-O-KARASUU")
    );
    assert_eq!(source, "police");
    assert!(victim);
    let worker = app.other_browser();
    worker.login_as(Role::CaseWorker).await;
    let page = worker.get(&format!("/cases/{case}")).await;
    assert!(
        page.text_of("#investigation-stages")
            .unwrap()
            .contains(&id.to_string())
    );
    assert_eq!(app.audit_count("victim_referred"), 1);
    // In Russian the girl's role reads as her status, which agrees with a
    // child of either sex (issue 21: a bare "потерпевший" after "девочка").
    app.get("/?lang=ru").await;
    let page = app.get(&format!("/investigations/{id}")).await;
    assert!(
        page.body
            .contains("<strong>в статусе потерпевшего</strong>"),
        "{}",
        page.body
    );
}

/// The admin records how many prosecutors work on child labour and
/// trafficking, per office and year; only for prosecutors' offices.
#[actix_web::test]
async fn the_admin_records_prosecutors_staff_by_year() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let gpo = fixtures::agency_by_code(&mut app.conn(), "GPO");
    let page = app.get(&format!("/admin/agencies/{gpo}")).await;
    assert!(page.text_of("#prosecutor-staff").is_some());
    let saved = app
        .post_form(
            &format!("/admin/agencies/{gpo}/staff"),
            &[("year", "2025"), ("staff", "12")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let again = app
        .post_form(
            &format!("/admin/agencies/{gpo}/staff"),
            &[("year", "2025"), ("staff", "14")],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::SEE_OTHER,
        "a correction replaces the figure"
    );
    assert_eq!(
        korgoo::investigations::model::staff_in(&mut app.conn(), 2025).unwrap(),
        14
    );
    let bad = app
        .post_form(
            &format!("/admin/agencies/{gpo}/staff"),
            &[("year", "1999"), ("staff", "-1")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text_of("#year-error").is_some());
    assert!(bad.text_of("#staff-error").is_some());
    let mia = fixtures::agency_by_code(&mut app.conn(), "MIA");
    assert_eq!(
        app.post_form(
            &format!("/admin/agencies/{mia}/staff"),
            &[("year", "2025"), ("staff", "3")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "police units carry no such figure"
    );
    let prosecutor = app.other_browser();
    prosecutor.login_as(Role::Prosecutor).await;
    assert_eq!(
        prosecutor
            .post_form(
                &format!("/admin/agencies/{gpo}/staff"),
                &[("year", "2025"), ("staff", "99")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        korgoo::investigations::model::staff_in(&mut app.conn(), 2025).unwrap(),
        14
    );
}

/// The demo: investigations at every stage over three years, from cases and
/// inspections, and every page of the prosecutor complete in all languages.
#[actix_web::test]
async fn the_demo_has_investigations_at_every_stage_and_every_page_renders() {
    let app = TestApp::spawn().await;
    korgoo::demo::load(&app.db.url).unwrap();
    korgoo::demo::load(&app.db.url).unwrap();
    let mut conn = app.conn();
    let stages: Vec<String> = investigations::table
        .select(investigations::stage)
        .distinct()
        .load(&mut conn)
        .unwrap();
    for s in [
        "investigation",
        "in_court",
        "convicted",
        "acquitted",
        "dismissed",
        "suspended",
    ] {
        assert!(
            stages.contains(&s.to_owned()),
            "no demo investigation is {s}"
        );
    }
    let roles: Vec<String> = investigation_cases::table
        .select(investigation_cases::role)
        .load(&mut conn)
        .unwrap();
    assert!(!roles.is_empty());
    assert!(roles.iter().all(|r| r == "victim"));
    assert!(app.count("investigation_inspections") > 0);
    assert!(
        korgoo::investigations::model::staff_in(
            &mut conn,
            chrono::Datelike::year(&crate::common::today())
        )
        .unwrap()
            > 0
    );
    let ids: Vec<i64> = investigations::table
        .order(investigations::id)
        .select(investigations::id)
        .limit(12)
        .load(&mut conn)
        .unwrap();
    let referrals: Vec<i64> = le_referrals::table
        .order(le_referrals::id)
        .select(le_referrals::id)
        .limit(5)
        .load(&mut conn)
        .unwrap();
    app.login("prosecutor.osh", korgoo::demo::DEMO_PASSWORD)
        .await;
    let mut pages = vec!["/".to_owned(), "/investigations".to_owned()];
    pages.extend(ids.iter().map(|id| format!("/investigations/{id}")));
    pages.extend(
        referrals
            .iter()
            .map(|id| format!("/investigations/referrals/{id}")),
    );
    app.assert_pages_in_every_language(&pages, &[StatusCode::NOT_FOUND])
        .await; // 404: referred to another agency
}

/// Another agency's police can neither move an investigation, answer its
/// referrals nor refer victims into it; nor can a case worker of another
/// unit refer someone else's case.
#[actix_web::test]
async fn another_agency_changes_nothing_by_posting_directly() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Prosecutor).await;
    let id = open_investigation(&app, "forced_child_labor", &days_ago(5)).await;
    let worker = app.other_browser();
    worker.login_as(Role::CaseWorker).await;
    let case = case_for_referral(&worker).await;
    let gpo = fixtures::agency_by_code(&mut app.conn(), "GPO").to_string();
    assert_eq!(
        worker
            .post_form(
                &format!("/cases/{case}/law-enforcement"),
                &[("le_agency_id", &gpo), ("le_note", "")]
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let referral: (i64, i32) = le_referrals::table
        .select((le_referrals::id, le_referrals::version))
        .first(&mut app.conn())
        .unwrap();
    let police = app.other_browser();
    police.login_as(Role::Police).await;
    let v = version(&app, id);
    let today = days_ago(0);
    for (path, fields) in [
        (
            format!("/investigations/{id}/move"),
            vec![
                ("move", "dismiss"),
                ("version", v.as_str()),
                ("on", today.as_str()),
            ],
        ),
        (
            format!("/investigations/referrals/{}/answer", referral.0),
            vec![
                ("version", "1"),
                ("answer", "decline"),
                ("decline_reason", "not ours"),
            ],
        ),
        (
            format!("/investigations/{id}/victims"),
            vec![("family_name", "X"), ("given_name", "Y")],
        ),
    ] {
        assert_eq!(
            police.post_form(&path, &fields).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    // Linking a referral to another agency's investigation is refused.
    let theirs = {
        let opened = days_ago(1);
        id_from(
            &police
                .post_form(
                    "/investigations",
                    &[
                        ("offenses", "labor_code"),
                        ("opened_on", &opened),
                        ("reference", ""),
                        ("suspects", "0"),
                        ("notes", ""),
                    ],
                )
                .await,
            "/investigations/",
        )
    };
    let crossed = app
        .post_form(
            &format!("/investigations/referrals/{}/answer", referral.0),
            &[
                ("version", &referral.1.to_string()),
                ("answer", "link"),
                ("investigation", &theirs.to_string()),
            ],
        )
        .await;
    assert_eq!(crossed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(crossed.text_of("#investigation-error").is_some());
    assert_eq!(stage(&app, id), "investigation");
    assert_eq!(app.count("investigation_cases"), 0);
    let other_unit = app.other_browser();
    let sokuluk = fixtures::agency_by_code(&mut app.conn(), "CSU-KG-C-SOKULUK");
    other_unit
        .login(
            &fixtures::user_in(&app.db.url, Role::CaseWorker, sokuluk),
            PASSWORD,
        )
        .await;
    assert_eq!(
        other_unit
            .post_form(
                &format!("/cases/{case}/law-enforcement"),
                &[("le_agency_id", &gpo), ("le_note", "")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.count("le_referrals"), 1);
}

/// A case worker refers `case` to the Prosecutor General's office; the
/// referral's id.
async fn refer_to_prosecutor(app: &TestApp, case: i64) -> i64 {
    let gpo = fixtures::agency_by_code(&mut app.conn(), "GPO").to_string();
    let sent = app
        .post_form(
            &format!("/cases/{case}/law-enforcement"),
            &[("le_agency_id", &gpo), ("le_note", "Found at a sauna.")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    le_referrals::table
        .filter(le_referrals::case_id.eq(case))
        .select(le_referrals::id)
        .order(le_referrals::id.desc())
        .first(&mut app.conn())
        .unwrap()
}

fn rename_child_of(app: &TestApp, case: i64) {
    diesel::sql_query(
        "UPDATE children SET family_name = 'Исправленова', birth_date = '2011-05-05'
         WHERE id = (SELECT child_id FROM cases WHERE id = $1)",
    )
    .bind::<diesel::sql_types::BigInt, _>(case)
    .execute(&mut app.conn())
    .unwrap();
    diesel::sql_query("UPDATE cases SET narrative = 'Corrected later.' WHERE id = $1")
        .bind::<diesel::sql_types::BigInt, _>(case)
        .execute(&mut app.conn())
        .unwrap();
}

/// Issue 19 (Low), as for providers: a referral to law enforcement shows
/// what it shared when it was sent; a later correction of the child's
/// record does not reach the police or the prosecutor.
#[actix_web::test]
async fn law_enforcement_reads_what_the_referral_shared_when_sent() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let case = case_for_referral(&app).await;
    let referral = refer_to_prosecutor(&app, case).await;
    rename_child_of(&app, case);

    let prosecutor = app.other_browser();
    prosecutor.login_as(Role::Prosecutor).await;
    let page = prosecutor
        .get(&format!("/investigations/referrals/{referral}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let shared = page.text_of("#shared-data").unwrap();
    assert!(shared.contains("Асанова Бермет"), "{shared}");
    assert!(shared.contains("04.04.2011"), "{shared}");
    assert!(page.body.contains("Found at a sauna at night."));
    for live in ["Исправленова", "05.05.2011", "Corrected later."] {
        assert!(!page.body.contains(live), "the live record leaked: {live}");
    }
    assert!(page.text_of("#shared-ended").is_none());
    assert_eq!(app.audit_count("case_viewed"), 1);
}

/// Issue 19 (Low): law enforcement reads the child's data only until
/// `KORGOO_LE_ACCESS_DAYS` (30) after the referral is closed — declined, or
/// its investigation decided. After that the page shows the referral
/// without the child and audits no view of the case; a referral whose
/// investigation is still under way keeps showing the child.
#[actix_web::test]
async fn law_enforcement_reads_the_child_only_until_access_ends() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let prosecutor = app.other_browser();
    prosecutor.login_as(Role::Prosecutor).await;
    let answer = async |referral: i64, fields: &[(&str, &str)]| {
        let path = format!("/investigations/referrals/{referral}");
        let v = prosecutor.get(&path).await.input_value("version").unwrap();
        let mut all = vec![("version", v.as_str())];
        all.extend_from_slice(fields);
        let answered = prosecutor.post_form(&format!("{path}/answer"), &all).await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
        answered
    };

    // Declined 45 days ago.
    let declined_case = case_for_referral(&app).await;
    let declined = refer_to_prosecutor(&app, declined_case).await;
    answer(
        declined,
        &[("answer", "decline"), ("decline_reason", "Not ours.")],
    )
    .await;
    diesel::sql_query(
        "UPDATE le_referrals SET answered_at = now() - interval '45 days' WHERE id = $1",
    )
    .bind::<diesel::sql_types::BigInt, _>(declined)
    .execute(&mut app.conn())
    .unwrap();

    // Linked to an investigation dismissed 45 days ago.
    let decided_case = case_for_referral(&app).await;
    let decided = refer_to_prosecutor(&app, decided_case).await;
    let opened = days_ago(60);
    let investigation = id_from(
        &answer(
            decided,
            &[
                ("answer", "new"),
                ("offenses", "csec"),
                ("opened_on", &opened),
                ("reference", ""),
                ("suspects", "1"),
                ("notes", ""),
            ],
        )
        .await,
        "/investigations/",
    );
    let v = version(&app, investigation);
    let dismissed = prosecutor
        .post_form(
            &format!("/investigations/{investigation}/move"),
            &[("move", "dismiss"), ("version", &v), ("on", &days_ago(45))],
        )
        .await;
    assert_eq!(
        dismissed.status,
        StatusCode::SEE_OTHER,
        "{}",
        dismissed.body
    );

    for referral in [declined, decided] {
        let viewed = app.audit_count("case_viewed");
        let page = prosecutor
            .get(&format!("/investigations/referrals/{referral}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text_of("#shared-ended").is_some(), "{}", page.body);
        assert!(page.text_of("#referral-status").is_some());
        for hidden in [
            "Асанова",
            "Бермет",
            "04.04.2011",
            "Found at a sauna at night.",
        ] {
            assert!(
                !page.body.contains(hidden),
                "{hidden} after the access ended"
            );
        }
        assert_eq!(
            app.audit_count("case_viewed"),
            viewed,
            "a page naming no child is no view of the case"
        );
    }

    // Linked to an investigation under way, answered long ago: still shown.
    let open_case = case_for_referral(&app).await;
    let open = refer_to_prosecutor(&app, open_case).await;
    let link = open_investigation(&prosecutor, "csec", &days_ago(10))
        .await
        .to_string();
    answer(open, &[("answer", "link"), ("investigation", &link)]).await;
    diesel::sql_query(
        "UPDATE le_referrals SET answered_at = now() - interval '400 days' WHERE id = $1",
    )
    .bind::<diesel::sql_types::BigInt, _>(open)
    .execute(&mut app.conn())
    .unwrap();
    let viewed = app.audit_count("case_viewed");
    let page = prosecutor
        .get(&format!("/investigations/referrals/{open}"))
        .await;
    assert!(page.text_of("#shared-ended").is_none());
    assert!(
        page.text_of("#shared-data")
            .unwrap()
            .contains("Асанова Бермет")
    );
    assert_eq!(app.audit_count("case_viewed"), viewed + 1);
}

/// What a referral shared cannot be rewritten afterwards, even by the
/// tables' owner.
#[actix_web::test]
async fn what_a_referral_to_law_enforcement_shared_never_changes() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CaseWorker).await;
    let case = case_for_referral(&app).await;
    let referral = refer_to_prosecutor(&app, case).await;
    let shared = |app: &TestApp| -> serde_json::Value {
        le_referrals::table
            .find(referral)
            .select(le_referrals::shared_data)
            .first(&mut app.conn())
            .unwrap()
    };
    let before = shared(&app);
    assert_eq!(before["family_name"], "Асанова", "{before}");
    assert_eq!(
        before["narrative"], "Found at a sauna at night.",
        "{before}"
    );
    assert!(before.get("guardian_contact").is_none(), "{before}");
    let updated = diesel::sql_query(
        r#"UPDATE le_referrals SET shared_data = '{"family_name": "Подменова"}' WHERE id = $1"#,
    )
    .bind::<diesel::sql_types::BigInt, _>(referral)
    .execute(&mut app.conn())
    .unwrap();
    assert_eq!(updated, 1);
    assert_eq!(shared(&app), before);
}
