use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde_json::json;

use super::model::{
    self, ChildRole, Event, Investigation, InvestigationEvent, InvestigationInput, LeReferral,
    LinkedCase, LinkedInspection, MoveInput, Offense, Stage,
};
use super::stages::Move;
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::cases::intake::{self, FoundValues, Intake, Origin};
use crate::cases::model::{CaseSource, ExploitationForm, Sector};
use crate::db;
use crate::policy::{self, Actor, Permission};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, TIME_ZONE, render, render_with, see_other};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, optional_number, required_date, text};
use crate::web::money;
use crate::web::session;

const PAGE_SIZE: i64 = 50;

fn today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&TIME_ZONE).date_naive()
}

fn agency_of(actor: &Actor) -> AppResult<i64> {
    policy::require(actor, Permission::Investigate)?;
    actor.agency_id.ok_or(AppError::Forbidden)
}

/// What the investigation form sent, kept as typed.
#[derive(Debug, Clone, Default)]
pub struct Values {
    pub offenses: Vec<String>,
    pub opened_on: String,
    pub reference: String,
    pub suspects: String,
    pub notes: String,
}

impl Values {
    fn from_form(form: &FormData) -> Values {
        Values {
            offenses: form
                .all("offenses")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            opened_on: form.get("opened_on").to_owned(),
            reference: form.get("reference").to_owned(),
            suspects: form.get("suspects").to_owned(),
            notes: form.get("notes").to_owned(),
        }
    }

    fn has(&self, offense: &Offense) -> bool {
        self.offenses.iter().any(|o| o == offense.as_str())
    }

    fn parse(&self, today: NaiveDate) -> Result<InvestigationInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut offenses = Vec::new();
        for o in &self.offenses {
            match Offense::parse(o) {
                Some(o) if !offenses.contains(&o) => offenses.push(o),
                Some(_) => {}
                None => errors.add("offenses", "error-invalid-choice"),
            }
        }
        if offenses.is_empty() {
            errors.add("offenses", "error-offenses-required");
        }
        offenses.sort();
        let opened_on = required_date(&self.opened_on, today)
            .map_err(|e| errors.add("opened_on", e))
            .ok();
        let reference = text(&self.reference, 100, false)
            .map_err(|e| errors.add("reference", e))
            .unwrap_or_default();
        let suspects = optional_number(&self.suspects, 0, 1000)
            .map_err(|e| errors.add("suspects", e))
            .ok()
            .flatten()
            .unwrap_or(0) as i32;
        let notes = text(&self.notes, 5000, true)
            .map_err(|e| errors.add("notes", e))
            .unwrap_or_default();
        match opened_on {
            Some(opened_on) if errors.is_empty() => Ok(InvestigationInput {
                offenses,
                opened_on,
                reference,
                suspects,
                notes,
            }),
            _ => Err(errors),
        }
    }
}

// ------------------------------------------------------------ list & queue

#[derive(Template)]
#[template(path = "investigations/list.html")]
struct ListPage {
    ctx: Ctx,
    list: Vec<Investigation>,
    waiting: Vec<LeReferral>,
    next_before: Option<i64>,
    values: Values,
    errors: FieldErrors,
    offenses: &'static [Offense],
}

pub async fn list(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let agency = agency_of(&signed.actor)?;
    let before = FormData::parse(req.query_string().as_bytes())
        .get("before")
        .parse::<i64>()
        .ok();
    let (mut list, waiting) = db::run(&state.pool, move |conn| {
        Ok((
            model::list(conn, agency, before, PAGE_SIZE + 1)?,
            model::waiting_for(conn, agency)?,
        ))
    })
    .await?;
    let next_before = if list.len() as i64 > PAGE_SIZE {
        list.truncate(PAGE_SIZE as usize);
        list.last().map(|i| i.id)
    } else {
        None
    };
    render(&ListPage {
        ctx: signed.ctx,
        list,
        waiting,
        next_before,
        values: Values {
            opened_on: today().format("%Y-%m-%d").to_string(),
            ..Values::default()
        },
        errors: FieldErrors::new(),
        offenses: Offense::ALL,
    })
}

/// Open an investigation (from the list page's form).
pub async fn create(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let agency = agency_of(&signed.actor)?;
    let Signed { ctx, actor } = signed;
    let values = Values::from_form(&form);
    let input = match values.parse(today()) {
        Ok(input) => input,
        Err(errors) => {
            let (list, waiting) = db::run(&state.pool, move |conn| {
                Ok((
                    model::list(conn, agency, None, PAGE_SIZE)?,
                    model::waiting_for(conn, agency)?,
                ))
            })
            .await?;
            return render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ListPage {
                    ctx,
                    list,
                    waiting,
                    next_before: None,
                    values,
                    errors,
                    offenses: Offense::ALL,
                },
            );
        }
    };
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let by = actor.id;
    let id = db::transaction(&state.pool, move |conn| {
        let id = model::create(conn, agency, &input, by)?;
        model::add_event(conn, id, by, InvestigationEvent::Opened, "", json!({}))?;
        audit::record(
            conn,
            &who,
            AuditAction::InvestigationOpened,
            Some((TargetKind::Investigation, id)),
            json!({ "offenses": input.offenses.iter().map(|o| o.as_str()).collect::<Vec<_>>() }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-investigation-saved")?;
        Ok(id)
    })
    .await?;
    Ok(see_other(&format!("/investigations/{id}")))
}

// -------------------------------------------------------------------- page

#[derive(Template)]
#[template(path = "investigations/show.html")]
struct ShowPage {
    ctx: Ctx,
    investigation: Investigation,
    cases: Vec<LinkedCase>,
    inspections: Vec<LinkedInspection>,
    events: Vec<Event>,
    moves: Vec<Move>,
    form: FormData,
    errors: FieldErrors,
    stale: bool,
    today: NaiveDate,
    /// The short form for a child victim found in the investigation.
    found_child: FoundValues,
    places: Vec<crate::admin::model::LocationOption>,
    sexes: &'static [crate::children::model::Sex],
    schooling: &'static [crate::children::model::SchoolStatus],
    case_forms: &'static [ExploitationForm],
}

impl ShowPage {
    fn offers(&self, m: Move) -> bool {
        self.moves.contains(&m)
    }

    /// The moves that leave the investigation open (the first is the
    /// page's primary button).
    fn steps(&self) -> Vec<Move> {
        self.moves
            .iter()
            .copied()
            .filter(|m| !m.is_final())
            .collect()
    }

    /// The moves that decide it for good, each confirmed before it is sent.
    fn verdicts(&self) -> Vec<Move> {
        self.moves
            .iter()
            .copied()
            .filter(|m| m.is_final())
            .collect()
    }

    fn typed(&self, name: &str) -> String {
        self.form.get(name).to_owned()
    }

    fn fine(&self) -> String {
        self.investigation
            .fine
            .map(|f| money::format(&f, self.ctx.lang))
            .unwrap_or_default()
    }

    fn prison(&self) -> String {
        match self.investigation.prison_months {
            Some(m) => self.ctx.tn("investigation-months", "count", m),
            None => self.ctx.t("value-none"),
        }
    }

    fn age(&self, birth: &NaiveDate) -> i32 {
        crate::children::model::age_on(*birth, self.today)
    }

    fn stage_name(&self, stage: &Option<String>) -> String {
        stage
            .as_deref()
            .and_then(Stage::parse)
            .map(|s| self.ctx.t(s.message_key()))
            .unwrap_or_default()
    }
}

async fn show_page(state: &AppState, ctx: Ctx, actor: &Actor, id: i64) -> AppResult<ShowPage> {
    let viewer = actor.clone();
    let who = Who::actor(actor, &ctx.client_addr);
    let (investigation, cases, inspections, events, places) =
        db::transaction(&state.pool, move |conn| {
            let investigation = model::get(conn, id)?;
            if !policy::can_investigate(&viewer, investigation.agency_id) {
                return Err(AppError::NotFound);
            }
            let cases = model::cases_of(conn, id)?;
            // The page names the children of the linked cases: a view of their
            // data, so it is audited.
            audit::record(
                conn,
                &who,
                AuditAction::InvestigationViewed,
                Some((TargetKind::Investigation, id)),
                json!({ "cases": cases.iter().map(|c| c.case_id).collect::<Vec<_>>() }),
            )?;
            Ok((
                investigation,
                cases,
                model::inspections_of(conn, id)?,
                model::events(conn, id)?,
                crate::admin::model::location_options(conn)?,
            ))
        })
        .await?;
    let moves = Move::ALL
        .iter()
        .copied()
        .filter(|m| m.next(investigation.stage, None).is_ok())
        .collect();
    Ok(ShowPage {
        ctx,
        investigation,
        cases,
        inspections,
        events,
        moves,
        form: FormData::default(),
        errors: FieldErrors::new(),
        stale: false,
        today: today(),
        found_child: FoundValues {
            identified_on: today().format("%Y-%m-%d").to_string(),
            ..FoundValues::blank(0)
        },
        places,
        sexes: crate::children::model::Sex::ALL,
        schooling: crate::children::model::SchoolStatus::ALL,
        case_forms: ExploitationForm::ALL,
    })
}

pub async fn show(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    agency_of(&signed.actor)?;
    let actor = signed.actor.clone();
    render(&show_page(&state, signed.ctx, &actor, path.into_inner()).await?)
}

enum Moved {
    Done,
    Invalid(FieldErrors),
    Stale,
}

fn invalid(field: &'static str, key: &'static str) -> Moved {
    let mut errors = FieldErrors::new();
    errors.add(field, key);
    Moved::Invalid(errors)
}

/// Parse a move's date and, for a conviction, its penalties; anything else
/// carries no penalty.
fn parse_move(
    form: &FormData,
    to: Stage,
    earliest: NaiveDate,
    today: NaiveDate,
) -> Result<MoveInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let on = match required_date(form.get("on"), today) {
        Ok(d) if d < earliest => {
            errors.add("on", "error-stage-before-previous");
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errors.add("on", e);
            None
        }
    };
    let prison = form.get("prison_months");
    let fine = form.get("fine");
    let other = form.get("other_penalty");
    let (mut prison_months, mut fine_amount, mut other_penalty) = (None, None, String::new());
    if to == Stage::Convicted {
        prison_months = optional_number(prison, 0, 600)
            .map_err(|e| errors.add("prison_months", e))
            .ok()
            .flatten()
            .map(|n| n as i32);
        if !fine.trim().is_empty() {
            fine_amount = money::parse(fine).map_err(|e| errors.add("fine", e)).ok();
        }
        other_penalty = text(other, 500, false)
            .map_err(|e| errors.add("other_penalty", e))
            .unwrap_or_default();
    } else if !(prison.trim().is_empty() && fine.trim().is_empty() && other.trim().is_empty()) {
        errors.add("move", "error-penalty-without-conviction");
    }
    match on {
        Some(on) if errors.is_empty() => Ok(MoveInput {
            on,
            prison_months,
            fine: fine_amount,
            other_penalty,
        }),
        _ => Err(errors),
    }
}

/// Move an investigation to its next stage (to court, a verdict, suspended,
/// resumed), with the date, and the penalties of a conviction.
pub async fn move_stage(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    agency_of(&signed.actor)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let step = Move::parse(form.get("move"));
    let version = form.get("version").trim().parse::<i32>().unwrap_or(-1);
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let investigator = actor.clone();
    let typed = form.clone();
    let moved = db::transaction(&state.pool, move |conn| {
        let investigation = model::get(conn, id)?;
        if !policy::can_investigate(&investigator, investigation.agency_id) {
            return Err(AppError::NotFound);
        }
        if version != investigation.version {
            return Ok(Moved::Stale);
        }
        let Some(step) = step else {
            return Ok(invalid("move", "error-invalid-choice"));
        };
        let from = investigation
            .suspended_from
            .as_deref()
            .and_then(Stage::parse);
        let to = match step.next(investigation.stage, from) {
            Ok(to) => to,
            Err(key) => return Ok(invalid("move", key)),
        };
        // Each move is dated on or after the one before.
        let earliest = investigation.stage_on;
        let input = match parse_move(&typed, to, earliest, today()) {
            Ok(input) => input,
            Err(errors) => return Ok(Moved::Invalid(errors)),
        };
        if !model::move_stage(conn, id, version, investigation.stage, to, &input)? {
            return Ok(Moved::Stale);
        }
        model::add_event(
            conn,
            id,
            investigator.id,
            InvestigationEvent::Stage,
            "",
            json!({ "from": investigation.stage.as_str(), "to": to.as_str(), "on": input.on }),
        )?;
        audit::record(
            conn,
            &who,
            AuditAction::InvestigationStage,
            Some((TargetKind::Investigation, id)),
            json!({ "from": investigation.stage.as_str(), "to": to.as_str() }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-investigation-saved")?;
        Ok(Moved::Done)
    })
    .await?;
    let (errors, stale, status) = match moved {
        Moved::Done => return Ok(see_other(&format!("/investigations/{id}"))),
        Moved::Invalid(errors) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        Moved::Stale => (FieldErrors::new(), true, StatusCode::CONFLICT),
    };
    let mut page = show_page(&state, ctx, &actor, id).await?;
    page.errors = errors;
    page.stale = stale;
    page.form = form;
    render_with(status, &page)
}

/// Law enforcement refers a child victim found in the investigation to the
/// Child Support Unit of the child's home: the child is registered, a case
/// opened there and linked to the investigation, the child as a victim.
pub async fn refer_victim(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    agency_of(&signed.actor)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let mut values = FoundValues::from_form(&form);
    values.identified_on = crate::web::forms::day_or_today(&form, "identified_on", today());
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let deadlines = crate::cases::workflow::Deadlines::from_config(&state.config);
    let investigator = actor.clone();
    let typed = values.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        let investigation = model::get(conn, id)?;
        if !policy::can_investigate(&investigator, investigation.agency_id) {
            return Err(AppError::NotFound);
        }
        let found = match typed.parse(today(), None) {
            Ok(parsed) => parsed,
            Err(errors) => return Ok(Err(errors)),
        };
        let origin = Origin {
            source: CaseSource::Police,
            sector: Sector::Other,
            inspection_id: None,
            details: json!({ "investigation_id": id }),
        };
        match intake::open_case(
            conn,
            &who,
            investigator.id,
            found,
            origin,
            deadlines,
            today(),
        )? {
            Intake::NoUnit => Ok(Err(FieldErrors::from_one(
                "home_location_id",
                "error-no-unit-for-territory",
            ))),
            Intake::Opened { case_id, .. } => {
                model::link_case(conn, id, case_id, ChildRole::Victim)?;
                model::add_event(
                    conn,
                    id,
                    investigator.id,
                    InvestigationEvent::VictimReferred,
                    "",
                    json!({ "case_id": case_id }),
                )?;
                audit::record(
                    conn,
                    &who,
                    AuditAction::VictimReferred,
                    Some((TargetKind::Investigation, id)),
                    json!({ "case_id": case_id }),
                )?;
                session::flash(conn, session_hash.as_deref(), "flash-victim-referred")?;
                Ok(Ok(()))
            }
        }
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/investigations/{id}"))),
        Err(errors) => {
            let mut page = show_page(&state, ctx, &actor, id).await?;
            page.errors = errors;
            page.found_child = values;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

// --------------------------------------------------------------- referrals

#[derive(Template)]
#[template(path = "investigations/referral.html")]
struct ReferralPage {
    ctx: Ctx,
    referral: LeReferral,
    investigations: Vec<Investigation>,
    values: Values,
    form: FormData,
    errors: FieldErrors,
    offenses: &'static [Offense],
    /// The last day the child's data is shown (none while the referral is
    /// open).
    shared_until: Option<NaiveDate>,
    /// The access to the child's data has ended: the page shows the
    /// referral without it.
    child_withheld: bool,
    /// What the referred inspection found (its establishment and owner,
    /// children by sex and age, violations, penalties, notes).
    found: Option<crate::inspections::model::Inspection>,
    penalties: Vec<crate::inspections::model::Penalty>,
}

impl ReferralPage {
    fn typed(&self, name: &str) -> String {
        self.form.get(name).to_owned()
    }

    fn money(&self, amount: &rust_decimal::Decimal) -> String {
        crate::web::money::format(amount, self.ctx.lang)
    }
}

async fn referral_page(
    state: &AppState,
    ctx: Ctx,
    actor: &Actor,
    id: i64,
) -> AppResult<ReferralPage> {
    let viewer = actor.clone();
    let who = Who::actor(actor, &ctx.client_addr);
    let days = state.config.le_access_days;
    let (referral, investigations, shared_until, child_withheld, found, penalties) =
        db::transaction(&state.pool, move |conn| {
            let mut referral = model::get_referral(conn, id)?;
            if !policy::can_investigate(&viewer, referral.agency_id) {
                return Err(AppError::NotFound);
            }
            let shared_until = referral.shared_until(days);
            let child_withheld =
                referral.case_id.is_some() && !policy::shares_child_on(shared_until, today());
            if child_withheld {
                // Nothing of the child is shown, so nothing personal is viewed.
                referral.withhold_child();
            } else if referral.case_id.is_some() {
                audit::record(
                    conn,
                    &who,
                    AuditAction::CaseViewed,
                    referral.case_id.map(|c| (TargetKind::Case, c)),
                    json!({ "for": "law_enforcement_referral", "referral_id": id }),
                )?;
            }
            let agency = referral.agency_id;
            // The inspection is the referral's subject: the agency reads it
            // whole (it names no child).
            let (found, penalties) = match referral.inspection_id {
                Some(i) => (
                    Some(crate::inspections::model::get_inspection(conn, i)?),
                    crate::inspections::model::penalties_of(conn, i)?,
                ),
                None => (None, Vec::new()),
            };
            Ok((
                referral,
                model::list(conn, agency, None, 200)?,
                shared_until,
                child_withheld,
                found,
                penalties,
            ))
        })
        .await?;
    Ok(ReferralPage {
        ctx,
        referral,
        investigations,
        values: Values {
            opened_on: today().format("%Y-%m-%d").to_string(),
            ..Values::default()
        },
        form: FormData::default(),
        errors: FieldErrors::new(),
        offenses: Offense::ALL,
        shared_until,
        child_withheld,
        found,
        penalties,
    })
}

pub async fn referral(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    agency_of(&signed.actor)?;
    let actor = signed.actor.clone();
    render(&referral_page(&state, signed.ctx, &actor, path.into_inner()).await?)
}

/// Answer a referral: link it to an existing investigation, open a new one
/// for it, or decline with a reason.
pub async fn answer(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    agency_of(&signed.actor)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let values = Values::from_form(&form);
    let version = form.get("version").trim().parse::<i32>().unwrap_or(-1);
    let answer = form.get("answer").to_owned();
    let existing = form.get("investigation").trim().parse::<i64>().ok();
    let reason = form.get("decline_reason").to_owned();
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let investigator = actor.clone();
    let typed = values.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        model::lock_referral(conn, id)?;
        let referral = model::get_referral(conn, id)?;
        if !policy::can_investigate(&investigator, referral.agency_id) {
            return Err(AppError::NotFound);
        }
        if version != referral.version || referral.status != model::LeStatus::Sent {
            return Ok(Err(FieldErrors::from_one(
                "answer",
                "error-referral-answered",
            )));
        }
        let investigation = match answer.as_str() {
            "decline" => {
                let reason = match text(&reason, 2000, true) {
                    Ok(r) if !r.is_empty() => r,
                    Ok(_) => {
                        return Ok(Err(FieldErrors::from_one(
                            "decline_reason",
                            "error-required",
                        )));
                    }
                    Err(e) => return Ok(Err(FieldErrors::from_one("decline_reason", e))),
                };
                if !model::decline(conn, id, version, &reason)? {
                    return Err(AppError::internal(anyhow::anyhow!(
                        "locked referral changed"
                    )));
                }
                if let Some(case) = referral.case_id {
                    crate::cases::model::add_event(
                        conn,
                        case,
                        Some(investigator.id),
                        crate::cases::model::EventKind::LawEnforcementDeclined,
                        &reason,
                        json!({ "referral_id": id }),
                    )?;
                }
                audit::record(
                    conn,
                    &who,
                    AuditAction::LeReferralAnswered,
                    Some((TargetKind::LeReferral, id)),
                    json!({ "answer": "declined" }),
                )?;
                session::flash(conn, session_hash.as_deref(), "flash-referral-saved")?;
                return Ok(Ok(None));
            }
            "link" => {
                let Some(chosen) = existing else {
                    return Ok(Err(FieldErrors::from_one(
                        "investigation",
                        "error-required",
                    )));
                };
                // Another agency's investigation is answered as one that
                // does not exist: the answer must not reveal it.
                let investigation = diesel::OptionalExtension::optional(model::get(conn, chosen))?;
                if investigation.is_none_or(|v| v.agency_id != referral.agency_id) {
                    return Ok(Err(FieldErrors::from_one(
                        "investigation",
                        "error-invalid-choice",
                    )));
                }
                chosen
            }
            "new" => {
                let input = match typed.parse(today()) {
                    Ok(input) => input,
                    Err(errors) => return Ok(Err(errors)),
                };
                let new = model::create(conn, referral.agency_id, &input, investigator.id)?;
                model::add_event(
                    conn,
                    new,
                    investigator.id,
                    InvestigationEvent::Opened,
                    "",
                    json!({}),
                )?;
                audit::record(
                    conn,
                    &who,
                    AuditAction::InvestigationOpened,
                    Some((TargetKind::Investigation, new)),
                    json!({ "referral_id": id }),
                )?;
                new
            }
            _ => return Ok(Err(FieldErrors::from_one("answer", "error-invalid-choice"))),
        };
        if !model::accept(conn, id, version, investigation)? {
            // Cannot happen under the row lock; if it did, nothing is kept.
            return Err(AppError::internal(anyhow::anyhow!(
                "locked referral changed"
            )));
        }
        // The case's child is a victim of what is investigated: never
        // anything else (there is no other role to give).
        if let Some(case) = referral.case_id {
            model::link_case(conn, investigation, case, ChildRole::Victim)?;
            model::add_event(
                conn,
                investigation,
                investigator.id,
                InvestigationEvent::CaseLinked,
                "",
                json!({ "case_id": case }),
            )?;
            crate::cases::model::add_event(
                conn,
                case,
                Some(investigator.id),
                crate::cases::model::EventKind::LawEnforcementAccepted,
                "",
                json!({ "investigation_id": investigation }),
            )?;
        }
        if let Some(inspection) = referral.inspection_id {
            model::link_inspection(conn, investigation, inspection)?;
            // The children found there are the victims of what is investigated.
            for found in crate::inspections::model::cases_of_inspection(conn, inspection)? {
                model::link_case(conn, investigation, found.case_id, ChildRole::Victim)?;
                crate::cases::model::add_event(
                    conn,
                    found.case_id,
                    Some(investigator.id),
                    crate::cases::model::EventKind::LawEnforcementAccepted,
                    "",
                    json!({ "investigation_id": investigation, "inspection_id": inspection }),
                )?;
            }
            model::add_event(
                conn,
                investigation,
                investigator.id,
                InvestigationEvent::InspectionLinked,
                "",
                json!({ "inspection_id": inspection }),
            )?;
        }
        audit::record(
            conn,
            &who,
            AuditAction::LeReferralAnswered,
            Some((TargetKind::LeReferral, id)),
            json!({ "answer": "accepted", "investigation_id": investigation }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-referral-saved")?;
        Ok(Ok(Some(investigation)))
    })
    .await?;
    match outcome {
        Ok(Some(investigation)) => Ok(see_other(&format!("/investigations/{investigation}"))),
        Ok(None) => Ok(see_other("/investigations")),
        Err(errors) => {
            let mut page = referral_page(&state, ctx, &actor, id).await?;
            page.values = values;
            page.form = form;
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
