//! Browser walks: a real headless Chromium, driven through chromedriver,
//! against the real app. They fail (never skip) when Chromium is missing:
//! `.ci/run` installs it.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use fantoccini::{Client, ClientBuilder, Locator};
use korgoo::db::schema::{children, sessions, users};
use korgoo::policy::Role;

use crate::common::{PASSWORD, TestApp, fixtures};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A chromedriver of our own on a free port, with a fresh profile directory;
/// both go away when the guard drops, whatever the test did.
struct Browser {
    driver: Child,
    client: Option<Client>,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start() -> Browser {
        for binary in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(binary).exists(),
                "{binary} is missing: apt-get install -y chromium chromium-driver"
            );
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::Builder::new()
            .prefix("korgoo-chromium-")
            .tempdir()
            .expect("a profile directory");
        let mut browser = Browser {
            driver,
            client: None,
            _profile: profile,
        };
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                // A browser set up for a Kyrgyz reader, as the app's users have.
                "prefs": { "intl.accept_languages": "ky,ru" },
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", browser._profile.path().display()),
                ]
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() > Duration::from_secs(30) => {
                    panic!("chromedriver did not start a browser: {e}")
                }
                Err(_) => actix_web::rt::time::sleep(Duration::from_millis(200)).await,
            }
        };
        browser.client = Some(client);
        browser
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("a session")
    }

    async fn text(&self, css: &str) -> String {
        self.client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .text()
            .await
            .expect("text")
    }

    async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .attr(name)
            .await
            .expect("an attribute")
    }

    async fn fill(&self, css: &str, value: &str) {
        let field = self
            .client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.expect("clear");
        field.send_keys(value).await.expect("typing");
    }

    /// Click something that loads a new page, and wait until it has: the
    /// old page's root goes stale once the new one replaced it.
    async fn click(&self, css: &str) {
        let old = self
            .client()
            .find(Locator::Css("html"))
            .await
            .expect("a page");
        self.click_in_page(css).await;
        let started = Instant::now();
        while old.tag_name().await.is_ok() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "clicking {css} loaded no new page"
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Click something that stays on the page (a radio button, a checkbox).
    async fn click_in_page(&self, css: &str) {
        self.client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    async fn select(&self, css: &str, value: &str) {
        self.client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choosing {value} in {css}: {e}"));
    }

    async fn path(&self) -> String {
        self.client()
            .current_url()
            .await
            .expect("a URL")
            .path()
            .to_owned()
    }

    async fn lang(&self) -> String {
        self.attr("html", "lang").await.unwrap_or_default()
    }

    async fn sign_in(&self, app: &TestApp, login: &str) {
        self.client()
            .goto(&app.url("/login"))
            .await
            .expect("the sign-in page");
        self.fill("#login", login).await;
        self.fill("#password", PASSWORD).await;
        self.click("#sign-in").await;
    }

    async fn close(mut self) {
        if let Some(client) = self.client.take() {
            let _ = client.close().await;
        }
    }
}

impl Drop for Browser {
    /// Also after a failed assertion: chromedriver leaves its Chromium running
    /// when it is killed, so the processes using our profile go too.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let marker = format!("--user-data-dir={}", self._profile.path().display());
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|p| p.parse::<i32>().ok())
            else {
                continue;
            };
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            if String::from_utf8_lossy(&cmdline)
                .split('\0')
                .any(|arg| arg == marker)
            {
                // SAFETY: signalling a Chromium process this test started.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
    }
}

/// Sign in, switch the language both ways (remembered for the user), sign out.
#[actix_web::test]
async fn a_user_signs_in_changes_language_and_signs_out_in_chromium() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::CaseWorker, false).await;
    let browser = Browser::start().await;

    browser
        .client()
        .goto(&app.url("/login"))
        .await
        .expect("the sign-in page");
    assert_eq!(browser.lang().await, "ky");
    assert_eq!(browser.text("h1").await, "Кирүү");

    browser.sign_in(&app, &login).await;
    assert_eq!(browser.path().await, "/");
    assert_eq!(
        browser.text(".who").await,
        format!("Тест Колдонуучу {login}")
    );

    browser.click("nav.langs a[hreflang=ru]").await;
    assert_eq!(browser.lang().await, "ru");
    assert_eq!(browser.text("#logout").await, "Выйти");
    let mut conn = app.conn();
    let locale: String = users::table
        .filter(users::login.eq(&login))
        .select(users::locale)
        .first(&mut conn)
        .unwrap();
    assert_eq!(locale, "ru", "the choice is kept for the user");

    browser.click("nav.langs a[hreflang=ky]").await;
    assert_eq!(browser.lang().await, "ky");
    assert_eq!(browser.text("#logout").await, "Чыгуу");

    browser.click("#logout").await;
    assert_eq!(browser.path().await, "/login");
    let user_id = fixtures::user_id(&mut conn, &login);
    let left: i64 = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(left, 0, "signing out ends the session");
    browser.close().await;
}

/// A case worker registers a child through the real form, is stopped by a
/// missing field with the rest of the input kept, and lands on the record.
#[actix_web::test]
async fn a_case_worker_registers_a_child_in_chromium() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::CaseWorker, false).await;
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let browser = Browser::start().await;
    browser.sign_in(&app, &login).await;

    browser.click("nav.main-nav a[href='/children']").await;
    browser.click("a[href='/children/new']").await;
    browser.fill("#family_name", "Сатыбалдиева").await;
    browser.fill("#given_name", "Нуриза").await;
    browser.click_in_page("input[name=sex][value=female]").await;
    browser.fill("#guardian_name", "Айгерим Сатыбалдиева").await;
    browser.select("#home_location_id", &karasuu).await;
    browser.select("#school_status", "irregular").await;
    browser.click("#save").await;

    // No birth date or age: the form comes back with the message by the field.
    assert!(!browser.text("#birth_date-error").await.is_empty());
    assert_eq!(
        browser.attr("#family_name", "value").await.as_deref(),
        Some("Сатыбалдиева")
    );
    assert_eq!(app.count("children"), 0);

    browser.fill("#age", "12").await;
    browser.click("#save").await;
    let path = browser.path().await;
    assert!(path.starts_with("/children/"), "{path}");
    assert!(browser.text("h1").await.contains("Сатыбалдиева Нуриза"));
    let saved: i64 = children::table.count().get_result(&mut app.conn()).unwrap();
    assert_eq!(saved, 1);
    browser.close().await;
}
