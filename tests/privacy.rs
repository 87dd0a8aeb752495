//! Children's data stays where it belongs (DESIGN §5): no child's name or
//! personal number reaches the server's logs, any page or download an
//! official or the public reads, and the pages that show a child record each
//! view once in the audit log.
//!
//! The server is the real binary, on the demo data, logging at `debug`, and
//! staff use it as they would (signing in, reading cases and children,
//! searching by name, recording a visit); then everything it printed is
//! searched.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::common::{TestApp, TestDatabase, scrape_csrf};

#[derive(QueryableByName)]
struct DemoChild {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    family_name: String,
    #[diesel(sql_type = Text)]
    given_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    personal_number: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    case_id: Option<i64>,
}

/// What would identify a child in a text: the name in either order, as
/// written and as a form or URL would encode it, and the personal number.
fn traces(children: &[DemoChild]) -> Vec<String> {
    let mut out = Vec::new();
    for c in children {
        for name in [
            format!("{} {}", c.family_name, c.given_name),
            format!("{} {}", c.given_name, c.family_name),
        ] {
            out.push(url::form_urlencoded::byte_serialize(name.as_bytes()).collect());
            out.push(name.replace(' ', "%20"));
            out.push(name);
        }
        out.extend(c.personal_number.clone());
    }
    out
}

fn leaks<'a>(text: &str, traces: &'a [String]) -> Vec<&'a str> {
    traces
        .iter()
        .filter(|t| text.contains(t.as_str()))
        .map(String::as_str)
        .collect()
}

/// Everything a child process prints, collected as it comes.
fn collect(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut all = into.lock().unwrap();
            all.push_str(&line);
            all.push('\n');
        }
    });
}

struct Server {
    child: Child,
    base: String,
    output: Arc<Mutex<String>>,
}

impl Server {
    /// The real binary, serving as the runtime role and migrating as the owner.
    fn start(db: &crate::common::TestDatabase) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_korgoo"))
            .env("DATABASE_URL", &db.app_url)
            .env("KORGOO_MIGRATION_DATABASE_URL", &db.url)
            .env("KORGOO_LOG", "trace")
            .args(["serve", "--bind", "127.0.0.1:0", "--workers", "1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        collect(child.stderr.take().unwrap(), output.clone());
        collect(child.stdout.take().unwrap(), output.clone());
        let started = Instant::now();
        let base = loop {
            let printed = output.lock().unwrap().clone();
            if let Some(address) = printed
                .lines()
                .find_map(|l| l.strip_prefix("Korgoo is listening on "))
            {
                break address.trim().to_owned();
            }
            assert!(started.elapsed() < Duration::from_secs(60), "{printed}");
            std::thread::sleep(Duration::from_millis(50));
        };
        Server {
            child,
            base,
            output,
        }
    }

    fn stop(mut self) -> String {
        // SAFETY: sending SIGTERM to the child we started.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let _ = self.child.wait();
        // The reader threads finish with the pipes.
        std::thread::sleep(Duration::from_millis(200));
        self.output.lock().unwrap().clone()
    }
}

struct Browser {
    client: reqwest::Client,
    base: String,
}

impl Browser {
    fn new(base: &str) -> Browser {
        Browser {
            client: TestApp::new_client(),
            base: base.to_owned(),
        }
    }

    async fn send(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> (u16, String) {
        let r = self.send(path).await;
        (r.status().as_u16(), r.text().await.unwrap_or_default())
    }

    async fn bytes(&self, path: &str) -> Vec<u8> {
        let r = self.send(path).await;
        assert_eq!(r.status().as_u16(), 200, "{path}");
        r.bytes().await.unwrap().to_vec()
    }

    async fn token(&self) -> String {
        let (_, page) = self.get("/login").await;
        match scrape_csrf(&page) {
            Some(token) => token,
            None => scrape_csrf(&self.get("/account/password").await.1).unwrap(),
        }
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> u16 {
        let token = self.token().await;
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.base))
            .form(&all)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    async fn signed_in(base: &str, login: &str) -> Browser {
        Browser::signed_in_with(base, login, korgoo::demo::DEMO_PASSWORD).await
    }

    async fn signed_in_with(base: &str, login: &str, password: &str) -> Browser {
        let b = Browser::new(base);
        let status = b
            .post("/login", &[("login", login), ("password", password)])
            .await;
        assert_eq!(status, 303, "sign-in as {login}");
        b
    }
}

#[actix_web::test]
async fn no_childs_name_or_number_reaches_the_logs_or_an_official_or_public_page() {
    let db = TestDatabase::create();
    let loaded = Command::new(env!("CARGO_BIN_EXE_korgoo"))
        .env("DATABASE_URL", &db.url)
        .env("KORGOO_LOG", "debug")
        .arg("demo-data")
        .output()
        .unwrap();
    assert!(loaded.status.success());
    let mut conn = PgConnection::establish(&db.url).unwrap();
    let children: Vec<DemoChild> = diesel::sql_query(
        "SELECT ch.id, ch.family_name, ch.given_name, ch.personal_number,
                (SELECT max(c.id) FROM cases c WHERE c.child_id = ch.id) AS case_id
         FROM children ch ORDER BY ch.id",
    )
    .load(&mut conn)
    .unwrap();
    assert!(children.len() > 40);
    assert!(children.iter().any(|c| c.personal_number.is_some()));
    let traces = traces(&children);
    let server = Server::start(&db);
    let base = server.base.clone();

    // Staff at work: the pages that rightly show the children, a search by
    // name (a POST: the name is in no URL) and a visit recorded.
    let worker = Browser::signed_in(&base, "worker.karasuu").await;
    let mut shown = 0;
    for c in &children {
        let (status, page) = worker.get(&format!("/children/{}", c.id)).await;
        if status == 200 {
            assert!(page.contains(&c.given_name));
            shown += 1;
        }
        if let Some(case) = c.case_id {
            worker.get(&format!("/cases/{case}")).await;
        }
    }
    assert!(shown > 10, "the worker saw their unit's children");
    let first = &children[0];
    let name = format!("{} {}", first.family_name, first.given_name);
    assert_eq!(
        worker
            .post("/children/search", &[("q", name.as_str())])
            .await,
        303
    );
    worker.get("/children/search").await;
    worker.get("/cases?mine=1").await;
    worker.get("/").await;

    // What officials and the public read: every report page and download.
    let year = crate::common::today().format("%Y").to_string();
    let official = Browser::signed_in(&base, "official").await;
    let anonymous = Browser::new(&base);
    let official_pages = [
        "/".to_owned(),
        "/reports/dashboard".to_owned(),
        format!("/reports/dashboard?year={year}&territory="),
        "/reports/enforcement".to_owned(),
        "/reports/enforcement.csv".to_owned(),
        "/reports/recommendations".to_owned(),
    ];
    let public_pages = [
        "/public",
        "/public/data.csv",
        "/public/data.json",
        "/public/schema",
        "/public/recommendations",
    ];
    let mut read = 0;
    for path in &official_pages {
        let (status, page) = official.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(leaks(&page, &traces), Vec::<&str>::new(), "{path}");
        read += page.len();
    }
    for path in public_pages {
        let (status, page) = anonymous.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(leaks(&page, &traces), Vec::<&str>::new(), "{path}");
        read += page.len();
    }
    assert!(read > 50_000, "the pages were read: {read} bytes");
    // The spreadsheet is a zip of XML files: read every one.
    let xlsx = official.bytes("/reports/enforcement.xlsx").await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut sheets = String::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        file.read_to_string(&mut sheets).unwrap();
    }
    assert!(sheets.contains("<sheetData"), "the workbook was read");
    assert_eq!(leaks(&sheets, &traces), Vec::<&str>::new(), "in the XLSX");
    // An official typing a child's or a case's address sees nothing of it.
    for c in children.iter().take(10) {
        let (status, page) = official.get(&format!("/children/{}", c.id)).await;
        assert!(matches!(status, 403 | 404), "{status}");
        assert_eq!(leaks(&page, &traces), Vec::<&str>::new());
    }

    let logs = server.stop();
    assert!(
        logs.lines().count() > 20,
        "the server logged at debug level:\n{logs}"
    );
    assert_eq!(leaks(&logs, &traces), Vec::<&str>::new(), "in the logs");
    assert_eq!(
        leaks(&String::from_utf8_lossy(&loaded.stderr), &traces),
        Vec::<&str>::new(),
        "in the demo loader's logs"
    );
}

#[actix_web::test]
async fn every_view_of_a_childs_record_is_audited_exactly_once() {
    let db = TestDatabase::create();
    assert!(
        Command::new(env!("CARGO_BIN_EXE_korgoo"))
            .env("DATABASE_URL", &db.url)
            .env("KORGOO_LOG", "warn")
            .arg("demo-data")
            .output()
            .unwrap()
            .status
            .success()
    );
    let mut conn = PgConnection::establish(&db.url).unwrap();
    let children: Vec<DemoChild> = diesel::sql_query(
        "SELECT ch.id, ch.family_name, ch.given_name, ch.personal_number,
                (SELECT max(c.id) FROM cases c WHERE c.child_id = ch.id) AS case_id
         FROM children ch JOIN locations l ON l.id = ch.home_location_id
         WHERE l.code = 'KG-O-KARASUU' AND ch.merged_into IS NULL ORDER BY ch.id LIMIT 5",
    )
    .load(&mut conn)
    .unwrap();
    assert_eq!(children.len(), 5);
    let server = Server::start(&db);
    let worker = Browser::signed_in(&server.base, "worker.karasuu").await;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let views = |conn: &mut PgConnection, action: &str, id: i64| -> i64 {
        diesel::sql_query(
            "SELECT count(*) AS n FROM audit_log WHERE action = $1 AND target_id = $2",
        )
        .bind::<Text, _>(action)
        .bind::<BigInt, _>(id)
        .get_result::<N>(conn)
        .unwrap()
        .n
    };
    for c in &children {
        for round in 1..=2 {
            let (status, _) = worker.get(&format!("/children/{}", c.id)).await;
            assert_eq!(status, 200);
            assert_eq!(
                views(&mut conn, "child_viewed", c.id),
                round,
                "child {}",
                c.id
            );
            if let Some(case) = c.case_id {
                let (status, _) = worker.get(&format!("/cases/{case}")).await;
                assert_eq!(status, 200);
                assert_eq!(views(&mut conn, "case_viewed", case), round, "case {case}");
            }
        }
    }
    server.stop();
}

/// Issue 19: the request log names each request's route, never what the
/// address carried after it — a query string (an admin's search for a
/// login, a filter, a name typed into an address) or the text in a path's
/// segments.
#[actix_web::test]
async fn the_request_log_holds_the_route_and_nothing_typed_into_an_address() {
    let db = TestDatabase::create();
    let admin = crate::common::fixtures::user(&db.url, korgoo::policy::Role::Admin, false);
    let server = Server::start(&db);
    let base = server.base.clone();
    let browser = Browser::signed_in_with(&base, &admin, crate::common::PASSWORD).await;
    let typed = ["Токтогулова Айгүл", "toktogulova.aigul"];
    let addresses = [
        format!("/admin/users?q={}", typed[1]),
        format!("/admin/audit?login={}&action=", typed[1]),
        format!(
            "/admin/users?q={}",
            url::form_urlencoded::byte_serialize(typed[0].as_bytes()).collect::<String>()
        ),
        format!("/children/{}", typed[0].replace(' ', "%20")),
        format!("/?lang=en&next={}", typed[1]),
    ];
    for address in &addresses {
        let (status, _) = browser.get(address).await;
        assert!(status < 500, "{address}: {status}");
        // A form sent without its token is refused with a warning, which
        // the request's span accompanies into the log; neither names the
        // typed path.
        let refused = browser
            .client
            .post(format!("{base}{address}"))
            .form(&[("q", typed[0])])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert!((400..500).contains(&refused), "{address}: {refused}");
    }
    let logs = server.stop();
    assert!(
        logs.contains("/admin/users"),
        "the route is logged:\n{logs}"
    );
    assert!(
        logs.contains("HTTP request"),
        "the request is logged:\n{logs}"
    );
    let mut traces: Vec<String> = typed.iter().map(|t| (*t).to_owned()).collect();
    traces.push(url::form_urlencoded::byte_serialize(typed[0].as_bytes()).collect());
    traces.push(typed[0].replace(' ', "%20"));
    traces.push(
        url::form_urlencoded::byte_serialize(typed[0].as_bytes())
            .collect::<String>()
            .replace('+', "%20"),
    );
    traces.push("q=".to_owned());
    traces.push("login=".to_owned());
    assert_eq!(
        leaks(&logs, &traces),
        Vec::<&str>::new(),
        "in the logs:\n{logs}"
    );
}
