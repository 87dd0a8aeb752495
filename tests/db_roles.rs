//! Issue 19 (Medium): the app's runtime database role cannot alter the
//! append-only tables. Migrations run as the owner; the application connects
//! as `korgoo_app`, which may only SELECT and INSERT them, owns nothing and
//! creates nothing.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use diesel::prelude::*;
use korgoo::audit::{self, AuditAction, Who};
use korgoo::policy::Role;
use reqwest::StatusCode;

use crate::common::{TestApp, TestDatabase};

const APPEND_ONLY: [&str; 3] = ["audit_log", "case_events", "investigation_events"];

fn refused(conn: &mut PgConnection, sql: &str) {
    let result = diesel::sql_query(sql).execute(conn);
    assert!(result.is_err(), "the runtime role could run: {sql}");
}

#[test]
fn the_runtime_role_cannot_disable_the_triggers_nor_change_the_append_only_tables() {
    let db = TestDatabase::create();
    let mut conn = PgConnection::establish(&db.app_url).expect("connecting as the runtime role");
    for table in APPEND_ONLY {
        refused(
            &mut conn,
            &format!("ALTER TABLE {table} DISABLE TRIGGER ALL"),
        );
        refused(
            &mut conn,
            &format!("ALTER TABLE {table} DISABLE TRIGGER USER"),
        );
        refused(&mut conn, &format!("DELETE FROM {table}"));
        refused(&mut conn, &format!("UPDATE {table} SET id = id"));
        refused(&mut conn, &format!("TRUNCATE {table}"));
        refused(&mut conn, &format!("DROP TABLE {table} CASCADE"));
        refused(
            &mut conn,
            &format!("ALTER TABLE {table} OWNER TO korgoo_app"),
        );
        // Reading and adding are allowed (the privilege is checked even
        // when no row is added).
        diesel::sql_query(format!("SELECT count(*) FROM {table}"))
            .execute(&mut conn)
            .unwrap_or_else(|e| panic!("SELECT on {table}: {e}"));
        diesel::sql_query(format!(
            "INSERT INTO {table} SELECT * FROM {table} WHERE false"
        ))
        .execute(&mut conn)
        .unwrap_or_else(|e| panic!("INSERT on {table}: {e}"));
    }
    refused(&mut conn, "TRUNCATE users CASCADE");
    refused(&mut conn, "DROP TABLE users CASCADE");
    refused(&mut conn, "CREATE TABLE shadow (id int)");
    refused(
        &mut conn,
        "CREATE FUNCTION shadow() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    );
    refused(&mut conn, "DELETE FROM __diesel_schema_migrations");
    refused(&mut conn, "CREATE ROLE intruder");
    // An audit entry as the app writes it goes in.
    audit::record(
        &mut conn,
        &Who {
            actor_id: None,
            actor_login: None,
            client_addr: "test".into(),
        },
        AuditAction::UserCreated,
        None,
        serde_json::json!({}),
    )
    .expect("the runtime role adds an audit entry");
    // And the TRUNCATE triggers hold for everyone, the owner included.
    let mut owner = db.connect();
    for table in APPEND_ONLY {
        assert!(
            diesel::sql_query(format!("TRUNCATE {table} CASCADE"))
                .execute(&mut owner)
                .is_err(),
            "{table} refuses TRUNCATE even to its owner"
        );
    }
}

#[actix_web::test]
async fn the_app_as_the_runtime_role_serves_pages_and_writes_audit_rows() {
    let app = TestApp::spawn().await;
    let before = app.count("audit_log");
    app.login_as(Role::Admin).await;
    let page = app.get("/admin/users").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(app.count("audit_log") > before, "signing in was audited");

    // Every connection the app holds is the runtime role's.
    #[derive(QueryableByName)]
    struct Session {
        #[diesel(sql_type = diesel::sql_types::Text)]
        usename: String,
    }
    let mut conn = app.conn();
    let sessions: Vec<Session> = diesel::sql_query(
        "SELECT usename::text AS usename FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = 'korgoo'",
    )
    .load(&mut conn)
    .unwrap();
    assert!(!sessions.is_empty(), "the app holds a connection");
    for s in sessions {
        assert_eq!(s.usename, "korgoo_app");
    }
}

fn serve(database_url: &str, migration_url: &str) -> (std::process::Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_korgoo"))
        .env("KORGOO_LOG", "warn")
        .env("DATABASE_URL", database_url)
        .env("KORGOO_MIGRATION_DATABASE_URL", migration_url)
        .args(["serve", "--bind", "127.0.0.1:0", "--workers", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

#[test]
fn serve_refuses_to_start_as_the_tables_owner_and_starts_as_the_runtime_role() {
    let db = TestDatabase::create();
    let (mut child, line) = serve(&db.url, &db.url);
    if line.contains("listening") {
        let _ = child.kill();
        let _ = child.wait();
        panic!("serve started as the owner: {line}");
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("refusing to serve"), "{message}");
    assert!(
        message.contains("KORGOO_MIGRATION_DATABASE_URL"),
        "{message}"
    );
    assert!(message.contains("DATABASE_URL"), "{message}");

    let (mut child, line) = serve(&db.app_url, &db.url);
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert!(
        line.contains("Korgoo is listening"),
        "{line}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
