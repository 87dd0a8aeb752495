//! The indicators about children, checked against a small dataset whose every
//! figure is counted by hand below: a child with two forms of exploitation
//! (once per form, once in the total), a child with two cases (one closed and
//! reopened), year boundaries in Asia/Bishkek time, services started and not,
//! follow-ups with a latest visit, a referral overdue. Then the same figures
//! through HTTP: exact on the dashboard when the threshold lets them through,
//! protected in the downloads and on the public page with the default one.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Int4, Text};
use korgoo::admin::model::AgencyKind;
use korgoo::policy::Role;
use korgoo::reports::figures;
use korgoo::reports::indicators::{self, Period};
use reqwest::StatusCode;

use crate::common::{TestApp, fixtures};

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

pub(crate) struct World {
    pub(crate) unit: i64,
    pub(crate) provider: i64,
    pub(crate) worker: i64,
    karasuu: i32,
}

pub(crate) fn world(app: &TestApp) -> World {
    let mut conn = app.conn();
    let unit = fixtures::agency(
        &mut conn,
        AgencyKind::ChildSupportUnit,
        "KG-O-KARASUU",
        "Kara-Suu unit",
    );
    let provider = fixtures::agency(
        &mut conn,
        AgencyKind::RehabilitationCenter,
        "KG-O",
        "Osh centre",
    );
    let login = fixtures::user_in(&app.db.url, Role::CaseWorker, unit);
    World {
        unit,
        provider,
        worker: fixtures::user_id(&mut conn, &login),
        karasuu: fixtures::location(&mut conn, "KG-O-KARASUU"),
    }
}

pub(crate) fn child(conn: &mut PgConnection, w: &World, name: &str, sex: &str, born: &str) -> i64 {
    diesel::sql_query(
        "INSERT INTO children (family_name, given_name, search_name, sex, birth_date,
           home_location_id, language, school_status, created_by)
         VALUES ($1, 'Test', lower($1), $2, $3::date, $4, 'ky', 'enrolled', $5) RETURNING id",
    )
    .bind::<Text, _>(name)
    .bind::<Text, _>(sex)
    .bind::<Text, _>(born)
    .bind::<Int4, _>(w.karasuu)
    .bind::<BigInt, _>(w.worker)
    .get_result::<Id>(conn)
    .expect("a child")
    .id
}

/// A case opened at an instant given with its offset.
pub(crate) fn case(
    conn: &mut PgConnection,
    w: &World,
    child: i64,
    forms: &str,
    sector: &str,
    status: &str,
    opened: &str,
) -> i64 {
    diesel::sql_query(
        "INSERT INTO cases (child_id, unit_id, location_id, source, forms, sector, risk, status,
           opened_by, opened_at, identified_on, closure_reason, closed_at)
         VALUES ($1, $2, $3, 'hotline', $4::text[], $5, 'high', $6, $7, $8::timestamptz,
           ($8::timestamptz AT TIME ZONE 'Asia/Bishkek')::date,
           CASE WHEN $6 = 'closed' THEN 'withdrawn' END,
           CASE WHEN $6 = 'closed' THEN $8::timestamptz + interval '30 days' END)
         RETURNING id",
    )
    .bind::<BigInt, _>(child)
    .bind::<BigInt, _>(w.unit)
    .bind::<Int4, _>(w.karasuu)
    .bind::<Text, _>(forms)
    .bind::<Text, _>(sector)
    .bind::<Text, _>(status)
    .bind::<BigInt, _>(w.worker)
    .bind::<Text, _>(opened)
    .get_result::<Id>(conn)
    .expect("a case")
    .id
}

fn referral(
    conn: &mut PgConnection,
    w: &World,
    case: i64,
    service: &str,
    status: &str,
    sent: &str,
    started: Option<&str>,
) {
    diesel::sql_query(
        "INSERT INTO referrals (case_id, agency_id, service, urgency, answer_by, status, sent_by,
           sent_at, started_at, started_on)
         VALUES ($1, $2, $3, 'routine', ($5::timestamptz)::date + 7, $4, $6, $5::timestamptz,
           $7::timestamptz, ($7::timestamptz AT TIME ZONE 'Asia/Bishkek')::date)",
    )
    .bind::<BigInt, _>(case)
    .bind::<BigInt, _>(w.provider)
    .bind::<Text, _>(service)
    .bind::<Text, _>(status)
    .bind::<Text, _>(sent)
    .bind::<BigInt, _>(w.worker)
    .bind::<diesel::sql_types::Nullable<Text>, _>(started)
    .execute(conn)
    .expect("a referral");
}

fn follow_up(conn: &mut PgConnection, w: &World, case: i64, on: &str, working: bool, school: bool) {
    diesel::sql_query(
        "INSERT INTO follow_ups (case_id, visited_on, visited_by, still_working, attending_school)
         VALUES ($1, $2::date, $3, $4, $5)",
    )
    .bind::<BigInt, _>(case)
    .bind::<Text, _>(on)
    .bind::<BigInt, _>(w.worker)
    .bind::<diesel::sql_types::Bool, _>(working)
    .bind::<diesel::sql_types::Bool, _>(school)
    .execute(conn)
    .expect("a follow-up");
}

/// The dataset, all in Kara-Suu (Osh Region):
/// - A, a girl born 2012-06-01: a case opened 2025-03-01 in forced labour
///   and trafficking, services rehabilitation (started 03-10, completed) and
///   medical (started 04-01, in service); follow-ups 06-01 still working,
///   09-01 out of work and at school. A second case opened 2025-11-01, closed
///   before and reopened (status assessment), no service.
/// - B, a boy born 2010-01-15: opened 2025-05-01, hazardous work in the street,
///   catch-up education started 05-11; follow-up 08-01 still working, not at
///   school.
/// - C, a boy born 2008-12-31: opened 2026-01-01 01:30 Bishkek time (still
///   2025 in UTC): a 2026 child.
/// - D, a girl born 2009-03-03: opened 2025-01-01 00:30 Bishkek time (2024 in
///   UTC): a 2025 child; commercial sexual exploitation; a psychosocial
///   referral sent 2025-01-02 and never answered (overdue).
pub(crate) fn dataset(app: &TestApp) -> World {
    let w = world(app);
    let mut conn = app.conn();
    let c = &mut conn;
    let a = child(c, &w, "Асанова", "female", "2012-06-01");
    let b = child(c, &w, "Бакиров", "male", "2010-01-15");
    let cc = child(c, &w, "Чыныбаев", "male", "2008-12-31");
    let d = child(c, &w, "Доронбекова", "female", "2009-03-03");
    let a1 = case(
        c,
        &w,
        a,
        "{forced_labor,trafficking}",
        "agriculture",
        "in_services",
        "2025-03-01T00:00:00Z",
    );
    referral(
        c,
        &w,
        a1,
        "rehabilitation",
        "completed",
        "2025-03-02T00:00:00Z",
        Some("2025-03-10T00:00:00Z"),
    );
    referral(
        c,
        &w,
        a1,
        "medical",
        "in_service",
        "2025-03-20T00:00:00Z",
        Some("2025-04-01T00:00:00Z"),
    );
    // A referral to law enforcement is not a service.
    referral(
        c,
        &w,
        a1,
        "law_enforcement",
        "in_service",
        "2025-03-02T00:00:00Z",
        Some("2025-03-03T00:00:00Z"),
    );
    follow_up(c, &w, a1, "2025-06-01", true, false);
    follow_up(c, &w, a1, "2025-09-01", false, true);
    case(
        c,
        &w,
        a,
        "{forced_labor}",
        "agriculture",
        "assessment",
        "2025-11-01T00:00:00Z",
    );
    let b1 = case(
        c,
        &w,
        b,
        "{hazardous_work}",
        "street_work",
        "monitoring",
        "2025-05-01T00:00:00Z",
    );
    referral(
        c,
        &w,
        b1,
        "catch_up_education",
        "in_service",
        "2025-05-02T00:00:00Z",
        Some("2025-05-11T00:00:00Z"),
    );
    follow_up(c, &w, b1, "2025-08-01", true, false);
    case(
        c,
        &w,
        cc,
        "{hazardous_work}",
        "agriculture",
        "new",
        "2026-01-01T01:30:00+06:00",
    );
    let d1 = case(
        c,
        &w,
        d,
        "{commercial_sexual_exploitation}",
        "services",
        "new",
        "2025-01-01T00:30:00+06:00",
    );
    referral(
        c,
        &w,
        d1,
        "psychosocial",
        "sent",
        "2025-01-02T00:00:00Z",
        None,
    );
    w
}

/// The body of a page read by a client of its own (not signed in).
async fn text(client: &reqwest::Client, url: &str) -> String {
    client
        .get(url)
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("a body")
}

/// Read the following pages in English (the choice is remembered).
/// A signed-out visitor who chose English (a cookie of their own).
async fn english_visitor(app: &TestApp) -> reqwest::Client {
    let visitor = TestApp::new_client();
    visitor
        .get(app.url("/public?lang=en"))
        .send()
        .await
        .expect("GET");
    visitor
}

async fn english(app: &TestApp) {
    let page = app.get("/?lang=en").await;
    assert!(page.status.is_success() || page.status.is_redirection());
}

fn path_of(conn: &mut PgConnection, code: &str) -> String {
    use korgoo::db::schema::locations;
    locations::table
        .filter(locations::code.eq(code))
        .select(locations::path)
        .first(conn)
        .expect("a seeded location")
}

#[actix_web::test]
async fn every_indicator_equals_its_hand_count() {
    use korgoo::cases::model::{CaseStatus, ExploitationForm, Sector};
    let app = TestApp::spawn().await;
    dataset(&app);
    let mut conn = app.conn();
    let y2025 = Period::year(2025);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    for code in ["KG", "KG-O", "KG-O-KARASUU"] {
        let path = path_of(&mut conn, code);
        // What is served (a year read from the kept tables) and a recount
        // from the records both equal the hand count.
        let served = figures::load(&mut conn, &y2025, &path, today).unwrap();
        let id = served.identified.clone();
        assert_eq!(
            id,
            indicators::identified(&mut conn, &y2025, &path).unwrap()
        );
        assert_eq!(id.total, 3, "A, B, D; C is 2026 in Bishkek ({path})");
        let form = |f: ExploitationForm| {
            id.by_form[ExploitationForm::ALL.iter().position(|x| *x == f).unwrap()]
        };
        assert_eq!(
            form(ExploitationForm::ForcedLabor),
            1,
            "A once, with two cases"
        );
        assert_eq!(
            form(ExploitationForm::Trafficking),
            1,
            "A again: once per form"
        );
        assert_eq!(form(ExploitationForm::HazardousWork), 1);
        assert_eq!(form(ExploitationForm::CommercialSexualExploitation), 1);
        assert_eq!(form(ExploitationForm::ForcedBegging), 0);
        assert_eq!(
            id.by_form.iter().sum::<i64>(),
            4,
            "four form-children, three children"
        );
        let sector = |s: Sector| id.by_sector[Sector::ALL.iter().position(|x| *x == s).unwrap()];
        assert_eq!(sector(Sector::Agriculture), 1);
        assert_eq!(sector(Sector::StreetWork), 1);
        assert_eq!(sector(Sector::Services), 1);
        assert_eq!(id.by_sex, vec![2, 1], "female A and D, male B");
        assert_eq!(id.by_age, vec![1, 2, 0, 0], "A 12–13; B 15; D 15");
        let status = |s: CaseStatus| {
            id.cases_by_status[CaseStatus::ALL.iter().position(|x| *x == s).unwrap()]
        };
        assert_eq!(status(CaseStatus::InServices), 1);
        assert_eq!(status(CaseStatus::Assessment), 1, "A's reopened case");
        assert_eq!(status(CaseStatus::Monitoring), 1);
        assert_eq!(status(CaseStatus::New), 1, "D; C is not 2025");
        assert_eq!(id.cases_by_status.iter().sum::<i64>(), 4);

        let assisted = served.assisted.clone();
        assert_eq!(
            assisted,
            indicators::assisted(&mut conn, &y2025, &path).unwrap()
        );
        assert_eq!(assisted.grand, 2, "A and B; D's referral never started");
        let forms: Vec<&str> = ExploitationForm::ALL.iter().map(|f| f.as_str()).collect();
        let services: Vec<&str> = indicators::assistance_services()
            .iter()
            .map(|s| s.as_str())
            .collect();
        let cell = |f: &str, s: &str| {
            assisted.body[forms.iter().position(|x| *x == f).unwrap()]
                [services.iter().position(|x| *x == s).unwrap()]
        };
        assert_eq!(cell("forced_labor", "rehabilitation"), 1);
        assert_eq!(cell("forced_labor", "medical"), 1);
        assert_eq!(cell("trafficking", "rehabilitation"), 1);
        assert_eq!(cell("trafficking", "medical"), 1);
        assert_eq!(cell("hazardous_work", "catch_up_education"), 1);
        assert_eq!(cell("commercial_sexual_exploitation", "psychosocial"), 0);
        assert_eq!(assisted.body.iter().flatten().sum::<i64>(), 5);
        assert_eq!(
            assisted.row_totals[forms.iter().position(|x| *x == "forced_labor").unwrap()],
            1,
            "A once though twice served"
        );
        assert_eq!(
            assisted.column_totals[services
                .iter()
                .position(|x| *x == "rehabilitation")
                .unwrap()],
            1
        );

        let m = served.monitoring.clone();
        assert_eq!(
            m,
            indicators::monitoring(&mut conn, &y2025, &path, m.overdue_referrals).unwrap()
        );
        assert_eq!(m.identified, 3);
        assert_eq!(m.served, 2, "A and B received a service");
        assert_eq!(m.median_days, Some(9.5), "A's first case 9 days, B 10 days");
        assert_eq!(m.followed_up, 2);
        assert_eq!(
            m.withdrawn, 1,
            "A's latest visit found her out of work; B's did not"
        );
        assert_eq!(m.overdue_referrals, 1, "D's referral was never answered");
        assert_eq!(
            m.follow_up_results.body,
            vec![vec![0, 1], vec![1, 0]],
            "B working not at school; A out of work at school"
        );
        assert_eq!(m.follow_up_results.grand, 2);

        let g = served.groups.clone();
        assert_eq!(g, indicators::groups(&mut conn, &y2025, &path).unwrap());
        assert_eq!(
            (g.csec, g.csec_victims),
            (1, 1),
            "D, a victim by the database's rule"
        );
        assert_eq!(
            (
                g.street,
                g.street_education,
                g.street_medical,
                g.street_social
            ),
            (1, 1, 0, 0)
        );
    }
    // Year boundaries in Bishkek time.
    for (year, n, why) in [
        (2026, 1, "C"),
        (2024, 0, "D was opened on 1 January in Bishkek"),
    ] {
        let period = Period::year(year);
        let served = figures::load(&mut conn, &period, "KG", today).unwrap();
        assert_eq!(served.identified.total, n, "{why}");
        assert_eq!(
            indicators::identified(&mut conn, &period, "KG")
                .unwrap()
                .total,
            n,
            "{why}"
        );
    }
    let both = indicators::identified(
        &mut conn,
        &Period {
            from: 2024,
            to: 2026,
        },
        "KG",
    )
    .unwrap();
    assert_eq!(both.total, 4);
    // Another region has none of it.
    let chuy = path_of(&mut conn, "KG-C");
    let served = figures::load(&mut conn, &y2025, &chuy, today).unwrap();
    assert_eq!(served.identified.total, 0);
    assert_eq!(served.assisted.grand, 0);
}

#[actix_web::test]
async fn the_dashboard_shows_the_hand_counts_and_the_downloads_protect_them() {
    // With the threshold at 1 nothing is small: the dashboard shows the raw
    // figures, so they can be compared with the hand count.
    let open = TestApp::spawn_with(|c| c.suppression_threshold = 1).await;
    dataset(&open);
    open.login_as(Role::Official).await;
    english(&open).await;
    let page = open.get("/reports/dashboard?year=2025").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for (id, value) in [
        ("#k-children_identified", "3"),
        ("#k-children_assisted", "2"),
        ("#k-share_received_service_percent", "66.7"),
        ("#k-median_days_to_first_service", "9.5"),
        ("#k-share_withdrawn_percent", "50.0"),
        ("#k-children_referrals_overdue", "1"),
    ] {
        assert_eq!(page.text_of(id).as_deref(), Some(value), "{id}");
    }
    let html = page.html();
    let cells = |table: &str| -> Vec<String> {
        let sel = scraper::Selector::parse(&format!("table#{table} tfoot td")).unwrap();
        html.select(&sel)
            .map(|e| e.text().collect::<String>())
            .collect()
    };
    assert_eq!(
        cells("by-form"),
        vec!["3"],
        "three children, though four forms"
    );
    assert_eq!(cells("by-status"), vec!["4"], "four cases");
    assert!(page.body.contains("<svg"), "the trend charts");
    // Shares and medians are written as each language writes decimals
    // (issue 21: "33.3" beside "150 000,00 сом").
    open.get("/?lang=ru").await;
    let russian = open.get("/reports/dashboard?year=2025").await;
    assert_eq!(
        russian
            .text_of("#k-share_received_service_percent")
            .as_deref(),
        Some("66,7")
    );
    assert_eq!(
        russian
            .text_of("#k-median_days_to_first_service")
            .as_deref(),
        Some("9,5")
    );

    // With the default threshold every one of these counts is small.
    let app = TestApp::spawn().await;
    dataset(&app);
    app.login_as(Role::Official).await;
    english(&app).await;
    let page = app.get("/reports/dashboard?year=2025").await;
    assert_eq!(
        page.text_of("#k-children_identified").as_deref(),
        Some("<5")
    );
    assert_eq!(
        page.text_of("#k-share_received_service_percent").as_deref(),
        Some("—"),
        "a share of a suppressed count is not shown"
    );
    assert_eq!(
        page.text_of("#k-median_days_to_first_service").as_deref(),
        Some("—")
    );
    let csv = app.get("/reports/enforcement.csv?year=2025").await;
    assert_eq!(csv.status, StatusCode::OK);
    for line in csv.body.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        if cols[2].starts_with("children_") {
            let small = cols[4].parse::<i64>().is_ok_and(|n| (1..5).contains(&n));
            assert!(!small, "a small count of children in {line}");
        }
    }
    assert!(
        csv.body.contains("2025,KG,children_assisted,persons,<5"),
        "{}",
        csv.body
    );
    assert!(
        csv.body
            .contains("2025,KG,median_days_to_first_service,derived,,")
    );
}

#[actix_web::test]
async fn report_choices_outside_the_list_or_the_readers_territory_are_explained() {
    let app = TestApp::spawn().await;
    app.login_as(Role::Official).await;
    english(&app).await;
    // One year at a time: no range of years is offered, and the choice of
    // a year outside the list is explained with the choice kept.
    let page = app.get("/reports/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text_of("#year").is_some());
    assert!(!page.body.contains("id=\"from\""), "no range of years");
    let unknown = app.get("/reports/dashboard?year=1999").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(
        unknown.body.contains("value=\"1999\" selected"),
        "the choice is kept"
    );
    assert!(
        unknown
            .html()
            .select(&scraper::Selector::parse(".card").unwrap())
            .next()
            .is_none(),
        "no figures"
    );
    assert!(
        unknown
            .text_of("#year-error")
            .is_some_and(|t| !t.is_empty())
    );

    // A head of a unit in Kara-Suu reads Kara-Suu, not Chuy.
    let head = app.other_browser();
    head.login_as(Role::Supervisor).await;
    english(&head).await;
    let chuy = fixtures::location(&mut app.conn(), "KG-C").to_string();
    let outside = head
        .get(&format!("/reports/dashboard?territory={chuy}"))
        .await;
    assert_eq!(outside.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        outside.text_of("#territory-error").as_deref(),
        Some("This territory is outside your own.")
    );
    let own = head.get("/reports/dashboard").await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("All of my territory"));
    // Public pages offer regions only, to everyone.
    let anonymous = TestApp::new_client();
    let district = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let answer = anonymous
        .get(app.url(&format!("/public?territory={district}")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn the_public_pages_need_no_sign_in_and_publish_only_protected_figures() {
    let app = TestApp::spawn().await;
    let w = dataset(&app);
    // 2024: six children in Kara-Suu (Osh Region), two in Chuy Region. The
    // country's 8 is shown; Chuy's 2 is small, so another region must go
    // too, or 8 − 6 would give it away.
    {
        let mut conn = app.conn();
        let chuy = fixtures::location(&mut conn, "KG-C");
        for i in 0..8 {
            let id = child(&mut conn, &w, &format!("Тест{i}"), "male", "2012-01-01");
            let case = case(
                &mut conn,
                &w,
                id,
                "{hazardous_work}",
                "agriculture",
                "new",
                "2024-06-01T00:00:00Z",
            );
            if i >= 6 {
                diesel::sql_query("UPDATE cases SET location_id = $1 WHERE id = $2")
                    .bind::<Int4, _>(chuy)
                    .bind::<BigInt, _>(case)
                    .execute(&mut conn)
                    .unwrap();
            }
        }
    }
    app.publish_figures();
    let anonymous = english_visitor(&app).await;
    for path in [
        "/public",
        "/public/recommendations",
        "/public/schema",
        "/public/data.csv",
        "/public/data.json",
    ] {
        let answer = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{path}");
        let body = answer.text().await.unwrap();
        for name in ["Асанова", "Бакиров", "Чыныбаев"] {
            assert!(!body.contains(name), "{path} names a child");
        }
    }
    let csv = text(&anonymous, &app.url("/public/data.csv")).await;
    assert!(csv.starts_with("year,territory,figure,kind,value\n"));
    assert!(csv.contains("2025,KG,children_identified,persons,<5\n"));
    assert!(
        csv.contains("2025,KG-O,children_identified,persons,<5\n"),
        "per region too"
    );
    assert!(csv.contains("2026,KG,children_identified,persons,<5\n"));
    assert!(
        csv.contains("2024,KG,children_identified,persons,8\n"),
        "{csv}"
    );
    assert!(csv.contains("2024,KG-C,children_identified,persons,<5\n"));
    // Another region is hidden with Chuy's 2: the one protection of the
    // whole tree picks the partner that costs least there (Osh Region's 6
    // would need Kara-Suu's 6 hidden too, Kara-Suu being all of it).
    let hidden_2024 = csv
        .lines()
        .filter(|l| {
            l.starts_with("2024,KG-") && l.ends_with(",children_identified,persons,suppressed")
        })
        .count();
    assert!(hidden_2024 >= 1, "a region hidden with Chuy's 2: {csv}");
    // No region's hidden count can be worked out from the country and the
    // other regions: where the country's count is shown, either every region
    // is shown or at least two are not.
    let mut by_year_figure: std::collections::BTreeMap<(String, String), (Option<String>, usize)> =
        Default::default();
    for line in csv.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        if cols[3] != "persons" {
            continue;
        }
        let entry = by_year_figure
            .entry((cols[0].to_owned(), cols[2].to_owned()))
            .or_default();
        if cols[1] == "KG" {
            entry.0 = Some(cols[4].to_owned());
        } else if cols[4].parse::<i64>().is_err() {
            entry.1 += 1;
        }
    }
    for ((year, figure), (country, unshown)) in by_year_figure {
        if country.is_some_and(|c| c.parse::<i64>().is_ok()) {
            assert_ne!(
                unshown, 1,
                "{year} {figure}: one region hidden beside a shown country"
            );
        }
    }
    let json: serde_json::Value = anonymous
        .get(app.url("/public/data.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["figure"] == "children_identified"
        && r["year"] == 2025
        && r["territory"] == "KG"
        && r["value"] == "<5"));
    assert!(
        rows.iter().all(|r| !(r["kind"] == "persons"
            && r["value"].as_i64().is_some_and(|n| (1..5).contains(&n))))
    );
    assert!(
        rows.iter()
            .any(|r| r["figure"] == "inspections" && r["value"] == 0)
    );
    // The schema page documents every figure of the data with its kind.
    let schema = text(&anonymous, &app.url("/public/schema")).await;
    let figures: std::collections::BTreeSet<&str> =
        rows.iter().filter_map(|r| r["figure"].as_str()).collect();
    for f in figures {
        assert!(
            schema.contains(&format!("<code>{f}</code>")),
            "{f} is documented"
        );
        assert!(
            !schema.contains(&format!("<td>{f}</td>")),
            "{f} is explained in words, not by its own name"
        );
    }
    app.assert_pages_in_every_language(
        &[
            "/public".into(),
            "/public/recommendations".into(),
            "/public/schema".into(),
        ],
        &[],
    )
    .await;
}

/// A school-fee complaint of today in Kara-Suu, written straight into the
/// database, not through the app.
fn complaint_behind_the_apps_back(app: &TestApp) {
    let mut conn = app.conn();
    let school = fixtures::agency(&mut conn, AgencyKind::School, "KG-O-KARASUU", "School 1");
    let karasuu = fixtures::location(&mut conn, "KG-O-KARASUU");
    let logger = fixtures::user_id(
        &mut conn,
        &fixtures::user(&app.db.url, Role::Official, false),
    );
    diesel::sql_query(
        "INSERT INTO school_fee_complaints (school_id, location_id, charged_on, amount,
           complainant_name, complainant_contact, description, logged_by, status)
         VALUES ($1, $2, $3, 100, '', '', 'fee', $4, 'received')",
    )
    .bind::<BigInt, _>(school)
    .bind::<Int4, _>(karasuu)
    .bind::<Date, _>(crate::common::today())
    .bind::<BigInt, _>(logger)
    .execute(&mut conn)
    .expect("a complaint");
}

/// The figures are read from the report tables the database keeps with
/// every write, so a staff page includes every change at once, even one made
/// behind the app's back (in psql). The public pages show a release instead:
/// the change reaches them with the next release, never before, and the
/// release before keeps its figures and its bytes at its own address.
#[actix_web::test]
async fn staff_pages_include_every_change_at_once_and_public_pages_with_the_next_release() {
    let app = TestApp::spawn().await;
    let official = app.other_browser();
    official.login_as(Role::Official).await;
    let anonymous = english_visitor(&app).await;
    let figure = |body: &str| {
        scraper::Html::parse_document(body)
            .select(&scraper::Selector::parse("#f-school_fee_complaints").unwrap())
            .next()
            .map(|e| e.text().collect::<String>())
    };
    let first_release = app.publish_figures();
    let first = text(&anonymous, &app.url("/public")).await;
    assert_eq!(figure(&first).as_deref(), Some("0"));
    let first_csv = text(&anonymous, &app.url("/public/data.csv")).await;
    complaint_behind_the_apps_back(&app);
    let staff = official.get("/reports/enforcement").await;
    assert_eq!(figure(&staff.body).as_deref(), Some("1"), "staff: at once");
    let seen = text(&anonymous, &app.url("/public")).await;
    assert_eq!(
        figure(&seen).as_deref(),
        Some("0"),
        "public: not before the next release"
    );
    let second_release = app.publish_figures();
    assert!(second_release > first_release);
    let seen = text(&anonymous, &app.url("/public")).await;
    assert_eq!(figure(&seen).as_deref(), Some("1"), "written in psql");
    assert!(
        seen.contains(&format!("Release № {second_release}")),
        "{seen}"
    );
    // The first release still says what it said, byte for byte.
    let earlier = text(
        &anonymous,
        &app.url(&format!("/public?release={first_release}")),
    )
    .await;
    assert_eq!(figure(&earlier).as_deref(), Some("0"));
    let kept = text(
        &anonymous,
        &app.url(&format!("/public/releases/{first_release}/data.csv")),
    )
    .await;
    assert_eq!(kept, first_csv);
    // Writes through the app are compared with a recount after each one in
    // `recount`.
}

#[actix_web::test]
async fn an_admin_tracks_a_recommendation_and_everyone_sees_it_with_live_figures() {
    let app = TestApp::spawn().await;
    dataset(&app);
    // Only an admin sets a status.
    let official = app.other_browser();
    official.login_as(Role::Official).await;
    english(&official).await;
    let page = official.get("/reports/recommendations?year=2025").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(
        "Make public how many children in forced labour and trafficking received assistance."
    ));
    assert!(
        !page.body.contains("id=\"edit-6\""),
        "no form for an official"
    );
    let refused = official
        .post_form(
            "/reports/recommendations/6",
            &[("status", "done"), ("note", "x"), ("version", "1")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    app.login_as(Role::Admin).await;
    english(&app).await;
    let bad = app
        .post_form(
            "/reports/recommendations/6",
            &[
                ("status", "finished"),
                ("note", "Published quarterly."),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.text_of("#status-error").is_some(),
        "the error is next to the field"
    );
    assert!(
        bad.body.contains("Published quarterly."),
        "the note typed is kept"
    );
    assert_eq!(
        app.audit_count("recommendation_updated"),
        0,
        "nothing written"
    );

    let saved = app
        .post_form(
            "/reports/recommendations/6",
            &[
                ("status", "in_progress"),
                ("note", "Published quarterly."),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count("recommendation_updated"), 1);
    // A second save on the old version is someone else's stale form.
    let stale = app
        .post_form(
            "/reports/recommendations/6",
            &[("status", "done"), ("note", "Mine."), ("version", "1")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.audit_count("recommendation_updated"), 1);
    assert_eq!(
        app.post_form(
            "/reports/recommendations/99",
            &[("status", "done"), ("note", ""), ("version", "1")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // The public tracker shows the status, the note and the released figures.
    app.publish_figures();
    let anonymous = TestApp::new_client();
    anonymous
        .get(app.url("/public/recommendations?lang=en"))
        .send()
        .await
        .unwrap();
    let public = text(&anonymous, &app.url("/public/recommendations?year=2025")).await;
    let html = scraper::Html::parse_document(&public);
    let text = |css: &str| {
        html.select(&scraper::Selector::parse(css).unwrap())
            .next()
            .map(|e| e.text().collect::<String>())
    };
    assert_eq!(text("#status-6").as_deref(), Some("In progress"));
    assert_eq!(text("#note-6").as_deref(), Some("Published quarterly."));
    assert!(public.contains("Children assisted who had been in forced labour"));
    assert!(!public.contains("edit-6"), "no form on the public page");
    // Children assisted in 2025 (A and B) are a small count: "<5", live.
    let item = html
        .select(&scraper::Selector::parse("#recommendation-6 td").unwrap())
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>();
    assert_eq!(
        item[..3],
        ["<5", "<5", "<5"],
        "forced labour (A), trafficking (A), all (A, B)"
    );
}

/// One protection of the whole country: a district's count is shown or
/// hidden the same way in its region's table of districts and on the
/// district's own report and download. Protected page by page, the Osh
/// Region page hid districts that their own pages showed.
#[actix_web::test]
async fn a_district_is_shown_the_same_way_in_its_region_and_on_its_own_pages() {
    let app = TestApp::spawn().await;
    let w = dataset(&app);
    // 2023 in Osh Region: Kara-Suu 9, Aravan 3 (small), Nookat 7, Özgön 6;
    // the region's 25 is shown, so a district must be hidden beside Aravan.
    let spread = [
        ("KG-O-KARASUU", 9),
        ("KG-O-ARAVAN", 3),
        ("KG-O-NOOKAT", 7),
        ("KG-O-OZGON", 6),
    ];
    {
        let mut conn = app.conn();
        for (code, n) in spread {
            let place = fixtures::location(&mut conn, code);
            for i in 0..n {
                let id = child(&mut conn, &w, &format!("{code}{i}"), "female", "2011-01-01");
                let case = case(
                    &mut conn,
                    &w,
                    id,
                    "{hazardous_work}",
                    "agriculture",
                    "new",
                    "2023-05-01T00:00:00Z",
                );
                diesel::sql_query("UPDATE cases SET location_id = $1 WHERE id = $2")
                    .bind::<Int4, _>(place)
                    .bind::<BigInt, _>(case)
                    .execute(&mut conn)
                    .unwrap();
            }
        }
    }
    app.login_as(Role::Official).await;
    english(&app).await;
    let osh = fixtures::location(&mut app.conn(), "KG-O");
    let region = app
        .get(&format!("/reports/dashboard?year=2023&territory={osh}"))
        .await;
    assert_eq!(region.status, StatusCode::OK);
    // Below the country, the breakdowns of children are not published: the
    // page says so rather than showing tables of hidden cells.
    assert!(region.text_of("#breakdowns-country-only").is_some());
    assert!(!region.body.contains("id=\"by-sex\""));
    let html = scraper::Html::parse_document(&region.body);
    let row = scraper::Selector::parse("#territories tbody tr").unwrap();
    let cell = scraper::Selector::parse("th, td").unwrap();
    let in_table: std::collections::HashMap<String, String> = html
        .select(&row)
        .map(|tr| {
            let cells: Vec<String> = tr
                .select(&cell)
                .map(|c| c.text().collect::<String>().trim().to_owned())
                .collect();
            (cells[0].clone(), cells[1].clone())
        })
        .collect();
    let mut hidden = 0;
    for (code, n) in spread {
        let place = fixtures::location(&mut app.conn(), code);
        let csv = app
            .get(&format!(
                "/reports/enforcement.csv?year=2023&territory={place}"
            ))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let own = csv
            .body
            .lines()
            .find(|l| l.contains(",children_identified,"))
            .and_then(|l| l.split(',').nth(4))
            .expect("the district's children identified")
            .to_owned();
        let page = app
            .get(&format!("/reports/enforcement?year=2023&territory={place}"))
            .await;
        let on_page = page.text_of("#f-children_identified").expect("on the page");
        let label = in_table
            .iter()
            .find(|(label, _)| label.starts_with(&code_name(code)))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{code} in the region's table: {in_table:?}"));
        let expected = match own.as_str() {
            "suppressed" => {
                hidden += 1;
                "hidden".to_owned()
            }
            "<5" => "<5".to_owned(),
            value => {
                assert_eq!(value, n.to_string(), "{code}");
                value.to_owned()
            }
        };
        assert_eq!(
            label, expected,
            "{code}: the region's table and its download"
        );
        assert_eq!(
            on_page.trim(),
            expected,
            "{code}: its own page and its download"
        );
    }
    assert!(hidden >= 1, "a district hidden beside Aravan's 3");
}

/// The English name a district's row starts with.
fn code_name(code: &str) -> String {
    match code {
        "KG-O-KARASUU" => "Kara-Suu",
        "KG-O-ARAVAN" => "Aravan",
        "KG-O-NOOKAT" => "Nookat",
        "KG-O-OZGON" => "Özgön",
        other => other,
    }
    .to_owned()
}
