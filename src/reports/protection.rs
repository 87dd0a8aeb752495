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
//! so it is made again only when one of them changes: the inputs are read
//! from the report tables on every request (a few thousand rows, in two
//! queries and one report per year), and a protection made from the same
//! inputs is reused (`Protector`). The state's own actions are exact and are
//! never part of the decision.

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

/// What the inputs of a protection are: the counts of persons of every
/// entry and the threshold. Two sets of inputs with the same key give the
/// same decisions.
fn key(entries: &[Entry], threshold: i64) -> u64 {
    let mut h = DefaultHasher::new();
    threshold.hash(&mut h);
    for e in entries {
        (e.period.from, e.period.to, &e.code, &e.parent, e.full).hash(&mut h);
        figures::persons(&e.report).hash(&mut h);
    }
    h.finish()
}

/// The protected figures of the whole country.
pub struct Protected {
    key: u64,
    publication: Publication,
    index: HashMap<(Period, String), usize>,
}

impl Protected {
    fn new(entries: Vec<Entry>, threshold: i64, key: u64) -> Protected {
        Protected::of(Publication::new(entries, threshold), key)
    }

    /// A protection that also hides the counts of `revised` (entry index,
    /// figure), with their partners: what a public release may not show
    /// (`releases`). Never kept by the `Protector`.
    pub fn revised(
        entries: Vec<Entry>,
        threshold: i64,
        revised: &HashSet<(usize, String)>,
    ) -> Protected {
        Protected::of(Publication::revised(entries, threshold, revised), 0)
    }

    fn of(publication: Publication, key: u64) -> Protected {
        let index = publication
            .entries()
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.period, e.code.clone()), i))
            .collect();
        Protected {
            key,
            publication,
            index,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        self.publication.entries()
    }

    fn position(&self, period: &Period, code: &str) -> Option<usize> {
        self.index.get(&(*period, code.to_owned())).copied()
    }

    /// The figures of a territory and period as the set publishes them.
    pub fn published(&self, period: &Period, code: &str) -> Option<Published> {
        self.publication.published_at(self.position(period, code)?)
    }

    /// A report read for a page (its exact counts of actions), published
    /// with the set's decision on its counts of persons. `None` when the set
    /// has no such territory and period.
    pub fn publish(&self, period: &Period, code: &str, report: &Report) -> Option<Published> {
        let i = self.position(period, code)?;
        Some(self.publication.publish_report(i, report))
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
        for (i, e) in self.publication.entries().iter().enumerate() {
            let Some(p) = self.publication.published_at(i) else {
                continue;
            };
            let t = all.entry((e.period, e.parent.is_none())).or_default();
            for (name, v) in &p.figures {
                if !e.full && !super::publication::headline(name) {
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
        all
    }

    /// The hidden (entry, figure) pairs, for tests and the benchmark.
    pub fn hidden(&self) -> HashSet<(Period, String, String)> {
        self.publication
            .hidden_cells()
            .map(|(i, name)| {
                let e = &self.publication.entries()[i];
                (e.period, e.code.clone(), name.to_owned())
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

/// Keeps the last protection made, and makes a new one only when the counts
/// of persons changed.
#[derive(Default)]
pub struct Protector {
    last: Mutex<Option<Arc<Protected>>>,
}

impl Protector {
    pub fn protect(&self, entries: Vec<Entry>, threshold: i64) -> Arc<Protected> {
        let key = key(&entries, threshold);
        if let Ok(last) = self.last.lock()
            && let Some(p) = last.as_ref()
            && p.key == key
        {
            return p.clone();
        }
        let made = Arc::new(Protected::new(entries, threshold, key));
        if let Ok(mut last) = self.last.lock() {
            *last = Some(made.clone());
        }
        made
    }
}

/// Read the inputs and protect them, reusing the last protection when they
/// have not changed.
pub fn current(
    conn: &mut PgConnection,
    protector: &Protector,
    threshold: i64,
    today: NaiveDate,
) -> QueryResult<Arc<Protected>> {
    Ok(protector.protect(inputs(conn, today)?, threshold))
}
