use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::json;

use super::forms::TrainingValues;
use super::model::{self, Course, Inspector, InspectorLine, TrainingRecord};
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::cases::handlers::today;
use crate::db;
use crate::policy::{self, Actor, Permission};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, render, render_with, see_other};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, SaveOutcome};
use crate::web::session;

const PAGE_SIZE: i64 = 50;

// ------------------------------------------------------------------ list

#[derive(Template)]
#[template(path = "training/list.html")]
struct ListPage {
    ctx: Ctx,
    lines: Vec<InspectorLine>,
    next_after: Option<i64>,
}

/// The inspectors of one's territory with their latest course. An inspector
/// has no list to see: they land on their own record.
pub async fn list(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewTraining)?;
    if !policy::allows(&signed.actor, Permission::RecordTraining) {
        return Ok(see_other(&format!(
            "/training/inspectors/{}",
            signed.actor.id
        )));
    }
    let territory = policy::scope(&signed.actor).territory_path;
    let query = FormData::parse(req.query_string().as_bytes());
    let after = match query.get("after").trim() {
        "" => None,
        v => Some(v.parse::<i64>().map_err(|_| AppError::BadRequest)?),
    };
    let mut lines = db::run(&state.pool, move |conn| {
        Ok(model::list_inspectors(
            conn,
            territory.as_deref(),
            after,
            PAGE_SIZE + 1,
        )?)
    })
    .await?;
    let next_after = if lines.len() as i64 > PAGE_SIZE {
        lines.truncate(PAGE_SIZE as usize);
        lines.last().map(|l| l.id)
    } else {
        None
    };
    render(&ListPage {
        ctx: signed.ctx,
        lines,
        next_after,
    })
}

// ------------------------------------------------------- one inspector

#[derive(Template)]
#[template(path = "training/inspector.html")]
struct InspectorPage {
    ctx: Ctx,
    inspector: Inspector,
    records: Vec<TrainingRecord>,
    can_record: bool,
}

/// The inspector `id` if the actor may read their records, else "not found"
/// (whether such an inspector exists elsewhere is not revealed).
async fn visible_inspector(state: &AppState, actor: &Actor, id: i64) -> AppResult<Inspector> {
    let viewer = actor.clone();
    db::run(&state.pool, move |conn| {
        let inspector = model::inspector(conn, id)?.ok_or(AppError::NotFound)?;
        if !policy::can_view_training(&viewer, inspector.id, &inspector.path) {
            return Err(AppError::NotFound);
        }
        Ok(inspector)
    })
    .await
}

pub async fn inspector(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewTraining)?;
    let inspector = visible_inspector(&state, &signed.actor, path.into_inner()).await?;
    let id = inspector.id;
    let records = db::run(&state.pool, move |conn| Ok(model::records_of(conn, id)?)).await?;
    render(&InspectorPage {
        can_record: policy::can_record_training(&signed.actor, &inspector.path),
        ctx: signed.ctx,
        inspector,
        records,
    })
}

// ------------------------------------------------------------------ form

#[derive(Template)]
#[template(path = "training/form.html")]
struct FormPage {
    ctx: Ctx,
    inspector: Inspector,
    values: TrainingValues,
    errors: FieldErrors,
    /// The record being corrected (`None` for a new one).
    record: Option<TrainingRecord>,
    /// Someone else's newer version, shown beside the form.
    conflict: Option<TrainingRecord>,
    courses: &'static [Course],
}

impl FormPage {
    fn new(
        ctx: Ctx,
        inspector: Inspector,
        values: TrainingValues,
        record: Option<TrainingRecord>,
    ) -> FormPage {
        FormPage {
            ctx,
            inspector,
            values,
            errors: FieldErrors::new(),
            record,
            conflict: None,
            courses: Course::ALL,
        }
    }

    fn is_new(&self) -> bool {
        self.record.is_none()
    }
}

/// The inspector `id`, if the actor keeps their records.
async fn recordable_inspector(state: &AppState, actor: &Actor, id: i64) -> AppResult<Inspector> {
    policy::require(actor, Permission::RecordTraining)?;
    let keeper = actor.clone();
    db::run(&state.pool, move |conn| {
        let inspector = model::inspector(conn, id)?.ok_or(AppError::NotFound)?;
        if !policy::can_record_training(&keeper, &inspector.path) {
            return Err(AppError::NotFound);
        }
        Ok(inspector)
    })
    .await
}

pub async fn new(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let inspector = recordable_inspector(&state, &signed.actor, path.into_inner()).await?;
    render(&FormPage::new(
        signed.ctx,
        inspector,
        TrainingValues::default(),
        None,
    ))
}

pub async fn create(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let inspector = recordable_inspector(&state, &actor, path.into_inner()).await?;
    let values = TrainingValues::from_form(&form);
    let input = match values.parse(today()) {
        Ok(input) => input,
        Err(errors) => {
            let mut page = FormPage::new(ctx, inspector, values, None);
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let (inspector_id, by) = (inspector.id, actor.id);
    db::transaction(&state.pool, move |conn| {
        let id = model::create_record(conn, inspector_id, &input, by)?;
        audit::record(
            conn,
            &who,
            AuditAction::TrainingRecorded,
            Some((TargetKind::TrainingRecord, id)),
            json!({
                "user_id": inspector_id,
                "course": input.course.as_str(),
                "completed_on": input.completed_on,
            }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-training-saved")?;
        Ok(())
    })
    .await?;
    Ok(see_other(&format!("/training/inspectors/{inspector_id}")))
}

/// A record and its inspector, if the actor keeps that inspector's records.
async fn recordable_record(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> AppResult<(TrainingRecord, Inspector)> {
    policy::require(actor, Permission::RecordTraining)?;
    let keeper = actor.clone();
    db::run(&state.pool, move |conn| {
        let record = model::get_record(conn, id)?;
        let inspector = model::inspector(conn, record.user_id)?.ok_or(AppError::NotFound)?;
        if !policy::can_record_training(&keeper, &inspector.path) {
            return Err(AppError::NotFound);
        }
        Ok((record, inspector))
    })
    .await
}

pub async fn edit(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (record, inspector) = recordable_record(&state, &signed.actor, path.into_inner()).await?;
    let values = TrainingValues::from_record(&record);
    render(&FormPage::new(signed.ctx, inspector, values, Some(record)))
}

pub async fn update(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let (record, inspector) = recordable_record(&state, &actor, id).await?;
    let mut values = TrainingValues::from_form(&form);
    let parsed = values
        .parse(today())
        .and_then(|input| values.parse_version().map(|v| (input, v)));
    let (input, version) = match parsed {
        Ok(p) => p,
        Err(errors) => {
            let mut page = FormPage::new(ctx, inspector, values, Some(record));
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let changed = model::changed_fields(&record, &input);
    let inspector_id = inspector.id;
    let outcome = db::transaction(&state.pool, move |conn| {
        if !model::update_record(conn, id, version, &input)? {
            return Ok(SaveOutcome::Conflict(Box::new(model::get_record(
                conn, id,
            )?)));
        }
        audit::record(
            conn,
            &who,
            AuditAction::TrainingUpdated,
            Some((TargetKind::TrainingRecord, id)),
            json!({ "user_id": inspector_id, "changed": changed }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-training-saved")?;
        Ok(SaveOutcome::<TrainingRecord>::Saved)
    })
    .await?;
    match outcome {
        SaveOutcome::Saved => Ok(see_other(&format!("/training/inspectors/{inspector_id}"))),
        SaveOutcome::Invalid(errors) => {
            let mut page = FormPage::new(ctx, inspector, values, Some(record));
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        SaveOutcome::Conflict(current) => {
            // The next save goes over their version, on purpose.
            values.version = current.version.to_string();
            let mut page = FormPage::new(ctx, inspector, values, Some(*current.clone()));
            page.conflict = Some(*current);
            render_with(StatusCode::CONFLICT, &page)
        }
    }
}
