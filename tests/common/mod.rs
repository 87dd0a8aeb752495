//! The test harness. Every test gets its own database, cloned from a template
//! migrated once per run, and the real application on a random port.
//!
//! With `DATABASE_URL` set, its server is used (databases are created beside
//! the named one and dropped afterwards); otherwise a private, throw-away
//! PostgreSQL cluster is started once per run in a temporary directory and
//! stopped and removed when the test binary exits.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use diesel::prelude::*;
use korgoo::config::Config;
use korgoo::db::cluster::{Durability, PrivateCluster, RUNTIME_ROLE};
use korgoo::db::{self, quote_ident};
use korgoo::policy::Role;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

pub const PASSWORD: &str = "a long test phrase 2026";

/// A form with bad input: its fields, the field that must show an error, and
/// words of the (Kyrgyz) message expected there.
pub type BadInput<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);

struct Server {
    /// URL of a maintenance database on the server (to create/drop others).
    admin_url: String,
    template: String,
    cluster: Option<PrivateCluster>,
    dir: Option<PathBuf>,
}

impl Server {
    /// The owner's URL: migrations and fixtures that write directly.
    fn url_for(&self, database: &str) -> String {
        match &self.cluster {
            Some(cluster) => cluster.url(database),
            None => replace_database(&self.admin_url, database),
        }
    }

    /// The runtime role's URL: what the application under test connects with.
    fn app_url_for(&self, database: &str) -> String {
        match &self.cluster {
            Some(cluster) => cluster.url_as(RUNTIME_ROLE, database),
            None => {
                let mut parsed =
                    url::Url::parse(&self.url_for(database)).expect("DATABASE_URL is a URL");
                parsed.set_username(RUNTIME_ROLE).expect("a user name");
                parsed
                    .set_password(Some(RUNTIME_TEST_PASSWORD))
                    .expect("a password");
                parsed.to_string()
            }
        }
    }
}

/// The runtime role's password on a test server named by DATABASE_URL (the
/// private cluster trusts its socket's owner).
const RUNTIME_TEST_PASSWORD: &str = "korgoo-app-test-only";

/// The same libpq URL with another database name.
fn replace_database(url: &str, database: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("DATABASE_URL is a URL");
    parsed.set_path(&format!("/{database}"));
    parsed.to_string()
}

static SERVER: OnceLock<Server> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

extern "C" fn stop_server_at_exit() {
    if let Some(server) = SERVER.get() {
        if let Ok(mut conn) = PgConnection::establish(&server.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&server.template)
            ))
            .execute(&mut conn);
        }
        if let Some(cluster) = &server.cluster {
            let _ = cluster.stop();
        }
        if let Some(dir) = &server.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn server() -> &'static Server {
    SERVER.get_or_init(|| {
        let (admin_url, cluster, dir) = match std::env::var("DATABASE_URL") {
            Ok(url) if !url.is_empty() => (url, None, None),
            _ => {
                let dir = tempfile::Builder::new()
                    .prefix("korgoo-test-pg-")
                    .tempdir()
                    .expect("a temporary directory")
                    .keep();
                let cluster = PrivateCluster::start(&dir, Durability::Ephemeral)
                    .unwrap_or_else(|e| panic!("starting the test PostgreSQL failed: {e}"));
                (cluster.url("postgres"), Some(cluster), Some(dir))
            }
        };
        let template = format!("korgoo_template_{}", std::process::id());
        let server = Server {
            admin_url,
            template,
            cluster,
            dir,
        };
        // SAFETY: registering a plain extern "C" function with no captured state.
        unsafe {
            libc::atexit(stop_server_at_exit);
        }
        let mut conn =
            PgConnection::establish(&server.admin_url).expect("connecting to the test server");
        diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&server.template)
        ))
        .execute(&mut conn)
        .expect("dropping an old template");
        diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(&server.template)))
            .execute(&mut conn)
            .expect("creating the template database");
        // The runtime role may log in; the migration grants it what it needs.
        db::ensure_runtime_login(&server.admin_url, RUNTIME_ROLE, Some(RUNTIME_TEST_PASSWORD))
            .expect("giving the runtime role LOGIN");
        db::migrate(&server.url_for(&server.template)).expect("migrating the template");
        server
    })
}

/// A database of its own for one test, dropped when the value is dropped.
pub struct TestDatabase {
    pub name: String,
    /// As the tables' owner: for fixtures that write directly.
    pub url: String,
    /// As the runtime role: what the application connects with.
    pub app_url: String,
}

impl TestDatabase {
    pub fn create() -> TestDatabase {
        let server = server();
        let name = format!(
            "korgoo_test_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::SeqCst)
        );
        let mut conn =
            PgConnection::establish(&server.admin_url).expect("connecting to the test server");
        diesel::sql_query(format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_ident(&name),
            quote_ident(&server.template)
        ))
        .execute(&mut conn)
        .expect("cloning the template database");
        TestDatabase {
            url: server.url_for(&name),
            app_url: server.app_url_for(&name),
            name,
        }
    }

    pub fn connect(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connecting to the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if self.name.is_empty() {
            return;
        }
        if let Ok(mut conn) = PgConnection::establish(&server().admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&self.name)
            ))
            .execute(&mut conn);
        }
    }
}

/// The application under test, with its own database and an HTTP client that
/// keeps cookies and does not follow redirects (tests look at them).
pub struct TestApp {
    pub address: String,
    pub db: TestDatabase,
    pub client: reqwest::Client,
    csrf: Mutex<Option<String>>,
    /// The app's suppression threshold, for the releases tests publish.
    threshold: i64,
    /// The app's releases, told of the releases tests publish as the app
    /// is of its own.
    releases: std::sync::Arc<korgoo::reports::releases::ReleaseCache>,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    pub fn assert_contains(&self, needle: &str) -> &Page {
        assert!(
            self.body.contains(needle),
            "expected {needle:?} in the page:\n{}",
            self.body
        );
        self
    }

    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// The text of the first element matching a CSS selector.
    pub fn text_of(&self, selector: &str) -> Option<String> {
        let sel = scraper::Selector::parse(selector).expect("a valid selector");
        self.html()
            .select(&sel)
            .next()
            .map(|e| e.text().collect::<String>().trim().to_owned())
    }

    pub fn input_value(&self, name: &str) -> Option<String> {
        let sel =
            scraper::Selector::parse(&format!("[name=\"{name}\"]")).expect("a valid selector");
        self.html()
            .select(&sel)
            .next()
            .and_then(|e| e.value().attr("value").map(str::to_owned))
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let db = actix_web::rt::task::spawn_blocking(TestDatabase::create)
            .await
            .expect("creating the test database");
        let mut config = Config::defaults();
        // Tests publish the public figures when they mean to read them
        // (`publish_figures`); the schedule's own test turns it back on.
        config.provisional_releases = korgoo::config::ReleaseSchedule::Off;
        adjust(&mut config);
        // The app runs as the runtime role, as `serve` does: every suite
        // proves its grants suffice.
        let pool = db::build_pool(&db.app_url, 4, config.statement_timeout_ms).expect("a pool");
        TestApp::start(db, config, pool)
    }

    /// Start the app on `pool` (which may point somewhere broken on purpose).
    pub fn start(db: TestDatabase, config: Config, pool: db::Pool) -> TestApp {
        let threshold = config.suppression_threshold;
        let state = korgoo::startup::build_state(config, pool).expect("application state");
        let releases = state.releases.clone();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("an address").port();
        let server = korgoo::startup::run(listener, state, Some(1)).expect("the server starts");
        actix_web::rt::spawn(server);
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            db,
            client: TestApp::new_client(),
            csrf: Mutex::new(None),
            threshold,
            releases,
        }
    }

    pub fn new_client() -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            // The server closes a connection idle for 5 s (actix's keep-alive);
            // reusing one just as it closes fails the request, so a browser
            // idle that long (many steps of a long test) opens a new one.
            .pool_idle_timeout(std::time::Duration::from_secs(3))
            .build()
            .expect("an HTTP client")
    }

    /// A second, independent browser (own cookies, own session).
    pub fn other_browser(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            db: TestDatabase {
                // Shares the database; the clone never drops it.
                name: String::new(),
                url: self.db.url.clone(),
                app_url: self.db.app_url.clone(),
            },
            client: TestApp::new_client(),
            csrf: Mutex::new(None),
            threshold: self.threshold,
            releases: self.releases.clone(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    async fn page(&self, response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.expect("a body");
        if let Some(token) = scrape_csrf(&body) {
            *self.csrf.lock().expect("csrf lock") = Some(token);
        }
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        self.page(response).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.client.get(self.url(path));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = request.send().await.expect("GET");
        self.page(response).await
    }

    /// The CSRF token of this browser's session (fetching a page if none is known yet).
    pub async fn csrf_token(&self) -> String {
        if let Some(token) = self.csrf.lock().expect("csrf lock").clone() {
            return token;
        }
        let page = self.get("/login").await;
        if let Some(token) = scrape_csrf(&page.body) {
            return token;
        }
        let page = self.get("/account/password").await;
        scrape_csrf(&page.body).expect("a page with a CSRF token")
    }

    /// POST a form with this session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// POST a form, then follow its 303 (a search posted, its results read
    /// back at an address that holds no name).
    pub async fn post_following(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let (to, page) = self.follow(path, fields).await;
        assert!(
            !to.contains('?'),
            "the results' address holds nothing typed: {to}"
        );
        page
    }

    /// POST a form and follow its 303 wherever it leads.
    pub async fn post_following_to(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.follow(path, fields).await.1
    }

    async fn follow(&self, path: &str, fields: &[(&str, &str)]) -> (String, Page) {
        let posted = self.post_form(path, fields).await;
        assert_eq!(
            posted.status,
            reqwest::StatusCode::SEE_OTHER,
            "POST {path}: {}",
            posted.body
        );
        let to = posted.location().expect("a redirect's target").to_owned();
        let page = self.get(&to).await;
        (to, page)
    }

    /// A server with the demo dataset loaded (off the async workers).
    pub async fn with_demo() -> TestApp {
        let app = TestApp::spawn().await;
        let url = app.db.url.clone();
        actix_web::rt::task::spawn_blocking(move || korgoo::demo::load(&url).map(|_| ()))
            .await
            .unwrap()
            .unwrap();
        app
    }

    /// POST exactly these fields (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.post_body(path, body).await
    }

    /// POST a form body exactly as given (which may be malformed on purpose).
    pub async fn post_body(&self, path: &str, body: String) -> Page {
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        self.page(response).await
    }

    pub async fn login(&self, login: &str, password: &str) -> Page {
        *self.csrf.lock().expect("csrf lock") = None;
        let _ = self.get("/login").await;
        let page = self
            .post_form("/login", &[("login", login), ("password", password)])
            .await;
        // The session (and so the token) changed at sign-in.
        *self.csrf.lock().expect("csrf lock") = None;
        page
    }

    /// Create a user of `role` (with a fitting agency and territory) and sign in as them.
    pub async fn login_as(&self, role: Role) -> String {
        let login = self.create_user(role, false).await;
        let page = self.login(&login, PASSWORD).await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "signing in as {login}: {}",
            page.body
        );
        login
    }

    /// Create a user through the model layer; `temporary` marks the password as one to change.
    pub async fn create_user(&self, role: Role, temporary: bool) -> String {
        let url = self.db.url.clone();
        actix_web::rt::task::spawn_blocking(move || fixtures::user(&url, role, temporary))
            .await
            .expect("creating a user")
    }

    /// Every page of `pages` in each of the three languages: 200, in that
    /// language, no message missing. A page answering one of `pass_over`
    /// (another agency's record, say) is left out; any other answer fails.
    pub async fn assert_pages_in_every_language(&self, pages: &[String], pass_over: &[StatusCode]) {
        for lang in ["ky", "ru", "en"] {
            self.get(&format!("/?lang={lang}")).await;
            for path in pages {
                let page = self.get(path).await;
                if pass_over.contains(&page.status) {
                    continue;
                }
                assert_eq!(page.status, StatusCode::OK, "{lang} {path}");
                assert!(
                    page.body.contains(&format!("<html lang=\"{lang}\">")),
                    "{lang} {path}"
                );
                assert!(
                    !page.body.contains(korgoo::web::i18n::MISSING_MARK),
                    "{lang} {path} has a missing message"
                );
            }
        }
    }

    pub fn conn(&self) -> PgConnection {
        self.db.connect()
    }

    /// Publish the public figures now, as an admin's "provisional figures
    /// now" does, so the public pages and open data include every write made
    /// so far; the release's number.
    /// Publish the public figures as the app does (its schedule, an
    /// admin): the app shows the release from its next request.
    pub fn publish_figures(&self) -> i64 {
        let id = self.publish_figures_elsewhere();
        self.releases.note_latest(id);
        id
    }

    /// Publish the public figures as `korgoo reports release` would, in
    /// another process: the app learns of it by asking the database.
    pub fn publish_figures_elsewhere(&self) -> i64 {
        use korgoo::reports::releases::{self, Ask};
        let mut conn = self.conn();
        releases::publish(
            &mut conn,
            &Ask::Provisional,
            self.threshold,
            today(),
            None,
            None,
        )
        .expect("publishing")
        .expect("a release")
        .id
    }

    pub fn count(&self, table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.conn();
        diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result::<Count>(&mut conn)
            .expect("a count")
            .n
    }

    /// How many audit entries have this action.
    pub fn audit_count(&self, action: &str) -> i64 {
        use korgoo::db::schema::audit_log;
        let mut conn = self.conn();
        audit_log::table
            .filter(audit_log::action.eq(action))
            .count()
            .get_result(&mut conn)
            .expect("an audit count")
    }
}

pub fn scrape_csrf(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

pub mod routes;

/// Each table of the database but `except_tables`, with its row count and
/// an md5 of its rows (so an UPDATE shows, not only an INSERT), leaving
/// `except_columns` out of every row: what "nothing was written" is
/// checked against.
pub fn table_digests(
    app: &TestApp,
    except_tables: &[&str],
    except_columns: &[&str],
) -> std::collections::BTreeMap<String, String> {
    #[derive(diesel::QueryableByName)]
    struct Digest {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        digest: String,
    }
    let mut conn = app.conn();
    let skipped = except_tables
        .iter()
        .chain(&["__diesel_schema_migrations"])
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let tables: Vec<Digest> = diesel::sql_query(format!(
        "SELECT table_name::text AS name, '' AS digest FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
         AND table_name NOT IN ({skipped}) ORDER BY 1"
    ))
    .load(&mut conn)
    .unwrap();
    let row = except_columns
        .iter()
        .fold("to_jsonb(x)".to_owned(), |r, c| format!("({r} - '{c}')"));
    let sql = tables
        .iter()
        .map(|t| {
            // The report counters are compared by what they count: the
            // server folds a counter's stripes into one row in the
            // background (migration `report_rollups_striped`), which moves
            // values between rows and changes no sum.
            let source = if t.name == "report_rollups" {
                "(SELECT figure, location_id, year, sum(value) AS value FROM report_rollups \
                  GROUP BY figure, location_id, year HAVING sum(value) <> 0)"
                    .to_owned()
            } else {
                format!("\"{}\"", t.name)
            };
            format!(
                "SELECT '{t}' AS name, count(*)::text || ':' || \
                 md5(coalesce(string_agg(r, '|' ORDER BY r), '')) AS digest \
                 FROM (SELECT {row}::text AS r FROM {source} x) rows",
                t = t.name
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    diesel::sql_query(sql)
        .load::<Digest>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|d| (d.name, d.digest))
        .collect()
}

/// Today in Bishkek, where every date of the app is reckoned.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Bishkek)
        .date_naive()
}

/// A date `days` before today, as a date field sends it.
pub fn days_ago(days: u64) -> String {
    (today() - chrono::Days::new(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A date `days` after today, as a date field sends it.
pub fn days_ahead(days: u64) -> String {
    (today() + chrono::Days::new(days))
        .format("%Y-%m-%d")
        .to_string()
}

pub mod fixtures {
    use super::*;
    use korgoo::admin::model::{self, AgencyInput, AgencyKind, Names, ServiceKind, UserInput};
    use korgoo::db::schema::agencies;
    use korgoo::web::i18n::Lang;

    static NEXT_USER: AtomicUsize = AtomicUsize::new(0);

    pub fn agency_by_code(conn: &mut PgConnection, code: &str) -> i64 {
        agencies::table
            .filter(agencies::code.eq(code))
            .select(agencies::id)
            .first(conn)
            .expect("a seeded agency")
    }

    pub fn location(conn: &mut PgConnection, code: &str) -> i32 {
        model::location_id_by_code(conn, code)
            .expect("a query")
            .expect("a seeded location")
    }

    pub fn agency(conn: &mut PgConnection, kind: AgencyKind, territory: &str, name: &str) -> i64 {
        let location_id = location(conn, territory);
        model::create_agency(
            conn,
            &AgencyInput {
                kind,
                location_id,
                names: Names {
                    ky: format!("{name} (ky)"),
                    ru: format!("{name} (ru)"),
                    en: name.to_owned(),
                },
                contact: String::new(),
                services: vec![ServiceKind::Rehabilitation],
                capacity: None,
                active: true,
            },
        )
        .expect("an agency")
    }

    /// The agency and territory a user of `role` typically has in tests (Kara-Suu, Osh Region).
    pub fn placement(conn: &mut PgConnection, role: Role) -> (Option<i64>, Option<i32>) {
        match role {
            Role::Admin | Role::Official => (Some(agency_by_code(conn, "MLSSM")), None),
            Role::Inspector => (
                Some(agency_by_code(conn, "LABOR-INSPECTION")),
                Some(location(conn, "KG-O")),
            ),
            Role::CaseWorker | Role::Supervisor => {
                (Some(agency_by_code(conn, "CSU-KG-O-KARASUU")), None)
            }
            Role::ServiceProvider => (
                Some(agency(
                    conn,
                    AgencyKind::RehabilitationCenter,
                    "KG-GO",
                    "Test Centre",
                )),
                None,
            ),
            Role::Prosecutor => (
                Some(agency_by_code(conn, "GPO")),
                Some(location(conn, "KG-O")),
            ),
            Role::Police => (
                Some(agency_by_code(conn, "MIA")),
                Some(location(conn, "KG-O")),
            ),
        }
    }

    pub fn user(url: &str, role: Role, temporary: bool) -> String {
        let mut conn = PgConnection::establish(url).expect("connecting");
        let login = format!(
            "{}.{}",
            role.as_str().replace('_', "-"),
            NEXT_USER.fetch_add(1, Ordering::SeqCst)
        );
        let (agency_id, location_id) = placement(&mut conn, role);
        let mut input = UserInput {
            display_name: format!("Тест Колдонуучу {login}"),
            role,
            agency_id,
            location_id,
            locale: Lang::Ky,
        };
        let errors = model::check_assignment(&mut conn, &mut input).expect("checking");
        assert!(
            errors.is_empty(),
            "fixture assignment for {role}: {errors:?}"
        );
        let hash = hashed_password();
        model::create_user(&mut conn, &login, &input, &hash, temporary).expect("a user");
        login
    }

    /// A user of `role` working for the agency `agency_id` (its territory is
    /// the agency's); the password is PASSWORD.
    pub fn user_in(url: &str, role: Role, agency_id: i64) -> String {
        let mut conn = PgConnection::establish(url).expect("connecting");
        let login = format!(
            "{}.{}",
            role.as_str().replace('_', "-"),
            NEXT_USER.fetch_add(1, Ordering::SeqCst)
        );
        let mut input = UserInput {
            display_name: format!("Тест Колдонуучу {login}"),
            role,
            agency_id: Some(agency_id),
            location_id: None,
            locale: Lang::Ky,
        };
        let errors = model::check_assignment(&mut conn, &mut input).expect("checking");
        assert!(errors.is_empty(), "assignment for {role}: {errors:?}");
        model::create_user(&mut conn, &login, &input, &hashed_password(), false).expect("a user");
        login
    }

    /// The agency a user works for.
    pub fn agency_of(conn: &mut PgConnection, login: &str) -> i64 {
        use korgoo::db::schema::users;
        users::table
            .filter(users::login.eq(login))
            .select(users::agency_id)
            .first::<Option<i64>>(conn)
            .expect("a user")
            .expect("an agency")
    }

    /// Hashing is slow on purpose; tests share one hash of PASSWORD.
    pub fn hashed_password() -> String {
        static HASH: OnceLock<String> = OnceLock::new();
        HASH.get_or_init(|| korgoo::auth::model::hash_password(PASSWORD).expect("a hash"))
            .clone()
    }

    pub fn user_id(conn: &mut PgConnection, login: &str) -> i64 {
        use korgoo::db::schema::users;
        users::table
            .filter(users::login.eq(login))
            .select(users::id)
            .first(conn)
            .expect("the user exists")
    }
}

/// Every XML part of an XLSX workbook, one after the other: what a reader
/// of the workbook sees, to search for a value.
pub fn xlsx_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an XLSX");
    let mut all = String::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).expect("a part");
        if part.name().is_ok_and(|n| n.ends_with(".xml")) {
            std::io::Read::read_to_string(&mut part, &mut all).expect("XML text");
        }
    }
    all
}
