//! Every page that shows a child's name is traced (issue 19, the High
//! finding): lists, searches and queues write who read which children under
//! which filter; reading many children in a short time raises an alert the
//! admin sees; the admin reads no child's record at all.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Jsonb};
use reqwest::StatusCode;

use crate::common::TestApp;
use korgoo::policy::Role;

const DEMO: &str = korgoo::demo::DEMO_PASSWORD;

#[derive(QueryableByName, Debug)]
struct Entry {
    #[diesel(sql_type = Jsonb)]
    details: serde_json::Value,
}

/// The `children_listed` entries of a login, oldest first.
fn listed(app: &TestApp, login: &str) -> Vec<serde_json::Value> {
    diesel::sql_query(
        "SELECT details FROM audit_log WHERE action = 'children_listed' AND actor_login = $1
         ORDER BY id",
    )
    .bind::<diesel::sql_types::Text, _>(login)
    .load::<Entry>(&mut app.conn())
    .unwrap()
    .into_iter()
    .map(|e| e.details)
    .collect()
}

fn ids_of(details: &serde_json::Value) -> Vec<i64> {
    let mut ids: Vec<i64> = details["child_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

/// The children a page links to by their record (`/children/{id}`).
fn children_linked(body: &str) -> Vec<i64> {
    let re = regex::Regex::new(r#"href="/children/(\d+)""#).unwrap();
    let mut ids: Vec<i64> = re
        .captures_iter(body)
        .map(|c| c[1].parse().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The children of the cases a page links to.
fn children_of_cases(app: &TestApp, body: &str) -> Vec<i64> {
    let re = regex::Regex::new(r#"href="/cases/(\d+)[#"]"#).unwrap();
    let cases: Vec<i64> = re
        .captures_iter(body)
        .map(|c| c[1].parse().unwrap())
        .collect();
    let mut ids: Vec<i64> = korgoo::db::schema::cases::table
        .filter(korgoo::db::schema::cases::id.eq_any(&cases))
        .select(korgoo::db::schema::cases::child_id)
        .load(&mut app.conn())
        .unwrap();
    ids.sort_unstable();
    ids.dedup();
    ids
}

async fn demo_app(adjust: impl FnOnce(&mut korgoo::config::Config)) -> TestApp {
    let app = TestApp::spawn_with(adjust).await;
    let url = app.db.url.clone();
    actix_web::rt::task::spawn_blocking(move || korgoo::demo::load(&url).map(|_| ()))
        .await
        .unwrap()
        .expect("the demo data loads");
    app
}

#[actix_web::test]
async fn lists_and_queues_that_name_children_are_audited_with_filter_and_ids() {
    let app = demo_app(|_| {}).await;
    let head = app.other_browser();
    assert_eq!(
        head.login("supervisor.karasuu", DEMO).await.status,
        StatusCode::SEE_OTHER
    );

    let children = head.get("/children").await;
    assert_eq!(children.status, StatusCode::OK);
    let shown = children_linked(&children.body);
    assert!(!shown.is_empty());
    let cases = head.get("/cases?form=commercial_sexual_exploitation").await;
    assert_eq!(cases.status, StatusCode::OK);
    let victims = children_of_cases(&app, &cases.body);
    assert!(!victims.is_empty(), "the demo has victims in Kara-Suu");
    let home = head.get("/").await;
    let queued = children_of_cases(&app, &home.body);

    let entries = listed(&app, "supervisor.karasuu");
    let of = |list: &str| -> Vec<&serde_json::Value> {
        entries.iter().filter(|e| e["list"] == list).collect()
    };
    assert_eq!(of("children").len(), 1, "{entries:?}");
    assert_eq!(ids_of(of("children")[0]), shown);
    let case_list = of("cases");
    assert_eq!(case_list.len(), 1, "{entries:?}");
    assert_eq!(ids_of(case_list[0]), victims);
    assert_eq!(
        case_list[0]["filter"]["form"], "commercial_sexual_exploitation",
        "the filter is kept"
    );
    if !queued.is_empty() {
        assert_eq!(ids_of(of("home_queue")[0]), queued);
    }
    // A search keeps the ids shown, never the words searched.
    let search = head
        .post_following("/children/search", &[("q", "Токтогулова")])
        .await;
    assert_eq!(search.status, StatusCode::OK);
    let found = children_linked(&search.body);
    let searched: Entry = diesel::sql_query(
        "SELECT details FROM audit_log WHERE action = 'child_search' ORDER BY id DESC LIMIT 1",
    )
    .get_result(&mut app.conn())
    .unwrap();
    assert_eq!(ids_of(&searched.details), found);
    assert!(!searched.details.to_string().contains("Токтогулова"));

    // A provider's queue names the children referred.
    let provider = app.other_browser();
    provider.login("provider.osh", DEMO).await;
    let queue = provider.get("/referrals").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert_eq!(
        listed(&app, "provider.osh")
            .iter()
            .filter(|e| e["list"] == "referrals")
            .count(),
        1
    );
}

#[actix_web::test]
async fn paging_through_many_children_raises_one_alert_the_admin_sees() {
    // Three children within the window is "many" here.
    let app = demo_app(|c| {
        c.bulk_alert_children = 3;
        c.bulk_alert_minutes = 10;
    })
    .await;
    let head = app.other_browser();
    head.login("supervisor.karasuu", DEMO).await;
    let admin = app.other_browser();
    admin.login_as(Role::Admin).await;
    assert!(
        admin
            .get("/")
            .await
            .text_of("#bulk-alerts")
            .is_some_and(|t| !t.contains("supervisor.karasuu")),
        "no alert before"
    );
    let count = || -> i64 {
        diesel::sql_query(
            "SELECT count(*) AS n FROM audit_log WHERE action = 'bulk_access_alert'
               AND actor_login = 'supervisor.karasuu'",
        )
        .get_result::<N>(&mut app.conn())
        .unwrap()
        .n
    };
    head.get("/children").await;
    assert_eq!(count(), 1, "more than three children listed at once");
    head.get("/children").await;
    head.get("/cases").await;
    assert_eq!(count(), 1, "one alert per window, not one per page");
    let home = admin.get("/").await;
    assert!(
        home.text_of("#bulk-alerts")
            .is_some_and(|t| t.contains("supervisor.karasuu")),
        "{}",
        home.body
    );
    // Nobody else sees the alerts.
    assert!(head.get("/").await.text_of("#bulk-alerts").is_none());
    // The children the alert counts are the distinct children of the
    // reader's audit entries, kept one row per child however many pages
    // named them.
    let from_log = || -> i64 {
        diesel::sql_query(
            "SELECT count(DISTINCT c) AS n FROM (
               SELECT (jsonb_array_elements_text(details->'child_ids'))::bigint AS c
               FROM audit_log WHERE actor_login = 'supervisor.karasuu'
                 AND action IN ('children_listed', 'child_search')
               UNION ALL
               SELECT target_id FROM audit_log WHERE actor_login = 'supervisor.karasuu'
                 AND action = 'child_viewed') x",
        )
        .get_result::<N>(&mut app.conn())
        .unwrap()
        .n
    };
    let kept = || -> i64 {
        diesel::sql_query(
            "SELECT count(*) AS n FROM audit_children_seen s JOIN users u ON u.id = s.actor_id
             WHERE u.login = 'supervisor.karasuu'",
        )
        .get_result::<N>(&mut app.conn())
        .unwrap()
        .n
    };
    assert!(kept() > 3);
    assert_eq!(kept(), from_log());
    head.get("/children").await;
    assert_eq!(kept(), from_log(), "a list seen again adds no child");
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}
