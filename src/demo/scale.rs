//! The national-scale synthetic dataset: `korgoo demo-data --scale N` adds N
//! cases over five years to a migrated database (with the ordinary demo
//! dataset), for benchmarks (`bench/run`).
//!
//! Everything is fictional and generated from a fixed seed, so two loads of
//! the same size are the same. Rows are written with PostgreSQL `COPY` in
//! batches, in one transaction: an interrupted load leaves nothing behind.
//! The report tables' triggers are switched off inside that transaction and
//! the tables rebuilt from the records at its end (`report_triggers_paused`),
//! so the load commits with report tables equal to a rebuild, as every other
//! write does, without recomputing the same cases' cells once per batch of
//! their referrals and follow-up visits.
//!
//! The shapes follow what is known of the country (DESIGN §7): more cases in
//! the cotton and tobacco districts of Osh, Jalal-Abad and Batken, in the
//! harvest months; agriculture first, street work and bazaars in the cities;
//! most children withdrawn and most referrals completed, some overdue. What
//! is added: providers, police units and prosecutor's offices in every
//! region, ten thousand users across all territories and agencies, about one
//! inspection, two referrals and one follow-up visit per case, and an
//! investigation for about one victim case in ten.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use diesel::pg::CopyFormat;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::children::model::search_name;
use crate::children::translit::search_key;
use crate::db::schema::{
    case_events, cases, children, establishments, follow_ups, inspection_inspectors,
    inspection_violations, inspections, investigation_cases, investigation_events, investigations,
    le_referrals, penalties, referrals, users,
};
use crate::web::context::TIME_ZONE;

/// `COPY table (columns) FROM STDIN (FORMAT csv)` with the rows of a [`Csv`];
/// returns the number of rows and empties the buffer.
macro_rules! copy {
    ($conn:expr, $table:expr, $columns:expr, $csv:expr) => {{
        let rows = $csv.rows;
        if rows > 0 {
            let data = &$csv.buf;
            diesel::copy_from($table)
                .from_raw_data($columns, |w| {
                    w.write_all(data)
                        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
                })
                .with_format(CopyFormat::Csv)
                .execute($conn)?;
        }
        $csv.clear();
        Ok::<usize, diesel::result::Error>(rows)
    }};
}

/// How many users the dataset has in all, whatever the number of cases.
const USERS: usize = 10_000;
/// Cases generated (and written) at a time.
const BATCH: usize = 10_000;
/// The agencies this generator adds carry codes with this prefix; their
/// presence means the dataset is already loaded.
const CODE_PREFIX: &str = "SCALE-";
/// Logins of the generated users start with this.
pub const LOGIN_PREFIX: &str = "scale.";

/// What a load wrote, for the command's report.
#[derive(Debug, Default)]
pub struct Summary {
    pub cases: usize,
    pub children: usize,
    pub case_events: usize,
    pub referrals: usize,
    pub follow_ups: usize,
    pub establishments: usize,
    pub inspections: usize,
    pub penalties: usize,
    pub investigations: usize,
    pub users: usize,
    pub seconds: f64,
    /// Of `seconds`, the rebuild of the report tables at the end.
    pub rebuild_seconds: f64,
}

impl Summary {
    pub fn rows(&self) -> usize {
        self.cases
            + self.children
            + self.case_events
            + self.referrals
            + self.follow_ups
            + self.establishments
            + self.inspections
            + self.penalties
            + self.investigations
            + self.users
    }
}

/// Load `cases` cases (and everything around them) into the database at `url`.
pub fn load(url: &str, cases: usize, password_hash: &str) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let mut conn = PgConnection::establish(url)?;
    if already_loaded(&mut conn)? {
        anyhow::bail!(
            "the scale dataset is already loaded in this database; \
             use a new data directory (KORGOO_DATA_DIR) for another size"
        );
    }
    diesel::sql_query("SET synchronous_commit = off").execute(&mut conn)?;
    let mut summary = conn.transaction(|conn| -> anyhow::Result<Summary> {
        let paused = report_triggers_paused(conn)?;
        let world = World::build(conn, password_hash)?;
        let mut g = Generator::new(conn, world)?;
        g.establishments(conn, cases / 6)?;
        g.inspections(conn, cases)?;
        g.cases(conn, cases)?;
        g.finish(conn)?;
        let rebuilt = Instant::now();
        diesel::sql_query("ANALYZE").execute(conn)?;
        crate::reports::rollups::rebuild(conn)?;
        report_triggers_resumed(conn, &paused)?;
        g.summary.rebuild_seconds = rebuilt.elapsed().as_secs_f64();
        Ok(g.summary)
    })?;
    // VACUUM as well: it sets the visibility map (index-only scans), and
    // autovacuum would otherwise do it during the first benchmarks.
    diesel::sql_query("VACUUM (ANALYZE)").execute(&mut conn)?;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// A trigger of a table.
#[derive(QueryableByName)]
struct Trigger {
    #[diesel(sql_type = Text)]
    table: String,
    #[diesel(sql_type = Text)]
    name: String,
}

/// Switches off the triggers that keep the report tables (`report_…`), for
/// this transaction only: `ALTER TABLE … DISABLE TRIGGER` is transactional,
/// so a load that fails leaves them as they were. The tables stay locked
/// until the load commits (a server reading them waits), and the other
/// triggers (frozen events, referral snapshots) keep working. Measured at
/// 30,000 cases: 206 s with the triggers, 80 s with them and fresh
/// statistics, and this.
fn report_triggers_paused(conn: &mut PgConnection) -> QueryResult<Vec<Trigger>> {
    let triggers: Vec<Trigger> = diesel::sql_query(
        "SELECT c.relname::text AS table, t.tgname::text AS name
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE NOT t.tgisinternal AND t.tgname LIKE 'report\\_%' AND t.tgenabled <> 'D'
         ORDER BY 1, 2",
    )
    .load(conn)?;
    for t in &triggers {
        diesel::sql_query(format!(
            "ALTER TABLE {} DISABLE TRIGGER {}",
            t.table, t.name
        ))
        .execute(conn)?;
    }
    Ok(triggers)
}

fn report_triggers_resumed(conn: &mut PgConnection, paused: &[Trigger]) -> QueryResult<()> {
    for t in paused {
        diesel::sql_query(format!("ALTER TABLE {} ENABLE TRIGGER {}", t.table, t.name))
            .execute(conn)?;
    }
    Ok(())
}

fn already_loaded(conn: &mut PgConnection) -> QueryResult<bool> {
    use crate::db::schema::agencies;
    diesel::select(diesel::dsl::exists(
        agencies::table.filter(agencies::code.like(format!("{CODE_PREFIX}%"))),
    ))
    .get_result(conn)
}

// ------------------------------------------------------------------ world

/// A territory with a Child Support Unit: where cases are opened.
struct Territory {
    location_id: i32,
    region: usize,
    unit_id: i64,
    /// Relative number of cases.
    weight: f64,
    /// A cotton or tobacco district: agriculture, and the harvest months.
    harvest: bool,
    urban: bool,
    workers: Vec<i64>,
    supervisors: Vec<i64>,
    police: i64,
    police_users: Vec<i64>,
}

struct Region {
    location_id: i32,
    inspectorate: i64,
    inspectors: Vec<i64>,
    prosecutor: i64,
    prosecutor_users: Vec<i64>,
    /// Provider agencies by service.
    providers: HashMap<&'static str, Vec<i64>>,
    territories: Vec<usize>,
    /// Osh, Jalal-Abad and Batken: where Uzbek is a common home language.
    south: bool,
    establishments: Vec<(i64, i32, &'static str, &'static str)>,
}

struct World {
    territories: Vec<Territory>,
    regions: Vec<Region>,
    users: usize,
}

#[derive(QueryableByName)]
struct Place {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    level: String,
    #[diesel(sql_type = Text)]
    path: String,
    #[diesel(sql_type = Text)]
    name_ky: String,
    #[diesel(sql_type = Text)]
    name_ru: String,
    #[diesel(sql_type = Text)]
    name_en: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    unit_id: Option<i64>,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The kinds of provider each region gets, with the services they offer.
const PROVIDERS: &[(&str, &[&str], [&str; 3])] = &[
    (
        "rehabilitation_center",
        &["rehabilitation", "psychosocial", "shelter"],
        [
            "балдарды реабилитациялоо борбору",
            "Центр реабилитации детей",
            "Child Rehabilitation Centre",
        ],
    ),
    (
        "school",
        &["school_enrolment", "catch_up_education"],
        ["мектеп-интернаты", "Школа-интернат", "Boarding School"],
    ),
    (
        "catch_up_program",
        &["catch_up_education"],
        [
            "кошумча билим берүү программасы",
            "Программа догоняющего обучения",
            "Catch-up Education Programme",
        ],
    ),
    (
        "clinic",
        &["medical", "psychosocial"],
        [
            "үй-бүлөлүк медицина борбору",
            "Центр семейной медицины",
            "Family Medicine Centre",
        ],
    ),
    (
        "shelter",
        &["shelter", "psychosocial"],
        [
            "балдар үчүн баш калкалоочу жай",
            "Приют для детей",
            "Children's Shelter",
        ],
    ),
    (
        "ngo",
        &["legal_aid", "family_support", "psychosocial"],
        [
            "балдарды коргоо коомдук бирикмеси",
            "Общественное объединение защиты детей",
            "Child Protection NGO",
        ],
    ),
];

/// Regions where agricultural child labour concentrates (cotton, tobacco).
const HARVEST_REGIONS: &[&str] = &["KG-O", "KG-J", "KG-B"];

impl World {
    fn build(conn: &mut PgConnection, password_hash: &str) -> anyhow::Result<World> {
        let places: Vec<Place> = diesel::sql_query(
            "SELECT l.id, l.code, l.level, l.path, l.name_ky, l.name_ru, l.name_en,
                    (SELECT a.id FROM agencies a WHERE a.code = 'CSU-' || l.code) AS unit_id
             FROM locations l WHERE l.level <> 'country' ORDER BY l.path",
        )
        .load(conn)?;
        let ministry = national(conn, "MLSSM")?;
        let inspection = national(conn, "LABOR-INSPECTION")?;
        let gpo = national(conn, "GPO")?;
        let mia = national(conn, "MIA")?;

        let mut regions = Vec::new();
        let mut region_index = HashMap::new();
        for p in places
            .iter()
            .filter(|p| p.level == "region" || p.level == "republican_city")
        {
            let name = |ky: &str, ru: &str, en: &str| {
                (
                    format!("{} — {ky}", p.name_ky),
                    format!("{ru} — {}", p.name_ru),
                    format!("{en} — {}", p.name_en),
                )
            };
            let code = |what: &str| format!("{CODE_PREFIX}{what}-{}", p.code);
            let inspectorate = agency(
                conn,
                &code("LI"),
                "labor_inspectorate",
                Some(inspection),
                p.id,
                name(
                    "эмгек инспекциясы",
                    "Инспекция труда",
                    "Labour Inspection Office",
                ),
                &[],
            )?;
            let prosecutor = agency(
                conn,
                &code("PRO"),
                "prosecutor",
                Some(gpo),
                p.id,
                name("прокуратурасы", "Прокуратура", "Prosecutor's Office"),
                &["law_enforcement"],
            )?;
            let mut providers: HashMap<&'static str, Vec<i64>> = HashMap::new();
            for (kind, services, [ky, ru, en]) in PROVIDERS {
                let id = agency(
                    conn,
                    &code(&kind.to_uppercase()),
                    kind,
                    None,
                    p.id,
                    name(ky, ru, en),
                    services,
                )?;
                for s in *services {
                    providers.entry(s).or_default().push(id);
                }
            }
            region_index.insert(p.code.clone(), regions.len());
            regions.push(Region {
                location_id: p.id,
                inspectorate,
                inspectors: Vec::new(),
                prosecutor,
                prosecutor_users: Vec::new(),
                providers,
                territories: Vec::new(),
                south: matches!(p.code.as_str(), "KG-O" | "KG-J" | "KG-B" | "KG-GO"),
                establishments: Vec::new(),
            });
        }

        let mut territories = Vec::new();
        for p in &places {
            let Some(unit_id) = p.unit_id else { continue };
            let region_code = p.path.split('/').nth(1).unwrap_or_default();
            let Some(&region) = region_index.get(region_code) else {
                continue;
            };
            let urban = p.level != "district" || region_code == "KG-GB" || region_code == "KG-GO";
            let harvest = !urban && HARVEST_REGIONS.contains(&region_code);
            let weight = match region_code {
                "KG-O" | "KG-J" => 3.0,
                "KG-B" | "KG-Y" => 2.0,
                "KG-C" | "KG-GO" => 1.5,
                "KG-N" => 0.8,
                _ => 1.0,
            } * if urban { 0.6 } else { 1.0 };
            let police = agency(
                conn,
                &format!("{CODE_PREFIX}POL-{}", p.code),
                "police",
                Some(mia),
                p.id,
                (
                    format!("{} — ички иштер бөлүмү", p.name_ky),
                    format!("Отдел внутренних дел — {}", p.name_ru),
                    format!("Police Department — {}", p.name_en),
                ),
                &["law_enforcement"],
            )?;
            regions[region].territories.push(territories.len());
            territories.push(Territory {
                location_id: p.id,
                region,
                unit_id,
                weight,
                harvest,
                urban,
                workers: Vec::new(),
                supervisors: Vec::new(),
                police,
                police_users: Vec::new(),
            });
        }
        let mut world = World {
            territories,
            regions,
            users: 0,
        };
        world.users(conn, ministry, password_hash)?;
        Ok(world)
    }

    /// Ten thousand users: case workers in proportion to each unit's cases,
    /// two supervisors a unit, inspectors, providers' staff, police,
    /// prosecutors, and officials for the rest.
    fn users(&mut self, conn: &mut PgConnection, ministry: i64, hash: &str) -> anyhow::Result<()> {
        let mut rng = StdRng::seed_from_u64(7);
        let mut csv = Csv::default();
        let mut n = 0usize;
        let mut add = |csv: &mut Csv, role: &str, agency: i64, location: i32, n: &mut usize| {
            *n += 1;
            let (family, given, _) = person(&mut rng);
            csv.text(&format!("{LOGIN_PREFIX}{role}.{n}"))
                .text(&format!("{given} {family}"))
                .text(hash)
                .text(role)
                .int(agency)
                .int(i64::from(location))
                .text("ky")
                .end();
        };
        let total_weight: f64 = self.territories.iter().map(|t| t.weight).sum();
        for t in &self.territories {
            let workers = ((t.weight / total_weight) * 5_000.0).round().max(10.0) as usize;
            for _ in 0..2 {
                add(&mut csv, "supervisor", t.unit_id, t.location_id, &mut n);
            }
            for _ in 0..workers {
                add(&mut csv, "case_worker", t.unit_id, t.location_id, &mut n);
            }
            for _ in 0..30 {
                add(&mut csv, "police", t.police, t.location_id, &mut n);
            }
        }
        for r in &self.regions {
            add(
                &mut csv,
                "supervisor",
                r.inspectorate,
                r.location_id,
                &mut n,
            );
            for _ in 0..40 {
                add(&mut csv, "inspector", r.inspectorate, r.location_id, &mut n);
            }
            for _ in 0..15 {
                add(&mut csv, "prosecutor", r.prosecutor, r.location_id, &mut n);
            }
            let mut seen = HashSet::new();
            for ids in r.providers.values() {
                for &id in ids {
                    if seen.insert(id) {
                        for _ in 0..15 {
                            add(&mut csv, "service_provider", id, r.location_id, &mut n);
                        }
                    }
                }
            }
        }
        let country: i32 = {
            use crate::db::schema::locations;
            locations::table
                .filter(locations::code.eq("KG"))
                .select(locations::id)
                .first(conn)?
        };
        let regions: Vec<i32> = self.regions.iter().map(|r| r.location_id).collect();
        let mut i = 0;
        while n < USERS {
            let place = if i % 10 == 0 {
                country
            } else {
                regions[i % regions.len()]
            };
            add(&mut csv, "official", ministry, place, &mut n);
            i += 1;
        }
        copy!(
            conn,
            users::table,
            (
                users::login,
                users::display_name,
                users::password_hash,
                users::role,
                users::agency_id,
                users::location_id,
                users::locale
            ),
            csv
        )?;
        self.users = n;

        #[derive(QueryableByName)]
        struct Staff {
            #[diesel(sql_type = BigInt)]
            id: i64,
            #[diesel(sql_type = Text)]
            role: String,
            #[diesel(sql_type = BigInt)]
            agency_id: i64,
        }
        let staff: Vec<Staff> = diesel::sql_query(
            "SELECT id, role, agency_id FROM users WHERE login LIKE 'scale.%' ORDER BY id",
        )
        .load(conn)?;
        // The inspectors are in post from the first day of the generated
        // years (1 January four years back), before any of their inspections.
        diesel::sql_query(
            "INSERT INTO inspector_posts (user_id, agency_id, from_on)
             SELECT id, agency_id,
                    make_date(extract(year FROM now() AT TIME ZONE 'Asia/Bishkek')::int - 4, 1, 1)
             FROM users WHERE login LIKE 'scale.%' AND role = 'inspector'",
        )
        .execute(conn)?;
        let mut by_agency: HashMap<(i64, &str), Vec<i64>> = HashMap::new();
        for s in &staff {
            by_agency
                .entry((s.agency_id, s.role.as_str()))
                .or_default()
                .push(s.id);
        }
        let mut take =
            |agency: i64, role: &'static str| by_agency.remove(&(agency, role)).unwrap_or_default();
        for t in &mut self.territories {
            t.workers = take(t.unit_id, "case_worker");
            t.supervisors = take(t.unit_id, "supervisor");
            t.police_users = take(t.police, "police");
        }
        for r in &mut self.regions {
            r.inspectors = take(r.inspectorate, "inspector");
            r.prosecutor_users = take(r.prosecutor, "prosecutor");
        }
        Ok(())
    }
}

fn national(conn: &mut PgConnection, code: &str) -> QueryResult<i64> {
    use crate::db::schema::agencies;
    agencies::table
        .filter(agencies::code.eq(code))
        .select(agencies::id)
        .first(conn)
}

fn agency(
    conn: &mut PgConnection,
    code: &str,
    kind: &str,
    parent: Option<i64>,
    location: i32,
    (ky, ru, en): (String, String, String),
    services: &[&str],
) -> QueryResult<i64> {
    let row: Id = diesel::sql_query(
        "INSERT INTO agencies (code, kind, parent_id, location_id, name_ky, name_ru, name_en, services, capacity)
         VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce(string_to_array(NULLIF($8, ''), ','), '{}'),
                 CASE WHEN $2 IN ('rehabilitation_center', 'shelter') THEN 60 END)
         RETURNING id",
    )
    .bind::<Text, _>(code)
    .bind::<Text, _>(kind)
    .bind::<diesel::sql_types::Nullable<BigInt>, _>(parent)
    .bind::<Integer, _>(location)
    .bind::<Text, _>(ky)
    .bind::<Text, _>(ru)
    .bind::<Text, _>(en)
    .bind::<Text, _>(services.join(","))
    .get_result(conn)?;
    Ok(row.id)
}

// ------------------------------------------------------------------ COPY

/// Rows in PostgreSQL's CSV format. Text is always quoted, so an empty
/// string stays empty and only an unquoted empty field is NULL.
#[derive(Default)]
struct Csv {
    buf: Vec<u8>,
    open: bool,
    rows: usize,
}

impl Csv {
    fn sep(&mut self) {
        if self.open {
            self.buf.push(b',');
        }
        self.open = true;
    }
    fn text(&mut self, s: &str) -> &mut Self {
        self.sep();
        self.buf.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                self.buf.push(b'"');
            }
            self.buf.push(b);
        }
        self.buf.push(b'"');
        self
    }
    fn null(&mut self) -> &mut Self {
        self.sep();
        self
    }
    fn int(&mut self, n: i64) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{n}");
        self
    }
    fn opt_int(&mut self, n: Option<i64>) -> &mut Self {
        match n {
            Some(n) => self.int(n),
            None => self.null(),
        }
    }
    fn bool(&mut self, b: bool) -> &mut Self {
        self.sep();
        self.buf.push(if b { b't' } else { b'f' });
        self
    }
    fn date(&mut self, d: NaiveDate) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{}", d.format("%Y-%m-%d"));
        self
    }
    fn opt_date(&mut self, d: Option<NaiveDate>) -> &mut Self {
        match d {
            Some(d) => self.date(d),
            None => self.null(),
        }
    }
    fn time(&mut self, t: DateTime<Utc>) -> &mut Self {
        self.sep();
        let _ = write!(self.buf, "{}", t.format("%Y-%m-%d %H:%M:%S+00"));
        self
    }
    fn opt_time(&mut self, t: Option<DateTime<Utc>>) -> &mut Self {
        match t {
            Some(t) => self.time(t),
            None => self.null(),
        }
    }
    fn array(&mut self, items: &[&str]) -> &mut Self {
        self.text(&format!("{{{}}}", items.join(",")))
    }
    fn end(&mut self) {
        self.buf.push(b'\n');
        self.open = false;
        self.rows += 1;
    }
    fn clear(&mut self) {
        self.buf.clear();
        self.open = false;
        self.rows = 0;
    }
}

// ------------------------------------------------------------------ the generator

fn pick<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|c| c.1).sum();
    let mut x = rng.random_range(0..total);
    for &(v, w) in choices {
        if x < w {
            return v;
        }
        x -= w;
    }
    choices[choices.len() - 1].0
}

fn one<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

const GIRLS: &[&str] = &[
    "Айгүл",
    "Айпери",
    "Нурайым",
    "Жазгүл",
    "Бегимай",
    "Айжан",
    "Гүлзат",
    "Мээрим",
    "Асел",
    "Алтынай",
    "Каныкей",
    "Чолпон",
    "Элиза",
    "Зарина",
    "Дилноза",
    "Малика",
    "Сезим",
    "Акмөөр",
];
const BOYS: &[&str] = &[
    "Азамат",
    "Бакыт",
    "Нурлан",
    "Эрлан",
    "Бекзат",
    "Айбек",
    "Тилек",
    "Улан",
    "Эмир",
    "Адилет",
    "Нуриддин",
    "Жоомарт",
    "Канат",
    "Мирлан",
    "Данияр",
    "Жанболот",
    "Абдулла",
    "Бекболот",
    "Үмөт",
    "Өмүрбек",
];
const FAMILIES: &[&str] = &[
    "Асанов",
    "Токтосунов",
    "Жумабаев",
    "Осмонов",
    "Мамытов",
    "Сыдыков",
    "Абдыкадыров",
    "Эргешов",
    "Турдубаев",
    "Калыков",
    "Бакиров",
    "Исаков",
    "Мамбетов",
    "Шаршеев",
    "Кадыров",
    "Алиев",
    "Рахимов",
    "Юсупов",
    "Токтогулов",
    "Бейшеналиев",
    "Үсөнов",
    "Өмүров",
];

/// A fictional family name, given name and sex.
fn person(rng: &mut StdRng) -> (String, &'static str, &'static str) {
    let family = one(rng, FAMILIES);
    if rng.random_bool(0.45) {
        (format!("{family}а"), one(rng, GIRLS), "female")
    } else {
        (family.to_owned(), one(rng, BOYS), "male")
    }
}

struct Ids {
    child: i64,
    case: i64,
    event: i64,
    referral: i64,
    follow_up: i64,
    establishment: i64,
    inspection: i64,
    penalty: i64,
    investigation: i64,
    investigation_event: i64,
    le_referral: i64,
}

/// The tables whose ids the generator assigns, to move their sequences on.
const SEQUENCES: &[&str] = &[
    "children",
    "cases",
    "case_events",
    "referrals",
    "follow_ups",
    "establishments",
    "inspections",
    "penalties",
    "investigations",
    "investigation_events",
    "le_referrals",
];

fn next_id(conn: &mut PgConnection, table: &str) -> QueryResult<i64> {
    let row: Id = diesel::sql_query(format!(
        "SELECT coalesce(max(id), 0) + 1 AS id FROM {table}"
    ))
    .get_result(conn)?;
    Ok(row.id)
}

struct Generator {
    rng: StdRng,
    world: World,
    now: DateTime<Utc>,
    today: NaiveDate,
    first: NaiveDate,
    ids: Ids,
    /// Personal numbers already used (the demo's), and the next serial of
    /// each (sex, birth date).
    pins_taken: HashSet<String>,
    pin_serial: HashMap<(bool, NaiveDate), u32>,
    taxes_taken: HashSet<String>,
    progress: bool,
    summary: Summary,
}

impl Generator {
    fn new(conn: &mut PgConnection, world: World) -> anyhow::Result<Generator> {
        let now = Utc::now();
        let today = now.with_timezone(&TIME_ZONE).date_naive();
        let first = NaiveDate::from_ymd_opt(today.year() - 4, 1, 1).expect("a valid date");
        let ids = Ids {
            child: next_id(conn, "children")?,
            case: next_id(conn, "cases")?,
            event: next_id(conn, "case_events")?,
            referral: next_id(conn, "referrals")?,
            follow_up: next_id(conn, "follow_ups")?,
            establishment: next_id(conn, "establishments")?,
            inspection: next_id(conn, "inspections")?,
            penalty: next_id(conn, "penalties")?,
            investigation: next_id(conn, "investigations")?,
            investigation_event: next_id(conn, "investigation_events")?,
            le_referral: next_id(conn, "le_referrals")?,
        };
        let pins_taken = children::table
            .select(children::personal_number)
            .filter(children::personal_number.is_not_null())
            .load::<Option<String>>(conn)?
            .into_iter()
            .flatten()
            .collect();
        let taxes_taken = establishments::table
            .select(establishments::tax_number)
            .filter(establishments::tax_number.is_not_null())
            .load::<Option<String>>(conn)?
            .into_iter()
            .flatten()
            .collect();
        let summary = Summary {
            users: world.users,
            ..Summary::default()
        };
        Ok(Generator {
            rng: StdRng::seed_from_u64(2026),
            world,
            now,
            today,
            first,
            ids,
            pins_taken,
            pin_serial: HashMap::new(),
            taxes_taken,
            progress: std::io::stderr().is_terminal(),
            summary,
        })
    }

    fn bar(&self, len: usize, what: &str) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len as u64);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{bar:40}} {{human_pos}}/{{human_len}} {what}  {{per_sec:0}}  eta {{eta}}"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    }

    /// A day in the five years, weighted so that later years hold a little
    /// more (reporting improves) and, for harvest work, July to October.
    fn day(&mut self, harvest: bool) -> NaiveDate {
        const HARVEST: [u32; 12] = [2, 2, 3, 4, 6, 8, 12, 14, 18, 16, 6, 3];
        const OTHER: [u32; 12] = [6, 6, 7, 8, 9, 10, 10, 10, 9, 9, 8, 7];
        loop {
            let year = self.first.year()
                + pick(
                    &mut self.rng,
                    &[(0, 70), (1, 85), (2, 100), (3, 110), (4, 120)],
                );
            let weights = if harvest { &HARVEST } else { &OTHER };
            let months: Vec<(u32, u32)> = (1..=12).zip(weights.iter().copied()).collect();
            let month = pick(&mut self.rng, &months);
            let day = self.rng.random_range(1..=28);
            let date = NaiveDate::from_ymd_opt(year, month, day).expect("a valid date");
            if date <= self.today {
                return date;
            }
        }
    }

    /// An instant during working hours of `date` (Bishkek time), never after now.
    fn at(&mut self, date: NaiveDate) -> DateTime<Utc> {
        let seconds = self.rng.random_range(8 * 3600..18 * 3600);
        let local = date.and_time(NaiveTime::MIN) + Duration::seconds(seconds);
        let t = TIME_ZONE
            .from_local_datetime(&local)
            .earliest()
            .map_or(self.now, |t| t.with_timezone(&Utc));
        t.min(self.now)
    }

    /// `t` moved on by between `lo` and `hi` days, never past now.
    fn later(&mut self, t: DateTime<Utc>, lo: i64, hi: i64) -> DateTime<Utc> {
        let secs = self.rng.random_range(lo * 86_400..=hi * 86_400);
        (t + Duration::seconds(secs)).min(self.now)
    }

    fn date_of(t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&TIME_ZONE).date_naive()
    }

    fn personal_number(&mut self, female: bool, born: NaiveDate) -> Option<String> {
        loop {
            let serial = self.pin_serial.entry((female, born)).or_insert(0);
            *serial += 1;
            if *serial > 99_999 {
                return None;
            }
            let pin = format!(
                "{}{}{:05}",
                if female { 1 } else { 2 },
                born.format("%d%m%Y"),
                serial
            );
            if !self.pins_taken.contains(&pin) {
                return Some(pin);
            }
        }
    }

    // ------------------------------------------------------------- inspections

    fn establishments(&mut self, conn: &mut PgConnection, count: usize) -> anyhow::Result<()> {
        let count = count.max(self.world.territories.len() * 4);
        let mut csv = Csv::default();
        let total: f64 = self.world.territories.iter().map(|t| t.weight).sum();
        let created_by = self.world.regions[0].inspectors[0];
        let n_territories = self.world.territories.len();
        for ti in 0..n_territories {
            let (weight, harvest, urban, location, region) = {
                let t = &self.world.territories[ti];
                (t.weight, t.harvest, t.urban, t.location_id, t.region)
            };
            let here = ((weight / total) * count as f64).round().max(4.0) as usize;
            for _ in 0..here {
                let (kind, sector) = pick(
                    &mut self.rng,
                    if harvest {
                        HARVEST_ESTABLISHMENTS
                    } else if urban {
                        CITY_ESTABLISHMENTS
                    } else {
                        RURAL_ESTABLISHMENTS
                    },
                );
                let id = self.ids.establishment;
                self.ids.establishment += 1;
                let (owner_family, owner_given, _) = person(&mut self.rng);
                let owner = format!("{owner_given} {owner_family}");
                let name = match kind {
                    "farm_cotton" | "farm_tobacco" | "farm_other_crops" | "farm_livestock" => {
                        format!("«{owner_family}» дыйкан чарбасы")
                    }
                    "market" => format!("Базар, соода түйүнү №{}", id % 500),
                    "street" => format!("Көчө соодасы №{}", id % 500),
                    "construction" => format!("«{owner_family} Курулуш» ЖЧК"),
                    "factory_workshop" => format!("«{owner_family}» цехи"),
                    "mine" => format!("Көмүр кени №{}", id % 50),
                    "household" => format!("{owner_family} үй чарбасы"),
                    "transport" => format!("Автобекет №{}", id % 100),
                    _ => format!("«{owner_family}» кызмат көрсөтүү"),
                };
                let tax = format!("2{:013}", id);
                let tax =
                    (self.rng.random_bool(0.4) && !self.taxes_taken.contains(&tax)).then_some(tax);
                let created_at = self.at(self.first);
                csv.int(id).text(kind).text(sector).text(&name).text(&owner);
                match &tax {
                    Some(t) => csv.text(t),
                    None => csv.null(),
                };
                csv.int(i64::from(location))
                    .text("")
                    .text(&search_key(&format!("{name} {owner}")))
                    .int(created_by)
                    .time(created_at)
                    .time(created_at)
                    .end();
                self.world.regions[region]
                    .establishments
                    .push((id, location, kind, sector));
            }
        }
        self.summary.establishments += copy!(
            conn,
            establishments::table,
            (
                establishments::id,
                establishments::kind,
                establishments::sector,
                establishments::name,
                establishments::owner,
                establishments::tax_number,
                establishments::location_id,
                establishments::address,
                establishments::search_name,
                establishments::created_by,
                establishments::created_at,
                establishments::updated_at
            ),
            csv
        )?;
        Ok(())
    }

    fn inspections(&mut self, conn: &mut PgConnection, count: usize) -> anyhow::Result<()> {
        let bar = self.bar(count, "inspections");
        let mut rows = Csv::default();
        let mut inspectors = Csv::default();
        let mut violations = Csv::default();
        let mut fines = Csv::default();
        let total_weight: f64 = self
            .world
            .regions
            .iter()
            .map(|r| r.establishments.len() as f64)
            .sum();
        let mut done = 0;
        let region_counts: Vec<usize> = self
            .world
            .regions
            .iter()
            .map(|r| {
                ((r.establishments.len() as f64 / total_weight) * count as f64).round() as usize
            })
            .collect();
        for (ri, &here) in region_counts.iter().enumerate() {
            for _ in 0..here {
                self.inspection(ri, &mut rows, &mut inspectors, &mut violations, &mut fines);
                done += 1;
                if rows.rows >= BATCH {
                    self.flush_inspections(
                        conn,
                        &mut rows,
                        &mut inspectors,
                        &mut violations,
                        &mut fines,
                    )?;
                    bar.set_position(done as u64);
                }
            }
        }
        self.flush_inspections(
            conn,
            &mut rows,
            &mut inspectors,
            &mut violations,
            &mut fines,
        )?;
        bar.finish_and_clear();
        Ok(())
    }

    fn flush_inspections(
        &mut self,
        conn: &mut PgConnection,
        rows: &mut Csv,
        inspectors: &mut Csv,
        violations: &mut Csv,
        fines: &mut Csv,
    ) -> anyhow::Result<()> {
        let first_penalty = self.ids.penalty - fines.rows as i64;
        self.summary.inspections += copy!(
            conn,
            inspections::table,
            (
                inspections::id,
                inspections::establishment_id,
                inspections::office_id,
                inspections::location_id,
                inspections::sector,
                inspections::visited_on,
                inspections::kind,
                inspections::method,
                inspections::girls_under_14,
                inspections::girls_14_15,
                inspections::girls_16_17,
                inspections::boys_under_14,
                inspections::boys_14_15,
                inspections::boys_16_17,
                inspections::law_enforcement_id,
                inspections::follow_up_on,
                inspections::status,
                inspections::closed_at,
                inspections::closed_by,
                inspections::created_by,
                inspections::created_at,
                inspections::updated_at
            ),
            rows
        )?;
        copy!(
            conn,
            inspection_inspectors::table,
            (
                inspection_inspectors::inspection_id,
                inspection_inspectors::user_id
            ),
            inspectors
        )?;
        copy!(
            conn,
            inspection_violations::table,
            (
                inspection_violations::inspection_id,
                inspection_violations::kind,
                inspection_violations::count
            ),
            violations
        )?;
        self.summary.penalties += copy!(
            conn,
            penalties::table,
            (
                penalties::id,
                penalties::inspection_id,
                penalties::legal_basis,
                penalties::imposed,
                penalties::collected,
                penalties::collected_on,
                penalties::status,
                penalties::created_at,
                penalties::decided_on
            ),
            fines
        )?;
        // A scale penalty is the penalty for every violation of its
        // inspection, and what was collected of it came in one payment.
        diesel::sql_query(
            "INSERT INTO penalty_violations (penalty_id, inspection_id, kind, cancelled)
             SELECT p.id, v.inspection_id, v.kind, p.status = 'cancelled'
             FROM penalties p JOIN inspection_violations v ON v.inspection_id = p.inspection_id
             WHERE p.id >= $1",
        )
        .bind::<diesel::sql_types::BigInt, _>(first_penalty)
        .execute(conn)?;
        diesel::sql_query(
            "INSERT INTO penalty_payments (penalty_id, paid_on, amount, recorded_at)
             SELECT id, collected_on, collected, created_at FROM penalties
             WHERE collected > 0 AND id >= $1",
        )
        .bind::<diesel::sql_types::BigInt, _>(first_penalty)
        .execute(conn)?;
        Ok(())
    }

    fn inspection(
        &mut self,
        ri: usize,
        rows: &mut Csv,
        inspectors: &mut Csv,
        violations: &mut Csv,
        fines: &mut Csv,
    ) {
        let rng = &mut self.rng;
        let region = &self.world.regions[ri];
        let (establishment, location, kind, sector) = one(rng, &region.establishments);
        let office = region.inspectorate;
        let lead = one(rng, &region.inspectors);
        let second = one(rng, &region.inspectors);
        let harvest = matches!(kind, "farm_cotton" | "farm_tobacco");
        let id = self.ids.inspection;
        self.ids.inspection += 1;
        let visited = self.day(harvest);
        let rng = &mut self.rng;
        let visit_kind = pick(
            rng,
            &[
                ("routine", 45),
                ("unannounced", 25),
                ("complaint", 12),
                ("follow_up", 12),
                ("joint_police", 6),
            ],
        );
        let method = if rng.random_bool(0.92) {
            "worksite"
        } else {
            "desk_review"
        };
        let found = rng.random_bool(if harvest { 0.4 } else { 0.2 });
        let mut bands = [0i64; 6];
        if found {
            for b in bands.iter_mut() {
                if rng.random_bool(0.35) {
                    *b = rng.random_range(1..=4);
                }
            }
            if bands.iter().all(|b| *b == 0) {
                bands[rng.random_range(0..6)] = 1;
            }
        }
        let children: i64 = bands.iter().sum();
        let referred = (children > 0 && rng.random_bool(0.04)).then_some(());
        let police = referred.map(|_| {
            let t =
                &self.world.territories[one(&mut self.rng, &self.world.regions[ri].territories)];
            t.police
        });
        let rng = &mut self.rng;
        let recent = (self.today - visited).num_days() < 30;
        let closed = !recent || rng.random_bool(0.5);
        let follow_up = (children > 0 && rng.random_bool(0.3))
            .then(|| visited + Duration::days(rng.random_range(30..90)));
        let created = self.at(visited);
        let closed_at = closed.then(|| self.later(created, 1, 10));
        rows.int(id)
            .int(establishment)
            .int(office)
            .int(i64::from(location))
            .text(sector)
            .date(visited)
            .text(visit_kind)
            .text(method);
        for b in bands {
            rows.int(b);
        }
        rows.opt_int(police)
            .opt_date(follow_up)
            .text(if closed { "closed" } else { "open" })
            .opt_time(closed_at)
            .opt_int(closed.then_some(lead))
            .int(lead)
            .time(created)
            .time(closed_at.unwrap_or(created))
            .end();
        inspectors.int(id).int(lead).end();
        if second != lead && self.rng.random_bool(0.4) {
            inspectors.int(id).int(second).end();
        }
        let rng = &mut self.rng;
        let mut any = false;
        if children > 0 {
            violations.int(id).text("underage_work").int(children).end();
            any = true;
            if rng.random_bool(0.4) {
                violations
                    .int(id)
                    .text("hazardous_work")
                    .int(rng.random_range(1..=children))
                    .end();
            }
        }
        if rng.random_bool(0.15) {
            violations
                .int(id)
                .text(one(rng, &["no_contract", "excessive_hours", "night_work"]))
                .int(rng.random_range(1..=5))
                .end();
            any = true;
        }
        if any && closed && rng.random_bool(0.35) {
            let imposed = rng.random_range(10..=100) * 500;
            let status = pick(
                rng,
                &[
                    ("paid", 60),
                    ("partly_paid", 10),
                    ("imposed", 20),
                    ("appealed", 5),
                    ("cancelled", 5),
                ],
            );
            let collected = match status {
                "paid" => imposed,
                "partly_paid" => imposed / 2,
                _ => 0,
            };
            let on = (collected > 0).then(|| visited + Duration::days(rng.random_range(5..60)));
            let on = on.map(|d| d.min(self.today));
            let decided = (visited + Duration::days(rng.random_range(0..5)))
                .min(on.unwrap_or(self.today))
                .min(self.today);
            fines
                .int(self.ids.penalty)
                .int(id)
                .text("Укук бузуулар жөнүндө кодекс, 235-берене")
                .int(imposed)
                .int(collected)
                .opt_date(on)
                .text(status)
                .time(closed_at.unwrap_or(created))
                .date(decided)
                .end();
            self.ids.penalty += 1;
        }
    }

    // ------------------------------------------------------------- cases

    fn cases(&mut self, conn: &mut PgConnection, count: usize) -> anyhow::Result<()> {
        let bar = self.bar(count, "cases");
        let total: f64 = self.world.territories.iter().map(|t| t.weight).sum();
        let mut out = CaseRows::default();
        let mut done = 0;
        let shares: Vec<usize> = self
            .world
            .territories
            .iter()
            .map(|t| ((t.weight / total) * count as f64).round() as usize)
            .collect();
        // Rounding may leave a few over or under: the last territory takes them.
        let assigned: usize = shares.iter().sum();
        let mut shares = shares;
        if let Some(last) = shares.last_mut() {
            *last = (*last + count).saturating_sub(assigned);
        }
        for (ti, &here) in shares.iter().enumerate() {
            for _ in 0..here {
                self.case(ti, &mut out);
                done += 1;
                if out.cases.rows >= BATCH {
                    self.flush_cases(conn, &mut out)?;
                    bar.set_position(done as u64);
                }
            }
        }
        self.flush_cases(conn, &mut out)?;
        bar.finish_and_clear();
        Ok(())
    }

    fn flush_cases(&mut self, conn: &mut PgConnection, out: &mut CaseRows) -> anyhow::Result<()> {
        self.summary.children += copy!(
            conn,
            children::table,
            (
                children::id,
                children::family_name,
                children::given_name,
                children::patronymic,
                children::search_name,
                children::sex,
                children::birth_date,
                children::birth_date_estimated,
                children::personal_number,
                children::guardian_name,
                children::guardian_contact,
                children::home_location_id,
                children::language,
                children::school_status,
                children::disability,
                children::created_by,
                children::created_at,
                children::updated_at
            ),
            out.children
        )?;
        self.summary.cases += copy!(
            conn,
            cases::table,
            (
                cases::id,
                cases::child_id,
                cases::unit_id,
                cases::location_id,
                cases::assigned_to,
                cases::source,
                cases::forms,
                cases::sector,
                cases::risk,
                cases::status,
                cases::narrative,
                cases::consent_given_by,
                cases::consent_given_on,
                cases::assessment,
                cases::plan,
                cases::plan_submitted_at,
                cases::plan_submitted_by,
                cases::closure_reason,
                cases::closed_at,
                cases::due_on,
                cases::status_since,
                cases::opened_by,
                cases::opened_at,
                cases::updated_at,
                cases::identified_on
            ),
            out.cases
        )?;
        self.summary.case_events += copy!(
            conn,
            case_events::table,
            (
                case_events::id,
                case_events::case_id,
                case_events::at,
                case_events::actor_id,
                case_events::kind,
                case_events::note
            ),
            out.events
        )?;
        self.summary.referrals += copy!(
            conn,
            referrals::table,
            (
                referrals::id,
                referrals::case_id,
                referrals::agency_id,
                referrals::service,
                referrals::urgency,
                referrals::shared,
                referrals::answer_by,
                referrals::planned_end,
                referrals::status,
                referrals::decline_reason,
                referrals::sent_by,
                referrals::sent_at,
                referrals::answered_at,
                referrals::started_at,
                referrals::ended_at,
                referrals::started_on,
                referrals::ended_on
            ),
            out.referrals
        )?;
        self.summary.follow_ups += copy!(
            conn,
            follow_ups::table,
            (
                follow_ups::id,
                follow_ups::case_id,
                follow_ups::visited_on,
                follow_ups::visited_by,
                follow_ups::still_working,
                follow_ups::attending_school,
                follow_ups::created_at
            ),
            out.follow_ups
        )?;
        self.summary.investigations += copy!(
            conn,
            investigations::table,
            (
                investigations::id,
                investigations::agency_id,
                investigations::offenses,
                investigations::opened_on,
                investigations::reference,
                investigations::suspects,
                investigations::stage,
                investigations::in_court_on,
                investigations::decided_on,
                investigations::stage_on,
                investigations::prison_months,
                investigations::suspended_from,
                investigations::created_by,
                investigations::created_at,
                investigations::updated_at
            ),
            out.investigations
        )?;
        copy!(
            conn,
            investigation_cases::table,
            (
                investigation_cases::investigation_id,
                investigation_cases::case_id,
                investigation_cases::role
            ),
            out.investigation_cases
        )?;
        copy!(
            conn,
            investigation_events::table,
            (
                investigation_events::id,
                investigation_events::investigation_id,
                investigation_events::at,
                investigation_events::actor_id,
                investigation_events::kind,
                investigation_events::details
            ),
            out.investigation_events
        )?;
        copy!(
            conn,
            le_referrals::table,
            (
                le_referrals::id,
                le_referrals::agency_id,
                le_referrals::case_id,
                le_referrals::status,
                le_referrals::investigation_id,
                le_referrals::sent_by,
                le_referrals::sent_at,
                le_referrals::answered_at,
                le_referrals::sent_on
            ),
            out.le_referrals
        )?;
        Ok(())
    }

    fn event(&mut self, out: &mut CaseRows, case: i64, at: DateTime<Utc>, actor: i64, kind: &str) {
        out.events
            .int(self.ids.event)
            .int(case)
            .time(at)
            .int(actor)
            .text(kind)
            .text("")
            .end();
        self.ids.event += 1;
    }

    fn case(&mut self, ti: usize, out: &mut CaseRows) {
        let (unit, location, harvest, urban, region, worker, supervisor) = {
            let t = &self.world.territories[ti];
            let rng = &mut self.rng;
            (
                t.unit_id,
                t.location_id,
                t.harvest,
                t.urban,
                t.region,
                one(rng, &t.workers),
                one(rng, &t.supervisors),
            )
        };
        let opened_on = self.day(harvest);
        let opened_at = self.at(opened_on);
        let rng = &mut self.rng;
        let sector = pick(
            rng,
            if harvest {
                HARVEST_SECTORS
            } else if urban {
                CITY_SECTORS
            } else {
                RURAL_SECTORS
            },
        );
        let mut forms = vec![pick(
            rng,
            &[
                ("hazardous_work", 82),
                (
                    "forced_begging",
                    if sector == "street_work" { 30 } else { 2 },
                ),
                ("forced_labor", 4),
                ("trafficking", 3),
                ("commercial_sexual_exploitation", if urban { 4 } else { 1 }),
                ("illicit_activities", 2),
            ],
        )];
        if forms[0] != "hazardous_work" && rng.random_bool(0.3) {
            forms.push("hazardous_work");
        }
        let victim = forms.iter().any(|f| {
            matches!(
                *f,
                "forced_labor"
                    | "trafficking"
                    | "commercial_sexual_exploitation"
                    | "illicit_activities"
            )
        });
        let source = pick(
            rng,
            &[
                ("inspection", 25),
                ("school", 20),
                ("police", 12),
                ("hotline", 10),
                ("ngo", 10),
                ("street_outreach", if urban { 12 } else { 3 }),
                ("health", 5),
                ("self_family", 5),
            ],
        );
        let risk = if victim {
            "high"
        } else {
            pick(rng, &[("low", 35), ("medium", 45), ("high", 20)])
        };
        let age = (self.today - opened_on).num_days();
        let status = match age {
            a if a > 400 => pick(
                rng,
                &[("closed", 92), ("monitoring", 5), ("in_services", 3)],
            ),
            a if a > 120 => pick(
                rng,
                &[
                    ("closed", 55),
                    ("monitoring", 25),
                    ("in_services", 15),
                    ("case_plan", 5),
                ],
            ),
            a if a > 30 => pick(
                rng,
                &[
                    ("closed", 12),
                    ("monitoring", 25),
                    ("in_services", 35),
                    ("case_plan", 16),
                    ("assessment", 12),
                ],
            ),
            _ => pick(
                rng,
                &[
                    ("new", 35),
                    ("assessment", 35),
                    ("case_plan", 20),
                    ("in_services", 10),
                ],
            ),
        };
        let stage = STAGES.iter().position(|s| *s == status).unwrap_or(0);

        // The child.
        let (family, given, sex) = person(rng);
        let female = sex == "female";
        let years_old = pick(
            rng,
            &[
                (7, 2),
                (8, 3),
                (9, 4),
                (10, 6),
                (11, 8),
                (12, 11),
                (13, 13),
                (14, 15),
                (15, 15),
                (16, 13),
                (17, 10),
            ],
        );
        let born = opened_on - Duration::days(years_old * 365 + rng.random_range(0..365));
        let father = one(rng, BOYS);
        let patronymic = format!("{father} {}", if female { "кызы" } else { "уулу" });
        let guardian = format!("{father} {}", family.trim_end_matches('а'));
        let phone = format!(
            "+996 7{:02} {:03} {:03}",
            rng.random_range(0..100),
            rng.random_range(0..1000),
            rng.random_range(0..1000)
        );
        let language = if self.world.regions[region].south {
            pick(
                rng,
                &[("ky", 70), ("uz", 25), ("ru", 3), ("tg", 1), ("other", 1)],
            )
        } else {
            pick(rng, &[("ky", 82), ("ru", 15), ("uz", 1), ("other", 2)])
        };
        let school = pick(
            rng,
            &[
                ("enrolled", 50),
                ("irregular", 25),
                ("out_of_school", 20),
                ("never_enrolled", 5),
            ],
        );
        let disability = pick(
            rng,
            &[
                ("none", 95),
                ("physical", 2),
                ("sensory", 1),
                ("intellectual", 1),
                ("psychosocial", 1),
            ],
        );
        let estimated = rng.random_bool(0.1);
        let has_pin = rng.random_bool(0.7);
        let pin = has_pin
            .then(|| self.personal_number(female, born))
            .flatten();
        let child = self.ids.child;
        self.ids.child += 1;
        out.children
            .int(child)
            .text(&family)
            .text(given)
            .text(&patronymic)
            .text(&search_name(&family, given, &patronymic))
            .text(sex)
            .date(born)
            .bool(estimated);
        match &pin {
            Some(p) => out.children.text(p),
            None => out.children.null(),
        };
        out.children
            .text(&guardian)
            .text(&phone)
            .int(i64::from(location))
            .text(language)
            .text(school)
            .text(disability)
            .int(worker)
            .time(opened_at)
            .time(opened_at)
            .end();

        // The case and its history.
        let case = self.ids.case;
        self.ids.case += 1;
        let rng = &mut self.rng;
        let assigned = status != "new" || rng.random_bool(0.5);
        self.event(out, case, opened_at, worker, "opened");
        let mut t = opened_at;
        let mut status_since = opened_at;
        let mut consent = None;
        let mut assessment = "";
        let mut plan = "";
        let mut plan_submitted = None;
        if stage >= 1 {
            t = self.later(t, 1, 5);
            self.event(out, case, t, worker, "assessment_started");
            status_since = t;
        }
        if stage >= 2 {
            t = self.later(t, 3, 12);
            self.event(out, case, t, worker, "assessment_recorded");
            assessment = "Баланын абалы бааланды: үй-бүлө, мектеп, иштин шарттары.";
            consent = Some(Self::date_of(t));
            status_since = t;
            if stage == 2 && self.rng.random_bool(0.4) {
                t = self.later(t, 1, 6);
                self.event(out, case, t, worker, "plan_submitted");
                plan_submitted = Some(t);
            }
            plan = "Мектепке кайтаруу, психологиялык колдоо, үй-бүлөгө жардам.";
        }
        let mut last_service_end = t;
        if stage >= 3 {
            t = self.later(t, 2, 10);
            self.event(out, case, t, worker, "plan_submitted");
            t = self.later(t, 1, 4);
            self.event(out, case, t, supervisor, "plan_approved");
            status_since = t;
            let n = pick(&mut self.rng, &[(1, 25), (2, 40), (3, 25), (4, 10)]);
            for _ in 0..n {
                let end = self.referral(out, case, region, worker, t, status, victim);
                last_service_end = last_service_end.max(end);
            }
        }
        let mut due = match stage {
            0 => Some(opened_on + Duration::days(3)),
            1 => Some(Self::date_of(status_since) + Duration::days(14)),
            2 => Some(Self::date_of(status_since) + Duration::days(10)),
            _ => None,
        };
        if stage >= 4 {
            t = self.later(last_service_end, 0, 7);
            self.event(out, case, t, worker, "monitoring_started");
            status_since = t;
            let visits = pick(&mut self.rng, &[(1, 20), (2, 40), (3, 30), (4, 10)]);
            let mut last = t;
            for v in 0..visits {
                let at = self.later(last, 30, 75);
                if at >= self.now {
                    break;
                }
                last = at;
                let final_visit = v + 1 == visits;
                let working = !(final_visit && status == "closed") && self.rng.random_bool(0.2);
                let school = self.rng.random_bool(0.85);
                out.follow_ups
                    .int(self.ids.follow_up)
                    .int(case)
                    .date(Self::date_of(at))
                    .int(worker)
                    .bool(working)
                    .bool(school)
                    .time(at)
                    .end();
                self.ids.follow_up += 1;
                self.event(out, case, at, worker, "follow_up");
            }
            t = last;
            if status == "monitoring" {
                due = Some(Self::date_of(last) + Duration::days(60));
            }
        } else if stage == 3 {
            due = Some(Self::date_of(t) + Duration::days(30));
        }
        let mut closure = None;
        if status == "closed" {
            t = self.later(t, 1, 10);
            self.event(out, case, t, worker, "closure_requested");
            t = self.later(t, 1, 5);
            self.event(out, case, t, supervisor, "closure_approved");
            status_since = t;
            let reason = pick(
                &mut self.rng,
                &[
                    ("withdrawn", 80),
                    ("turned_18", 7),
                    ("moved_away", 5),
                    ("reunified", 3),
                    ("transferred", 2),
                    ("other", 3),
                ],
            );
            closure = Some((reason, t));
        }
        // Most open cases are on time; about one in eight is overdue.
        if let Some(d) = due
            && d < self.today
            && self.rng.random_bool(0.85)
        {
            due = Some(self.today + Duration::days(self.rng.random_range(1..30)));
        }
        let narrative = match sector {
            "agriculture" => "Бала талаада иштеп жүргөн жеринен табылды.",
            "markets_trade" => "Бала базарда жүк ташып жүргөн.",
            "street_work" => "Бала көчөдө иштеп жүргөн.",
            _ => "Бала иштеп жүргөн жеринен табылды.",
        };
        let c = &mut out.cases;
        c.int(case)
            .int(child)
            .int(unit)
            .int(i64::from(location))
            .opt_int(assigned.then_some(worker))
            .text(source)
            .array(&forms)
            .text(sector)
            .text(risk)
            .text(status)
            .text(narrative);
        match consent {
            Some(on) => c.text(&guardian).date(on),
            None => c.null().null(),
        };
        c.text(assessment)
            .text(plan)
            .opt_time(plan_submitted)
            .opt_int(plan_submitted.map(|_| worker));
        match closure {
            Some((reason, at)) => c.text(reason).time(at),
            None => c.null().null(),
        };
        c.opt_date(if status == "closed" { None } else { due })
            .time(status_since)
            .int(worker)
            .time(opened_at)
            .time(t.max(opened_at))
            .date(opened_on)
            .end();

        if victim && stage >= 2 && self.rng.random_bool(0.1) {
            self.investigation(out, case, region, worker, opened_at, &forms);
        }
    }

    /// A referral sent after the plan was approved at `after`; returns when
    /// its service ended (or `after` if it has not).
    #[allow(clippy::too_many_arguments)]
    fn referral(
        &mut self,
        out: &mut CaseRows,
        case: i64,
        region: usize,
        worker: i64,
        after: DateTime<Utc>,
        case_status: &str,
        victim: bool,
    ) -> DateTime<Utc> {
        let rng = &mut self.rng;
        let service = pick(
            rng,
            &[
                ("catch_up_education", 20),
                ("school_enrolment", 18),
                ("psychosocial", 18),
                ("medical", 12),
                ("family_support", 14),
                ("rehabilitation", if victim { 20 } else { 8 }),
                ("legal_aid", if victim { 10 } else { 3 }),
                ("shelter", if victim { 10 } else { 1 }),
            ],
        );
        let providers = &self.world.regions[region].providers[service];
        let agency = one(rng, providers);
        let urgency = pick(rng, &[("routine", 70), ("urgent", 25), ("emergency", 5)]);
        let status = if case_status == "in_services" {
            pick(
                rng,
                &[
                    ("sent", 15),
                    ("accepted", 15),
                    ("in_service", 50),
                    ("completed", 12),
                    ("declined", 5),
                    ("failed", 3),
                ],
            )
        } else {
            pick(
                rng,
                &[
                    ("completed", 82),
                    ("failed", 7),
                    ("declined", 8),
                    ("in_service", 3),
                ],
            )
        };
        let sent = self.later(after, 0, 3);
        let answer_days = match urgency {
            "emergency" => 1,
            "urgent" => 3,
            _ => 7,
        };
        let answer_by = Self::date_of(sent) + Duration::days(answer_days);
        let answered = (status != "sent").then(|| self.later(sent, 0, answer_days));
        let started = matches!(status, "in_service" | "completed" | "failed")
            .then(|| self.later(answered.unwrap_or(sent), 0, 5));
        let planned_end = matches!(status, "accepted" | "in_service" | "completed" | "failed")
            .then(|| {
                Self::date_of(started.unwrap_or(sent))
                    + Duration::days(self.rng.random_range(30..120))
            });
        let ended = matches!(status, "completed" | "failed")
            .then(|| self.later(started.unwrap_or(sent), 20, 110));
        let id = self.ids.referral;
        self.ids.referral += 1;
        out.referrals
            .int(id)
            .int(case)
            .int(agency)
            .text(service)
            .text(urgency)
            .array(&["birth_date", "sex", "guardian", "school_status"])
            .date(answer_by)
            .opt_date(planned_end)
            .text(status)
            .text(if status == "declined" {
                "Орун жок, башка борборго жөнөтүңүз."
            } else {
                ""
            })
            .int(worker)
            .time(sent)
            .opt_time(answered)
            .opt_time(started)
            .opt_time(ended)
            .opt_date(started.map(Self::date_of))
            .opt_date(ended.map(Self::date_of))
            .end();
        self.event(out, case, sent, worker, "referral_sent");
        if let Some(e) = ended {
            self.event(
                out,
                case,
                e,
                worker,
                if status == "completed" {
                    "referral_completed"
                } else {
                    "referral_failed"
                },
            );
        }
        ended.unwrap_or(after)
    }

    fn investigation(
        &mut self,
        out: &mut CaseRows,
        case: i64,
        region: usize,
        worker: i64,
        opened_at: DateTime<Utc>,
        forms: &[&str],
    ) {
        let (agency, actor) = {
            let r = &self.world.regions[region];
            let rng = &mut self.rng;
            if rng.random_bool(0.6) {
                let t = &self.world.territories[one(rng, &r.territories)];
                (t.police, one(rng, &t.police_users))
            } else {
                (r.prosecutor, one(rng, &r.prosecutor_users))
            }
        };
        let sent = self.later(opened_at, 2, 20);
        let accepted = self.later(sent, 1, 10);
        let opened_on = Self::date_of(accepted);
        let mut offenses: Vec<&str> = forms
            .iter()
            .filter_map(|f| match *f {
                "trafficking" => Some("child_trafficking"),
                "forced_labor" => Some("forced_child_labor"),
                "commercial_sexual_exploitation" => Some("csec"),
                "illicit_activities" => Some("illicit_activities"),
                _ => None,
            })
            .collect();
        offenses.push("worst_forms");
        let age = (self.today - opened_on).num_days();
        let stage = if age < 90 {
            "investigation"
        } else {
            pick(
                &mut self.rng,
                &[
                    ("investigation", 25),
                    ("in_court", 10),
                    ("convicted", 15),
                    ("acquitted", 3),
                    ("dismissed", 40),
                    ("suspended", 7),
                ],
            )
        };
        let in_court = matches!(stage, "in_court" | "convicted" | "acquitted")
            .then(|| (opened_on + Duration::days(self.rng.random_range(30..80))).min(self.today));
        let decided =
            matches!(stage, "convicted" | "acquitted" | "dismissed" | "suspended").then(|| {
                let from = in_court.unwrap_or(opened_on);
                (from + Duration::days(self.rng.random_range(20..80))).min(self.today)
            });
        let stage_on = decided.or(in_court).unwrap_or(opened_on);
        let id = self.ids.investigation;
        self.ids.investigation += 1;
        let created = self.at(opened_on).max(accepted);
        out.investigations
            .int(id)
            .int(agency)
            .array(&offenses)
            .date(opened_on)
            .text(&format!("{}-{id}", opened_on.year()))
            .int(self.rng.random_range(1..=3))
            .text(stage)
            .opt_date(in_court)
            .opt_date(decided)
            .date(stage_on)
            .opt_int((stage == "convicted").then(|| self.rng.random_range(12..=120)));
        // A suspended investigation resumes where it was: here, investigation.
        match stage {
            "suspended" => out.investigations.text("investigation"),
            _ => out.investigations.null(),
        };
        out.investigations
            .int(actor)
            .time(created)
            .time(created)
            .end();
        out.investigation_cases
            .int(id)
            .int(case)
            .text("victim")
            .end();
        for (kind, details) in [
            ("opened", "{}".to_owned()),
            ("case_linked", format!("{{\"case_id\":{case}}}")),
        ] {
            out.investigation_events
                .int(self.ids.investigation_event)
                .int(id)
                .time(created)
                .int(actor)
                .text(kind)
                .text(&details)
                .end();
            self.ids.investigation_event += 1;
        }
        if stage != "investigation" {
            out.investigation_events
                .int(self.ids.investigation_event)
                .int(id)
                .time(self.at(stage_on).max(created))
                .int(actor)
                .text("stage")
                .text(&format!("{{\"to\":\"{stage}\"}}"))
                .end();
            self.ids.investigation_event += 1;
        }
        out.le_referrals
            .int(self.ids.le_referral)
            .int(agency)
            .int(case)
            .text("accepted")
            .int(id)
            .int(worker)
            .time(sent)
            .time(accepted)
            .date(Self::date_of(sent))
            .end();
        self.ids.le_referral += 1;
    }

    /// Move the sequences past the ids written, and give each prosecutor's office its staff per year.
    fn finish(&mut self, conn: &mut PgConnection) -> anyhow::Result<()> {
        for table in SEQUENCES {
            diesel::sql_query(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                               (SELECT coalesce(max(id), 1) FROM {table}))"
            ))
            .execute(conn)?;
        }
        for r in &self.world.regions {
            for year in self.first.year()..=self.today.year() {
                diesel::sql_query(
                    "INSERT INTO prosecutor_staff (agency_id, year, staff) VALUES ($1, $2, $3)
                     ON CONFLICT DO NOTHING",
                )
                .bind::<BigInt, _>(r.prosecutor)
                .bind::<Integer, _>(year)
                .bind::<Integer, _>(self.rng.random_range(4..=12))
                .execute(conn)?;
            }
        }
        Ok(())
    }
}

/// What establishments a territory has, and in which sector, with weights:
/// cotton and tobacco farms in the harvest districts, bazaars and street
/// trade in the cities, livestock and other crops elsewhere.
const HARVEST_ESTABLISHMENTS: &[((&str, &str), u32)] = &[
    (("farm_cotton", "agriculture"), 30),
    (("farm_tobacco", "agriculture"), 20),
    (("farm_other_crops", "agriculture"), 20),
    (("farm_livestock", "livestock"), 10),
    (("market", "markets_trade"), 8),
    (("construction", "construction"), 4),
    (("service_business", "services"), 5),
    (("household", "domestic_work"), 3),
];
const CITY_ESTABLISHMENTS: &[((&str, &str), u32)] = &[
    (("market", "markets_trade"), 30),
    (("street", "street_work"), 15),
    (("service_business", "services"), 20),
    (("construction", "construction"), 12),
    (("factory_workshop", "manufacturing"), 10),
    (("transport", "transport"), 8),
    (("household", "domestic_work"), 5),
];
const RURAL_ESTABLISHMENTS: &[((&str, &str), u32)] = &[
    (("farm_other_crops", "agriculture"), 30),
    (("farm_livestock", "livestock"), 30),
    (("market", "markets_trade"), 12),
    (("construction", "construction"), 8),
    (("mine", "mining"), 5),
    (("service_business", "services"), 10),
    (("household", "domestic_work"), 5),
];

/// The sector of a case, with weights, by the same three kinds of territory.
const HARVEST_SECTORS: &[(&str, u32)] = &[
    ("agriculture", 55),
    ("livestock", 10),
    ("markets_trade", 12),
    ("street_work", 7),
    ("construction", 5),
    ("services", 5),
    ("domestic_work", 4),
    ("other", 2),
];
const CITY_SECTORS: &[(&str, u32)] = &[
    ("markets_trade", 30),
    ("street_work", 25),
    ("services", 14),
    ("construction", 10),
    ("domestic_work", 8),
    ("transport", 5),
    ("manufacturing", 5),
    ("agriculture", 3),
];
const RURAL_SECTORS: &[(&str, u32)] = &[
    ("agriculture", 35),
    ("livestock", 25),
    ("markets_trade", 12),
    ("street_work", 6),
    ("construction", 8),
    ("mining", 4),
    ("services", 6),
    ("domestic_work", 4),
];

/// The stages a case passes through, in order.
const STAGES: [&str; 6] = [
    "new",
    "assessment",
    "case_plan",
    "in_services",
    "monitoring",
    "closed",
];

#[derive(Default)]
struct CaseRows {
    children: Csv,
    cases: Csv,
    events: Csv,
    referrals: Csv,
    follow_ups: Csv,
    investigations: Csv,
    investigation_cases: Csv,
    investigation_events: Csv,
    le_referrals: Csv,
}
