//! The counts of the state's actions as the database keeps them (issue 20,
//! migration `report_rollups`): triggers on every table a figure depends on
//! keep `report_rollups` (figure × territory × year) up to date in the
//! transaction of each write, so a report reads one row per figure, territory
//! below its own and year, whatever the number of records. No HTTP in here.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Int4, Numeric, Text};
use rust_decimal::Decimal;

use crate::admin::model::ServiceKind;
use crate::cases::model::CaseStatus;
use crate::complaints::model::ComplaintStatus;
use crate::inspections::model::ViolationKind;
use crate::referrals::model::ReferralStatus;

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

/// Every row name the database writes into `report_rollups`: a counter, or
/// a breakdown named by its parts (migrations `report_rollups` and
/// `report_monitoring` spell them; a test holds every written name to this
/// list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Counter(Counter),
    /// Cases (not children) by status as they stand now.
    CaseStatus(CaseStatus),
    /// Violations found, by kind.
    ViolationKind(ViolationKind),
    /// School-fee complaints, by status.
    ComplaintStatus(ComplaintStatus),
    /// Referrals sent, by service and status.
    Referrals(ServiceKind, ReferralStatus),
    /// Cases served, by the days from identification to the first service.
    ServedDays(i64),
    /// Open referrals, by the day their answer or service is due.
    Due(NaiveDate),
    /// Open referrals that have a day due (per territory and the year of
    /// that day): with the days from today on, the referrals overdue.
    DueOpen,
}

impl Figure {
    pub fn name(&self) -> String {
        match self {
            Figure::Counter(c) => c.as_str().to_owned(),
            Figure::CaseStatus(s) => format!("case_status:{s}"),
            Figure::ViolationKind(k) => format!("violations:kind:{k}"),
            Figure::ComplaintStatus(s) => format!("complaints:status:{s}"),
            Figure::Referrals(service, status) => format!("referrals:{service}:{status}"),
            Figure::ServedDays(days) => format!("served_days:{days}"),
            Figure::Due(day) => format!("due:{}", day.format("%Y-%m-%d")),
            Figure::DueOpen => "due_open".to_owned(),
        }
    }

    pub fn parse(name: &str) -> Option<Figure> {
        if let Some(c) = Counter::parse(name) {
            return Some(Figure::Counter(c));
        }
        if name == "due_open" {
            return Some(Figure::DueOpen);
        }
        let (kind, rest) = name.split_once(':')?;
        match kind {
            "case_status" => CaseStatus::parse(rest).map(Figure::CaseStatus),
            "violations" => {
                ViolationKind::parse(rest.strip_prefix("kind:")?).map(Figure::ViolationKind)
            }
            "complaints" => {
                ComplaintStatus::parse(rest.strip_prefix("status:")?).map(Figure::ComplaintStatus)
            }
            "referrals" => {
                let (service, status) = rest.split_once(':')?;
                Some(Figure::Referrals(
                    ServiceKind::parse(service)?,
                    ReferralStatus::parse(status)?,
                ))
            }
            "served_days" => rest
                .parse()
                .ok()
                .filter(|d| *d >= 0)
                .map(Figure::ServedDays),
            "due" => NaiveDate::parse_from_str(rest, "%Y-%m-%d")
                .ok()
                .map(Figure::Due),
            _ => None,
        }
    }
}

/// The counters of one period and territory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(HashMap<Counter, Decimal>);

impl Counts {
    pub fn of(counters: impl IntoIterator<Item = (Counter, Decimal)>) -> Counts {
        Counts(counters.into_iter().collect())
    }

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

/// Fold the counters' stripes into one row each (migration
/// `report_rollups_striped`); the number of counters folded. A stripe that
/// a write holds now is left for the next fold: a fold never waits.
pub fn fold(conn: &mut PgConnection) -> QueryResult<i32> {
    #[derive(QueryableByName)]
    struct Folded {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        n: i32,
    }
    diesel::sql_query("SELECT report_rollups_fold() AS n")
        .get_result::<Folded>(conn)
        .map(|f| f.n)
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
         kept AS (SELECT figure, location_id, year, sum(value) AS value FROM report_rollups
                  GROUP BY figure, location_id, year HAVING sum(value) <> 0)
         SELECT figure, location_id, year, kept.value AS kept, fresh.value AS fresh
         FROM kept FULL JOIN fresh USING (figure, location_id, year)
         WHERE kept.value IS DISTINCT FROM fresh.value
         ORDER BY figure, location_id, year",
    )
    .load(conn)
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

    #[test]
    fn every_figure_reads_back_from_its_name() {
        let day = NaiveDate::from_ymd_opt(2025, 8, 19).unwrap();
        let figures = [
            Figure::Counter(Counter::Violations),
            Figure::CaseStatus(CaseStatus::ALL[0]),
            Figure::ViolationKind(ViolationKind::ALL[0]),
            Figure::ComplaintStatus(ComplaintStatus::ALL[0]),
            Figure::Referrals(ServiceKind::ALL[0], ReferralStatus::ALL[0]),
            Figure::ServedDays(0),
            Figure::Due(day),
            Figure::DueOpen,
        ];
        for f in figures {
            assert_eq!(Figure::parse(&f.name()), Some(f), "{}", f.name());
        }
        assert_eq!(Figure::parse("due:2025-13-01"), None);
        assert_eq!(Figure::parse("served_days:-1"), None);
        assert_eq!(Figure::parse("violations:kind:nonsense"), None);
    }
}
