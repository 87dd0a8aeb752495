//! Investigations, the cases and inspections they concern, and referrals to
//! law enforcement. No HTTP in here.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Int4, Nullable, Numeric, Text, Timestamptz};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::admin::model::Names;
use crate::db::schema::{
    investigation_cases, investigation_events, investigation_inspections, investigations,
    le_referrals,
};

crate::text_enum! {
    pub enum Offense ("offense") {
        ChildTrafficking = "child_trafficking",
        ForcedChildLabor = "forced_child_labor",
        Csec = "csec",
        IllicitActivities = "illicit_activities",
        WorstForms = "worst_forms",
        LaborCode = "labor_code",
    }
}

crate::text_enum! {
    pub enum Stage ("investigation-stage") {
        Investigation = "investigation",
        InCourt = "in_court",
        Convicted = "convicted",
        Acquitted = "acquitted",
        Dismissed = "dismissed",
        Suspended = "suspended",
    }
}

crate::text_enum! {
    /// What a child is to an investigation: never anything but these.
    pub enum ChildRole ("child-role") {
        Victim = "victim",
        Witness = "witness",
    }
}

crate::text_enum! {
    pub enum LeStatus ("le-referral-status") {
        Sent = "sent",
        Accepted = "accepted",
        Declined = "declined",
    }
}

crate::text_enum! {
    pub enum InvestigationEvent ("investigation-event") {
        Opened = "opened",
        Updated = "updated",
        Stage = "stage",
        CaseLinked = "case_linked",
        InspectionLinked = "inspection_linked",
        VictimReferred = "victim_referred",
    }
}

fn offenses_text(offenses: &[Offense]) -> Vec<String> {
    offenses.iter().map(|o| o.as_str().to_owned()).collect()
}

fn parse_offenses(values: &[String]) -> Vec<Offense> {
    values.iter().filter_map(|o| Offense::parse(o)).collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestigationInput {
    pub offenses: Vec<Offense>,
    pub opened_on: NaiveDate,
    pub reference: String,
    pub suspects: i32,
    pub notes: String,
}

pub fn create(
    conn: &mut PgConnection,
    agency: i64,
    input: &InvestigationInput,
    by: i64,
) -> QueryResult<i64> {
    diesel::insert_into(investigations::table)
        .values((
            investigations::agency_id.eq(agency),
            investigations::offenses.eq(offenses_text(&input.offenses)),
            investigations::opened_on.eq(input.opened_on),
            investigations::stage_on.eq(input.opened_on),
            investigations::reference.eq(&input.reference),
            investigations::suspects.eq(input.suspects),
            investigations::notes.eq(&input.notes),
            investigations::created_by.eq(by),
        ))
        .returning(investigations::id)
        .get_result(conn)
}

/// What a stage move records: its date, and the penalties of a conviction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveInput {
    pub on: NaiveDate,
    pub prison_months: Option<i32>,
    pub fine: Option<Decimal>,
    pub other_penalty: String,
}

/// Move to `to` over `version`, judged on stage `from`; `Ok(false)` when the
/// investigation changed meanwhile.
pub fn move_stage(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    from: Stage,
    to: Stage,
    input: &MoveInput,
) -> QueryResult<bool> {
    let target = investigations::table
        .filter(investigations::id.eq(id))
        .filter(investigations::version.eq(version))
        .filter(investigations::stage.eq(from));
    let common = (
        investigations::stage.eq(to),
        investigations::stage_on.eq(input.on),
        investigations::version.eq(investigations::version + 1),
        investigations::updated_at.eq(Utc::now()),
    );
    let updated = match (from, to) {
        // Resumed: back where it was suspended from.
        (Stage::Suspended, _) => diesel::update(target)
            .set((
                common,
                investigations::decided_on.eq(None::<NaiveDate>),
                investigations::suspended_from.eq(None::<String>),
            ))
            .execute(conn)?,
        (_, Stage::Suspended) => diesel::update(target)
            .set((
                common,
                investigations::decided_on.eq(Some(input.on)),
                investigations::suspended_from.eq(Some(from.as_str())),
            ))
            .execute(conn)?,
        (_, Stage::InCourt) => diesel::update(target)
            .set((common, investigations::in_court_on.eq(Some(input.on))))
            .execute(conn)?,
        (_, Stage::Investigation) => diesel::update(target)
            .set((common, investigations::decided_on.eq(None::<NaiveDate>)))
            .execute(conn)?,
        (_, Stage::Convicted) => diesel::update(target)
            .set((
                common,
                investigations::decided_on.eq(Some(input.on)),
                investigations::prison_months.eq(input.prison_months),
                investigations::fine.eq(input.fine),
                investigations::other_penalty.eq(&input.other_penalty),
            ))
            .execute(conn)?,
        (_, Stage::Acquitted | Stage::Dismissed) => diesel::update(target)
            .set((common, investigations::decided_on.eq(Some(input.on))))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

pub fn add_event(
    conn: &mut PgConnection,
    id: i64,
    actor: i64,
    kind: InvestigationEvent,
    note: &str,
    details: Value,
) -> QueryResult<()> {
    diesel::insert_into(investigation_events::table)
        .values((
            investigation_events::investigation_id.eq(id),
            investigation_events::actor_id.eq(actor),
            investigation_events::kind.eq(kind),
            investigation_events::note.eq(note),
            investigation_events::details.eq(details),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn link_case(conn: &mut PgConnection, id: i64, case: i64, role: ChildRole) -> QueryResult<()> {
    diesel::insert_into(investigation_cases::table)
        .values((
            investigation_cases::investigation_id.eq(id),
            investigation_cases::case_id.eq(case),
            investigation_cases::role.eq(role),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|_| ())
}

pub fn link_inspection(conn: &mut PgConnection, id: i64, inspection: i64) -> QueryResult<()> {
    diesel::insert_into(investigation_inspections::table)
        .values((
            investigation_inspections::investigation_id.eq(id),
            investigation_inspections::inspection_id.eq(inspection),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Investigation {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub agency_id: i64,
    #[diesel(sql_type = Text)]
    pub agency_ky: String,
    #[diesel(sql_type = Text)]
    pub agency_ru: String,
    #[diesel(sql_type = Text)]
    pub agency_en: String,
    #[diesel(sql_type = Array<Text>)]
    pub offenses: Vec<String>,
    #[diesel(sql_type = Date)]
    pub opened_on: NaiveDate,
    #[diesel(sql_type = Text)]
    pub reference: String,
    #[diesel(sql_type = Int4)]
    pub suspects: i32,
    #[diesel(sql_type = Text)]
    pub stage: Stage,
    #[diesel(sql_type = Nullable<Date>)]
    pub in_court_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub decided_on: Option<NaiveDate>,
    #[diesel(sql_type = Date)]
    pub stage_on: NaiveDate,
    #[diesel(sql_type = Nullable<Text>)]
    pub suspended_from: Option<String>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub prison_months: Option<i32>,
    #[diesel(sql_type = Nullable<Numeric>)]
    pub fine: Option<Decimal>,
    #[diesel(sql_type = Text)]
    pub other_penalty: String,
    #[diesel(sql_type = Text)]
    pub notes: String,
    #[diesel(sql_type = Int4)]
    pub version: i32,
}

impl Investigation {
    pub fn agency(&self) -> Names {
        Names::of(&self.agency_ky, &self.agency_ru, &self.agency_en)
    }

    pub fn offense_list(&self) -> Vec<Offense> {
        parse_offenses(&self.offenses)
    }
}

const SELECT: &str = "SELECT v.id, v.agency_id, a.name_ky AS agency_ky, a.name_ru AS agency_ru,
        a.name_en AS agency_en, v.offenses, v.opened_on, v.reference, v.suspects, v.stage,
        v.in_court_on, v.decided_on, v.stage_on, v.suspended_from, v.prison_months, v.fine, v.other_penalty, v.notes, v.version
     FROM investigations v JOIN agencies a ON a.id = v.agency_id";

pub fn get(conn: &mut PgConnection, id: i64) -> QueryResult<Investigation> {
    diesel::sql_query(format!("{SELECT} WHERE v.id = $1"))
        .bind::<BigInt, _>(id)
        .get_result(conn)
}

/// The agency's investigations, newest first, before `before` (keyset on id).
pub fn list(
    conn: &mut PgConnection,
    agency: i64,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<Investigation>> {
    diesel::sql_query(format!(
        "{SELECT} WHERE v.agency_id = $1 AND ($2::bigint IS NULL OR v.id < $2)
         ORDER BY v.id DESC LIMIT $3"
    ))
    .bind::<BigInt, _>(agency)
    .bind::<Nullable<BigInt>, _>(before)
    .bind::<BigInt, _>(limit)
    .load(conn)
}

/// A child linked to an investigation, as law enforcement sees it.
#[derive(Debug, Clone, QueryableByName)]
pub struct LinkedCase {
    #[diesel(sql_type = BigInt)]
    pub case_id: i64,
    #[diesel(sql_type = Text)]
    pub role: ChildRole,
    #[diesel(sql_type = Text)]
    pub family_name: String,
    #[diesel(sql_type = Text)]
    pub given_name: String,
    #[diesel(sql_type = Text)]
    pub sex: crate::children::model::Sex,
    #[diesel(sql_type = Date)]
    pub birth_date: NaiveDate,
}

pub fn cases_of(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<LinkedCase>> {
    diesel::sql_query(
        "SELECT l.case_id, l.role, ch.family_name, ch.given_name, ch.sex, ch.birth_date
         FROM investigation_cases l
         JOIN cases c ON c.id = l.case_id JOIN children ch ON ch.id = c.child_id
         WHERE l.investigation_id = $1 ORDER BY l.case_id",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct LinkedInspection {
    #[diesel(sql_type = BigInt)]
    pub inspection_id: i64,
    #[diesel(sql_type = Date)]
    pub visited_on: NaiveDate,
    #[diesel(sql_type = Text)]
    pub establishment: String,
}

pub fn inspections_of(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<LinkedInspection>> {
    diesel::sql_query(
        "SELECT l.inspection_id, i.visited_on, e.name AS establishment
         FROM investigation_inspections l
         JOIN inspections i ON i.id = l.inspection_id
         JOIN establishments e ON e.id = i.establishment_id
         WHERE l.investigation_id = $1 ORDER BY i.visited_on",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Event {
    #[diesel(sql_type = Timestamptz)]
    pub at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    pub actor: Option<String>,
    #[diesel(sql_type = Text)]
    pub kind: InvestigationEvent,
    #[diesel(sql_type = Text)]
    pub note: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub stage: Option<String>,
}

pub fn events(conn: &mut PgConnection, id: i64) -> QueryResult<Vec<Event>> {
    diesel::sql_query(
        "SELECT e.at, u.display_name AS actor, e.kind, e.note, e.details->>'to' AS stage
         FROM investigation_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.investigation_id = $1 ORDER BY e.at, e.id",
    )
    .bind::<BigInt, _>(id)
    .load(conn)
}

/// What a Child Support Unit sees of the investigations of its case: the
/// stage only, never the internals.
#[derive(Debug, Clone, QueryableByName)]
pub struct StageOfCase {
    #[diesel(sql_type = BigInt)]
    pub investigation_id: i64,
    #[diesel(sql_type = Text)]
    pub stage: Stage,
    #[diesel(sql_type = Text)]
    pub role: ChildRole,
    #[diesel(sql_type = Text)]
    pub agency_ky: String,
    #[diesel(sql_type = Text)]
    pub agency_ru: String,
    #[diesel(sql_type = Text)]
    pub agency_en: String,
}

impl StageOfCase {
    pub fn agency(&self) -> Names {
        Names::of(&self.agency_ky, &self.agency_ru, &self.agency_en)
    }
}

pub fn stages_of_case(conn: &mut PgConnection, case: i64) -> QueryResult<Vec<StageOfCase>> {
    diesel::sql_query(
        "SELECT v.id AS investigation_id, v.stage, l.role, a.name_ky AS agency_ky,
                a.name_ru AS agency_ru, a.name_en AS agency_en
         FROM investigation_cases l
         JOIN investigations v ON v.id = l.investigation_id
         JOIN agencies a ON a.id = v.agency_id
         WHERE l.case_id = $1 ORDER BY v.id",
    )
    .bind::<BigInt, _>(case)
    .load(conn)
}

// ------------------------------------------------------------------ referrals

pub fn refer(
    conn: &mut PgConnection,
    agency: i64,
    case: Option<i64>,
    inspection: Option<i64>,
    note: &str,
    by: i64,
    sent_on: NaiveDate,
) -> QueryResult<i64> {
    diesel::insert_into(le_referrals::table)
        .values((
            le_referrals::agency_id.eq(agency),
            le_referrals::case_id.eq(case),
            le_referrals::inspection_id.eq(inspection),
            le_referrals::note.eq(note),
            le_referrals::sent_by.eq(by),
            le_referrals::sent_on.eq(sent_on),
        ))
        .returning(le_referrals::id)
        .get_result(conn)
}

/// Is an inspection already referred to this agency (and not declined)?
pub fn inspection_referred(
    conn: &mut PgConnection,
    inspection: i64,
    agency: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        le_referrals::table
            .filter(le_referrals::inspection_id.eq(inspection))
            .filter(le_referrals::agency_id.eq(agency))
            .filter(le_referrals::status.ne(LeStatus::Declined)),
    ))
    .get_result(conn)
}

/// A referral as the receiving agency sees it: what it concerns, and only
/// the case data law enforcement needs (name, sex, birth date, the forms of
/// exploitation and what happened), as they were when it was sent.
#[derive(Debug, Clone, QueryableByName)]
pub struct LeReferral {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub agency_id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub case_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub inspection_id: Option<i64>,
    #[diesel(sql_type = Text)]
    pub note: String,
    #[diesel(sql_type = Text)]
    pub status: LeStatus,
    #[diesel(sql_type = Text)]
    pub decline_reason: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub investigation_id: Option<i64>,
    #[diesel(sql_type = Timestamptz)]
    pub sent_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub sent_by: String,
    #[diesel(sql_type = Int4)]
    pub version: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub child_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub child_sex: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub child_birth_date: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Array<Text>>)]
    pub forms: Option<Vec<String>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub narrative: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub establishment: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub visited_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Int4>)]
    pub children_found: Option<i32>,
    /// The day the referral was closed (`LE_CLOSED_ON`), if it is.
    #[diesel(sql_type = Nullable<Date>)]
    pub closed_on: Option<NaiveDate>,
}

impl LeReferral {
    /// The last day law enforcement reads the child's data this referral
    /// shared (none while it is open).
    pub fn shared_until(&self, access_days: i64) -> Option<NaiveDate> {
        crate::policy::le_access_ends(self.closed_on, access_days)
    }

    /// Forget the child's data: the access to it has ended. The referral
    /// itself (dates, status, the note, the answer) remains.
    pub fn withhold_child(&mut self) {
        self.child_name = None;
        self.child_sex = None;
        self.child_birth_date = None;
        self.forms = None;
        self.narrative = None;
    }

    pub fn form_list(&self) -> Vec<crate::cases::model::ExploitationForm> {
        self.forms
            .iter()
            .flatten()
            .filter_map(|f| crate::cases::model::ExploitationForm::parse(f))
            .collect()
    }

    pub fn sex(&self) -> Option<crate::children::model::Sex> {
        self.child_sex
            .as_deref()
            .and_then(crate::children::model::Sex::parse)
    }
}

/// The day a referral to law enforcement was closed (see
/// `policy::le_access_ends`): the day it was declined, or the day its
/// investigation was decided (convicted, acquitted, dismissed); none while
/// it waits or its investigation is under way, in court or suspended.
const LE_CLOSED_ON: &str = "CASE
      WHEN r.status = 'declined' THEN (r.answered_at AT TIME ZONE 'Asia/Bishkek')::date
      WHEN v.stage IN ('convicted', 'acquitted', 'dismissed') THEN v.decided_on END";

/// The child's data comes from the copy the referral took when it was sent
/// (migration `le_referral_snapshot`), never from the live record.
fn referral_select() -> String {
    format!(
        "SELECT r.id, r.agency_id, r.case_id, r.inspection_id, r.note, r.status,
        r.decline_reason, r.investigation_id, r.sent_at, u.display_name AS sent_by, r.version,
        CASE WHEN r.case_id IS NOT NULL
          THEN (r.shared_data->>'family_name') || ' ' || (r.shared_data->>'given_name') END
          AS child_name,
        r.shared_data->>'sex' AS child_sex,
        (r.shared_data->>'birth_date')::date AS child_birth_date,
        CASE WHEN r.shared_data->'forms' IS NOT NULL
          THEN ARRAY(SELECT jsonb_array_elements_text(r.shared_data->'forms')) END AS forms,
        r.shared_data->>'narrative' AS narrative,
        e.name AS establishment, i.visited_on, i.children_found,
        {LE_CLOSED_ON} AS closed_on
     FROM le_referrals r
     JOIN users u ON u.id = r.sent_by
     LEFT JOIN investigations v ON v.id = r.investigation_id
     LEFT JOIN inspections i ON i.id = r.inspection_id
     LEFT JOIN establishments e ON e.id = i.establishment_id"
    )
}

pub fn get_referral(conn: &mut PgConnection, id: i64) -> QueryResult<LeReferral> {
    diesel::sql_query(format!("{} WHERE r.id = $1", referral_select()))
        .bind::<BigInt, _>(id)
        .get_result(conn)
}

/// Referrals waiting for the agency's answer, oldest first.
pub fn waiting_for(conn: &mut PgConnection, agency: i64) -> QueryResult<Vec<LeReferral>> {
    diesel::sql_query(format!(
        "{} WHERE r.agency_id = $1 AND r.status = 'sent' ORDER BY r.id LIMIT 100",
        referral_select()
    ))
    .bind::<BigInt, _>(agency)
    .load(conn)
}

/// The referrals of a case, for its page (any status).
pub fn referrals_of_case(conn: &mut PgConnection, case: i64) -> QueryResult<Vec<LeReferral>> {
    diesel::sql_query(format!(
        "{} WHERE r.case_id = $1 ORDER BY r.id",
        referral_select()
    ))
    .bind::<BigInt, _>(case)
    .load(conn)
}

/// Hold a referral's row until the transaction ends: two answers at once
/// cannot both be taken.
pub fn lock_referral(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    le_referrals::table
        .find(id)
        .select(le_referrals::id)
        .for_update()
        .first::<i64>(conn)
        .map(|_| ())
}

/// An inspection no longer names this agency: a referral it never answered
/// is withdrawn from its queue.
pub fn withdraw_waiting(
    conn: &mut PgConnection,
    inspection: i64,
    agency: i64,
) -> QueryResult<usize> {
    diesel::delete(
        le_referrals::table
            .filter(le_referrals::inspection_id.eq(inspection))
            .filter(le_referrals::agency_id.eq(agency))
            .filter(le_referrals::status.eq(LeStatus::Sent)),
    )
    .execute(conn)
}

pub fn accept(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    investigation: i64,
) -> QueryResult<bool> {
    let updated = diesel::update(
        le_referrals::table
            .filter(le_referrals::id.eq(id))
            .filter(le_referrals::version.eq(version))
            .filter(le_referrals::status.eq(LeStatus::Sent)),
    )
    .set((
        le_referrals::status.eq(LeStatus::Accepted),
        le_referrals::investigation_id.eq(Some(investigation)),
        le_referrals::answered_at.eq(Some(Utc::now())),
        le_referrals::version.eq(le_referrals::version + 1),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn decline(conn: &mut PgConnection, id: i64, version: i32, reason: &str) -> QueryResult<bool> {
    let updated = diesel::update(
        le_referrals::table
            .filter(le_referrals::id.eq(id))
            .filter(le_referrals::version.eq(version))
            .filter(le_referrals::status.eq(LeStatus::Sent)),
    )
    .set((
        le_referrals::status.eq(LeStatus::Declined),
        le_referrals::decline_reason.eq(reason),
        le_referrals::answered_at.eq(Some(Utc::now())),
        le_referrals::version.eq(le_referrals::version + 1),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Police units and prosecutors' offices, to refer to.
pub use crate::inspections::model::{AgencyChoice, law_enforcement_agencies};

// ------------------------------------------------- prosecutors' staff

/// Record how many staff of a prosecutor's office work on child labour and
/// trafficking in `year` (replacing what was recorded).
pub fn set_staff(conn: &mut PgConnection, agency: i64, year: i32, staff: i32) -> QueryResult<()> {
    use crate::db::schema::prosecutor_staff as ps;
    diesel::insert_into(ps::table)
        .values((
            ps::agency_id.eq(agency),
            ps::year.eq(year),
            ps::staff.eq(staff),
        ))
        .on_conflict((ps::agency_id, ps::year))
        .do_update()
        .set(ps::staff.eq(staff))
        .execute(conn)
        .map(|_| ())
}

/// (year, staff) of an office, latest year first.
pub fn staff_of(conn: &mut PgConnection, agency: i64) -> QueryResult<Vec<(i32, i32)>> {
    use crate::db::schema::prosecutor_staff as ps;
    ps::table
        .filter(ps::agency_id.eq(agency))
        .order(ps::year.desc())
        .select((ps::year, ps::staff))
        .load(conn)
}

/// Staff of all prosecutors' offices on child labour and trafficking in a
/// year (the figure the reports publish).
pub fn staff_in(conn: &mut PgConnection, year: i32) -> QueryResult<i64> {
    use crate::db::schema::prosecutor_staff as ps;
    ps::table
        .filter(ps::year.eq(year))
        .select(diesel::dsl::sum(ps::staff))
        .first::<Option<i64>>(conn)
        .map(|s| s.unwrap_or(0))
}

/// What became of an inspection's referrals to law enforcement, for its page.
#[derive(Debug, Clone, QueryableByName)]
pub struct InspectionReferral {
    #[diesel(sql_type = Text)]
    pub agency_ky: String,
    #[diesel(sql_type = Text)]
    pub agency_ru: String,
    #[diesel(sql_type = Text)]
    pub agency_en: String,
    #[diesel(sql_type = Text)]
    pub status: LeStatus,
    #[diesel(sql_type = Text)]
    pub decline_reason: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    pub investigation_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub stage: Option<Stage>,
}

impl InspectionReferral {
    pub fn agency(&self) -> Names {
        Names::of(&self.agency_ky, &self.agency_ru, &self.agency_en)
    }
}

pub fn referrals_of_inspection(
    conn: &mut PgConnection,
    inspection: i64,
) -> QueryResult<Vec<InspectionReferral>> {
    diesel::sql_query(
        "SELECT a.name_ky AS agency_ky, a.name_ru AS agency_ru, a.name_en AS agency_en, r.status,
                r.decline_reason, r.investigation_id, v.stage
         FROM le_referrals r
         JOIN agencies a ON a.id = r.agency_id
         LEFT JOIN investigations v ON v.id = r.investigation_id
         WHERE r.inspection_id = $1 ORDER BY r.id",
    )
    .bind::<BigInt, _>(inspection)
    .load(conn)
}
