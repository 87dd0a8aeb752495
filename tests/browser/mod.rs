//! Browser walks: a real headless Chromium, driven through chromedriver,
//! against the real app. They fail (never skip) when Chromium is missing:
//! `.ci/run` installs it.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use fantoccini::{Client, ClientBuilder, Locator};
use korgoo::admin::model::AgencyKind;
use korgoo::db::schema::{
    case_events, cases, children, follow_ups, investigation_cases, investigation_inspections,
    investigations, le_referrals, referrals, sessions, users,
};
use korgoo::policy::Role;

use crate::common::{PASSWORD, TestApp, fixtures};

mod refusals;
mod roles;

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
        Browser::launch(None).await
    }

    /// The same browser, saving downloads into `dir` without asking.
    async fn start_with_downloads(dir: &std::path::Path) -> Browser {
        Browser::launch(Some(dir)).await
    }

    async fn launch(downloads: Option<&std::path::Path>) -> Browser {
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
        // A browser set up for a Kyrgyz reader, as the app's users have.
        let mut prefs = serde_json::json!({ "intl.accept_languages": "ky,ru" });
        if let Some(dir) = downloads {
            prefs["download.default_directory"] = serde_json::json!(dir.display().to_string());
            prefs["download.prompt_for_download"] = serde_json::json!(false);
            prefs["download.directory_upgrade"] = serde_json::json!(true);
        }
        let capabilities = serde_json::json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "prefs": prefs,
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

    /// A property of the element as it is now (an input's value as typed or
    /// set by a script, not as the page was sent).
    async fn prop(&self, css: &str, name: &str) -> Option<String> {
        self.client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .prop(name)
            .await
            .expect("a property")
    }

    /// How many elements on the page match `css` (0: none shown).
    async fn count(&self, css: &str) -> usize {
        self.client()
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .len()
    }

    /// The texts of every element matching `css`.
    async fn texts(&self, css: &str) -> Vec<String> {
        let mut texts = Vec::new();
        for element in self
            .client()
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
        {
            texts.push(element.text().await.expect("text"));
        }
        texts
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

    async fn sign_out(&self) {
        self.click("#logout").await;
        assert_eq!(self.path().await, "/login", "signing out");
    }

    /// Open the `<details>` holding `css` by clicking its summary, so the
    /// form inside can be filled as a user would.
    async fn open_details_of(&self, css: &str) {
        self.click_in_page(&format!("details:has({css}) > summary"))
            .await;
        let shown = self
            .client()
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .is_displayed()
            .await
            .expect("visibility");
        assert!(shown, "{css} is shown once its <details> is open");
    }

    /// Set an `<input type=date>` (ISO date): typing into one depends on the
    /// browser's locale, so the value is set as the date picker would.
    async fn set_date(&self, id: &str, iso: &str) {
        self.client()
            .execute(
                "const field = document.getElementById(arguments[0]);
                 field.value = arguments[1];
                 field.dispatchEvent(new Event('input', { bubbles: true }));
                 field.dispatchEvent(new Event('change', { bubbles: true }));
                 return field.value;",
                vec![serde_json::json!(id), serde_json::json!(iso)],
            )
            .await
            .map(|value| assert_eq!(value.as_str(), Some(iso), "#{id} took the date"))
            .unwrap_or_else(|e| panic!("setting #{id}: {e}"));
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

/// A date in Bishkek, `days` from today (negative: in the past), as ISO.
fn bishkek_date(days: i64) -> String {
    (crate::common::today() + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn case_status(app: &TestApp, id: i64) -> String {
    cases::table
        .find(id)
        .select(cases::status)
        .first(&mut app.conn())
        .unwrap()
}

/// One child, one case, every step through the real pages: a case worker
/// registers and opens, a supervisor assigns, approves the plan and the
/// closure, a rehabilitation centre answers the referral, and the worker
/// monitors with two visits before asking to close.
#[actix_web::test]
async fn a_child_goes_from_registration_to_an_approved_closure_in_chromium() {
    let app = TestApp::spawn().await;
    let worker = app.create_user(Role::CaseWorker, false).await;
    let supervisor = app.create_user(Role::Supervisor, false).await;
    let worker_id = fixtures::user_id(&mut app.conn(), &worker);
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let centre = fixtures::agency(
        &mut app.conn(),
        AgencyKind::RehabilitationCenter,
        "KG-GO",
        "Umut Centre",
    );
    let staff = fixtures::user_in(&app.db.url, Role::ServiceProvider, centre);
    let browser = Browser::start().await;

    // 1. The worker registers the child and opens a case from the record.
    browser.sign_in(&app, &worker).await;
    assert_eq!(browser.path().await, "/");
    browser.click("nav.main-nav a[href='/children']").await;
    browser.click("a[href='/children/new']").await;
    browser.fill("#family_name", "Токтогулова").await;
    browser.fill("#given_name", "Айгүл").await;
    browser.click_in_page("input[name=sex][value=female]").await;
    browser.fill("#age", "12").await;
    browser.fill("#guardian_name", "Гүлмира Токтогулова").await;
    browser.select("#home_location_id", &karasuu).await;
    browser.select("#school_status", "irregular").await;
    browser.click("#save").await;
    let child_path = browser.path().await;
    assert!(child_path.starts_with("/children/"), "{child_path}");
    assert!(browser.text("h1").await.contains("Токтогулова Айгүл"));

    browser.click("#open-case").await;
    assert_eq!(browser.path().await, "/cases/new");
    browser.select("#source", "inspection").await;
    browser
        .click_in_page("input[name=forms][value=hazardous_work]")
        .await;
    browser.select("#sector", "agriculture").await;
    browser.select("#risk", "high").await;
    browser
        .fill("#narrative", "Found picking cotton during school hours.")
        .await;
    browser
        .fill("#consent_given_by", "Гүлмира Токтогулова, апасы")
        .await;
    browser.set_date("consent_given_on", &bishkek_date(0)).await;
    browser.click("#save").await;
    let case_path = browser.path().await;
    let id: i64 = case_path
        .strip_prefix("/cases/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("landed on {case_path}, not a case"));
    assert_eq!(browser.text("#case-status").await, "Жаңы");
    assert_eq!(case_status(&app, id), "new");
    let (forms, consent_on): (Vec<Option<String>>, Option<chrono::NaiveDate>) = cases::table
        .find(id)
        .select((cases::forms, cases::consent_given_on))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(forms, [Some("hazardous_work".to_owned())]);
    assert_eq!(
        consent_on.map(|d| d.format("%Y-%m-%d").to_string()),
        Some(bishkek_date(0))
    );
    assert!(
        browser
            .text("#consent")
            .await
            .contains("Гүлмира Токтогулова")
    );
    browser.sign_out().await;

    // 2. The supervisor assigns the case to the worker.
    browser.sign_in(&app, &supervisor).await;
    browser.client().goto(&app.url(&case_path)).await.unwrap();
    browser.select("#assignee", &worker_id.to_string()).await;
    browser.click("#assign").await;
    assert_eq!(browser.path().await, case_path);
    assert_eq!(
        browser.text("#assigned").await,
        format!("Тест Колдонуучу {worker}")
    );
    let assigned: Option<i64> = cases::table
        .find(id)
        .select(cases::assigned_to)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(assigned, Some(worker_id));
    browser.sign_out().await;

    // 3. The worker assesses and submits a plan.
    browser.sign_in(&app, &worker).await;
    browser.client().goto(&app.url(&case_path)).await.unwrap();
    browser.click("#start-assessment").await;
    assert_eq!(browser.path().await, case_path);
    assert_eq!(browser.text("#case-status").await, "Баалоо");
    assert_eq!(case_status(&app, id), "assessment");
    browser
        .fill("#assessment", "Works 6 hours a day; misses school.")
        .await;
    browser.select("#assessment-risk", "high").await;
    browser.click("#record-assessment").await;
    assert_eq!(browser.path().await, case_path);
    assert_eq!(browser.text("#case-status").await, "Иш планы");
    assert_eq!(
        browser.text("#assessment-text").await,
        "Works 6 hours a day; misses school."
    );
    assert_eq!(case_status(&app, id), "case_plan");
    browser
        .fill("#plan", "Rehabilitation centre, then catch-up classes.")
        .await;
    browser.click("#submit-plan").await;
    assert_eq!(browser.path().await, case_path);
    assert_eq!(
        browser.text("#plan-text").await,
        "Rehabilitation centre, then catch-up classes."
    );
    let submitted: Option<chrono::DateTime<chrono::Utc>> = cases::table
        .find(id)
        .select(cases::plan_submitted_at)
        .first(&mut app.conn())
        .unwrap();
    assert!(submitted.is_some(), "the plan waits for approval");
    browser.sign_out().await;

    // 4. The supervisor approves the plan.
    browser.sign_in(&app, &supervisor).await;
    browser.client().goto(&app.url(&case_path)).await.unwrap();
    browser.fill("#comment", "Agreed.").await;
    browser.click("#approve-plan").await;
    assert_eq!(browser.path().await, case_path);
    assert_eq!(browser.text("#case-status").await, "Кызмат көрсөтүлүүдө");
    assert_eq!(case_status(&app, id), "in_services");
    browser.sign_out().await;

    // 5. The worker refers the child to the rehabilitation centre.
    browser.sign_in(&app, &worker).await;
    browser.client().goto(&app.url(&case_path)).await.unwrap();
    browser.open_details_of("#agency_id").await;
    browser.select("#agency_id", &centre.to_string()).await;
    browser.select("#service", "rehabilitation").await;
    browser
        .click_in_page("input[name=shared][value=birth_date]")
        .await;
    browser.set_date("answer_by", &bishkek_date(7)).await;
    browser
        .fill("#referral_note", "Needs a safe place and counselling.")
        .await;
    browser.click("#send-referral").await;
    assert_eq!(browser.path().await, case_path);
    assert_eq!(
        browser
            .attr("#referrals tr.referral", "data-status")
            .await
            .as_deref(),
        Some("sent")
    );
    let (referral, referral_status, answer_by): (i64, String, chrono::NaiveDate) = referrals::table
        .filter(referrals::case_id.eq(id))
        .select((referrals::id, referrals::status, referrals::answer_by))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(referral_status, "sent");
    assert_eq!(answer_by.format("%Y-%m-%d").to_string(), bishkek_date(7));
    browser.sign_out().await;

    // 6. The centre's staff find it in their queue and answer it to the end.
    browser.sign_in(&app, &staff).await;
    browser.click("nav.main-nav a[href='/referrals']").await;
    assert!(
        browser
            .text("#referral-queue")
            .await
            .contains("Токтогулова Айгүл")
    );
    browser
        .click(&format!("#referral-queue a[href='/referrals/{referral}']"))
        .await;
    let referral_path = format!("/referrals/{referral}");
    assert_eq!(browser.path().await, referral_path);
    assert_eq!(browser.text("#referral-status").await, "Жөнөтүлдү");
    for (button, note, shown, stored) in [
        ("#accept", "", "Кабыл алынды", "accepted"),
        ("#start", "", "Кызмат көрсөтүлүүдө", "in_service"),
        (
            "#complete",
            "Completed 3 months of counselling.",
            "Аяктады",
            "completed",
        ),
    ] {
        if !note.is_empty() {
            browser.fill("#note", note).await;
        }
        browser.click(button).await;
        assert_eq!(browser.path().await, referral_path, "{button}");
        assert_eq!(browser.text("#referral-status").await, shown, "{button}");
        let now: String = referrals::table
            .find(referral)
            .select(referrals::status)
            .first(&mut app.conn())
            .unwrap();
        assert_eq!(now, stored, "{button}");
    }
    let outcome: String = referrals::table
        .find(referral)
        .select(referrals::outcome_note)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(outcome, "Completed 3 months of counselling.");
    browser.sign_out().await;

    // 7. The worker monitors: two visits a month and more apart, then asks
    // to close. Visits lie in the past, so the case is made older first.
    browser.sign_in(&app, &worker).await;
    browser.client().goto(&app.url(&case_path)).await.unwrap();
    assert_eq!(
        browser
            .attr("#referrals tr.referral", "data-status")
            .await
            .as_deref(),
        Some("completed")
    );
    browser.click("#start-monitoring").await;
    assert_eq!(browser.path().await, case_path);
    assert_eq!(browser.text("#case-status").await, "Мониторинг");
    assert_eq!(case_status(&app, id), "monitoring");
    diesel::sql_query(format!(
        "UPDATE cases SET opened_at = now() - interval '90 days' WHERE id = {id}"
    ))
    .execute(&mut app.conn())
    .unwrap();
    for days_ago in [60, 10] {
        browser.client().goto(&app.url(&case_path)).await.unwrap();
        browser.open_details_of("#visited_on").await;
        browser
            .set_date("visited_on", &bishkek_date(-days_ago))
            .await;
        browser
            .click_in_page("input[name=still_working][value=no]")
            .await;
        browser
            .click_in_page("input[name=attending_school][value=yes]")
            .await;
        browser
            .fill("#notes", "At home, helping with homework.")
            .await;
        browser.click("#save-follow-up").await;
        assert_eq!(
            browser.path().await,
            case_path,
            "the visit {days_ago} days ago"
        );
    }
    let visits: Vec<(chrono::NaiveDate, bool, bool)> = follow_ups::table
        .filter(follow_ups::case_id.eq(id))
        .order(follow_ups::visited_on)
        .select((
            follow_ups::visited_on,
            follow_ups::still_working,
            follow_ups::attending_school,
        ))
        .load(&mut app.conn())
        .unwrap();
    let visits: Vec<(String, bool, bool)> = visits
        .into_iter()
        .map(|(on, working, school)| (on.format("%Y-%m-%d").to_string(), working, school))
        .collect();
    assert_eq!(
        visits,
        [
            (bishkek_date(-60), false, true),
            (bishkek_date(-10), false, true)
        ]
    );
    assert_eq!(
        browser
            .client()
            .find_all(Locator::Css("#follow-ups tbody tr"))
            .await
            .unwrap()
            .len(),
        2
    );
    browser.open_details_of("#closure_reason").await;
    browser.select("#closure_reason", "withdrawn").await;
    browser.click("#request-closure").await;
    assert_eq!(browser.path().await, case_path);
    assert!(
        browser
            .client()
            .find(Locator::Css("#step-error"))
            .await
            .is_err(),
        "{}",
        browser.text("#step-error").await
    );
    assert!(!browser.text("#closure-request").await.is_empty());
    let (status, requested): (String, Option<String>) = cases::table
        .find(id)
        .select((cases::status, cases::closure_requested_reason))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "monitoring", "closing waits for the supervisor");
    assert_eq!(requested.as_deref(), Some("withdrawn"));
    browser.sign_out().await;

    // 8. The supervisor approves the closure.
    browser.sign_in(&app, &supervisor).await;
    browser.client().goto(&app.url(&case_path)).await.unwrap();
    browser.fill("#comment", "Well done.").await;
    // Closing is confirmed: the button is hidden until asked for, and
    // says what it does (issue 21).
    assert!(
        !browser
            .client()
            .find(Locator::Css("#approve-closure"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap(),
        "the closure is not one click away"
    );
    browser.open_details_of("#approve-closure").await;
    assert!(
        browser
            .text("#approve-closure-confirm")
            .await
            .contains("бөлүм башчысы гана кайра ача алат"),
        "the confirmation says what closing does"
    );
    browser.click("#approve-closure").await;
    assert_eq!(browser.path().await, case_path);
    assert_eq!(browser.text("#case-status").await, "Жабылган");
    let (status, reason): (String, Option<String>) = cases::table
        .find(id)
        .select((cases::status, cases::closure_reason))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "closed");
    assert_eq!(reason.as_deref(), Some("withdrawn"));
    let kinds: Vec<String> = case_events::table
        .filter(case_events::case_id.eq(id))
        .order(case_events::id)
        .select(case_events::kind)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(
        kinds,
        [
            "opened",
            "assigned",
            "assessment_started",
            "assessment_recorded",
            "plan_submitted",
            "plan_approved",
            "referral_sent",
            "referral_accepted",
            "referral_started",
            "referral_completed",
            "monitoring_started",
            "follow_up",
            "follow_up",
            "closure_requested",
            "closure_approved",
        ]
    );
    let timeline = browser.text("#timeline").await;
    assert!(timeline.contains("Иш жабылды"), "{timeline}");
    assert!(timeline.contains("Well done."), "{timeline}");
    let shown_kinds = browser
        .client()
        .find_all(Locator::Css("#timeline li"))
        .await
        .unwrap();
    assert_eq!(shown_kinds.len(), kinds.len(), "{timeline}");
    browser.sign_out().await;
    browser.close().await;
}

/// An inspector records an inspection at a cotton farm with two children
/// found, then opens their two cases; each lands in its unit's queue.
#[actix_web::test]
async fn an_inspector_records_a_cotton_farm_visit_and_opens_two_cases_in_chromium() {
    let app = TestApp::spawn().await;
    let office = fixtures::agency(
        &mut app.conn(),
        AgencyKind::LaborInspectorate,
        "KG-O",
        "Osh office",
    );
    let inspector = fixtures::user_in(&app.db.url, Role::Inspector, office);
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let browser = Browser::start().await;
    browser.sign_in(&app, &inspector).await;

    // The farm.
    browser
        .click("nav.main-nav a[href='/establishments']")
        .await;
    browser.click("#new-establishment").await;
    browser.fill("#name", "Папан пахта талаасы").await;
    browser.select("#kind", "farm_cotton").await;
    browser.fill("#owner", "Асанов Бакыт").await;
    browser.select("#location_id", &karasuu).await;
    browser.click("#save").await;
    assert!(browser.path().await.starts_with("/establishments/"));

    // The visit: two children, a girl under 14 and a boy of 15.
    browser.click("#record-inspection").await;
    browser.set_date("visited_on", &bishkek_date(-1)).await;
    browser.select("#kind", "unannounced").await;
    assert_eq!(browser.count("#live-suggestions:not([hidden])").await, 0);
    browser.fill("#girls_under_14", "1").await;
    browser.fill("#boys_14_15", "1").await;
    // The law's suggestions appear as the ages are typed (issue 21): two
    // children below 16 on a cotton farm, so underage and hazardous work,
    // filled in and marked, to be confirmed by the save.
    assert_eq!(
        browser
            .prop("#violation_underage_work", "value")
            .await
            .as_deref(),
        Some("2")
    );
    assert_eq!(
        browser
            .prop("#violation_hazardous_work", "value")
            .await
            .as_deref(),
        Some("2")
    );
    assert_eq!(
        browser.count("#violation_hazardous_work.suggested").await,
        1
    );
    assert!(browser.text("#live-suggestions").await.contains("(2)"));
    // What the inspector types wins over a suggestion.
    browser.fill("#violation_underage_work", "1").await;
    browser.fill("#girls_16_17", "0").await;
    assert_eq!(
        browser
            .prop("#violation_underage_work", "value")
            .await
            .as_deref(),
        Some("1")
    );
    assert_eq!(browser.count("#violation_underage_work.suggested").await, 0);
    browser.fill("#violation_underage_work", "2").await;
    browser.fill("#children_found", "3").await;
    browser.click("#save").await;
    // The total was wrong: the form says so and keeps the rest.
    assert!(!browser.text("#children_found-error").await.is_empty());
    assert_eq!(
        browser.attr("#girls_under_14", "value").await.as_deref(),
        Some("1")
    );
    browser.fill("#children_found", "2").await;
    browser.click("#save").await;
    let path = browser.path().await;
    assert!(path.starts_with("/inspections/"), "{path}");
    let id: i64 = path.trim_start_matches("/inspections/").parse().unwrap();
    assert_eq!(browser.text("#children-total").await, "2");

    // A fine, then the two children's cases.
    browser.open_details_of("#legal_basis").await;
    browser
        .fill("#legal_basis", "Укук бузуулар жөнүндө кодекс, 117-берене")
        .await;
    browser.fill("#imposed", "15 000").await;
    browser
        .click_in_page("input[name=violations][value=underage_work]")
        .await;
    browser.click("#impose").await;
    // WebDriver reports no-break spaces as plain ones.
    assert!(browser.text("#penalties").await.contains("15 000,00"));
    for (family, given, sex, age) in [
        ("Токтогулова", "Айгүл", "female", "12"),
        ("Осмонов", "Нурбек", "male", "15"),
    ] {
        browser.open_details_of("#family_name").await;
        browser.fill("#family_name", family).await;
        browser.fill("#given_name", given).await;
        browser
            .click_in_page(&format!("input[name=sex][value={sex}]"))
            .await;
        browser.fill("#age", age).await;
        browser.select("#home_location_id", &karasuu).await;
        browser.select("#school_status", "irregular").await;
        browser.fill("#doing", "Picking cotton in the field.").await;
        browser.click("#open-case").await;
        assert_eq!(browser.path().await, format!("/inspections/{id}"));
    }
    let linked = browser.text("#linked-cases").await;
    assert_eq!(linked.lines().count(), 2, "{linked}");
    let opened: Vec<(i64, String, Option<i64>)> = cases::table
        .select((cases::unit_id, cases::source, cases::inspection_id))
        .load(&mut app.conn())
        .unwrap();
    let unit = fixtures::agency_by_code(&mut app.conn(), "CSU-KG-O-KARASUU");
    assert_eq!(opened.len(), 2);
    assert!(
        opened
            .iter()
            .all(|(u, source, from)| *u == unit && source == "inspection" && *from == Some(id))
    );
    // All children found have their case: the form is no longer offered.
    assert!(
        browser
            .client()
            .find(Locator::Css("#open-case"))
            .await
            .is_err()
    );
    // Closing the inspection cannot be undone: it is asked for and then
    // confirmed, and the confirmation says what closing means.
    let close = browser
        .client()
        .find(Locator::Css("#close-inspection"))
        .await
        .unwrap();
    assert!(!close.is_displayed().await.unwrap(), "not one click away");
    browser.open_details_of("#close-inspection").await;
    assert!(
        browser
            .text("#close-confirm")
            .await
            .contains("Жабылган текшерүүнү"),
        "{}",
        browser.text("#close-confirm").await
    );
    browser.click("#close-inspection").await;
    let status: String = korgoo::db::schema::inspections::table
        .find(id)
        .select(korgoo::db::schema::inspections::status)
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "closed");
    browser.close().await;
}

/// An inspector finds two boys in forced labour on a cotton farm and refers
/// the inspection to the prosecutor, who opens an investigation for it and
/// takes it to court and to a conviction. The child's unit then refers the
/// child's case too; the prosecutor links it to the same investigation and
/// the unit sees the verdict on the case.
#[actix_web::test]
async fn a_forced_labor_inspection_goes_to_the_prosecutor_and_ends_in_a_conviction_in_chromium() {
    let app = TestApp::spawn().await;
    let office = fixtures::agency(
        &mut app.conn(),
        AgencyKind::LaborInspectorate,
        "KG-O",
        "Osh office",
    );
    let inspector = fixtures::user_in(&app.db.url, Role::Inspector, office);
    let prosecutor = app.create_user(Role::Prosecutor, false).await;
    let worker = app.create_user(Role::CaseWorker, false).await;
    let karasuu = fixtures::location(&mut app.conn(), "KG-O-KARASUU").to_string();
    let gpo = fixtures::agency_by_code(&mut app.conn(), "GPO");
    let unit = fixtures::agency_by_code(&mut app.conn(), "CSU-KG-O-KARASUU");
    let browser = Browser::start().await;

    // 1. The inspector: the farm, the visit referred to the prosecutor, and
    // a case for one of the two boys.
    browser.sign_in(&app, &inspector).await;
    browser
        .click("nav.main-nav a[href='/establishments']")
        .await;
    browser.click("#new-establishment").await;
    browser.fill("#name", "Папан пахта талаасы").await;
    browser.select("#kind", "farm_cotton").await;
    browser.fill("#owner", "Асанов Бакыт").await;
    browser.select("#location_id", &karasuu).await;
    browser.click("#save").await;
    let farm_path = browser.path().await;
    assert!(farm_path.starts_with("/establishments/"), "{farm_path}");

    browser.click("#record-inspection").await;
    browser.set_date("visited_on", &bishkek_date(-12)).await;
    browser.select("#kind", "joint_police").await;
    browser.fill("#boys_under_14", "2").await;
    browser.fill("#children_found", "2").await;
    browser.fill("#violation_forced_labor", "2").await;
    browser
        .select("#law_enforcement_id", &gpo.to_string())
        .await;
    browser.click("#save").await;
    let path = browser.path().await;
    assert!(path.starts_with("/inspections/"), "{path}");
    let inspection: i64 = path.trim_start_matches("/inspections/").parse().unwrap();
    let inspection_path = format!("/inspections/{inspection}");
    assert_eq!(browser.text("#children-total").await, "2");
    assert!(
        browser
            .text("main")
            .await
            .contains("Кыргыз Республикасынын Башкы прокуратурасы"),
        "the inspection names where it was referred"
    );
    assert_eq!(
        app.count("le_referrals"),
        1,
        "one referral, of the inspection"
    );
    let (inspection_referral, to, status): (i64, i64, String) = le_referrals::table
        .select((
            le_referrals::id,
            le_referrals::agency_id,
            le_referrals::status,
        ))
        .first(&mut app.conn())
        .unwrap();
    let about: (Option<i64>, Option<i64>) = le_referrals::table
        .find(inspection_referral)
        .select((le_referrals::inspection_id, le_referrals::case_id))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!((to, status.as_str()), (gpo, "sent"));
    assert_eq!(about, (Some(inspection), None));

    browser.open_details_of("#family_name").await;
    browser.fill("#family_name", "Осмонов").await;
    browser.fill("#given_name", "Нурбек").await;
    browser.click_in_page("input[name=sex][value=male]").await;
    browser.fill("#age", "12").await;
    browser.select("#home_location_id", &karasuu).await;
    browser.select("#school_status", "out_of_school").await;
    browser
        .click_in_page("input[name=forms][value=forced_labor]")
        .await;
    browser
        .fill("#doing", "Picking cotton for the owner's debt, unpaid.")
        .await;
    browser.click("#open-case").await;
    assert_eq!(browser.path().await, inspection_path);
    let linked = browser.text("#linked-cases").await;
    assert_eq!(linked.lines().count(), 1, "{linked}");
    let (case, case_unit, source, from, forms): (
        i64,
        i64,
        String,
        Option<i64>,
        Vec<Option<String>>,
    ) = cases::table
        .select((
            cases::id,
            cases::unit_id,
            cases::source,
            cases::inspection_id,
            cases::forms,
        ))
        .first(&mut app.conn())
        .unwrap();
    assert!(linked.contains(&format!("№ {case}")), "{linked}");
    assert_eq!(
        (case_unit, source.as_str(), from),
        (unit, "inspection", Some(inspection))
    );
    assert!(
        forms.contains(&Some("forced_labor".to_owned())),
        "{forms:?}"
    );
    assert_eq!(app.count("cases"), 1);
    browser.sign_out().await;

    // 2. The prosecutor finds the referral waiting and opens an
    // investigation for it, ten days ago.
    browser.sign_in(&app, &prosecutor).await;
    browser
        .click("nav.main-nav a[href='/investigations']")
        .await;
    assert_eq!(browser.path().await, "/investigations");
    let waiting = browser.text("#waiting").await;
    assert!(waiting.contains(&format!("№ {inspection}")), "{waiting}");
    browser
        .click(&format!(
            "#waiting a[href='/investigations/referrals/{inspection_referral}']"
        ))
        .await;
    assert_eq!(
        browser.path().await,
        format!("/investigations/referrals/{inspection_referral}")
    );
    let shared = browser.text("#shared-data").await;
    assert!(shared.contains(&format!("№ {inspection}")), "{shared}");
    assert!(shared.contains("Папан пахта талаасы"), "{shared}");
    assert_eq!(browser.text("#referral-status").await, "Жоопту күтүүдө");
    browser.open_details_of("#open-for-referral").await;
    browser
        .click_in_page("input[name=offenses][value=forced_child_labor]")
        .await;
    browser.set_date("opened_on", &bishkek_date(-10)).await;
    browser.fill("#reference", "УД-2026-41").await;
    browser.fill("#suspects", "1").await;
    browser.click("#open-for-referral").await;
    let path = browser.path().await;
    assert!(path.starts_with("/investigations/"), "{path}");
    let investigation: i64 = path
        .trim_start_matches("/investigations/")
        .parse()
        .unwrap_or_else(|_| panic!("an investigation's page: {path}"));
    let investigation_path = format!("/investigations/{investigation}");
    assert_eq!(browser.text("#investigation-stage").await, "Тергөө жүрүүдө");
    assert!(
        browser
            .text("#linked-inspections")
            .await
            .contains(&format!("№ {inspection}"))
    );
    let linked_inspections: Vec<i64> = investigation_inspections::table
        .filter(investigation_inspections::investigation_id.eq(investigation))
        .select(investigation_inspections::inspection_id)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(linked_inspections, [inspection]);
    let (agency, stage, opened_on, offenses): (
        i64,
        String,
        chrono::NaiveDate,
        Vec<Option<String>>,
    ) = investigations::table
        .find(investigation)
        .select((
            investigations::agency_id,
            investigations::stage,
            investigations::opened_on,
            investigations::offenses,
        ))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(agency, gpo);
    assert_eq!(stage, "investigation");
    assert_eq!(opened_on.format("%Y-%m-%d").to_string(), bishkek_date(-10));
    assert_eq!(offenses, [Some("forced_child_labor".to_owned())]);
    let answered: (String, Option<i64>) = le_referrals::table
        .find(inspection_referral)
        .select((le_referrals::status, le_referrals::investigation_id))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(answered, ("accepted".to_owned(), Some(investigation)));

    // 3. To court five days ago, convicted yesterday.
    browser.set_date("on", &bishkek_date(-5)).await;
    browser.click("#move-send_to_court").await;
    assert_eq!(browser.path().await, investigation_path);
    assert_eq!(browser.count("#move-error").await, 0);
    assert_eq!(
        browser.text("#investigation-stage").await,
        "Сотко жөнөтүлдү"
    );
    let (stage, in_court_on): (String, Option<chrono::NaiveDate>) = investigations::table
        .find(investigation)
        .select((investigations::stage, investigations::in_court_on))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(stage, "in_court");
    assert_eq!(
        in_court_on.map(|d| d.format("%Y-%m-%d").to_string()),
        Some(bishkek_date(-5))
    );

    browser.set_date("on", &bishkek_date(-1)).await;
    browser.fill("#prison_months", "24").await;
    browser.fill("#fine", "30 000").await;
    // A verdict is final: it is asked for, then chosen, and the common
    // next step (not the verdict) is the page's primary button.
    assert_eq!(
        browser.attr("#move-convict", "class").await.as_deref(),
        Some("danger")
    );
    browser.open_details_of("#move-convict").await;
    browser.click("#move-convict").await;
    assert_eq!(browser.path().await, investigation_path);
    assert_eq!(browser.count("#move-error").await, 0);
    assert_eq!(browser.text("#investigation-stage").await, "Соттолду");
    // WebDriver reports no-break spaces as plain ones.
    assert_eq!(browser.text("#fine").await, "30 000,00 сом");
    assert_eq!(
        browser.count("#moves").await,
        0,
        "a verdict is final: no more moves offered"
    );
    let verdict: (
        String,
        Option<chrono::NaiveDate>,
        Option<i32>,
        Option<rust_decimal::Decimal>,
    ) = investigations::table
        .find(investigation)
        .select((
            investigations::stage,
            investigations::decided_on,
            investigations::prison_months,
            investigations::fine,
        ))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(verdict.0, "convicted");
    assert_eq!(
        verdict.1.map(|d| d.format("%Y-%m-%d").to_string()),
        Some(bishkek_date(-1))
    );
    assert_eq!(verdict.2, Some(24));
    assert_eq!(
        verdict.3.map(|f| f.to_string()),
        Some("30000.00".to_owned())
    );
    browser.sign_out().await;

    // 4. The boy's unit also refers his case to the prosecutor (with what it
    // knows of the family), and the prosecutor links it to the same
    // investigation.
    browser.sign_in(&app, &worker).await;
    browser.click("nav.main-nav a[href='/cases']").await;
    assert_eq!(browser.path().await, "/cases");
    assert_eq!(browser.count("#cases tbody tr").await, 1);
    browser
        .click(&format!("#cases a[href='/cases/{case}']"))
        .await;
    let case_path = format!("/cases/{case}");
    assert_eq!(browser.path().await, case_path);
    assert!(browser.text("h1").await.contains("Осмонов Нурбек"));
    // Taking up the inspection linked the children found there as victims:
    // the unit already sees the stage on the case.
    assert_eq!(
        browser.count("#investigation-stages").await,
        1,
        "the inspection's children are linked to its investigation"
    );
    browser.open_details_of("#le_agency_id").await;
    browser.select("#le_agency_id", &gpo.to_string()).await;
    browser
        .fill(
            "#le_note",
            "The boy from the inspection; the owner kept him for a debt.",
        )
        .await;
    browser.click("#refer-law-enforcement").await;
    assert_eq!(browser.path().await, case_path);
    assert!(
        browser
            .text("#le-referrals")
            .await
            .contains("Жоопту күтүүдө")
    );
    let (case_referral, status): (i64, String) = le_referrals::table
        .filter(le_referrals::case_id.eq(case))
        .select((le_referrals::id, le_referrals::status))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(status, "sent");
    browser.sign_out().await;

    // The prosecutor links it to the investigation already decided.
    browser.sign_in(&app, &prosecutor).await;
    browser
        .click("nav.main-nav a[href='/investigations']")
        .await;
    let waiting = browser.text("#waiting").await;
    assert!(waiting.contains(&format!("№ {case}")), "{waiting}");
    assert_eq!(
        browser.count("#waiting a").await,
        1,
        "the answered referral no longer waits: {waiting}"
    );
    browser
        .click(&format!(
            "#waiting a[href='/investigations/referrals/{case_referral}']"
        ))
        .await;
    let shared = browser.text("#shared-data").await;
    assert!(shared.contains("Осмонов Нурбек"), "{shared}");
    browser
        .select("#investigation", &investigation.to_string())
        .await;
    browser.click("#link").await;
    assert_eq!(browser.path().await, investigation_path);
    assert_eq!(browser.text("#investigation-stage").await, "Соттолду");
    let children = browser.text("#linked-cases").await;
    assert!(children.contains(&format!("№ {case}")), "{children}");
    assert!(children.contains("Осмонов Нурбек"), "{children}");
    assert!(children.contains("жабырлануучу"), "{children}");
    let links: Vec<(i64, i64, String)> = investigation_cases::table
        .select((
            investigation_cases::investigation_id,
            investigation_cases::case_id,
            investigation_cases::role,
        ))
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(links, [(investigation, case, "victim".to_owned())]);
    let answered: (String, Option<i64>) = le_referrals::table
        .find(case_referral)
        .select((le_referrals::status, le_referrals::investigation_id))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(answered, ("accepted".to_owned(), Some(investigation)));
    browser
        .click("nav.main-nav a[href='/investigations']")
        .await;
    assert_eq!(browser.count("#waiting a").await, 0, "nothing left waiting");
    browser.sign_out().await;

    // The unit sees the verdict on the case.
    browser.sign_in(&app, &worker).await;
    browser.client().goto(&app.url(&case_path)).await.unwrap();
    let stages = browser.text("#investigation-stages").await;
    assert!(stages.contains(&format!("№ {investigation}")), "{stages}");
    assert!(stages.contains("Соттолду"), "{stages}");
    assert!(
        browser
            .text("#le-referrals")
            .await
            .contains("Тергөөгө байланыштырылды")
    );
    let kinds: Vec<String> = case_events::table
        .filter(case_events::case_id.eq(case))
        .order(case_events::id)
        .select(case_events::kind)
        .load(&mut app.conn())
        .unwrap();
    assert!(
        kinds.ends_with(&[
            "law_enforcement_referred".to_owned(),
            "law_enforcement_accepted".to_owned()
        ]),
        "{kinds:?}"
    );
    browser.sign_out().await;
    browser.close().await;
}

/// A small year in Osh Region, today (Asia/Bishkek): a labour office's
/// three inspections of a cotton farm in Kara-Suu (one finding two children,
/// a boy of whom gets a case), and a regional prosecutor's office with two
/// investigations, one taken to court and none convicted, whose two child
/// victims were referred to social services. Every count is below 5: the
/// state's actions are published exactly, the children's counts as "<5".
/// Returns the year.
fn small_counts_in_osh(app: &TestApp) -> i32 {
    use korgoo::cases::model as case;
    use korgoo::children::model as child;
    use korgoo::inspections::model as insp;
    use korgoo::investigations::model as inv;

    let mut conn = app.conn();
    let day = crate::common::today();
    let office = fixtures::agency(
        &mut conn,
        AgencyKind::LaborInspectorate,
        "KG-O",
        "Osh office",
    );
    let inspector_login = fixtures::user_in(&app.db.url, Role::Inspector, office);
    let inspector = fixtures::user_id(&mut conn, &inspector_login);
    let karasuu = fixtures::location(&mut conn, "KG-O-KARASUU");
    let farm = insp::create_establishment(
        &mut conn,
        &insp::EstablishmentInput {
            kind: insp::EstablishmentKind::FarmCotton,
            sector: korgoo::cases::model::Sector::Agriculture,
            name: "Папан".into(),
            owner: String::new(),
            tax_number: None,
            location_id: karasuu,
            address: String::new(),
        },
        inspector,
    )
    .unwrap();
    let base = insp::InspectionInput {
        establishment_id: farm,
        visited_on: day,
        kind: insp::InspectionKind::Unannounced,
        method: insp::InspectionMethod::Worksite,
        bands: insp::Bands {
            girls: [1, 0, 0],
            boys: [0, 1, 0],
        },
        violations: vec![(insp::ViolationKind::UnderageWork, 2)],
        law_enforcement_id: None,
        notes: String::new(),
        follow_up_on: None,
        inspectors: vec![inspector],
    };
    let found = insp::create_inspection(&mut conn, &base, office, inspector, day).unwrap();
    for _ in 0..2 {
        insp::create_inspection(
            &mut conn,
            &insp::InspectionInput {
                kind: insp::InspectionKind::Routine,
                method: insp::InspectionMethod::DeskReview,
                bands: insp::Bands::default(),
                violations: vec![],
                ..base.clone()
            },
            office,
            inspector,
            day,
        )
        .unwrap();
    }

    // One child found there gets a case: one child identified this year.
    let unit = fixtures::agency_by_code(&mut conn, "CSU-KG-O-KARASUU");
    let worker_login = fixtures::user_in(&app.db.url, Role::CaseWorker, unit);
    let worker = fixtures::user_id(&mut conn, &worker_login);
    let boy = child::create_child(
        &mut conn,
        &child::ChildInput {
            family_name: "Осмонов".into(),
            given_name: "Нурбек".into(),
            patronymic: String::new(),
            sex: child::Sex::Male,
            birth_date: day - chrono::Duration::days(15 * 365),
            birth_date_estimated: true,
            personal_number: None,
            guardian_name: String::new(),
            guardian_contact: String::new(),
            home_location_id: karasuu,
            language: child::ChildLanguage::Ky,
            school_status: child::SchoolStatus::OutOfSchool,
            disability: child::Disability::None,
        },
        worker,
    )
    .unwrap();
    let boys_case = case::create_case(
        &mut conn,
        &case::NewCase {
            child_id: boy,
            inspection_id: Some(found),
            unit_id: unit,
            location_id: karasuu,
            input: &case::CaseInput {
                source: case::CaseSource::Inspection,
                forms: vec![case::ExploitationForm::HazardousWork],
                sector: case::Sector::Agriculture,
                risk: case::Risk::High,
                narrative: String::new(),
                consent: None,
                identified_on: day,
            },
            opened_by: worker,
            due_on: day + chrono::Duration::days(14),
        },
    )
    .unwrap();

    // The regional prosecutor's office: two investigations, one in court.
    let prosecutors = fixtures::agency(
        &mut conn,
        AgencyKind::Prosecutor,
        "KG-O",
        "Osh regional prosecutor's office",
    );
    let prosecutor_login = fixtures::user_in(&app.db.url, Role::Prosecutor, prosecutors);
    let prosecutor = fixtures::user_id(&mut conn, &prosecutor_login);
    let open = |conn: &mut PgConnection| {
        inv::create(
            conn,
            prosecutors,
            &inv::InvestigationInput {
                offenses: vec![inv::Offense::ForcedChildLabor],
                opened_on: day,
                reference: String::new(),
                suspects: 1,
                notes: String::new(),
            },
            prosecutor,
        )
        .unwrap()
    };
    let in_court = open(&mut conn);
    open(&mut conn);
    assert!(
        inv::move_stage(
            &mut conn,
            in_court,
            1,
            inv::Stage::Investigation,
            inv::Stage::InCourt,
            &inv::MoveInput {
                on: day,
                prison_months: None,
                fine: None,
                other_penalty: String::new(),
            },
        )
        .unwrap(),
        "sent to court"
    );
    for _ in 0..2 {
        inv::add_event(
            &mut conn,
            in_court,
            prosecutor,
            inv::InvestigationEvent::VictimReferred,
            "",
            serde_json::json!({ "case_id": boys_case }),
        )
        .unwrap();
    }
    chrono::Datelike::year(&day)
}

/// The finished `.csv` Chromium saved into `dir` (a download in progress is
/// a `.crdownload` until it is renamed), waiting up to 20 seconds.
async fn downloaded_csv(dir: &std::path::Path) -> String {
    let started = Instant::now();
    loop {
        let finished = std::fs::read_dir(dir)
            .expect("the download directory")
            .flatten()
            .map(|entry| entry.path())
            .find(|path| path.extension().is_some_and(|e| e == "csv"));
        if let Some(path) = finished {
            return std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        }
        let seen: Vec<_> = std::fs::read_dir(dir)
            .expect("the download directory")
            .flatten()
            .map(|entry| entry.file_name())
            .collect();
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no CSV downloaded into {} (found {seen:?})",
            dir.display()
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A reader who never signs in sees the small counts of the state's actions
/// exactly and the small counts of children as "<5", and downloads the open
/// data as CSV through the page's button: no count of children from 1 to 4
/// in any row, the actions exact, for the country and for Osh Region.
#[actix_web::test]
async fn the_public_page_signed_out_downloads_csv_with_no_small_count_of_children_in_chromium() {
    let app = TestApp::spawn().await;
    let year = small_counts_in_osh(&app);
    let release = app.publish_figures();
    let osh = fixtures::location(&mut app.conn(), "KG-O");
    let downloads = tempfile::Builder::new()
        .prefix("korgoo-downloads-")
        .tempdir()
        .expect("a download directory");
    let browser = Browser::start_with_downloads(downloads.path()).await;

    // The whole country, then Osh Region: the same figures, all from Osh.
    for page in [
        "/public?lang=en".to_owned(),
        format!("/public?lang=en&territory={osh}"),
    ] {
        browser
            .client()
            .goto(&app.url(&page))
            .await
            .expect("the public page");
        assert_eq!(browser.path().await, "/public", "{page}: no sign-in asked");
        assert_eq!(browser.count("#logout").await, 0, "{page}: signed out");
        assert_eq!(browser.lang().await, "en");
        for (figure, shown) in [
            ("inspections", "3"),
            ("inspections_finding_child_labor", "1"),
            ("investigations", "2"),
            ("prosecutions_initiated", "1"),
            ("convictions", "0"),
            ("children_referred_to_social_services", "<5"),
            ("children_identified", "<5"),
        ] {
            assert_eq!(
                browser.text(&format!("#f-{figure}")).await,
                shown,
                "{page}: {figure}"
            );
        }
        // The country's page has the whole assistance table; a region's
        // page its headline figures (children assisted by form).
        let table = if page.contains("territory=") {
            "table#assisted-by-form"
        } else {
            "table#assistance"
        };
        assert_eq!(browser.count(table).await, 1, "{page}");
        for cell in browser.texts(&format!("{table} td")).await {
            assert!(
                !cell.parse::<i64>().is_ok_and(|n| (1..5).contains(&n)),
                "{page}: a small count of children in the assistance table: {cell}"
            );
        }
    }

    // The open data, through the button, as a reader's browser saves it.
    browser
        .client()
        .goto(&app.url("/public?lang=en"))
        .await
        .expect("the public page");
    assert_eq!(
        browser.attr("#open-data-csv", "href").await,
        Some(format!("/public/releases/{release}/data.csv")),
        "the button downloads the release the page shows"
    );
    assert!(
        browser.attr("#open-data-csv", "download").await.is_some(),
        "the button downloads"
    );
    browser.click_in_page("#open-data-csv").await;
    let csv = downloaded_csv(downloads.path()).await;
    assert_eq!(browser.path().await, "/public", "the page stays");

    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("year,territory,figure,kind,value"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(
        rows.iter().all(|r| r.len() == 5),
        "five plain columns in every row:\n{csv}"
    );
    let children: Vec<&Vec<&str>> = rows
        .iter()
        .filter(|r| r[2].starts_with("children_"))
        .collect();
    assert!(
        children.len() > 100,
        "counts of children for every year and territory"
    );
    for row in &children {
        assert_eq!(row[3], "persons", "{row:?}");
        assert!(
            !row[4].parse::<i64>().is_ok_and(|n| (1..5).contains(&n)),
            "a small count of children published: {row:?}"
        );
        assert!(
            row[4].is_empty()
                || ["<5", "suppressed"].contains(&row[4])
                || row[4].parse::<i64>().is_ok_and(|n| n == 0 || n >= 5),
            "{row:?}"
        );
    }
    for territory in ["KG", "KG-O"] {
        for line in [
            format!("{year},{territory},inspections,actions,3"),
            format!("{year},{territory},inspections_finding_child_labor,actions,1"),
            format!("{year},{territory},investigations,actions,2"),
            format!("{year},{territory},prosecutions_initiated,actions,1"),
            format!("{year},{territory},convictions,actions,0"),
            format!("{year},{territory},children_referred_to_social_services,persons,<5"),
            format!("{year},{territory},children_identified,persons,<5"),
        ] {
            assert!(csv.lines().any(|l| l == line), "{line} in\n{csv}");
        }
    }
    for line in [
        format!("{year},KG-C,inspections,actions,0"),
        format!("{year},KG-C,children_referred_to_social_services,persons,0"),
        format!("{},KG,inspections,actions,0", year - 1),
    ] {
        assert!(csv.lines().any(|l| l == line), "{line} in\n{csv}");
    }
    browser.close().await;
}

/// On a phone the case list comes first: its filters fold behind one link
/// that says how many are set, and open on a tap (no script: the form is the
/// page's target); on a laptop they show (issue 21).
#[actix_web::test]
async fn a_lists_filters_fold_on_a_phone_and_show_on_a_laptop_in_chromium() {
    let app = TestApp::spawn().await;
    let login = app.create_user(Role::CaseWorker, false).await;
    let browser = Browser::start().await;
    browser.sign_in(&app, &login).await;
    let shown = |b: &Browser, css: &'static str| {
        let client = b.client().clone();
        async move {
            client
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|e| panic!("{css}: {e}"))
                .is_displayed()
                .await
                .unwrap()
        }
    };
    browser.client().set_window_size(390, 844).await.unwrap();
    browser
        .client()
        .goto(&app.url("/cases?status=new&risk=high"))
        .await
        .unwrap();
    assert!(!shown(&browser, "form#filters").await, "folded on a phone");
    assert!(shown(&browser, "#show-filters").await);
    assert!(
        browser.text("#show-filters").await.contains('2'),
        "two filters set"
    );
    browser
        .client()
        .find(Locator::Css("#show-filters"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(shown(&browser, "form#filters").await, "a tap opens them");
    assert!(shown(&browser, "#status").await);
    browser.client().set_window_size(1280, 800).await.unwrap();
    browser.client().goto(&app.url("/cases")).await.unwrap();
    assert!(shown(&browser, "form#filters").await, "shown on a laptop");
    assert!(!shown(&browser, "#show-filters").await);
    browser.close().await;
}

/// Each role, signed in on a phone, finds its work on the first screen: the
/// home's queue (or the official's figures) starts in the first three
/// quarters of a 390×844 screen (issue 21). Walked on the demo data.
#[actix_web::test]
async fn each_role_finds_its_work_on_the_first_screen_of_a_phone_in_chromium() {
    let app = TestApp::with_demo().await;
    let browser = Browser::start().await;
    browser.client().set_window_size(390, 844).await.unwrap();
    for (login, first) in [
        ("supervisor.karasuu", "#awaiting-decision-section"),
        ("worker.karasuu", "#my-cases-section"),
        ("provider.osh", "#new-referrals-section"),
        ("prosecutor.osh", "#le-waiting-section"),
        ("police.karasuu", "#le-waiting-section"),
        ("head.inspection.osh", "#complaints-to-process-section"),
        ("inspector.osh", "#inspector-queue"),
        ("official", "#official-figures"),
    ] {
        browser
            .client()
            .goto(&app.url("/login"))
            .await
            .expect("the sign-in page");
        browser.fill("#login", login).await;
        browser.fill("#password", korgoo::demo::DEMO_PASSWORD).await;
        browser.click("#sign-in").await;
        browser.client().goto(&app.url("/")).await.unwrap();
        let top = browser
            .client()
            .execute(
                "const e = document.querySelector(arguments[0]);
                 return e ? e.getBoundingClientRect().top : null;",
                vec![serde_json::json!(first)],
            )
            .await
            .unwrap();
        let top = top
            .as_f64()
            .unwrap_or_else(|| panic!("{login}: no {first} on the home page"));
        // Within the first three quarters of the screen: the work, not the
        // profile, is what the page opens on.
        assert!(top < 633.0, "{login}: {first} starts at {top} px");
        browser.sign_out().await;
    }
    browser.close().await;
}
