use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::PgConnection;
use serde_json::json;

use super::forms::{
    CaseValues, FilterValues, LONG_TEXT, NOTE_TEXT, StepValues, optional_choice, optional_date,
    parse_closure_reason, parse_follow_up, step_text,
};
use super::model::{
    self, Case, CaseFilter, CaseLine, CaseSource, CaseStatus, ChildCase, ClosureReason, Cursor,
    EventKind, ExploitationForm, FollowUp, NewCase, Order, Risk, Sector, UnitOption, Worker,
};
use super::workflow::{self, ClosureRules, Deadlines, Step};
use crate::admin::model::{LocationOption, location_options};
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::children::model as children;
use crate::db;
use crate::policy::{self, Actor, Permission};
use crate::referrals::forms::parse_referral;
use crate::referrals::model::{self as referrals, ProviderOption, ReferralLine, Shared, Urgency};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, TIME_ZONE, render, render_with, see_other};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, SaveOutcome, day_or_today, required_date};
use crate::web::session;

const PAGE_SIZE: i64 = 50;

pub fn today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&TIME_ZONE).date_naive()
}

fn closure_rules(state: &AppState) -> ClosureRules {
    ClosureRules {
        visits: state.config.monitoring_visits,
        min_days: state.config.monitoring_min_days,
    }
}

/// A case the actor may open, or "not found" (its existence is not revealed).
fn load_visible(conn: &mut PgConnection, actor: &Actor, id: i64) -> AppResult<Case> {
    let case = model::get_case(conn, id)?;
    if !policy::can_view_case(actor, case.unit_id, case.transfer_to_unit_id) {
        return Err(AppError::NotFound);
    }
    Ok(case)
}

// ------------------------------------------------------------------ list

#[derive(Template)]
#[template(path = "cases/list.html")]
struct ListPage {
    ctx: Ctx,
    lines: Vec<CaseLine>,
    filters: FilterValues,
    errors: FieldErrors,
    next: Option<String>,
    today: NaiveDate,
    statuses: &'static [CaseStatus],
    risks: &'static [Risk],
    forms: &'static [ExploitationForm],
    sectors: &'static [Sector],
    places: Vec<LocationOption>,
    can_see_mine: bool,
}

pub async fn list(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewCases)?;
    let scope = policy::case_scope(&signed.actor).ok_or(AppError::Forbidden)?;
    let query = FormData::parse(req.query_string().as_bytes());
    let mut filters = FilterValues::from_query(&query);
    let mut errors = FieldErrors::new();
    // A search by a child's name: the words are the session's, never the
    // address's (`search`).
    let mut child_name = None;
    if filters.named {
        let session = signed.ctx.session_hash.clone().ok_or(AppError::Forbidden)?;
        let saved = db::run(&state.pool, move |conn| {
            Ok(crate::web::session::saved_search(conn, &session, "cases")?)
        })
        .await?;
        filters.name = saved
            .as_ref()
            .and_then(|s| s["q"].as_str())
            .unwrap_or_default()
            .to_owned();
        let name = filters.name.trim();
        if name.chars().count() > 200 {
            errors.add("name", "error-too-long");
        } else if !name.is_empty() {
            child_name = Some(crate::children::translit::search_key(name));
        }
    }
    let territory = match filters.territory.trim() {
        "" => None,
        t => match t.parse::<i32>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("territory", "error-invalid-choice");
                None
            }
        },
    };
    let from = optional_date(&mut errors, "from", &filters.from);
    let to = optional_date(&mut errors, "to", &filters.to);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.add("to", "error-date-range");
    }
    let mut filter = CaseFilter {
        status: optional_choice(&mut errors, "status", &filters.status, CaseStatus::parse),
        risk: optional_choice(&mut errors, "risk", &filters.risk, Risk::parse),
        form: optional_choice(&mut errors, "form", &filters.form, ExploitationForm::parse),
        sector: optional_choice(&mut errors, "sector", &filters.sector, Sector::parse),
        opened_from: from,
        opened_to: to,
        assigned_to: filters.mine.then_some(signed.actor.id),
        overdue_on: filters.overdue.then(today),
        child_name,
        ..CaseFilter::default()
    };
    let order = match filters.order.as_str() {
        "oldest" => Order::OldestFirst,
        _ => Order::NewestFirst,
    };
    let after = query.get("after");
    let after = if after.is_empty() {
        None
    } else {
        Some(Cursor::decode(after).ok_or(AppError::BadRequest)?)
    };
    let valid = errors.is_empty();
    let who = Who::actor(&signed.actor, &signed.ctx.client_addr);
    let alert = crate::audit::BulkAlert::from_config(&state.config);
    // The filter as chosen, for the audit entry of the list.
    let chosen = json!({
        "status": filter.status.map(|s| s.as_str()),
        "risk": filter.risk.map(|s| s.as_str()),
        "form": filter.form.map(|s| s.as_str()),
        "sector": filter.sector.map(|s| s.as_str()),
        "territory": territory,
        "from": from,
        "to": to,
        "mine": filters.mine,
        "overdue": filters.overdue,
        // That a name was searched, never the name.
        "by_name": filter.child_name.is_some(),
        "page_after": after.map(|c| c.id),
    });
    let (lines, places) = db::transaction(&state.pool, move |conn| {
        let places = location_options(conn)?;
        if !valid {
            return Ok((Vec::new(), places));
        }
        if let Some(id) = territory {
            filter.territory_path = children::location_path(conn, id)?;
            if filter.territory_path.is_none() {
                return Ok((Vec::new(), places));
            }
        }
        let lines = model::list_cases(conn, scope, &filter, order, after, PAGE_SIZE + 1)?;
        let shown: Vec<i64> = lines
            .iter()
            .take(PAGE_SIZE as usize)
            .map(|l| l.child_id)
            .collect();
        crate::audit::listed(conn, &who, "cases", chosen, &shown, alert)?;
        Ok((lines, places))
    })
    .await?;
    let mut lines = lines;
    let next = if lines.len() as i64 > PAGE_SIZE {
        lines.truncate(PAGE_SIZE as usize);
        lines.last().map(|l| {
            let cursor = Cursor {
                opened_at: l.opened_at,
                id: l.id,
            };
            let q = filters.query();
            if q.is_empty() {
                format!("after={}", cursor.encode())
            } else {
                format!("{q}&after={}", cursor.encode())
            }
        })
    } else {
        None
    };
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        status,
        &ListPage {
            can_see_mine: policy::allows(&signed.actor, Permission::WorkOnCases),
            ctx: signed.ctx,
            lines,
            filters,
            errors,
            next,
            today: today(),
            statuses: CaseStatus::ALL,
            risks: Risk::ALL,
            forms: ExploitationForm::ALL,
            sectors: Sector::ALL,
            places,
        },
    )
}

/// Search the case list by a child's name: the words are posted, kept for
/// the session, and the list shown at `/cases?…&named=1` with the other
/// filters as they were — no name in an address, a history or a log, and
/// Back returns to the results without resending a form.
pub async fn search(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewCases)?;
    let session = signed.ctx.session_hash.clone().ok_or(AppError::Forbidden)?;
    let mut filters = FilterValues::from_query(&form);
    // Control characters are nothing one types into a name (and a NUL
    // cannot be kept): they are dropped before the words are kept.
    let name: String = form
        .get("name")
        .chars()
        .filter(|c| !c.is_control())
        .take(201)
        .collect();
    filters.named = !name.trim().is_empty();
    if filters.named {
        let saved = json!({ "q": name });
        db::run(&state.pool, move |conn| {
            Ok(crate::web::session::save_search(
                conn, &session, "cases", &saved,
            )?)
        })
        .await?;
    }
    let q = filters.query();
    Ok(see_other(&if q.is_empty() {
        "/cases".to_owned()
    } else {
        format!("/cases?{q}")
    }))
}

// ------------------------------------------------------------------ open

#[derive(Template)]
#[template(path = "cases/form.html")]
struct FormPage {
    ctx: Ctx,
    values: CaseValues,
    errors: FieldErrors,
    child_id: i64,
    child_name: String,
    case: Option<Case>,
    conflict: Option<Case>,
    sources: &'static [CaseSource],
    forms: &'static [ExploitationForm],
    sectors: &'static [Sector],
    risks: &'static [Risk],
}

impl FormPage {
    fn new(
        ctx: Ctx,
        values: CaseValues,
        child_id: i64,
        child_name: String,
        case: Option<Case>,
    ) -> FormPage {
        FormPage {
            ctx,
            values,
            errors: FieldErrors::new(),
            child_id,
            child_name,
            case,
            conflict: None,
            sources: CaseSource::ALL,
            forms: ExploitationForm::ALL,
            sectors: Sector::ALL,
            risks: Risk::ALL,
        }
    }

    fn is_new(&self) -> bool {
        self.case.is_none()
    }

    /// The inspection the child was found at, whose visit is the day of
    /// identification.
    fn found_at_inspection(&self) -> Option<(i64, NaiveDate)> {
        self.case.as_ref().and_then(|c| c.inspection)
    }
}

/// The child a case is being opened for, if the actor may open one for them.
async fn child_for_case(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    child_id: i64,
) -> AppResult<children::Child> {
    let viewer = actor.clone();
    let who = Who::actor(actor, &ctx.client_addr);
    db::transaction(&state.pool, move |conn| {
        let child = children::get_child(conn, child_id).map_err(AppError::from)?;
        // A merged record is retired: cases go on the record kept.
        if !policy::can_edit_child(&viewer, &child.home_path, &child.units)
            || child.merged_into.is_some()
        {
            return Err(AppError::NotFound);
        }
        audit::record(
            conn,
            &who,
            AuditAction::ChildViewed,
            Some((TargetKind::Child, child_id)),
            json!({ "for": "case_form" }),
        )?;
        Ok(child)
    })
    .await
}

fn child_param(form: &FormData) -> AppResult<i64> {
    form.get("child")
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)
}

pub async fn new(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::WorkOnCases)?;
    let child_id = child_param(&FormData::parse(req.query_string().as_bytes()))?;
    let child = child_for_case(&state, &signed.ctx, &signed.actor, child_id).await?;
    render(&FormPage::new(
        signed.ctx,
        CaseValues::blank(None, today()),
        child.id,
        child.full_name(),
        None,
    ))
}

enum Opened {
    Created(i64),
    NoUnit,
}

pub async fn create(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::WorkOnCases)?;
    let Signed { ctx, actor } = signed;
    let child_id = child_param(&form)?;
    let child = child_for_case(&state, &ctx, &actor, child_id).await?;
    let mut values = CaseValues::from_form(&form);
    values.identified_on = day_or_today(&form, "identified_on", today());
    let input = match values.parse(today(), child.birth_date) {
        Ok(input) => input,
        Err(errors) => {
            let mut page = FormPage::new(ctx, values, child.id, child.full_name(), None);
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let opener = actor.id;
    let home = child.home_location_id;
    let due_on = Deadlines::from_config(&state.config)
        .due(CaseStatus::New, today())
        .unwrap_or_else(today);
    let outcome = db::transaction(&state.pool, move |conn| {
        let Some(unit_id) = model::unit_for_location(conn, home)? else {
            return Ok(Opened::NoUnit);
        };
        let id = model::create_case(
            conn,
            &NewCase {
                child_id,
                inspection_id: None,
                unit_id,
                location_id: home,
                input: &input,
                opened_by: opener,
                due_on,
            },
        )?;
        model::add_event(conn, id, Some(opener), EventKind::Opened, "", json!({}))?;
        audit::record(
            conn,
            &who,
            AuditAction::CaseOpened,
            Some((TargetKind::Case, id)),
            json!({ "child_id": child_id, "unit_id": unit_id }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-case-opened")?;
        Ok(Opened::Created(id))
    })
    .await?;
    match outcome {
        Opened::Created(id) => Ok(see_other(&format!("/cases/{id}"))),
        Opened::NoUnit => {
            let mut page = FormPage::new(ctx, values, child.id, child.full_name(), None);
            page.errors.add("source", "error-no-unit-for-territory");
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

// ------------------------------------------------------------------ page

#[derive(Template)]
#[template(path = "cases/show.html")]
struct ShowPage {
    ctx: Ctx,
    case: Case,
    events: Vec<model::Event>,
    follow_ups: Vec<FollowUp>,
    referrals: Vec<ReferralLine>,
    workers: Vec<Worker>,
    units: Vec<UnitOption>,
    providers: Vec<ProviderOption>,
    /// Referrals to law enforcement, and the stage of the investigations the
    /// case is linked to (the stage only: not the investigation's internals).
    le_referrals: Vec<crate::investigations::model::LeReferral>,
    stages: Vec<crate::investigations::model::StageOfCase>,
    le_agencies: Vec<crate::investigations::model::AgencyChoice>,
    services: &'static [crate::admin::model::ServiceKind],
    urgencies: &'static [Urgency],
    shareable: &'static [Shared],
    steps: Vec<Step>,
    can_work: bool,
    can_decide: bool,
    can_answer_transfer: bool,
    values: StepValues,
    errors: FieldErrors,
    /// Someone changed the case since this page was loaded.
    stale: bool,
    today: NaiveDate,
    closure_reasons: &'static [ClosureReason],
    risks: &'static [Risk],
    monitoring_visits: u32,
    monitoring_days: u32,
}

impl ShowPage {
    fn offers(&self, step: Step) -> bool {
        self.steps.contains(&step)
    }

    fn can_follow_up(&self) -> bool {
        self.can_work
            && matches!(
                self.case.status,
                CaseStatus::InServices | CaseStatus::Monitoring
            )
    }

    /// The monitoring rule in words, with the settings' numbers.
    fn monitoring_rule(&self) -> String {
        use crate::web::i18n::Arg;
        self.ctx.t_args(
            "case-monitoring-rule",
            &[
                ("visits", Arg::Num(i64::from(self.monitoring_visits))),
                ("days", Arg::Num(i64::from(self.monitoring_days))),
            ],
        )
    }

    fn can_refer(&self) -> bool {
        self.can_work && self.case.status != CaseStatus::Closed
    }
}

struct PageData {
    case: Case,
    events: Vec<model::Event>,
    follow_ups: Vec<FollowUp>,
    referrals: Vec<ReferralLine>,
    workers: Vec<Worker>,
    units: Vec<UnitOption>,
    providers: Vec<ProviderOption>,
    le_referrals: Vec<crate::investigations::model::LeReferral>,
    stages: Vec<crate::investigations::model::StageOfCase>,
    le_agencies: Vec<crate::investigations::model::AgencyChoice>,
}

/// Everything the case page shows, with the view recorded in the audit log.
async fn load_page(state: &AppState, ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<PageData> {
    let viewer = actor.clone();
    let who = Who::actor(actor, &ctx.client_addr);
    db::transaction(&state.pool, move |conn| {
        let case = load_visible(conn, &viewer, id)?;
        audit::record(
            conn,
            &who,
            AuditAction::CaseViewed,
            Some((TargetKind::Case, id)),
            json!({ "child_id": case.child_id }),
        )?;
        let decides = policy::can_decide_case(&viewer, case.unit_id);
        Ok(PageData {
            events: model::events(conn, id)?,
            follow_ups: model::follow_ups(conn, id)?,
            referrals: referrals::for_case(conn, id)?,
            workers: if decides {
                model::workers_of(conn, case.unit_id)?
            } else {
                Vec::new()
            },
            units: if decides {
                model::other_units(conn, case.unit_id)?
            } else {
                Vec::new()
            },
            providers: referrals::providers(conn)?,
            le_referrals: crate::investigations::model::referrals_of_case(conn, id)?,
            stages: crate::investigations::model::stages_of_case(conn, id)?,
            le_agencies: crate::investigations::model::law_enforcement_agencies(conn)?,
            case,
        })
    })
    .await
}

fn show_page(
    state: &AppState,
    ctx: Ctx,
    actor: &Actor,
    data: PageData,
    values: Option<StepValues>,
) -> ShowPage {
    let can_work = policy::can_work_on_case(actor, data.case.unit_id);
    let can_decide = policy::can_decide_case(actor, data.case.unit_id);
    let case_state = data.case.state();
    let steps = Step::ALL
        .iter()
        .copied()
        .filter(|s| can_work && (can_decide || !s.needs_supervisor()))
        .filter(|s| s.next(case_state).is_ok())
        .collect();
    ShowPage {
        can_answer_transfer: policy::can_answer_transfer(actor, data.case.transfer_to_unit_id),
        values: values.unwrap_or_else(|| StepValues::for_case(&data.case)),
        ctx,
        steps,
        can_work,
        can_decide,
        events: data.events,
        follow_ups: data.follow_ups,
        referrals: data.referrals,
        workers: data.workers,
        units: data.units,
        providers: data.providers,
        le_referrals: data.le_referrals,
        stages: data.stages,
        le_agencies: data.le_agencies,
        services: crate::admin::model::ServiceKind::ALL,
        urgencies: Urgency::ALL,
        shareable: Shared::ALL,
        case: data.case,
        errors: FieldErrors::new(),
        stale: false,
        today: today(),
        closure_reasons: ClosureReason::ALL,
        risks: Risk::ALL,
        monitoring_visits: state.config.monitoring_visits,
        monitoring_days: state.config.monitoring_min_days,
    }
}

pub async fn show(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let data = load_page(&state, &signed.ctx, &signed.actor, path.into_inner()).await?;
    render(&show_page(&state, signed.ctx, &signed.actor, data, None))
}

/// What a POST on the case page came to.
enum Done {
    /// Saved (the flash message is set): back to the page.
    Saved,
    /// The input was refused: the page again, with the messages by the fields.
    Invalid(FieldErrors),
    /// The case changed since the page was loaded: nothing was saved.
    Stale,
}

/// Show the outcome of a POST on the case page: a redirect when saved, or the
/// page again with the user's input and the reason.
async fn after_post(
    state: &AppState,
    ctx: Ctx,
    actor: &Actor,
    id: i64,
    done: Done,
    values: StepValues,
) -> AppResult<HttpResponse> {
    let (errors, stale, status) = match done {
        Done::Saved => return Ok(see_other(&format!("/cases/{id}"))),
        Done::Invalid(errors) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        Done::Stale => (FieldErrors::new(), true, StatusCode::CONFLICT),
    };
    let data = load_page(state, &ctx, actor, id).await?;
    let mut page = show_page(state, ctx, actor, data, Some(values));
    page.errors = errors;
    page.stale = stale;
    render_with(status, &page)
}

/// What every step on the case page leaves besides its own change and its
/// timeline entry: the audit entry (what, never whose data) and the message
/// for the next page.
fn step_done(
    conn: &mut PgConnection,
    who: &Who,
    flash_to: Option<&[u8]>,
    id: i64,
    details: serde_json::Value,
    flash: &str,
) -> AppResult<Done> {
    audit::record(
        conn,
        who,
        AuditAction::CaseStep,
        Some((TargetKind::Case, id)),
        details,
    )?;
    session::flash(conn, flash_to, flash)?;
    Ok(Done::Saved)
}

fn version_of(form: &FormData) -> Result<i32, FieldErrors> {
    form.get("version").trim().parse::<i32>().map_err(|_| {
        let mut errors = FieldErrors::new();
        errors.add("step", "error-invalid-choice");
        errors
    })
}

fn invalid(field: &'static str, key: &'static str) -> Done {
    let mut errors = FieldErrors::new();
    errors.add(field, key);
    Done::Invalid(errors)
}

// ------------------------------------------------------------ workflow

pub async fn step(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let values = StepValues::from_form(&form);
    let step = Step::parse(form.get("step"));
    let version = version_of(&form);
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let deadlines = Deadlines::from_config(&state.config);
    let rules = closure_rules(&state);
    let worker = actor.clone();
    let typed = values.clone();
    let done = db::transaction(&state.pool, move |conn| {
        let case = load_visible(conn, &worker, id)?;
        if !policy::can_work_on_case(&worker, case.unit_id) {
            return Err(AppError::Forbidden);
        }
        let Some(step) = step else {
            return Ok(invalid("step", "error-invalid-choice"));
        };
        if step.needs_supervisor() && !policy::can_decide_case(&worker, case.unit_id) {
            return Err(AppError::Forbidden);
        }
        let version = match version {
            Ok(v) => v,
            Err(errors) => return Ok(Done::Invalid(errors)),
        };
        // Judged on the case as the user saw it, or not at all.
        if version != case.version {
            return Ok(Done::Stale);
        }
        let next = match step.next(case.state()) {
            Ok(next) => next,
            Err(key) => return Ok(invalid("step", key)),
        };
        let today = today();
        let mut errors = FieldErrors::new();
        // Parse what the step needs before anything is written.
        let (kind, note, details) = match step {
            Step::StartAssessment => (EventKind::AssessmentStarted, String::new(), json!({})),
            Step::RecordAssessment => {
                let text = step_text(
                    &mut errors,
                    "assessment",
                    &typed.assessment,
                    LONG_TEXT,
                    true,
                );
                let risk = Risk::parse(&typed.risk);
                if risk.is_none() {
                    errors.add("risk", "error-invalid-choice");
                }
                if !errors.is_empty() {
                    return Ok(Done::Invalid(errors));
                }
                let risk = risk.unwrap_or(case.risk);
                if !model::claim_version(conn, id, version)? {
                    return Ok(Done::Stale);
                }
                model::record_assessment(conn, id, &text, risk)?;
                // The text is kept with the event: a later assessment (after
                // a reopening) does not erase this one.
                (
                    EventKind::AssessmentRecorded,
                    String::new(),
                    json!({ "risk": risk.as_str(), "text": text }),
                )
            }
            Step::SubmitPlan => {
                let text = step_text(&mut errors, "plan", &typed.plan, LONG_TEXT, true);
                if !errors.is_empty() {
                    return Ok(Done::Invalid(errors));
                }
                if !model::claim_version(conn, id, version)? {
                    return Ok(Done::Stale);
                }
                model::submit_plan(conn, id, &text, worker.id)?;
                // Each submitted plan is kept with its event: a plan sent back
                // and rewritten stays readable on the timeline.
                (
                    EventKind::PlanSubmitted,
                    String::new(),
                    json!({ "text": text }),
                )
            }
            Step::ApprovePlan | Step::RejectPlan => {
                // Four eyes: whoever wrote the plan does not approve it.
                if case.plan_submitted_by == Some(worker.id) {
                    return Ok(invalid("step", "error-own-plan"));
                }
                let required = step == Step::RejectPlan;
                let comment =
                    step_text(&mut errors, "comment", &typed.comment, NOTE_TEXT, required);
                if !errors.is_empty() {
                    return Ok(Done::Invalid(errors));
                }
                if !model::claim_version(conn, id, version)? {
                    return Ok(Done::Stale);
                }
                model::clear_plan_submission(conn, id)?;
                let kind = if required {
                    EventKind::PlanRejected
                } else {
                    EventKind::PlanApproved
                };
                (kind, comment, json!({}))
            }
            Step::StartMonitoring => (EventKind::MonitoringStarted, String::new(), json!({})),
            Step::RequestClosure => {
                let reason = parse_closure_reason(&mut errors, &typed);
                let note = step_text(
                    &mut errors,
                    "closure_note",
                    &typed.closure_note,
                    NOTE_TEXT,
                    false,
                );
                let Some(reason) = reason.filter(|_| errors.is_empty()) else {
                    return Ok(Done::Invalid(errors));
                };
                let visits = model::visits_since_reopening(conn, id)?;
                if let Err((field, key)) = workflow::closure_allowed(
                    rules,
                    case.status,
                    reason,
                    &note,
                    case.child_birth_date,
                    today,
                    &visits,
                ) {
                    return Ok(invalid(field, key));
                }
                if !model::claim_version(conn, id, version)? {
                    return Ok(Done::Stale);
                }
                model::request_closure(conn, id, reason, &note, worker.id)?;
                (
                    EventKind::ClosureRequested,
                    note,
                    json!({ "reason": reason.as_str() }),
                )
            }
            Step::ApproveClosure => {
                let comment = step_text(&mut errors, "comment", &typed.comment, NOTE_TEXT, false);
                if !errors.is_empty() {
                    return Ok(Done::Invalid(errors));
                }
                let Some(reason) = case.closure_requested else {
                    return Ok(invalid("step", "error-step-no-closure"));
                };
                // Four eyes: whoever asked to close does not approve it.
                if case.closure_requested_by_id == Some(worker.id) {
                    return Ok(invalid("step", "error-own-closure"));
                }
                // The rule is checked again: a visit may have been recorded since.
                let visits = model::visits_since_reopening(conn, id)?;
                if let Err((_, key)) = workflow::closure_allowed(
                    rules,
                    case.status,
                    reason,
                    &case.closure_requested_note,
                    case.child_birth_date,
                    today,
                    &visits,
                ) {
                    return Ok(invalid("step", key));
                }
                if !model::claim_version(conn, id, version)? {
                    return Ok(Done::Stale);
                }
                model::close(conn, id, reason)?;
                (
                    EventKind::ClosureApproved,
                    comment,
                    json!({ "reason": reason.as_str() }),
                )
            }
            Step::RejectClosure => {
                let comment = step_text(&mut errors, "comment", &typed.comment, NOTE_TEXT, true);
                if !errors.is_empty() {
                    return Ok(Done::Invalid(errors));
                }
                if !model::claim_version(conn, id, version)? {
                    return Ok(Done::Stale);
                }
                model::clear_closure_request(conn, id)?;
                (EventKind::ClosureRejected, comment, json!({}))
            }
            Step::Reopen => {
                let comment = step_text(&mut errors, "comment", &typed.comment, NOTE_TEXT, true);
                if !errors.is_empty() {
                    return Ok(Done::Invalid(errors));
                }
                if !model::claim_version(conn, id, version)? {
                    return Ok(Done::Stale);
                }
                let due = deadlines
                    .due(CaseStatus::Assessment, today)
                    .unwrap_or(today);
                model::reopen(conn, id, due)?;
                (EventKind::Reopened, comment, json!({}))
            }
        };
        // Steps without their own input still take the version.
        if matches!(step, Step::StartAssessment | Step::StartMonitoring)
            && !model::claim_version(conn, id, version)?
        {
            return Ok(Done::Stale);
        }
        if next != case.status && !matches!(step, Step::ApproveClosure | Step::Reopen) {
            // Starting the assessment keeps the deadline set at opening.
            let due = if next == CaseStatus::Assessment {
                case.due_on
            } else {
                deadlines.due(next, today)
            };
            model::set_status(conn, id, next, due)?;
        }
        model::add_event(conn, id, Some(worker.id), kind, &note, details)?;
        step_done(
            conn,
            &who,
            session_hash.as_deref(),
            id,
            json!({ "step": step.as_str(), "from": case.status.as_str(), "to": next.as_str() }),
            "flash-case-saved",
        )
    })
    .await?;
    after_post(&state, ctx, &actor, id, done, values).await
}

pub async fn assign(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let values = StepValues::from_form(&form);
    let assignee = form.get("assignee").trim().parse::<i64>().ok();
    let version = version_of(&form);
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let supervisor = actor.clone();
    let done = db::transaction(&state.pool, move |conn| {
        let case = load_visible(conn, &supervisor, id)?;
        if !policy::can_decide_case(&supervisor, case.unit_id) {
            return Err(AppError::Forbidden);
        }
        if case.status == CaseStatus::Closed {
            return Ok(invalid("step", "error-step-case-closed"));
        }
        let workers = model::workers_of(conn, case.unit_id)?;
        let Some(worker) = assignee.and_then(|a| workers.into_iter().find(|w| w.id == a)) else {
            return Ok(invalid("assignee", "error-invalid-choice"));
        };
        let version = match version {
            Ok(v) => v,
            Err(errors) => return Ok(Done::Invalid(errors)),
        };
        if !model::claim_version(conn, id, version)? {
            return Ok(Done::Stale);
        }
        model::assign(conn, id, worker.id)?;
        model::add_event(
            conn,
            id,
            Some(supervisor.id),
            EventKind::Assigned,
            &worker.display_name,
            json!({ "user_id": worker.id }),
        )?;
        step_done(
            conn,
            &who,
            session_hash.as_deref(),
            id,
            json!({ "step": "assign", "user_id": worker.id }),
            "flash-case-saved",
        )
    })
    .await?;
    after_post(&state, ctx, &actor, id, done, values).await
}

pub async fn follow_up(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let values = StepValues::from_form(&form);
    let parsed = parse_follow_up(&values, today());
    let version = version_of(&form);
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let deadlines = Deadlines::from_config(&state.config);
    let worker = actor.clone();
    let done = db::transaction(&state.pool, move |conn| {
        let case = load_visible(conn, &worker, id)?;
        if !policy::can_work_on_case(&worker, case.unit_id) {
            return Err(AppError::Forbidden);
        }
        if !matches!(
            case.status,
            CaseStatus::InServices | CaseStatus::Monitoring
        ) {
            return Ok(invalid("step", "error-follow-up-not-now"));
        }
        let input = match parsed {
            Ok(input) => input,
            Err(errors) => return Ok(Done::Invalid(errors)),
        };
        let opened = case.opened_at.with_timezone(&TIME_ZONE).date_naive();
        if input.visited_on < opened {
            return Ok(invalid("visited_on", "error-visit-before-case"));
        }
        // A visit takes the case's version like any step: a double click or
        // a closure decided meanwhile makes it stale, not a second visit.
        let version = match version {
            Ok(v) => v,
            Err(errors) => return Ok(Done::Invalid(errors)),
        };
        if version != case.version || !model::claim_version(conn, id, version)? {
            return Ok(Done::Stale);
        }
        model::add_follow_up(conn, id, worker.id, &input)?;
        let latest = model::latest_visit(conn, id)?.unwrap_or(input.visited_on);
        model::set_due(conn, id, deadlines.due(case.status, latest))?;
        model::add_event(
            conn,
            id,
            Some(worker.id),
            EventKind::FollowUp,
            "",
            json!({ "still_working": input.still_working, "attending_school": input.attending_school }),
        )?;
        step_done(conn, &who, session_hash.as_deref(), id, json!({ "step": "follow_up" }), "flash-follow-up-saved")
    })
    .await?;
    after_post(&state, ctx, &actor, id, done, values).await
}

/// Refer the child to an agency for a service. Only with consent recorded on
/// the case; a supervisor may send one without it, giving a written reason.
pub async fn refer(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let values = StepValues::from_form(&form);
    let version = version_of(&form);
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let worker = actor.clone();
    let typed = values.clone();
    let done = db::transaction(&state.pool, move |conn| {
        let case = load_visible(conn, &worker, id)?;
        if !policy::can_work_on_case(&worker, case.unit_id) {
            return Err(AppError::Forbidden);
        }
        if case.status == CaseStatus::Closed {
            return Ok(invalid("step", "error-step-case-closed"));
        }
        let providers = referrals::providers(conn)?;
        let input = match parse_referral(&typed, today(), &providers) {
            Ok(input) => input,
            Err(errors) => return Ok(Done::Invalid(errors)),
        };
        let mut errors = FieldErrors::new();
        let reason = step_text(
            &mut errors,
            "override_reason",
            &typed.override_reason,
            NOTE_TEXT,
            false,
        );
        if !errors.is_empty() {
            return Ok(Done::Invalid(errors));
        }
        let override_reason = match (&case.consent, reason.is_empty()) {
            (Some(_), _) => None,
            (None, true) => return Ok(invalid("override_reason", "error-consent-missing")),
            (None, false) if !policy::can_decide_case(&worker, case.unit_id) => {
                return Ok(invalid("override_reason", "error-consent-override-supervisor"));
            }
            (None, false) => Some(reason),
        };
        let version = match version {
            Ok(v) => v,
            Err(errors) => return Ok(Done::Invalid(errors)),
        };
        if !model::claim_version(conn, id, version)? {
            return Ok(Done::Stale);
        }
        let referral =
            referrals::create_referral(conn, id, &input, worker.id, override_reason.as_deref())?;
        if let Some(reason) = &override_reason {
            model::add_event(
                conn,
                id,
                Some(worker.id),
                EventKind::ConsentOverridden,
                reason,
                json!({ "referral_id": referral }),
            )?;
            audit::record(
                conn,
                &who,
                AuditAction::ConsentOverridden,
                Some((TargetKind::Referral, referral)),
                json!({ "case_id": id }),
            )?;
        }
        model::add_event(
            conn,
            id,
            Some(worker.id),
            EventKind::ReferralSent,
            &input.note,
            json!({ "referral_id": referral, "agency_id": input.agency_id, "service": input.service.as_str() }),
        )?;
        audit::record(
            conn,
            &who,
            AuditAction::ReferralSent,
            Some((TargetKind::Referral, referral)),
            json!({ "case_id": id, "agency_id": input.agency_id, "shared": input.shared.iter().map(|s| s.as_str()).collect::<Vec<_>>() }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-referral-sent")?;
        Ok(Done::Saved)
    })
    .await?;
    after_post(&state, ctx, &actor, id, done, values).await
}

/// Refer the case to a police unit or a prosecutor's office.
pub async fn refer_to_law_enforcement(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let values = StepValues::from_form(&form);
    let agency = form.get("le_agency_id").trim().parse::<i64>().ok();
    let note_text = form.get("le_note").to_owned();
    let sent_on_text = day_or_today(&form, "le_sent_on", today());
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let worker = actor.clone();
    let done = db::transaction(&state.pool, move |conn| {
        let case = load_visible(conn, &worker, id)?;
        if !policy::can_work_on_case(&worker, case.unit_id) {
            return Err(AppError::Forbidden);
        }
        if case.status == CaseStatus::Closed {
            return Ok(invalid("step", "error-step-case-closed"));
        }
        let agencies = crate::investigations::model::law_enforcement_agencies(conn)?;
        let Some(agency) = agency.filter(|a| agencies.iter().any(|c| c.id == *a)) else {
            return Ok(invalid("le_agency_id", "error-invalid-choice"));
        };
        let waiting = crate::investigations::model::referrals_of_case(conn, id)?
            .iter()
            .any(|r| {
                r.agency_id == agency && r.status == crate::investigations::model::LeStatus::Sent
            });
        if waiting {
            return Ok(invalid("le_agency_id", "error-le-referral-waiting"));
        }
        let mut errors = FieldErrors::new();
        let note = step_text(&mut errors, "le_note", &note_text, NOTE_TEXT, false);
        // Dated by the day the unit sent it, which may be before the day it
        // is typed in, but not before the child was identified.
        let sent_on = match required_date(&sent_on_text, today()) {
            Ok(day) if day < case.identified_on => {
                errors.add("le_sent_on", "error-before-identified");
                None
            }
            Ok(day) => Some(day),
            Err(key) => {
                errors.add("le_sent_on", key);
                None
            }
        };
        let Some(sent_on) = sent_on.filter(|_| errors.is_empty()) else {
            return Ok(Done::Invalid(errors));
        };
        let referral = crate::investigations::model::refer(
            conn,
            agency,
            Some(id),
            None,
            &note,
            worker.id,
            sent_on,
        )?;
        model::add_event(
            conn,
            id,
            Some(worker.id),
            EventKind::LawEnforcementReferred,
            &note,
            json!({ "le_referral_id": referral, "agency_id": agency }),
        )?;
        audit::record(
            conn,
            &who,
            AuditAction::LeReferralSent,
            Some((TargetKind::LeReferral, referral)),
            json!({ "case_id": id, "agency_id": agency }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-referral-sent")?;
        Ok(Done::Saved)
    })
    .await?;
    after_post(&state, ctx, &actor, id, done, values).await
}

/// The supervisor asks another unit to take the case (or withdraws the ask).
pub async fn transfer(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let values = StepValues::from_form(&form);
    let unit = form.get("unit").trim().parse::<i64>().ok();
    let version = version_of(&form);
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let supervisor = actor.clone();
    let note_text = values.notes.clone();
    let done = db::transaction(&state.pool, move |conn| {
        let case = load_visible(conn, &supervisor, id)?;
        if !policy::can_decide_case(&supervisor, case.unit_id) {
            return Err(AppError::Forbidden);
        }
        if case.status == CaseStatus::Closed {
            return Ok(invalid("step", "error-step-case-closed"));
        }
        if case.transfer_to_unit_id.is_some() {
            return Ok(invalid("step", "error-transfer-pending"));
        }
        let units = model::other_units(conn, case.unit_id)?;
        let Some(target) = unit.and_then(|u| units.into_iter().find(|o| o.id == u)) else {
            return Ok(invalid("unit", "error-invalid-choice"));
        };
        let mut errors = FieldErrors::new();
        let note = step_text(&mut errors, "notes", &note_text, NOTE_TEXT, true);
        if !errors.is_empty() {
            return Ok(Done::Invalid(errors));
        }
        let version = match version {
            Ok(v) => v,
            Err(errors) => return Ok(Done::Invalid(errors)),
        };
        if !model::claim_version(conn, id, version)? {
            return Ok(Done::Stale);
        }
        model::request_transfer(conn, id, Some(target.id))?;
        model::add_event(
            conn,
            id,
            Some(supervisor.id),
            EventKind::TransferRequested,
            &note,
            json!({ "unit_id": target.id }),
        )?;
        step_done(
            conn,
            &who,
            session_hash.as_deref(),
            id,
            json!({ "step": "transfer", "unit_id": target.id }),
            "flash-case-saved",
        )
    })
    .await?;
    after_post(&state, ctx, &actor, id, done, values).await
}

/// The receiving unit's supervisor accepts or declines a transfer.
pub async fn answer_transfer(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let values = StepValues::from_form(&form);
    let accept = match form.get("answer") {
        "accept" => Some(true),
        "decline" => Some(false),
        _ => None,
    };
    let version = version_of(&form);
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let supervisor = actor.clone();
    let comment_text = values.comment.clone();
    let done = db::transaction(&state.pool, move |conn| {
        let case = load_visible(conn, &supervisor, id)?;
        if !policy::can_answer_transfer(&supervisor, case.transfer_to_unit_id) {
            return Err(AppError::Forbidden);
        }
        if case.status == CaseStatus::Closed {
            return Ok(invalid("step", "error-step-case-closed"));
        }
        let Some(accept) = accept else {
            return Ok(invalid("answer", "error-invalid-choice"));
        };
        let mut errors = FieldErrors::new();
        let comment = step_text(&mut errors, "comment", &comment_text, NOTE_TEXT, !accept);
        if !errors.is_empty() {
            return Ok(Done::Invalid(errors));
        }
        let version = match version {
            Ok(v) => v,
            Err(errors) => return Ok(Done::Invalid(errors)),
        };
        if !model::claim_version(conn, id, version)? {
            return Ok(Done::Stale);
        }
        let unit = case.transfer_to_unit_id.unwrap_or(case.unit_id);
        let kind = if accept {
            model::accept_transfer(conn, id, unit)?;
            EventKind::TransferAccepted
        } else {
            model::request_transfer(conn, id, None)?;
            EventKind::TransferDeclined
        };
        model::add_event(
            conn,
            id,
            Some(supervisor.id),
            kind,
            &comment,
            json!({ "unit_id": unit }),
        )?;
        step_done(
            conn,
            &who,
            session_hash.as_deref(),
            id,
            json!({ "step": kind.as_str(), "unit_id": unit }),
            "flash-case-saved",
        )
    })
    .await?;
    match done {
        // After accepting, the case is in the new unit; after declining, the
        // supervisor no longer sees it: both go back to the queue.
        Done::Saved if accept == Some(true) => Ok(see_other(&format!("/cases/{id}"))),
        Done::Saved => Ok(see_other("/cases")),
        other => after_post(&state, ctx, &actor, id, other, values).await,
    }
}

// ------------------------------------------------------------- details

/// A case the actor may correct, with the view (it shows the child)
/// recorded in the audit log.
async fn open_for_edit(state: &AppState, ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<Case> {
    let editor = actor.clone();
    let who = Who::actor(actor, &ctx.client_addr);
    db::transaction(&state.pool, move |conn| {
        let case = load_visible(conn, &editor, id)?;
        if !policy::can_work_on_case(&editor, case.unit_id) {
            return Err(AppError::Forbidden);
        }
        audit::record(
            conn,
            &who,
            AuditAction::CaseViewed,
            Some((TargetKind::Case, id)),
            json!({ "child_id": case.child_id, "for": "edit" }),
        )?;
        Ok(case)
    })
    .await
}

/// Which details a correction changes (names only: the audit log and the
/// timeline say what changed, not the child's data).
fn changed_fields(case: &Case, input: &model::CaseInput) -> Vec<&'static str> {
    let mut changed = Vec::new();
    if case.source != input.source {
        changed.push("source");
    }
    if case.forms != input.forms {
        changed.push("forms");
    }
    if case.sector != input.sector {
        changed.push("sector");
    }
    if case.risk != input.risk {
        changed.push("risk");
    }
    if case.narrative != input.narrative {
        changed.push("narrative");
    }
    if case.consent != input.consent {
        changed.push("consent");
    }
    if case.identified_on != input.identified_on {
        changed.push("identified_on");
    }
    changed
}

pub async fn edit(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let case = open_for_edit(&state, &signed.ctx, &signed.actor, id).await?;
    let values = CaseValues::from_record(&case);
    let (child_id, child_name) = (case.child_id, case.child_name.clone());
    render(&FormPage::new(
        signed.ctx,
        values,
        child_id,
        child_name,
        Some(case),
    ))
}

pub async fn update(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let case = open_for_edit(&state, &ctx, &actor, id).await?;
    let mut values = CaseValues::from_form(&form);
    // A page without the field (opened before it existed) keeps the date.
    if !form.has("identified_on") {
        values.identified_on = case.identified_on.format("%Y-%m-%d").to_string();
    }
    // A child found at an inspection was identified on the day of the visit:
    // that date follows the inspection, not the case form.
    if let Some((_, visited_on)) = case.inspection {
        values.identified_on = visited_on.format("%Y-%m-%d").to_string();
    }
    let (child_id, child_name) = (case.child_id, case.child_name.clone());
    let parsed = values
        .parse(today(), case.child_birth_date)
        .and_then(|input| {
            values
                .version
                .trim()
                .parse::<i32>()
                .map(|v| (input, v))
                .map_err(|_| {
                    let mut errors = FieldErrors::new();
                    errors.add("version", "error-invalid-choice");
                    errors
                })
        });
    let (input, version) = match parsed {
        Ok(p) => p,
        Err(errors) => {
            let mut page = FormPage::new(ctx, values, child_id, child_name, Some(case));
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    if case.status == CaseStatus::Closed {
        let mut page = FormPage::new(ctx, values, child_id, child_name, Some(case));
        page.errors.add("version", "error-step-case-closed");
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let editor = actor.id;
    let changed = changed_fields(&case, &input);
    let outcome = db::transaction(&state.pool, move |conn| {
        if !model::update_case(conn, id, version, &input)? {
            return Ok(SaveOutcome::Conflict(Box::new(model::get_case(conn, id)?)));
        }
        model::add_event(
            conn,
            id,
            Some(editor),
            EventKind::Updated,
            "",
            json!({ "changed": changed }),
        )?;
        audit::record(
            conn,
            &who,
            AuditAction::CaseUpdated,
            Some((TargetKind::Case, id)),
            json!({ "changed": changed }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-case-saved")?;
        Ok(SaveOutcome::<Case>::Saved)
    })
    .await?;
    match outcome {
        SaveOutcome::Saved => Ok(see_other(&format!("/cases/{id}"))),
        SaveOutcome::Invalid(errors) => {
            let mut page = FormPage::new(ctx, values, child_id, child_name, Some(case));
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        SaveOutcome::Conflict(current) => {
            values.version = current.version.to_string();
            let mut page = FormPage::new(ctx, values, child_id, child_name, Some(*current.clone()));
            page.conflict = Some(*current);
            render_with(StatusCode::CONFLICT, &page)
        }
    }
}

// ------------------------------------------------------- for other pages

/// A child's cases that the actor may open, for the child's page.
pub fn visible_cases_of_child(
    conn: &mut PgConnection,
    actor: &Actor,
    child_id: i64,
) -> AppResult<Vec<ChildCase>> {
    Ok(model::cases_of_child(conn, child_id)?
        .into_iter()
        .filter(|c| policy::can_view_case(actor, c.unit_id, None))
        .collect())
}
