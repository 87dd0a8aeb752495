//! Each role's work, ranked by what is due first (issue 21): what the home
//! page lists and what the menu counts.
//!
//! Every list reads a partial index of what is waiting now (migration
//! `home_queues`), never the history behind it, and shows at most
//! [`SHOWN`] lines with the total beside the heading; each line says what is
//! due and since when, and links to the part of the record where it is done.
//!
//! - the head of a Child Support Unit: plans and closures awaiting their
//!   decision, new cases to assign, transfers to the unit, the unit's cases
//!   past their next step's date, referrals unanswered or running late;
//! - a case worker: their open cases by when the next step is due (the
//!   assessment, the plan, the next follow-up visit, or the head's decision
//!   they wait for), and their cases' referrals unanswered or running late;
//! - a service provider: referrals to answer, services past their planned end;
//! - a prosecutor's office or police unit: referrals to answer, and
//!   investigations still at the investigation stage after
//!   `KORGOO_INVESTIGATION_REVIEW_DAYS` days;
//! - the head of a labour inspection office: complaints to verify or resolve.
//!
//! The inspector's home keeps its own lists (`inspections::handlers::queue`);
//! the official's shows this year's headline figures (`handlers`).

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text};

use crate::cases::model::CaseScope;
use crate::policy::{self, Actor, Permission, Role};
use crate::web::context::{MenuCount, MenuItem};

/// Lines a section shows; the heading gives the total.
pub const SHOWN: i64 = 20;

/// Settings the lists need.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub today: NaiveDate,
    /// Days at the investigation stage after which an investigation is
    /// listed as due a decision.
    pub investigation_review_days: u32,
    /// The reader's language, for the names of places and agencies.
    pub lang: crate::web::i18n::Lang,
}

/// One thing to do.
#[derive(Debug, Clone)]
pub struct Item {
    /// Where it is done (the record, at the form that does it).
    pub href: String,
    /// The record's number.
    pub number: i64,
    /// The child's name, the establishment, or the investigation's reference.
    pub title: String,
    /// What is due (a message id).
    pub what: &'static str,
    /// The date it is dated by, and how the line words it.
    pub on: Option<NaiveDate>,
    pub on_key: &'static str,
    /// Past its date.
    pub late: bool,
    /// Someone else's turn (the worker waits for the head's decision).
    pub waiting: bool,
    /// The child the line names (for the page's audit entry).
    pub child_id: Option<i64>,
}

/// A list of the home page.
#[derive(Debug, Clone)]
pub struct Section {
    /// The list's element id.
    pub id: &'static str,
    /// Its heading (a message id).
    pub heading: &'static str,
    pub total: i64,
    pub items: Vec<Item>,
    /// The full list, when the section shows only part of it.
    pub all: Option<&'static str>,
}

impl Section {
    fn new(
        id: &'static str,
        heading: &'static str,
        total: i64,
        items: Vec<Item>,
        all: &'static str,
    ) -> Section {
        let shown = i64::try_from(items.len()).unwrap_or(i64::MAX);
        Section {
            id,
            heading,
            total: total.max(shown),
            all: (total > shown).then_some(all),
            items,
        }
    }

    pub fn more(&self) -> i64 {
        self.total - i64::try_from(self.items.len()).unwrap_or(0)
    }
}

/// The children the sections name, for the page's audit entry.
pub fn child_ids(sections: &[Section]) -> Vec<i64> {
    let mut ids: Vec<i64> = sections
        .iter()
        .flat_map(|s| s.items.iter().filter_map(|i| i.child_id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A line as the queries give it.
#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    child_id: Option<i64>,
    #[diesel(sql_type = Text)]
    title: String,
    /// What is due, as the query names it (see `what_of`).
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<Date>)]
    day: Option<NaiveDate>,
}

/// What a line's kind asks for, how its date reads, and the anchor of the
/// form that does it.
fn what_of(kind: &str) -> (&'static str, &'static str, &'static str) {
    match kind {
        "plan_approval" => ("work-plan-approval", "work-since", "#next-steps"),
        "closure_approval" => ("work-closure-approval", "work-since", "#closure-request"),
        "assign" => ("work-assign", "work-since", "#next-steps"),
        "transfer" => ("work-transfer", "work-since", "#transfer-pending"),
        "new" | "assessment" => ("work-assessment-due", "work-due", "#next-steps"),
        "case_plan" => ("work-plan-due", "work-due", "#next-steps"),
        "in_services" | "monitoring" => ("work-visit-due", "work-due", "#follow-ups"),
        "awaiting_plan" => ("work-awaiting-plan", "work-since", ""),
        "awaiting_closure" => ("work-awaiting-closure", "work-since", ""),
        "referral_unanswered" => ("work-referral-unanswered", "work-due", "#referrals"),
        "service_late" => ("work-service-late", "work-planned-end", "#referrals"),
        "answer_referral" => ("work-answer-referral", "work-answer-by", "#answer"),
        "le_referral" => ("work-answer-referral", "work-since", "#answer"),
        "stage_due" => ("work-stage-due", "work-stage-since", "#moves"),
        "verify_complaint" => ("work-verify-complaint", "work-since", ""),
        "resolve_complaint" => ("work-resolve-complaint", "work-since", ""),
        _ => ("work-other", "work-since", ""),
    }
}

fn items(lines: Vec<Line>, base: &str, today: NaiveDate, due_late: bool) -> Vec<Item> {
    lines
        .into_iter()
        .map(|l| {
            let (what, on_key, anchor) = what_of(&l.kind);
            let waiting = l.kind.starts_with("awaiting_");
            Item {
                href: format!("{base}/{}{anchor}", l.id),
                number: l.id,
                title: l.title,
                what,
                on: l.day,
                on_key,
                late: due_late && !waiting && l.day.is_some_and(|d| d < today),
                waiting,
                child_id: l.child_id,
            }
        })
        .collect()
}

const CHILD_NAME: &str = "concat_ws(' ', nullif(ch.family_name, ''), nullif(ch.given_name, ''))";

/// The day a case's pending closure was asked for: its last timeline entry
/// of the request (a handful of cases wait at a time).
const CLOSURE_ASKED: &str = "(SELECT (e.at AT TIME ZONE 'Asia/Bishkek')::date FROM case_events e
      WHERE e.case_id = c.id AND e.kind = 'closure_requested' ORDER BY e.at DESC LIMIT 1)";

/// The day an instant falls on in Bishkek.
fn local_day(column: &str) -> String {
    format!("({column} AT TIME ZONE 'Asia/Bishkek')::date")
}

/// The sections of the actor's home (empty for a role with none here).
pub fn sections(conn: &mut PgConnection, actor: &Actor, rules: Rules) -> QueryResult<Vec<Section>> {
    if let Some(CaseScope::Unit(unit)) = policy::case_scope(actor) {
        return if policy::can_decide_case(actor, unit) {
            unit_head(conn, unit, rules.today)
        } else {
            case_worker(conn, actor.id, unit, rules.today)
        };
    }
    if policy::allows(actor, Permission::AnswerReferrals)
        && let Some(agency) = actor.agency_id
    {
        return provider(conn, agency, rules.today);
    }
    if policy::allows(actor, Permission::Investigate)
        && let Some(agency) = actor.agency_id
    {
        return law_enforcement(conn, agency, rules);
    }
    if policy::heads_inspection(actor) {
        return inspection_head(
            conn,
            actor.territory_path.as_deref().unwrap_or("KG"),
            rules.lang,
        );
    }
    Ok(Vec::new())
}

fn unit_head(conn: &mut PgConnection, unit: i64, today: NaiveDate) -> QueryResult<Vec<Section>> {
    let counts = UnitCounts::of(conn, unit, today)?;
    let decisions: Vec<Line> = diesel::sql_query(format!(
        "SELECT * FROM (
           (SELECT c.id, c.child_id, {CHILD_NAME} AS title, 'plan_approval' AS kind,
                   {plan} AS day
              FROM cases c JOIN children ch ON ch.id = c.child_id
             WHERE c.unit_id = $1 AND c.status = 'case_plan' AND c.plan_submitted_at IS NOT NULL
             ORDER BY c.plan_submitted_at LIMIT $2)
           UNION ALL
           (SELECT c.id, c.child_id, {CHILD_NAME}, 'closure_approval', {closure}
              FROM cases c JOIN children ch ON ch.id = c.child_id
             WHERE c.unit_id = $1 AND c.closure_requested_by IS NOT NULL
             ORDER BY 5, c.id LIMIT $2)
         ) d ORDER BY d.day, d.id LIMIT $2",
        plan = local_day("c.plan_submitted_at"),
        closure = CLOSURE_ASKED,
    ))
    .bind::<BigInt, _>(unit)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?;
    let to_assign: Vec<Line> = diesel::sql_query(format!(
        "SELECT c.id, c.child_id, {CHILD_NAME} AS title, 'assign' AS kind, {opened} AS day
           FROM cases c JOIN children ch ON ch.id = c.child_id
          WHERE c.unit_id = $1 AND c.status = 'new' AND c.assigned_to IS NULL
          ORDER BY c.opened_at, c.id LIMIT $2",
        opened = local_day("c.opened_at"),
    ))
    .bind::<BigInt, _>(unit)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?;
    let transfers: Vec<Line> = diesel::sql_query(format!(
        "SELECT c.id, c.child_id, {CHILD_NAME} AS title, 'transfer' AS kind,
                (SELECT {asked} FROM case_events e
                  WHERE e.case_id = c.id AND e.kind = 'transfer_requested'
                  ORDER BY e.at DESC LIMIT 1) AS day
           FROM cases c JOIN children ch ON ch.id = c.child_id
          WHERE c.transfer_to_unit_id = $1
          ORDER BY c.id LIMIT $2",
        asked = local_day("e.at"),
    ))
    .bind::<BigInt, _>(unit)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?;
    let overdue: Vec<Line> = diesel::sql_query(format!(
        "SELECT c.id, c.child_id, {CHILD_NAME} AS title, c.status AS kind, c.due_on AS day
           FROM cases c JOIN children ch ON ch.id = c.child_id
          WHERE c.unit_id = $1 AND c.status <> 'closed' AND c.due_on IS NOT NULL
            AND c.due_on < $2
          ORDER BY c.due_on, c.id LIMIT $3"
    ))
    .bind::<BigInt, _>(unit)
    .bind::<Date, _>(today)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?;
    let referrals = late_referrals(conn, "c.unit_id = $1", unit, today)?;
    Ok(vec![
        Section::new(
            "awaiting-decision",
            "work-decisions",
            counts.decisions,
            items(decisions, "/cases", today, false),
            "/cases",
        ),
        Section::new(
            "unassigned-cases",
            "home-unassigned",
            counts.to_assign,
            items(to_assign, "/cases", today, false),
            "/cases?status=new",
        ),
        Section::new(
            "incoming-transfers",
            "home-transfers",
            counts.transfers,
            items(transfers, "/cases", today, false),
            "/cases",
        ),
        Section::new(
            "overdue-cases",
            "home-overdue",
            counts.overdue,
            items(overdue, "/cases", today, true),
            "/cases?overdue=1",
        ),
        Section::new(
            "overdue-referrals",
            "home-overdue-referrals",
            counts.late_referrals,
            items(referrals, "/cases", today, true),
            "/cases",
        ),
    ])
}

/// The referrals of open cases unanswered past their date or running past
/// their planned end, oldest date first; `which` picks the cases (`$1`).
/// Read from the open cases (a partial index) to their referrals: the
/// country's backlog of referrals is never scanned.
fn late_referrals(
    conn: &mut PgConnection,
    which: &str,
    key: i64,
    today: NaiveDate,
) -> QueryResult<Vec<Line>> {
    diesel::sql_query(format!(
        "SELECT c.id, c.child_id, {CHILD_NAME} AS title, r.kind, r.day
           FROM cases c
          CROSS JOIN LATERAL ({LATE}) r
           JOIN children ch ON ch.id = c.child_id
          WHERE {which} AND c.status <> 'closed'
          ORDER BY r.day, c.id LIMIT $3"
    ))
    .bind::<BigInt, _>(key)
    .bind::<Date, _>(today)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)
}

/// A case's referrals late on `$2`, what is late and since when. `OFFSET 0`
/// keeps it a subquery run per open case (the planner would otherwise scan
/// the country's waiting referrals for the unit's few).
const LATE: &str = "SELECT CASE WHEN r.status = 'sent' THEN 'referral_unanswered'
                          ELSE 'service_late' END AS kind,
                     CASE WHEN r.status = 'sent' THEN r.answer_by ELSE r.planned_end END AS day
                FROM referrals r
               WHERE r.case_id = c.id
                 AND ((r.status = 'sent' AND r.answer_by < $2)
                   OR (r.status IN ('accepted', 'in_service') AND r.planned_end < $2))
              OFFSET 0";

fn case_worker(
    conn: &mut PgConnection,
    me: i64,
    unit: i64,
    today: NaiveDate,
) -> QueryResult<Vec<Section>> {
    // What waits for the head is the worker's no more: it is listed, marked
    // as waiting, but ranked with the rest by its date.
    let mine: Vec<Line> = diesel::sql_query(format!(
        "SELECT c.id, c.child_id, {CHILD_NAME} AS title,
                CASE WHEN c.closure_requested_by IS NOT NULL THEN 'awaiting_closure'
                     WHEN c.status = 'case_plan' AND c.plan_submitted_at IS NOT NULL
                       THEN 'awaiting_plan'
                     ELSE c.status END AS kind,
                CASE WHEN c.closure_requested_by IS NOT NULL THEN {closure}
                     WHEN c.status = 'case_plan' AND c.plan_submitted_at IS NOT NULL THEN {plan}
                     ELSE c.due_on END AS day
           FROM cases c JOIN children ch ON ch.id = c.child_id
          WHERE c.assigned_to = $1 AND c.status <> 'closed' AND c.unit_id = $2
          ORDER BY c.due_on NULLS LAST, c.id LIMIT $3",
        plan = local_day("c.plan_submitted_at"),
        closure = CLOSURE_ASKED,
    ))
    .bind::<BigInt, _>(me)
    .bind::<BigInt, _>(unit)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?;
    let referrals = late_referrals(conn, "c.assigned_to = $1", me, today)?;
    let counts = WorkerCounts::of(conn, me, unit, today)?;
    Ok(vec![
        Section::new(
            "my-cases",
            "work-my-cases",
            counts.open,
            items(mine, "/cases", today, true),
            "/cases?mine=1",
        ),
        Section::new(
            "overdue-referrals",
            "home-overdue-referrals",
            counts.late_referrals,
            items(referrals, "/cases", today, true),
            "/cases?mine=1",
        ),
    ])
}

fn provider(conn: &mut PgConnection, agency: i64, today: NaiveDate) -> QueryResult<Vec<Section>> {
    // The name the referral was sent with: an open referral's provider
    // reads it (`referrals::model::for_agency`).
    let name = "concat_ws(' ', nullif(r.shared_data->>'family_name', ''),
                          nullif(r.shared_data->>'given_name', ''))";
    let new: Vec<Line> = diesel::sql_query(format!(
        "SELECT r.id, c.child_id, {name} AS title, 'answer_referral' AS kind, r.answer_by AS day
           FROM referrals r JOIN cases c ON c.id = r.case_id
          WHERE r.agency_id = $1 AND r.status = 'sent'
          ORDER BY r.answer_by, r.id LIMIT $2"
    ))
    .bind::<BigInt, _>(agency)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?;
    let late: Vec<Line> = diesel::sql_query(format!(
        "SELECT r.id, c.child_id, {name} AS title, 'service_late' AS kind, r.planned_end AS day
           FROM referrals r JOIN cases c ON c.id = r.case_id
          WHERE r.agency_id = $1 AND r.status IN ('accepted', 'in_service')
            AND r.planned_end < $2
          ORDER BY r.planned_end, r.id LIMIT $3"
    ))
    .bind::<BigInt, _>(agency)
    .bind::<Date, _>(today)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?;
    let counts: ProviderCounts = diesel::sql_query(
        "SELECT (SELECT count(*) FROM referrals
                  WHERE agency_id = $1 AND status = 'sent') AS new,
                (SELECT count(*) FROM referrals
                  WHERE agency_id = $1 AND status IN ('accepted', 'in_service')
                    AND planned_end < $2) AS late",
    )
    .bind::<BigInt, _>(agency)
    .bind::<Date, _>(today)
    .get_result(conn)?;
    let mut new = items(new, "/referrals", today, true);
    let mut late = items(late, "/referrals", today, true);
    for item in new.iter_mut().chain(late.iter_mut()) {
        // The provider's page of a referral (its answer), not the case.
        item.href = item.href.replace("#referrals", "#answer");
    }
    Ok(vec![
        Section::new(
            "new-referrals",
            "work-new-referrals",
            counts.new,
            new,
            "/referrals",
        ),
        Section::new(
            "late-services",
            "work-late-services",
            counts.late,
            late,
            "/referrals",
        ),
    ])
}

fn law_enforcement(
    conn: &mut PgConnection,
    agency: i64,
    rules: Rules,
) -> QueryResult<Vec<Section>> {
    let today = rules.today;
    let review_from = today - chrono::Days::new(u64::from(rules.investigation_review_days));
    // A referral's number and where it comes from; the child it may name is
    // shown on the referral's own page (audited there).
    let waiting: Vec<Line> = diesel::sql_query(
        "SELECT r.id, NULL::bigint AS child_id,
                coalesce(e.name, '') AS title, 'le_referral' AS kind, r.sent_on AS day
           FROM le_referrals r
           LEFT JOIN inspections i ON i.id = r.inspection_id
           LEFT JOIN establishments e ON e.id = i.establishment_id
          WHERE r.agency_id = $1 AND r.status = 'sent'
          ORDER BY r.sent_on, r.id LIMIT $2",
    )
    .bind::<BigInt, _>(agency)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?;
    let due: Vec<Line> = diesel::sql_query(
        "SELECT v.id, NULL::bigint AS child_id, v.reference AS title, 'stage_due' AS kind,
                v.stage_on AS day
           FROM investigations v
          WHERE v.agency_id = $1 AND v.stage = 'investigation' AND v.stage_on <= $2
          ORDER BY v.stage_on, v.id LIMIT $3",
    )
    .bind::<BigInt, _>(agency)
    .bind::<Date, _>(review_from)
    .bind::<BigInt, _>(SHOWN)
    .load(conn)?;
    let counts: LeCounts = diesel::sql_query(
        "SELECT (SELECT count(*) FROM le_referrals
                  WHERE agency_id = $1 AND status = 'sent') AS waiting,
                (SELECT count(*) FROM investigations
                  WHERE agency_id = $1 AND stage = 'investigation' AND stage_on <= $2) AS due",
    )
    .bind::<BigInt, _>(agency)
    .bind::<Date, _>(review_from)
    .get_result(conn)?;
    Ok(vec![
        Section::new(
            "le-waiting",
            "le-referrals-waiting",
            counts.waiting,
            items(waiting, "/investigations/referrals", today, false),
            "/investigations",
        ),
        Section::new(
            "stage-due",
            "work-stages-due",
            counts.due,
            items(due, "/investigations", today, false),
            "/investigations",
        ),
    ])
}

fn inspection_head(
    conn: &mut PgConnection,
    path: &str,
    lang: crate::web::i18n::Lang,
) -> QueryResult<Vec<Section>> {
    let lines: Vec<Line> = diesel::sql_query(format!(
        "SELECT s.id, NULL::bigint AS child_id, sc.name_{lang} AS title,
                CASE s.status WHEN 'received' THEN 'verify_complaint'
                     ELSE 'resolve_complaint' END AS kind,
                {since} AS day
           FROM school_fee_complaints s
           JOIN agencies sc ON sc.id = s.school_id
           JOIN locations l ON l.id = s.location_id
          WHERE s.status IN ('received', 'verified')
            AND (l.path = $1 OR l.path LIKE $1 || '/%')
          ORDER BY s.status_since, s.id LIMIT $2",
        since = local_day("s.status_since"),
        lang = lang.as_str(),
    ))
    .bind::<Text, _>(path)
    .bind::<BigInt, _>(SHOWN + 1)
    .load(conn)?;
    let total = i64::try_from(lines.len()).unwrap_or(0);
    let mut shown = items(lines, "/complaints", NaiveDate::MIN, false);
    shown.truncate(usize::try_from(SHOWN).unwrap_or(20));
    Ok(vec![Section::new(
        "complaints-to-process",
        "work-complaints",
        total,
        shown,
        "/complaints",
    )])
}

// ------------------------------------------------------------------ counts

#[derive(QueryableByName)]
struct UnitCounts {
    #[diesel(sql_type = BigInt)]
    decisions: i64,
    #[diesel(sql_type = BigInt)]
    to_assign: i64,
    #[diesel(sql_type = BigInt)]
    transfers: i64,
    #[diesel(sql_type = BigInt)]
    overdue: i64,
    #[diesel(sql_type = BigInt)]
    late_referrals: i64,
}

impl UnitCounts {
    fn of(conn: &mut PgConnection, unit: i64, today: NaiveDate) -> QueryResult<UnitCounts> {
        diesel::sql_query(format!(
            "SELECT
               (SELECT count(*) FROM cases WHERE unit_id = $1 AND status = 'case_plan'
                   AND plan_submitted_at IS NOT NULL)
             + (SELECT count(*) FROM cases WHERE unit_id = $1
                   AND closure_requested_by IS NOT NULL) AS decisions,
               (SELECT count(*) FROM cases WHERE unit_id = $1 AND status = 'new'
                   AND assigned_to IS NULL) AS to_assign,
               (SELECT count(*) FROM cases WHERE transfer_to_unit_id = $1) AS transfers,
               (SELECT count(*) FROM cases WHERE unit_id = $1 AND status <> 'closed'
                   AND due_on IS NOT NULL AND due_on < $2) AS overdue,
               (SELECT count(*) FROM cases c CROSS JOIN LATERAL ({LATE}) r
                 WHERE c.unit_id = $1 AND c.status <> 'closed') AS late_referrals"
        ))
        .bind::<BigInt, _>(unit)
        .bind::<Date, _>(today)
        .get_result(conn)
    }
}

#[derive(QueryableByName)]
struct WorkerCounts {
    #[diesel(sql_type = BigInt)]
    open: i64,
    #[diesel(sql_type = BigInt)]
    late_referrals: i64,
}

impl WorkerCounts {
    fn of(
        conn: &mut PgConnection,
        me: i64,
        unit: i64,
        today: NaiveDate,
    ) -> QueryResult<WorkerCounts> {
        diesel::sql_query(format!(
            "SELECT
               (SELECT count(*) FROM cases WHERE assigned_to = $1 AND status <> 'closed'
                   AND unit_id = $3) AS open,
               (SELECT count(*) FROM cases c CROSS JOIN LATERAL ({LATE}) r
                 WHERE c.assigned_to = $1 AND c.status <> 'closed') AS late_referrals"
        ))
        .bind::<BigInt, _>(me)
        .bind::<Date, _>(today)
        .bind::<BigInt, _>(unit)
        .get_result(conn)
    }
}

#[derive(QueryableByName)]
struct ProviderCounts {
    #[diesel(sql_type = BigInt)]
    new: i64,
    #[diesel(sql_type = BigInt)]
    late: i64,
}

#[derive(QueryableByName)]
struct LeCounts {
    #[diesel(sql_type = BigInt)]
    waiting: i64,
    #[diesel(sql_type = BigInt)]
    due: i64,
}

#[derive(QueryableByName)]
struct One {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The count the menu shows beside the actor's main list: what waits for
/// them (one statement on the partial indexes; `AppState::menu_count`).
pub fn menu_count(conn: &mut PgConnection, actor: &Actor) -> QueryResult<Option<MenuCount>> {
    count_on(conn, actor, crate::cases::handlers::today())
}

fn count_on(
    conn: &mut PgConnection,
    actor: &Actor,
    today: NaiveDate,
) -> QueryResult<Option<MenuCount>> {
    let (item, sql, key): (MenuItem, &str, i64) = match policy::case_scope(actor) {
        Some(CaseScope::Unit(unit)) if policy::can_decide_case(actor, unit) => (
            MenuItem::Cases,
            // Decisions, cases to assign, transfers: the head's own steps.
            "SELECT (SELECT count(*) FROM cases WHERE unit_id = $1 AND status = 'case_plan'
                       AND plan_submitted_at IS NOT NULL)
                  + (SELECT count(*) FROM cases WHERE unit_id = $1
                       AND closure_requested_by IS NOT NULL)
                  + (SELECT count(*) FROM cases WHERE unit_id = $1 AND status = 'new'
                       AND assigned_to IS NULL)
                  + (SELECT count(*) FROM cases WHERE transfer_to_unit_id = $1) AS n",
            unit,
        ),
        Some(CaseScope::Unit(_)) => (
            MenuItem::Cases,
            // My cases past their next step's date.
            "SELECT count(*) AS n FROM cases
              WHERE assigned_to = $1 AND status <> 'closed' AND due_on < $2",
            actor.id,
        ),
        _ if policy::allows(actor, Permission::AnswerReferrals) => (
            MenuItem::Referrals,
            "SELECT count(*) AS n FROM referrals
              WHERE agency_id = $1 AND status = 'sent'",
            match actor.agency_id {
                Some(a) => a,
                None => return Ok(None),
            },
        ),
        _ if policy::allows(actor, Permission::Investigate) => (
            MenuItem::Investigations,
            "SELECT count(*) AS n FROM le_referrals
              WHERE agency_id = $1 AND status = 'sent'",
            match actor.agency_id {
                Some(a) => a,
                None => return Ok(None),
            },
        ),
        _ if actor.role == Role::Inspector => (
            MenuItem::Inspections,
            // My planned inspections whose day has come.
            "SELECT count(*) AS n FROM inspections i
              WHERE i.office_id = $1 AND i.status = 'planned' AND i.visited_on <= $2
                AND EXISTS (SELECT 1 FROM inspection_inspectors p
                             WHERE p.inspection_id = i.id AND p.user_id = $3)",
            match actor.agency_id {
                Some(a) => a,
                None => return Ok(None),
            },
        ),
        _ => return Ok(None),
    };
    let n = diesel::sql_query(sql)
        .bind::<BigInt, _>(key)
        .bind::<Date, _>(today)
        .bind::<BigInt, _>(actor.id)
        .get_result::<One>(conn)?
        .n;
    Ok(Some(MenuCount { item, count: n }))
}
