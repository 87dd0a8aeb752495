//! Labour inspections: establishments, the inspection's life (open → closed
//! → penalties collected), exact money, the cases opened for the children
//! found, who sees and changes what, and bad input.

use diesel::prelude::*;
use korgoo::admin::model::AgencyKind;
use korgoo::db::schema::{cases, inspections, penalties};
use korgoo::policy::Role;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use std::str::FromStr;

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

/// An inspection office in a region, and inspectors working there.
pub(crate) struct Office {
    pub(crate) id: i64,
    pub(crate) inspectors: Vec<String>,
}

pub(crate) fn office(app: &TestApp, region: &str, name: &str, inspectors: usize) -> Office {
    let id = fixtures::agency(&mut app.conn(), AgencyKind::LaborInspectorate, region, name);
    Office {
        id,
        inspectors: (0..inspectors)
            .map(|_| fixtures::user_in(&app.db.url, Role::Inspector, id))
            .collect(),
    }
}

pub(crate) async fn browser(app: &TestApp, login: &str) -> TestApp {
    let b = app.other_browser();
    let page = b.login(login, PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{login}: {}", page.body);
    b
}

pub(crate) async fn cotton_farm(app: &TestApp, name: &str) -> i64 {
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    id_from(
        &app.post_form(
            "/establishments",
            &[
                ("name", name),
                ("kind", "farm_cotton"),
                ("sector", ""),
                ("owner", "Асанов Бакыт, дыйкан чарба"),
                ("tax_number", ""),
                ("location_id", &karasuu),
                ("address", "Кара-Суу р-ну, Папан а/а"),
            ],
        )
        .await,
        "/establishments/",
    )
}

pub(crate) fn inspection_form<'a>(
    establishment: &'a str,
    visited: &'a str,
    colleagues: &[&'a str],
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("establishment_id", establishment),
        ("visited_on", visited),
        ("kind", "unannounced"),
        ("method", "worksite"),
        ("girls_under_14", "1"),
        ("girls_14_15", "0"),
        ("girls_16_17", "0"),
        ("boys_under_14", "0"),
        ("boys_14_15", "1"),
        ("boys_16_17", "0"),
        ("children_found", "2"),
        ("violation_underage_work", "2"),
        ("violation_hazardous_work", "2"),
        ("law_enforcement_id", ""),
        ("notes", "Two children picking cotton during school hours."),
        ("follow_up_on", ""),
    ];
    for c in colleagues {
        fields.push(("inspectors", c));
    }
    for (k, v) in extra {
        fields.retain(|(f, _)| f != k);
        fields.push((k, v));
    }
    fields
}

pub(crate) async fn record_inspection(
    app: &TestApp,
    establishment: i64,
    colleagues: &[&str],
) -> i64 {
    let e = establishment.to_string();
    let visited = days_ago(1);
    id_from(
        &app.post_form(
            "/inspections",
            &inspection_form(&e, &visited, colleagues, &[]),
        )
        .await,
        "/inspections/",
    )
}

pub(crate) fn version_of(app: &TestApp, id: i64) -> String {
    inspections::table
        .find(id)
        .select(inspections::version)
        .first::<i32>(&mut app.conn())
        .unwrap()
        .to_string()
}

fn penalty(app: &TestApp, inspection: i64) -> (i64, String) {
    let (id, v): (i64, i32) = penalties::table
        .filter(penalties::inspection_id.eq(inspection))
        .order(penalties::id)
        .select((penalties::id, penalties::version))
        .first(&mut app.conn())
        .unwrap();
    (id, v.to_string())
}

#[actix_web::test]
async fn an_inspection_goes_from_open_to_closed_to_penalties_collected() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh office", 2);
    let me = browser(&app, &osh.inspectors[0]).await;
    let farm = cotton_farm(&me, "Папан пахта талаасы").await;
    let colleague = fixtures::user_id(&mut app.conn(), &osh.inspectors[1]).to_string();
    let id = record_inspection(&me, farm, &[&colleague]).await;
    let page = me.get(&format!("/inspections/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text_of("#children-total").as_deref(), Some("2"));
    let inspectors: i64 = korgoo::db::schema::inspection_inspectors::table
        .filter(korgoo::db::schema::inspection_inspectors::inspection_id.eq(id))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(inspectors, 2, "the recording inspector and the colleague");
    // The colleague leaves the office: correcting the inspection keeps them.
    diesel::update(
        korgoo::db::schema::users::table
            .filter(korgoo::db::schema::users::login.eq(&osh.inspectors[1])),
    )
    .set(korgoo::db::schema::users::active.eq(false))
    .execute(&mut app.conn())
    .unwrap();
    let form_page = me.get(&format!("/inspections/{id}/edit")).await;
    assert!(
        form_page
            .body
            .contains(&format!("value=\"{colleague}\" checked"))
    );

    // A penalty, exact to the tyiyn.
    let imposed = me
        .post_form(
            &format!("/inspections/{id}/penalties"),
            &[
                ("legal_basis", "Кодекс о правонарушениях, ст. 117"),
                ("imposed", "10 000,50"),
                ("violations", "underage_work"),
            ],
        )
        .await;
    assert_eq!(imposed.status, StatusCode::SEE_OTHER, "{}", imposed.body);
    let stored: Decimal = penalties::table
        .select(penalties::imposed)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(stored, Decimal::from_str("10000.50").unwrap());

    // Corrected while open, then closed.
    let e = farm.to_string();
    let visited = days_ago(2);
    let v = version_of(&app, id);
    let mut fields = inspection_form(&e, &visited, &[&colleague], &[("notes", "Corrected.")]);
    fields.push(("version", &v));
    assert_eq!(
        me.post_form(&format!("/inspections/{id}"), &fields)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let v = version_of(&app, id);
    let closed = me
        .post_form(&format!("/inspections/{id}/close"), &[("version", &v)])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let page = me.get(&format!("/inspections/{id}")).await;
    assert!(page.text_of("#edit-inspection").is_none());

    // Closed: corrected only with a reason, never reopened.
    let v = version_of(&app, id);
    let mut fields = inspection_form(&e, &visited, &[], &[("notes", "After closing.")]);
    fields.push(("version", &v));
    let unexplained = me.post_form(&format!("/inspections/{id}"), &fields).await;
    assert_eq!(unexplained.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unexplained.text_of("#correction_reason-error").is_some(),
        "{}",
        unexplained.body
    );
    fields.push((
        "correction_reason",
        "The act names the farm's owner wrongly.",
    ));
    let corrected = me.post_form(&format!("/inspections/{id}"), &fields).await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.body
    );
    assert_eq!(app.audit_count("inspection_corrected"), 1);
    let status: String = inspections::table
        .find(id)
        .select(inspections::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "closed", "a correction does not reopen");
    // The penalty procedure goes on after closing: the other violation.
    let late = me
        .post_form(
            &format!("/inspections/{id}/penalties"),
            &[
                ("legal_basis", "x"),
                ("imposed", "100"),
                ("violations", "hazardous_work"),
            ],
        )
        .await;
    assert_eq!(late.status, StatusCode::SEE_OTHER, "{}", late.body);
    assert_eq!(app.count("penalties"), 2);
    let (p, pv) = penalty(&app, id);
    let today = days_ago(0);
    let too_much = me
        .post_form(
            &format!("/inspections/{id}/penalties/{p}"),
            &[
                ("version", &pv),
                ("collected", "10000.51"),
                ("collected_on", &today),
                ("status", "paid"),
            ],
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_much.text_of("#collected-error").is_some());
    assert_eq!(
        too_much.input_value("collected").as_deref(),
        Some("10000.51"),
        "input kept"
    );
    let part = me
        .post_form(
            &format!("/inspections/{id}/penalties/{p}"),
            &[
                ("version", &pv),
                ("collected", "2500,25"),
                ("collected_on", &today),
                ("status", "partly_paid"),
            ],
        )
        .await;
    assert_eq!(part.status, StatusCode::SEE_OTHER, "{}", part.body);
    let home = me.get("/").await;
    assert!(
        home.text_of("#penalties-outstanding")
            .unwrap()
            .contains("7\u{a0}500,25")
    );
    let (_, pv) = penalty(&app, id);
    let rest = me
        .post_form(
            &format!("/inspections/{id}/penalties/{p}"),
            &[
                ("version", &pv),
                ("collected", "7500.25"),
                ("collected_on", &today),
            ],
        )
        .await;
    assert_eq!(rest.status, StatusCode::SEE_OTHER, "{}", rest.body);
    let (collected, status): (Decimal, String) = penalties::table
        .order(penalties::id)
        .select((penalties::collected, penalties::status))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        (collected, status.as_str()),
        (Decimal::from_str("10000.50").unwrap(), "paid")
    );

    // The establishment's page adds it all up.
    me.get(&format!("/establishments/{farm}?lang=en")).await;
    let place = me.get(&format!("/establishments/{farm}")).await;
    assert_eq!(place.text_of("#total-inspections").as_deref(), Some("1"));
    assert_eq!(place.text_of("#total-violations").as_deref(), Some("4"));
    assert_eq!(
        place.text_of("#total-imposed").as_deref(),
        Some("KGS 10,100.50")
    );
    assert_eq!(
        place.text_of("#total-collected").as_deref(),
        Some("KGS 10,000.50")
    );
    for action in [
        "inspection_created",
        "inspection_updated",
        "inspection_closed",
        "inspection_corrected",
    ] {
        assert_eq!(app.audit_count(action), 1, "{action}");
    }
    assert_eq!(app.audit_count("penalty_imposed"), 2);
    assert_eq!(app.audit_count("penalty_collected"), 2);
}

#[actix_web::test]
async fn the_children_found_become_cases_in_their_units_queues() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh office", 2);
    let me = browser(&app, &osh.inspectors[0]).await;
    let farm = cotton_farm(&me, "Папан пахта талаасы").await;
    let id = record_inspection(&me, farm, &[]).await;
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let sokuluk = fixtures::location(&mut app.conn(), "KG-C-SOKULUK").to_string();
    // A child the Kara-Suu unit registered before.
    let worker = app.other_browser();
    worker.login_as(Role::CaseWorker).await;
    let known = id_from(
        &worker
            .post_form(
                "/children",
                &[
                    ("family_name", "Токтогулова"),
                    ("given_name", "Айгүл"),
                    ("patronymic", ""),
                    ("sex", "female"),
                    ("birth_date", "2013-05-05"),
                    ("age", ""),
                    ("personal_number", ""),
                    ("guardian_name", "Гүлмира"),
                    ("guardian_contact", ""),
                    ("home_location_id", &karasuu),
                    ("language", "ky"),
                    ("school_status", "irregular"),
                    ("disability", "none"),
                ],
            )
            .await,
        "/children/",
    );
    let child = |family: &'static str,
                 given: &'static str,
                 sex: &'static str,
                 birth: &'static str,
                 home: String| {
        vec![
            ("family_name", family.to_owned()),
            ("given_name", given.to_owned()),
            ("sex", sex.to_owned()),
            ("birth_date", birth.to_owned()),
            ("age", String::new()),
            ("home_location_id", home),
            ("school_status", "irregular".to_owned()),
            ("forms", "hazardous_work".to_owned()),
            ("doing", "Picking cotton.".to_owned()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let me = &me;
        async move {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            me.post_form(&format!("/inspections/{id}/children"), &refs)
                .await
        }
    };
    // The same child in another spelling: registered, and the case opened;
    // the inspector is told a similar child exists but sees no one else's
    // record, and the unit head is offered the merge on the child's page.
    let first = post(child(
        "Токтогулова",
        "Айгул",
        "female",
        "2013-05-05",
        karasuu.clone(),
    ))
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let after = me.get(&format!("/inspections/{id}")).await;
    assert!(!after.body.contains("Гүлмира"), "no other child's data");
    assert!(after.text_of(".flash").is_some());
    assert_eq!(app.count("children"), 2);
    let found_child: i64 = cases::table
        .select(cases::child_id)
        .first(&mut app.conn())
        .unwrap();
    let head = app.other_browser();
    head.login_as(Role::Supervisor).await;
    let offered = head.get(&format!("/children/{found_child}")).await;
    assert!(
        offered.text_of("#merge").unwrap().contains("Токтогулова"),
        "the unit head sees the likely duplicate"
    );
    // A new child living in Sokuluk: the Sokuluk unit gets that case.
    let second = post(child("Осмонов", "Нурбек", "male", "2011-02-02", sokuluk)).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    let opened: Vec<(i64, i64, String, Option<i64>)> = cases::table
        .order(cases::id)
        .select((
            cases::child_id,
            cases::unit_id,
            cases::source,
            cases::inspection_id,
        ))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(opened.len(), 2);
    assert_eq!(opened[0].0, found_child);
    assert_ne!(found_child, known);
    assert_eq!(
        opened[0].1,
        fixtures::agency_by_code(&mut app.conn(), "CSU-KG-O-KARASUU")
    );
    assert_eq!(
        opened[1].1,
        fixtures::agency_by_code(&mut app.conn(), "CSU-KG-C-SOKULUK")
    );
    assert!(
        opened
            .iter()
            .all(|c| c.2 == "inspection" && c.3 == Some(id))
    );
    // Two children were found: a third case is refused.
    let third = post(child(
        "Асанов",
        "Улан",
        "male",
        "2012-02-02",
        karasuu.clone(),
    ))
    .await;
    assert_eq!(third.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("cases"), 2);
    // Linked both ways: the inspection lists the cases, the case names the inspection.
    let page = me.get(&format!("/inspections/{id}")).await;
    assert_eq!(
        page.html()
            .select(&scraper::Selector::parse("#linked-cases li").unwrap())
            .count(),
        2
    );
    let case_page = worker
        .get(&format!(
            "/cases/{}",
            cases::table
                .select(cases::id)
                .order(cases::id)
                .first::<i64>(&mut app.conn())
                .unwrap()
        ))
        .await;
    assert!(
        case_page
            .text_of("#from-inspection")
            .unwrap()
            .contains(&id.to_string())
    );
    // The inspector reaches no case or child record.
    assert_eq!(me.get("/cases").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        me.get(&format!("/children/{known}")).await.status,
        StatusCode::FORBIDDEN
    );
}

#[actix_web::test]
async fn offices_see_their_own_and_only_those_who_took_part_change_them() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh office", 2);
    let chuy = office(&app, "KG-C", "Chüy office", 1);
    let me = browser(&app, &osh.inspectors[0]).await;
    let farm = cotton_farm(&me, "Папан пахта талаасы").await;
    let id = record_inspection(&me, farm, &[]).await;
    let v = version_of(&app, id);

    let colleague = browser(&app, &osh.inspectors[1]).await;
    assert_eq!(
        colleague.get(&format!("/inspections/{id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        colleague
            .get(&format!("/inspections/{id}/edit"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        colleague
            .post_form(&format!("/inspections/{id}/close"), &[("version", &v)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        colleague
            .post_form(
                &format!("/inspections/{id}/children"),
                &[("family_name", "X")]
            )
            .await
            .status,
        StatusCode::FORBIDDEN,
        "only those who took part open cases for the children found"
    );

    let other = browser(&app, &chuy.inspectors[0]).await;
    assert_eq!(
        other.get(&format!("/inspections/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!other.get("/inspections").await.body.contains("Папан"));
    assert_eq!(
        other.get(&format!("/establishments/{farm}")).await.status,
        StatusCode::NOT_FOUND
    );

    // Heads of offices see their territory's inspections.
    let osh_head = browser(
        &app,
        &fixtures::user_in(&app.db.url, Role::Supervisor, osh.id),
    )
    .await;
    assert_eq!(
        osh_head.get(&format!("/inspections/{id}")).await.status,
        StatusCode::OK
    );
    assert!(osh_head.get("/inspections").await.body.contains("Папан"));
    let chuy_head = browser(
        &app,
        &fixtures::user_in(&app.db.url, Role::Supervisor, chuy.id),
    )
    .await;
    assert_eq!(
        chuy_head.get(&format!("/inspections/{id}")).await.status,
        StatusCode::NOT_FOUND
    );

    // Nobody else reaches the records: officials see figures, not records.
    for role in [
        Role::Official,
        Role::Admin,
        Role::CaseWorker,
        Role::ServiceProvider,
        Role::Police,
    ] {
        let b = app.other_browser();
        b.login_as(role).await;
        assert_eq!(
            b.get("/inspections").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
        assert_ne!(
            b.get(&format!("/inspections/{id}")).await.status,
            StatusCode::OK,
            "{role}"
        );
        assert_eq!(
            b.get("/establishments").await.status,
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }
    assert_eq!(version_of(&app, id), v, "nothing changed");
}

#[actix_web::test]
async fn bad_inspection_input_is_explained_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh office", 1);
    let me = browser(&app, &osh.inspectors[0]).await;
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let bad_tax = me
        .post_form(
            "/establishments",
            &[
                ("name", "Базар"),
                ("kind", "market"),
                ("owner", ""),
                ("tax_number", "123"),
                ("location_id", &karasuu),
                ("address", ""),
            ],
        )
        .await;
    assert_eq!(bad_tax.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_tax.text_of("#tax_number-error").is_some());
    assert_eq!(bad_tax.input_value("name").as_deref(), Some("Базар"));
    let sokuluk = fixtures::location(&mut app.conn(), "KG-C-SOKULUK").to_string();
    let elsewhere = me
        .post_form(
            "/establishments",
            &[
                ("name", "Базар"),
                ("kind", "market"),
                ("owner", ""),
                ("tax_number", ""),
                ("location_id", &sokuluk),
                ("address", ""),
            ],
        )
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "outside the inspector's territory"
    );
    assert_eq!(app.count("establishments"), 0);

    let farm = cotton_farm(&me, "Папан пахта талаасы").await;
    let e = farm.to_string();
    let visited = days_ago(1);
    for (extra, field) in [
        (vec![("children_found", "3")], "children_found"),
        (vec![("girls_under_14", "-1")], "girls_under_14"),
        (vec![("boys_16_17", "many")], "boys_16_17"),
        (vec![("visited_on", "31.02.2026")], "visited_on"),
        (vec![("follow_up_on", "2000-01-01")], "follow_up_on"),
        (vec![("violation_night_work", "-2")], "violations"),
        (vec![("kind", "raid")], "kind"),
    ] {
        let page = me
            .post_form("/inspections", &inspection_form(&e, &visited, &[], &extra))
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(
            page.text_of(&format!("#{field}-error")).is_some(),
            "{field}: {}",
            page.body
        );
    }
    assert_eq!(app.count("inspections"), 0);

    // Planned for tomorrow: it can be recorded, not closed.
    let tomorrow = (crate::common::today() + chrono::Days::new(1))
        .format("%Y-%m-%d")
        .to_string();
    // A plan has nothing found yet: findings on it are refused by its date.
    let with_findings = me
        .post_form("/inspections", &inspection_form(&e, &tomorrow, &[], &[]))
        .await;
    assert_eq!(with_findings.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(with_findings.text_of("#visited_on-error").is_some());
    let nothing_yet = [
        ("girls_under_14", "0"),
        ("boys_14_15", "0"),
        ("children_found", "0"),
        ("violation_underage_work", ""),
        ("violation_hazardous_work", ""),
    ];
    let id = id_from(
        &me.post_form(
            "/inspections",
            &inspection_form(&e, &tomorrow, &[], &nothing_yet),
        )
        .await,
        "/inspections/",
    );
    let v = version_of(&app, id);
    let early = me
        .post_form(&format!("/inspections/{id}/close"), &[("version", &v)])
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.text_of("#close-error").is_some());
    let planned = me
        .post_form(
            &format!("/inspections/{id}/penalties"),
            &[("legal_basis", "ст. 117"), ("imposed", "100")],
        )
        .await;
    assert_eq!(planned.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        planned.text_of("#penalty-error").is_some(),
        "{}",
        planned.body
    );
    let done = record_inspection(&me, farm, &[]).await;
    for amount in ["-5", "abc", "1e3", "12.345", "0"] {
        let page = me
            .post_form(
                &format!("/inspections/{done}/penalties"),
                &[
                    ("legal_basis", "ст. 117"),
                    ("imposed", amount),
                    ("violations", "underage_work"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}");
        assert!(page.text_of("#imposed-error").is_some(), "{amount}");
    }
    let unnamed = me
        .post_form(
            &format!("/inspections/{done}/penalties"),
            &[("legal_basis", "ст. 117"), ("imposed", "100")],
        )
        .await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unnamed.text_of("#violations-error").is_some());
    assert_eq!(app.count("penalties"), 0);
    // A stale edit changes nothing.
    let mut stale = nothing_yet.to_vec();
    stale.push(("notes", "stale"));
    let mut fields = inspection_form(&e, &tomorrow, &[], &stale);
    fields.push(("version", "0"));
    assert_eq!(
        me.post_form(&format!("/inspections/{id}"), &fields)
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        me.get("/inspections/999999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn the_list_filters_and_pages_without_offset() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh office", 1);
    let me = browser(&app, &osh.inspectors[0]).await;
    let farm = cotton_farm(&me, "Папан пахта талаасы").await;
    let e = farm.to_string();
    for day in 0..55u64 {
        let visited = days_ago(day + 1);
        let extra: Vec<(&str, &str)> = if day % 5 == 0 {
            vec![
                ("violation_underage_work", ""),
                ("violation_hazardous_work", ""),
                ("girls_under_14", "0"),
                ("boys_14_15", "0"),
                ("children_found", "0"),
            ]
        } else {
            vec![]
        };
        id_from(
            &me.post_form("/inspections", &inspection_form(&e, &visited, &[], &extra))
                .await,
            "/inspections/",
        );
    }
    let rows = |page: &Page| {
        page.html()
            .select(&scraper::Selector::parse("#inspections tbody tr td:first-child").unwrap())
            .map(|td| td.text().collect::<String>().trim().parse::<i64>().unwrap())
            .collect::<Vec<_>>()
    };
    let first = me.get("/inspections").await;
    let page_one = rows(&first);
    assert_eq!(page_one.len(), 50);
    let next = first
        .html()
        .select(&scraper::Selector::parse("#next-page").unwrap())
        .next()
        .unwrap()
        .value()
        .attr("href")
        .unwrap()
        .to_owned();
    let page_two = rows(&me.get(&next).await);
    assert_eq!(page_two.len(), 5);
    assert!(page_two.iter().all(|i| !page_one.contains(i)));
    assert_eq!(rows(&me.get("/inspections?violations=no").await).len(), 11);
    assert_eq!(
        rows(&me.get("/inspections?violations=yes&kind=unannounced").await).len(),
        44
    );
    assert_eq!(rows(&me.get("/inspections?kind=routine").await).len(), 0);
    assert_eq!(
        rows(&me.get("/inspections?sector=agriculture").await).len(),
        50
    );
    let bad = me.get("/inspections?violations=maybe&from=xx").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text_of("#violations-error").is_some());
    assert!(bad.text_of("#from-error").is_some());
    let home = me.get("/").await;
    assert!(home.text_of("#open-inspections").unwrap().contains("Папан"));
}

/// The demo: establishments in every region, three years of visits, fines in
/// every status, the cases that came from an inspection linked to one, and
/// every inspection page complete in all three languages.
#[actix_web::test]
async fn the_demo_has_inspections_everywhere_and_every_page_renders() {
    let app = TestApp::spawn().await;
    korgoo::demo::load(&app.db.url).unwrap();
    let mut conn = app.conn();
    let regions: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "SELECT count(DISTINCT split_part(l.path, '/', 2)) FROM establishments e
         JOIN locations l ON l.id = e.location_id",
    )
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(regions, 9, "every region and both cities");
    let span: i32 = diesel::dsl::sql::<diesel::sql_types::Integer>(
        "SELECT max(visited_on) - min(visited_on) FROM inspections",
    )
    .get_result(&mut conn)
    .unwrap();
    assert!(span > 2 * 365, "{span} days");
    let statuses: Vec<String> = penalties::table
        .select(penalties::status)
        .distinct()
        .load(&mut conn)
        .unwrap();
    for s in ["imposed", "paid", "partly_paid", "appealed", "cancelled"] {
        assert!(statuses.contains(&s.to_owned()), "no demo penalty is {s}");
    }
    let unlinked: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "SELECT count(*) FROM cases c JOIN locations l ON l.id = c.location_id
         WHERE c.source = 'inspection' AND c.inspection_id IS NULL AND l.path LIKE 'KG/KG-O/%'",
    )
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(unlinked, 0);
    let ids: Vec<i64> = inspections::table
        .filter(
            inspections::office_id.eq(korgoo::db::schema::agencies::table
                .filter(
                    korgoo::db::schema::agencies::name_en
                        .eq("Osh Regional Labour Inspection Office"),
                )
                .select(korgoo::db::schema::agencies::id)
                .single_value()
                .assume_not_null()),
        )
        .order(inspections::id)
        .select(inspections::id)
        .limit(15)
        .load(&mut conn)
        .unwrap();
    assert!(!ids.is_empty());
    for login in ["inspector.osh", "head.inspection.osh"] {
        let who = app.other_browser();
        who.login(login, korgoo::demo::DEMO_PASSWORD).await;
        let mut pages = vec![
            "/".to_owned(),
            "/inspections".to_owned(),
            "/establishments".to_owned(),
        ];
        pages.extend(ids.iter().map(|id| format!("/inspections/{id}")));
        who.assert_pages_in_every_language(&pages, &[]).await;
    }
}

/// A fine's status says what happened to the money: a cancelled fine holds
/// nothing, an appealed one not all of it; totals leave cancelled fines out.
#[actix_web::test]
async fn statuses_agree_with_the_money_and_totals_leave_cancelled_fines_out() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh office", 1);
    let me = browser(&app, &osh.inspectors[0]).await;
    let farm = cotton_farm(&me, "Папан пахта талаасы").await;
    let id = record_inspection(&me, farm, &[]).await;
    for (amount, violation) in [("1000", "underage_work"), ("2500.50", "hazardous_work")] {
        let page = me
            .post_form(
                &format!("/inspections/{id}/penalties"),
                &[
                    ("legal_basis", "ст. 117"),
                    ("imposed", amount),
                    ("violations", violation),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    let fines: Vec<(i64, i32)> = penalties::table
        .order(penalties::id)
        .select((penalties::id, penalties::version))
        .load(&mut app.conn())
        .unwrap();
    let today = days_ago(0);
    let (first, v1) = (fines[0].0, fines[0].1.to_string());
    // More than is owed, or an unknown standing: refused, with the reason.
    let too_much = me
        .post_form(
            &format!("/inspections/{id}/penalties/{first}"),
            &[
                ("version", &v1),
                ("collected", "1000.01"),
                ("collected_on", &today),
            ],
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_much.text_of("#collected-error").is_some());
    let unknown = me
        .post_form(
            &format!("/inspections/{id}/penalties/{first}/standing"),
            &[("version", &v1), ("standing", "paid")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("role=\"alert\""), "{}", unknown.body);
    let cancel = me
        .post_form(
            &format!("/inspections/{id}/penalties/{first}/standing"),
            &[("version", &v1), ("standing", "cancelled")],
        )
        .await;
    assert_eq!(cancel.status, StatusCode::SEE_OTHER, "{}", cancel.body);
    // The page says what was recorded (issue 21: it said "the inspection
    // is saved").
    let shown = me.get(cancel.location().unwrap()).await;
    assert_eq!(
        shown.text_of(".flash").as_deref(),
        Some("Айып пулдун абалы жазылды.")
    );
    // Stale: the same form again.
    let stale = me
        .post_form(
            &format!("/inspections/{id}/penalties/{first}/standing"),
            &[("version", &v1), ("standing", "appealed")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    // A cancelled penalty frees its violation for a new one.
    let again = me
        .post_form(
            &format!("/inspections/{id}/penalties"),
            &[
                ("legal_basis", "ст. 117, повторно"),
                ("imposed", "900"),
                ("violations", "underage_work"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let cancelled = me
        .post_form(
            &format!("/inspections/{id}/penalties/{first}"),
            &[
                ("version", "2"),
                ("collected", "1"),
                ("collected_on", &today),
            ],
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::UNPROCESSABLE_ENTITY);
    let (second, v2) = (fines[1].0, fines[1].1.to_string());
    // The head of the territory records the collection.
    let head = browser(
        &app,
        &fixtures::user_in(&app.db.url, Role::Supervisor, osh.id),
    )
    .await;
    let paid = head
        .post_form(
            &format!("/inspections/{id}/penalties/{second}"),
            &[
                ("version", &v2),
                ("collected", "2500,50"),
                ("collected_on", &today),
            ],
        )
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.body);
    me.get(&format!("/establishments/{farm}?lang=en")).await;
    let place = me.get(&format!("/establishments/{farm}")).await;
    assert_eq!(
        place.text_of("#total-imposed").as_deref(),
        Some("KGS 3,400.50")
    );
    assert_eq!(
        place.text_of("#total-collected").as_deref(),
        Some("KGS 2,500.50")
    );
    // Another inspection's fine cannot be reached through this one.
    let other = record_inspection(&me, farm, &[]).await;
    let crossed = me
        .post_form(
            &format!("/inspections/{other}/penalties/{second}"),
            &[
                ("version", "2"),
                ("collected", "1"),
                ("collected_on", &today),
                ("status", "partly_paid"),
            ],
        )
        .await;
    assert_eq!(crossed.status, StatusCode::NOT_FOUND);
}

/// Two inspectors saving at the same moment cannot open more cases than
/// children were found.
#[actix_web::test]
async fn simultaneous_saves_open_no_more_cases_than_children_found() {
    let app = TestApp::spawn().await;
    let osh = office(&app, "KG-O", "Osh office", 2);
    let me = browser(&app, &osh.inspectors[0]).await;
    let farm = cotton_farm(&me, "Папан пахта талаасы").await;
    let colleague = fixtures::user_id(&mut app.conn(), &osh.inspectors[1]).to_string();
    let e = farm.to_string();
    let visited = days_ago(1);
    let one_child = inspection_form(
        &e,
        &visited,
        &[&colleague],
        &[
            ("boys_14_15", "0"),
            ("children_found", "1"),
            ("violation_underage_work", "1"),
            ("violation_hazardous_work", "1"),
        ],
    );
    let id = id_from(
        &me.post_form("/inspections", &one_child).await,
        "/inspections/",
    );
    let other = browser(&app, &osh.inspectors[1]).await;
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let form = |given: &'static str| {
        vec![
            ("family_name", "Асанова".to_owned()),
            ("given_name", given.to_owned()),
            ("sex", "female".to_owned()),
            ("age", "12".to_owned()),
            ("birth_date", String::new()),
            ("home_location_id", karasuu.clone()),
            ("school_status", "irregular".to_owned()),
            ("forms", "hazardous_work".to_owned()),
            ("doing", String::new()),
        ]
    };
    let (a, b) = (form("Бермет"), form("Айпери"));
    let a: Vec<(&str, &str)> = a.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let b: Vec<(&str, &str)> = b.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let path = format!("/inspections/{id}/children");
    let (first, second) =
        futures_util::future::join(me.post_form(&path, &a), other.post_form(&path, &b)).await;
    let statuses = [first.status, second.status];
    assert!(statuses.contains(&StatusCode::SEE_OTHER), "{statuses:?}");
    assert!(
        statuses.contains(&StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    assert_eq!(app.count("cases"), 1);
    assert_eq!(
        app.count("children"),
        1,
        "the refused child was not registered either"
    );
}

/// Issue 19 (Low): an owner is often a person (an individual
/// entrepreneur), so the establishment search is a POST and its words never
/// reach an address; a `q` in the address filters nothing.
#[actix_web::test]
async fn the_establishment_search_keeps_owners_names_out_of_addresses() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Inspector).await;
    let farm = cotton_farm(&app, "Папан пахта талаасы").await;
    let other = cotton_farm(&app, "Жаңы-Жол бакча").await;
    let list = app.get("/establishments").await;
    let form = list
        .html()
        .select(&scraper::Selector::parse("form.filters").unwrap())
        .next()
        .map(|f| {
            (
                f.value().attr("method").unwrap_or_default().to_owned(),
                f.value().attr("action").unwrap_or_default().to_owned(),
            )
        });
    assert_eq!(
        form,
        Some(("post".to_owned(), "/establishments/search".to_owned()))
    );
    // The owner's name in any spelling finds the place.
    let found = app
        .post_form("/establishments/search", &[("q", "Papan")])
        .await;
    assert_eq!(found.status, StatusCode::OK);
    found.assert_contains(&format!("href=\"/establishments/{farm}\""));
    assert!(
        !found
            .body
            .contains(&format!("href=\"/establishments/{other}\""))
    );
    assert_eq!(found.input_value("q").as_deref(), Some("Papan"));
    // The old address form no longer searches: both places are listed.
    let typed = app.get("/establishments?q=Papan").await;
    typed.assert_contains(&format!("href=\"/establishments/{other}\""));
    assert!(!typed.body.contains("value=\"Papan\""));
}

/// The establishment search pages like the list, by POST: its next page
/// keeps the search words (without putting them in an address) and holds
/// matches only.
#[actix_web::test]
async fn the_establishment_search_pages_and_keeps_its_words() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Inspector).await;
    let farm = cotton_farm(&app, "Папан пахта талаасы").await;
    // 55 more places the search finds, then one it does not, newest.
    diesel::sql_query(
        "INSERT INTO establishments (kind, sector, name, owner, location_id, address,
                search_name, created_by)
         SELECT kind, sector, name || ' ' || g, owner, location_id, address, search_name,
                created_by
         FROM establishments, generate_series(1, 55) g WHERE id = $1",
    )
    .bind::<diesel::sql_types::BigInt, _>(farm)
    .execute(&mut app.conn())
    .unwrap();
    let other = cotton_farm(&app, "Жаңы-Жол бакча").await;
    let rows = |page: &crate::common::Page| -> Vec<String> {
        page.html()
            .select(&scraper::Selector::parse("#establishments tbody tr td:first-child a").unwrap())
            .map(|a| a.value().attr("href").unwrap_or_default().to_owned())
            .collect()
    };
    let first = app
        .post_form("/establishments/search", &[("q", "Papan")])
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(rows(&first).len(), 50);
    let pager = first
        .html()
        .select(&scraper::Selector::parse("form#next-search-page").unwrap())
        .next()
        .map(|f| f.value().attr("method").unwrap_or_default().to_owned());
    assert_eq!(pager.as_deref(), Some("post"), "{}", first.body);
    let hidden = |name: &str| -> String {
        first
            .html()
            .select(
                &scraper::Selector::parse(&format!("form#next-search-page [name=\"{name}\"]"))
                    .unwrap(),
            )
            .next()
            .and_then(|i| i.value().attr("value").map(str::to_owned))
            .unwrap_or_default()
    };
    assert_eq!(hidden("q"), "Papan");
    let before = hidden("before");
    let second = app
        .post_form(
            "/establishments/search",
            &[("q", "Papan"), ("before", &before)],
        )
        .await;
    let second_rows = rows(&second);
    assert_eq!(second_rows.len(), 6, "{second_rows:?}");
    assert!(second_rows.contains(&format!("/establishments/{farm}")));
    assert!(
        !second
            .body
            .contains(&format!("href=\"/establishments/{other}\""))
    );
    assert!(second.text_of("#next-search-page").is_none());
    // The whole list still pages by address, with no words in it.
    let list = app.get("/establishments").await;
    let next = list
        .html()
        .select(&scraper::Selector::parse("#next-page").unwrap())
        .next()
        .and_then(|a| a.value().attr("href").map(str::to_owned))
        .unwrap();
    assert!(next.starts_with("/establishments?before="), "{next}");
}
