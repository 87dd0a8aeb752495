//! The web layer's findings of the penetration test (issue 19): redirects and
//! self-links stay on this site; the client address behind trusted proxies.

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{PASSWORD, TestApp};
use korgoo::policy::Role;

/// Paths a browser would read as another site, as they come on the wire.
const FOREIGN: &[&str] = &[
    "//evil.example/x",
    "/\\evil.example/",
    "/%2F%2Fevil.example",
    "/%2f%2fevil.example/x",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "/%09/evil.example",
    "/%0A/evil.example",
    "///evil.example",
];

/// One raw HTTP/1.1 request, exactly as written (reqwest would clean the path).
async fn raw(app: &TestApp, request_line: &str, headers: &str) -> String {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let request =
        format!("{request_line}\r\nHost: {address}\r\n{headers}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

fn location(answer: &str) -> Option<String> {
    answer
        .split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("location"))
                .map(|(_, v)| v.trim().to_owned())
        })
}

fn assert_on_this_site(target: &str, what: &str) {
    assert!(
        korgoo::web::paths::is_safe_path(target),
        "{what}: {target:?} leaves the site"
    );
    assert!(
        !target.to_ascii_lowercase().contains("evil"),
        "{what}: {target:?}"
    );
}

#[actix_web::test]
async fn the_language_switch_never_redirects_to_another_site() {
    let app = TestApp::spawn().await;
    for path in FOREIGN {
        let answer = raw(&app, &format!("GET {path}?lang=en HTTP/1.1"), "").await;
        let status = answer.split(' ').nth(1).unwrap_or_default().to_owned();
        if status == "303" {
            let target = location(&answer).expect("a Location");
            assert_on_this_site(&target, path);
        } else {
            assert!(location(&answer).is_none(), "{path}: {answer}");
        }
    }
    // Tabs and newlines do not even reach the app as a path.
    let answer = raw(&app, "GET /\t/evil.example?lang=en HTTP/1.1", "").await;
    assert!(
        location(&answer).is_none_or(|l| !l.contains("evil")),
        "{answer}"
    );
    // An ordinary page keeps its path and other parameters.
    let page = app.get("/login?lang=ru&next=%2Fadmin").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/login?next=%2Fadmin"));
}

#[actix_web::test]
async fn the_not_found_pages_language_links_stay_on_this_site() {
    let app = TestApp::spawn().await;
    for path in FOREIGN {
        let answer = raw(&app, &format!("GET {path} HTTP/1.1"), "").await;
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        let html = scraper::Html::parse_document(body);
        let links = scraper::Selector::parse("a[hreflang]").unwrap();
        let hrefs: Vec<&str> = html
            .select(&links)
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(
            !hrefs.is_empty(),
            "{path}: the page has language links\n{answer}"
        );
        for href in hrefs {
            assert_on_this_site(href, path);
        }
    }
}

#[actix_web::test]
async fn sign_in_returns_only_to_a_page_of_this_site() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::Admin, false).await;
    let mut nexts: Vec<&str> = FOREIGN.to_vec();
    nexts.extend([
        "https://evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        " //evil.example",
    ]);
    for next in nexts {
        let browser = app.other_browser();
        let form = browser
            .get(&format!("/login?next={}", urlencode(next)))
            .await;
        if let Some(kept) = form.input_value("next") {
            assert_on_this_site(&kept, next);
        }
        let page = browser
            .post_form(
                "/login",
                &[("login", &login), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(page.location(), Some("/"), "{next:?}");
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Behind a trusted proxy (here the test client itself, 127.0.0.1), a forged
/// first hop changes nothing: the hop the proxy appended is the client.
#[actix_web::test]
async fn a_forged_first_hop_does_not_evade_the_sign_in_rate_limit() {
    let app = TestApp::spawn_with(|c| {
        c.login_rate_per_minute = 3;
        c.trusted_proxies = "127.0.0.1".parse().unwrap();
    })
    .await;
    let token = app.csrf_token().await;
    let mut statuses = Vec::new();
    for i in 0..6 {
        let forged = format!("10.{i}.{i}.{i}, 198.51.100.7");
        statuses.push(sign_in_through(&app, &token, ("x-forwarded-for", &forged)).await);
    }
    assert_eq!(&statuses[..3], &[StatusCode::UNAUTHORIZED; 3]);
    assert_eq!(&statuses[3..], &[StatusCode::TOO_MANY_REQUESTS; 3]);
    let mut conn = app.conn();
    let addrs = client_addrs(&mut conn);
    assert_eq!(addrs, vec!["198.51.100.7".to_owned(); 3]);
}

/// A failed sign-in sent with one address header, as a proxy would pass it.
async fn sign_in_through(app: &TestApp, token: &str, header: (&str, &str)) -> StatusCode {
    app.client
        .post(app.url("/login"))
        .header(header.0, header.1)
        .form(&[
            ("csrf_token", token),
            ("login", "someone"),
            ("password", "whatever whatever"),
        ])
        .send()
        .await
        .expect("POST")
        .status()
}

fn client_addrs(conn: &mut diesel::PgConnection) -> Vec<String> {
    use diesel::prelude::*;
    use korgoo::db::schema::audit_log;
    audit_log::table
        .select(audit_log::client_addr)
        .order(audit_log::id)
        .load::<Option<String>>(conn)
        .unwrap()
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}

#[actix_web::test]
async fn what_is_not_an_address_never_reaches_the_audit_log() {
    let app = TestApp::spawn_with(|c| c.trusted_proxies = "127.0.0.0/8".parse().unwrap()).await;
    let token = app.csrf_token().await;
    for header in [
        ("x-forwarded-for", "<b>ministry-gateway</b> 10.10.10.10"),
        ("x-forwarded-for", "198.51.100.7, not-an-address"),
        ("forwarded", "for=\"<script>\""),
        ("forwarded", "for=unknown"),
    ] {
        let status = sign_in_through(&app, &token, header).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{header:?}");
    }
    // An untrusted peer's header is not read at all.
    let untrusted = TestApp::spawn_with(|c| c.trusted_proxies = "10.0.0.1".parse().unwrap()).await;
    let token = untrusted.csrf_token().await;
    let status = sign_in_through(&untrusted, &token, ("x-forwarded-for", "198.51.100.7")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut conn = app.conn();
    assert_eq!(client_addrs(&mut conn), vec!["127.0.0.1".to_owned(); 4]);
    let mut conn = untrusted.conn();
    assert_eq!(client_addrs(&mut conn), vec!["127.0.0.1".to_owned()]);
}

/// The old all-or-nothing setting is refused at start, naming its replacement.
#[test]
fn the_retired_trust_proxy_setting_stops_the_start() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_korgoo"))
        .env_remove("DATABASE_URL")
        .env("KORGOO_LOG", "warn")
        .env("KORGOO_TRUST_PROXY", "true")
        .args(["serve", "--bind", "127.0.0.1:1"])
        .output()
        .expect("running korgoo");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("KORGOO_TRUSTED_PROXIES"), "{stderr}");
    // A bad proxy list is refused too.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_korgoo"))
        .env_remove("DATABASE_URL")
        .env("KORGOO_TRUSTED_PROXIES", "ministry-gateway")
        .args(["serve", "--bind", "127.0.0.1:1"])
        .output()
        .expect("running korgoo");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ministry-gateway"), "{stderr}");
}

/// A form sent in `pieces`, one every `gap`, on a raw connection; what the
/// server answered (if it answered) and when.
async fn trickle(
    app: &TestApp,
    body: &str,
    gap: std::time::Duration,
) -> (String, std::time::Duration) {
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    let head = format!(
        "POST /login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let started = std::time::Instant::now();
    stream.write_all(head.as_bytes()).await.expect("head");
    let (mut reader, mut writer) = stream.into_split();
    let bytes = body.as_bytes().to_vec();
    let sender = actix_web::rt::spawn(async move {
        for byte in bytes {
            if writer.write_all(&[byte]).await.is_err() {
                break;
            }
            actix_web::rt::time::sleep(gap).await;
        }
    });
    // When the answer begins, then the rest of it.
    let mut answer = vec![0u8; 1];
    let wait = std::time::Duration::from_secs(20);
    let _ = tokio::time::timeout(wait, reader.read_exact(&mut answer)).await;
    let took = started.elapsed();
    let _ = tokio::time::timeout(wait, reader.read_to_end(&mut answer)).await;
    sender.abort();
    (String::from_utf8_lossy(&answer).into_owned(), took)
}

/// Issue 19 (Low): a body sent a byte now and then no longer holds the
/// connection: past the deadline the answer is a 408 and nothing is done.
#[actix_web::test]
async fn a_body_trickled_past_the_deadline_is_refused_with_408() {
    let app = TestApp::spawn_with(|c| c.body_deadline_seconds = 1).await;
    let body = "login=someone&password=a+long+test+phrase+2026&csrf_token=x";
    // At speed the same form is read (and refused for its token).
    let (quick, _) = trickle(&app, body, std::time::Duration::ZERO).await;
    assert!(quick.starts_with("HTTP/1.1 403"), "{quick}");
    // One byte every 400 ms would take 24 s.
    let (slow, took) = trickle(&app, body, std::time::Duration::from_millis(400)).await;
    assert!(slow.starts_with("HTTP/1.1 408"), "{slow}");
    assert!(
        took < std::time::Duration::from_secs(5),
        "answered after {took:?}"
    );
    assert!(
        slow.contains("<html"),
        "a page in the user's language: {slow}"
    );
    assert_eq!(app.audit_count("login_failed"), 0);
}

/// Anonymous visitors write nothing (issue 19, Low: 500 GETs of /login made
/// 503 session rows): the sign-in form's token lives in a cookie, and a
/// sign-in posts it back in the form (double submit).
#[actix_web::test]
async fn anonymous_visitors_get_no_session_row_and_the_sign_in_still_checks_its_token() {
    let app = TestApp::spawn().await;
    app.create_user(Role::Inspector, false).await;
    let before = app.count("sessions");
    for _ in 0..200 {
        // A new browser each time, as a crawler or a flood would be.
        let visitor = app.other_browser();
        let page = visitor.get("/login").await;
        assert_eq!(page.status, StatusCode::OK);
    }
    for path in ["/", "/public", "/login?next=%2Fcases", "/cases"] {
        let page = app.other_browser().get(path).await;
        assert!(!page.status.is_server_error(), "{path}");
    }
    assert_eq!(app.count("sessions"), before, "no session for a visitor");

    let login = app.create_user(Role::Inspector, false).await;
    // The token of the page and the cookie it came with sign in.
    let browser = app.other_browser();
    let page = browser.get("/login").await;
    let token = page.input_value("csrf_token").expect("a token in the form");
    assert_eq!(token.len(), 64);
    let cookie = page
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("korgoo_login_csrf="))
        .expect("the token's cookie");
    assert!(cookie.contains(&token));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    // A wrong password shows the form again with a token that still works.
    let failed = browser
        .post_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("login", &login),
                ("password", "wrong one"),
            ],
        )
        .await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        failed.input_value("csrf_token").as_deref(),
        Some(token.as_str())
    );
    let ok = browser
        .post_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("login", &login),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(app.count("sessions"), before + 1, "one session, at sign-in");

    // Without the cookie, or with another browser's, the token is refused.
    let forger = app.other_browser();
    let refused = forger
        .post_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("login", &login),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let other = app.other_browser();
    other.get("/login").await;
    let mixed = other
        .post_raw(
            "/login",
            &[
                ("csrf_token", &token),
                ("login", &login),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(mixed.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("sessions"), before + 1);
}
