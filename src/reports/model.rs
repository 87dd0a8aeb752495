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
//! No HTTP in here.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Int4, Nullable, Numeric};

use super::indicators::{CONDUCTED, Period, on_days, scoped, under};
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

pub fn labor(
    conn: &mut PgConnection,
    period: &Period,
    territory: &str,
) -> QueryResult<LaborEnforcement> {
    let sql = format!(
        "WITH i AS (
           SELECT i.* FROM inspections i JOIN locations l ON l.id = i.location_id
           WHERE {visited} AND {CONDUCTED} AND {inspections}
         ),
         -- Penalties belong to the territory of their inspection's visit and
         -- to the period of their decision; payments to that of the payment.
         p AS (
           SELECT p.* FROM penalties p JOIN inspections i ON i.id = p.inspection_id
           JOIN locations l ON l.id = i.location_id
           WHERE {inspections} AND p.status <> 'cancelled'
         )
         SELECT
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
               AND {in_post} AND {offices}) AS trained_forced_labor,
           (SELECT count(*) FROM i) AS inspections,
           (SELECT count(*) FROM i WHERE method = 'worksite') AS at_worksite,
           (SELECT count(*) FROM i WHERE method = 'desk_review') AS desk_reviews,
           (SELECT count(*) FROM i WHERE kind = 'routine') AS routine,
           (SELECT count(*) FROM i WHERE kind = 'unannounced') AS unannounced,
           (SELECT count(*) FROM i WHERE kind = 'complaint') AS complaint_driven,
           (SELECT count(*) FROM i WHERE children_found > 0) AS found_child_labor,
           (SELECT coalesce(sum(v.count), 0)::bigint FROM inspection_violations v
             JOIN i ON i.id = v.inspection_id) AS violations,
           (SELECT coalesce(sum(v.count), 0)::bigint FROM p
             JOIN penalty_violations pv ON pv.penalty_id = p.id
             JOIN inspection_violations v ON v.inspection_id = pv.inspection_id AND v.kind = pv.kind
             WHERE {decided}) AS violations_penalised,
           (SELECT count(*) FROM p WHERE {decided}) AS penalties_imposed,
           (SELECT coalesce(sum(p.imposed), 0) FROM p WHERE {decided}) AS imposed_som,
           (SELECT count(*) FROM p WHERE p.status = 'paid' AND {paid_in_full}) AS penalties_collected,
           (SELECT coalesce(sum(pp.amount), 0) FROM penalty_payments pp JOIN p ON p.id = pp.penalty_id
             WHERE {paid}) AS collected_som,
           (SELECT count(*) FROM inspections i JOIN locations l ON l.id = i.location_id
             WHERE {visited} AND i.status = 'planned' AND {inspections}) AS planned,
           (SELECT count(*) FROM i WHERE law_enforcement_id IS NOT NULL) AS referred,
           (SELECT count(*) FROM school_fee_complaints c JOIN locations l ON l.id = c.location_id
             WHERE {charged} AND {complaints}) AS complaints",
        visited = on_days("i.visited_on"),
        decided = on_days("p.decided_on"),
        paid_in_full = on_days("p.collected_on"),
        paid = on_days("pp.paid_on"),
        trained = on_days("t.completed_on"),
        charged = on_days("c.charged_on"),
        inspections = under("l.path"),
        offices = under("l.path"),
        // A post overlapping the period ($4 its first day, $5 the day after
        // its last); `to_on` is the last day in post.
        in_post = "(ip.from_on < $5 AND (ip.to_on IS NULL OR ip.to_on >= $4))",
        on_last_day = "(ip.from_on < $5 AND (ip.to_on IS NULL OR ip.to_on >= $5 - 1))",
        complaints = under("l.path"),
    );
    scoped(sql, period, territory).get_result(conn)
}

pub fn criminal(
    conn: &mut PgConnection,
    period: &Period,
    territory: &str,
) -> QueryResult<CriminalEnforcement> {
    // An investigation belongs to the territory of the agency holding it.
    let sql = format!(
        "WITH v AS (
           SELECT v.* FROM investigations v JOIN agencies a ON a.id = v.agency_id
           JOIN locations l ON l.id = a.location_id WHERE {agencies}
         )
         SELECT
           (SELECT count(*) FROM v WHERE {opened}) AS investigations,
           (SELECT count(*) FROM v WHERE {in_court}) AS prosecutions,
           (SELECT count(*) FROM v WHERE stage = 'convicted'
             AND {decided}) AS convictions,
           (SELECT count(*) FROM v WHERE stage = 'acquitted'
             AND {decided}) AS acquittals,
           (SELECT count(*) FROM v WHERE stage = 'dismissed'
             AND {decided}) AS dismissed,
           (SELECT count(*) FROM v WHERE stage = 'convicted' AND prison_months > 0
             AND {decided}) AS prison_sentences,
           (SELECT coalesce(sum(fine), 0) FROM v WHERE stage = 'convicted'
             AND {decided}) AS fines_som,
           (SELECT count(*) FROM le_referrals r JOIN cases c ON c.id = r.case_id
             JOIN locations l ON l.id = c.location_id
             WHERE {sent} AND {cases})
             AS referred_by_social_services,
           -- A victim referred by law enforcement is counted on the day of
           -- the referral, which is the day its case says the child was
           -- identified.
           (SELECT count(*) FROM investigation_events e JOIN v ON v.id = e.investigation_id
             JOIN cases c ON c.id = (e.details->>'case_id')::bigint
             WHERE e.kind = 'victim_referred'
               AND {identified})
             AS referred_to_social_services,
           (SELECT sum(s.staff)::bigint FROM prosecutor_staff s JOIN agencies a ON a.id = s.agency_id
             JOIN locations l ON l.id = a.location_id WHERE s.year = $7 AND {agencies})
             AS prosecutor_staff",
        agencies = under("l.path"),
        cases = under("l.path"),
        opened = on_days("opened_on"),
        in_court = on_days("in_court_on"),
        decided = on_days("decided_on"),
        sent = on_days("r.sent_on"),
        identified = on_days("c.identified_on"),
    );
    scoped(sql, period, territory)
        .bind::<Int4, _>(period.from)
        .bind::<Int4, _>(period.to)
        .get_result(conn)
}
