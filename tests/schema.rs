//! The generated schema matches the migrations, and every migration runs
//! down and up again to the same database.

use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use korgoo::db::MIGRATIONS;
use regex::Regex;

use crate::common::TestDatabase;

/// (table, column, type as PostgreSQL names it, nullable), in column order.
type Columns = Vec<(String, String, String, bool)>;

fn database_columns(conn: &mut PgConnection) -> Columns {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        column_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        data_type: String,
        #[diesel(sql_type = diesel::sql_types::Bool)]
        nullable: bool,
    }
    diesel::sql_query(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'YES' AS nullable
         FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'
         ORDER BY table_name, ordinal_position",
    )
    .load::<Row>(conn)
    .unwrap()
    .into_iter()
    .map(|r| (r.table_name, r.column_name, r.data_type, r.nullable))
    .collect()
}

fn schema_rs_columns() -> Columns {
    let source = std::fs::read_to_string("src/db/schema.rs").unwrap();
    let table = Regex::new(r"(?s)table!\s*\{\s*(\w+)\s*\([^)]*\)\s*\{(.*?)\}\s*\}").unwrap();
    let column = Regex::new(r"(\w+)\s*->\s*([^,]+),").unwrap();
    let mut out = Vec::new();
    for t in table.captures_iter(&source) {
        for c in column.captures_iter(&t[2]) {
            let raw = c[2].trim();
            let (nullable, inner) = match raw
                .strip_prefix("Nullable<")
                .and_then(|r| r.strip_suffix('>'))
            {
                Some(inner) => (true, inner),
                None => (false, raw),
            };
            let pg = match inner {
                "Int2" => "smallint",
                "Int4" => "integer",
                "Int8" => "bigint",
                "Text" => "text",
                "Bool" => "boolean",
                "Timestamptz" => "timestamp with time zone",
                "Jsonb" => "jsonb",
                "Bytea" => "bytea",
                "Date" => "date",
                "Numeric" => "numeric",
                a if a.starts_with("Array<") => "ARRAY",
                other => panic!("map the diesel type {other} in this test"),
            };
            out.push((t[1].to_owned(), c[1].to_owned(), pg.to_owned(), nullable));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn schema_rs_is_what_the_migrations_make() {
    let db = TestDatabase::create();
    let mut conn = db.connect();
    let mut from_db = database_columns(&mut conn);
    // schema.rs lists tables alphabetically, columns in table order.
    from_db.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        schema_rs_columns(),
        from_db,
        "src/db/schema.rs is stale: run `diesel print-schema > src/db/schema.rs` against a migrated database"
    );
}

#[test]
fn every_migration_reverts_and_reapplies_to_the_same_schema() {
    let db = TestDatabase::create();
    let mut conn = db.connect();
    let before = database_columns(&mut conn);
    let count = MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
        .unwrap()
        .len();
    for _ in 0..count {
        conn.revert_last_migration(MIGRATIONS)
            .expect("a down migration runs");
    }
    assert!(
        database_columns(&mut conn).is_empty(),
        "down migrations remove everything"
    );
    conn.run_pending_migrations(MIGRATIONS)
        .expect("the migrations run again");
    assert_eq!(database_columns(&mut conn), before);
}
