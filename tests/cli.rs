//! The command line, run as a person would run it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use korgoo::db::schema::users;

use crate::common::TestDatabase;

fn korgoo() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_korgoo"));
    cmd.env_remove("DATABASE_URL").env("KORGOO_LOG", "warn");
    cmd
}

#[test]
fn user_create_reads_the_password_from_standard_input() {
    let db = TestDatabase::create();
    let run = |args: &[&str], password: &str| {
        let mut child = korgoo()
            .env("DATABASE_URL", &db.url)
            .args(["user", "create"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let made = run(
        &[
            "--login",
            "First.Admin",
            "--role",
            "admin",
            "--name",
            "Биринчи Админ",
            "--language",
            "ru",
        ],
        "a long first admin phrase",
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(String::from_utf8_lossy(&made.stdout).contains("created user first.admin"));
    let mut conn = db.connect();
    let (hash, locale, must_change): (String, String, bool) = users::table
        .filter(users::login.eq("first.admin"))
        .select((
            users::password_hash,
            users::locale,
            users::must_change_password,
        ))
        .first(&mut conn)
        .unwrap();
    assert!(korgoo::auth::model::verify_password(
        &hash,
        "a long first admin phrase"
    ));
    assert_eq!(locale, "ru");
    assert!(!must_change);

    // A case worker is placed in a district unit; its territory comes from the unit.
    let unit: i64 = korgoo::db::schema::agencies::table
        .filter(korgoo::db::schema::agencies::code.eq("CSU-KG-T-TALAS"))
        .select(korgoo::db::schema::agencies::id)
        .first(&mut conn)
        .unwrap();
    let worker = run(
        &[
            "--login",
            "worker.talas",
            "--role",
            "case_worker",
            "--agency",
            &unit.to_string(),
            "--must-change",
        ],
        "a long temporary phrase",
    );
    assert!(
        worker.status.success(),
        "{}",
        String::from_utf8_lossy(&worker.stderr)
    );

    let weak = run(
        &["--login", "weak.one", "--role", "official"],
        "password1234",
    );
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("too common"));
    let misplaced = run(
        &["--login", "lost.one", "--role", "case_worker"],
        "a long enough phrase",
    );
    assert!(!misplaced.status.success());
    assert!(String::from_utf8_lossy(&misplaced.stderr).contains("--agency"));
    let users: i64 = users::table.count().get_result(&mut conn).unwrap();
    assert_eq!(users, 2, "refused users were not written");

    // There is no way to put a password on the command line.
    let refused = korgoo()
        .args([
            "user",
            "create",
            "--login",
            "x.y",
            "--role",
            "admin",
            "--password",
            "secret",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
}

#[test]
fn migrate_is_idempotent() {
    let db = TestDatabase::create();
    let out = korgoo()
        .env("DATABASE_URL", &db.url)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "0 migration(s) applied"
    );
}

#[test]
fn without_postgresql_or_a_database_url_the_message_names_both_ways_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = korgoo()
        .env("KORGOO_POSTGRES_BIN", dir.path())
        .env("KORGOO_DATA_DIR", dir.path().join("pg"))
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("apt-get install postgresql"), "{message}");
    assert!(message.contains("DATABASE_URL"), "{message}");
}

/// The README's first command: `korgoo serve --demo` on a fresh data directory
/// provisions PostgreSQL, serves, and stops PostgreSQL again on SIGTERM.
#[test]
fn serve_demo_provisions_its_own_database_and_stops_it_on_sigterm() {
    let dir = tempfile::Builder::new()
        .prefix("korgoo-serve-")
        .tempdir()
        .unwrap();
    let data = dir.path().join("postgres");
    let mut child = korgoo()
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--workers", "1"])
        .env("KORGOO_DATA_DIR", &data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = Instant::now();
    let mut printed = String::new();
    let address = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if let Some(rest) = line.strip_prefix("Korgoo is listening on ") {
            break rest.to_owned();
        }
        assert!(started.elapsed() < Duration::from_secs(120), "{printed}");
    };
    assert!(
        printed.contains("korgoo-demo-2026"),
        "the demo sign-ins are printed:\n{printed}"
    );
    assert!(printed.contains("worker.karasuu"), "{printed}");
    let page = http::blocking_get(&format!("{address}/login"));
    assert!(page.contains("Кирүү"), "{page}");
    assert!(
        data.join("postmaster.pid").exists(),
        "our own PostgreSQL runs"
    );

    // SAFETY: sending SIGTERM to the child we started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "serve stops on SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{status:?}");
    assert!(
        !data.join("postmaster.pid").exists(),
        "PostgreSQL was stopped"
    );

    // Loading the demo again changes nothing and fails nothing.
    let again = korgoo()
        .arg("demo-data")
        .env("KORGOO_DATA_DIR", &data)
        .output()
        .unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(!data.join("postmaster.pid").exists());
}

mod http {
    /// A plain blocking GET over a TcpStream (the test is synchronous).
    pub fn blocking_get(url: &str) -> String {
        use std::io::{Read, Write};
        let rest = url.strip_prefix("http://").unwrap();
        let (host, path) = rest.split_once('/').map_or((rest, "/"), |(h, p)| (h, p));
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        write!(
            stream,
            "GET /{} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
            path.trim_start_matches('/')
        )
        .unwrap();
        let mut body = String::new();
        stream.read_to_string(&mut body).unwrap();
        body
    }
}

#[test]
fn demo_data_scale_loads_a_national_dataset_once_with_the_countrys_shapes() {
    let db = TestDatabase::create();
    let load = || {
        korgoo()
            .env("DATABASE_URL", &db.url)
            .args(["demo-data", "--scale", "3000"])
            .output()
            .unwrap()
    };
    let out = load();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Scale dataset: 3000 cases"), "{stdout}");
    assert!(stdout.contains("cases/s"), "the rate is reported: {stdout}");

    let mut conn = PgConnection::establish(&db.url).unwrap();
    let count = |conn: &mut PgConnection, sql: &str| -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(sql).get_result::<N>(conn).unwrap().n
    };
    let scale_cases = "cases c JOIN users u ON u.id = c.opened_by AND u.login LIKE 'scale.%'";
    assert_eq!(
        count(
            &mut conn,
            &format!("SELECT count(*) AS n FROM {scale_cases}")
        ),
        3000
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM users WHERE login LIKE 'scale.%'"
        ),
        10_000
    );
    // Every territory with a unit has cases, and the cotton and tobacco
    // regions have more a district than the north.
    assert!(
        count(
            &mut conn,
            &format!("SELECT count(DISTINCT c.unit_id) AS n FROM {scale_cases}")
        ) >= 50
    );
    let per_district = |conn: &mut PgConnection, region: &str| {
        count(
            conn,
            &format!(
                "SELECT (count(*) / count(DISTINCT l.id))::bigint AS n FROM {scale_cases}
                 JOIN locations l ON l.id = c.location_id
                 WHERE l.level = 'district' AND l.path LIKE 'KG/{region}/%'"
            ),
        )
    };
    assert!(per_district(&mut conn, "KG-O") > 2 * per_district(&mut conn, "KG-T"));
    // Agricultural cases of the harvest regions come mostly in July–October.
    let harvest = count(
        &mut conn,
        &format!(
            "SELECT (100 * count(*) FILTER (WHERE extract(month FROM c.opened_at) BETWEEN 7 AND 10)
                     / count(*))::bigint AS n
             FROM {scale_cases} JOIN locations l ON l.id = c.location_id
             WHERE c.sector = 'agriculture' AND l.path LIKE 'KG/KG-J/%'"
        ),
    );
    assert!(harvest > 50, "{harvest}% in the harvest months");
    // Old cases are mostly closed, most referrals completed, some overdue.
    let closed_old = count(
        &mut conn,
        &format!(
            "SELECT (100 * count(*) FILTER (WHERE c.status = 'closed') / count(*))::bigint AS n
             FROM {scale_cases} WHERE c.opened_at < now() - interval '400 days'"
        ),
    );
    assert!(closed_old > 80, "{closed_old}% of old cases closed");
    let referrals = count(
        &mut conn,
        &format!("SELECT count(*) AS n FROM referrals r JOIN {scale_cases} ON c.id = r.case_id"),
    );
    let completed = count(
        &mut conn,
        &format!(
            "SELECT count(*) AS n FROM referrals r JOIN {scale_cases} ON c.id = r.case_id
             WHERE r.status = 'completed'"
        ),
    );
    assert!(
        referrals > 4000 && completed * 2 > referrals,
        "{completed} of {referrals}"
    );
    assert!(count(&mut conn, "SELECT count(*) AS n FROM follow_ups") > 3000);
    assert!(count(&mut conn, "SELECT count(*) AS n FROM inspections") > 2500);
    // The sequences moved past the ids the load chose: the next row fits.
    for table in [
        "children",
        "cases",
        "case_events",
        "referrals",
        "inspections",
    ] {
        assert!(
            count(
                &mut conn,
                &format!(
                    "SELECT (SELECT last_value FROM {table}_id_seq) - (SELECT max(id) FROM {table}) AS n"
                ),
            ) >= 0,
            "{table}"
        );
    }

    // The load paused the report tables' triggers and rebuilt the tables at
    // its end: they equal the records, the triggers keep them again.
    assert!(stdout.contains("report tables rebuilt in"), "{stdout}");
    assert_eq!(
        korgoo::reports::rollups::check(&mut conn).unwrap(),
        vec![],
        "the report tables equal a rebuild after the scale load"
    );
    assert!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM report_child_counts WHERE cell = 'identified'"
        ) > 50,
        "the load's children are counted"
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM pg_trigger
             WHERE tgname LIKE 'report\\_%' AND tgenabled = 'D'"
        ),
        0,
        "every report trigger is on again"
    );
    let before = count(
        &mut conn,
        "SELECT coalesce(sum(value), 0)::bigint AS n FROM report_rollups
         WHERE figure = 'complaints'",
    );
    diesel::sql_query(
        "INSERT INTO school_fee_complaints (school_id, location_id, charged_on, amount,
           complainant_name, complainant_contact, description, logged_by, status)
         SELECT a.id, a.location_id, current_date, 100, '', '', 'fee', u.id, 'received'
         FROM agencies a, users u WHERE a.kind = 'school' AND u.login LIKE 'scale.%' LIMIT 1",
    )
    .execute(&mut conn)
    .unwrap();
    assert_eq!(
        count(
            &mut conn,
            "SELECT coalesce(sum(value), 0)::bigint AS n FROM report_rollups
             WHERE figure = 'complaints'",
        ),
        before + 1,
        "a write after the load is counted by the triggers"
    );

    // Once per database: a second load is refused and writes nothing.
    let again = load();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already loaded"));
    assert_eq!(
        count(
            &mut conn,
            &format!("SELECT count(*) AS n FROM {scale_cases}")
        ),
        3000
    );
}
