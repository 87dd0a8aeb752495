//! Cases: the child, the unit whose queue holds the case, the workflow state,
//! the timeline, follow-up visits. Every query that lists cases takes a
//! `CaseScope`, so a case of another unit can be neither listed nor opened.
//! No HTTP in here.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Int4, Nullable, Text, Timestamptz};
use serde_json::Value;

use super::workflow::Visit;
use crate::admin::model::Names;
use crate::children::model::{Sex, full_name};
use crate::db::schema::{case_events, cases, follow_ups};

crate::text_enum! {
    /// How the case came to the unit.
    pub enum CaseSource ("case-source") {
        Inspection = "inspection",
        Hotline = "hotline",
        Police = "police",
        School = "school",
        Health = "health",
        Ngo = "ngo",
        StreetOutreach = "street_outreach",
        SelfFamily = "self_family",
    }
}

crate::text_enum! {
    /// Forms of exploitation (DESIGN §2): hazardous work and the worst forms.
    pub enum ExploitationForm ("exploitation-form") {
        HazardousWork = "hazardous_work",
        ForcedLabor = "forced_labor",
        Trafficking = "trafficking",
        CommercialSexualExploitation = "commercial_sexual_exploitation",
        IllicitActivities = "illicit_activities",
        ForcedBegging = "forced_begging",
    }
}

impl ExploitationForm {
    /// A child in one of these forms is a victim, whatever else is recorded;
    /// the database computes the same from the same list (see the migration).
    pub fn makes_victim(self) -> bool {
        matches!(
            self,
            ExploitationForm::CommercialSexualExploitation
                | ExploitationForm::IllicitActivities
                | ExploitationForm::Trafficking
                | ExploitationForm::ForcedLabor
        )
    }
}

crate::text_enum! {
    pub enum Sector ("sector") {
        Agriculture = "agriculture",
        Livestock = "livestock",
        MarketsTrade = "markets_trade",
        StreetWork = "street_work",
        Construction = "construction",
        Manufacturing = "manufacturing",
        Mining = "mining",
        DomesticWork = "domestic_work",
        Transport = "transport",
        Services = "services",
        Other = "other",
    }
}

crate::text_enum! {
    pub enum Risk ("risk") {
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

crate::text_enum! {
    pub enum CaseStatus ("case-status") {
        New = "new",
        Assessment = "assessment",
        CasePlan = "case_plan",
        InServices = "in_services",
        Monitoring = "monitoring",
        Closed = "closed",
    }
}

crate::text_enum! {
    pub enum ClosureReason ("closure-reason") {
        Withdrawn = "withdrawn",
        Turned18 = "turned_18",
        MovedAway = "moved_away",
        Transferred = "transferred",
        Reunified = "reunified",
        Died = "died",
        Other = "other",
    }
}

crate::text_enum! {
    /// An entry of a case's timeline.
    pub enum EventKind ("case-event") {
        Opened = "opened",
        Updated = "updated",
        Assigned = "assigned",
        AssessmentStarted = "assessment_started",
        AssessmentRecorded = "assessment_recorded",
        PlanSubmitted = "plan_submitted",
        PlanApproved = "plan_approved",
        PlanRejected = "plan_rejected",
        MonitoringStarted = "monitoring_started",
        FollowUp = "follow_up",
        ReferralSent = "referral_sent",
        ReferralAccepted = "referral_accepted",
        ReferralDeclined = "referral_declined",
        ReferralStarted = "referral_started",
        ReferralCompleted = "referral_completed",
        ReferralFailed = "referral_failed",
        ConsentOverridden = "consent_overridden",
        ClosureRequested = "closure_requested",
        ClosureApproved = "closure_approved",
        ClosureRejected = "closure_rejected",
        Reopened = "reopened",
        TransferRequested = "transfer_requested",
        TransferAccepted = "transfer_accepted",
        TransferDeclined = "transfer_declined",
        /// Referred to a police unit or a prosecutor's office.
        LawEnforcementReferred = "law_enforcement_referred",
        /// Law enforcement linked the case to an investigation.
        LawEnforcementAccepted = "law_enforcement_accepted",
        LawEnforcementDeclined = "law_enforcement_declined",
    }
}

/// Which cases a query may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseScope {
    /// The cases in one Child Support Unit's queue (no role lists every
    /// case: not even the admin, see `policy::allows`).
    Unit(i64),
}

impl CaseScope {
    fn unit(self) -> Option<i64> {
        let CaseScope::Unit(id) = self;
        Some(id)
    }
}

/// Who gave consent to share the child's data with service providers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub given_by: String,
    pub given_on: NaiveDate,
}

/// What the case form produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseInput {
    pub source: CaseSource,
    pub forms: Vec<ExploitationForm>,
    pub sector: Sector,
    pub risk: Risk,
    pub narrative: String,
    pub consent: Option<Consent>,
    /// The day the child was identified: what every figure counts the child
    /// by (not the day the case was typed in).
    pub identified_on: NaiveDate,
}

/// A case as its page shows it.
#[derive(Debug, Clone)]
pub struct Case {
    pub id: i64,
    pub child_id: i64,
    pub child_name: String,
    pub child_sex: Sex,
    pub child_birth_date: NaiveDate,
    pub child_home_path: String,
    pub unit_id: i64,
    pub unit: Names,
    pub location: Names,
    pub assigned_to: Option<i64>,
    pub assigned_name: Option<String>,
    pub source: CaseSource,
    pub forms: Vec<ExploitationForm>,
    pub child_is_victim: bool,
    pub sector: Sector,
    pub risk: Risk,
    pub status: CaseStatus,
    pub narrative: String,
    pub consent: Option<Consent>,
    pub assessment: String,
    pub plan: String,
    pub plan_submitted_at: Option<DateTime<Utc>>,
    pub plan_submitted_by: Option<i64>,
    pub closure_requested: Option<ClosureReason>,
    pub closure_requested_by_id: Option<i64>,
    pub closure_requested_note: String,
    pub closure_requested_by: Option<String>,
    pub closure_reason: Option<ClosureReason>,
    pub closed_at: Option<DateTime<Utc>>,
    pub transfer_to_unit_id: Option<i64>,
    pub transfer_to: Option<Names>,
    pub due_on: Option<NaiveDate>,
    pub status_since: DateTime<Utc>,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub identified_on: NaiveDate,
    pub version: i32,
    /// The inspection at which the child was found: number and date.
    pub inspection: Option<(i64, NaiveDate)>,
}

impl Case {
    pub fn state(&self) -> super::workflow::CaseState {
        super::workflow::CaseState {
            status: self.status,
            assigned: self.assigned_to.is_some(),
            plan_pending: self.plan_submitted_at.is_some(),
            closure_pending: self.closure_requested.is_some(),
        }
    }

    pub fn has_form(&self, form: &ExploitationForm) -> bool {
        self.forms.contains(form)
    }

    /// Days between the identification and the day the case was typed in
    /// (0 when typed in on the day): a late entry stays visible.
    pub fn entered_days_later(&self) -> i64 {
        let typed = self
            .opened_at
            .with_timezone(&crate::web::context::TIME_ZONE)
            .date_naive();
        (typed - self.identified_on).num_days().max(0)
    }

    pub fn is_overdue(&self, today: &NaiveDate) -> bool {
        self.status != CaseStatus::Closed && self.due_on.is_some_and(|d| d < *today)
    }
}

fn parse_forms(values: Vec<String>) -> Vec<ExploitationForm> {
    values
        .iter()
        .filter_map(|f| ExploitationForm::parse(f))
        .collect()
}

#[derive(QueryableByName)]
struct CaseRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    child_id: i64,
    #[diesel(sql_type = Text)]
    family_name: String,
    #[diesel(sql_type = Text)]
    given_name: String,
    #[diesel(sql_type = Text)]
    patronymic: String,
    #[diesel(sql_type = Text)]
    sex: Sex,
    #[diesel(sql_type = Date)]
    birth_date: NaiveDate,
    #[diesel(sql_type = Text)]
    home_path: String,
    #[diesel(sql_type = BigInt)]
    unit_id: i64,
    #[diesel(sql_type = Text)]
    unit_ky: String,
    #[diesel(sql_type = Text)]
    unit_ru: String,
    #[diesel(sql_type = Text)]
    unit_en: String,
    #[diesel(sql_type = Text)]
    loc_ky: String,
    #[diesel(sql_type = Text)]
    loc_ru: String,
    #[diesel(sql_type = Text)]
    loc_en: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    assigned_to: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    assigned_name: Option<String>,
    #[diesel(sql_type = Text)]
    source: CaseSource,
    #[diesel(sql_type = Array<Text>)]
    forms: Vec<String>,
    #[diesel(sql_type = Bool)]
    child_is_victim: bool,
    #[diesel(sql_type = Text)]
    sector: Sector,
    #[diesel(sql_type = Text)]
    risk: Risk,
    #[diesel(sql_type = Text)]
    status: CaseStatus,
    #[diesel(sql_type = Text)]
    narrative: String,
    #[diesel(sql_type = Nullable<Text>)]
    consent_given_by: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    consent_given_on: Option<NaiveDate>,
    #[diesel(sql_type = Text)]
    assessment: String,
    #[diesel(sql_type = Text)]
    plan: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    plan_submitted_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    plan_submitted_by: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    closure_requested_reason: Option<ClosureReason>,
    #[diesel(sql_type = Nullable<BigInt>)]
    closure_requested_by: Option<i64>,
    #[diesel(sql_type = Text)]
    closure_requested_note: String,
    #[diesel(sql_type = Nullable<Text>)]
    closure_requested_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    closure_reason: Option<ClosureReason>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    closed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<BigInt>)]
    transfer_to_unit_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    transfer_ky: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    transfer_ru: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    transfer_en: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    due_on: Option<NaiveDate>,
    #[diesel(sql_type = Timestamptz)]
    status_since: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    opened_by_name: String,
    #[diesel(sql_type = Timestamptz)]
    opened_at: DateTime<Utc>,
    #[diesel(sql_type = Date)]
    identified_on: NaiveDate,
    #[diesel(sql_type = Int4)]
    version: i32,
    #[diesel(sql_type = Nullable<BigInt>)]
    inspection_id: Option<i64>,
    #[diesel(sql_type = Nullable<Date>)]
    inspection_visited_on: Option<NaiveDate>,
}

impl From<CaseRow> for Case {
    fn from(r: CaseRow) -> Case {
        let consent = match (r.consent_given_by, r.consent_given_on) {
            (Some(given_by), Some(given_on)) => Some(Consent { given_by, given_on }),
            _ => None,
        };
        let transfer_to = match (r.transfer_ky, r.transfer_ru, r.transfer_en) {
            (Some(ky), Some(ru), Some(en)) => Some(Names::of(ky, ru, en)),
            _ => None,
        };
        Case {
            id: r.id,
            child_id: r.child_id,
            child_name: full_name(&r.family_name, &r.given_name, &r.patronymic),
            child_sex: r.sex,
            child_birth_date: r.birth_date,
            child_home_path: r.home_path,
            unit_id: r.unit_id,
            unit: Names::of(r.unit_ky, r.unit_ru, r.unit_en),
            location: Names::of(r.loc_ky, r.loc_ru, r.loc_en),
            assigned_to: r.assigned_to,
            assigned_name: r.assigned_name,
            source: r.source,
            forms: parse_forms(r.forms),
            child_is_victim: r.child_is_victim,
            sector: r.sector,
            risk: r.risk,
            status: r.status,
            narrative: r.narrative,
            consent,
            assessment: r.assessment,
            plan: r.plan,
            plan_submitted_at: r.plan_submitted_at,
            plan_submitted_by: r.plan_submitted_by,
            closure_requested: r.closure_requested_reason,
            closure_requested_by_id: r.closure_requested_by,
            closure_requested_note: r.closure_requested_note,
            closure_requested_by: r.closure_requested_name,
            closure_reason: r.closure_reason,
            closed_at: r.closed_at,
            transfer_to_unit_id: r.transfer_to_unit_id,
            transfer_to,
            due_on: r.due_on,
            status_since: r.status_since,
            opened_by: r.opened_by_name,
            opened_at: r.opened_at,
            identified_on: r.identified_on,
            version: r.version,
            inspection: r.inspection_id.zip(r.inspection_visited_on),
        }
    }
}

const CASE_SELECT: &str =
    "SELECT c.id, c.child_id, ch.family_name, ch.given_name, ch.patronymic, ch.sex,
        ch.birth_date, hl.path AS home_path, c.unit_id,
        u.name_ky AS unit_ky, u.name_ru AS unit_ru, u.name_en AS unit_en,
        l.name_ky AS loc_ky, l.name_ru AS loc_ru, l.name_en AS loc_en,
        c.assigned_to, wa.display_name AS assigned_name, c.source, c.forms, c.child_is_victim,
        c.sector, c.risk, c.status, c.narrative, c.consent_given_by, c.consent_given_on,
        c.assessment, c.plan, c.plan_submitted_at, c.plan_submitted_by,
        c.closure_requested_reason, c.closure_requested_by,
        c.closure_requested_note, wr.display_name AS closure_requested_name, c.closure_reason,
        c.closed_at, c.transfer_to_unit_id, t.name_ky AS transfer_ky, t.name_ru AS transfer_ru,
        t.name_en AS transfer_en, c.due_on, c.status_since, wo.display_name AS opened_by_name,
        c.opened_at, c.identified_on, c.version, c.inspection_id, i.visited_on AS inspection_visited_on
     FROM cases c
     JOIN children ch ON ch.id = c.child_id
     JOIN locations hl ON hl.id = ch.home_location_id
     JOIN agencies u ON u.id = c.unit_id
     JOIN locations l ON l.id = c.location_id
     JOIN users wo ON wo.id = c.opened_by
     LEFT JOIN users wa ON wa.id = c.assigned_to
     LEFT JOIN users wr ON wr.id = c.closure_requested_by
     LEFT JOIN agencies t ON t.id = c.transfer_to_unit_id
     LEFT JOIN inspections i ON i.id = c.inspection_id";

/// A case, whatever the scope: callers ask `policy` before showing it.
pub fn get_case(conn: &mut PgConnection, id: i64) -> QueryResult<Case> {
    diesel::sql_query(format!("{CASE_SELECT} WHERE c.id = $1"))
        .bind::<BigInt, _>(id)
        .get_result::<CaseRow>(conn)
        .map(Case::from)
}

/// The Child Support Unit serving a territory: the active unit whose
/// territory is the nearest above (or at) the location.
pub fn unit_for_location(conn: &mut PgConnection, location_id: i32) -> QueryResult<Option<i64>> {
    #[derive(QueryableByName)]
    struct Unit {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let found: Option<Unit> = diesel::sql_query(
        "SELECT a.id FROM agencies a
         JOIN locations la ON la.id = a.location_id
         JOIN locations lc ON lc.id = $1
         WHERE a.kind = 'child_support_unit' AND a.active
           AND (lc.path = la.path OR left(lc.path, length(la.path) + 1) = la.path || '/')
         ORDER BY length(la.path) DESC, a.id
         LIMIT 1",
    )
    .bind::<Int4, _>(location_id)
    .get_result(conn)
    .optional()?;
    Ok(found.map(|u| u.id))
}

fn forms_text(forms: &[ExploitationForm]) -> Vec<String> {
    forms.iter().map(|f| f.as_str().to_owned()).collect()
}

pub struct NewCase<'a> {
    pub child_id: i64,
    /// The inspection at which the child was found, if any.
    pub inspection_id: Option<i64>,
    pub unit_id: i64,
    pub location_id: i32,
    pub input: &'a CaseInput,
    pub opened_by: i64,
    pub due_on: NaiveDate,
}

pub fn create_case(conn: &mut PgConnection, new: &NewCase) -> QueryResult<i64> {
    let input = new.input;
    diesel::insert_into(cases::table)
        .values((
            cases::child_id.eq(new.child_id),
            cases::inspection_id.eq(new.inspection_id),
            cases::unit_id.eq(new.unit_id),
            cases::location_id.eq(new.location_id),
            cases::source.eq(input.source),
            cases::forms.eq(forms_text(&input.forms)),
            cases::sector.eq(input.sector),
            cases::risk.eq(input.risk),
            cases::narrative.eq(&input.narrative),
            cases::consent_given_by.eq(input.consent.as_ref().map(|c| c.given_by.clone())),
            cases::consent_given_on.eq(input.consent.as_ref().map(|c| c.given_on)),
            cases::opened_by.eq(new.opened_by),
            cases::due_on.eq(new.due_on),
            cases::identified_on.eq(input.identified_on),
        ))
        .returning(cases::id)
        .get_result(conn)
}

/// Save the case's details over version `version`; `Ok(false)` when someone
/// saved first.
pub fn update_case(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    input: &CaseInput,
) -> QueryResult<bool> {
    let updated = diesel::update(
        cases::table
            .filter(cases::id.eq(id))
            .filter(cases::version.eq(version)),
    )
    .set((
        cases::source.eq(input.source),
        cases::forms.eq(forms_text(&input.forms)),
        cases::sector.eq(input.sector),
        cases::risk.eq(input.risk),
        cases::narrative.eq(&input.narrative),
        cases::consent_given_by.eq(input.consent.as_ref().map(|c| c.given_by.clone())),
        cases::consent_given_on.eq(input.consent.as_ref().map(|c| c.given_on)),
        cases::identified_on.eq(input.identified_on),
        cases::version.eq(cases::version + 1),
        cases::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Take the version a step was decided on: bump it, or `Ok(false)` when the
/// case changed since the page was loaded.
pub fn claim_version(conn: &mut PgConnection, id: i64, version: i32) -> QueryResult<bool> {
    let updated = diesel::update(
        cases::table
            .filter(cases::id.eq(id))
            .filter(cases::version.eq(version)),
    )
    .set((
        cases::version.eq(cases::version + 1),
        cases::updated_at.eq(Utc::now()),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn set_status(
    conn: &mut PgConnection,
    id: i64,
    status: CaseStatus,
    due_on: Option<NaiveDate>,
) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::status.eq(status),
            cases::status_since.eq(Utc::now()),
            cases::due_on.eq(due_on),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn set_due(conn: &mut PgConnection, id: i64, due_on: Option<NaiveDate>) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set(cases::due_on.eq(due_on))
        .execute(conn)
        .map(|_| ())
}

pub fn assign(conn: &mut PgConnection, id: i64, worker: i64) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set(cases::assigned_to.eq(worker))
        .execute(conn)
        .map(|_| ())
}

pub fn record_assessment(
    conn: &mut PgConnection,
    id: i64,
    assessment: &str,
    risk: Risk,
) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((cases::assessment.eq(assessment), cases::risk.eq(risk)))
        .execute(conn)
        .map(|_| ())
}

pub fn submit_plan(conn: &mut PgConnection, id: i64, plan: &str, by: i64) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::plan.eq(plan),
            cases::plan_submitted_at.eq(Some(Utc::now())),
            cases::plan_submitted_by.eq(Some(by)),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn clear_plan_submission(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::plan_submitted_at.eq(None::<DateTime<Utc>>),
            cases::plan_submitted_by.eq(None::<i64>),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn request_closure(
    conn: &mut PgConnection,
    id: i64,
    reason: ClosureReason,
    note: &str,
    by: i64,
) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::closure_requested_reason.eq(Some(reason)),
            cases::closure_requested_note.eq(note),
            cases::closure_requested_by.eq(Some(by)),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn clear_closure_request(conn: &mut PgConnection, id: i64) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::closure_requested_reason.eq(None::<ClosureReason>),
            cases::closure_requested_note.eq(""),
            cases::closure_requested_by.eq(None::<i64>),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn close(conn: &mut PgConnection, id: i64, reason: ClosureReason) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::status.eq(CaseStatus::Closed),
            cases::status_since.eq(Utc::now()),
            cases::closure_reason.eq(Some(reason)),
            cases::closed_at.eq(Some(Utc::now())),
            cases::due_on.eq(None::<NaiveDate>),
            cases::closure_requested_reason.eq(None::<ClosureReason>),
            cases::closure_requested_note.eq(""),
            cases::closure_requested_by.eq(None::<i64>),
            cases::transfer_to_unit_id.eq(None::<i64>),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn reopen(conn: &mut PgConnection, id: i64, due_on: NaiveDate) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::status.eq(CaseStatus::Assessment),
            cases::status_since.eq(Utc::now()),
            cases::closure_reason.eq(None::<ClosureReason>),
            cases::closed_at.eq(None::<DateTime<Utc>>),
            cases::plan_submitted_at.eq(None::<DateTime<Utc>>),
            cases::plan_submitted_by.eq(None::<i64>),
            cases::due_on.eq(Some(due_on)),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn request_transfer(conn: &mut PgConnection, id: i64, to: Option<i64>) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set(cases::transfer_to_unit_id.eq(to))
        .execute(conn)
        .map(|_| ())
}

/// The receiving unit took the case: it moves to their queue, unassigned;
/// what waited for the old unit's head (a plan, a closure) waits no more.
pub fn accept_transfer(conn: &mut PgConnection, id: i64, unit: i64) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set((
            cases::unit_id.eq(unit),
            cases::transfer_to_unit_id.eq(None::<i64>),
            cases::assigned_to.eq(None::<i64>),
            cases::plan_submitted_at.eq(None::<DateTime<Utc>>),
            cases::plan_submitted_by.eq(None::<i64>),
            cases::closure_requested_reason.eq(None::<ClosureReason>),
            cases::closure_requested_note.eq(""),
            cases::closure_requested_by.eq(None::<i64>),
        ))
        .execute(conn)
        .map(|_| ())
}

// ------------------------------------------------------------- timeline

pub fn add_event(
    conn: &mut PgConnection,
    case_id: i64,
    actor_id: Option<i64>,
    kind: EventKind,
    note: &str,
    details: Value,
) -> QueryResult<()> {
    diesel::insert_into(case_events::table)
        .values((
            case_events::case_id.eq(case_id),
            case_events::actor_id.eq(actor_id),
            case_events::kind.eq(kind),
            case_events::note.eq(note),
            case_events::details.eq(details),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, QueryableByName)]
pub struct Event {
    #[diesel(sql_type = Timestamptz)]
    pub at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    pub actor: Option<String>,
    #[diesel(sql_type = Text)]
    pub kind: EventKind,
    #[diesel(sql_type = Text)]
    pub note: String,
    /// The text of a submitted plan or a recorded assessment, as it was.
    #[diesel(sql_type = Nullable<Text>)]
    pub text: Option<String>,
}

/// The case's history, oldest first.
pub fn events(conn: &mut PgConnection, case_id: i64) -> QueryResult<Vec<Event>> {
    diesel::sql_query(
        "SELECT e.at, u.display_name AS actor, e.kind, e.note, e.details->>'text' AS text
         FROM case_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.case_id = $1 ORDER BY e.at, e.id",
    )
    .bind::<BigInt, _>(case_id)
    .load(conn)
}

// ------------------------------------------------------------ follow-ups

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpInput {
    pub visited_on: NaiveDate,
    pub still_working: bool,
    pub attending_school: bool,
    pub notes: String,
}

pub fn add_follow_up(
    conn: &mut PgConnection,
    case_id: i64,
    by: i64,
    input: &FollowUpInput,
) -> QueryResult<()> {
    diesel::insert_into(follow_ups::table)
        .values((
            follow_ups::case_id.eq(case_id),
            follow_ups::visited_on.eq(input.visited_on),
            follow_ups::visited_by.eq(by),
            follow_ups::still_working.eq(input.still_working),
            follow_ups::attending_school.eq(input.attending_school),
            follow_ups::notes.eq(&input.notes),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, QueryableByName)]
pub struct FollowUp {
    #[diesel(sql_type = Date)]
    pub visited_on: NaiveDate,
    #[diesel(sql_type = Text)]
    pub visited_by: String,
    #[diesel(sql_type = Bool)]
    pub still_working: bool,
    #[diesel(sql_type = Bool)]
    pub attending_school: bool,
    #[diesel(sql_type = Text)]
    pub notes: String,
}

/// Newest first.
pub fn follow_ups(conn: &mut PgConnection, case_id: i64) -> QueryResult<Vec<FollowUp>> {
    diesel::sql_query(
        "SELECT f.visited_on, u.display_name AS visited_by, f.still_working,
                f.attending_school, f.notes
         FROM follow_ups f JOIN users u ON u.id = f.visited_by
         WHERE f.case_id = $1 ORDER BY f.visited_on DESC, f.id DESC",
    )
    .bind::<BigInt, _>(case_id)
    .load(conn)
}

/// The visits the monitoring rule reads, newest first: those since the case
/// was last reopened (a reopened case starts monitoring afresh).
pub fn visits_since_reopening(conn: &mut PgConnection, case_id: i64) -> QueryResult<Vec<Visit>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Date)]
        visited_on: NaiveDate,
        #[diesel(sql_type = Bool)]
        still_working: bool,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT f.visited_on, f.still_working FROM follow_ups f
         WHERE f.case_id = $1
           AND f.created_at > coalesce((SELECT max(e.at) FROM case_events e
                                        WHERE e.case_id = $1 AND e.kind = 'reopened'), '-infinity')
         ORDER BY f.visited_on DESC, f.id DESC",
    )
    .bind::<BigInt, _>(case_id)
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Visit {
            on: r.visited_on,
            still_working: r.still_working,
        })
        .collect())
}

/// The date of the case's latest follow-up visit, if any.
pub fn latest_visit(conn: &mut PgConnection, case_id: i64) -> QueryResult<Option<NaiveDate>> {
    follow_ups::table
        .filter(follow_ups::case_id.eq(case_id))
        .select(diesel::dsl::max(follow_ups::visited_on))
        .first(conn)
}

// ---------------------------------------------------------------- lists

/// A line of a case list.
#[derive(Debug, Clone, QueryableByName)]
pub struct CaseLine {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// Whose case: the audit of the list names the children shown.
    #[diesel(sql_type = BigInt)]
    pub child_id: i64,
    #[diesel(sql_type = Text)]
    pub family_name: String,
    #[diesel(sql_type = Text)]
    pub given_name: String,
    #[diesel(sql_type = Text)]
    pub status: CaseStatus,
    #[diesel(sql_type = Text)]
    pub risk: Risk,
    #[diesel(sql_type = Text)]
    pub sector: Sector,
    #[diesel(sql_type = Array<Text>)]
    pub forms: Vec<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub assigned_name: Option<String>,
    #[diesel(sql_type = Text)]
    pub loc_ky: String,
    #[diesel(sql_type = Text)]
    pub loc_ru: String,
    #[diesel(sql_type = Text)]
    pub loc_en: String,
    #[diesel(sql_type = Nullable<Date>)]
    pub due_on: Option<NaiveDate>,
    #[diesel(sql_type = Timestamptz)]
    pub opened_at: DateTime<Utc>,
}

impl CaseLine {
    pub fn child_name(&self) -> String {
        full_name(&self.family_name, &self.given_name, "")
    }

    pub fn location(&self) -> Names {
        Names::of(
            self.loc_ky.clone(),
            self.loc_ru.clone(),
            self.loc_en.clone(),
        )
    }

    pub fn form_list(&self) -> Vec<ExploitationForm> {
        parse_forms(self.forms.clone())
    }

    pub fn is_overdue(&self, today: &NaiveDate) -> bool {
        self.due_on.is_some_and(|d| d < *today) && self.status != CaseStatus::Closed
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    NewestFirst,
    OldestFirst,
}

/// Filters of the case list; each `None` leaves its column free.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub risk: Option<Risk>,
    pub form: Option<ExploitationForm>,
    pub sector: Option<Sector>,
    /// A territory: cases whose location lies in its subtree.
    pub territory_path: Option<String>,
    pub opened_from: Option<NaiveDate>,
    pub opened_to: Option<NaiveDate>,
    pub assigned_to: Option<i64>,
    pub overdue_on: Option<NaiveDate>,
    pub unassigned_new: bool,
    /// The child's name in any spelling (its search key, as the children's
    /// register matches it).
    pub child_name: Option<String>,
}

/// A place in a keyset-paginated list: the last line shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub opened_at: DateTime<Utc>,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}", self.opened_at.timestamp_micros(), self.id)
    }

    /// `None` for anything we did not write (including instants PostgreSQL
    /// could not store).
    pub fn decode(text: &str) -> Option<Cursor> {
        use chrono::Datelike;
        let (micros, id) = text.split_once('.')?;
        let opened_at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        if !(1900..=2200).contains(&opened_at.year()) {
            return None;
        }
        Some(Cursor {
            opened_at,
            id: id.parse().ok()?,
        })
    }
}

const LINE_SELECT: &str =
    "SELECT c.id, c.child_id, ch.family_name, ch.given_name, c.status, c.risk, c.sector,
        c.forms, wa.display_name AS assigned_name, l.name_ky AS loc_ky, l.name_ru AS loc_ru,
        l.name_en AS loc_en, c.due_on, c.opened_at
     FROM cases c
     JOIN children ch ON ch.id = c.child_id
     JOIN locations l ON l.id = c.location_id
     LEFT JOIN users wa ON wa.id = c.assigned_to";

/// Cases in the scope matching the filter, `limit` of them after `after`,
/// in `order` of opening (keyset on (opened_at, id): no OFFSET).
pub fn list_cases(
    conn: &mut PgConnection,
    scope: CaseScope,
    filter: &CaseFilter,
    order: Order,
    after: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<CaseLine>> {
    let (cmp, dir) = match order {
        Order::NewestFirst => ("<", "DESC"),
        Order::OldestFirst => (">", "ASC"),
    };
    let sql = format!(
        "{LINE_SELECT}
         WHERE ($1::bigint IS NULL OR c.unit_id = $1)
           AND ($2::text IS NULL OR c.status = $2)
           AND ($3::text IS NULL OR c.risk = $3)
           AND ($4::text IS NULL OR c.forms @> ARRAY[$4::text])
           AND ($5::text IS NULL OR c.sector = $5)
           AND ($6::text IS NULL OR l.path = $6 OR l.path LIKE replace(replace(replace($6, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '/%')
           AND ($7::date IS NULL OR c.opened_at >= ($7::date::timestamp AT TIME ZONE 'Asia/Bishkek'))
           AND ($8::date IS NULL OR c.opened_at < (($8::date + 1)::timestamp AT TIME ZONE 'Asia/Bishkek'))
           AND ($9::bigint IS NULL OR c.assigned_to = $9)
           AND ($10::date IS NULL OR (c.due_on < $10 AND c.status <> 'closed'))
           AND (NOT $11 OR (c.status = 'new' AND c.assigned_to IS NULL))
           AND ($12::timestamptz IS NULL OR (c.opened_at, c.id) {cmp} ($12, $13))
           AND ($15::text IS NULL OR $15 <% ch.search_name)
         ORDER BY c.opened_at {dir}, c.id {dir}
         LIMIT $14"
    );
    diesel::sql_query(sql)
        .bind::<Nullable<BigInt>, _>(scope.unit())
        .bind::<Nullable<Text>, _>(filter.status.map(|s| s.as_str()))
        .bind::<Nullable<Text>, _>(filter.risk.map(|s| s.as_str()))
        .bind::<Nullable<Text>, _>(filter.form.map(|s| s.as_str()))
        .bind::<Nullable<Text>, _>(filter.sector.map(|s| s.as_str()))
        .bind::<Nullable<Text>, _>(filter.territory_path.clone())
        .bind::<Nullable<Date>, _>(filter.opened_from)
        .bind::<Nullable<Date>, _>(filter.opened_to)
        .bind::<Nullable<BigInt>, _>(filter.assigned_to)
        .bind::<Nullable<Date>, _>(filter.overdue_on)
        .bind::<Bool, _>(filter.unassigned_new)
        .bind::<Nullable<Timestamptz>, _>(after.map(|c| c.opened_at))
        .bind::<BigInt, _>(after.map_or(0, |c| c.id))
        .bind::<BigInt, _>(limit)
        .bind::<Nullable<Text>, _>(filter.child_name.clone())
        .load(conn)
}

/// The cases of a child (any unit), for the child's page: status only.
#[derive(Debug, Clone, QueryableByName)]
pub struct ChildCase {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub unit_id: i64,
    #[diesel(sql_type = Text)]
    pub status: CaseStatus,
    #[diesel(sql_type = Timestamptz)]
    pub opened_at: DateTime<Utc>,
}

pub fn cases_of_child(conn: &mut PgConnection, child_id: i64) -> QueryResult<Vec<ChildCase>> {
    diesel::sql_query(
        "SELECT id, unit_id, status, opened_at FROM cases WHERE child_id = $1 ORDER BY opened_at DESC, id DESC",
    )
    .bind::<BigInt, _>(child_id)
    .load(conn)
}

/// People a case of `unit` can be assigned to: its active workers and supervisors.
#[derive(Debug, Clone, QueryableByName)]
pub struct Worker {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub display_name: String,
}

pub fn workers_of(conn: &mut PgConnection, unit: i64) -> QueryResult<Vec<Worker>> {
    diesel::sql_query(
        "SELECT id, display_name FROM users
         WHERE agency_id = $1 AND active AND role IN ('case_worker', 'supervisor')
         ORDER BY display_name, id",
    )
    .bind::<BigInt, _>(unit)
    .load(conn)
}

/// Other active Child Support Units, to transfer a case to.
#[derive(Debug, Clone, QueryableByName)]
pub struct UnitOption {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub name_ky: String,
    #[diesel(sql_type = Text)]
    pub name_ru: String,
    #[diesel(sql_type = Text)]
    pub name_en: String,
}

impl UnitOption {
    pub fn names(&self) -> Names {
        Names::of(
            self.name_ky.clone(),
            self.name_ru.clone(),
            self.name_en.clone(),
        )
    }
}

pub fn other_units(conn: &mut PgConnection, except: i64) -> QueryResult<Vec<UnitOption>> {
    diesel::sql_query(
        "SELECT a.id, a.name_ky, a.name_ru, a.name_en FROM agencies a
         JOIN locations l ON l.id = a.location_id
         WHERE a.kind = 'child_support_unit' AND a.active AND a.id <> $1
         ORDER BY l.path, a.id",
    )
    .bind::<BigInt, _>(except)
    .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_address_bar() {
        let c = Cursor {
            opened_at: DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap(),
            id: 42,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("x.1"), None);
        assert_eq!(Cursor::decode("12"), None);
        assert_eq!(Cursor::decode("-8000000000000000000.1"), None);
    }

    #[test]
    fn the_victim_forms_are_the_worst_forms_against_the_child() {
        let victims: Vec<_> = ExploitationForm::ALL
            .iter()
            .filter(|f| f.makes_victim())
            .collect();
        assert_eq!(victims.len(), 4);
        assert!(ExploitationForm::CommercialSexualExploitation.makes_victim());
        assert!(ExploitationForm::IllicitActivities.makes_victim());
        assert!(!ExploitationForm::HazardousWork.makes_victim());
    }
}
