//! Labour inspectors come from staff history (issue 18): posts from … to …
//! recorded by the admin, counted by the year they overlap, in the territory
//! of their office. Deactivating an account today ends its post today and
//! leaves past years as they were; the head of an office who inspects counts;
//! bad dates are refused next to the field, in the user's language.

use chrono::Datelike;
use korgoo::admin::model::AgencyKind;
use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::common::{TestApp, fixtures, today};

fn office(app: &TestApp, region: &str, name: &str) -> i64 {
    fixtures::agency(&mut app.conn(), AgencyKind::LaborInspectorate, region, name)
}

fn inspector_in(app: &TestApp, office: i64) -> i64 {
    let login = fixtures::user_in(&app.db.url, Role::Inspector, office);
    fixtures::user_id(&mut app.conn(), &login)
}

async fn open_post(app: &TestApp, user: i64, office: i64, from: &str) -> StatusCode {
    app.post_form(
        &format!("/admin/users/{user}/posts"),
        &[
            ("post_agency_id", &office.to_string()),
            ("post_from_on", from),
        ],
    )
    .await
    .status
}

/// The open post's id and version, as the user's page shows them.
async fn open_post_form(app: &TestApp, user: i64) -> (String, String) {
    let page = app.get(&format!("/admin/users/{user}")).await;
    let html = page.html();
    let sel = scraper::Selector::parse("form[action$='/posts/end'] input").unwrap();
    let mut post = String::new();
    let mut version = String::new();
    for input in html.select(&sel) {
        let value = input.value().attr("value").unwrap_or_default().to_owned();
        match input.value().attr("name") {
            Some("post") => post = value,
            Some("version") => version = value,
            _ => {}
        }
    }
    assert!(!post.is_empty(), "the page offers to end the open post");
    (post, version)
}

async fn end_post(app: &TestApp, user: i64, to: &str) -> crate::common::Page {
    let (post, version) = open_post_form(app, user).await;
    app.post_form(
        &format!("/admin/users/{user}/posts/end"),
        &[("post", &post), ("version", &version), ("post_to_on", to)],
    )
    .await
}

/// A page in English (choosing the language answers with a redirect).
async fn english(app: &TestApp, path: &str) -> crate::common::Page {
    let sep = if path.contains('?') { '&' } else { '?' };
    app.get(&format!("{path}{sep}lang=en")).await;
    app.get(path).await
}

/// A figure of the enforcement report page, for a year and a territory
/// (None: the whole country).
async fn shown(app: &TestApp, year: i32, territory: Option<i32>, figure: &str) -> String {
    let territory = territory
        .map(|t| format!("&territory={t}"))
        .unwrap_or_default();
    let page = app
        .get(&format!("/reports/enforcement?year={year}{territory}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{year}");
    page.text_of(&format!("#f-{figure}"))
        .unwrap_or_else(|| panic!("{figure} is on the page"))
}

/// The same figure from the report's CSV.
async fn downloaded(app: &TestApp, year: i32, figure: &str) -> String {
    let csv = app
        .get(&format!("/reports/enforcement.csv?year={year}"))
        .await
        .body;
    csv.lines()
        .find_map(|line| {
            let cols: Vec<&str> = line.split(',').collect();
            (cols.get(2) == Some(&figure)).then(|| {
                assert_eq!(cols[3], "actions", "{figure} is exact");
                cols[4].to_owned()
            })
        })
        .unwrap_or_else(|| panic!("{figure} in the CSV of {year}"))
}

/// The country's figure of a year in the open data of a release made now.
async fn public(app: &TestApp, year: i32, figure: &str) -> String {
    app.publish_figures();
    let csv = TestApp::new_client()
        .get(app.url("/public/data.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = format!("{year},KG,{figure},actions,");
    csv.lines()
        .find_map(|line| line.strip_prefix(&prefix).map(str::to_owned))
        .unwrap_or_else(|| panic!("{prefix} in the open data"))
}

#[actix_web::test]
async fn deactivating_an_inspector_today_leaves_past_years_and_lowers_today() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let year = today().year();
    let osh = office(&app, "KG-O", "Osh test inspection office");
    let inspector = inspector_in(&app, osh);
    assert_eq!(
        open_post(&app, inspector, osh, &format!("01.03.{}", year - 2)).await,
        StatusCode::SEE_OTHER
    );
    // The head of the office, who inspects: in post from the day the
    // account is made.
    let made = app
        .post_form(
            "/admin/users",
            &[
                ("login", "head.osh.test"),
                ("display_name", "Башчы Текшерүүчү"),
                ("role", "supervisor"),
                ("agency_id", &osh.to_string()),
                ("locale", "ky"),
                ("password", "a long enough password 2026"),
                ("inspects", "yes"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(app.audit_count("inspector_post_opened"), 2);

    let past = year - 1;
    assert_eq!(shown(&app, past, None, "labor_inspectors").await, "1");
    assert_eq!(shown(&app, year, None, "labor_inspectors").await, "2");
    assert_eq!(
        shown(&app, year, None, "labor_inspectors_on_last_day").await,
        "2",
        "the head who inspects is counted"
    );
    assert_eq!(downloaded(&app, past, "labor_inspectors").await, "1");
    assert_eq!(public(&app, past, "labor_inspectors").await, "1");
    // The ILO ratio: 2,600,000 workers for 2 inspectors; 130 needed.
    let page = english(&app, &format!("/reports/enforcement?year={year}")).await;
    assert_eq!(
        page.text_of("#ilo-workers-per-inspector").as_deref(),
        Some("1,300,000")
    );
    assert_eq!(page.text_of("#ilo-needed").as_deref(), Some("130"));
    assert_eq!(page.text_of("#ilo-benchmark").as_deref(), Some("20,000"));

    assert_eq!(
        app.post_form(&format!("/admin/users/{inspector}/deactivate"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.audit_count("inspector_post_ended"), 1);
    assert_eq!(app.count("inspector_posts"), 2, "the post is kept, ended");
    assert_eq!(shown(&app, past, None, "labor_inspectors").await, "1");
    assert_eq!(shown(&app, year - 2, None, "labor_inspectors").await, "1");
    assert_eq!(downloaded(&app, past, "labor_inspectors").await, "1");
    assert_eq!(public(&app, past, "labor_inspectors").await, "1");
    assert_eq!(
        shown(&app, year, None, "labor_inspectors").await,
        "2",
        "they were in post this year"
    );
    assert_eq!(
        shown(&app, year, None, "labor_inspectors_on_last_day").await,
        "1"
    );
    assert_eq!(
        downloaded(&app, year, "labor_inspectors_on_last_day").await,
        "1"
    );
    let page = english(&app, &format!("/reports/enforcement?year={year}")).await;
    assert_eq!(
        page.text_of("#ilo-workers-per-inspector").as_deref(),
        Some("2,600,000")
    );

    // Activating again opens no post: the admin opens a new one.
    app.post_form(&format!("/admin/users/{inspector}/activate"), &[])
        .await;
    assert_eq!(
        shown(&app, year, None, "labor_inspectors_on_last_day").await,
        "1"
    );
    // A territory below the country shows no ratio, and says why.
    let chuy = fixtures::location(&mut app.conn(), "KG-C");
    let page = app
        .get(&format!(
            "/reports/enforcement?year={year}&territory={chuy}"
        ))
        .await;
    assert!(page.text_of("#ilo-country-only").is_some());
    assert!(page.text_of("#ilo-needed").is_none());
}

#[actix_web::test]
async fn a_post_counts_in_the_years_it_overlaps_in_its_office_territory() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let year = today().year();
    let osh = office(&app, "KG-O", "Osh test inspection office");
    let inspector = inspector_in(&app, osh);
    assert_eq!(
        open_post(&app, inspector, osh, &format!("01.02.{}", year - 3)).await,
        StatusCode::SEE_OTHER
    );
    let ended = end_post(&app, inspector, &format!("30.06.{}", year - 2)).await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    let osh_region = fixtures::location(&mut app.conn(), "KG-O");
    let chuy = fixtures::location(&mut app.conn(), "KG-C");

    assert_eq!(shown(&app, year - 3, None, "labor_inspectors").await, "1");
    assert_eq!(
        shown(&app, year - 3, None, "labor_inspectors_on_last_day").await,
        "1"
    );
    assert_eq!(shown(&app, year - 2, None, "labor_inspectors").await, "1");
    assert_eq!(
        shown(&app, year - 2, None, "labor_inspectors_on_last_day").await,
        "0",
        "left in June"
    );
    assert_eq!(shown(&app, year - 1, None, "labor_inspectors").await, "0");
    assert_eq!(shown(&app, year, None, "labor_inspectors").await, "0");
    assert_eq!(shown(&app, 2020, None, "labor_inspectors").await, "0");
    assert_eq!(
        shown(&app, year - 2, Some(osh_region), "labor_inspectors").await,
        "1"
    );
    assert_eq!(
        shown(&app, year - 2, Some(chuy), "labor_inspectors").await,
        "0"
    );
    // The year with no one in post: the ratio says so.
    let page = english(&app, &format!("/reports/enforcement?year={}", year - 1)).await;
    assert_eq!(
        page.text_of("#ilo-workers-per-inspector").as_deref(),
        Some("No labour inspector in post")
    );
    // The schema page says which dates the figure uses.
    let schema = english(&app, "/public/schema").await;
    assert!(
        schema
            .text_of("#about-labor_inspectors_on_last_day")
            .is_some_and(|t| t.contains("31 December"))
    );
}

#[actix_web::test]
async fn bad_post_dates_are_refused_next_to_the_field_in_kyrgyz() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Admin).await;
    let year = today().year();
    let osh = office(&app, "KG-O", "Osh test inspection office");
    let inspector = inspector_in(&app, osh);
    let future = (today() + chrono::Days::new(3))
        .format("%d.%m.%Y")
        .to_string();
    let in_future = "Бул күн али келе элек.";

    // A first day in the future.
    let page = app
        .post_form(
            &format!("/admin/users/{inspector}/posts"),
            &[
                ("post_agency_id", &osh.to_string()),
                ("post_from_on", &future),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.text_of("#post_from_on-error").as_deref(),
        Some(in_future)
    );
    assert_eq!(
        page.input_value("post_from_on").as_deref(),
        Some(future.as_str())
    );
    assert_eq!(app.count("inspector_posts"), 0);

    let from = format!("01.01.{}", year - 1);
    assert_eq!(
        open_post(&app, inspector, osh, &from).await,
        StatusCode::SEE_OTHER
    );
    let opened = app.audit_count("inspector_post_opened");

    // An end before the start, and one in the future.
    let page = end_post(&app, inspector, &format!("31.12.{}", year - 2)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.text_of("#post_to_on-error").as_deref(),
        Some("Акыркы күнү кызматтагы биринчи күндөн мурун.")
    );
    let page = end_post(&app, inspector, &future).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.text_of("#post_to_on-error").as_deref(),
        Some(in_future)
    );
    // A second post while one is open, and one overlapping an ended post.
    let page = app
        .post_form(
            &format!("/admin/users/{inspector}/posts"),
            &[
                ("post_agency_id", &osh.to_string()),
                ("post_from_on", &format!("01.06.{}", year - 1)),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let overlap = "Бул күнү адам буга чейин эле кызматта: кызмат мезгилдери бири-бири менен кесилишпеши керек.";
    assert_eq!(
        page.text_of("#post_from_on-error").as_deref(),
        Some(overlap)
    );
    let ended = end_post(&app, inspector, &format!("30.06.{}", year - 1)).await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    let page = app
        .post_form(
            &format!("/admin/users/{inspector}/posts"),
            &[
                ("post_agency_id", &osh.to_string()),
                ("post_from_on", &format!("30.06.{}", year - 1)),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.text_of("#post_from_on-error").as_deref(),
        Some(overlap)
    );
    // Nothing of the refused ones was written.
    assert_eq!(app.count("inspector_posts"), 1);
    assert_eq!(app.audit_count("inspector_post_opened"), opened);
    assert_eq!(app.audit_count("inspector_post_ended"), 1);
    // A stale end form (the post ended meanwhile) is a conflict, not a 500.
    let page = app
        .post_form(
            &format!("/admin/users/{inspector}/posts/end"),
            &[("post", "1"), ("version", "1"), ("post_to_on", &from)],
        )
        .await;
    assert!(
        matches!(page.status, StatusCode::CONFLICT | StatusCode::NOT_FOUND),
        "{}",
        page.status
    );
    // A case worker holds no post.
    let worker = app.create_user(Role::CaseWorker, false).await;
    let worker = fixtures::user_id(&mut app.conn(), &worker);
    let page = app
        .post_form(
            &format!("/admin/users/{worker}/posts"),
            &[
                ("post_agency_id", &osh.to_string()),
                ("post_from_on", &from),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("inspector_posts"), 1);
}
