//! Public releases (DESIGN §5, "One protection, and releases"). The public
//! pages and the open data never show figures that move with each write: a
//! public count that rises by one right after an event someone knows of
//! discloses a child. They show a *release*: every public figure of every
//! year, protected and frozen at one moment, numbered, dated, with the
//! SHA-256 of its open data, kept in `public_releases` (which the runtime
//! role may read and add to, never change), so it survives restarts and its
//! addresses (`/public/releases/{number}/data.csv`) serve the same bytes for
//! good.
//!
//! - A **provisional release** is made on a schedule (`ReleaseSchedule`,
//!   monthly by default) or when an admin asks: the years without an annual
//!   release get freshly protected figures; the others carry their annual
//!   figures over.
//! - An **annual release** of a year that has ended is published by an admin
//!   when the year's report is sent, with a note. A later correction of that
//!   year's records goes into a *revision* (revision 2, 3, …) whose note and
//!   list of changes say what changed; the earlier revisions stay as they
//!   were.
//! - Every release is whole: each year is either made fresh or carried over
//!   from the release before, so the latest release is the whole of what the
//!   public sees.
//!
//! **Revisions are protected too.** A reader who keeps two releases can
//! subtract them: a count of persons that moved by 1 to threshold − 1
//! between any earlier release that showed it exactly and the new one is a
//! count of persons too. Such a figure is hidden in the new release, and the
//! one protection (`Publication::revised`) hides with it the partners that
//! would let it be worked out, exactly as for a small count. A figure shown
//! as "<5" or hidden earlier gives no exact value to subtract from. Only the
//! territories the public sees (the country and the regions) are compared:
//! no other figure is published.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Int4, Jsonb, Nullable, Text, Timestamptz};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::figures::{Published, Value};
use super::filter::FIRST_YEAR;
use super::indicators::Period;
use super::name::Name;
use super::protection::{self, Protected};
use super::suppress::Shown;
use crate::config::ReleaseSchedule;

/// What a release is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Provisional,
    Annual,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Provisional => "provisional",
            Kind::Annual => "annual",
        }
    }

    fn parse(text: &str) -> Kind {
        if text == "annual" {
            Kind::Annual
        } else {
            Kind::Provisional
        }
    }
}

/// How one year's figures in a release stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "standing")]
pub enum Standing {
    /// The year's records may still change.
    Provisional,
    /// The annual release of the year, in its revision (1 for the first).
    Final { revision: i32 },
}

/// One year's figures in a release.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct YearFigures {
    pub year: i32,
    pub standing: Standing,
    /// The release whose protection made them: this one, or the earlier one
    /// they are carried over from.
    pub made_in: i64,
    /// The day (Bishkek) whose records they include.
    pub as_of: NaiveDate,
    /// The country first, then the regions in the tree's order.
    pub places: Vec<(String, Published)>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Contents {
    pub years: Vec<YearFigures>,
}

/// A release as lists show it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Header {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<Int4>)]
    pub year: Option<i32>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub revision: Option<i32>,
    #[diesel(sql_type = Date)]
    pub as_of: NaiveDate,
    #[diesel(sql_type = Timestamptz)]
    pub published_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    pub note: Option<String>,
    #[diesel(sql_type = Int4)]
    pub threshold: i32,
    #[diesel(sql_type = Text)]
    pub csv_sha256: String,
    #[diesel(sql_type = Text)]
    pub json_sha256: String,
}

impl Header {
    pub fn kind(&self) -> Kind {
        Kind::parse(&self.kind)
    }

    /// The release's title, e.g. "Annual release 2025, revision 2".
    pub fn title(&self, ctx: &crate::web::context::Ctx) -> String {
        match (self.kind(), self.year, self.revision) {
            (Kind::Annual, Some(year), Some(1)) => {
                ctx.t1("release-title-annual", "year", year.to_string())
            }
            (Kind::Annual, Some(year), Some(revision)) => {
                ctx.t1("release-title-annual", "year", year.to_string())
                    .to_string()
                    + " · "
                    + &ctx.t1("release-revision", "revision", revision.to_string())
            }
            _ => ctx.t1("release-title-provisional", "date", ctx.date(&self.as_of)),
        }
    }
}

const HEADER_COLUMNS: &str = "id, kind, year, revision, as_of, published_at, note,
    suppression_threshold AS threshold, csv_sha256, json_sha256";

/// A release with its figures.
#[derive(Debug, Clone)]
pub struct Release {
    pub header: Header,
    pub contents: Contents,
}

impl Release {
    pub fn year(&self, year: i32) -> Option<&YearFigures> {
        self.contents.years.iter().find(|y| y.year == year)
    }

    /// The figures of a year and territory (by code), as released.
    pub fn published(&self, year: i32, code: &str) -> Option<&Published> {
        self.year(year)?
            .places
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, p)| p)
    }

    /// A territory's figures over the years of `years` that the release has.
    pub fn trend(&self, years: Period, code: &str) -> Vec<(i32, Published)> {
        years
            .years()
            .filter_map(|y| self.published(y, code).map(|p| (y, p.clone())))
            .collect()
    }

    /// Every (year, territory code, figures), year by year, the country first.
    pub fn rows(&self) -> impl Iterator<Item = (i32, &str, &Published)> {
        self.contents
            .years
            .iter()
            .flat_map(|y| y.places.iter().map(move |(c, p)| (y.year, c.as_str(), p)))
    }
}

/// The latest release, if any.
pub fn latest_id(conn: &mut PgConnection) -> QueryResult<Option<i64>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    Ok(
        diesel::sql_query("SELECT id FROM public_releases ORDER BY id DESC LIMIT 1")
            .get_result::<Id>(conn)
            .optional()?
            .map(|r| r.id),
    )
}

/// Releases newest first, `limit` of them before `before` (keyset).
pub fn headers(
    conn: &mut PgConnection,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Header>> {
    diesel::sql_query(format!(
        "SELECT {HEADER_COLUMNS} FROM public_releases WHERE id < $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind::<BigInt, _>(before.unwrap_or(i64::MAX))
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// One release with its figures.
pub fn load(conn: &mut PgConnection, id: i64) -> QueryResult<Option<Release>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(embed)]
        header: Header,
        #[diesel(sql_type = Jsonb)]
        contents: serde_json::Value,
    }
    let Some(row) = diesel::sql_query(format!(
        "SELECT {HEADER_COLUMNS}, contents FROM public_releases WHERE id = $1"
    ))
    .bind::<BigInt, _>(id)
    .get_result::<Row>(conn)
    .optional()?
    else {
        return Ok(None);
    };
    let contents = serde_json::from_value(row.contents)
        .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
    Ok(Some(Release {
        header: row.header,
        contents,
    }))
}

/// The open data of a release as served: (body, SHA-256).
pub fn data(
    conn: &mut PgConnection,
    id: i64,
    format: Format,
) -> QueryResult<Option<(String, String)>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        body: String,
        #[diesel(sql_type = Text)]
        sha256: String,
    }
    let (body, sha) = match format {
        Format::Csv => ("data_csv", "csv_sha256"),
        Format::Json => ("data_json", "json_sha256"),
    };
    Ok(diesel::sql_query(format!(
        "SELECT {body} AS body, {sha} AS sha256 FROM public_releases WHERE id = $1"
    ))
    .bind::<BigInt, _>(id)
    .get_result::<Row>(conn)
    .optional()?
    .map(|r| (r.body, r.sha256)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    Json,
}

/// Releases read by the public pages, by number. A release never changes,
/// so what is kept here is never stale; only the few latest are kept.
#[derive(Default)]
pub struct ReleaseCache {
    /// The latest release's number and when the database said so (or this
    /// server made it): a public page asks the database again only after
    /// `LATEST_TRUSTED`.
    latest: Mutex<Option<(i64, std::time::Instant)>>,
    kept: Mutex<HashMap<i64, Arc<Release>>>,
    files: Mutex<HashMap<(i64, Format), Arc<File>>>,
    pages: Mutex<HashMap<(i64, String), CachedPage>>,
}

/// A release's open data as served: its bytes and their SHA-256.
pub type File = (actix_web::web::Bytes, String);

/// A public page as rendered for an anonymous reader of one release, in one
/// language, for one query: a release never changes, so neither does it.
#[derive(Clone)]
pub struct CachedPage {
    pub status: u16,
    pub body: actix_web::web::Bytes,
}

const CACHED_RELEASES: usize = 8;
/// How long the latest release's number is trusted without asking the
/// database. A release this server makes (the schedule, an admin) is known
/// at once; one made by `korgoo reports release` in another process is
/// shown within this time.
const LATEST_TRUSTED: std::time::Duration = std::time::Duration::from_secs(1);
/// Rendered pages kept: every year and region of a few releases in three
/// languages fits; past it the cache starts again.
const CACHED_PAGES: usize = 1024;

impl ReleaseCache {
    /// The latest release's number, when the database said so less than
    /// `LATEST_TRUSTED` ago.
    pub fn latest(&self) -> Option<i64> {
        let latest = *self.latest.lock().ok()?;
        latest
            .filter(|(_, at)| at.elapsed() < LATEST_TRUSTED)
            .map(|(id, _)| id)
    }

    /// The latest release is `id` (read from the database, or just made).
    /// Numbers only grow: a reader that read an older one before a new
    /// release committed does not take the cache back.
    pub fn note_latest(&self, id: i64) {
        if let Ok(mut latest) = self.latest.lock()
            && latest.is_none_or(|(known, _)| id >= known)
        {
            *latest = Some((id, std::time::Instant::now()));
        }
    }

    /// The latest release's number: the one noted recently, or the
    /// database's.
    pub fn latest_id(&self, conn: &mut PgConnection) -> QueryResult<Option<i64>> {
        if let Some(id) = self.latest() {
            return Ok(Some(id));
        }
        let id = latest_id(conn)?;
        if let Some(id) = id {
            self.note_latest(id);
        }
        Ok(id)
    }

    /// A release already kept, without asking the database.
    pub fn kept(&self, id: i64) -> Option<Arc<Release>> {
        self.kept.lock().ok().and_then(|k| k.get(&id).cloned())
    }

    /// A release's open data already kept.
    pub fn kept_file(&self, id: i64, format: Format) -> Option<Arc<File>> {
        self.files
            .lock()
            .ok()
            .and_then(|k| k.get(&(id, format)).cloned())
    }

    pub fn get(&self, conn: &mut PgConnection, id: i64) -> QueryResult<Option<Arc<Release>>> {
        if let Some(r) = self.kept.lock().ok().and_then(|k| k.get(&id).cloned()) {
            return Ok(Some(r));
        }
        let Some(release) = load(conn, id)? else {
            return Ok(None);
        };
        let release = Arc::new(release);
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= CACHED_RELEASES
                && let Some(oldest) = kept.keys().min().copied()
            {
                kept.remove(&oldest);
            }
            kept.insert(id, release.clone());
        }
        Ok(Some(release))
    }

    /// A release's open data (its bytes and their SHA-256), read once.
    pub fn file(
        &self,
        conn: &mut PgConnection,
        id: i64,
        format: Format,
    ) -> QueryResult<Option<Arc<File>>> {
        if let Some(f) = self
            .files
            .lock()
            .ok()
            .and_then(|k| k.get(&(id, format)).cloned())
        {
            return Ok(Some(f));
        }
        let Some(found) = data(conn, id, format)? else {
            return Ok(None);
        };
        let found = Arc::new((actix_web::web::Bytes::from(found.0), found.1));
        if let Ok(mut files) = self.files.lock() {
            if files.len() >= 2 * CACHED_RELEASES
                && let Some(oldest) = files.keys().map(|k| k.0).min()
            {
                files.retain(|k, _| k.0 != oldest);
            }
            files.insert((id, format), found.clone());
        }
        Ok(Some(found))
    }

    /// A page of release `id` rendered before under `key` (language and query).
    pub fn page(&self, id: i64, key: &str) -> Option<CachedPage> {
        self.pages
            .lock()
            .ok()
            .and_then(|p| p.get(&(id, key.to_owned())).cloned())
    }

    pub fn keep_page(&self, id: i64, key: String, page: CachedPage) {
        if let Ok(mut pages) = self.pages.lock() {
            if pages.len() >= CACHED_PAGES {
                pages.clear();
            }
            pages.insert((id, key), page);
        }
    }
}

/// What is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// The schedule's provisional release of a period ("2026-12").
    Scheduled { period_key: String },
    /// A provisional release an admin asked for.
    Provisional,
    /// The annual release (or its next revision) of a year that has ended.
    Annual { year: i32 },
}

/// Why a release was not made.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The schedule's release of this period exists already.
    AlreadyMade,
    /// An annual release of a year that has not ended (or is before the
    /// first year the reports offer).
    YearNotEnded,
}

/// The schedule's period `today` falls in, or `None` when it is off.
pub fn period_key(schedule: ReleaseSchedule, today: NaiveDate) -> Option<String> {
    match schedule {
        ReleaseSchedule::Monthly => Some(today.format("%Y-%m").to_string()),
        ReleaseSchedule::Weekly => {
            let week = today.iso_week();
            Some(format!("{}-W{:02}", week.year(), week.week()))
        }
        ReleaseSchedule::Daily => Some(today.format("%Y-%m-%d").to_string()),
        ReleaseSchedule::Off => None,
    }
}

/// Make the schedule's release of today's period unless it exists.
pub fn publish_due(
    conn: &mut PgConnection,
    schedule: ReleaseSchedule,
    threshold: i64,
    today: NaiveDate,
) -> QueryResult<Option<Header>> {
    let Some(period_key) = period_key(schedule, today) else {
        return Ok(None);
    };
    Ok(publish(
        conn,
        &Ask::Scheduled { period_key },
        threshold,
        today,
        None,
        None,
    )?
    .ok())
}

/// Protect and freeze a release: every year since the first, the asked
/// years made fresh, the others carried over from the latest release. One
/// release is made at a time (an advisory lock), in one transaction.
pub fn publish(
    conn: &mut PgConnection,
    ask: &Ask,
    threshold: i64,
    today: NaiveDate,
    by: Option<i64>,
    note: Option<&str>,
) -> QueryResult<Result<Header, Refused>> {
    conn.transaction(|conn| {
        diesel::sql_query("SELECT pg_advisory_xact_lock(20261203)").execute(conn)?;
        if let Ask::Scheduled { period_key } = ask {
            #[derive(QueryableByName)]
            struct Found {
                #[diesel(sql_type = BigInt)]
                #[allow(dead_code)]
                id: i64,
            }
            let made = diesel::sql_query("SELECT id FROM public_releases WHERE period_key = $1")
                .bind::<Text, _>(period_key)
                .get_result::<Found>(conn)
                .optional()?;
            if made.is_some() {
                return Ok(Err(Refused::AlreadyMade));
            }
        }
        let this_year = today.year();
        if let Ask::Annual { year } = ask
            && !(FIRST_YEAR..this_year).contains(year)
        {
            return Ok(Err(Refused::YearNotEnded));
        }
        let previous = match latest_id(conn)? {
            Some(id) => load(conn, id)?,
            None => None,
        };
        let carried = |year: i32| previous.as_ref().and_then(|p| p.year(year));
        let finals: HashMap<i32, i32> = annual_revisions(conn)?;
        let years: Vec<i32> = (FIRST_YEAR..=this_year).collect();
        let fresh: HashSet<i32> = years
            .iter()
            .copied()
            .filter(|y| match ask {
                Ask::Annual { year } => y == year || carried(*y).is_none(),
                _ => !finals.contains_key(y) || carried(*y).is_none(),
            })
            .collect();
        let id: i64 = {
            #[derive(QueryableByName)]
            struct Next {
                #[diesel(sql_type = BigInt)]
                id: i64,
            }
            diesel::sql_query("SELECT nextval('public_releases_id_seq') AS id")
                .get_result::<Next>(conn)?
                .id
        };
        let made = fresh_figures(conn, &fresh, threshold, today)?;
        let mut contents = Contents::default();
        for year in years {
            let figures = match (made.get(&year), carried(year)) {
                (Some(places), _) => YearFigures {
                    year,
                    standing: match ask {
                        Ask::Annual { year: y } if *y == year => Standing::Final {
                            revision: finals.get(&year).copied().unwrap_or(0) + 1,
                        },
                        _ => Standing::Provisional,
                    },
                    made_in: id,
                    as_of: today,
                    places: places.clone(),
                },
                (None, Some(old)) => old.clone(),
                (None, None) => continue,
            };
            contents.years.push(figures);
        }
        let (kind, year, revision, period_key) = match ask {
            Ask::Scheduled { period_key } => (Kind::Provisional, None, None, Some(period_key)),
            Ask::Provisional => (Kind::Provisional, None, None, None),
            Ask::Annual { year } => (
                Kind::Annual,
                Some(*year),
                Some(finals.get(year).copied().unwrap_or(0) + 1),
                None,
            ),
        };
        let published_at = Utc::now();
        let header = Header {
            id,
            kind: kind.as_str().to_owned(),
            year,
            revision,
            as_of: today,
            published_at,
            note: note
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
            threshold: threshold as i32,
            csv_sha256: String::new(),
            json_sha256: String::new(),
        };
        let release = Release { header, contents };
        let csv = csv_of(&release);
        let json = json_of(&release);
        let csv_sha256 = hex::encode(Sha256::digest(csv.as_bytes()));
        let json_sha256 = hex::encode(Sha256::digest(json.as_bytes()));
        let stored = serde_json::to_value(&release.contents)
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
        diesel::sql_query(
            "INSERT INTO public_releases (id, kind, year, revision, period_key, as_of,
                 published_at, published_by, note, suppression_threshold, contents,
                 data_csv, data_json, csv_sha256, json_sha256)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind::<BigInt, _>(id)
        .bind::<Text, _>(kind.as_str())
        .bind::<Nullable<Int4>, _>(year)
        .bind::<Nullable<Int4>, _>(revision)
        .bind::<Nullable<Text>, _>(period_key)
        .bind::<Date, _>(today)
        .bind::<Timestamptz, _>(published_at)
        .bind::<Nullable<BigInt>, _>(by)
        .bind::<Nullable<Text>, _>(&release.header.note)
        .bind::<Int4, _>(threshold as i32)
        .bind::<Jsonb, _>(stored)
        .bind::<Text, _>(&csv)
        .bind::<Text, _>(&json)
        .bind::<Text, _>(&csv_sha256)
        .bind::<Text, _>(&json_sha256)
        .execute(conn)?;
        let mut header = release.header;
        header.csv_sha256 = csv_sha256;
        header.json_sha256 = json_sha256;
        Ok(Ok(header))
    })
}

/// The latest revision of each year's annual release.
pub fn annual_revisions(conn: &mut PgConnection) -> QueryResult<HashMap<i32, i32>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Int4)]
        year: i32,
        #[diesel(sql_type = Int4)]
        revision: i32,
    }
    Ok(diesel::sql_query(
        "SELECT year, max(revision) AS revision FROM public_releases
         WHERE kind = 'annual' GROUP BY year",
    )
    .load::<Row>(conn)?
    .into_iter()
    .map(|r| (r.year, r.revision))
    .collect())
}

/// Every exact count of persons earlier releases showed of the fresh years:
/// (year, territory code, figure) → the values shown.
fn shown_before(
    conn: &mut PgConnection,
    fresh: &HashSet<i32>,
) -> QueryResult<HashMap<(i32, String, Name), HashSet<i64>>> {
    let mut out: HashMap<(i32, String, Name), HashSet<i64>> = HashMap::new();
    let Some(first) = fresh.iter().min() else {
        return Ok(out);
    };
    // A release holds no year after its own day: the earlier releases that
    // can show a fresh year are those made since that year began.
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Jsonb)]
        contents: serde_json::Value,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT contents FROM public_releases WHERE as_of >= make_date($1, 1, 1) ORDER BY id",
    )
    .bind::<Int4, _>(*first)
    .load(conn)?;
    let mut seen_made: HashSet<(i64, i32)> = HashSet::new();
    for row in rows {
        let contents: Contents = serde_json::from_value(row.contents)
            .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
        for y in contents.years {
            // Carried-over figures are the ones their own release showed.
            if !fresh.contains(&y.year) || !seen_made.insert((y.made_in, y.year)) {
                continue;
            }
            for (code, published) in y.places {
                for (name, value) in published.into_figures() {
                    if let Value::Persons(Shown::Value(v)) = value {
                        out.entry((y.year, code.clone(), name))
                            .or_default()
                            .insert(v);
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The fresh years' public figures, protected together with the whole
/// country and against every earlier release (module docs).
fn fresh_figures(
    conn: &mut PgConnection,
    fresh: &HashSet<i32>,
    threshold: i64,
    today: NaiveDate,
) -> QueryResult<HashMap<i32, Vec<(String, Published)>>> {
    if fresh.is_empty() {
        return Ok(HashMap::new());
    }
    let entries = protection::inputs(conn, today)?;
    let before = shown_before(conn, fresh)?;
    let revised = revised_cells(&entries, &before, fresh, threshold);
    let protected = Arc::new(Protected::revised(entries, threshold, &revised));
    let bundle = super::publication::public(conn, protected)?;
    let mut out = HashMap::new();
    for year in fresh {
        let period = Period::year(*year);
        let places: Vec<(String, Published)> = std::iter::once(&bundle.place)
            .chain(&bundle.below)
            .filter_map(|p| {
                bundle
                    .published(&period, &p.code)
                    .map(|f| (p.code.clone(), f))
            })
            .collect();
        out.insert(*year, places);
    }
    Ok(out)
}

/// The entries' counts of persons that moved by fewer persons than the
/// threshold since an earlier release showed them: (entry, figure).
pub fn revised_cells(
    entries: &[super::publication::Entry],
    before: &HashMap<(i32, String, Name), HashSet<i64>>,
    fresh: &HashSet<i32>,
    threshold: i64,
) -> HashSet<(usize, Name)> {
    let mut out = HashSet::new();
    for (i, e) in entries.iter().enumerate() {
        let public = e.parent.is_none() || e.parent.as_deref() == Some("KG");
        if !public || !fresh.contains(&e.period.from) {
            continue;
        }
        for (name, live) in e.persons() {
            let Some(shown) = before.get(&(e.period.from, e.code.clone(), name)) else {
                continue;
            };
            if shown
                .iter()
                .any(|v| (1..threshold).contains(&(live - v).abs()))
            {
                out.insert((i, name));
            }
        }
    }
    out
}

/// One changed figure between two releases.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub year: i32,
    pub code: String,
    pub figure: Name,
    /// `None`: the earlier release had no such figure.
    pub before: Option<Value>,
    pub after: Value,
}

/// What the release changed of the figures it made fresh, against the
/// release before it: every figure whose published text differs.
pub fn changes(previous: &Release, this: &Release) -> Vec<Change> {
    let threshold = i64::from(this.header.threshold);
    let mut out = Vec::new();
    for y in this
        .contents
        .years
        .iter()
        .filter(|y| y.made_in == this.header.id)
    {
        for (code, published) in &y.places {
            let old = previous.published(y.year, code);
            for (name, value) in published.figures() {
                let before = old.and_then(|o| o.get(*name));
                let text = |v: Option<&Value>, t: i64| v.map(|v| v.text(t)).unwrap_or_default();
                if text(before, i64::from(previous.header.threshold))
                    != text(Some(value), threshold)
                {
                    out.push(Change {
                        year: y.year,
                        code: code.clone(),
                        figure: *name,
                        before: before.cloned(),
                        after: value.clone(),
                    });
                }
            }
        }
    }
    out
}

/// Quote a CSV cell when it needs it.
fn cell(text: &str) -> String {
    super::handlers::cell(text)
}

/// The open data as CSV: year, territory, figure, kind, value.
pub fn csv_of(release: &Release) -> String {
    let threshold = i64::from(release.header.threshold);
    let mut body = String::from("year,territory,figure,kind,value\n");
    for (year, territory, published) in release.rows() {
        for (name, value) in published.figures() {
            body.push_str(&format!(
                "{year},{},{},{},{}\n",
                cell(territory),
                cell(&name.to_string()),
                value.kind().as_str(),
                cell(&value.text(threshold))
            ));
        }
    }
    body
}

/// One row of the open data.
#[derive(Serialize)]
struct DataRow<'a> {
    year: i32,
    territory: &'a str,
    figure: Name,
    kind: &'static str,
    value: serde_json::Value,
}

/// A figure's value in JSON: numbers as numbers, suppressed values as the
/// strings "<5" or "suppressed", nothing to show as null.
fn json_value(value: &Value, threshold: i64) -> serde_json::Value {
    match (value, value.number()) {
        // Whole numbers as integers, amounts and shares as decimals.
        (Value::Count(n) | Value::Recorded(Some(n)), _) => serde_json::Value::from(*n),
        (Value::Persons(Shown::Value(n)), _) => serde_json::Value::from(*n),
        (_, Some(n)) => n
            .to_string()
            .parse::<f64>()
            .map(serde_json::Value::from)
            .unwrap_or(serde_json::Value::Null),
        (Value::Persons(_), None) => serde_json::Value::String(value.text(threshold)),
        _ => serde_json::Value::Null,
    }
}

/// The open data as JSON: the release, how each year stands, and the rows.
pub fn json_of(release: &Release) -> String {
    let h = &release.header;
    let threshold = i64::from(h.threshold);
    let rows: Vec<DataRow> = release
        .rows()
        .flat_map(|(year, territory, published)| {
            published
                .figures()
                .iter()
                .map(move |(name, value)| DataRow {
                    year,
                    territory,
                    figure: *name,
                    kind: value.kind().as_str(),
                    value: json_value(value, threshold),
                })
        })
        .collect();
    let years: Vec<serde_json::Value> = release
        .contents
        .years
        .iter()
        .map(|y| {
            let (standing, revision) = match y.standing {
                Standing::Provisional => ("provisional", None),
                Standing::Final { revision } => ("final", Some(revision)),
            };
            serde_json::json!({
                "year": y.year,
                "standing": standing,
                "revision": revision,
                "as_of": y.as_of.to_string(),
                "release": y.made_in,
            })
        })
        .collect();
    serde_json::json!({
        "schema": "/public/schema",
        "release": {
            "number": h.id,
            "kind": h.kind().as_str(),
            "year": h.year,
            "revision": h.revision,
            "published_at": h.published_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "note": h.note,
            "address": format!("/public/releases/{}", h.id),
        },
        "as_of": h.as_of.to_string(),
        "suppression_threshold": threshold,
        "years": years,
        "rows": rows,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_names_its_periods() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(
            period_key(ReleaseSchedule::Monthly, day).as_deref(),
            Some("2026-12")
        );
        assert_eq!(
            period_key(ReleaseSchedule::Weekly, day).as_deref(),
            Some("2026-W49")
        );
        assert_eq!(
            period_key(ReleaseSchedule::Daily, day).as_deref(),
            Some("2026-12-03")
        );
        assert_eq!(period_key(ReleaseSchedule::Off, day), None);
        // The first days of January may belong to the last ISO week of the
        // year before.
        let new_year = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(
            period_key(ReleaseSchedule::Weekly, new_year).as_deref(),
            Some("2026-W53")
        );
    }
}
