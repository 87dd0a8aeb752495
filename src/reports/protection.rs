//! One protection of the whole country (DESIGN §5 "One protection, and
//! releases"). Every count of persons a reader can reach, on any page or
//! download, is decided here once for the whole territory tree and every year
//! together, so a cell is shown or hidden the same way everywhere and no
//! hidden count can be worked out by combining pages.
//!
//! What the set holds, and why:
//! - the country: every figure of the report, for every year since
//!   `FIRST_YEAR`;
//! - every territory below it (regions, cities, districts): the headline
//!   counts of persons (`publication::headline`: children identified,
//!   assisted, assisted by form, referred to law enforcement and to social
//!   services), for every year.
//!
//! A territory's own breakdowns (by sex, age, sector, service, follow-up
//! results, the special groups, the monitoring shares) are not published
//! below the country. Linking them across the tree is what makes the
//! protection grow beyond a page's time: measured on 20,000 cases, the
//! present solver protects every territory's headline figures of seven years
//! in 0.13 s, but the regions' full reports of one year in 2.5 s and every
//! territory's full reports of one year in 498 s, hiding 4,583 of 7,000
//! figures. Hiding interior cells is preferred to hiding the headline totals
//! the findings ask for; at the levels below the country most breakdown
//! cells are small counts anyway.
//!
//! The decision depends only on the counts of persons (and the threshold),
//! so it is made again only when one of them changes. Each write that
//! changes one bumps a counter in its own transaction (migration
//! `report_persons_changes`); a page reads their sum in its snapshot
//! (`Sign`) and reuses the last protection when the sum is the same,
//! without reading the inputs. When it grew, the inputs are read (a few
//! thousand rows, in two queries and one report per year) and each period
//! is protected on its own (no equation links two years): only the years
//! whose counts changed are protected again (`Part`). The state's own
//! actions are exact and are never part of the decision.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Int4, Nullable, Text};

use super::figures::{self, Published, Report};
use super::filter::{self, FIRST_YEAR};
use super::indicators::{Cross, Period};
use super::name::Name;
use super::publication::{Entry, Publication};
use super::rollups::Counter;
use crate::cases::model::ExploitationForm;

/// A territory of the tree, as the protection links it.
#[derive(Debug, Clone, QueryableByName)]
struct Node {
    #[diesel(sql_type = Int4)]
    id: i32,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Nullable<Text>)]
    parent: Option<String>,
}

/// The periods the set holds: every year since the first. No range of
/// years is offered (README, "Single years"): measured on the demo data,
/// adding the last five years as one range, its children counted once over
/// it, made the protection hide 3,923 counts instead of 1,000, among them
/// the country's totals of years with no child at all.
pub fn periods() -> Vec<Period> {
    (FIRST_YEAR..=filter::this_year())
        .map(Period::year)
        .collect()
}

#[derive(QueryableByName)]
struct Kept {
    #[diesel(sql_type = Int4)]
    territory_id: i32,
    #[diesel(sql_type = Int4)]
    year: i32,
    #[diesel(sql_type = Text)]
    cell: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The entries to protect, read from the report tables: the country's
/// report of each year in full, every other territory's headline counts.
pub fn inputs(conn: &mut PgConnection, today: NaiveDate) -> QueryResult<Vec<Entry>> {
    let nodes: Vec<Node> = diesel::sql_query(
        "SELECT l.id, l.code, p.code AS parent FROM locations l
         LEFT JOIN locations p ON p.id = l.parent_id ORDER BY l.path",
    )
    .load(conn)?;
    let periods = periods();
    let (first, last) = (FIRST_YEAR, filter::this_year());
    // Children identified and assisted (by form), counted once per territory
    // at every level of the tree by the database.
    let children: Vec<Kept> = diesel::sql_query(
        "SELECT territory_id, year, cell, children::bigint AS n FROM report_child_counts
         WHERE year BETWEEN $1 AND $2
           AND (cell IN ('identified', 'assisted')
                OR (cell LIKE 'assisted:form:%' AND cell NOT LIKE '%:service:%'))",
    )
    .bind::<Int4, _>(first)
    .bind::<Int4, _>(last)
    .load(conn)?;
    // Children referred, kept per leaf territory: added up the tree here.
    let referred: Vec<Kept> = diesel::sql_query(
        "SELECT t.id AS territory_id, r.year, r.figure AS cell, sum(r.value)::bigint AS n
         FROM report_rollups r JOIN locations l ON l.id = r.location_id
         JOIN locations t ON t.path = l.path OR left(l.path, length(t.path) + 1) = t.path || '/'
         WHERE r.figure IN ($3, $4) AND r.year BETWEEN $1 AND $2
         GROUP BY t.id, r.year, r.figure",
    )
    .bind::<Int4, _>(first)
    .bind::<Int4, _>(last)
    .bind::<Text, _>(Counter::ReferredBySocialServices.as_str())
    .bind::<Text, _>(Counter::ReferredToSocialServices.as_str())
    .load(conn)?;
    let mut kept: HashMap<(i32, i32), HashMap<String, i64>> = HashMap::new();
    for k in children.into_iter().chain(referred) {
        kept.entry((k.territory_id, k.year))
            .or_default()
            .insert(k.cell, k.n);
    }
    let mut country = figures::load_years(conn, first, last, "KG", today)?;
    let mut entries = Vec::new();
    for period in &periods {
        for node in &nodes {
            let report = match node.parent {
                None => country.remove(&period.from).unwrap_or_default(),
                Some(_) => headline_report(kept.get(&(node.id, period.from))),
            };
            entries.push(Entry {
                period: *period,
                code: node.code.clone(),
                parent: node.parent.clone(),
                full: node.parent.is_none(),
                report,
            });
        }
    }
    Ok(entries)
}

/// A report holding only a territory's headline counts of persons.
fn headline_report(kept: Option<&HashMap<String, i64>>) -> Report {
    let of = |cell: &str| kept.and_then(|k| k.get(cell)).copied().unwrap_or(0);
    let mut r = Report {
        labor: Default::default(),
        criminal: Default::default(),
        assisted: Cross {
            body: Vec::new(),
            row_totals: ExploitationForm::ALL
                .iter()
                .map(|f| of(&format!("assisted:form:{}", f.as_str())))
                .collect(),
            column_totals: Vec::new(),
            grand: of("assisted"),
        },
        groups: Default::default(),
        monitoring: Default::default(),
        identified: Default::default(),
    };
    r.identified.total = of("identified");
    r.monitoring.identified = r.identified.total;
    r.criminal.referred_by_social_services = of(Counter::ReferredBySocialServices.as_str());
    r.criminal.referred_to_social_services = of(Counter::ReferredToSocialServices.as_str());
    r
}

/// What the inputs of one period's protection are: the counts of persons
/// of its entries and the threshold. Two periods with the same key get the
/// same decisions.
fn key(entries: &[&Entry], threshold: i64) -> u64 {
    let mut h = DefaultHasher::new();
    threshold.hash(&mut h);
    for e in entries {
        (e.period.from, e.period.to, &e.code, &e.parent, e.full).hash(&mut h);
        figures::persons(&e.report).hash(&mut h);
    }
    h.finish()
}

/// What a protection was made from, as the database signs it without
/// reading the inputs: the sum of `report_persons_changes` (it grows with
/// every committed change of a count of persons or of the territory tree,
/// migration `report_persons_changes`), the day (the periods offered and the
/// referrals overdue depend on it) and the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sign {
    changes: i64,
    today: NaiveDate,
    threshold: i64,
}

impl Sign {
    /// Read in the caller's transaction, so it signs the same snapshot as
    /// the figures read after it.
    pub fn read(conn: &mut PgConnection, threshold: i64, today: NaiveDate) -> QueryResult<Sign> {
        #[derive(QueryableByName)]
        struct Sum {
            #[diesel(sql_type = BigInt)]
            changes: i64,
        }
        let sum: Sum = diesel::sql_query(
            "SELECT coalesce(sum(changes), 0)::bigint AS changes FROM report_persons_changes",
        )
        .get_result(conn)?;
        Ok(Sign {
            changes: sum.changes,
            today,
            threshold,
        })
    }

    /// How many changes of counts of persons have been committed.
    pub fn changes(&self) -> i64 {
        self.changes
    }
}

/// One period's entries protected together. No equation links two periods
/// (the pages offer single years, `periods`), so each is protected on its
/// own, and a change of the counts of one year leaves the others' decisions
/// as they were: a write of this year makes this year's protection again,
/// not seven.
struct Part {
    key: u64,
    publication: Publication,
    /// Entry index by territory code.
    index: HashMap<String, usize>,
}

impl Part {
    fn new(publication: Publication, key: u64) -> Part {
        let index = publication
            .entries()
            .iter()
            .enumerate()
            .map(|(i, e)| (e.code.clone(), i))
            .collect();
        Part {
            key,
            publication,
            index,
        }
    }
}

/// The protected figures of the whole country: one part per period.
pub struct Protected {
    sign: Option<Sign>,
    parts: BTreeMap<Period, Arc<Part>>,
}

/// The entries grouped by period, each with its index in `entries`. Should
/// an entry of a range of years ever be given, everything is one group: a
/// range's equations link it to its years.
fn by_period(entries: &[Entry]) -> BTreeMap<Period, Vec<usize>> {
    let mut groups: BTreeMap<Period, Vec<usize>> = BTreeMap::new();
    if entries.iter().any(|e| e.period.from != e.period.to) {
        let all = entries.first().map(|e| e.period).unwrap_or(Period::year(0));
        groups.insert(all, (0..entries.len()).collect());
        return groups;
    }
    for (i, e) in entries.iter().enumerate() {
        groups.entry(e.period).or_default().push(i);
    }
    groups
}

impl Protected {
    /// Protect `entries`, reusing the parts of `last` whose inputs are the
    /// same.
    fn new(
        entries: Vec<Entry>,
        threshold: i64,
        sign: Option<Sign>,
        last: Option<&Protected>,
    ) -> Protected {
        let groups = by_period(&entries);
        let mut slots: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
        let mut parts = BTreeMap::new();
        for (period, members) in groups {
            let key = key(
                &members
                    .iter()
                    .filter_map(|&i| slots[i].as_ref())
                    .collect::<Vec<_>>(),
                threshold,
            );
            let kept = last
                .and_then(|l| l.parts.get(&period))
                .filter(|p| p.key == key);
            let part = match kept {
                Some(p) => p.clone(),
                None => {
                    let mine: Vec<Entry> =
                        members.iter().filter_map(|&i| slots[i].take()).collect();
                    Arc::new(Part::new(Publication::new(mine, threshold), key))
                }
            };
            parts.insert(period, part);
        }
        Protected { sign, parts }
    }

    /// A protection that also hides the counts of `revised` (index in
    /// `entries`, figure), with their partners: what a public release may
    /// not show (`releases`). Never kept by the `Protector`.
    pub fn revised(
        entries: Vec<Entry>,
        threshold: i64,
        revised: &HashSet<(usize, Name)>,
    ) -> Protected {
        let groups = by_period(&entries);
        let mut slots: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
        let mut parts = BTreeMap::new();
        for (period, members) in groups {
            let local: HashMap<usize, usize> =
                members.iter().enumerate().map(|(j, &i)| (i, j)).collect();
            let mine_revised: HashSet<(usize, Name)> = revised
                .iter()
                .filter_map(|(i, name)| Some((*local.get(i)?, *name)))
                .collect();
            let mine: Vec<Entry> = members.iter().filter_map(|&i| slots[i].take()).collect();
            let publication = Publication::revised(mine, threshold, &mine_revised);
            parts.insert(period, Arc::new(Part::new(publication, 0)));
        }
        Protected { sign: None, parts }
    }

    /// Every entry, period by period.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.parts.values().flat_map(|p| p.publication.entries())
    }

    fn at(&self, period: &Period, code: &str) -> Option<(&Part, usize)> {
        let part = self.parts.get(period)?;
        let i = *part.index.get(code)?;
        Some((part, i))
    }

    /// The figures of a territory and period as the set publishes them.
    pub fn published(&self, period: &Period, code: &str) -> Option<Published> {
        let (part, i) = self.at(period, code)?;
        part.publication.published_at(i)
    }

    /// A report read for a page (its exact counts of actions), published
    /// with the set's decision on its counts of persons. `None` when the set
    /// has no such territory and period.
    pub fn publish(&self, period: &Period, code: &str, report: &Report) -> Option<Published> {
        let (part, i) = self.at(period, code)?;
        Some(part.publication.publish_report(i, report))
    }

    /// How many counts of persons are published, shown as small, and hidden
    /// to protect them.
    pub fn tally(&self) -> Tally {
        self.tallies()
            .into_values()
            .fold(Tally::default(), |a, t| Tally {
                shown: a.shown + t.shown,
                small: a.small + t.small,
                hidden: a.hidden + t.hidden,
            })
    }

    /// The same per period, and for the country (`true`) apart from the
    /// territories below it (`false`).
    pub fn tallies(&self) -> BTreeMap<(Period, bool), Tally> {
        let mut all: BTreeMap<(Period, bool), Tally> = BTreeMap::new();
        for part in self.parts.values() {
            let publication = &part.publication;
            for (i, e) in publication.entries().iter().enumerate() {
                let Some(p) = publication.published_at(i) else {
                    continue;
                };
                let t = all.entry((e.period, e.parent.is_none())).or_default();
                for (name, v) in p.figures() {
                    if !e.full && !name.is_headline() {
                        continue;
                    }
                    match v {
                        figures::Value::Persons(super::suppress::Shown::Value(_)) => t.shown += 1,
                        figures::Value::Persons(super::suppress::Shown::Small) => t.small += 1,
                        figures::Value::Persons(super::suppress::Shown::Hidden) => t.hidden += 1,
                        _ => {}
                    }
                }
            }
        }
        all
    }

    /// The hidden (entry, figure) pairs, for tests and the benchmark.
    pub fn hidden(&self) -> HashSet<(Period, String, Name)> {
        self.parts
            .values()
            .flat_map(|part| {
                let publication = &part.publication;
                publication.hidden_cells().map(move |(i, name)| {
                    let e = &publication.entries()[i];
                    (e.period, e.code.clone(), name)
                })
            })
            .collect()
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub shown: usize,
    pub small: usize,
    pub hidden: usize,
}

/// Keeps the last protection made; a new one reuses its periods whose
/// counts of persons did not change.
#[derive(Default)]
pub struct Protector {
    last: Mutex<Option<Arc<Protected>>>,
}

impl Protector {
    fn last(&self) -> Option<Arc<Protected>> {
        self.last.lock().ok().and_then(|l| l.clone())
    }

    /// The last protection, when it was made from the inputs `sign` signs.
    pub fn signed(&self, sign: &Sign) -> Option<Arc<Protected>> {
        self.last().filter(|p| p.sign.as_ref() == Some(sign))
    }

    /// Protect `entries` (signed by `sign` when read in one snapshot with
    /// it), reusing what the last protection decided for every period whose
    /// inputs are the same.
    pub fn protect(
        &self,
        entries: Vec<Entry>,
        threshold: i64,
        sign: Option<Sign>,
    ) -> Arc<Protected> {
        let last = self.last();
        let made = Arc::new(Protected::new(entries, threshold, sign, last.as_deref()));
        if let Ok(mut last) = self.last.lock() {
            *last = Some(made.clone());
        }
        made
    }
}

/// The protection of the figures the caller's transaction sees: the last
/// one when the database signs the same inputs, else made from the inputs
/// read now (again only for the periods whose counts changed).
pub fn current(
    conn: &mut PgConnection,
    protector: &Protector,
    threshold: i64,
    today: NaiveDate,
) -> QueryResult<Arc<Protected>> {
    let sign = Sign::read(conn, threshold, today)?;
    if let Some(p) = protector.signed(&sign) {
        return Ok(p);
    }
    Ok(protector.protect(inputs(conn, today)?, threshold, Some(sign)))
}
