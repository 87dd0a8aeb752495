//! Every figure is dated by when its event happened (issue 18): a year's
//! paper records typed in a later year count in their own year, on the
//! report page, its CSV and XLSX, the public pages and the open data; a plan
//! is not an inspection conducted; a penalty decided after the inspection
//! was closed counts in the year of its decision with the violations it
//! names; a payment counts in the year it was paid.

use chrono::Datelike;
use reqwest::StatusCode;

use crate::common::{TestApp, days_ahead, fixtures, today};
use crate::inspections::{browser, cotton_farm, inspection_form, office};
use korgoo::policy::Role;

/// The line of a figures CSV for a year, territory and figure.
fn line<'a>(csv: &'a str, year: i32, figure: &str) -> Option<&'a str> {
    let prefix = format!("{year},KG,{figure},");
    csv.lines().find(|l| l.starts_with(&prefix))
}

fn value(csv: &str, year: i32, figure: &str) -> String {
    line(csv, year, figure)
        .and_then(|l| l.split(',').nth(4))
        .unwrap_or_else(|| panic!("{year} {figure} in\n{csv}"))
        .to_owned()
}

#[actix_web::test]
async fn last_years_records_typed_in_this_year_count_in_their_own_year() {
    let app = TestApp::spawn().await;
    let this_year = today().year();
    let last_year = this_year - 1;
    let osh = office(&app, "KG-O", "Osh office (paper year)", 1);
    let me = browser(&app, &osh.inspectors[0]).await;
    let farm = cotton_farm(&me, "Ноокат пахта талаасы").await.to_string();

    // Last September's visit, typed in today.
    let visited = format!("{last_year}-09-12");
    let saved = me
        .post_form("/inspections", &inspection_form(&farm, &visited, &[], &[]))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let id: i64 = saved
        .location()
        .unwrap()
        .trim_start_matches("/inspections/")
        .parse()
        .unwrap();
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let found = me
        .post_form(
            &format!("/inspections/{id}/children"),
            &[
                ("family_name", "Жумабаева"),
                ("given_name", "Айпери"),
                ("sex", "female"),
                ("birth_date", &format!("{}-03-01", last_year - 12)),
                ("age", ""),
                ("home_location_id", &karasuu),
                ("school_status", "irregular"),
                ("forms", "hazardous_work"),
                ("doing", "Picking cotton."),
            ],
        )
        .await;
    assert_eq!(found.status, StatusCode::SEE_OTHER, "{}", found.body);
    let identified: chrono::NaiveDate = diesel::RunQueryDsl::get_result(
        diesel::dsl::sql::<diesel::sql_types::Date>(&format!(
            "SELECT identified_on FROM cases WHERE inspection_id = {id}"
        )),
        &mut app.conn(),
    )
    .unwrap();
    assert_eq!(identified.to_string(), visited, "identified at the visit");

    // The visit is closed; the penalty is decided afterwards, for one of the
    // two violations found, and paid in two parts across the new year.
    let v = crate::inspections::version_of(&app, id);
    let closed = me
        .post_form(&format!("/inspections/{id}/close"), &[("version", &v)])
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let decided = format!("{last_year}-10-01");
    let imposed = me
        .post_form(
            &format!("/inspections/{id}/penalties"),
            &[
                ("legal_basis", "Кодекс о правонарушениях, ст. 117"),
                ("imposed", "10 000,50"),
                ("decided_on", &decided),
                ("violations", "underage_work"),
            ],
        )
        .await;
    assert_eq!(imposed.status, StatusCode::SEE_OTHER, "{}", imposed.body);
    let (penalty, version): (i64, i32) = diesel::RunQueryDsl::get_result(
        diesel::dsl::sql::<(diesel::sql_types::BigInt, diesel::sql_types::Int4)>(&format!(
            "SELECT id, version FROM penalties WHERE inspection_id = {id}"
        )),
        &mut app.conn(),
    )
    .unwrap();
    // A violation can be penalised once.
    let twice = me
        .post_form(
            &format!("/inspections/{id}/penalties"),
            &[
                ("legal_basis", "ст. 117"),
                ("imposed", "100"),
                ("decided_on", &decided),
                ("violations", "underage_work"),
            ],
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        twice.text_of("#violations-error").is_some(),
        "{}",
        twice.body
    );
    let paid_last_year = format!("{last_year}-12-20");
    let first = me
        .post_form(
            &format!("/inspections/{id}/penalties/{penalty}"),
            &[
                ("version", &version.to_string()),
                ("collected", "5000"),
                ("collected_on", &paid_last_year),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let paid_this_year = format!("{this_year}-01-15");
    let paid_this_year = if paid_this_year.as_str() > today().to_string().as_str() {
        today().to_string()
    } else {
        paid_this_year
    };
    let rest = me
        .post_form(
            &format!("/inspections/{id}/penalties/{penalty}"),
            &[
                ("version", &(version + 1).to_string()),
                ("collected", "5000,50"),
                ("collected_on", &paid_this_year),
            ],
        )
        .await;
    assert_eq!(rest.status, StatusCode::SEE_OTHER, "{}", rest.body);

    // The visit says it was typed in late.
    let visit_page = me.get(&format!("/inspections/{id}?lang=en")).await;
    assert_eq!(visit_page.status, StatusCode::SEE_OTHER);
    let visit_page = me.get(&format!("/inspections/{id}")).await;
    assert!(
        visit_page
            .text_of("#visited-on")
            .is_some_and(|t| t.contains("days later")),
        "{}",
        visit_page.body
    );

    // Last year's criminal case, typed in by the prosecutor today: opened
    // in March, sent to court in November.
    let prosecutor = app.other_browser();
    prosecutor.login_as(Role::Prosecutor).await;
    let opened = prosecutor
        .post_form(
            "/investigations",
            &[
                ("offenses", "forced_child_labor"),
                ("opened_on", &format!("{last_year}-03-10")),
                ("reference", "УД-17"),
                ("suspects", "1"),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    let investigation = opened.location().unwrap().to_owned();
    let to_court = prosecutor
        .post_form(
            &format!("{investigation}/move"),
            &[
                ("move", "send_to_court"),
                ("version", "1"),
                ("on", &format!("{last_year}-11-20")),
            ],
        )
        .await;
    assert_eq!(to_court.status, StatusCode::SEE_OTHER, "{}", to_court.body);

    // A plan for next week: accepted, listed as planned, never conducted.
    let plan_day = days_ahead(7);
    let mut plan = inspection_form(&farm, &plan_day, &[], &[]);
    for field in [
        "girls_under_14",
        "boys_14_15",
        "children_found",
        "violation_underage_work",
        "violation_hazardous_work",
    ] {
        plan.retain(|(f, _)| *f != field);
    }
    let planned = me.post_form("/inspections", &plan).await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    let plan_page = me.get(planned.location().unwrap()).await;
    assert!(plan_page.text_of("#planned-notice").is_some());
    assert!(
        plan_page.text_of("#close-inspection").is_none(),
        "a plan is not closed"
    );
    let plan_id = planned
        .location()
        .unwrap()
        .trim_start_matches("/inspections/");
    let home = me.get("/").await;
    assert!(
        home.text_of("#planned-inspections")
            .is_some_and(|t| t.contains(&format!("№ {plan_id}"))),
        "the inspector's queue lists the plan: {}",
        home.body
    );
    assert!(
        !home
            .text_of("#open-inspections")
            .is_some_and(|t| t.contains(&format!("№ {plan_id}"))),
        "and not among the inspections conducted"
    );
    // A plan with findings is refused, with the reason beside the date.
    let refused = me
        .post_form("/inspections", &inspection_form(&farm, &plan_day, &[], &[]))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text_of("#visited_on-error").is_some(),
        "{}",
        refused.body
    );

    // The figures, as an official reads them.
    let official = app.other_browser();
    official.login_as(Role::Official).await;
    let csv_of = |year: i32| {
        let official = &official;
        async move {
            let csv = official
                .get(&format!("/reports/enforcement.csv?year={year}"))
                .await;
            assert_eq!(csv.status, StatusCode::OK);
            csv.body
        }
    };
    let last = csv_of(last_year).await;
    let now = csv_of(this_year).await;
    for (figure, expected) in [
        ("investigations", "1"),
        ("prosecutions_initiated", "1"),
        ("inspections", "1"),
        ("inspections_finding_child_labor", "1"),
        ("child_labor_violations", "4"),
        ("violations_penalised", "2"),
        ("penalties_imposed", "1"),
        ("penalties_imposed_kgs", "10000.50"),
        ("penalties_collected", "0"),
        ("penalties_collected_kgs", "5000.00"),
        ("inspections_planned", "0"),
    ] {
        assert_eq!(
            value(&last, last_year, figure),
            expected,
            "{last_year} {figure}"
        );
    }
    for (figure, expected) in [
        ("investigations", "0"),
        ("prosecutions_initiated", "0"),
        ("inspections", "0"),
        ("child_labor_violations", "0"),
        ("penalties_imposed", "0"),
        ("penalties_collected", "1"),
        ("penalties_collected_kgs", "5000.50"),
        ("inspections_planned", "1"),
        ("children_identified", "0"),
    ] {
        assert_eq!(
            value(&now, this_year, figure),
            expected,
            "{this_year} {figure}"
        );
    }
    assert_ne!(
        value(&last, last_year, "children_identified"),
        "0",
        "the child counts in the year of the visit"
    );

    // The page and the workbook say the same.
    let page = official
        .get(&format!("/reports/enforcement?year={last_year}"))
        .await;
    assert_eq!(page.text_of("#f-inspections").as_deref(), Some("1"));
    assert_eq!(
        page.text_of("#f-violations_penalised").as_deref(),
        Some("2")
    );
    let xlsx = official
        .client
        .get(official.url(&format!("/reports/enforcement.xlsx?year={last_year}")))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    let sheet = crate::common::xlsx_text(&xlsx.bytes().await.unwrap());
    assert!(sheet.contains("10000.5"), "{sheet}");

    // The public page of that year too, once the figures are released.
    app.publish_figures();
    let visitor = TestApp::new_client();
    let public_page = visitor
        .get(app.url(&format!("/public?year={last_year}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let public_page = scraper::Html::parse_document(&public_page);
    let shown = |id: &str| {
        let selector = scraper::Selector::parse(&format!("#f-{id}")).unwrap();
        public_page
            .select(&selector)
            .next()
            .map(|e| e.text().collect::<String>())
    };
    assert_eq!(shown("inspections").as_deref(), Some("1"));
    assert_eq!(shown("prosecutions_initiated").as_deref(), Some("1"));

    // The open data carries the same, year by year.
    let public = TestApp::new_client()
        .get(app.url("/public/data.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(value(&public, last_year, "inspections"), "1");
    assert_eq!(value(&public, this_year, "inspections"), "0");
    assert_eq!(
        value(&public, last_year, "penalties_collected_kgs"),
        "5000.00"
    );
    assert_eq!(
        value(&public, this_year, "penalties_collected_kgs"),
        "5000.50"
    );

    // The schema says which day each figure is counted by.
    app.get("/public/schema?lang=en").await;
    let schema = app.get("/public/schema").await;
    assert!(
        schema
            .body
            .contains("the day of the payment that paid the penalty in full"),
        "{}",
        schema.body
    );

    // The case shows it was typed in late.
    let case_late = diesel::RunQueryDsl::get_result::<i64>(
        diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "SELECT id FROM cases WHERE inspection_id = {id}"
        )),
        &mut app.conn(),
    )
    .unwrap();
    let head = fixtures::user_in(
        &app.db.url,
        Role::Supervisor,
        fixtures::agency_by_code(&mut app.conn(), "CSU-KG-O-KARASUU"),
    );
    let unit = browser(&app, &head).await;
    unit.get("/?lang=en").await;
    let case_page = unit.get(&format!("/cases/{case_late}")).await;
    assert!(
        case_page
            .text_of("#identified-on")
            .is_some_and(|t| t.contains("days later")),
        "{}",
        case_page.body
    );
}
