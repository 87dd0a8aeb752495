//! The report tables the database keeps (issue 20): any write, by any path
//! (here SQL as a correction in psql would be), keeps them equal to a
//! rebuild from the records, and `korgoo reports rebuild` restores them.

use std::process::Command;

use diesel::prelude::*;
use korgoo::reports::kept::Kept;
use korgoo::reports::rollups::{self, Counter};

use crate::common::TestDatabase;

fn sums(conn: &mut PgConnection, year: i32, path: &str) -> rollups::Counts {
    Kept::year(conn, year, path).expect("kept").counts()
}

fn exec(conn: &mut PgConnection, sql: &str) {
    diesel::sql_query(sql)
        .execute(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[test]
fn corrections_made_in_sql_keep_the_report_tables_equal_to_a_rebuild() {
    let db = TestDatabase::create();
    korgoo::demo::load(&db.url).expect("the demo data");
    let mut conn = db.connect();
    assert_eq!(rollups::check(&mut conn).unwrap(), Vec::new());
    // Every figure the database writes is one the code knows by name.
    let names: Vec<String> =
        diesel::sql_query("SELECT DISTINCT figure AS name FROM report_rollups")
            .load::<Name>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|n| n.name)
            .collect();
    assert!(names.len() > 10, "{names:?}");
    for name in &names {
        assert!(rollups::Figure::parse(name).is_some(), "{name}");
    }

    // An inspection of a known year and district to change.
    let (id, year, path): (i64, i32, String) = diesel::sql_query(
        "SELECT i.id, extract(year FROM i.visited_on)::int AS year, l.path
         FROM inspections i JOIN locations l ON l.id = i.location_id
         WHERE i.status <> 'planned'
           AND EXISTS (SELECT 1 FROM inspection_violations v WHERE v.inspection_id = i.id)
         ORDER BY i.id LIMIT 1",
    )
    .get_result::<Picked>(&mut conn)
    .map(|p| (p.id, p.year, p.path))
    .unwrap();
    let before = sums(&mut conn, year, &path);
    let country_before = sums(&mut conn, year, "KG");

    exec(
        &mut conn,
        &format!(
            "UPDATE inspection_violations SET count = count + 3 WHERE inspection_id = {id} AND kind = (SELECT min(kind) FROM inspection_violations WHERE inspection_id = {id})"
        ),
    );
    let after = sums(&mut conn, year, &path);
    assert_eq!(
        after.count(Counter::Violations),
        before.count(Counter::Violations) + 3
    );
    assert_eq!(
        sums(&mut conn, year, "KG").count(Counter::Violations),
        country_before.count(Counter::Violations) + 3,
        "the country counts what its districts count"
    );

    // The inspection moves a year back: its counts leave this year.
    exec(
        &mut conn,
        &format!(
            "UPDATE inspections SET visited_on = visited_on - interval '1 year' WHERE id = {id}"
        ),
    );
    let moved = sums(&mut conn, year, &path);
    assert_eq!(
        moved.count(Counter::Inspections),
        before.count(Counter::Inspections) - 1
    );

    // Penalties cancelled, payments removed, an investigation decided, a
    // complaint deleted: whatever a correction does.
    exec(
        &mut conn,
        "UPDATE penalties SET status = 'cancelled' WHERE id = (SELECT min(id) FROM penalties WHERE collected = 0)",
    );
    exec(
        &mut conn,
        "DELETE FROM penalty_payments WHERE id = (SELECT max(id) FROM penalty_payments)",
    );
    exec(
        &mut conn,
        "UPDATE investigations SET stage = 'convicted', in_court_on = opened_on + 20,
           decided_on = opened_on + 30, stage_on = opened_on + 30, prison_months = 12, fine = 5000
         WHERE id = (SELECT min(id) FROM investigations WHERE decided_on IS NULL)",
    );
    exec(
        &mut conn,
        "DELETE FROM school_fee_complaints WHERE id = (SELECT min(id) FROM school_fee_complaints)",
    );
    exec(
        &mut conn,
        "UPDATE agencies SET location_id = (SELECT max(id) FROM locations WHERE level = 'region')
         WHERE id = (SELECT min(agency_id) FROM investigations)",
    );
    exec(
        &mut conn,
        "DELETE FROM inspection_violations WHERE inspection_id = (SELECT max(inspection_id) FROM inspection_violations)",
    );
    assert_eq!(rollups::check(&mut conn).unwrap(), Vec::new());
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Picked {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Int4)]
    year: i32,
    #[diesel(sql_type = diesel::sql_types::Text)]
    path: String,
}

#[test]
fn reports_rebuild_finds_and_mends_tables_that_drifted() {
    let db = TestDatabase::create();
    korgoo::demo::load(&db.url).expect("the demo data");
    let mut conn = db.connect();
    let right = sums(&mut conn, korgoo::reports::filter::this_year(), "KG");
    exec(
        &mut conn,
        "UPDATE report_rollups SET value = value + 7 WHERE figure = 'inspections'",
    );
    exec(
        &mut conn,
        "DELETE FROM report_rollups WHERE figure = 'complaints'",
    );

    let korgoo = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_korgoo"))
            .args(args)
            .env("DATABASE_URL", &db.url)
            .env("KORGOO_LOG", "warn")
            .output()
            .expect("korgoo runs")
    };
    let checked = korgoo(&["reports", "rebuild", "--check"]);
    assert!(!checked.status.success(), "a drift is an error");
    let said = String::from_utf8_lossy(&checked.stdout);
    assert!(said.contains("inspections at location"), "{said}");
    assert!(said.contains("complaints at location"), "{said}");

    let rebuilt = korgoo(&["reports", "rebuild"]);
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    assert!(String::from_utf8_lossy(&rebuilt.stdout).contains("rebuilt"));
    assert_eq!(rollups::check(&mut conn).unwrap(), Vec::new());
    assert_eq!(
        sums(&mut conn, korgoo::reports::filter::this_year(), "KG"),
        right
    );
    assert!(korgoo(&["reports", "rebuild", "--check"]).status.success());
}

/// A child counts once in a region however many of its districts or cases
/// saw them; a merge, a move to another year and a corrected sex subtract
/// exactly what they added.
#[test]
fn children_are_counted_once_per_territory_whatever_corrections_do() {
    let db = TestDatabase::create();
    korgoo::demo::load(&db.url).expect("the demo data");
    let mut conn = db.connect();
    assert_eq!(rollups::check(&mut conn).unwrap(), Vec::new());
    let direct = |conn: &mut PgConnection, path: &str, year: i32| -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(
            "SELECT count(DISTINCT c.child_id) AS n FROM cases c JOIN locations l ON l.id = c.location_id
             WHERE extract(year FROM c.identified_on) = $2
               AND (l.path = $1 OR left(l.path, length($1) + 1) = $1 || '/')",
        )
        .bind::<diesel::sql_types::Text, _>(path)
        .bind::<diesel::sql_types::Int4, _>(year)
        .get_result::<N>(conn)
        .unwrap()
        .n
    };
    let kept = |conn: &mut PgConnection, path: &str, year: i32| -> i64 {
        Kept::year(conn, year, path).unwrap().identified_total()
    };
    // Two cases of one year in two districts of one region, of two children.
    let (a, b, year): (i64, i64, i32) = {
        #[derive(QueryableByName)]
        struct Pair {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            a: i64,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            b: i64,
            #[diesel(sql_type = diesel::sql_types::Int4)]
            year: i32,
        }
        let p: Pair = diesel::sql_query(
            "SELECT c1.id AS a, c2.id AS b, extract(year FROM c1.identified_on)::int AS year
             FROM cases c1
               JOIN locations l1 ON l1.id = c1.location_id
               JOIN cases c2 ON c2.child_id <> c1.child_id
               JOIN locations l2 ON l2.id = c2.location_id
              WHERE split_part(l1.path, '/', 2) = split_part(l2.path, '/', 2)
                AND extract(year FROM c1.identified_on) = extract(year FROM c2.identified_on)
              ORDER BY c1.id, c2.id LIMIT 1",
        )
        .get_result(&mut conn)
        .expect("two cases of one region and year");
        (p.a, p.b, p.year)
    };
    let region: String = {
        #[derive(QueryableByName)]
        struct P {
            #[diesel(sql_type = diesel::sql_types::Text)]
            path: String,
        }
        diesel::sql_query(format!(
            "SELECT split_part(l.path, '/', 1) || '/' || split_part(l.path, '/', 2) AS path
             FROM cases c JOIN locations l ON l.id = c.location_id WHERE c.id = {a}"
        ))
        .get_result::<P>(&mut conn)
        .unwrap()
        .path
    };
    let before = kept(&mut conn, &region, year);
    assert_eq!(before, direct(&mut conn, &region, year));
    // The second case was in another district of the region, and turns out
    // to be the first child's (a merge).
    exec(
        &mut conn,
        &format!(
            "UPDATE cases SET location_id = coalesce((SELECT s.id FROM locations l
               JOIN locations s ON s.parent_id = l.parent_id AND s.id <> l.id
              WHERE l.id = (SELECT location_id FROM cases WHERE id = {a}) ORDER BY s.id LIMIT 1),
               location_id)
             WHERE id = {b}"
        ),
    );
    assert_eq!(
        kept(&mut conn, &region, year),
        direct(&mut conn, &region, year)
    );
    exec(
        &mut conn,
        &format!(
            "UPDATE cases SET child_id = (SELECT child_id FROM cases WHERE id = {a}) WHERE id = {b}"
        ),
    );
    for path in [region.as_str(), "KG"] {
        assert_eq!(
            kept(&mut conn, path, year),
            direct(&mut conn, path, year),
            "{path}"
        );
    }
    assert!(kept(&mut conn, &region, year) <= before);
    // A date corrected into last year, and a sex corrected.
    exec(
        &mut conn,
        &format!(
            "UPDATE cases SET identified_on = identified_on - interval '1 year' WHERE id = {a}"
        ),
    );
    exec(
        &mut conn,
        &format!(
            "UPDATE children SET sex = CASE sex WHEN 'male' THEN 'female' ELSE 'male' END
             WHERE id = (SELECT child_id FROM cases WHERE id = {b})"
        ),
    );
    for path in [region.as_str(), "KG"] {
        for y in [year - 1, year] {
            assert_eq!(
                kept(&mut conn, path, y),
                direct(&mut conn, path, y),
                "{path} {y}"
            );
        }
    }
    assert_eq!(rollups::check(&mut conn).unwrap(), Vec::new());
}

/// The monitoring figures of a year (children
/// served and the median days to a service, follow-up results, referrals by
/// service and status, the referrals overdue today), like the children
/// identified and assisted, are read from the kept tables, and corrections
/// of follow-up visits, referrals and cases keep them equal to a recount
/// from the records.
#[test]
fn monitoring_figures_follow_every_correction_of_visits_and_referrals() {
    use korgoo::reports::{figures, indicators};
    let db = TestDatabase::create();
    korgoo::demo::load(&db.url).expect("the demo data");
    let mut conn = db.connect();
    let today = korgoo::reports::handlers::today();
    let year = korgoo::reports::filter::this_year();
    let same = |conn: &mut PgConnection, why: &str| {
        assert_eq!(rollups::check(conn).unwrap(), Vec::new(), "{why}");
        for period in [
            indicators::Period::year(year - 1),
            indicators::Period::year(year),
        ] {
            for path in ["KG", "KG/KG-O"] {
                let served = figures::load(conn, &period, path, today).unwrap();
                let m = &served.monitoring;
                let recount =
                    indicators::monitoring(conn, &period, path, m.overdue_referrals).unwrap();
                assert_eq!(*m, recount, "{why}: {path} {period:?}");
                let identified = indicators::identified(conn, &period, path).unwrap();
                assert_eq!(served.identified, identified, "{why}: {path} {period:?}");
                let assisted = indicators::assisted(conn, &period, path).unwrap();
                assert_eq!(served.assisted, assisted, "{why}: {path} {period:?}");
                let groups = indicators::groups(conn, &period, path).unwrap();
                assert_eq!(served.groups, groups, "{why}: {path} {period:?}");
            }
        }
    };
    same(&mut conn, "the demo data");
    let before = figures::load(&mut conn, &indicators::Period::year(year), "KG", today)
        .unwrap()
        .monitoring;
    assert!(before.served > 0 && before.followed_up > 0, "{before:?}");
    assert!(before.referrals.grand > 0, "{before:?}");

    // A follow-up visit that now finds the child working, one removed, one
    // moved to another case.
    exec(
        &mut conn,
        "UPDATE follow_ups SET still_working = NOT still_working, attending_school = NOT attending_school
         WHERE id = (SELECT max(id) FROM follow_ups)",
    );
    same(&mut conn, "a visit corrected");
    exec(
        &mut conn,
        "DELETE FROM follow_ups WHERE id = (SELECT min(id) FROM follow_ups)",
    );
    same(&mut conn, "a visit removed");
    exec(
        &mut conn,
        "UPDATE follow_ups SET case_id = (SELECT max(id) FROM cases)
         WHERE id = (SELECT max(id) FROM follow_ups)",
    );
    same(&mut conn, "a visit moved to another case");
    // The visits of a case count its child where the case is: a case with
    // visits moved to another district, then to another child (a merge),
    // takes its follow-up cells along (they are kept apart from the case's
    // other cells).
    exec(
        &mut conn,
        "UPDATE cases SET location_id = (SELECT id FROM locations WHERE code = 'KG-C-SOKULUK')
         WHERE id = (SELECT max(case_id) FROM follow_ups)",
    );
    same(&mut conn, "a case with visits moved to another district");
    exec(
        &mut conn,
        "UPDATE cases SET child_id = (SELECT min(child_id) FROM cases)
         WHERE id = (SELECT max(case_id) FROM follow_ups)",
    );
    same(&mut conn, "a case with visits given to another child");
    // A referral answered late, a service that started later, one removed.
    exec(
        &mut conn,
        "UPDATE referrals SET answer_by = DATE '2020-01-10'
         WHERE id = (SELECT min(id) FROM referrals WHERE status = 'sent')",
    );
    same(&mut conn, "a referral overdue");
    exec(
        &mut conn,
        "UPDATE referrals SET started_on = started_on + 40
         WHERE id = (SELECT min(id) FROM referrals WHERE started_on IS NOT NULL)",
    );
    same(&mut conn, "a service started later");
    exec(
        &mut conn,
        "UPDATE referrals SET status = 'declined', decline_reason = 'a correction'
         WHERE id = (SELECT max(id) FROM referrals WHERE status = 'in_service')",
    );
    same(&mut conn, "a service declined after all");
    // A provider's steps, some of which change no count of the case (they
    // refresh only the referral's own counts) and some of which do.
    let step = "WHERE id = (SELECT min(id) FROM referrals WHERE status = 'sent'
                  AND case_id IN (SELECT id FROM cases WHERE status = 'in_services'))";
    exec(
        &mut conn,
        "CREATE TEMP TABLE stepped AS SELECT min(id) AS id FROM referrals WHERE status = 'sent'
           AND case_id IN (SELECT id FROM cases WHERE status = 'in_services')",
    );
    exec(
        &mut conn,
        &format!("UPDATE referrals SET status = 'accepted', answered_at = now() {step}"),
    );
    same(&mut conn, "a referral accepted");
    let stepped = "WHERE id = (SELECT id FROM stepped)";
    exec(
        &mut conn,
        &format!(
            "UPDATE referrals SET status = 'in_service', started_on = current_date, started_at = now() {stepped}"
        ),
    );
    same(&mut conn, "its service started");
    exec(
        &mut conn,
        &format!(
            "UPDATE referrals SET status = 'completed', ended_on = current_date, ended_at = now() {stepped}"
        ),
    );
    same(&mut conn, "its service completed");
    exec(
        &mut conn,
        &format!("UPDATE referrals SET status = 'failed' {stepped}"),
    );
    same(&mut conn, "its service corrected to failed");
    exec(
        &mut conn,
        "DELETE FROM referrals WHERE id = (SELECT max(id) FROM referrals WHERE status = 'completed')",
    );
    same(&mut conn, "a referral removed");
    // A case identified a year earlier and moved to another district.
    exec(
        &mut conn,
        "UPDATE cases SET identified_on = identified_on - 365,
           location_id = (SELECT max(id) FROM locations WHERE level = 'district')
         WHERE id = (SELECT min(case_id) FROM referrals WHERE started_on IS NOT NULL)",
    );
    same(&mut conn, "a case moved in time and place");
}

/// `korgoo reports protection` says how much the one protection hides, per
/// year and level, with the same decisions the pages are served with.
#[test]
fn the_protection_command_tells_what_is_hidden_where() {
    use korgoo::reports::protection;
    let db = TestDatabase::create();
    korgoo::demo::load(&db.url).expect("the demo data");
    let out = Command::new(env!("CARGO_BIN_EXE_korgoo"))
        .args(["reports", "protection"])
        .env("DATABASE_URL", &db.url)
        .env("KORGOO_LOG", "warn")
        .output()
        .expect("korgoo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    let mut conn = db.connect();
    let today = korgoo::reports::handlers::today();
    let served = protection::current(&mut conn, &protection::Protector::default(), 5, today)
        .expect("a protection");
    let t = served.tally();
    assert!(t.hidden > 0 && t.shown > 0, "{t:?}");
    assert!(
        said.contains(&format!(
            "total\tall\t{}\t{}\t{}\n",
            t.shown, t.small, t.hidden
        )),
        "{said}"
    );
    // A line per year and level, adding up to the total.
    let mut hidden = 0;
    for year in korgoo::reports::filter::FIRST_YEAR..=korgoo::reports::filter::this_year() {
        for level in ["country", "below"] {
            let line = said
                .lines()
                .find(|l| l.starts_with(&format!("{year}\t{level}\t")))
                .unwrap_or_else(|| panic!("{year} {level}: {said}"));
            hidden += line
                .rsplit('\t')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .expect("a number");
        }
    }
    assert_eq!(hidden, t.hidden, "{said}");
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

#[test]
fn the_protection_is_made_again_exactly_when_a_count_of_persons_changed() {
    use korgoo::reports::protection::{self, Protector, Sign};
    use std::sync::Arc;
    let db = TestDatabase::create();
    korgoo::demo::load(&db.url).expect("the demo data");
    let mut conn = db.connect();
    let today = korgoo::reports::handlers::today();
    let changes = |conn: &mut PgConnection| Sign::read(conn, 5, today).unwrap().changes();
    let fresh = |conn: &mut PgConnection| {
        Protector::default()
            .protect(protection::inputs(conn, today).unwrap(), 5, None)
            .hidden()
    };
    let protector = Protector::default();
    let first = protection::current(&mut conn, &protector, 5, today).unwrap();
    assert_eq!(first.hidden(), fresh(&mut conn));
    let before = changes(&mut conn);

    // The state's actions are no count of persons: the same protection.
    exec(
        &mut conn,
        "UPDATE inspection_violations SET count = count + 3
         WHERE inspection_id = (SELECT min(inspection_id) FROM inspection_violations)",
    );
    exec(
        &mut conn,
        "UPDATE cases SET risk = CASE risk WHEN 'low' THEN 'high' ELSE 'low' END
         WHERE id = (SELECT min(id) FROM cases)",
    );
    assert_eq!(changes(&mut conn), before);
    let again = protection::current(&mut conn, &protector, 5, today).unwrap();
    assert!(Arc::ptr_eq(&first, &again), "nothing was made again");

    // A case moved to another district moves its child between counts of
    // persons: one change, and the protection made from the new counts.
    let case: Id = diesel::sql_query(
        "SELECT min(id) AS id FROM cases WHERE identified_on >= date_trunc('year', now())",
    )
    .get_result(&mut conn)
    .unwrap();
    exec(
        &mut conn,
        &format!(
            "UPDATE cases SET location_id = (SELECT max(id) FROM locations WHERE level = 'district'
                                              AND id <> cases.location_id)
             WHERE id = {}",
            case.id
        ),
    );
    assert_eq!(changes(&mut conn), before + 1);
    let moved = protection::current(&mut conn, &protector, 5, today).unwrap();
    assert!(!Arc::ptr_eq(&first, &moved), "made again");
    assert_eq!(moved.hidden(), fresh(&mut conn));

    // Many changes in one transaction are one; a rolled-back one is none.
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        exec(conn, "UPDATE cases SET identified_on = identified_on - 1 WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT 5)");
        exec(conn, "UPDATE referrals SET status = 'completed' WHERE id = (SELECT min(id) FROM referrals WHERE status = 'in_service')");
        Ok(())
    })
    .unwrap();
    assert_eq!(changes(&mut conn), before + 2);
    let _ = conn.transaction::<(), _, _>(|conn| {
        exec(conn, "UPDATE cases SET identified_on = identified_on - 1 WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT 5)");
        Err(diesel::result::Error::RollbackTransaction)
    });
    assert_eq!(changes(&mut conn), before + 2);

    // The territory tree is an input too, and so is a rebuild.
    exec(
        &mut conn,
        "UPDATE locations SET sort_order = sort_order WHERE id = (SELECT min(id) FROM locations)",
    );
    assert_eq!(changes(&mut conn), before + 3);
    rollups::rebuild(&mut conn).unwrap();
    assert!(changes(&mut conn) > before + 3);
    let rebuilt = protection::current(&mut conn, &protector, 5, today).unwrap();
    assert_eq!(rebuilt.hidden(), fresh(&mut conn));
}

/// The report triggers plan their queries once per connection (migration
/// `report_triggers_plan_once`): a function replaced without the setting
/// would plan its queries again on every write.
#[test]
fn every_report_trigger_plans_its_queries_once() {
    let db = TestDatabase::create();
    let mut conn = db.connect();
    let without: Vec<Name> = diesel::sql_query(
        "SELECT p.proname::text AS name FROM pg_proc p
         JOIN pg_namespace n ON n.oid = p.pronamespace
         JOIN pg_language l ON l.oid = p.prolang
         WHERE n.nspname = 'public' AND l.lanname = 'plpgsql'
           AND (p.proname LIKE 'report\\_on\\_%' OR p.proname IN
                ('report_refresh', 'report_child_refresh', 'report_child_cells', 'rollup_of'))
           AND p.proname <> 'report_on_persons_changed'
           AND NOT coalesce('plan_cache_mode=force_generic_plan' = ANY (p.proconfig), false)
         ORDER BY 1",
    )
    .load(&mut conn)
    .unwrap();
    let names: Vec<String> = without.into_iter().map(|n| n.name).collect();
    assert_eq!(names, Vec::<String>::new());
    let with: i64 = diesel::sql_query(
        "SELECT count(*) AS id FROM pg_proc
         WHERE 'plan_cache_mode=force_generic_plan' = ANY (proconfig)",
    )
    .get_result::<Id>(&mut conn)
    .unwrap()
    .id;
    assert!(with >= 15, "{with}");
}

/// Two connections adding to the same counter at once do not wait for each
/// other (each adds to a stripe of its own, migration
/// `report_rollups_striped`), and folding the stripes into one row changes
/// no figure, skips a stripe a write still holds, and is no change of a
/// count of persons.
#[test]
fn concurrent_writes_of_one_territory_do_not_wait_and_folding_changes_no_figure() {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let n = |conn: &mut PgConnection, sql: &str| -> i64 {
        diesel::sql_query(sql)
            .get_result::<N>(conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .n
    };
    let db = TestDatabase::create();
    korgoo::demo::load(&db.url).expect("the demo data");
    let mut first = db.connect();
    // A second connection whose stripe is not the first one's.
    let stripe = |conn: &mut PgConnection| n(conn, "SELECT (pg_backend_pid() % 8)::bigint AS n");
    let mine = stripe(&mut first);
    let mut second = std::iter::repeat_with(|| db.connect())
        .take(32)
        .find_map(|mut c| (stripe(&mut c) != mine).then_some(c))
        .expect("a connection with another stripe");
    rollups::fold(&mut first).unwrap();
    let striped = "SELECT count(*) AS n FROM report_rollups WHERE stripe > 0";
    assert_eq!(n(&mut first, striped), 0, "folded");
    // Two inspections of one district and year, with violations.
    let pair = "SELECT i.id, o.id FROM inspections i JOIN inspections o
                  ON o.location_id = i.location_id AND o.id > i.id
                 AND extract(year FROM o.visited_on) = extract(year FROM i.visited_on)
               WHERE i.status <> 'planned' AND o.status <> 'planned'
                 AND EXISTS (SELECT 1 FROM inspection_violations v WHERE v.inspection_id = i.id)
                 AND EXISTS (SELECT 1 FROM inspection_violations v WHERE v.inspection_id = o.id)
               ORDER BY i.id, o.id LIMIT 1";
    let inspection = n(
        &mut first,
        &format!("SELECT q.id AS n FROM ({pair}) q (id, other)"),
    );
    let other = n(
        &mut first,
        &format!("SELECT q.other AS n FROM ({pair}) q (id, other)"),
    );
    let violations = "SELECT coalesce(sum(value), 0)::bigint AS n FROM report_rollups
                       WHERE figure = 'violations'";
    let before = n(&mut first, violations);
    let persons = "SELECT sum(changes)::bigint AS n FROM report_persons_changes";
    let persons_before = n(&mut first, persons);
    // Both add a violation in the same district and year, in transactions
    // open at the same time: the second does not wait for the first
    // (it would give up after 2 s).
    let add = |conn: &mut PgConnection, id: i64| {
        exec(conn, "BEGIN");
        exec(conn, "SET LOCAL lock_timeout = '2s'");
        exec(
            conn,
            &format!(
                "UPDATE inspection_violations SET count = count + 1
                  WHERE inspection_id = {id}
                    AND kind = (SELECT min(kind) FROM inspection_violations
                                 WHERE inspection_id = {id})"
            ),
        );
    };
    // The first connection's stripe exists (a committed write), then the
    // first holds it in an open transaction while the second writes.
    add(&mut first, inspection);
    exec(&mut first, "COMMIT");
    add(&mut first, inspection);
    add(&mut second, other);
    exec(&mut second, "COMMIT");
    // A fold now neither waits for the held stripe nor loses it: it folds
    // the second's and leaves the first's for later.
    let mut folder = db.connect();
    exec(&mut folder, "SET lock_timeout = '2s'");
    rollups::fold(&mut folder).unwrap();
    assert!(n(&mut folder, striped) > 0, "the held stripe is left");
    assert_eq!(
        n(&mut folder, &format!("{striped} AND stripe <> 1 + {mine}")),
        0,
        "only the held stripe is left"
    );
    assert_eq!(n(&mut folder, violations), before + 2);
    exec(&mut first, "COMMIT");
    assert_eq!(n(&mut folder, violations), before + 3);
    rollups::fold(&mut folder).unwrap();
    assert_eq!(n(&mut folder, striped), 0, "all folded");
    assert_eq!(
        n(&mut folder, violations),
        before + 3,
        "folding changes no sum"
    );
    assert_eq!(rollups::check(&mut folder).unwrap(), Vec::new());
    assert_eq!(
        n(&mut folder, persons),
        persons_before,
        "no count of persons changed"
    );
    // While a rebuild holds the whole table, a fold gives up at once.
    exec(&mut first, "BEGIN");
    exec(
        &mut first,
        "LOCK TABLE report_rollups IN ACCESS EXCLUSIVE MODE",
    );
    let started = std::time::Instant::now();
    assert_eq!(rollups::fold(&mut folder).unwrap(), 0);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    exec(&mut first, "ROLLBACK");
}
