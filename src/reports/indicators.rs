//! The indicators about children (DESIGN §4): children identified, assisted,
//! followed up and withdrawn, referrals, and the breakdowns the dashboards
//! show, for a period of whole years and a territory. Everything here is raw:
//! suppression is applied where the figures are published (`suppress`).
//!
//! Definitions, so that every figure can be traced. Every figure is dated
//! by the day its event happened, typed by the user and never after today,
//! not by when it was typed in (DESIGN §4 "Dates"); a record typed in late
//! counts in its own year, and nothing typed today moves a past year except a
//! correction of that year's own records. Withdrawal here is what the latest
//! visit of the period found; the stricter monitoring rule of a case's
//! closure, several clean visits apart, is the closure reason "withdrawn" on
//! the case itself.
//! - *identified*: a case whose child was identified in the period
//!   (`cases.identified_on`: the inspection's visit for a child found at an
//!   inspection, the referral's day for one referred by law enforcement, the
//!   day typed for other sources) and whose territory lies in the territory;
//!   a child counts once however many cases. The age band is the age on that
//!   day.
//! - *assisted*: a child whose referral to a service (not to law enforcement)
//!   started being served in the period (`referrals.started_on`, the day the
//!   provider says the service started; status in service or completed).
//! - *received a service* (monitoring): an identified child with such a
//!   service started by the end of the period (a service started later does
//!   not rewrite the period); *median days*: from the day of identification
//!   to the first service's start, over identified cases that have one.
//! - *followed up* / *withdrawn*: cases with a follow-up visit in the period
//!   (`follow_ups.visited_on`); withdrawn when the latest visit in the period
//!   found the child no longer working.
//! - *street children with a service*: of the street children identified in
//!   the period, those with such a service started by its end.
//! - *cases by status* and *overdue referrals*: as they stand today (the
//!   state of the work, not a figure of the period's events).
//!
//! A page's single year is not counted here: it is read from the tables the
//! database keeps as records are written (`kept`, `figures::load`). What is
//! here counts from the records: the ranges of years (a child counts once
//! over the range) and, in tests, the recount the kept tables must equal.
//!
//! Queries use range conditions on indexed columns (`cases.identified_on`,
//! `referrals.started_on`, `follow_ups.visited_on`, `inspections.visited_on`)
//! so a year is read through its index rather than by scanning every row.
//! No HTTP in here.

use chrono::{NaiveDate, TimeZone, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Date, Double, Int4, Nullable, Text, Timestamptz};

use super::name::AgeBand;
use crate::web::context::TIME_ZONE;

/// Whole years, `from` to `to` inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub from: i32,
    pub to: i32,
}

impl Period {
    pub fn year(year: i32) -> Period {
        Period {
            from: year,
            to: year,
        }
    }

    pub fn years(&self) -> impl DoubleEndedIterator<Item = i32> {
        self.from..=self.to
    }

    fn start_date(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.from, 1, 1).unwrap_or(NaiveDate::MIN)
    }

    fn end_date(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.to + 1, 1, 1).unwrap_or(NaiveDate::MAX)
    }

    fn instant(date: NaiveDate) -> chrono::DateTime<Utc> {
        TIME_ZONE
            .from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| date.and_time(chrono::NaiveTime::MIN).and_utc())
    }
}

/// A query over a period and a territory, with its parameters bound the same
/// way everywhere: `$1`/`$3` the first and the after-last instant (Bishkek
/// midnights), `$2` the territory's path, `$4`/`$5` the first and after-last
/// day.
pub fn scoped(
    sql: String,
    period: &Period,
    path: &str,
) -> BoxedSqlQuery<'static, Pg, diesel::query_builder::SqlQuery> {
    diesel::sql_query(sql)
        .into_boxed()
        .bind::<Timestamptz, _>(Period::instant(period.start_date()))
        .bind::<Text, _>(path.to_owned())
        .bind::<Timestamptz, _>(Period::instant(period.end_date()))
        .bind::<Date, _>(period.start_date())
        .bind::<Date, _>(period.end_date())
}

/// The territory condition on a location path column.
pub fn under(column: &str) -> String {
    format!("({column} = $2 OR left({column}, length($2) + 1) = $2 || '/')")
}

/// An inspection `i` that was conducted: a planned one (dated after today,
/// or whose day has come without a record of what was found) is not.
pub const CONDUCTED: &str = "i.status <> 'planned'";

/// Instant column within the period.
pub fn during(column: &str) -> String {
    format!("({column} >= $1 AND {column} < $3)")
}

/// Date column within the period.
pub fn on_days(column: &str) -> String {
    format!("({column} >= $4 AND {column} < $5)")
}

/// Cases identified in the period and territory.
fn identified_cases() -> String {
    format!(
        "SELECT c.* FROM cases c JOIN locations l ON l.id = c.location_id
         WHERE {} AND {}",
        on_days("c.identified_on"),
        under("l.path")
    )
}

/// Referrals served in the period (the service started), with their case.
fn served_referrals() -> String {
    format!(
        "SELECT c.child_id, c.forms, c.sector, r.service FROM referrals r
         JOIN cases c ON c.id = r.case_id JOIN locations l ON l.id = c.location_id
         WHERE r.status IN ('in_service', 'completed') AND r.service <> 'law_enforcement'
           AND {} AND {}",
        on_days("r.started_on"),
        under("l.path")
    )
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Keyed {
    #[diesel(sql_type = Nullable<Text>)]
    pub key: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Crossed {
    /// Which grouping the row belongs to: 0 a cell, 1 a row total (all
    /// columns), 2 a column total (all rows), 3 the grand total.
    #[diesel(sql_type = Int4)]
    pub g: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub row_key: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub col_key: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// A count per key, with the keys asked for in their order (missing keys 0).
fn ordered<'a>(rows: &[Keyed], keys: impl Iterator<Item = &'a str>) -> Vec<i64> {
    keys.map(|k| {
        rows.iter()
            .find(|r| r.key.as_deref() == Some(k))
            .map_or(0, |r| r.n)
    })
    .collect()
}

/// A table of distinct counts: rows × columns, with row totals, column
/// totals and the grand total as distinct counts too.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cross {
    pub body: Vec<Vec<i64>>,
    pub row_totals: Vec<i64>,
    pub column_totals: Vec<i64>,
    pub grand: i64,
}

impl Cross {
    fn of(rows: &[Crossed], row_keys: &[&str], col_keys: &[&str]) -> Cross {
        let find = |g: i32, r: Option<&str>, c: Option<&str>| {
            rows.iter()
                .find(|x| {
                    x.g == g
                        && (r.is_none() || x.row_key.as_deref() == r)
                        && (c.is_none() || x.col_key.as_deref() == c)
                })
                .map_or(0, |x| x.n)
        };
        Cross {
            body: row_keys
                .iter()
                .map(|r| col_keys.iter().map(|c| find(0, Some(r), Some(c))).collect())
                .collect(),
            row_totals: row_keys.iter().map(|r| find(1, Some(r), None)).collect(),
            column_totals: col_keys.iter().map(|c| find(2, None, Some(c))).collect(),
            grand: find(3, None, None),
        }
    }

    pub fn counts(&self) -> super::suppress::Counts {
        super::suppress::Counts {
            body: self.body.clone(),
            row_totals: Some(self.row_totals.clone()),
            column_totals: Some(self.column_totals.clone()),
            grand: Some(self.grand),
        }
    }
}

/// Children identified, and how they break down.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identified {
    pub total: i64,
    /// Per `ExploitationForm::ALL`.
    pub by_form: Vec<i64>,
    /// Per `Sector::ALL`.
    pub by_sector: Vec<i64>,
    /// Per `Sex::ALL`.
    pub by_sex: Vec<i64>,
    /// Per `AgeBand::ALL`.
    pub by_age: Vec<i64>,
    /// Cases (not children) per `CaseStatus::ALL`, as they stand now.
    pub cases_by_status: Vec<i64>,
}

/// Age at identification; a case may be opened for a young person who has
/// just turned 18 (or whose estimated birth date says so): they are counted
/// apart rather than as 16–17.
pub fn identified(conn: &mut PgConnection, period: &Period, path: &str) -> QueryResult<Identified> {
    use crate::cases::model::{CaseStatus, ExploitationForm, Sector};
    use crate::children::model::Sex;
    let c = identified_cases();
    let keyed = |conn: &mut PgConnection, select: String| -> QueryResult<Vec<Keyed>> {
        scoped(format!("WITH c AS ({c}) {select}"), period, path).load(conn)
    };
    let total = keyed(
        conn,
        "SELECT NULL AS key, count(DISTINCT child_id) AS n FROM c".into(),
    )?;
    let forms = keyed(
        conn,
        "SELECT f AS key, count(DISTINCT child_id) AS n FROM c, unnest(c.forms) f GROUP BY f"
            .into(),
    )?;
    let sectors = keyed(
        conn,
        "SELECT sector AS key, count(DISTINCT child_id) AS n FROM c GROUP BY sector".into(),
    )?;
    let sexes = keyed(
        conn,
        "SELECT ch.sex AS key, count(DISTINCT c.child_id) AS n FROM c
         JOIN children ch ON ch.id = c.child_id GROUP BY ch.sex"
            .into(),
    )?;
    let ages = keyed(
        conn,
        "SELECT CASE WHEN a < 14 THEN 'under_14' WHEN a < 16 THEN '14_15' WHEN a < 18 THEN '16_17' ELSE '18_over' END AS key,
                count(DISTINCT child_id) AS n
         FROM (SELECT c.child_id, date_part('year', age(c.identified_on, ch.birth_date)) AS a
               FROM c JOIN children ch ON ch.id = c.child_id) x GROUP BY 1"
            .into(),
    )?;
    let statuses = keyed(
        conn,
        "SELECT status AS key, count(*) AS n FROM c GROUP BY status".into(),
    )?;
    Ok(Identified {
        total: total.first().map_or(0, |r| r.n),
        by_form: ordered(&forms, ExploitationForm::ALL.iter().map(|f| f.as_str())),
        by_sector: ordered(&sectors, Sector::ALL.iter().map(|s| s.as_str())),
        by_sex: ordered(&sexes, Sex::ALL.iter().map(|s| s.as_str())),
        by_age: ordered(&ages, AgeBand::ALL.iter().map(|b| b.as_str())),
        cases_by_status: ordered(&statuses, CaseStatus::ALL.iter().map(|s| s.as_str())),
    })
}

/// The services a child can be assisted with (every kind but law
/// enforcement, which is a referral of another sort).
pub fn assistance_services() -> Vec<crate::admin::model::ServiceKind> {
    use crate::admin::model::ServiceKind;
    ServiceKind::ALL
        .iter()
        .copied()
        .filter(|s| *s != ServiceKind::LawEnforcement)
        .collect()
}

/// Children assisted in the period: forms of exploitation × services.
pub fn assisted(conn: &mut PgConnection, period: &Period, path: &str) -> QueryResult<Cross> {
    use crate::cases::model::ExploitationForm;
    let sql = format!(
        "WITH s AS ({served}), x AS (SELECT s.child_id, f, s.service FROM s
           LEFT JOIN LATERAL unnest(s.forms) f ON true)
         SELECT (GROUPING(f) * 2 + GROUPING(service))::int4 AS g, f AS row_key, service AS col_key,
                count(DISTINCT child_id) AS n
         FROM x GROUP BY GROUPING SETS ((f, service), (f), (service), ())",
        served = served_referrals()
    );
    // GROUPING gives 1 for the grouped-away column: (f) alone is 1, (service)
    // alone is 2, () is 3, as `Crossed::g` expects.
    let rows: Vec<Crossed> = scoped(sql, period, path).load(conn)?;
    let forms: Vec<&str> = ExploitationForm::ALL.iter().map(|f| f.as_str()).collect();
    let services: Vec<&str> = assistance_services().iter().map(|s| s.as_str()).collect();
    // A case with no form recorded has a NULL form: it is in no row of the
    // body but in the column and grand totals.
    Ok(Cross::of(&rows, &forms, &services))
}

/// The special groups the document names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Groups {
    /// Children identified in commercial sexual exploitation…
    pub csec: i64,
    /// …and of them, recorded as victims (all, by the database's rule).
    pub csec_victims: i64,
    /// Street children identified (street work or forced begging).
    pub street: i64,
    /// Of them, with an education, medical or social service received.
    pub street_education: i64,
    pub street_medical: i64,
    pub street_social: i64,
}

pub fn groups(conn: &mut PgConnection, period: &Period, path: &str) -> QueryResult<Groups> {
    let sql = format!(
        "WITH c AS ({c}),
         street AS (SELECT * FROM c WHERE sector = 'street_work' OR 'forced_begging' = ANY(forms)),
         got AS (SELECT st.child_id, r.service FROM street st JOIN referrals r ON r.case_id = st.id
                 WHERE r.status IN ('in_service', 'completed') AND r.started_on < $5)
         SELECT key, n FROM (
           SELECT 'csec' AS key, count(DISTINCT child_id) AS n FROM c
             WHERE 'commercial_sexual_exploitation' = ANY(forms)
           UNION ALL SELECT 'csec_victims', count(DISTINCT child_id) FROM c
             WHERE 'commercial_sexual_exploitation' = ANY(forms) AND child_is_victim
           UNION ALL SELECT 'street', count(DISTINCT child_id) FROM street
           UNION ALL SELECT 'education', count(DISTINCT child_id) FROM got
             WHERE service IN ('catch_up_education', 'school_enrolment')
           UNION ALL SELECT 'medical', count(DISTINCT child_id) FROM got WHERE service = 'medical'
           UNION ALL SELECT 'social', count(DISTINCT child_id) FROM got
             WHERE service IN ('psychosocial', 'shelter', 'family_support', 'rehabilitation', 'legal_aid')
         ) x",
        c = identified_cases()
    );
    let rows: Vec<Keyed> = scoped(sql, period, path).load(conn)?;
    let v = ordered(
        &rows,
        [
            "csec",
            "csec_victims",
            "street",
            "education",
            "medical",
            "social",
        ]
        .into_iter(),
    );
    Ok(Groups {
        csec: v[0],
        csec_victims: v[1],
        street: v[2],
        street_education: v[3],
        street_medical: v[4],
        street_social: v[5],
    })
}

/// The monitoring indicators.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Monitoring {
    pub identified: i64,
    /// Identified children who received a service.
    pub served: i64,
    /// Median days from identification to the first service.
    pub median_days: Option<f64>,
    /// Children with a follow-up visit in the period…
    pub followed_up: i64,
    /// …whose latest visit found them out of child labour.
    pub withdrawn: i64,
    /// Referrals overdue today.
    pub overdue_referrals: i64,
    /// Latest follow-up in the period: still working (yes, no) × attending
    /// school (yes, no), children.
    pub follow_up_results: Cross,
    /// Referrals sent in the period: service × status.
    pub referrals: Cross,
}

#[derive(QueryableByName)]
struct MonitoringRow {
    #[diesel(sql_type = BigInt)]
    identified: i64,
    #[diesel(sql_type = BigInt)]
    served: i64,
    #[diesel(sql_type = Nullable<Double>)]
    median_days: Option<f64>,
    #[diesel(sql_type = BigInt)]
    followed_up: i64,
    #[diesel(sql_type = BigInt)]
    withdrawn: i64,
}

pub fn monitoring(
    conn: &mut PgConnection,
    period: &Period,
    path: &str,
    overdue: i64,
) -> QueryResult<Monitoring> {
    use crate::admin::model::ServiceKind;
    use crate::referrals::model::ReferralStatus;
    let cases_here = format!(
        "SELECT c.* FROM cases c JOIN locations l ON l.id = c.location_id WHERE {}",
        under("l.path")
    );
    let latest = format!(
        "SELECT DISTINCT ON (f.case_id) f.case_id, h.child_id, f.still_working, f.attending_school
         FROM follow_ups f JOIN ({cases_here}) h ON h.id = f.case_id
         WHERE {} ORDER BY f.case_id, f.visited_on DESC, f.id DESC",
        on_days("f.visited_on")
    );
    let sql = format!(
        "WITH c AS ({c}),
         first AS (SELECT c.id, c.child_id, c.identified_on,
                     (SELECT min(r.started_on) FROM referrals r WHERE r.case_id = c.id
                        AND r.status IN ('in_service', 'completed') AND r.service <> 'law_enforcement'
                        AND r.started_on < $5)
                       AS served_on FROM c),
         latest AS ({latest})
         SELECT
           (SELECT count(DISTINCT child_id) FROM c) AS identified,
           (SELECT count(DISTINCT child_id) FROM first WHERE served_on IS NOT NULL) AS served,
           (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY
               greatest(served_on - identified_on, 0))
              FROM first WHERE served_on IS NOT NULL)::float8 AS median_days,
           (SELECT count(DISTINCT child_id) FROM latest) AS followed_up,
           (SELECT count(DISTINCT child_id) FROM latest WHERE NOT still_working) AS withdrawn",
        c = identified_cases(),
    );
    let row: MonitoringRow = scoped(sql, period, path).get_result(conn)?;
    let follow_sql = format!(
        "WITH latest AS ({latest}), x AS (SELECT child_id,
             CASE WHEN still_working THEN 'yes' ELSE 'no' END AS w,
             CASE WHEN attending_school THEN 'yes' ELSE 'no' END AS s FROM latest)
         SELECT (GROUPING(w) * 2 + GROUPING(s))::int4 AS g, w AS row_key, s AS col_key,
                count(DISTINCT child_id) AS n
         FROM x GROUP BY GROUPING SETS ((w, s), (w), (s), ())"
    );
    let follow: Vec<Crossed> = scoped(follow_sql, period, path).load(conn)?;
    let referral_sql = format!(
        "WITH x AS (SELECT r.service, r.status, r.case_id FROM referrals r
           JOIN ({cases_here}) h ON h.id = r.case_id WHERE {})
         SELECT (GROUPING(service) * 2 + GROUPING(status))::int4 AS g, service AS row_key,
                status AS col_key, count(*) AS n
         FROM x GROUP BY GROUPING SETS ((service, status), (service), (status), ())",
        during("r.sent_at")
    );
    let referrals: Vec<Crossed> = scoped(referral_sql, period, path).load(conn)?;
    let services: Vec<&str> = ServiceKind::ALL.iter().map(|s| s.as_str()).collect();
    let statuses: Vec<&str> = ReferralStatus::ALL.iter().map(|s| s.as_str()).collect();
    Ok(Monitoring {
        identified: row.identified,
        served: row.served,
        median_days: row.median_days,
        followed_up: row.followed_up,
        withdrawn: row.withdrawn,
        overdue_referrals: overdue,
        follow_up_results: Cross::of(&follow, &["yes", "no"], &["yes", "no"]),
        referrals: Cross::of(&referrals, &services, &statuses),
    })
}

/// Children identified in the period (distinct), for the trends.
pub fn identified_total(conn: &mut PgConnection, period: &Period, path: &str) -> QueryResult<i64> {
    let sql = format!(
        "WITH c AS ({}) SELECT NULL AS key, count(DISTINCT child_id) AS n FROM c",
        identified_cases()
    );
    let rows: Vec<Keyed> = scoped(sql, period, path).load(conn)?;
    Ok(rows.first().map_or(0, |r| r.n))
}
