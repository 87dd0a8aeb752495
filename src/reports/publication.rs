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

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Int4, Text};

use super::figures::{self, Group, Published, Report};
use super::filter::{self, FIRST_YEAR};
use super::indicators::Period;
use super::suppress::{Pos, Shown, protect_with};
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

/// A publication with the territories it is about.
pub struct Bundle {
    pub publication: Publication,
    /// The territory chosen (the country on public pages).
    pub place: Place,
    /// The territories below it that the publication holds.
    pub below: Vec<Place>,
}

impl Bundle {
    pub fn published(&self, period: &Period, code: &str) -> Option<Published> {
        self.publication.published(period, code)
    }

    /// The raw report of an entry (for the tables no other shares).
    pub fn report(&self, period: &Period, code: &str) -> Option<&Report> {
        self.publication
            .entries()
            .iter()
            .find(|e| e.period == *period && e.code == code)
            .map(|e| &e.report)
    }
}

/// What staff pages about `path` for `period` show, protected together: the
/// territory, the ones below it (the territory table), the one above and its
/// siblings (the table a reader came from), and, for `trend`, each year.
pub fn staff(
    conn: &mut PgConnection,
    period: Period,
    path: &str,
    trend: Option<Period>,
    threshold: i64,
    today: NaiveDate,
) -> QueryResult<Option<Bundle>> {
    let Some(me) = place(conn, path)? else {
        return Ok(None);
    };
    let children = below(conn, path)?;
    let parent = match path.rsplit_once('/') {
        Some((up, _)) => place(conn, up)?,
        None => None,
    };
    let mut entries = Vec::new();
    let mut add = |conn: &mut PgConnection, period: Period, p: &Place, parent: Option<&str>| {
        figures::load(conn, &period, &p.path, today).map(|report| {
            entries.push(Entry {
                period,
                code: p.code.clone(),
                parent: parent.map(str::to_owned),
                report,
            })
        })
    };
    add(conn, period, &me, parent.as_ref().map(|p| p.code.as_str()))?;
    for child in &children {
        add(conn, period, child, Some(&me.code))?;
    }
    if let Some(up) = &parent {
        add(conn, period, up, None)?;
        for sibling in below(conn, &up.path)?.iter().filter(|s| s.id != me.id) {
            add(conn, period, sibling, Some(&up.code))?;
        }
    }
    if let Some(trend) = trend {
        for year in trend.years().filter(|y| Period::year(*y) != period) {
            add(conn, Period::year(year), &me, None)?;
        }
    }
    Ok(Some(Bundle {
        publication: Publication::new(entries, threshold),
        place: me,
        below: children,
    }))
}

/// What the public pages and open data show: every year since the first,
/// for the country and each region, protected together.
pub fn public(conn: &mut PgConnection, threshold: i64, today: NaiveDate) -> QueryResult<Bundle> {
    let country = place(conn, "KG")?.ok_or(diesel::result::Error::NotFound)?;
    let regions = below(conn, "KG")?;
    let mut entries = Vec::new();
    for year in FIRST_YEAR..=filter::this_year() {
        let period = Period::year(year);
        entries.push(Entry {
            period,
            code: country.code.clone(),
            parent: None,
            report: figures::load(conn, &period, &country.path, today)?,
        });
        for r in &regions {
            entries.push(Entry {
                period,
                code: r.code.clone(),
                parent: Some(country.code.clone()),
                report: figures::load(conn, &period, &r.path, today)?,
            });
        }
    }
    Ok(Bundle {
        publication: Publication::new(entries, threshold),
        place: country,
        below: regions,
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
    pub report: Report,
}

pub struct Publication {
    threshold: i64,
    entries: Vec<Entry>,
    /// Hidden counts: (entry, figure).
    hidden: HashSet<(usize, String)>,
}

/// A table whose cells are figures of entries.
struct Linked {
    group: Group,
    /// The entry each named cell belongs to.
    entry_of: HashMap<Pos, usize>,
}

impl Publication {
    pub fn new(entries: Vec<Entry>, threshold: i64) -> Publication {
        let linked = link(&entries);
        let mut hidden: HashSet<(usize, String)> = HashSet::new();
        // Each turn only adds hidden cells; there are finitely many.
        loop {
            let mut changed = false;
            for table in &linked {
                let key = |pos: Pos| {
                    let name = table.group.name(pos)?;
                    let entry = *table.entry_of.get(&pos)?;
                    Some((entry, name.to_owned()))
                };
                let published = |pos: Pos| key(pos).is_some();
                let forced = |pos: Pos| key(pos).is_some_and(|k| hidden.contains(&k));
                let p = protect_with(&table.group.counts, threshold, &published, &forced);
                for (pos, shown) in cells(&p) {
                    if shown == Shown::Hidden
                        && let Some(k) = key(pos)
                        && !hidden.contains(&k)
                    {
                        hidden.insert(k);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        Publication {
            threshold,
            entries,
            hidden,
        }
    }

    /// The published figures of one entry.
    pub fn published(&self, period: &Period, code: &str) -> Option<Published> {
        let i = self
            .entries
            .iter()
            .position(|e| e.period == *period && e.code == code)?;
        let hidden = |name: &str| self.hidden.contains(&(i, name.to_owned()));
        Some(figures::publish_with(
            &self.entries[i].report,
            self.threshold,
            &hidden,
        ))
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

fn cells(p: &super::suppress::Protected) -> Vec<(Pos, Shown)> {
    let mut out = Vec::new();
    for (r, row) in p.body.iter().enumerate() {
        for (c, s) in row.iter().enumerate() {
            out.push((Pos::Body(r, c), *s));
        }
    }
    for (r, s) in p.row_totals.iter().flatten().enumerate() {
        out.push((Pos::RowTotal(r), *s));
    }
    for (c, s) in p.column_totals.iter().flatten().enumerate() {
        out.push((Pos::ColumnTotal(c), *s));
    }
    if let Some(g) = p.grand {
        out.push((Pos::Grand, g));
    }
    out
}

/// Every table that links the entries' counts of persons.
fn link(entries: &[Entry]) -> Vec<Linked> {
    let mut out = Vec::new();
    let persons: Vec<Vec<(String, i64)>> = entries
        .iter()
        .map(|e| figures::persons(&e.report))
        .collect();
    let value = |i: usize, name: &str| {
        persons[i]
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, v)| *v)
    };
    // Within each report.
    for (i, e) in entries.iter().enumerate() {
        for group in figures::groups(&e.report) {
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
            let group = Group::parts(
                parts
                    .iter()
                    .map(|&j| (name.clone(), value(j, name)))
                    .collect(),
                (name.clone(), *total),
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
            report: report(identified, 0),
        }
    }

    fn shown(p: &Publication, code: &str) -> Shown {
        match p
            .published(&Period::year(2025), code)
            .unwrap()
            .get("children_identified")
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
            report: report(n, 0),
        };
        let range = Entry {
            period: Period {
                from: 2023,
                to: 2025,
            },
            code: "KG".into(),
            parent: None,
            report: report(25, 0),
        };
        let p = Publication::new(
            vec![year(2023, 10), year(2024, 3), year(2025, 12), range],
            5,
        );
        let of = |period: Period| match p
            .published(&period, "KG")
            .unwrap()
            .get("children_identified")
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
