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
use diesel::sql_types::{BigInt, Int4, Nullable, Numeric};

use super::indicators::{Period, on_days, scoped, under};
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

/// The staff figures: small tables of posts and courses, read as they are.
#[derive(Debug, Clone, Default, QueryableByName)]
struct Staff {
    #[diesel(sql_type = BigInt)]
    inspectors: i64,
    #[diesel(sql_type = BigInt)]
    inspectors_on_last_day: i64,
    #[diesel(sql_type = BigInt)]
    trained_forced_labor: i64,
}

/// The labour inspectorate's figures: its staff read from the posts, the rest
/// from the counters the database keeps (`c`, of the same period and
/// territory).
pub fn labor(
    conn: &mut PgConnection,
    period: &Period,
    territory: &str,
    c: &Counts,
) -> QueryResult<LaborEnforcement> {
    // Inspectors are people, counted once however many posts they held: the
    // posts table (a few rows per inspector) is read directly.
    let sql = format!(
        "SELECT
           (SELECT count(DISTINCT ip.user_id) FROM inspector_posts ip
             JOIN agencies a ON a.id = ip.agency_id JOIN locations l ON l.id = a.location_id
             WHERE {in_post} AND {offices}) AS inspectors,
           (SELECT count(DISTINCT ip.user_id) FROM inspector_posts ip
             JOIN agencies a ON a.id = ip.agency_id JOIN locations l ON l.id = a.location_id
             WHERE {on_last_day} AND {offices}) AS inspectors_on_last_day,
           (SELECT count(DISTINCT t.user_id) FROM training_records t
             JOIN inspector_posts ip ON ip.user_id = t.user_id
             JOIN agencies a ON a.id = ip.agency_id JOIN locations l ON l.id = a.location_id
             WHERE t.course = 'forced_child_labor' AND {trained}
               AND {in_post} AND {offices}) AS trained_forced_labor",
        trained = on_days("t.completed_on"),
        offices = under("l.path"),
        // A post overlapping the period ($4 its first day, $5 the day after
        // its last); `to_on` is the last day in post.
        in_post = "(ip.from_on < $5 AND (ip.to_on IS NULL OR ip.to_on >= $4))",
        on_last_day = "(ip.from_on < $5 AND (ip.to_on IS NULL OR ip.to_on >= $5 - 1))",
    );
    let staff: Staff = scoped(sql, period, territory).get_result(conn)?;
    Ok(LaborEnforcement {
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
    })
}

#[derive(Debug, Clone, Default, QueryableByName)]
struct ProsecutorStaff {
    #[diesel(sql_type = Nullable<BigInt>)]
    staff: Option<i64>,
}

pub fn criminal(
    conn: &mut PgConnection,
    period: &Period,
    territory: &str,
    c: &Counts,
) -> QueryResult<CriminalEnforcement> {
    // Prosecutors assigned is a number per agency and year, of the last year.
    let staff: ProsecutorStaff = diesel::sql_query(format!(
        "SELECT sum(s.staff)::bigint AS staff FROM prosecutor_staff s
           JOIN agencies a ON a.id = s.agency_id JOIN locations l ON l.id = a.location_id
          WHERE s.year = $1 AND {agencies}",
        agencies = under("l.path"),
    ))
    .bind::<Int4, _>(period.to)
    .bind::<diesel::sql_types::Text, _>(territory)
    .get_result(conn)?;
    Ok(CriminalEnforcement {
        investigations: c.count(Counter::Investigations),
        prosecutions: c.count(Counter::Prosecutions),
        convictions: c.count(Counter::Convictions),
        acquittals: c.count(Counter::Acquittals),
        dismissed: c.count(Counter::Dismissed),
        prison_sentences: c.count(Counter::PrisonSentences),
        fines_som: c.money(Counter::FinesSom),
        referred_by_social_services: c.count(Counter::ReferredBySocialServices),
        referred_to_social_services: c.count(Counter::ReferredToSocialServices),
        prosecutor_staff: staff.staff,
    })
}
