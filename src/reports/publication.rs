//! A publication: the reports of several periods and territories that are
//! shown together (on one page, in one download, or on pages a reader can
//! move between), protected together.
//!
//! Each report's own tables link its counts of persons (`figures::groups`).
//! Reports are linked too: a territory's count is the total of its parts
//! (the territories below it, plus an unpublished rest for children recorded
//! at the territory itself), and a range of years is the total of its years.
//! Protecting each table alone would let a reader subtract across them (a
//! region from the country, a year from the range), so the tables are
//! protected in turns, each seeing the cells the others hid, until no turn
//! hides anything more: the modular method for linked tables. Every table then
//! meets the rule of `suppress` with the final set of hidden cells, and every
//! view of the same figure shows the same thing.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::sql_types::{Bool, Int4, Text};

use super::figures::{self, Group, Published, Report};
use super::name::Name;
use std::sync::Arc;

use super::indicators::Period;
use super::kept::Kept;
use super::protection::Protected;
use super::suppress::{Pos, Shown};
use crate::admin::model::Names;

/// A territory of the tree.
#[derive(Debug, Clone, QueryableByName)]
pub struct Place {
    #[diesel(sql_type = Int4)]
    pub id: i32,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub path: String,
    #[diesel(sql_type = Text)]
    name_ky: String,
    #[diesel(sql_type = Text)]
    name_ru: String,
    #[diesel(sql_type = Text)]
    name_en: String,
    /// Whether there are territories below it.
    #[diesel(sql_type = Bool)]
    pub has_children: bool,
}

impl Place {
    pub fn names(&self) -> Names {
        Names::of(&self.name_ky, &self.name_ru, &self.name_en)
    }
}

const PLACE: &str = "SELECT l.id, l.code, l.path, l.name_ky, l.name_ru, l.name_en,
       EXISTS (SELECT 1 FROM locations d WHERE d.parent_id = l.id) AS has_children
     FROM locations l";

pub fn place(conn: &mut PgConnection, path: &str) -> QueryResult<Option<Place>> {
    diesel::sql_query(format!("{PLACE} WHERE l.path = $1"))
        .bind::<Text, _>(path)
        .get_result(conn)
        .optional()
}

/// The territories directly below a path.
pub fn below(conn: &mut PgConnection, path: &str) -> QueryResult<Vec<Place>> {
    diesel::sql_query(format!(
        "{PLACE} JOIN locations p ON p.id = l.parent_id WHERE p.path = $1
         ORDER BY l.sort_order, l.name_en"
    ))
    .bind::<Text, _>(path)
    .load(conn)
}

/// What one page or download shows: the reports it reads for their exact
/// counts of actions, published with the decisions of the one protection of
/// the whole country (`protection`) on their counts of persons.
pub struct Bundle {
    pub protected: Arc<Protected>,
    /// Reports read for this page, by period and territory code; the others
    /// come from the protected set itself.
    reports: HashMap<(Period, String), Report>,
    /// The territory chosen (the country on public pages).
    pub place: Place,
    /// The territories directly below it.
    pub below: Vec<Place>,
    /// Counts of state actions the dashboard shows for the chosen territory
    /// and period (violations by kind, complaints by status); empty in the
    /// public bundle.
    pub violations: Vec<i64>,
    pub complaints: Vec<i64>,
}

impl Bundle {
    /// A report the page read, published with the protection's decisions.
    /// Its exact counts of actions are the page's own reading: the protected
    /// set is reused while no count of persons changes, so its own reports
    /// may be older in everything else.
    pub fn published(&self, period: &Period, code: &str) -> Option<Published> {
        let report = self.reports.get(&(*period, code.to_owned()))?;
        self.protected.publish(period, code, report)
    }

    /// The raw report of an entry (for the tables no other shares).
    pub fn report(&self, period: &Period, code: &str) -> Option<&Report> {
        self.reports.get(&(*period, code.to_owned()))
    }
}

/// What staff pages about `path` for `period` read: the territory in full,
/// the same territory for each year of `trend` and the territories below it
/// (for their headline figures and actions). A single year (what the pages
/// offer) is read with its trend in one pass over the kept rows, and the
/// territories below together.
pub fn staff(
    conn: &mut PgConnection,
    protected: Arc<Protected>,
    period: Period,
    path: &str,
    trend: Option<Period>,
) -> QueryResult<Option<Bundle>> {
    let Some(me) = place(conn, path)? else {
        return Ok(None);
    };
    let children = below(conn, path)?;
    let today = super::handlers::today();
    let mut reports = HashMap::new();
    let actions = if period.from == period.to {
        let year = period.from;
        let (from, to) = match trend {
            Some(t) => (t.from.min(year), t.to.max(year)),
            None => (year, year),
        };
        let mut years = figures::load_years_kept(conn, from, to, &me.path, today)?;
        let (report, actions) = years.remove(&year).unwrap_or_default();
        reports.insert((period, me.code.clone()), report);
        if let Some(t) = trend {
            for (y, (report, _)) in years {
                if (t.from..=t.to).contains(&y) {
                    reports.insert(
                        (Period::year(y), me.code.clone()),
                        figures::headline(report),
                    );
                }
            }
        }
        let places: Vec<(String, String)> = children
            .iter()
            .map(|c| (c.code.clone(), c.path.clone()))
            .collect();
        for (code, mut years) in figures::headlines_below(conn, year, year, path, &places)? {
            if let Some(report) = years.remove(&year) {
                reports.insert((period, code), report);
            }
        }
        actions
    } else {
        reports.insert(
            (period, me.code.clone()),
            figures::load(conn, &period, &me.path, today)?,
        );
        if let Some(trend) = trend {
            for (year, report) in figures::headline_years(conn, trend.from, trend.to, &me.path)? {
                let year = Period::year(year);
                if year != period {
                    reports.insert((year, me.code.clone()), report);
                }
            }
        }
        for child in &children {
            reports.insert(
                (period, child.code.clone()),
                figures::load_headline(conn, &period, &child.path)?,
            );
        }
        Kept::actions_of(conn, &period, path)?
    };
    let violations = actions.violations_by_kind();
    let complaints = actions.complaints_by_status();
    Ok(Some(Bundle {
        protected,
        reports,
        place: me,
        below: children,
        violations,
        complaints,
    }))
}

/// What the public pages and open data show: every year since the first,
/// the country in full and each region's headline figures.
pub fn public(conn: &mut PgConnection, protected: Arc<Protected>) -> QueryResult<Bundle> {
    let country = place(conn, "KG")?.ok_or(diesel::result::Error::NotFound)?;
    let regions = below(conn, "KG")?;
    let mut reports = HashMap::new();
    let today = super::handlers::today();
    let (first, last) = (super::filter::FIRST_YEAR, super::filter::this_year());
    for (year, report) in figures::load_years(conn, first, last, &country.path, today)? {
        reports.insert((Period::year(year), country.code.clone()), report);
    }
    let places: Vec<(String, String)> = regions
        .iter()
        .map(|r| (r.code.clone(), r.path.clone()))
        .collect();
    for (code, years) in figures::headlines_below(conn, first, last, &country.path, &places)? {
        for (year, report) in years {
            reports.insert((Period::year(year), code.clone()), report);
        }
    }
    Ok(Bundle {
        protected,
        reports,
        place: country,
        below: regions,
        violations: Vec::new(),
        complaints: Vec::new(),
    })
}

/// One report of the publication.
#[derive(Debug, Clone)]
pub struct Entry {
    pub period: Period,
    /// The territory's code (`KG` for the country).
    pub code: String,
    /// The code of the territory above, when it is in the publication too.
    pub parent: Option<String>,
    /// Every figure (the page's own territory) or the headline ones only.
    pub full: bool,
    pub report: Report,
}

impl Entry {
    /// The entry's counts of persons that are published.
    pub fn persons(&self) -> Vec<(Name, i64)> {
        figures::persons(&self.report)
            .into_iter()
            .filter(|(n, _)| self.full || n.is_headline())
            .collect()
    }
}

pub struct Publication {
    threshold: i64,
    entries: Vec<Entry>,
    /// Hidden counts: (entry, figure).
    hidden: HashSet<(usize, Name)>,
    /// Each entry's published figures, made once: a cached publication is
    /// read by every view of its pages.
    published: Vec<Published>,
}

/// A table whose cells are figures of entries.
struct Linked {
    group: Group,
    /// The entry each named cell belongs to.
    entry_of: HashMap<Pos, usize>,
}

/// A cell of the whole system: a published figure of an entry, or a count a
/// table implies without publishing it (the rest of a whole).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Cell {
    Figure(usize, Name),
    Rest(usize, Pos),
}

/// Every table of the publication as one system of equations.
struct System {
    cells: Vec<Cell>,
    values: Vec<i64>,
    published: Vec<bool>,
    /// Equations as (cell, coefficient).
    equations: Vec<Vec<(usize, i64)>>,
    /// The equations each cell is in.
    equations_of: Vec<Vec<usize>>,
    /// For each cell, the sets of other cells that could hide it in one of
    /// its tables.
    partners: Vec<Vec<Vec<usize>>>,
    /// Whether the cell is a total in some table (hidden last).
    total: Vec<bool>,
}

impl System {
    fn of(linked: &[Linked]) -> System {
        let mut index: HashMap<Cell, usize> = HashMap::new();
        let mut sys = System {
            cells: Vec::new(),
            values: Vec::new(),
            published: Vec::new(),
            equations: Vec::new(),
            equations_of: Vec::new(),
            partners: Vec::new(),
            total: Vec::new(),
        };
        let mut cell_of = |sys: &mut System, g: usize, table: &Linked, pos: Pos, value: i64| {
            let cell = match (table.group.name(pos), table.entry_of.get(&pos)) {
                (Some(name), Some(entry)) => Cell::Figure(*entry, name),
                _ => Cell::Rest(g, pos),
            };
            *index.entry(cell.clone()).or_insert_with(|| {
                sys.published.push(matches!(cell, Cell::Figure(..)));
                sys.cells.push(cell);
                sys.values.push(value);
                sys.equations_of.push(Vec::new());
                sys.partners.push(Vec::new());
                sys.total.push(false);
                sys.cells.len() - 1
            })
        };
        for (g, table) in linked.iter().enumerate() {
            let layout = super::suppress::layout(&table.group.counts);
            let ids: HashMap<Pos, usize> = layout
                .cells
                .iter()
                .map(|(pos, v)| (*pos, cell_of(&mut sys, g, table, *pos, *v)))
                .collect();
            for eq in layout.equations {
                let e = sys.equations.len();
                let mapped: Vec<(usize, i64)> = eq.iter().map(|(pos, k)| (ids[pos], *k)).collect();
                for (c, _) in &mapped {
                    sys.equations_of[*c].push(e);
                }
                sys.equations.push(mapped);
            }
            for (pos, id) in &ids {
                if !matches!(pos, Pos::Body(..)) {
                    sys.total[*id] = true;
                }
                for set in super::suppress::partner_sets(&table.group.counts, *pos) {
                    sys.partners[*id].push(set.iter().map(|p| ids[p]).collect());
                }
            }
        }
        sys
    }

    /// The hidden cells linked to `cell` through equations (its component).
    fn component(&self, hidden: &[bool], cell: usize) -> Vec<usize> {
        let mut seen = HashSet::from([cell]);
        let mut todo = vec![cell];
        while let Some(c) = todo.pop() {
            for &e in &self.equations_of[c] {
                for &(other, _) in &self.equations[e] {
                    if hidden[other] && seen.insert(other) {
                        todo.push(other);
                    }
                }
            }
        }
        let mut out: Vec<usize> = seen.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// The cells of a component that the shown cells and totals determine.
    fn determined(&self, component: &[usize]) -> Vec<bool> {
        let column: HashMap<usize, usize> =
            component.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        let mut rows: HashSet<usize> = HashSet::new();
        for c in component {
            rows.extend(self.equations_of[*c].iter().copied());
        }
        let mut rows: Vec<usize> = rows.into_iter().collect();
        rows.sort_unstable();
        let matrix: Vec<Vec<i128>> = rows
            .iter()
            .map(|&e| {
                let mut row = vec![0i128; component.len()];
                for &(c, k) in &self.equations[e] {
                    if let Some(&i) = column.get(&c) {
                        row[i] += i128::from(k);
                    }
                }
                row
            })
            .collect();
        super::suppress::determined(&matrix)
    }

    fn exposed(&self, hidden: &[bool], must: &dyn Fn(usize) -> bool, c: usize) -> bool {
        let component = self.component(hidden, c);
        let det = self.determined(&component);
        component
            .iter()
            .zip(det)
            .any(|(cell, d)| d && *cell == c && must(c))
    }

    fn cost(&self, cell: usize) -> i64 {
        let v = self.values[cell];
        let base = if v == 0 { 1_000_000 } else { v + 1 };
        if self.total[cell] {
            base + 10_000
        } else {
            base
        }
    }

    /// Every cell reachable from `cell` through equations, hidden or not.
    fn reach(&self, cell: usize) -> Vec<usize> {
        let mut seen = HashSet::from([cell]);
        let mut todo = vec![cell];
        while let Some(c) = todo.pop() {
            for &e in &self.equations_of[c] {
                for &(other, _) in &self.equations[e] {
                    if seen.insert(other) {
                        todo.push(other);
                    }
                }
            }
        }
        seen.into_iter().collect()
    }
}

impl Publication {
    /// Protect the entries together: hide every small count, then, while some
    /// hidden count (or small unpublished one) can be worked out from the
    /// whole system of tables, hide the cheapest partners that stop it.
    pub fn new(entries: Vec<Entry>, threshold: i64) -> Publication {
        Publication::revised(entries, threshold, &HashSet::new())
    }

    /// The same, hiding besides every figure of `revised` ((entry, figure
    /// name)): the counts a release may not show because they changed by
    /// fewer persons than the threshold since an earlier release showed them
    /// (`releases`). They are protected like small counts, partners and all,
    /// but hidden rather than shown as small.
    pub fn revised(
        entries: Vec<Entry>,
        threshold: i64,
        revised: &HashSet<(usize, Name)>,
    ) -> Publication {
        let linked = link(&entries);
        let sys = System::of(&linked);
        let n = sys.cells.len();
        let small: Vec<bool> = sys
            .values
            .iter()
            .map(|v| (1..threshold).contains(v))
            .collect();
        let changed: Vec<bool> = sys
            .cells
            .iter()
            .map(|c| match c {
                Cell::Figure(entry, name) => revised.contains(&(*entry, *name)),
                Cell::Rest(..) => false,
            })
            .collect();
        let primary: Vec<bool> = (0..n).map(|i| small[i] || changed[i]).collect();
        let mut hidden: Vec<bool> = (0..n).map(|i| primary[i] || !sys.published[i]).collect();
        let must = |hidden: &[bool], i: usize| hidden[i] && (sys.published[i] || primary[i]);
        // A worklist of cells whose component must be checked; a component
        // found clean stays clean until a fix touches it (hiding more never
        // makes a hidden cell determined).
        let mut clean = vec![false; n];
        let mut tries: HashMap<usize, u32> = HashMap::new();
        let mut todo: Vec<usize> = (0..n).rev().filter(|&i| must(&hidden, i)).collect();
        while let Some(i) = todo.pop() {
            if clean[i] || !must(&hidden, i) {
                continue;
            }
            let component = sys.component(&hidden, i);
            let det = sys.determined(&component);
            let exposed = component
                .iter()
                .zip(&det)
                .find(|(cell, d)| **d && must(&hidden, **cell))
                .map(|(cell, _)| *cell);
            let Some(x) = exposed else {
                component.iter().for_each(|&c| clean[c] = true);
                continue;
            };
            let mut sets: Vec<(i64, Vec<usize>)> = sys.partners[x]
                .iter()
                .map(|set| {
                    let fresh: Vec<usize> = set.iter().copied().filter(|&c| !hidden[c]).collect();
                    (fresh.iter().map(|&c| sys.cost(c)).sum(), fresh)
                })
                .filter(|(_, fresh)| !fresh.is_empty())
                .collect();
            sets.sort();
            let fix = sets.into_iter().map(|(_, set)| set).find(|set| {
                let mut trial = hidden.clone();
                set.iter().for_each(|&c| trial[c] = true);
                !sys.exposed(&trial, &|i| must(&trial, i), x)
            });
            match fix {
                Some(set) => set.iter().for_each(|&c| hidden[c] = true),
                None => {
                    // No partner in its own tables is enough: first hide its
                    // tables' cells, then everything its equations reach (a
                    // system of unknowns only determines nothing).
                    let round = tries.entry(x).or_insert(0);
                    *round += 1;
                    let cells: Vec<usize> = if *round == 1 {
                        sys.partners[x].iter().flatten().copied().collect()
                    } else {
                        sys.reach(x)
                    };
                    cells.iter().for_each(|&c| hidden[c] = true);
                    if *round > 2 {
                        // Everything reachable is hidden already.
                        continue;
                    }
                }
            }
            for c in sys.component(&hidden, x) {
                clean[c] = false;
                todo.push(c);
            }
        }
        let hidden = (0..n)
            .filter(|&i| hidden[i] && (!small[i] || changed[i]))
            .filter_map(|i| match &sys.cells[i] {
                Cell::Figure(entry, name) => Some((*entry, *name)),
                Cell::Rest(..) => None,
            })
            .collect();
        let mut publication = Publication {
            threshold,
            entries,
            hidden,
            published: Vec::new(),
        };
        publication.published = (0..publication.entries.len())
            .map(|i| publication.publish(i))
            .collect();
        publication
    }

    /// The published figures of one entry.
    pub fn published(&self, period: &Period, code: &str) -> Option<Published> {
        let i = self
            .entries
            .iter()
            .position(|e| e.period == *period && e.code == code)?;
        self.published_at(i)
    }

    pub fn published_at(&self, i: usize) -> Option<Published> {
        self.published.get(i).cloned()
    }

    /// The hidden figures, as (entry, figure name).
    pub fn hidden_cells(&self) -> impl Iterator<Item = (usize, Name)> + '_ {
        self.hidden.iter().copied()
    }

    fn publish(&self, i: usize) -> Published {
        self.publish_report(i, &self.entries[i].report)
    }

    /// Another report of entry `i`'s territory and period (read for its
    /// counts of actions), with the entry's decisions on counts of persons.
    /// Its counts of persons must be the entry's: they are read from the
    /// same report tables.
    pub fn publish_report(&self, i: usize, report: &Report) -> Published {
        let entry = &self.entries[i];
        let hidden = |name: Name| self.hidden.contains(&(i, name));
        let mut p = figures::publish_with(report, self.threshold, &hidden);
        if !entry.full {
            p.retain(|name, value| match value {
                figures::Value::Persons(_) => name.is_headline(),
                figures::Value::Derived(_) => false,
                _ => true,
            });
            // Its cross table is not part of the publication: never shown.
            let blank = |row: &mut Vec<Shown>| row.iter_mut().for_each(|c| *c = Shown::Hidden);
            p.assisted.body.iter_mut().for_each(blank);
            p.assisted.row_totals.iter_mut().for_each(blank);
            p.assisted.column_totals.iter_mut().for_each(blank);
            p.assisted.grand = Some(Shown::Hidden);
            p.full = false;
        }
        p
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

/// Every table that links the entries' counts of persons.
fn link(entries: &[Entry]) -> Vec<Linked> {
    let mut out = Vec::new();
    let persons: Vec<Vec<(Name, i64)>> = entries.iter().map(Entry::persons).collect();
    let found: Vec<HashMap<Name, i64>> = persons
        .iter()
        .map(|p| p.iter().copied().collect())
        .collect();
    let value = |i: usize, name: Name| found[i].get(&name).copied().unwrap_or(0);
    let has = |i: usize, name: Name| found[i].contains_key(&name);
    // Within each report: all its tables for the page's own territory; for
    // the others, children assisted by form adding up to children assisted.
    for (i, e) in entries.iter().enumerate() {
        let groups = if e.full {
            figures::groups(&e.report)
        } else {
            let forms: Vec<(Name, i64)> = persons[i]
                .iter()
                .filter(|(n, _)| matches!(n, Name::ChildrenAssistedForm(_)))
                .copied()
                .collect();
            vec![Group::parts(
                forms,
                (Name::ChildrenAssisted, value(i, Name::ChildrenAssisted)),
            )]
        };
        for group in groups {
            let entry_of = group.names.iter().map(|(pos, _)| (*pos, i)).collect();
            out.push(Linked { group, entry_of });
        }
    }
    // A territory and the territories below it, per period and figure; a
    // range of years and its years, per territory and figure.
    let mut families: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, whole) in entries.iter().enumerate() {
        let below: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.period == whole.period && e.parent.as_deref() == Some(&whole.code))
            .map(|(j, _)| j)
            .collect();
        if !below.is_empty() {
            families.push((i, below));
        }
        if whole.period.from < whole.period.to {
            let years: Vec<usize> = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| {
                    e.code == whole.code
                        && e.period.from == e.period.to
                        && (whole.period.from..=whole.period.to).contains(&e.period.from)
                })
                .map(|(j, _)| j)
                .collect();
            if years.len() as i32 == whole.period.to - whole.period.from + 1 {
                families.push((i, years));
            }
        }
    }
    for (whole, parts) in families {
        for (name, total) in &persons[whole] {
            if !parts.iter().all(|&j| has(j, *name)) {
                continue;
            }
            let group = Group::parts(
                parts.iter().map(|&j| (*name, value(j, *name))).collect(),
                (*name, *total),
            );
            let mut entry_of: HashMap<Pos, usize> = parts
                .iter()
                .enumerate()
                .map(|(r, &j)| (Pos::Body(r, 0), j))
                .collect();
            entry_of.insert(Pos::ColumnTotal(0), whole);
            out.push(Linked { group, entry_of });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::indicators::Cross;

    fn report(identified: i64, served: i64) -> Report {
        let mut r = Report {
            labor: Default::default(),
            criminal: Default::default(),
            assisted: Cross::default(),
            groups: Default::default(),
            monitoring: Default::default(),
            identified: Default::default(),
        };
        r.monitoring.identified = identified;
        r.monitoring.served = served;
        r.identified.total = identified;
        r
    }

    fn entry(code: &str, parent: Option<&str>, identified: i64) -> Entry {
        Entry {
            period: Period::year(2025),
            code: code.into(),
            parent: parent.map(str::to_owned),
            full: parent.is_none(),
            report: report(identified, 0),
        }
    }

    fn shown(p: &Publication, code: &str) -> Shown {
        match p
            .published(&Period::year(2025), code)
            .unwrap()
            .get(Name::ChildrenIdentified)
        {
            Some(figures::Value::Persons(s)) => *s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_small_region_cannot_be_worked_out_from_the_country_and_the_others() {
        // The country 52; regions 40, 9, 3: 3 is small, and 52 − 40 − 9
        // would give it away, so another region is hidden with it.
        let p = Publication::new(
            vec![
                entry("KG", None, 52),
                entry("A", Some("KG"), 40),
                entry("B", Some("KG"), 9),
                entry("C", Some("KG"), 3),
            ],
            5,
        );
        assert_eq!(shown(&p, "C"), Shown::Small);
        assert_eq!(shown(&p, "B"), Shown::Hidden, "the cheapest partner");
        assert_eq!(shown(&p, "A"), Shown::Value(40));
        assert_eq!(shown(&p, "KG"), Shown::Value(52));
    }

    /// The two-dimensional case a line-by-line check misses (regions ×
    /// forms of exploitation, children assisted): every line has two small
    /// cells, yet A's third form would follow from the others.
    #[test]
    fn no_small_count_follows_from_regions_and_forms_together() {
        let table: [(&str, [i64; 4]); 5] = [
            ("A", [2, 3, 4, 0]),
            ("B", [3, 2, 20, 0]),
            ("C", [20, 20, 2, 3]),
            ("D", [20, 20, 3, 2]),
            ("E", [30, 30, 30, 0]),
        ];
        let assisted = |forms: [i64; 4]| {
            let mut r = report(0, 0);
            let mut row_totals = forms.to_vec();
            row_totals.extend([0, 0]);
            r.assisted = Cross {
                body: vec![vec![0; 8]; 6],
                row_totals,
                column_totals: vec![0; 8],
                grand: forms.iter().sum(),
            };
            r
        };
        let mut country = [0i64; 4];
        for (_, forms) in &table {
            for (c, v) in forms.iter().enumerate() {
                country[c] += v;
            }
        }
        let mut entries: Vec<Entry> = table
            .iter()
            .map(|(code, forms)| Entry {
                period: Period::year(2025),
                code: (*code).into(),
                parent: Some("KG".into()),
                full: false,
                report: assisted(*forms),
            })
            .collect();
        entries.push(Entry {
            period: Period::year(2025),
            code: "KG".into(),
            parent: None,
            full: false,
            report: assisted(country),
        });
        let p = Publication::new(entries, 5);
        let forms: Vec<Name> = crate::cases::model::ExploitationForm::ALL
            .iter()
            .take(4)
            .map(|f| Name::ChildrenAssistedForm(*f))
            .collect();
        // The grid as published: rows A..E and the country, columns the four
        // forms and the total.
        let codes = ["A", "B", "C", "D", "E", "KG"];
        let mut names = forms.clone();
        names.push(Name::ChildrenAssisted);
        let shown: Vec<Vec<Shown>> = codes
            .iter()
            .map(|code| {
                let published = p.published(&Period::year(2025), code).unwrap();
                names
                    .iter()
                    .map(|n| match published.get(*n) {
                        Some(figures::Value::Persons(s)) => *s,
                        other => panic!("{n}: {other:?}"),
                    })
                    .collect()
            })
            .collect();
        // Unknowns: the hidden cells; equations: rows and columns add up.
        let unknowns: Vec<(usize, usize)> = (0..6)
            .flat_map(|r| (0..5).map(move |c| (r, c)))
            .filter(|&(r, c)| {
                shown[r][c] != Shown::Value(0) && !matches!(shown[r][c], Shown::Value(_))
            })
            .collect();
        let col = |r: usize, c: usize| unknowns.iter().position(|u| *u == (r, c));
        let mut matrix: Vec<Vec<i128>> = Vec::new();
        for r in 0..6 {
            let mut row = vec![0i128; unknowns.len()];
            for c in 0..5 {
                if let Some(i) = col(r, c) {
                    row[i] = if c == 4 { -1 } else { 1 };
                }
            }
            matrix.push(row);
        }
        for c in 0..5 {
            let mut row = vec![0i128; unknowns.len()];
            for r in 0..6 {
                if let Some(i) = col(r, c) {
                    row[i] = if r == 5 { -1 } else { 1 };
                }
            }
            matrix.push(row);
        }
        let determined = crate::reports::suppress::determined(&matrix);
        for (i, (r, c)) in unknowns.iter().enumerate() {
            assert!(
                !determined[i],
                "{} {} can be worked out",
                codes[*r], names[*c]
            );
        }
        assert_eq!(shown[0][2], Shown::Small, "A's 4 is small");
    }

    #[test]
    fn children_recorded_at_the_region_itself_are_a_part_too() {
        // The country 20, its only region below 17: the 3 others are a
        // small rest, so the region is hidden.
        let p = Publication::new(vec![entry("KG", None, 20), entry("A", Some("KG"), 17)], 5);
        assert_eq!(shown(&p, "A"), Shown::Hidden);
        assert_eq!(shown(&p, "KG"), Shown::Value(20));
    }

    #[test]
    fn a_hidden_year_cannot_be_worked_out_from_the_range() {
        let year = |y: i32, n: i64| Entry {
            period: Period::year(y),
            code: "KG".into(),
            parent: None,
            full: false,
            report: report(n, 0),
        };
        let range = Entry {
            period: Period {
                from: 2023,
                to: 2025,
            },
            code: "KG".into(),
            parent: None,
            full: true,
            report: report(25, 0),
        };
        let p = Publication::new(
            vec![year(2023, 10), year(2024, 3), year(2025, 12), range],
            5,
        );
        let of = |period: Period| match p
            .published(&period, "KG")
            .unwrap()
            .get(Name::ChildrenIdentified)
        {
            Some(figures::Value::Persons(s)) => *s,
            other => panic!("{other:?}"),
        };
        assert_eq!(of(Period::year(2024)), Shown::Small);
        assert_eq!(of(Period::year(2023)), Shown::Hidden);
        assert_eq!(
            of(Period {
                from: 2023,
                to: 2025
            }),
            Shown::Value(25)
        );
    }
}
