//! The operator's view (issue 19, watching it run): `/metrics` in
//! Prometheus' text format, for the scraper holding the token only, with
//! requests and latencies per route pattern, the pool, failed sign-ins,
//! refused accesses and audit entries; never a path a user typed.

use reqwest::StatusCode;

use crate::common::TestApp;
use korgoo::policy::Role;

const TOKEN: &str = "scrape-token-for-the-test-0123456789";

async fn scrape(app: &TestApp, token: Option<&str>) -> (StatusCode, String) {
    let mut request = app.client.get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// The value of one sample line (`name{labels} value`), 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|v| v.strip_prefix(' ')))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0.0)
}

#[actix_web::test]
async fn metrics_answer_only_the_scraper_and_count_what_an_operator_watches() {
    // Without the setting there is no endpoint.
    let plain = TestApp::spawn().await;
    assert_eq!(scrape(&plain, Some(TOKEN)).await.0, StatusCode::NOT_FOUND);

    let app = TestApp::spawn_with(|c| c.metrics_token = Some(TOKEN.to_owned().into())).await;
    assert_eq!(scrape(&app, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        scrape(&app, Some("scrape-token-for-the-test-012345678X"))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, before) = scrape(&app, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);

    // A page, a failed sign-in, a refused record, an unknown path.
    assert_eq!(app.get("/login").await.status, StatusCode::OK);
    let stranger = app.other_browser();
    stranger.login("nobody-here", "wrong password 1").await;
    let worker = app.other_browser();
    let login = worker.login_as(Role::CaseWorker).await;
    assert_eq!(
        worker.get("/cases/987654321").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        worker.get("/admin/users").await.status,
        StatusCode::FORBIDDEN
    );
    app.get("/no/such/page/4242").await;

    let (_, after) = scrape(&app, Some(TOKEN)).await;
    let grew = |series: &str, by: f64| {
        assert!(
            sample(&after, series) >= sample(&before, series) + by,
            "{series}: {} then {}",
            sample(&before, series),
            sample(&after, series)
        );
    };
    grew(
        r#"korgoo_http_requests_total{method="GET",route="/login",status="200"}"#,
        1.0,
    );
    grew(
        r#"korgoo_http_requests_total{method="GET",route="/cases/{id}",status="404"}"#,
        1.0,
    );
    grew(
        r#"korgoo_http_request_duration_seconds_count{method="GET",route="/login"}"#,
        1.0,
    );
    grew("korgoo_sign_ins_failed_total", 1.0);
    grew("korgoo_access_refused_total", 2.0);
    grew(
        r#"korgoo_audit_entries_total{action="access_refused"}"#,
        2.0,
    );
    grew(r#"korgoo_audit_entries_total{action="login_ok"}"#, 1.0);
    assert!(
        sample(&after, "korgoo_db_pool_max_connections") >= 1.0,
        "{after}"
    );
    assert!(after.contains("korgoo_db_pool_idle_connections"), "{after}");
    // A route is its pattern: no id, no typed path reaches the scraper.
    assert!(after.contains(r#"route="unmatched""#), "{after}");
    // Only labels can carry what was typed (names are fixed, values are
    // numbers, where "4242" may well appear in a sum of seconds).
    let labels: Vec<&str> = after
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| Some(&l[l.find('{')?..=l.find('}')?]))
        .collect();
    assert!(labels.len() > 10, "{after}");
    for typed in ["987654321", "4242", "nobody-here", &login] {
        assert!(
            labels.iter().all(|l| !l.contains(typed)),
            "{typed} reached the metrics"
        );
    }
}
