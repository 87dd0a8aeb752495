use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::json;

use super::forms::{ComplaintValues, FilterValues, ProcessValues};
use super::model::{
    self, Complaint, ComplaintFilter, ComplaintLine, ComplaintStatus, SchoolOption,
};
use crate::admin::model::{LocationOption, location_options};
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::cases::forms::optional_choice;
use crate::cases::handlers::today;
use crate::children::model::location_path;
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
#[template(path = "complaints/list.html")]
struct ListPage {
    ctx: Ctx,
    lines: Vec<ComplaintLine>,
    filters: FilterValues,
    errors: FieldErrors,
    next: Option<String>,
    statuses: &'static [ComplaintStatus],
    places: Vec<LocationOption>,
    /// The reader processes complaints (else the list holds only their own).
    processes: bool,
}

pub async fn list(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::LogComplaints)?;
    let scope = policy::complaint_scope(&signed.actor);
    let query = FormData::parse(req.query_string().as_bytes());
    let filters = FilterValues::from_query(&query);
    let mut errors = FieldErrors::new();
    let status = optional_choice(
        &mut errors,
        "status",
        &filters.status,
        ComplaintStatus::parse,
    );
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
    let before = match query.get("before").trim() {
        "" => None,
        v => Some(v.parse::<i64>().map_err(|_| AppError::BadRequest)?),
    };
    let valid = errors.is_empty();
    let (mut lines, places) = db::run(&state.pool, move |conn| {
        let places = location_options(conn)?;
        if !valid {
            return Ok((Vec::new(), places));
        }
        let mut filter = ComplaintFilter {
            status,
            territory_path: None,
        };
        if let Some(id) = territory {
            filter.territory_path = location_path(conn, id)?;
            if filter.territory_path.is_none() {
                return Ok((Vec::new(), places));
            }
        }
        let lines = model::list_complaints(conn, &scope, &filter, before, PAGE_SIZE + 1)?;
        Ok((lines, places))
    })
    .await?;
    let next = if lines.len() as i64 > PAGE_SIZE {
        lines.truncate(PAGE_SIZE as usize);
        lines.last().map(|l| {
            let q = filters.query();
            if q.is_empty() {
                format!("before={}", l.id)
            } else {
                format!("{q}&before={}", l.id)
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
            processes: policy::allows(&signed.actor, Permission::ProcessComplaints),
            ctx: signed.ctx,
            lines,
            filters,
            errors,
            next,
            statuses: ComplaintStatus::ALL,
            places,
        },
    )
}

// ------------------------------------------------------------------ form

#[derive(Template)]
#[template(path = "complaints/form.html")]
struct FormPage {
    ctx: Ctx,
    values: ComplaintValues,
    errors: FieldErrors,
    schools: Vec<SchoolOption>,
    places: Vec<LocationOption>,
    /// The complaint being corrected (`None` for a new one).
    complaint: Option<Complaint>,
    /// Someone else's newer version, shown beside the form.
    conflict: Option<Complaint>,
}

impl FormPage {
    fn is_new(&self) -> bool {
        self.complaint.is_none()
    }
}

async fn choices(state: &AppState) -> AppResult<(Vec<SchoolOption>, Vec<LocationOption>)> {
    db::run(&state.pool, |conn| {
        Ok((model::schools(conn)?, location_options(conn)?))
    })
    .await
}

fn form_page(
    ctx: Ctx,
    values: ComplaintValues,
    (schools, places): (Vec<SchoolOption>, Vec<LocationOption>),
    complaint: Option<Complaint>,
) -> FormPage {
    FormPage {
        ctx,
        values,
        errors: FieldErrors::new(),
        schools,
        places,
        complaint,
        conflict: None,
    }
}

pub async fn new(signed: Signed, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::LogComplaints)?;
    let options = choices(&state).await?;
    render(&form_page(
        signed.ctx,
        ComplaintValues::default(),
        options,
        None,
    ))
}

pub async fn create(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::LogComplaints)?;
    let Signed { ctx, actor } = signed;
    let values = ComplaintValues::from_form(&form);
    let options = choices(&state).await?;
    let input = match values.parse(today(), &options.0, &options.1) {
        Ok(input) => input,
        Err(errors) => {
            let mut page = form_page(ctx, values, options, None);
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let by = actor.id;
    let id = db::transaction(&state.pool, move |conn| {
        let id = model::create_complaint(conn, &input, by)?;
        // Never the complainant, nor the description (it may name them).
        audit::record(
            conn,
            &who,
            AuditAction::ComplaintLogged,
            Some((TargetKind::SchoolFeeComplaint, id)),
            json!({
                "school_id": input.school_id,
                "location_id": input.location_id,
                "charged_on": input.charged_on,
                "amount": input.amount.to_string(),
            }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-complaint-logged")?;
        Ok(id)
    })
    .await?;
    Ok(see_other(&format!("/complaints/{id}")))
}

// ------------------------------------------------------------------ page

#[derive(Template)]
#[template(path = "complaints/show.html")]
struct ShowPage {
    ctx: Ctx,
    complaint: Complaint,
    /// May verify and resolve it, and see who complained.
    can_process: bool,
    choices: Vec<ComplaintStatus>,
    values: ProcessValues,
    errors: FieldErrors,
    /// The complaint changed since the page was loaded: nothing was saved.
    stale: bool,
}

impl ShowPage {
    /// After a conflict that closed the complaint (a colleague resolved it
    /// first), the action typed, to copy; while it is open it stays in its
    /// field.
    fn kept_text(&self) -> Vec<(&'static str, String)> {
        let typed = self.values.action_taken.trim();
        if self.complaint.status.is_open()
            || typed.is_empty()
            || typed == self.complaint.action_taken
        {
            Vec::new()
        } else {
            vec![("complaint-action-taken", self.values.action_taken.clone())]
        }
    }
}

fn show_page(
    ctx: Ctx,
    actor: &Actor,
    complaint: Complaint,
    values: Option<ProcessValues>,
) -> ShowPage {
    ShowPage {
        can_process: policy::can_process_complaint(actor, &complaint.path),
        choices: complaint.status.choices(),
        values: values.unwrap_or_else(|| ProcessValues::for_complaint(&complaint)),
        ctx,
        complaint,
        errors: FieldErrors::new(),
        stale: false,
    }
}

/// A complaint the actor may open, or "not found" (its existence is not revealed).
async fn visible(state: &AppState, actor: &Actor, id: i64) -> AppResult<Complaint> {
    let viewer = actor.clone();
    db::run(&state.pool, move |conn| {
        let complaint = model::get_complaint(conn, id)?;
        if !policy::can_view_complaint(&viewer, complaint.logged_by, &complaint.path) {
            return Err(AppError::NotFound);
        }
        Ok(complaint)
    })
    .await
}

/// A complaint the actor processes: 403 for a role that processes none, 404
/// for one outside their territory.
async fn processable(state: &AppState, actor: &Actor, id: i64) -> AppResult<Complaint> {
    policy::require(actor, Permission::ProcessComplaints)?;
    let complaint = visible(state, actor, id).await?;
    if !policy::can_process_complaint(actor, &complaint.path) {
        return Err(AppError::NotFound);
    }
    Ok(complaint)
}

pub async fn show(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::LogComplaints)?;
    let complaint = visible(&state, &signed.actor, path.into_inner()).await?;
    render(&show_page(signed.ctx, &signed.actor, complaint, None))
}

enum Processed {
    Saved,
    Stale,
}

/// Verify, resolve or find unfounded, with the action taken.
pub async fn process(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let complaint = processable(&state, &actor, id).await?;
    let values = ProcessValues::from_form(&form);
    // A page older than the complaint: say so, whatever was asked.
    if values
        .version
        .trim()
        .parse::<i32>()
        .is_ok_and(|v| v != complaint.version)
    {
        let mut page = show_page(ctx, &actor, complaint, Some(values));
        page.stale = true;
        return render_with(StatusCode::CONFLICT, &page);
    }
    let from = complaint.status;
    let processing = match values.parse(from) {
        Ok(p) => p,
        Err(errors) => {
            let mut page = show_page(ctx, &actor, complaint, Some(values));
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        let to = processing.to;
        if !model::process(
            conn,
            id,
            processing.version,
            from,
            to,
            &processing.action_taken,
        )? {
            return Ok(Processed::Stale);
        }
        audit::record(
            conn,
            &who,
            AuditAction::ComplaintProcessed,
            Some((TargetKind::SchoolFeeComplaint, id)),
            json!({ "from": from.as_str(), "to": to.as_str() }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-complaint-saved")?;
        Ok(Processed::Saved)
    })
    .await?;
    match outcome {
        Processed::Saved => Ok(see_other(&format!("/complaints/{id}"))),
        Processed::Stale => {
            let fresh = visible(&state, &actor, id).await?;
            let mut page = show_page(ctx, &actor, fresh, Some(values));
            page.stale = true;
            render_with(StatusCode::CONFLICT, &page)
        }
    }
}

// ------------------------------------------------------------ correcting

pub async fn edit(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let complaint = processable(&state, &signed.actor, path.into_inner()).await?;
    if !complaint.status.is_open() {
        return Ok(see_other(&format!("/complaints/{}", complaint.id)));
    }
    let options = choices(&state).await?;
    let values = ComplaintValues::from_record(&complaint);
    render(&form_page(signed.ctx, values, options, Some(complaint)))
}

pub async fn update(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let complaint = processable(&state, &actor, id).await?;
    let mut values = ComplaintValues::from_form(&form);
    let options = choices(&state).await?;
    let parsed = values
        .parse(today(), &options.0, &options.1)
        .and_then(|input| values.parse_version().map(|v| (input, v)));
    let (input, version) = match parsed {
        Ok(p) => p,
        Err(errors) => {
            let mut page = form_page(ctx, values, options, Some(complaint));
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    if !complaint.status.is_open() {
        let mut page = form_page(ctx, values, options, Some(complaint));
        page.errors.add("version", "error-complaint-closed");
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let changed = model::changed_fields(&complaint, &input);
    let editor = actor.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        // Moving a complaint out of one's own territory would hide it from
        // the very office that must answer it.
        let path = location_path(conn, input.location_id)?.unwrap_or_default();
        if !policy::can_process_complaint(&editor, &path) {
            let mut errors = FieldErrors::new();
            errors.add("location_id", "error-complaint-territory-outside");
            return Ok(SaveOutcome::Invalid(errors));
        }
        if !model::update_details(conn, id, version, &input)? {
            return Ok(SaveOutcome::Conflict(Box::new(model::get_complaint(
                conn, id,
            )?)));
        }
        audit::record(
            conn,
            &who,
            AuditAction::ComplaintUpdated,
            Some((TargetKind::SchoolFeeComplaint, id)),
            json!({ "changed": changed }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-complaint-saved")?;
        Ok(SaveOutcome::<Complaint>::Saved)
    })
    .await?;
    match outcome {
        SaveOutcome::Saved => Ok(see_other(&format!("/complaints/{id}"))),
        SaveOutcome::Invalid(errors) => {
            let mut page = form_page(ctx, values, options, Some(complaint));
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        SaveOutcome::Conflict(current) => {
            values.version = current.version.to_string();
            let mut page = form_page(ctx, values, options, Some(*current.clone()));
            page.conflict = Some(*current);
            render_with(StatusCode::CONFLICT, &page)
        }
    }
}
