//! Each role's home is its queue (issue 21): what waits for the user, ranked
//! by what is due first, each line saying what is due and since when and
//! linking to where it is done, with the count in the menu. Walked on the
//! demo data as each role; every expected figure is read from the records.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date};
use reqwest::StatusCode;

use crate::common::{TestApp, fixtures, today};

const DEMO: &str = korgoo::demo::DEMO_PASSWORD;

/// The case a home page's link leads to (`/cases/12#next-steps`, or the
/// full address a browser reports).
pub(crate) fn case_of(link: &str) -> i64 {
    link.rsplit("/cases/")
        .next()
        .and_then(|rest| rest.split('#').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no case in {link}"))
}

/// The Kara-Suu unit head sends the agency one more referral, through the
/// case page (a case in services, the first service the agency offers, the
/// guardian's consent overridden); returns the referral's id.
pub(crate) async fn send_demo_referral(app: &TestApp, agency: i64) -> i64 {
    let (case, service): (i64, String) = diesel::sql_query(
        "SELECT c.id AS n, a.services[1] AS service FROM cases c, agencies a
          WHERE a.id = $1 AND c.status = 'in_services'
            AND c.unit_id = (SELECT id FROM agencies WHERE code = 'CSU-KG-O-KARASUU')
          ORDER BY c.id LIMIT 1",
    )
    .bind::<BigInt, _>(agency)
    .get_result::<CaseAndService>(&mut app.conn())
    .map(|r| (r.n, r.service))
    .unwrap();
    let head = app.other_browser();
    head.login("supervisor.karasuu", DEMO).await;
    let sent = crate::cases::refer(
        &head,
        case,
        agency,
        &[],
        &[
            ("service", &service),
            ("override_reason", "The guardian could not be reached."),
        ],
    )
    .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    korgoo::db::schema::referrals::table
        .select(diesel::dsl::max(korgoo::db::schema::referrals::id))
        .first::<Option<i64>>(&mut app.conn())
        .unwrap()
        .unwrap()
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(app: &TestApp, sql: &str, key: i64) -> i64 {
    diesel::sql_query(sql)
        .bind::<BigInt, _>(key)
        .bind::<Date, _>(today())
        .get_result::<N>(&mut app.conn())
        .unwrap()
        .n
}

/// The lines of a list of the home page: (link, text).
fn lines(page: &crate::common::Page, list: &str) -> Vec<(String, String)> {
    let html = page.html();
    let selector = scraper::Selector::parse(&format!("#{list} li")).unwrap();
    let link = scraper::Selector::parse("a").unwrap();
    html.select(&selector)
        .map(|li| {
            let href = li
                .select(&link)
                .next()
                .and_then(|a| a.value().attr("href"))
                .unwrap_or_default()
                .to_owned();
            (href, li.text().collect::<String>())
        })
        .collect()
}

/// The home page in English (the choice is kept on the user).
async fn in_english(app: &TestApp) -> crate::common::Page {
    assert_eq!(app.get("/?lang=en").await.status, StatusCode::SEE_OTHER);
    app.get("/").await
}

fn shown_count(page: &crate::common::Page, list: &str) -> i64 {
    page.text_of(&format!("#{list}-count"))
        .unwrap_or_else(|| panic!("no count of {list}"))
        .trim()
        .parse()
        .unwrap()
}

fn menu_count(page: &crate::common::Page, item: &str) -> Option<i64> {
    page.text_of(&format!("#nav-count-{item} [aria-hidden]"))
        .map(|t| t.trim().parse().unwrap())
}

#[actix_web::test]
async fn the_unit_heads_home_lists_decisions_cases_to_assign_and_what_is_overdue_with_the_count_in_the_menu()
 {
    let app = TestApp::with_demo().await;
    let unit = fixtures::agency_by_code(&mut app.conn(), "CSU-KG-O-KARASUU");
    app.login("supervisor.karasuu", DEMO).await;
    let home = in_english(&app).await;
    assert_eq!(home.status, StatusCode::OK);

    let plans = count(
        &app,
        "SELECT count(*) AS n FROM cases WHERE unit_id = $1 AND status = 'case_plan'
           AND plan_submitted_at IS NOT NULL AND $2::date IS NOT NULL",
        unit,
    );
    let closures = count(
        &app,
        "SELECT count(*) AS n FROM cases WHERE unit_id = $1
           AND closure_requested_by IS NOT NULL AND $2::date IS NOT NULL",
        unit,
    );
    let to_assign = count(
        &app,
        "SELECT count(*) AS n FROM cases WHERE unit_id = $1 AND status = 'new'
           AND assigned_to IS NULL AND $2::date IS NOT NULL",
        unit,
    );
    let overdue = count(
        &app,
        "SELECT count(*) AS n FROM cases WHERE unit_id = $1 AND status <> 'closed'
           AND due_on < $2",
        unit,
    );
    let transfers = count(
        &app,
        "SELECT count(*) AS n FROM cases WHERE transfer_to_unit_id = $1 AND $2::date IS NOT NULL",
        unit,
    );
    assert!(plans > 0 && closures > 0, "the demo has decisions waiting");
    assert_eq!(shown_count(&home, "awaiting-decision"), plans + closures);
    assert_eq!(shown_count(&home, "unassigned-cases"), to_assign);
    assert_eq!(shown_count(&home, "overdue-cases"), overdue);
    // The menu counts the head's own steps.
    assert_eq!(
        menu_count(&home, "cases"),
        Some(plans + closures + to_assign + transfers)
    );

    // Each decision says what it is and since when, and links to the form.
    let decisions = lines(&home, "awaiting-decision");
    assert_eq!(
        i64::try_from(decisions.len()).unwrap(),
        (plans + closures).min(20)
    );
    let plan = decisions
        .iter()
        .find(|(_, text)| text.contains("approve or return the case plan"))
        .expect("a plan awaiting approval");
    assert!(plan.0.ends_with("#next-steps"), "{plan:?}");
    assert!(plan.1.contains("since "), "{plan:?}");
    let closure = decisions
        .iter()
        .find(|(_, text)| text.contains("decide on closing the case"))
        .expect("a closure awaiting a decision");
    assert!(closure.0.ends_with("#closure-request"), "{closure:?}");
    // One click away: the plan's page offers its approval.
    let case = app.get(&plan.0).await;
    assert_eq!(case.status, StatusCode::OK);
    assert!(case.text_of("#approve-plan").is_some());

    // An overdue line names what is due.
    for (_, text) in lines(&home, "overdue-cases") {
        assert!(
            ["assessment", "case plan", "follow-up visit"]
                .iter()
                .any(|w| text.contains(w)),
            "{text}"
        );
        assert!(text.contains("due "), "{text}");
    }

    // Approving a plan takes it off the list and the menu's count.
    let id = case_of(&plan.0);
    let version: i32 = korgoo::db::schema::cases::table
        .find(id)
        .select(korgoo::db::schema::cases::version)
        .first(&mut app.conn())
        .unwrap();
    let answer = app
        .post_form(
            &format!("/cases/{id}/step"),
            &[
                ("step", "approve_plan"),
                ("version", &version.to_string()),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let after = app.get("/").await;
    assert_eq!(
        shown_count(&after, "awaiting-decision"),
        plans + closures - 1
    );
    assert_eq!(
        menu_count(&after, "cases"),
        Some(plans + closures + to_assign + transfers - 1)
    );
    assert!(
        !lines(&after, "awaiting-decision")
            .iter()
            .any(|(href, _)| href.starts_with(&format!("/cases/{id}#")))
    );
}

#[actix_web::test]
async fn the_case_workers_home_ranks_their_cases_by_what_is_due_first() {
    let app = TestApp::with_demo().await;
    let me = fixtures::user_id(&mut app.conn(), "worker.karasuu");
    app.login("worker.karasuu", DEMO).await;
    let home = in_english(&app).await;
    let open = count(
        &app,
        "SELECT count(*) AS n FROM cases WHERE assigned_to = $1 AND status <> 'closed'
           AND $2::date IS NOT NULL",
        me,
    );
    assert!(open > 0);
    assert_eq!(shown_count(&home, "my-cases"), open);
    let mine = lines(&home, "my-cases");
    assert_eq!(i64::try_from(mine.len()).unwrap(), open.min(20));
    // Ranked by the next step's date, what is due first.
    let dues: Vec<(i64, Option<chrono::NaiveDate>)> = mine
        .iter()
        .map(|(href, _)| {
            let id = case_of(href);
            let due = korgoo::db::schema::cases::table
                .find(id)
                .select(korgoo::db::schema::cases::due_on)
                .first::<Option<chrono::NaiveDate>>(&mut app.conn())
                .unwrap();
            (id, due)
        })
        .collect();
    let mut sorted = dues.clone();
    sorted.sort_by_key(|(id, due)| (due.is_none(), *due, *id));
    assert_eq!(dues, sorted);
    // What waits for the head is marked as waiting, the rest name the step.
    for (_, text) in &mine {
        assert!(
            [
                "assessment",
                "case plan",
                "follow-up visit",
                "waits for the unit head"
            ]
            .iter()
            .any(|w| text.contains(w)),
            "{text}"
        );
    }
    let overdue = count(
        &app,
        "SELECT count(*) AS n FROM cases WHERE assigned_to = $1 AND status <> 'closed'
           AND due_on < $2",
        me,
    );
    assert_eq!(menu_count(&home, "cases"), (overdue > 0).then_some(overdue));
    // The unit's other work is the head's: not listed for the worker.
    assert!(home.text_of("#awaiting-decision").is_none());
}

#[actix_web::test]
async fn a_providers_home_lists_the_referrals_to_answer_and_the_menu_counts_them() {
    let app = TestApp::with_demo().await;
    let agency = fixtures::agency_of(&mut app.conn(), "provider.osh");
    // The unit head sends one more referral to the provider's centre.
    send_demo_referral(&app, agency).await;

    app.login("provider.osh", DEMO).await;
    let home = app.get("/").await;
    let waiting = count(
        &app,
        "SELECT count(*) AS n FROM referrals WHERE agency_id = $1 AND status = 'sent'
           AND $2::date IS NOT NULL",
        agency,
    );
    assert!(waiting > 0);
    assert_eq!(shown_count(&home, "new-referrals"), waiting);
    assert_eq!(menu_count(&home, "referrals"), Some(waiting));
    let (href, _) = lines(&home, "new-referrals")
        .into_iter()
        .max_by_key(|(href, _)| {
            href.trim_start_matches("/referrals/")
                .split('#')
                .next()
                .and_then(|n| n.parse::<i64>().ok())
        })
        .unwrap();
    assert!(href.starts_with("/referrals/"), "{href}");
    assert!(href.ends_with("#answer"), "{href}");
    let id = href
        .trim_start_matches("/referrals/")
        .split('#')
        .next()
        .unwrap()
        .to_owned();
    let page = app.get(&href).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text_of("#accept").is_some(),
        "the answer is one click away"
    );
    let version = page.input_value("version").unwrap();
    let accepted = app
        .post_form(
            &format!("/referrals/{id}/step"),
            &[
                ("step", "accept"),
                ("version", &version),
                ("note", ""),
                ("on", &crate::common::days_ago(0)),
            ],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let after = app.get("/").await;
    assert_eq!(shown_count(&after, "new-referrals"), waiting - 1);
    assert_eq!(
        menu_count(&after, "referrals"),
        (waiting > 1).then_some(waiting - 1)
    );
}

#[derive(QueryableByName)]
struct CaseAndService {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    service: String,
}

#[actix_web::test]
async fn law_enforcement_sees_referrals_waiting_and_investigations_due_a_decision() {
    let app = TestApp::with_demo().await;
    let agency = fixtures::agency_of(&mut app.conn(), "prosecutor.osh");
    // An investigation of the office opened long ago still at its first stage.
    let due: i64 = diesel::sql_query(
        "UPDATE investigations SET stage_on = $2::date - 61
          WHERE id = (SELECT min(id) FROM investigations WHERE agency_id = $1
                       AND stage = 'investigation')
          RETURNING id AS n",
    )
    .bind::<BigInt, _>(agency)
    .bind::<Date, _>(today())
    .get_result::<N>(&mut app.conn())
    .unwrap()
    .n;
    app.login("prosecutor.osh", DEMO).await;
    let home = in_english(&app).await;
    let waiting = count(
        &app,
        "SELECT count(*) AS n FROM le_referrals WHERE agency_id = $1 AND status = 'sent'
           AND $2::date IS NOT NULL",
        agency,
    );
    assert_eq!(shown_count(&home, "le-waiting"), waiting);
    assert_eq!(
        menu_count(&home, "investigations"),
        (waiting > 0).then_some(waiting)
    );
    let stages = lines(&home, "stage-due");
    let line = stages
        .iter()
        .find(|(href, _)| href == &format!("/investigations/{due}#moves"))
        .unwrap_or_else(|| panic!("{stages:?}"));
    assert!(line.1.contains("send to court"), "{line:?}");
    // Only those at the stage for the setting's days (60) or more.
    let listed = count(
        &app,
        "SELECT count(*) AS n FROM investigations WHERE agency_id = $1
           AND stage = 'investigation' AND stage_on <= $2::date - 60",
        agency,
    );
    assert_eq!(shown_count(&home, "stage-due"), listed);
}

#[actix_web::test]
async fn the_officials_home_leads_to_the_reports_with_this_years_headline_figures() {
    let app = TestApp::with_demo().await;
    app.login("official", DEMO).await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let html = home.html();
    for id in ["to-dashboard", "to-report", "to-tracker"] {
        let a = scraper::Selector::parse(&format!("#{id}")).unwrap();
        let href = html
            .select(&a)
            .next()
            .and_then(|a| a.value().attr("href"))
            .unwrap_or_else(|| panic!("no #{id}"))
            .to_owned();
        assert_eq!(app.get(&href).await.status, StatusCode::OK, "{href}");
    }
    // The figures are the dashboard's for this year, protected the same way.
    let dashboard = app.get("/reports/dashboard").await;
    for name in ["children_identified", "children_assisted", "inspections"] {
        let shown = home
            .text_of(&format!("#home-{name}"))
            .unwrap_or_else(|| panic!("no {name} on the home page"));
        let on_dashboard = dashboard
            .text_of(&format!("#k-{name}"))
            .unwrap_or_else(|| panic!("no {name} on the dashboard"));
        let digits = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(digits(&shown), digits(&on_dashboard), "{name}");
    }
    // No list of anyone's work: an official sees no record.
    assert!(home.text_of("#queue").is_none());
}

#[actix_web::test]
async fn the_inspectors_menu_counts_planned_inspections_whose_day_has_come() {
    let app = TestApp::with_demo().await;
    app.login("inspector.osh", DEMO).await;
    let me = fixtures::user_id(&mut app.conn(), "inspector.osh");
    let due = || {
        count(
            &app,
            "SELECT count(*) AS n FROM inspections i WHERE i.status = 'planned'
               AND i.visited_on <= $2
               AND EXISTS (SELECT 1 FROM inspection_inspectors p
                            WHERE p.inspection_id = i.id AND p.user_id = $1)",
            me,
        )
    };
    let before = due();
    let home = app.get("/").await;
    assert_eq!(
        menu_count(&home, "inspections"),
        (before > 0).then_some(before)
    );
    // A visit planned for tomorrow is not due yet...
    let establishment: String = diesel::sql_query(
        "SELECT e.id AS n FROM establishments e JOIN locations l ON l.id = e.location_id
          WHERE l.path LIKE 'KG/KG-O%' ORDER BY e.id LIMIT 1",
    )
    .get_result::<N>(&mut app.conn())
    .unwrap()
    .n
    .to_string();
    let tomorrow = crate::common::days_ahead(1);
    let nothing_yet = [
        ("girls_under_14", "0"),
        ("boys_14_15", "0"),
        ("children_found", "0"),
        ("violation_underage_work", ""),
        ("violation_hazardous_work", ""),
    ];
    let planned = app
        .post_form(
            "/inspections",
            &crate::inspections::inspection_form(&establishment, &tomorrow, &[], &nothing_yet),
        )
        .await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    let home = app.get("/").await;
    assert_eq!(
        menu_count(&home, "inspections"),
        (before > 0).then_some(before)
    );
    // ...and is once its day has come.
    diesel::sql_query(
        "UPDATE inspections SET visited_on = $2 WHERE id = (SELECT max(id) FROM inspections)
           AND $1::bigint IS NOT NULL",
    )
    .bind::<BigInt, _>(me)
    .bind::<Date, _>(today())
    .execute(&mut app.conn())
    .unwrap();
    assert_eq!(due(), before + 1);
    let home = app.get("/").await;
    assert_eq!(menu_count(&home, "inspections"), Some(before + 1));
}

#[actix_web::test]
async fn the_inspection_heads_home_lists_complaints_to_verify_or_resolve() {
    let app = TestApp::with_demo().await;
    app.login("head.inspection.osh", DEMO).await;
    let path: String = diesel::sql_query(
        "SELECT l.path AS service, 0::bigint AS n FROM users u JOIN locations l ON l.id = u.location_id
          WHERE u.login = 'head.inspection.osh'",
    )
    .get_result::<CaseAndService>(&mut app.conn())
    .unwrap()
    .service;
    #[derive(QueryableByName)]
    struct Open {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let open = diesel::sql_query(
        "SELECT count(*) AS n FROM school_fee_complaints s JOIN locations l ON l.id = s.location_id
          WHERE s.status IN ('received', 'verified') AND (l.path = $1 OR l.path LIKE $1 || '/%')",
    )
    .bind::<diesel::sql_types::Text, _>(&path)
    .get_result::<Open>(&mut app.conn())
    .unwrap()
    .n;
    let home = app.get("/").await;
    assert!(open > 0, "the demo has complaints waiting in {path}");
    assert_eq!(shown_count(&home, "complaints-to-process"), open);
    let (href, _) = lines(&home, "complaints-to-process").remove(0);
    assert_eq!(app.get(&href).await.status, StatusCode::OK, "{href}");
}

/// A year whose count of children is not shown is named in the trend's
/// legend ("hidden") exactly when the trend's table hides one (issue 21:
/// a hidden point just ended the line).
#[actix_web::test]
async fn the_trend_legend_names_a_hidden_year_exactly_when_the_table_hides_one() {
    let app = TestApp::with_demo().await;
    app.login("official", DEMO).await;
    let places: Vec<i32> = korgoo::db::schema::locations::table
        .filter(korgoo::db::schema::locations::level.eq_any(["region", "district"]))
        .select(korgoo::db::schema::locations::id)
        .load(&mut app.conn())
        .unwrap();
    let mut seen_hidden = false;
    for id in places {
        let page = app.get(&format!("/reports/dashboard?territory={id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        let Some(trend) = page.text_of("#trend") else {
            continue;
        };
        let hides = ["<5", "hidden", "жашырылган", "скрыто"]
            .iter()
            .any(|w| trend.contains(w));
        seen_hidden |= hides;
        assert_eq!(
            page.text_of("#legend-hidden").is_some(),
            hides,
            "territory {id}"
        );
        assert_eq!(
            page.text_of("#trend-hidden-note").is_some(),
            hides,
            "territory {id}"
        );
    }
    assert!(
        seen_hidden,
        "the demo has a district with a year too small to show"
    );
}
