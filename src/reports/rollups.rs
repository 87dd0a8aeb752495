//! The counts of the state's actions as the database keeps them (issue 20,
//! migration `report_rollups`): triggers on every table a figure depends on
//! keep `report_rollups` (figure × territory × year) up to date in the
//! transaction of each write, so a report reads one row per figure, territory
//! below its own and year, whatever the number of records. No HTTP in here.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Int4, Numeric, Text};
use rust_decimal::Decimal;

use super::indicators::Period;

/// A counter the database keeps. Its name is the `figure` of its rows; a
/// figure is named by this enum everywhere, so a typo cannot compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Counter {
    Inspections,
    AtWorksite,
    DeskReviews,
    Routine,
    Unannounced,
    ComplaintDriven,
    FoundChildLabor,
    Violations,
    ViolationsPenalised,
    PenaltiesImposed,
    ImposedSom,
    PenaltiesCollected,
    CollectedSom,
    Planned,
    Referred,
    Complaints,
    Investigations,
    Prosecutions,
    Convictions,
    Acquittals,
    Dismissed,
    PrisonSentences,
    FinesSom,
    ReferredBySocialServices,
    ReferredToSocialServices,
}

impl Counter {
    pub const ALL: &'static [Counter] = &[
        Counter::Inspections,
        Counter::AtWorksite,
        Counter::DeskReviews,
        Counter::Routine,
        Counter::Unannounced,
        Counter::ComplaintDriven,
        Counter::FoundChildLabor,
        Counter::Violations,
        Counter::ViolationsPenalised,
        Counter::PenaltiesImposed,
        Counter::ImposedSom,
        Counter::PenaltiesCollected,
        Counter::CollectedSom,
        Counter::Planned,
        Counter::Referred,
        Counter::Complaints,
        Counter::Investigations,
        Counter::Prosecutions,
        Counter::Convictions,
        Counter::Acquittals,
        Counter::Dismissed,
        Counter::PrisonSentences,
        Counter::FinesSom,
        Counter::ReferredBySocialServices,
        Counter::ReferredToSocialServices,
    ];

    /// The `figure` of its rows (the migration's functions write these).
    pub fn as_str(self) -> &'static str {
        match self {
            Counter::Inspections => "inspections",
            Counter::AtWorksite => "at_worksite",
            Counter::DeskReviews => "desk_reviews",
            Counter::Routine => "routine",
            Counter::Unannounced => "unannounced",
            Counter::ComplaintDriven => "complaint_driven",
            Counter::FoundChildLabor => "found_child_labor",
            Counter::Violations => "violations",
            Counter::ViolationsPenalised => "violations_penalised",
            Counter::PenaltiesImposed => "penalties_imposed",
            Counter::ImposedSom => "imposed_som",
            Counter::PenaltiesCollected => "penalties_collected",
            Counter::CollectedSom => "collected_som",
            Counter::Planned => "planned",
            Counter::Referred => "referred",
            Counter::Complaints => "complaints",
            Counter::Investigations => "investigations",
            Counter::Prosecutions => "prosecutions",
            Counter::Convictions => "convictions",
            Counter::Acquittals => "acquittals",
            Counter::Dismissed => "dismissed",
            Counter::PrisonSentences => "prison_sentences",
            Counter::FinesSom => "fines_som",
            Counter::ReferredBySocialServices => "referred_by_social_services",
            Counter::ReferredToSocialServices => "referred_to_social_services",
        }
    }

    pub fn parse(name: &str) -> Option<Counter> {
        Counter::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

/// The counters of one period and territory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(HashMap<Counter, Decimal>);

impl Counts {
    /// A count (of inspections, penalties …).
    pub fn count(&self, counter: Counter) -> i64 {
        self.0
            .get(&counter)
            .and_then(|d| i64::try_from(d.trunc()).ok())
            .unwrap_or(0)
    }

    /// An amount of som.
    pub fn money(&self, counter: Counter) -> Decimal {
        let mut amount = self.0.get(&counter).copied().unwrap_or_default();
        amount.rescale(2);
        amount
    }
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    figure: String,
    #[diesel(sql_type = Numeric)]
    value: Decimal,
}

/// Every counter of the years of `period` in the territory `path` and below.
pub fn sums(conn: &mut PgConnection, period: &Period, path: &str) -> QueryResult<Counts> {
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT r.figure, sum(r.value) AS value
         FROM report_rollups r JOIN locations l ON l.id = r.location_id
         WHERE (l.path = $1 OR left(l.path, length($1) + 1) = $1 || '/')
           AND r.year BETWEEN $2 AND $3
         GROUP BY r.figure",
    )
    .bind::<Text, _>(path)
    .bind::<Int4, _>(period.from)
    .bind::<Int4, _>(period.to)
    .load(conn)?;
    Ok(Counts(
        rows.into_iter()
            .filter_map(|r| Counter::parse(&r.figure).map(|c| (c, r.value)))
            .collect(),
    ))
}

/// Cases (not children) by their status as it stands now, identified in the
/// years of `period` in the territory `path` and below (figures
/// `case_status:<status>`).
pub fn cases_by_status(
    conn: &mut PgConnection,
    period: &Period,
    path: &str,
) -> QueryResult<HashMap<String, i64>> {
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT r.figure, sum(r.value) AS value
         FROM report_rollups r JOIN locations l ON l.id = r.location_id
         WHERE r.figure LIKE 'case\\_status:%'
           AND (l.path = $1 OR left(l.path, length($1) + 1) = $1 || '/')
           AND r.year BETWEEN $2 AND $3
         GROUP BY r.figure",
    )
    .bind::<Text, _>(path)
    .bind::<Int4, _>(period.from)
    .bind::<Int4, _>(period.to)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let status = r.figure.strip_prefix("case_status:")?.to_owned();
            Some((status, i64::try_from(r.value.trunc()).unwrap_or(0)))
        })
        .collect())
}

/// Recompute every rollup from the records, in one transaction (after a
/// restore, a change of the territory tree, or to be sure).
pub fn rebuild(conn: &mut PgConnection) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::sql_query("SELECT report_rebuild()").execute(conn)?;
        diesel::sql_query("SELECT report_child_rebuild()").execute(conn)?;
        Ok(())
    })
}

/// A row where what the triggers kept differs from a fresh computation.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Mismatch {
    #[diesel(sql_type = Text)]
    pub figure: String,
    #[diesel(sql_type = Int4)]
    pub location_id: i32,
    #[diesel(sql_type = Int4)]
    pub year: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<Numeric>)]
    pub kept: Option<Decimal>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Numeric>)]
    pub fresh: Option<Decimal>,
}

/// The rows where the kept rollups (counts of actions, then of children)
/// differ from the records (none when the triggers did their work), without
/// changing anything.
pub fn check(conn: &mut PgConnection) -> QueryResult<Vec<Mismatch>> {
    let mut differ = check_actions(conn)?;
    differ.extend(check_children(conn)?);
    Ok(differ)
}

fn check_actions(conn: &mut PgConnection) -> QueryResult<Vec<Mismatch>> {
    diesel::sql_query(
        "WITH fresh AS (
           SELECT figure, location_id, year, sum(value) AS value
           FROM report_fresh_contributions()
           GROUP BY figure, location_id, year HAVING sum(value) <> 0
         ),
         kept AS (SELECT figure, location_id, year, value FROM report_rollups WHERE value <> 0)
         SELECT figure, location_id, year, kept.value AS kept, fresh.value AS fresh
         FROM kept FULL JOIN fresh USING (figure, location_id, year)
         WHERE kept.value IS DISTINCT FROM fresh.value
         ORDER BY figure, location_id, year",
    )
    .load(conn)
}

/// Children counted once each, per cell (`identified`, `identified:form:…`,
/// `identified:sector:…`, `identified:sex:…`, `identified:age:…`;
/// `assisted`, `assisted:form:…`, `assisted:service:…`,
/// `assisted:form:…:service:…`), in one year and a territory of the tree
/// (migration `report_children`).
pub fn children_of_year(
    conn: &mut PgConnection,
    year: i32,
    path: &str,
) -> QueryResult<HashMap<String, i64>> {
    #[derive(QueryableByName)]
    struct Cell {
        #[diesel(sql_type = Text)]
        cell: String,
        #[diesel(sql_type = Int4)]
        children: i32,
    }
    let rows: Vec<Cell> = diesel::sql_query(
        "SELECT c.cell, c.children FROM report_child_counts c
         JOIN locations l ON l.id = c.territory_id
         WHERE l.path = $1 AND c.year = $2",
    )
    .bind::<Text, _>(path)
    .bind::<Int4, _>(year)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.cell, i64::from(r.children)))
        .collect())
}

/// The rows where the kept counts of children differ from the records.
pub fn check_children(conn: &mut PgConnection) -> QueryResult<Vec<Mismatch>> {
    diesel::sql_query(
        "WITH fresh AS (
           SELECT x.cell AS figure, t.id AS location_id, x.year, count(DISTINCT x.child_id)::numeric AS value
           FROM report_child_fresh() x
           CROSS JOIN LATERAL report_territories_of(x.location_id) t (id)
           GROUP BY x.cell, t.id, x.year
         ),
         kept AS (SELECT cell AS figure, territory_id AS location_id, year, children::numeric AS value
                  FROM report_child_counts)
         SELECT figure, location_id, year, kept.value AS kept, fresh.value AS fresh
         FROM kept FULL JOIN fresh USING (figure, location_id, year)
         WHERE kept.value IS DISTINCT FROM fresh.value
         ORDER BY figure, location_id, year",
    )
    .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_counter_has_its_own_name() {
        let names: std::collections::HashSet<_> = Counter::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Counter::ALL.len());
        for c in Counter::ALL {
            assert_eq!(Counter::parse(c.as_str()), Some(*c));
        }
    }
}
