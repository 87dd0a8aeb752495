//! The figures of the annual enforcement report, computed from the records
//! for a period of whole years and a territory (a subtree of the location
//! tree). Counts of the state's own actions are exact (DESIGN §5); money is
//! NUMERIC, summed exactly. Each figure is dated by its event (DESIGN §4
//! "Dates"), never by when it was typed in:
//! - labour inspectors: the posts held at any time in the period, and those
//!   held on its last day (`inspector_posts`, from … to …), in the territory
//!   of the post's office; trained ones: a course completed in the period;
//! - inspections, their kinds, the violations found and referrals: the day
//!   of the visit, conducted ones only (planned ones are their own line);
//! - penalties imposed, their som and the violations they name: the day the
//!   penalty was decided (not cancelled), in the territory of the visit;
//! - penalties collected: those paid in full by a payment of the period;
//!   the amount collected: every payment of the period, partial ones too;
//! - complaints: the day the school charged; investigations: their opening,
//!   court and decision days; children referred both ways: the day the unit
//!   sent the case, and the day law enforcement referred the child.
//!
//! The counts of actions (inspections, violations, penalties, payments,
//! complaints, investigations, referrals) are kept by the database as every
//! record is written (`rollups`, migration `report_rollups`), dated as above;
//! the staff figures are read from their own small tables.
//!
//! No HTTP in here.

use diesel::prelude::*;
use std::collections::BTreeMap;

use diesel::sql_types::{BigInt, Int4, Nullable, Numeric};

use super::indicators::{Period, scoped, under};
use super::rollups::{Counter, Counts};
use rust_decimal::Decimal;

/// Labour law enforcement, as the US DOL findings' table lays it out.
#[derive(Debug, Clone, Default, PartialEq, Eq, QueryableByName)]
pub struct LaborEnforcement {
    /// People in a labour inspector post at any time in the period, in an
    /// office whose territory lies in the territory (staff history, so a
    /// past year never changes with today's accounts).
    #[diesel(sql_type = BigInt)]
    pub inspectors: i64,
    /// Of them, in post on the period's last day (31 December of its last
    /// year; in the current year, whose post has not ended).
    #[diesel(sql_type = BigInt)]
    pub inspectors_on_last_day: i64,
    /// Of the inspectors in post in the period (counted in their post's
    /// office), those who completed a training on forced child labour in it.
    #[diesel(sql_type = BigInt)]
    pub trained_forced_labor: i64,
    #[diesel(sql_type = BigInt)]
    pub inspections: i64,
    #[diesel(sql_type = BigInt)]
    pub at_worksite: i64,
    #[diesel(sql_type = BigInt)]
    pub desk_reviews: i64,
    #[diesel(sql_type = BigInt)]
    pub routine: i64,
    #[diesel(sql_type = BigInt)]
    pub unannounced: i64,
    #[diesel(sql_type = BigInt)]
    pub complaint_driven: i64,
    #[diesel(sql_type = BigInt)]
    pub found_child_labor: i64,
    #[diesel(sql_type = BigInt)]
    pub violations: i64,
    /// Violations (counted as found) named by a penalty decided in the
    /// period, whatever the year of the visit.
    #[diesel(sql_type = BigInt)]
    pub violations_penalised: i64,
    /// Penalties decided in the period (not cancelled), and their amount.
    #[diesel(sql_type = BigInt)]
    pub penalties_imposed: i64,
    #[diesel(sql_type = Numeric)]
    pub imposed_som: Decimal,
    /// Penalties paid in full by a payment of the period.
    #[diesel(sql_type = BigInt)]
    pub penalties_collected: i64,
    /// Everything paid in the period, partial payments included.
    #[diesel(sql_type = Numeric)]
    pub collected_som: Decimal,
    /// Inspections planned for a day of the period and not (yet) conducted.
    #[diesel(sql_type = BigInt)]
    pub planned: i64,
    /// Inspections referred to law enforcement (the referral mechanism).
    #[diesel(sql_type = BigInt)]
    pub referred: i64,
    /// School-fee complaints received (the complaint mechanism).
    #[diesel(sql_type = BigInt)]
    pub complaints: i64,
}

/// Criminal law enforcement.
#[derive(Debug, Clone, Default, PartialEq, Eq, QueryableByName)]
pub struct CriminalEnforcement {
    #[diesel(sql_type = BigInt)]
    pub investigations: i64,
    #[diesel(sql_type = BigInt)]
    pub prosecutions: i64,
    #[diesel(sql_type = BigInt)]
    pub convictions: i64,
    #[diesel(sql_type = BigInt)]
    pub acquittals: i64,
    #[diesel(sql_type = BigInt)]
    pub dismissed: i64,
    #[diesel(sql_type = BigInt)]
    pub prison_sentences: i64,
    #[diesel(sql_type = Numeric)]
    pub fines_som: Decimal,
    /// Cases referred by Child Support Units to law enforcement.
    #[diesel(sql_type = BigInt)]
    pub referred_by_social_services: i64,
    /// Child victims referred by law enforcement to the units.
    #[diesel(sql_type = BigInt)]
    pub referred_to_social_services: i64,
    /// Prosecutors assigned to child labour and trafficking in the last year
    /// of the period (staff is a number per year: years are not added up).
    #[diesel(sql_type = Nullable<BigInt>)]
    pub prosecutor_staff: Option<i64>,
}

/// The staff figures of a year (or a period): small tables of posts,
/// courses and prosecutors assigned, read as they are.
#[derive(Debug, Clone, Default, QueryableByName)]
pub struct Staff {
    #[diesel(sql_type = Int4)]
    year: i32,
    #[diesel(sql_type = BigInt)]
    inspectors: i64,
    #[diesel(sql_type = BigInt)]
    inspectors_on_last_day: i64,
    #[diesel(sql_type = BigInt)]
    trained_forced_labor: i64,
    /// Prosecutors assigned is a number per agency and year, of the last year.
    #[diesel(sql_type = Nullable<BigInt>)]
    prosecutor_staff: Option<i64>,
}

/// The staff query over the rows of `periods` (`year`, `first` day, `after`
/// its last day); the territory's path is `$2`.
fn staff_sql(periods: &str) -> String {
    staff_sql_in(periods, &under("l.path"))
}

/// The staff query with its own condition on the offices' path `l.path`.
fn staff_sql_in(periods: &str, offices: &str) -> String {
    format!(
        "SELECT y.year,
           (SELECT count(DISTINCT ip.user_id) FROM inspector_posts ip
             JOIN agencies a ON a.id = ip.agency_id JOIN locations l ON l.id = a.location_id
             WHERE {in_post} AND {offices}) AS inspectors,
           (SELECT count(DISTINCT ip.user_id) FROM inspector_posts ip
             JOIN agencies a ON a.id = ip.agency_id JOIN locations l ON l.id = a.location_id
             WHERE {on_last_day} AND {offices}) AS inspectors_on_last_day,
           (SELECT count(DISTINCT t.user_id) FROM training_records t
             JOIN inspector_posts ip ON ip.user_id = t.user_id
             JOIN agencies a ON a.id = ip.agency_id JOIN locations l ON l.id = a.location_id
             WHERE t.course = 'forced_child_labor'
               AND t.completed_on >= y.first AND t.completed_on < y.after
               AND {in_post} AND {offices}) AS trained_forced_labor,
           (SELECT sum(s.staff)::bigint FROM prosecutor_staff s
             JOIN agencies a ON a.id = s.agency_id JOIN locations l ON l.id = a.location_id
             WHERE s.year = y.year AND {offices}) AS prosecutor_staff
         FROM ({periods}) y",
        // A post overlapping the period; `to_on` is the last day in post.
        in_post = "(ip.from_on < y.after AND (ip.to_on IS NULL OR ip.to_on >= y.first))",
        on_last_day = "(ip.from_on < y.after AND (ip.to_on IS NULL OR ip.to_on >= y.after - 1))",
    )
}

impl Staff {
    /// The staff of a period (prosecutors: of its last year).
    pub fn of_period(conn: &mut PgConnection, period: &Period, path: &str) -> QueryResult<Staff> {
        scoped(
            staff_sql(&format!(
                "SELECT {}::int AS year, $4::date AS first, $5::date AS after",
                period.to
            )),
            period,
            path,
        )
        .get_result(conn)
    }

    /// The staff of each year `from..=to`, in one query.
    pub fn of_years(
        conn: &mut PgConnection,
        from: i32,
        to: i32,
        path: &str,
    ) -> QueryResult<BTreeMap<i32, Staff>> {
        let rows: Vec<Staff> = diesel::sql_query(staff_sql(
            "SELECT g AS year, make_date(g, 1, 1) AS first, make_date(g + 1, 1, 1) AS after
             FROM generate_series($1::int, $3::int) g",
        ))
        .bind::<Int4, _>(from)
        .bind::<diesel::sql_types::Text, _>(path)
        .bind::<Int4, _>(to)
        .load(conn)?;
        Ok(rows.into_iter().map(|s| (s.year, s)).collect())
    }

    /// The staff of each year `from..=to` of each territory of `places`
    /// ((code, path)), in one query: a table of the territories below a
    /// page's own reads them in one pass, not one query each.
    pub fn of_years_below(
        conn: &mut PgConnection,
        from: i32,
        to: i32,
        places: &[(String, String)],
    ) -> QueryResult<std::collections::HashMap<String, BTreeMap<i32, Staff>>> {
        #[derive(QueryableByName)]
        struct Of {
            #[diesel(sql_type = diesel::sql_types::Text)]
            code: String,
            #[diesel(embed)]
            staff: Staff,
        }
        let staff = staff_sql_in(
            "SELECT g AS year, make_date(g, 1, 1) AS first, make_date(g + 1, 1, 1) AS after
             FROM generate_series($1::int, $3::int) g",
            "(l.path = p.path OR left(l.path, length(p.path) + 1) = p.path || '/')",
        );
        let codes: Vec<&str> = places.iter().map(|(c, _)| c.as_str()).collect();
        let paths: Vec<&str> = places.iter().map(|(_, p)| p.as_str()).collect();
        let rows: Vec<Of> = diesel::sql_query(format!(
            "SELECT p.code, s.* FROM unnest($2::text[], $4::text[]) AS p(code, path)
             CROSS JOIN LATERAL ({staff}) s"
        ))
        .bind::<Int4, _>(from)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(codes)
        .bind::<Int4, _>(to)
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(paths)
        .load(conn)?;
        let mut out: std::collections::HashMap<String, BTreeMap<i32, Staff>> =
            std::collections::HashMap::new();
        for row in rows {
            out.entry(row.code)
                .or_default()
                .insert(row.staff.year, row.staff);
        }
        Ok(out)
    }
}

/// The labour inspectorate's figures: its staff, and the counters the
/// database keeps (`c`, of the same period and territory).
pub fn labor(staff: &Staff, c: &Counts) -> LaborEnforcement {
    LaborEnforcement {
        inspectors: staff.inspectors,
        inspectors_on_last_day: staff.inspectors_on_last_day,
        trained_forced_labor: staff.trained_forced_labor,
        inspections: c.count(Counter::Inspections),
        at_worksite: c.count(Counter::AtWorksite),
        desk_reviews: c.count(Counter::DeskReviews),
        routine: c.count(Counter::Routine),
        unannounced: c.count(Counter::Unannounced),
        complaint_driven: c.count(Counter::ComplaintDriven),
        found_child_labor: c.count(Counter::FoundChildLabor),
        violations: c.count(Counter::Violations),
        violations_penalised: c.count(Counter::ViolationsPenalised),
        penalties_imposed: c.count(Counter::PenaltiesImposed),
        imposed_som: c.money(Counter::ImposedSom),
        penalties_collected: c.count(Counter::PenaltiesCollected),
        collected_som: c.money(Counter::CollectedSom),
        planned: c.count(Counter::Planned),
        referred: c.count(Counter::Referred),
        complaints: c.count(Counter::Complaints),
    }
}

/// Criminal law enforcement: the counters the database keeps, and the
/// prosecutors assigned.
pub fn criminal(staff: &Staff, c: &Counts) -> CriminalEnforcement {
    CriminalEnforcement {
        investigations: c.count(Counter::Investigations),
        prosecutions: c.count(Counter::Prosecutions),
        convictions: c.count(Counter::Convictions),
        acquittals: c.count(Counter::Acquittals),
        dismissed: c.count(Counter::Dismissed),
        prison_sentences: c.count(Counter::PrisonSentences),
        fines_som: c.money(Counter::FinesSom),
        referred_by_social_services: c.count(Counter::ReferredBySocialServices),
        referred_to_social_services: c.count(Counter::ReferredToSocialServices),
        prosecutor_staff: staff.prosecutor_staff,
    }
}
