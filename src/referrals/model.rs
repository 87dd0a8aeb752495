//! Referrals: from a case to an agency for a service, and their life (sent →
//! accepted or declined → in service → completed or failed). A provider sees
//! only the referrals addressed to its agency and only the child data each
//! one shares. No HTTP in here.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Int4, Nullable, Text, Timestamptz};

use crate::admin::model::{Names, ServiceKind};
use crate::children::model::{ChildLanguage, Disability, SchoolStatus, Sex, full_name};
use crate::db::schema::referrals;

crate::text_enum! {
    pub enum Urgency ("urgency") {
        Routine = "routine",
        Urgent = "urgent",
        Emergency = "emergency",
    }
}

crate::text_enum! {
    pub enum ReferralStatus ("referral-status") {
        Sent = "sent",
        Accepted = "accepted",
        Declined = "declined",
        InService = "in_service",
        Completed = "completed",
        Failed = "failed",
    }
}

crate::text_enum! {
    /// The child data a referral may share beyond the name.
    pub enum Shared ("shared") {
        BirthDate = "birth_date",
        Sex = "sex",
        Guardian = "guardian",
        Contact = "contact",
        Home = "home",
        Language = "language",
        SchoolStatus = "school_status",
        Disability = "disability",
        Narrative = "narrative",
    }
}

crate::text_enum! {
    /// What the receiving agency does with a referral.
    pub enum ReferralStep ("referral-step") {
        Accept = "accept",
        Decline = "decline",
        Start = "start",
        Complete = "complete",
        Fail = "fail",
    }
}

impl ReferralStep {
    /// The status after the step, or the message key saying why not now.
    pub fn next(self, status: ReferralStatus) -> Result<ReferralStatus, &'static str> {
        use ReferralStatus::*;
        match (self, status) {
            (ReferralStep::Accept, Sent) => Ok(Accepted),
            (ReferralStep::Decline, Sent) => Ok(Declined),
            (ReferralStep::Start, Accepted) => Ok(InService),
            (ReferralStep::Complete, InService) => Ok(Completed),
            (ReferralStep::Fail, Accepted | InService) => Ok(Failed),
            _ => Err("error-referral-step-not-now"),
        }
    }

    /// Steps whose note is required: a refusal or a failure must say why.
    pub fn needs_note(self) -> bool {
        matches!(self, ReferralStep::Decline | ReferralStep::Fail)
    }

    /// Does the step say on which day it happened? The start and the end of
    /// the service do: the reports count a child assisted on the day the
    /// service started, whenever the provider types it in.
    pub fn needs_day(self) -> bool {
        matches!(
            self,
            ReferralStep::Start | ReferralStep::Complete | ReferralStep::Fail
        )
    }
}

impl ReferralStatus {
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReferralStatus::Sent | ReferralStatus::Accepted | ReferralStatus::InService
        )
    }
}

/// Overdue: no answer by the answer date, or the service not completed by
/// its planned end.
pub fn is_overdue(
    status: ReferralStatus,
    answer_by: NaiveDate,
    planned_end: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    match status {
        ReferralStatus::Sent => answer_by < today,
        ReferralStatus::Accepted | ReferralStatus::InService => {
            planned_end.is_some_and(|end| end < today)
        }
        _ => false,
    }
}

/// What the referral form produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralInput {
    pub agency_id: i64,
    pub service: ServiceKind,
    pub urgency: Urgency,
    pub shared: Vec<Shared>,
    pub note: String,
    pub answer_by: NaiveDate,
    pub planned_end: Option<NaiveDate>,
}

pub fn create_referral(
    conn: &mut PgConnection,
    case_id: i64,
    input: &ReferralInput,
    sent_by: i64,
    consent_override: Option<&str>,
) -> QueryResult<i64> {
    let shared: Vec<&str> = input.shared.iter().map(|s| s.as_str()).collect();
    diesel::insert_into(referrals::table)
        .values((
            referrals::case_id.eq(case_id),
            referrals::agency_id.eq(input.agency_id),
            referrals::service.eq(input.service.as_str()),
            referrals::urgency.eq(input.urgency),
            referrals::shared.eq(shared),
            referrals::note.eq(&input.note),
            referrals::answer_by.eq(input.answer_by),
            referrals::planned_end.eq(input.planned_end),
            referrals::consent_override_reason.eq(consent_override),
            referrals::sent_by.eq(sent_by),
        ))
        .returning(referrals::id)
        .get_result(conn)
}

/// A step as the provider answers it: from which status to which, with the
/// note and the day it happened (the service's start or end).
pub struct Answer<'a> {
    pub step: ReferralStep,
    pub from: ReferralStatus,
    pub to: ReferralStatus,
    pub note: &'a str,
    pub on: NaiveDate,
}

/// Record a step over version `version`; `Ok(false)` when the referral
/// changed since the page was loaded.
pub fn take_step(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    answer: &Answer,
) -> QueryResult<bool> {
    let Answer {
        step,
        from,
        to,
        note,
        on,
    } = *answer;
    let now = Utc::now();
    // The status the step was judged on is part of the condition, so a step
    // can never land on a referral that moved on meanwhile.
    let target = referrals::table
        .filter(referrals::id.eq(id))
        .filter(referrals::version.eq(version))
        .filter(referrals::status.eq(from));
    let base = (
        referrals::status.eq(to),
        referrals::version.eq(referrals::version + 1),
    );
    let updated = match step {
        ReferralStep::Accept => diesel::update(target)
            .set((base, referrals::answered_at.eq(now)))
            .execute(conn)?,
        ReferralStep::Decline => diesel::update(target)
            .set((
                base,
                referrals::answered_at.eq(now),
                referrals::decline_reason.eq(note),
            ))
            .execute(conn)?,
        ReferralStep::Start => diesel::update(target)
            .set((
                base,
                referrals::started_at.eq(now),
                referrals::started_on.eq(on),
            ))
            .execute(conn)?,
        ReferralStep::Complete | ReferralStep::Fail => diesel::update(target)
            .set((
                base,
                referrals::ended_at.eq(now),
                referrals::ended_on.eq(on),
                referrals::outcome_note.eq(note),
            ))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// A referral as a line of a list (the case page, the unit's queue).
#[derive(Debug, Clone, QueryableByName)]
pub struct ReferralLine {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = BigInt)]
    pub case_id: i64,
    /// Whose referral: the audit of a list names the children shown.
    #[diesel(sql_type = BigInt)]
    pub child_id: i64,
    #[diesel(sql_type = Text)]
    pub agency_ky: String,
    #[diesel(sql_type = Text)]
    pub agency_ru: String,
    #[diesel(sql_type = Text)]
    pub agency_en: String,
    #[diesel(sql_type = Text)]
    pub service: ServiceKind,
    #[diesel(sql_type = Text)]
    pub urgency: Urgency,
    #[diesel(sql_type = Text)]
    pub status: ReferralStatus,
    #[diesel(sql_type = Date)]
    pub answer_by: NaiveDate,
    #[diesel(sql_type = Nullable<Date>)]
    pub planned_end: Option<NaiveDate>,
    #[diesel(sql_type = Timestamptz)]
    pub sent_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub decline_reason: String,
    #[diesel(sql_type = Text)]
    pub outcome_note: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub consent_override_reason: Option<String>,
    #[diesel(sql_type = Text)]
    pub family_name: String,
    #[diesel(sql_type = Text)]
    pub given_name: String,
}

impl ReferralLine {
    /// The provider no longer reads the child's data (the name is empty).
    pub fn child_hidden(&self) -> bool {
        self.family_name.is_empty() && self.given_name.is_empty()
    }

    pub fn agency(&self) -> Names {
        Names::of(&self.agency_ky, &self.agency_ru, &self.agency_en)
    }

    pub fn is_overdue(&self, today: &NaiveDate) -> bool {
        is_overdue(self.status, self.answer_by, self.planned_end, *today)
    }

    pub fn child_name(&self) -> String {
        full_name(&self.family_name, &self.given_name, "")
    }
}

const LINE_SELECT: &str =
    "SELECT r.id, r.case_id, c.child_id, a.name_ky AS agency_ky, a.name_ru AS agency_ru,
        a.name_en AS agency_en, r.service, r.urgency, r.status, r.answer_by, r.planned_end,
        r.sent_at, r.decline_reason, r.outcome_note, r.consent_override_reason,
        ch.family_name, ch.given_name
     FROM referrals r
     JOIN agencies a ON a.id = r.agency_id
     JOIN cases c ON c.id = r.case_id
     JOIN children ch ON ch.id = c.child_id";

pub fn for_case(conn: &mut PgConnection, case_id: i64) -> QueryResult<Vec<ReferralLine>> {
    diesel::sql_query(format!(
        "{LINE_SELECT} WHERE r.case_id = $1 ORDER BY r.sent_at, r.id"
    ))
    .bind::<BigInt, _>(case_id)
    .load(conn)
}

/// The provider's queue: referrals addressed to `agency` (only the open ones
/// when `open_only`), newest first, keyset on id below `before`. The name
/// is the one the referral was sent with, and empty once the provider's
/// access to the child's data has ended (`access_days` after closing).
pub fn for_agency(
    conn: &mut PgConnection,
    agency: i64,
    today: NaiveDate,
    open_only: bool,
    before: Option<i64>,
    limit: i64,
    access_days: i64,
) -> QueryResult<Vec<ReferralLine>> {
    diesel::sql_query(format!(
        "SELECT r.id, r.case_id, c.child_id, a.name_ky AS agency_ky, a.name_ru AS agency_ru,
            a.name_en AS agency_en, r.service, r.urgency, r.status, r.answer_by, r.planned_end,
            r.sent_at, r.decline_reason, r.outcome_note, r.consent_override_reason,
            CASE WHEN {open} THEN r.shared_data->>'family_name' ELSE '' END AS family_name,
            CASE WHEN {open} THEN r.shared_data->>'given_name' ELSE '' END AS given_name
         FROM referrals r
         JOIN agencies a ON a.id = r.agency_id
         JOIN cases c ON c.id = r.case_id
         WHERE r.agency_id = $1
           AND (NOT $3 OR r.status IN ('sent', 'accepted', 'in_service'))
           AND ($4::bigint IS NULL OR r.id < $4)
           AND $2::date IS NOT NULL
         ORDER BY r.id DESC LIMIT $5",
        open = format!("({CLOSED_ON}) IS NULL OR ({CLOSED_ON}) + $6::int >= $2")
    ))
    .bind::<BigInt, _>(agency)
    .bind::<Date, _>(today)
    .bind::<diesel::sql_types::Bool, _>(open_only)
    .bind::<Nullable<BigInt>, _>(before)
    .bind::<BigInt, _>(limit)
    .bind::<diesel::sql_types::Integer, _>(i32::try_from(access_days).unwrap_or(i32::MAX))
    .load(conn)
}

/// A referral as the receiving agency sees it: the child's name and only
/// the data the referral shares (everything else is `None`).
#[derive(Debug, Clone)]
pub struct ProviderView {
    pub id: i64,
    pub agency_id: i64,
    pub unit: Names,
    pub service: ServiceKind,
    pub urgency: Urgency,
    pub status: ReferralStatus,
    pub note: String,
    pub answer_by: NaiveDate,
    pub planned_end: Option<NaiveDate>,
    pub sent_at: DateTime<Utc>,
    /// The day the service started, as the provider said.
    pub started_on: Option<NaiveDate>,
    pub decline_reason: String,
    pub outcome_note: String,
    pub version: i32,
    /// The last day the provider reads the child's data (a setting's days
    /// after the referral was closed); none while it is open.
    pub shared_until: Option<NaiveDate>,
    /// What the referral shared when it was sent; none once the access ended.
    pub child: Option<SharedChild>,
}

/// The child's name and only the data the referral shares (everything else
/// is `None`), as they were when it was sent.
#[derive(Debug, Clone)]
pub struct SharedChild {
    pub name: String,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub guardian: Option<String>,
    pub contact: Option<String>,
    pub home: Option<Names>,
    pub language: Option<ChildLanguage>,
    pub school_status: Option<SchoolStatus>,
    pub disability: Option<Disability>,
    pub narrative: Option<String>,
}

impl ProviderView {
    pub fn is_overdue(&self, today: &NaiveDate) -> bool {
        is_overdue(self.status, self.answer_by, self.planned_end, *today)
    }
}

#[derive(QueryableByName)]
struct ProviderRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    agency_id: i64,
    #[diesel(sql_type = Text)]
    unit_ky: String,
    #[diesel(sql_type = Text)]
    unit_ru: String,
    #[diesel(sql_type = Text)]
    unit_en: String,
    #[diesel(sql_type = Text)]
    service: ServiceKind,
    #[diesel(sql_type = Text)]
    urgency: Urgency,
    #[diesel(sql_type = Text)]
    status: ReferralStatus,
    #[diesel(sql_type = Text)]
    note: String,
    #[diesel(sql_type = Date)]
    answer_by: NaiveDate,
    #[diesel(sql_type = Nullable<Date>)]
    planned_end: Option<NaiveDate>,
    #[diesel(sql_type = Timestamptz)]
    sent_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Date>)]
    started_on: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    closed_on: Option<NaiveDate>,
    #[diesel(sql_type = Text)]
    decline_reason: String,
    #[diesel(sql_type = Text)]
    outcome_note: String,
    #[diesel(sql_type = Int4)]
    version: i32,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    shared_data: serde_json::Value,
    #[diesel(sql_type = Nullable<Text>)]
    home_ky: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    home_ru: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    home_en: Option<String>,
}

/// The day a referral's answer closed it (declined, completed, failed):
/// the end of the service, or the day of the answer.
const CLOSED_ON: &str = "CASE WHEN r.status IN ('declined', 'completed', 'failed')
      THEN coalesce(r.ended_on, (r.answered_at AT TIME ZONE 'Asia/Bishkek')::date) END";

/// A referral for its receiving agency, whatever the agency: callers ask
/// `policy` before showing it. The child's data is the copy the referral
/// took when it was sent (see the migration `refusals_and_names`), and
/// only until `policy::provider_reads_child` says the access has ended.
pub fn provider_view(
    conn: &mut PgConnection,
    id: i64,
    today: NaiveDate,
    access_days: i64,
) -> QueryResult<ProviderView> {
    let r: ProviderRow = diesel::sql_query(format!(
        "SELECT r.id, r.agency_id, u.name_ky AS unit_ky, u.name_ru AS unit_ru, u.name_en AS unit_en,
                r.service, r.urgency, r.status, r.note, r.answer_by, r.planned_end, r.sent_at,
                r.started_on, {CLOSED_ON} AS closed_on, r.decline_reason, r.outcome_note,
                r.version, r.shared_data,
                l.name_ky AS home_ky, l.name_ru AS home_ru, l.name_en AS home_en
         FROM referrals r
         JOIN cases c ON c.id = r.case_id
         JOIN agencies u ON u.id = c.unit_id
         LEFT JOIN locations l ON l.id = (r.shared_data->>'home_location_id')::int
         WHERE r.id = $1"
    ))
    .bind::<BigInt, _>(id)
    .get_result(conn)?;
    let shared_until = crate::policy::provider_access_ends(r.closed_on, access_days);
    let child = crate::policy::shares_child_on(shared_until, today)
        .then(|| SharedChild::of(&r.shared_data, r.home_ky, r.home_ru, r.home_en));
    Ok(ProviderView {
        id: r.id,
        agency_id: r.agency_id,
        unit: Names::of(r.unit_ky, r.unit_ru, r.unit_en),
        service: r.service,
        urgency: r.urgency,
        status: r.status,
        note: r.note,
        answer_by: r.answer_by,
        planned_end: r.planned_end,
        sent_at: r.sent_at,
        started_on: r.started_on,
        decline_reason: r.decline_reason,
        outcome_note: r.outcome_note,
        version: r.version,
        shared_until,
        child,
    })
}

impl SharedChild {
    fn of(
        data: &serde_json::Value,
        home_ky: Option<String>,
        home_ru: Option<String>,
        home_en: Option<String>,
    ) -> SharedChild {
        let text = |key: &str| data.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        SharedChild {
            name: full_name(
                &text("family_name").unwrap_or_default(),
                &text("given_name").unwrap_or_default(),
                &text("patronymic").unwrap_or_default(),
            ),
            birth_date: text("birth_date").and_then(|d| d.parse().ok()),
            sex: text("sex").and_then(|s| Sex::parse(&s)),
            guardian: text("guardian_name"),
            contact: text("guardian_contact"),
            home: match (home_ky, home_ru, home_en) {
                (Some(ky), Some(ru), Some(en)) => Some(Names::of(ky, ru, en)),
                _ => None,
            },
            language: text("language").and_then(|s| ChildLanguage::parse(&s)),
            school_status: text("school_status").and_then(|s| SchoolStatus::parse(&s)),
            disability: text("disability").and_then(|s| Disability::parse(&s)),
            narrative: text("narrative"),
        }
    }
}

/// The case a referral belongs to.
pub fn case_of(conn: &mut PgConnection, id: i64) -> QueryResult<i64> {
    referrals::table
        .find(id)
        .select(referrals::case_id)
        .first(conn)
}

/// Agencies a case can be referred to: active service providers offering
/// services. (Law enforcement is reached through the investigations module,
/// where police and prosecutors answer; not through this queue.)
#[derive(Debug, Clone, QueryableByName)]
pub struct ProviderOption {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub name_ky: String,
    #[diesel(sql_type = Text)]
    pub name_ru: String,
    #[diesel(sql_type = Text)]
    pub name_en: String,
    #[diesel(sql_type = Array<Text>)]
    pub services: Vec<String>,
}

impl ProviderOption {
    pub fn names(&self) -> Names {
        Names::of(&self.name_ky, &self.name_ru, &self.name_en)
    }

    pub fn offers(&self, service: ServiceKind) -> bool {
        self.services.iter().any(|s| s == service.as_str())
    }

    pub fn service_list(&self) -> Vec<ServiceKind> {
        self.services
            .iter()
            .filter_map(|s| ServiceKind::parse(s))
            .collect()
    }
}

pub fn providers(conn: &mut PgConnection) -> QueryResult<Vec<ProviderOption>> {
    diesel::sql_query(
        "SELECT a.id, a.name_ky, a.name_ru, a.name_en, a.services FROM agencies a
         JOIN locations l ON l.id = a.location_id
         WHERE a.active AND cardinality(a.services) > 0
           AND a.kind IN ('rehabilitation_center', 'school', 'catch_up_program', 'clinic',
                          'shelter', 'ngo')
         ORDER BY l.path, a.name_ky, a.id",
    )
    .load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReferralStatus::*;

    #[test]
    fn a_referral_lives_from_sent_to_an_end() {
        assert_eq!(ReferralStep::Accept.next(Sent), Ok(Accepted));
        assert_eq!(ReferralStep::Decline.next(Sent), Ok(Declined));
        assert_eq!(ReferralStep::Start.next(Accepted), Ok(InService));
        assert_eq!(ReferralStep::Complete.next(InService), Ok(Completed));
        assert_eq!(ReferralStep::Fail.next(InService), Ok(Failed));
        assert_eq!(ReferralStep::Fail.next(Accepted), Ok(Failed));
        for done in [Declined, Completed, Failed] {
            for step in ReferralStep::ALL {
                assert!(step.next(done).is_err(), "{step} after {done}");
            }
        }
        assert!(ReferralStep::Complete.next(Accepted).is_err());
        assert!(ReferralStep::Accept.next(Accepted).is_err());
    }

    #[test]
    fn overdue_means_no_answer_or_no_end_in_time() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-11-25");
        assert!(is_overdue(Sent, d("2026-11-24"), None, today));
        assert!(!is_overdue(Sent, d("2026-11-25"), None, today));
        assert!(!is_overdue(Accepted, d("2026-11-01"), None, today));
        assert!(is_overdue(
            InService,
            d("2026-11-01"),
            Some(d("2026-11-20")),
            today
        ));
        assert!(!is_overdue(
            Completed,
            d("2026-11-01"),
            Some(d("2026-11-20")),
            today
        ));
    }
}
