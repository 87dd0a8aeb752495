//! Each role does its main task starting from its home page, in a real
//! Chromium, each in another language (issue 21): after signing in, every
//! page is reached by a click, never by a typed address.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date};

use super::Browser;
use crate::common::{TestApp, fixtures, today};

const DEMO: &str = korgoo::demo::DEMO_PASSWORD;

/// Sign in as a demo user in `lang` (chosen by its link on the sign-in
/// page, or in the menu after), landing on the home page.
async fn sign_in(browser: &Browser, app: &TestApp, login: &str, lang: &str) {
    browser
        .client()
        .goto(&app.url("/login"))
        .await
        .expect("the sign-in page");
    if browser.lang().await != lang {
        browser
            .click(&format!("nav.langs a[hreflang='{lang}']"))
            .await;
    }
    browser.fill("#login", login).await;
    browser.fill("#password", DEMO).await;
    browser.click("#sign-in").await;
    assert_eq!(browser.path().await, "/");
    // Nothing chosen on the sign-in page (its language was the default):
    // the user's own language, changed from the menu if need be.
    if browser.lang().await != lang {
        browser
            .click(&format!("nav.langs a[hreflang='{lang}']"))
            .await;
    }
    assert_eq!(browser.path().await, "/");
    assert_eq!(browser.lang().await, lang, "{login} works in {lang}");
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[actix_web::test]
async fn the_unit_head_approves_a_plan_from_the_home_page_in_kyrgyz_in_chromium() {
    let app = TestApp::with_demo().await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, "supervisor.karasuu", "ky").await;
    let link = browser
        .attr("#awaiting-decision a[href$='#next-steps']", "href")
        .await
        .expect("a plan awaiting approval, linked");
    let id = crate::home::case_of(&link);
    browser
        .click(&format!(
            "#awaiting-decision a[href$='/cases/{id}#next-steps']"
        ))
        .await;
    browser.click("#approve-plan").await;
    let status: String = korgoo::db::schema::cases::table
        .find(id)
        .select(korgoo::db::schema::cases::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "in_services");
    browser.close().await;
}

#[actix_web::test]
async fn the_case_worker_records_a_follow_up_visit_from_the_home_page_in_russian_in_chromium() {
    let app = TestApp::with_demo().await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, "worker.karasuu", "ru").await;
    let link = browser
        .attr("#my-cases a[href$='#follow-ups']", "href")
        .await
        .expect("a case whose follow-up visit is due");
    let id = crate::home::case_of(&link);
    let visits = || -> i64 {
        korgoo::db::schema::follow_ups::table
            .filter(korgoo::db::schema::follow_ups::case_id.eq(id))
            .count()
            .get_result(&mut app.conn())
            .unwrap()
    };
    let before = visits();
    browser
        .click(&format!("#my-cases a[href$='/cases/{id}#follow-ups']"))
        .await;
    browser.open_details_of("#visited_on").await;
    browser
        .set_date("visited_on", &today().format("%Y-%m-%d").to_string())
        .await;
    browser
        .click_in_page("input[name=still_working][value=no]")
        .await;
    browser
        .click_in_page("input[name=attending_school][value=yes]")
        .await;
    browser.click("#save-follow-up").await;
    assert_eq!(visits(), before + 1);
    browser.close().await;
}

#[actix_web::test]
async fn the_provider_accepts_a_referral_from_the_home_page_in_english_in_chromium() {
    let app = TestApp::with_demo().await;
    let agency = fixtures::agency_of(&mut app.conn(), "provider.osh");
    // The unit head sends the centre one more referral (through the page).
    let referral = crate::home::send_demo_referral(&app, agency).await;

    let browser = Browser::start().await;
    sign_in(&browser, &app, "provider.osh", "en").await;
    assert!(!browser.text("#nav-count-referrals").await.is_empty());
    browser
        .click(&format!(
            "#new-referrals a[href='/referrals/{referral}#answer']"
        ))
        .await;
    browser.click("#accept").await;
    let status: String = korgoo::db::schema::referrals::table
        .find(referral)
        .select(korgoo::db::schema::referrals::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "accepted");
    browser.close().await;
}

#[actix_web::test]
async fn the_prosecutor_sends_a_long_investigation_to_court_from_the_home_page_in_russian_in_chromium()
 {
    let app = TestApp::with_demo().await;
    let agency = fixtures::agency_of(&mut app.conn(), "prosecutor.osh");
    let due: i64 = diesel::sql_query(
        "UPDATE investigations SET stage_on = $2::date - 75
          WHERE id = (SELECT min(id) FROM investigations WHERE agency_id = $1
                       AND stage = 'investigation')
          RETURNING id",
    )
    .bind::<BigInt, _>(agency)
    .bind::<Date, _>(today())
    .get_result::<Id>(&mut app.conn())
    .unwrap()
    .id;
    let browser = Browser::start().await;
    sign_in(&browser, &app, "prosecutor.osh", "ru").await;
    browser
        .click(&format!("#stage-due a[href='/investigations/{due}#moves']"))
        .await;
    browser
        .set_date("on", &today().format("%Y-%m-%d").to_string())
        .await;
    browser.click("#move-send_to_court").await;
    let stage: String = korgoo::db::schema::investigations::table
        .find(due)
        .select(korgoo::db::schema::investigations::stage)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(stage, "in_court");
    browser.close().await;
}

#[actix_web::test]
async fn the_official_reaches_the_dashboard_and_report_from_the_home_page_in_kyrgyz_in_chromium() {
    let app = TestApp::with_demo().await;
    let browser = Browser::start().await;
    sign_in(&browser, &app, "official", "ky").await;
    assert!(!browser.text("#home-figures").await.is_empty());
    browser.click("#to-dashboard").await;
    assert_eq!(browser.path().await, "/reports/dashboard");
    assert!(browser.count(".figure-cards .card").await > 0);
    browser.click(".tabs a[href='/reports/enforcement']").await;
    assert_eq!(browser.path().await, "/reports/enforcement");
    browser.close().await;
}

#[actix_web::test]
async fn the_inspector_opens_a_planned_inspection_whose_day_has_come_from_the_home_page_in_kyrgyz_in_chromium()
 {
    let app = TestApp::with_demo().await;
    // A plan made earlier for today (the form accepts a future day only as
    // a plan; its day has now come).
    let inspector = app.other_browser();
    inspector.login("inspector.osh", DEMO).await;
    let establishment: i64 = diesel::sql_query(
        "SELECT e.id FROM establishments e JOIN locations l ON l.id = e.location_id
          WHERE l.path LIKE 'KG/KG-O%' ORDER BY e.id LIMIT 1",
    )
    .get_result::<Id>(&mut app.conn())
    .unwrap()
    .id;
    let establishment = establishment.to_string();
    let tomorrow = crate::common::days_ahead(1);
    let none = [
        ("girls_under_14", "0"),
        ("boys_14_15", "0"),
        ("children_found", "0"),
        ("violation_underage_work", ""),
        ("violation_hazardous_work", ""),
    ];
    let planned = inspector
        .post_form(
            "/inspections",
            &crate::inspections::inspection_form(&establishment, &tomorrow, &[], &none),
        )
        .await;
    assert_eq!(planned.status, reqwest::StatusCode::SEE_OTHER);
    let id: i64 = planned
        .location()
        .unwrap()
        .trim_start_matches("/inspections/")
        .parse()
        .unwrap();
    diesel::sql_query("UPDATE inspections SET visited_on = $2 WHERE id = $1")
        .bind::<BigInt, _>(id)
        .bind::<Date, _>(today())
        .execute(&mut app.conn())
        .unwrap();

    let browser = Browser::start().await;
    sign_in(&browser, &app, "inspector.osh", "ky").await;
    assert_eq!(
        browser.text("#nav-count-inspections [aria-hidden]").await,
        "1"
    );
    browser
        .click(&format!("#planned-inspections a[href='/inspections/{id}']"))
        .await;
    browser.click("#edit-inspection").await;
    assert_eq!(browser.path().await, format!("/inspections/{id}/edit"));
    browser.close().await;
}
