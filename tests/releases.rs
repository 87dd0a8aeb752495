//! The public figures as releases (DESIGN §5, "One protection, and
//! releases"): an admin publishes a year's annual release and its revision,
//! each release keeps its bytes and checksum at its own address across a
//! restart, the schedule makes the provisional release of its period once,
//! and a count of children that moved by fewer than the threshold between two
//! releases is hidden with the figures that would give it away.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Int4};
use korgoo::policy::Role;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::common::{TestApp, fixtures, today};
use crate::indicators::{case, child, world};

fn releases(app: &TestApp) -> i64 {
    app.count("public_releases")
}

async fn text(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = TestApp::new_client()
        .get(app.url(path))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

/// A school-fee complaint of `year`, written behind the app's back.
fn complaint_of(app: &TestApp, year: i32) {
    let mut conn = app.conn();
    let school = fixtures::agency(
        &mut conn,
        korgoo::admin::model::AgencyKind::School,
        "KG-O",
        "School № 7",
    );
    let karasuu = fixtures::location(&mut conn, "KG-O-KARASUU");
    let logger = fixtures::user_id(
        &mut conn,
        &fixtures::user(&app.db.url, Role::Official, false),
    );
    diesel::sql_query(
        "INSERT INTO school_fee_complaints (school_id, location_id, charged_on, amount,
           complainant_name, complainant_contact, description, logged_by, status)
         VALUES ($1, $2, make_date($3, 6, 1), 100, '', '', 'fee', $4, 'received')",
    )
    .bind::<BigInt, _>(school)
    .bind::<Int4, _>(karasuu)
    .bind::<Int4, _>(year)
    .bind::<BigInt, _>(logger)
    .execute(&mut conn)
    .expect("a complaint");
}

/// The value of a figure in a release's CSV.
fn value_in(csv: &str, year: i32, territory: &str, figure: &str) -> Option<String> {
    let prefix = format!("{year},{territory},{figure},");
    csv.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|rest| rest.split_once(','))
        .map(|(_, v)| v.to_owned())
}

#[actix_web::test]
async fn an_admin_publishes_a_years_annual_release_and_a_revision_says_what_changed() {
    let app = TestApp::spawn().await;
    let last_year = chrono::Datelike::year(&today()) - 1;
    complaint_of(&app, last_year);
    app.login_as(Role::Admin).await;
    app.get("/admin/releases?lang=en").await;
    let page = app.get("/admin/releases").await;
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.location());
    page.assert_contains("Provisional figures are released only when you publish them here");

    // Refused: no note, no confirmation, a year that has not ended. Each
    // message is next to its field, what was typed is kept, nothing is made.
    let refused = app
        .post_form(
            "/admin/releases",
            &[
                ("kind", "annual"),
                ("year", &last_year.to_string()),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text_of("#note-error").is_some(), "{}", refused.body);
    assert!(refused.text_of("#confirm-error").is_some());
    assert_eq!(
        refused
            .html()
            .select(&scraper::Selector::parse("#year option[selected]").unwrap())
            .next()
            .map(|o| o.value().attr("value").unwrap_or("").to_owned()),
        Some(last_year.to_string())
    );
    let this_year = (last_year + 1).to_string();
    let refused = app
        .post_form(
            "/admin/releases",
            &[
                ("kind", "annual"),
                ("year", &this_year),
                ("note", "Sent"),
                ("confirm", "on"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text_of("#year-error").is_some());
    assert!(refused.body.contains("Sent"), "the note is kept");
    assert_eq!(releases(&app), 0);

    let done = app
        .post_form(
            "/admin/releases",
            &[
                ("kind", "annual"),
                ("year", &last_year.to_string()),
                ("note", "The annual report as sent to the Ministry."),
                ("confirm", "on"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(releases(&app), 1);
    assert_eq!(app.audit_count("release_published"), 1);
    let list = app.get("/admin/releases").await;
    list.assert_contains(&format!("Annual release {last_year}"));

    // The public sees it, with its note, its number and its checksums.
    let (status, public) = text(&app, &format!("/public?year={last_year}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        public.contains(&format!("Annual release {last_year}")),
        "{public}"
    );
    assert!(public.contains("The annual report as sent to the Ministry."));
    let (_, first_csv) = text(&app, "/public/releases/1/data.csv").await;
    assert_eq!(
        value_in(&first_csv, last_year, "KG", "school_fee_complaints").as_deref(),
        Some("1")
    );
    let (_, about) = text(&app, "/public/releases/1").await;
    let sha = hex::encode(Sha256::digest(first_csv.as_bytes()));
    assert!(about.contains(&sha), "the page gives the CSV's SHA-256");
    let latest = TestApp::new_client()
        .get(app.url("/public/data.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        latest.headers()["content-location"],
        "/public/releases/1/data.csv"
    );
    assert_eq!(latest.headers()["etag"], format!("\"{sha}\"").as_str());

    // A correction of that year: the figures stay until a revision.
    complaint_of(&app, last_year);
    let (_, still) = text(&app, "/public/data.csv").await;
    assert_eq!(still, first_csv, "a release never moves");
    // A provisional release carries the final year as it was.
    let provisional = app.publish_figures();
    let (_, carried) = text(&app, &format!("/public/releases/{provisional}/data.csv")).await;
    assert_eq!(
        value_in(&carried, last_year, "KG", "school_fee_complaints").as_deref(),
        Some("1"),
        "a final year is not changed by a provisional release"
    );
    let revised = app
        .post_form(
            "/admin/releases",
            &[
                ("kind", "annual"),
                ("year", &last_year.to_string()),
                ("note", "A complaint of June was entered late."),
                ("confirm", "on"),
            ],
        )
        .await;
    assert_eq!(revised.status, StatusCode::SEE_OTHER);
    let revision = provisional + 1;
    let (_, page) = text(&app, &format!("/public/releases/{revision}")).await;
    assert!(
        page.contains(&format!("Annual release {last_year} · revision 2")),
        "{page}"
    );
    assert!(page.contains("A complaint of June was entered late."));
    let changes = scraper::Html::parse_document(&page);
    let rows: Vec<String> = changes
        .select(&scraper::Selector::parse("#release-changes tbody tr").unwrap())
        .map(|r| r.text().collect::<Vec<_>>().join("|"))
        .collect();
    assert!(
        rows.iter()
            .any(|r| r.contains("School-fee complaints") && r.contains("|1|2")),
        "{rows:?}"
    );
    let (_, csv) = text(&app, "/public/data.csv").await;
    assert_eq!(
        value_in(&csv, last_year, "KG", "school_fee_complaints").as_deref(),
        Some("2")
    );
    // The first release is as it was, at its address.
    assert_eq!(text(&app, "/public/releases/1/data.csv").await.1, first_csv);
    // Choosing another year or region keeps the release the reader asked for.
    let kept = "#report-filter input[type=hidden][name=release]";
    let (_, pinned) = text(&app, &format!("/public?release=1&year={last_year}")).await;
    let pinned = scraper::Html::parse_document(&pinned);
    let field = pinned
        .select(&scraper::Selector::parse(kept).unwrap())
        .next()
        .expect("the filter keeps the release");
    assert_eq!(field.value().attr("value"), Some("1"));
    let (_, latest) = text(&app, "/public").await;
    assert!(
        scraper::Html::parse_document(&latest)
            .select(&scraper::Selector::parse(kept).unwrap())
            .next()
            .is_none(),
        "the latest figures follow the next release"
    );
    assert_eq!(
        text(&app, "/public/releases/999/data.csv").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        text(&app, "/public?release=999").await.0,
        StatusCode::NOT_FOUND
    );

    // Frozen in the database too: the app's own role cannot change one.
    let mut conn = PgConnection::establish(&app.db.app_url).expect("the app's role");
    let changed =
        diesel::sql_query("UPDATE public_releases SET note = 'x' WHERE id = 1").execute(&mut conn);
    assert!(changed.is_err(), "a release can be changed");
    let removed = diesel::sql_query("DELETE FROM public_releases").execute(&mut conn);
    assert!(removed.is_err(), "a release can be removed");
}

/// Children identified this year in Kara-Suu (Osh region), `n` more.
fn identify(app: &TestApp, w: &crate::indicators::World, n: usize, tag: &str) {
    let mut conn = app.conn();
    let opened = format!("{}T10:00:00+06:00", today());
    for i in 0..n {
        let sex = if i % 2 == 0 { "female" } else { "male" };
        let c = child(&mut conn, w, &format!("{tag}{i}"), sex, "2012-05-05");
        case(
            &mut conn,
            w,
            c,
            "{hazardous_work}",
            "agriculture",
            "assessment",
            &opened,
        );
    }
}

#[actix_web::test]
async fn a_count_that_moved_by_fewer_than_the_threshold_between_releases_is_hidden() {
    let app = TestApp::spawn().await;
    let w = world(&app);
    let year = chrono::Datelike::year(&today());
    identify(&app, &w, 12, "Первый");
    let first = app.publish_figures();
    let (_, csv) = text(&app, &format!("/public/releases/{first}/data.csv")).await;
    for territory in ["KG", "KG-O"] {
        assert_eq!(
            value_in(&csv, year, territory, "children_identified").as_deref(),
            Some("12"),
            "{territory}"
        );
    }
    // Two more children: shown as 14, the difference would single them out.
    identify(&app, &w, 2, "Второй");
    let second = app.publish_figures();
    let (_, csv) = text(&app, &format!("/public/releases/{second}/data.csv")).await;
    for territory in ["KG", "KG-O"] {
        assert_eq!(
            value_in(&csv, year, territory, "children_identified").as_deref(),
            Some("suppressed"),
            "{territory}: {csv}"
        );
    }
    // Nor can it be worked out: the girls and boys do not add up to it.
    let by_sex: Vec<Option<String>> = ["female", "male"]
        .iter()
        .map(|s| value_in(&csv, year, "KG", &format!("children_identified_{s}")))
        .collect();
    assert!(
        by_sex.iter().any(|v| v.as_deref() == Some("suppressed")),
        "{by_sex:?}"
    );
    // The staff see the live figure meanwhile.
    let official = app.other_browser();
    official.login_as(Role::Official).await;
    let staff = official
        .get(&format!("/reports/enforcement.csv?year={year}"))
        .await;
    assert!(
        staff
            .body
            .lines()
            .any(|l| l.contains("children_identified,persons,14,")),
        "{}",
        staff.body
    );
    // Four more: 18 is 6 more than the last exact 12, and is shown.
    identify(&app, &w, 4, "Третий");
    let third = app.publish_figures();
    let (_, csv) = text(&app, &format!("/public/releases/{third}/data.csv")).await;
    assert_eq!(
        value_in(&csv, year, "KG", "children_identified").as_deref(),
        Some("18")
    );
    // And one more: 19 is 1 more than 18, hidden again.
    identify(&app, &w, 1, "Четвёртый");
    let fourth = app.publish_figures();
    let (_, csv) = text(&app, &format!("/public/releases/{fourth}/data.csv")).await;
    assert_eq!(
        value_in(&csv, year, "KG", "children_identified").as_deref(),
        Some("suppressed")
    );
}

#[actix_web::test]
async fn the_schedule_makes_its_release_once_and_releases_survive_a_restart() {
    let app = TestApp::spawn_with(|c| {
        c.provisional_releases = korgoo::config::ReleaseSchedule::Monthly;
    })
    .await;
    // The schedule's first round runs as the server starts.
    let mut waited = 0;
    while releases(&app) == 0 && waited < 100 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    assert_eq!(releases(&app), 1, "the month's release is made at start");
    let mut conn = app.conn();
    #[derive(QueryableByName)]
    struct Made {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        period_key: Option<String>,
        #[diesel(sql_type = Date)]
        as_of: chrono::NaiveDate,
    }
    let made: Made = diesel::sql_query("SELECT period_key, as_of FROM public_releases")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(made.period_key, Some(today().format("%Y-%m").to_string()));
    assert_eq!(made.as_of, today());
    // Asked again in the same month (a second server, a restart): nothing.
    let again = korgoo::reports::releases::publish_due(
        &mut conn,
        korgoo::config::ReleaseSchedule::Monthly,
        5,
        today(),
    )
    .unwrap();
    assert!(again.is_none());
    let (_, before) = text(&app, "/public/releases/1/data.json").await;

    // Another server on the same database serves the same release.
    let restarted = TestApp::start(
        crate::common::TestDatabase {
            name: String::new(),
            url: app.db.url.clone(),
            app_url: app.db.app_url.clone(),
        },
        korgoo::config::Config::defaults(),
        korgoo::db::build_pool(&app.db.app_url, 2, 5_000).unwrap(),
    );
    let (status, after) = text(&restarted, "/public/releases/1/data.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after, before);
    assert_eq!(releases(&app), 1, "the restarted server made no second one");
    let json: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(json["release"]["number"], 1);
    assert_eq!(json["release"]["kind"], "provisional");
    assert_eq!(json["years"].as_array().unwrap().len(), {
        let first = korgoo::reports::filter::FIRST_YEAR;
        (chrono::Datelike::year(&today()) - first + 1) as usize
    });
}

/// An anonymous reader's public page is rendered once per release, language
/// and query; a signed-in reader always gets their own page, and a new
/// release is shown at once (within a second when another process made
/// it).
#[actix_web::test]
async fn public_pages_kept_for_anonymous_readers_follow_the_release_and_never_reach_staff() {
    let app = TestApp::spawn().await;
    let first = app.publish_figures();
    let (status, anonymous) = text(&app, "/public").await;
    assert_eq!(status, StatusCode::OK);
    assert!(anonymous.contains(&format!("/public/releases/{first}/data.csv")));
    assert!(!anonymous.contains("id=\"logout\""), "an anonymous page");
    let (_, again) = text(&app, "/public").await;
    assert_eq!(again, anonymous, "the kept page is served");

    app.login_as(Role::Official).await;
    app.get("/public?lang=en").await;
    let own = app.get("/public").await;
    assert_eq!(own.status, StatusCode::OK, "{:?}", own.location());
    own.assert_contains("id=\"logout\"");
    let token = app.csrf_token().await;
    own.assert_contains(&token);
    let (_, still) = text(&app, "/public").await;
    assert!(
        !still.contains("id=\"logout\"") && !still.contains(&token),
        "a signed-in reader's page is never kept for others"
    );

    let next = app.publish_figures();
    let (_, newer) = text(&app, "/public").await;
    assert!(
        newer.contains(&format!("/public/releases/{next}/data.csv")),
        "a new release is shown at once"
    );
    // One made by another process (`korgoo reports release`) is shown as
    // soon as the server asks the database again, within a second.
    let elsewhere = app.publish_figures_elsewhere();
    let mut shown = false;
    for _ in 0..30 {
        let (_, page) = text(&app, "/public").await;
        if page.contains(&format!("/public/releases/{elsewhere}/data.csv")) {
            shown = true;
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(shown, "a release made elsewhere is shown within a second");
    let (_, pinned) = text(&app, &format!("/public?release={first}")).await;
    assert!(pinned.contains(&format!("/public/releases/{first}/data.csv")));
    // The open data of each release, read once, served the same.
    let (_, csv) = text(&app, &format!("/public/releases/{first}/data.csv")).await;
    assert_eq!(
        text(&app, &format!("/public/releases/{first}/data.csv"))
            .await
            .1,
        csv
    );
}
