//! The report of one year read from what the database keeps (migrations
//! `report_rollups`, `report_children`, `report_monitoring`): the counts of
//! the state's actions per record's territory, summed over the territories
//! below, and the children counted once in each territory of the tree. A
//! report of a year reads two queries of kept rows (and the small staff
//! tables), whatever the number of records. `indicators` holds the
//! definitions and a recount from the records, which `tests/rollups.rs` and
//! `tests/indicators.rs` compare with what is served here (`tests/recount.rs`
//! compares it with counts of its own). No HTTP in here.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Int4, Numeric, Text};
use rust_decimal::Decimal;

use super::indicators::{Cross, Groups, Identified, Monitoring, Period, assistance_services};
use super::name::AgeBand;
use super::rollups::{Counter, Counts, Figure};
use crate::admin::model::ServiceKind;
use crate::cases::model::{CaseStatus, ExploitationForm, Sector};
use crate::children::model::Sex;
use crate::referrals::model::ReferralStatus;

/// What the database keeps for one territory: its counts of actions over
/// the years asked for, and (for a single year) its children.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    actions: HashMap<String, Decimal>,
    children: HashMap<String, i64>,
}

/// A row of kept counts of actions, and of children, of a territory (by
/// its code; the path asked for when only one is read) and year.
#[derive(QueryableByName)]
struct ActionRow {
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Int4)]
    year: i32,
    #[diesel(sql_type = Text)]
    figure: String,
    #[diesel(sql_type = Numeric)]
    value: Decimal,
}

#[derive(QueryableByName)]
struct ChildRow {
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Int4)]
    year: i32,
    #[diesel(sql_type = Text)]
    cell: String,
    #[diesel(sql_type = Int4)]
    children: i32,
}

impl Kept {
    /// Every year `from..=to` of the territory `path`, each on its own, in
    /// two queries.
    pub fn years(
        conn: &mut PgConnection,
        from: i32,
        to: i32,
        path: &str,
    ) -> QueryResult<BTreeMap<i32, Kept>> {
        let actions: Vec<ActionRow> = diesel::sql_query(
            "SELECT $1 AS code, r.year, r.figure, sum(r.value) AS value
             FROM report_rollups r JOIN locations l ON l.id = r.location_id
             WHERE r.year BETWEEN $2 AND $3 AND r.figure NOT LIKE 'due:%'
               AND (l.path = $1 OR left(l.path, length($1) + 1) = $1 || '/')
             GROUP BY r.year, r.figure",
        )
        .bind::<Text, _>(path)
        .bind::<Int4, _>(from)
        .bind::<Int4, _>(to)
        .load(conn)?;
        let children: Vec<ChildRow> = diesel::sql_query(
            "SELECT $1 AS code, c.year, c.cell, c.children FROM report_child_counts c
             JOIN locations l ON l.id = c.territory_id
             WHERE l.path = $1 AND c.year BETWEEN $2 AND $3",
        )
        .bind::<Text, _>(path)
        .bind::<Int4, _>(from)
        .bind::<Int4, _>(to)
        .load(conn)?;
        let mut years: BTreeMap<i32, Kept> = (from..=to).map(|y| (y, Kept::default())).collect();
        for a in actions {
            if let Some(k) = years.get_mut(&a.year) {
                k.actions.insert(a.figure, a.value);
            }
        }
        for c in children {
            if let Some(k) = years.get_mut(&c.year) {
                k.children.insert(c.cell, i64::from(c.children));
            }
        }
        Ok(years)
    }

    /// Every year `from..=to` of each territory directly below `parent`, by
    /// its code, in two queries (a page's table of the territories below
    /// reads them together, not one territory at a time).
    pub fn below(
        conn: &mut PgConnection,
        from: i32,
        to: i32,
        parent: &str,
    ) -> QueryResult<HashMap<String, BTreeMap<i32, Kept>>> {
        let actions: Vec<ActionRow> = diesel::sql_query(
            "SELECT t.code, r.year, r.figure, sum(r.value) AS value
             FROM locations p JOIN locations t ON t.parent_id = p.id
             JOIN locations l ON l.path = t.path OR left(l.path, length(t.path) + 1) = t.path || '/'
             JOIN report_rollups r ON r.location_id = l.id
             WHERE p.path = $1 AND r.year BETWEEN $2 AND $3 AND r.figure NOT LIKE 'due:%'
             GROUP BY t.code, r.year, r.figure",
        )
        .bind::<Text, _>(parent)
        .bind::<Int4, _>(from)
        .bind::<Int4, _>(to)
        .load(conn)?;
        let children: Vec<ChildRow> = diesel::sql_query(
            "SELECT t.code, c.year, c.cell, c.children
             FROM locations p JOIN locations t ON t.parent_id = p.id
             JOIN report_child_counts c ON c.territory_id = t.id
             WHERE p.path = $1 AND c.year BETWEEN $2 AND $3",
        )
        .bind::<Text, _>(parent)
        .bind::<Int4, _>(from)
        .bind::<Int4, _>(to)
        .load(conn)?;
        let mut out: HashMap<String, BTreeMap<i32, Kept>> = HashMap::new();
        fn year_of(
            out: &mut HashMap<String, BTreeMap<i32, Kept>>,
            code: String,
            year: i32,
        ) -> &mut Kept {
            out.entry(code).or_default().entry(year).or_default()
        }
        for a in actions {
            year_of(&mut out, a.code, a.year)
                .actions
                .insert(a.figure, a.value);
        }
        for c in children {
            year_of(&mut out, c.code, c.year)
                .children
                .insert(c.cell, i64::from(c.children));
        }
        Ok(out)
    }

    /// One year of the territory `path`.
    pub fn year(conn: &mut PgConnection, year: i32, path: &str) -> QueryResult<Kept> {
        Ok(Kept::years(conn, year, year, path)?
            .remove(&year)
            .unwrap_or_default())
    }

    /// The counts of actions of a period (they add up over years; the
    /// children of a range do not, and are left out).
    pub fn actions_of(conn: &mut PgConnection, period: &Period, path: &str) -> QueryResult<Kept> {
        let mut sum = Kept::default();
        for k in Kept::years(conn, period.from, period.to, path)?.into_values() {
            for (figure, value) in k.actions {
                *sum.actions.entry(figure).or_default() += value;
            }
        }
        Ok(sum)
    }

    /// The counters of the state's actions.
    pub fn counts(&self) -> Counts {
        Counts::of(
            self.actions
                .iter()
                .filter_map(|(f, v)| Counter::parse(f).map(|c| (c, *v))),
        )
    }

    fn action(&self, figure: &str) -> i64 {
        self.actions
            .get(figure)
            .and_then(|d| i64::try_from(d.trunc()).ok())
            .unwrap_or(0)
    }

    fn child(&self, cell: &str) -> i64 {
        self.children.get(cell).copied().unwrap_or(0)
    }

    pub fn identified_total(&self) -> i64 {
        self.child("identified")
    }

    pub fn assisted_total(&self) -> i64 {
        self.child("assisted")
    }

    pub fn identified(&self) -> Identified {
        let per = |prefix: &str, keys: &mut dyn Iterator<Item = &str>| -> Vec<i64> {
            keys.map(|k| self.child(&format!("{prefix}{k}"))).collect()
        };
        Identified {
            total: self.identified_total(),
            by_form: per(
                "identified:form:",
                &mut ExploitationForm::ALL.iter().map(|f| f.as_str()),
            ),
            by_sector: per(
                "identified:sector:",
                &mut Sector::ALL.iter().map(|s| s.as_str()),
            ),
            by_sex: per("identified:sex:", &mut Sex::ALL.iter().map(|s| s.as_str())),
            by_age: per(
                "identified:age:",
                &mut AgeBand::ALL.iter().map(|b| b.as_str()),
            ),
            // Cases, not children, by status as they stand now.
            cases_by_status: CaseStatus::ALL
                .iter()
                .map(|s| self.action(&Figure::CaseStatus(*s).name()))
                .collect(),
        }
    }

    /// Children assisted: forms of exploitation × services.
    pub fn assisted(&self) -> Cross {
        let services = assistance_services();
        Cross {
            body: ExploitationForm::ALL
                .iter()
                .map(|f| {
                    services
                        .iter()
                        .map(|s| {
                            self.child(&format!(
                                "assisted:form:{}:service:{}",
                                f.as_str(),
                                s.as_str()
                            ))
                        })
                        .collect()
                })
                .collect(),
            row_totals: ExploitationForm::ALL
                .iter()
                .map(|f| self.child(&format!("assisted:form:{}", f.as_str())))
                .collect(),
            column_totals: services
                .iter()
                .map(|s| self.child(&format!("assisted:service:{}", s.as_str())))
                .collect(),
            grand: self.assisted_total(),
        }
    }

    pub fn groups(&self) -> Groups {
        Groups {
            csec: self.child("identified:form:commercial_sexual_exploitation"),
            csec_victims: self.child("group:csec_victims"),
            street: self.child("group:street"),
            street_education: self.child("group:street_education"),
            street_medical: self.child("group:street_medical"),
            street_social: self.child("group:street_social"),
        }
    }

    /// The monitoring indicators, with the referrals overdue today read
    /// apart (`overdue`).
    pub fn monitoring(&self, overdue: i64) -> Monitoring {
        let yes_no = ["yes", "no"];
        let referral = |service: ServiceKind, status: ReferralStatus| {
            self.action(&Figure::Referrals(service, status).name())
        };
        let body: Vec<Vec<i64>> = ServiceKind::ALL
            .iter()
            .map(|s| {
                ReferralStatus::ALL
                    .iter()
                    .map(|t| referral(*s, *t))
                    .collect()
            })
            .collect();
        let row_totals: Vec<i64> = body.iter().map(|r| r.iter().sum()).collect();
        let column_totals: Vec<i64> = (0..ReferralStatus::ALL.len())
            .map(|j| body.iter().map(|r| r[j]).sum())
            .collect();
        let grand = row_totals.iter().sum();
        Monitoring {
            identified: self.identified_total(),
            served: self.child("served"),
            median_days: self.median_days(),
            followed_up: self.child("followed_up"),
            withdrawn: self.child("withdrawn"),
            overdue_referrals: overdue,
            follow_up_results: Cross {
                body: yes_no
                    .iter()
                    .map(|w| {
                        yes_no
                            .iter()
                            .map(|s| self.child(&format!("follow:{w}:{s}")))
                            .collect()
                    })
                    .collect(),
                row_totals: yes_no
                    .iter()
                    .map(|w| self.child(&format!("follow:{w}:*")))
                    .collect(),
                column_totals: yes_no
                    .iter()
                    .map(|s| self.child(&format!("follow:*:{s}")))
                    .collect(),
                grand: self.child("followed_up"),
            },
            referrals: Cross {
                body,
                row_totals,
                column_totals,
                grand,
            },
        }
    }

    /// The median of the days from identification to the first service,
    /// over the cases that have one, from the kept histogram; the middle
    /// two are averaged, as `percentile_cont(0.5)` does.
    fn median_days(&self) -> Option<f64> {
        let histogram: BTreeMap<i64, i64> = self
            .actions
            .iter()
            .filter_map(|(f, v)| match Figure::parse(f)? {
                Figure::ServedDays(days) => Some((days, i64::try_from(v.trunc()).ok()?)),
                _ => None,
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        median(&histogram)
    }
}

/// The median of a histogram (value → how many), `None` when empty.
fn median(histogram: &BTreeMap<i64, i64>) -> Option<f64> {
    let n: i64 = histogram.values().sum();
    if n == 0 {
        return None;
    }
    // The 0-based positions of the middle one or two.
    let (lo, hi) = ((n - 1) / 2, n / 2);
    let mut seen = 0;
    let (mut low, mut high) = (None, None);
    for (value, count) in histogram {
        let next = seen + count;
        if low.is_none() && lo < next {
            low = Some(*value);
        }
        if high.is_none() && hi < next {
            high = Some(*value);
            break;
        }
        seen = next;
    }
    Some((low? + high?) as f64 / 2.0)
}

/// Referrals of the territory `path` overdue on `today`: the open ones that
/// have a day due (`due_open`) less those due on `today` or later, so what
/// is read does not grow with the years of past due days (migration
/// `report_overdue_kept`).
pub fn overdue(conn: &mut PgConnection, path: &str, today: NaiveDate) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let row: N = diesel::sql_query(
        "SELECT ((SELECT coalesce(sum(r.value), 0) FROM report_rollups r
                   JOIN locations l ON l.id = r.location_id
                  WHERE r.figure = 'due_open'
                    AND (l.path = $1 OR left(l.path, length($1) + 1) = $1 || '/'))
              - (SELECT coalesce(sum(r.value), 0) FROM report_rollups r
                   JOIN locations l ON l.id = r.location_id
                  WHERE r.figure LIKE 'due:%' AND report_due_day(r.figure) >= $2
                    AND (l.path = $1 OR left(l.path, length($1) + 1) = $1 || '/')))::bigint AS n",
    )
    .bind::<Text, _>(path)
    .bind::<Date, _>(today)
    .get_result(conn)?;
    Ok(row.n)
}

/// Violations found per `ViolationKind::ALL` and complaints per
/// `ComplaintStatus::ALL` (exact: the state's findings).
impl Kept {
    pub fn violations_by_kind(&self) -> Vec<i64> {
        crate::inspections::model::ViolationKind::ALL
            .iter()
            .map(|k| self.action(&Figure::ViolationKind(*k).name()))
            .collect()
    }

    pub fn complaints_by_status(&self) -> Vec<i64> {
        crate::complaints::model::ComplaintStatus::ALL
            .iter()
            .map(|s| self.action(&Figure::ComplaintStatus(*s).name()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_a_histogram_is_percentile_cont() {
        let h = |pairs: &[(i64, i64)]| pairs.iter().copied().collect::<BTreeMap<_, _>>();
        assert_eq!(median(&h(&[])), None);
        assert_eq!(median(&h(&[(7, 1)])), Some(7.0));
        // 1 3 3 10 → (3 + 3) / 2
        assert_eq!(median(&h(&[(1, 1), (3, 2), (10, 1)])), Some(3.0));
        // 1 2 → 1.5
        assert_eq!(median(&h(&[(1, 1), (2, 1)])), Some(1.5));
        // 0 0 0 5 9 → 0
        assert_eq!(median(&h(&[(0, 3), (5, 1), (9, 1)])), Some(0.0));
        // 2 4 6 8 → 5
        assert_eq!(median(&h(&[(2, 1), (4, 1), (6, 1), (8, 1)])), Some(5.0));
    }
}
