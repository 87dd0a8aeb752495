use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde_json::json;

use super::model::{self, ProviderView, ReferralLine, ReferralStatus, ReferralStep};
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::cases::forms::{NOTE_TEXT, step_text};
use crate::cases::handlers::today;
use crate::cases::model::{self as cases, EventKind};
use crate::db;
use crate::policy::{self, Actor, Permission};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, TIME_ZONE, render, render_with, see_other};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, required_date};
use crate::web::session;

const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "referrals/queue.html")]
struct QueuePage {
    ctx: Ctx,
    lines: Vec<ReferralLine>,
    open_only: bool,
    next_before: Option<i64>,
    today: NaiveDate,
}

/// The referrals addressed to the provider's agency, open ones by default.
pub async fn queue(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::AnswerReferrals)?;
    let agency = signed.actor.agency_id.ok_or(AppError::Forbidden)?;
    let query = FormData::parse(req.query_string().as_bytes());
    let open_only = query.get("all") != "1";
    let before = query.get("before").parse::<i64>().ok();
    let who = Who::actor(&signed.actor, &signed.ctx.client_addr);
    let alert = audit::BulkAlert::from_config(&state.config);
    let days = state.config.provider_access_days;
    let mut lines = db::transaction(&state.pool, move |conn| {
        let lines = model::for_agency(
            conn,
            agency,
            today(),
            open_only,
            before,
            PAGE_SIZE + 1,
            days,
        )?;
        let shown: Vec<i64> = lines
            .iter()
            .take(PAGE_SIZE as usize)
            .filter(|l| !l.child_hidden())
            .map(|l| l.child_id)
            .collect();
        audit::listed(
            conn,
            &who,
            "referrals",
            json!({ "open_only": open_only, "before": before }),
            &shown,
            alert,
        )?;
        Ok(lines)
    })
    .await?;
    let next_before = if lines.len() as i64 > PAGE_SIZE {
        lines.truncate(PAGE_SIZE as usize);
        lines.last().map(|l| l.id)
    } else {
        None
    };
    render(&QueuePage {
        ctx: signed.ctx,
        lines,
        open_only,
        next_before,
        today: today(),
    })
}

#[derive(Template)]
#[template(path = "referrals/show.html")]
struct ShowPage {
    ctx: Ctx,
    referral: ProviderView,
    steps: Vec<ReferralStep>,
    note: String,
    /// The day of the step, as typed (the start or end of the service).
    on: String,
    errors: FieldErrors,
    stale: bool,
    today: NaiveDate,
}

impl ShowPage {
    fn offers(&self, step: ReferralStep) -> bool {
        self.steps.contains(&step)
    }
}

/// A referral the actor's agency received, with the view audited.
async fn open(state: &AppState, ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<ProviderView> {
    let viewer = actor.clone();
    let who = Who::actor(actor, &ctx.client_addr);
    let days = state.config.provider_access_days;
    db::transaction(&state.pool, move |conn| {
        let referral = model::provider_view(conn, id, today(), days)?;
        if !policy::can_answer_referral(&viewer, referral.agency_id) {
            return Err(AppError::NotFound);
        }
        audit::record(
            conn,
            &who,
            AuditAction::ReferralViewed,
            Some((TargetKind::Referral, id)),
            json!({}),
        )?;
        Ok(referral)
    })
    .await
}

fn page(ctx: Ctx, referral: ProviderView, note: String) -> ShowPage {
    let steps = ReferralStep::ALL
        .iter()
        .copied()
        .filter(|s| s.next(referral.status).is_ok())
        .collect();
    ShowPage {
        ctx,
        referral,
        steps,
        note,
        on: today().format("%Y-%m-%d").to_string(),
        errors: FieldErrors::new(),
        stale: false,
        today: today(),
    }
}

pub async fn show(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::AnswerReferrals)?;
    let referral = open(&state, &signed.ctx, &signed.actor, path.into_inner()).await?;
    render(&page(signed.ctx, referral, String::new()))
}

enum Answered {
    Saved,
    Invalid(FieldErrors),
    Stale,
}

/// Accept, decline, start, complete or fail a referral; each step lands on
/// the case's timeline.
/// The day a service started or ended: typed, not after today, not before
/// the referral was sent nor (for its end) before the service started.
fn step_day(errors: &mut FieldErrors, typed: &str, referral: &ProviderView) -> Option<NaiveDate> {
    let sent = referral.sent_at.with_timezone(&TIME_ZONE).date_naive();
    match required_date(typed, today()) {
        Ok(day) if day < referral.started_on.unwrap_or(sent) => {
            errors.add("on", "error-referral-day-too-early");
            None
        }
        Ok(day) => Some(day),
        Err(key) => {
            errors.add("on", key);
            None
        }
    }
}

pub async fn step(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::AnswerReferrals)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let referral = open(&state, &ctx, &actor, id).await?;
    let typed_note = form.get("note").to_owned();
    let step = ReferralStep::parse(form.get("step"));
    let version = form.get("version").trim().parse::<i32>().ok();
    // A page older than the referral: say so, whatever the step was.
    if version.is_some_and(|v| v != referral.version) {
        let mut page = page(ctx, referral, typed_note);
        page.stale = true;
        return render_with(StatusCode::CONFLICT, &page);
    }
    let mut errors = FieldErrors::new();
    let next = match step.map(|s| (s, s.next(referral.status))) {
        None => {
            errors.add("step", "error-invalid-choice");
            None
        }
        Some((_, Err(key))) => {
            errors.add("step", key);
            None
        }
        Some((s, Ok(next))) => Some((s, next)),
    };
    let note = step_text(
        &mut errors,
        "note",
        &typed_note,
        NOTE_TEXT,
        step.is_some_and(ReferralStep::needs_note),
    );
    let on = match step {
        Some(s) if s.needs_day() => step_day(
            &mut errors,
            &crate::web::forms::day_or_today(&form, "on", today()),
            &referral,
        ),
        _ => Some(today()),
    };
    if version.is_none() {
        errors.add("step", "error-invalid-choice");
    }
    let from = referral.status;
    let outcome = match (next, version, on) {
        (Some((step, to)), Some(version), Some(on)) if errors.is_empty() => {
            let who = Who::actor(&actor, &ctx.client_addr);
            let session_hash = ctx.session_hash.clone();
            let by = actor.id;
            db::transaction(&state.pool, move |conn| {
                let answer = model::Answer {
                    step,
                    from,
                    to,
                    note: &note,
                    on,
                };
                if !model::take_step(conn, id, version, &answer)? {
                    return Ok(Answered::Stale);
                }
                let case_id = model::case_of(conn, id)?;
                let kind = match to {
                    ReferralStatus::Accepted => EventKind::ReferralAccepted,
                    ReferralStatus::Declined => EventKind::ReferralDeclined,
                    ReferralStatus::InService => EventKind::ReferralStarted,
                    ReferralStatus::Completed => EventKind::ReferralCompleted,
                    _ => EventKind::ReferralFailed,
                };
                cases::add_event(
                    conn,
                    case_id,
                    Some(by),
                    kind,
                    &note,
                    json!({ "referral_id": id, "on": on }),
                )?;
                audit::record(
                    conn,
                    &who,
                    AuditAction::ReferralStep,
                    Some((TargetKind::Referral, id)),
                    json!({ "step": step.as_str(), "to": to.as_str() }),
                )?;
                session::flash(conn, session_hash.as_deref(), "flash-referral-saved")?;
                Ok(Answered::Saved)
            })
            .await?
        }
        _ => Answered::Invalid(errors),
    };
    match outcome {
        Answered::Saved => Ok(see_other(&format!("/referrals/{id}"))),
        Answered::Invalid(errors) => {
            let mut page = page(ctx, referral, typed_note);
            page.on = form.get("on").to_owned();
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Answered::Stale => {
            let fresh = open(&state, &ctx, &actor, id).await?;
            let mut page = page(ctx, fresh, typed_note);
            page.stale = true;
            render_with(StatusCode::CONFLICT, &page)
        }
    }
}
