use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde_json::json;

use super::forms::{ChildValues, parse_date};
use super::model::{
    self, Child, ChildInput, ChildLanguage, ChildMatch, Disability, SchoolStatus, Sex,
};
use crate::admin::model::{LocationOption, location_options};
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::db;
use crate::policy::{self, Actor, Permission, Scope};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, TIME_ZONE, render, render_with, see_other};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, SaveOutcome};
use crate::web::session;

const PAGE_SIZE: i64 = 50;

fn today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&TIME_ZONE).date_naive()
}

/// The locations a user may place a child in: their territory's subtree.
fn locations_in(
    all: Vec<LocationOption>,
    scope: &Scope,
    paths: &[(i32, String)],
) -> Vec<LocationOption> {
    all.into_iter()
        .filter(|l| {
            paths
                .iter()
                .find(|(id, _)| *id == l.id)
                .is_some_and(|(_, path)| scope.covers_path(path))
        })
        .collect()
}

fn location_paths(conn: &mut diesel::PgConnection) -> AppResult<Vec<(i32, String)>> {
    use crate::db::schema::locations;
    use diesel::prelude::*;
    Ok(locations::table
        .select((locations::id, locations::path))
        .load(conn)?)
}

async fn places_for(state: &AppState, actor: &Actor) -> AppResult<Vec<LocationOption>> {
    let scope = policy::scope(actor);
    db::run(&state.pool, move |conn| {
        let all = location_options(conn)?;
        let paths = location_paths(conn)?;
        Ok(locations_in(all, &scope, &paths))
    })
    .await
}

// ------------------------------------------------------------ list & search

#[derive(Template)]
#[template(path = "children/list.html")]
struct ListPage {
    ctx: Ctx,
    children: Vec<Child>,
    matches: Vec<ChildMatch>,
    searched: bool,
    query: String,
    birth_date: String,
    errors: FieldErrors,
    can_register: bool,
    next_before: Option<i64>,
    today: NaiveDate,
}

pub async fn list(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewChildren)?;
    let before = FormData::parse(req.query_string().as_bytes())
        .get("before")
        .parse::<i64>()
        .ok();
    let scope = policy::scope(&signed.actor);
    let who = Who::actor(&signed.actor, &signed.ctx.client_addr);
    let alert = audit::BulkAlert::from_config(&state.config);
    let (children, next_before) = db::transaction(&state.pool, move |conn| {
        let mut children = model::list_children(conn, &scope, before, PAGE_SIZE + 1)?;
        let next_before = if children.len() as i64 > PAGE_SIZE {
            children.truncate(PAGE_SIZE as usize);
            children.last().map(|c| c.id)
        } else {
            None
        };
        let ids: Vec<i64> = children.iter().map(|c| c.id).collect();
        audit::listed(
            conn,
            &who,
            "children",
            json!({ "before": before }),
            &ids,
            alert,
        )?;
        Ok((children, next_before))
    })
    .await?;
    render(&ListPage {
        can_register: policy::allows(&signed.actor, Permission::RegisterChildren),
        ctx: signed.ctx,
        children,
        matches: Vec::new(),
        searched: false,
        query: String::new(),
        birth_date: String::new(),
        errors: FieldErrors::new(),
        next_before,
        today: today(),
    })
}

/// Search by name and birth date. The words are posted, kept for the
/// session (`session::save_search`) and the results shown at
/// `/children/search`, an address that holds no name: no child's name
/// reaches an address, a browser history or a server log, and Back from a
/// child shows the results again without resending a form.
pub async fn search(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewChildren)?;
    let session = signed.ctx.session_hash.clone().ok_or(AppError::Forbidden)?;
    // Bounded: what a session keeps is at most a little over the longest
    // query the results page accepts (it says so next to the field).
    // Control characters are nothing one types (and a NUL cannot be kept):
    // they are dropped before the words are kept.
    let kept = |field: &str, most: usize| -> String {
        form.get(field)
            .chars()
            .filter(|c| !c.is_control())
            .take(most)
            .collect()
    };
    let query = json!({ "q": kept("q", 201), "birth_date": kept("birth_date", 20) });
    db::run(&state.pool, move |conn| {
        Ok(crate::web::session::save_search(
            conn, &session, "children", &query,
        )?)
    })
    .await?;
    Ok(see_other("/children/search"))
}

/// The results of the session's search (see `search`).
pub async fn search_results(signed: Signed, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewChildren)?;
    let session = signed.ctx.session_hash.clone().ok_or(AppError::Forbidden)?;
    let saved = db::run(&state.pool, move |conn| {
        Ok(crate::web::session::saved_search(
            conn, &session, "children",
        )?)
    })
    .await?;
    let Some(saved) = saved else {
        return Ok(see_other("/children"));
    };
    let form = FormData::from_pairs(&[
        ("q", saved["q"].as_str().unwrap_or_default()),
        (
            "birth_date",
            saved["birth_date"].as_str().unwrap_or_default(),
        ),
    ]);
    let Signed { ctx, actor } = signed;
    let query = form.get("q").trim().to_owned();
    let mut errors = FieldErrors::new();
    if query.chars().count() > 200 {
        errors.add("q", "error-too-long");
    }
    let birth_date = match form.get("birth_date").trim() {
        "" => None,
        value => match parse_date(value) {
            Some(d) => Some(d),
            None => {
                errors.add("birth_date", "error-date-format");
                None
            }
        },
    };
    if query.is_empty() && birth_date.is_none() && errors.is_empty() {
        errors.add("q", "error-search-empty");
    }
    let mut matches = Vec::new();
    if errors.is_empty() {
        let scope = policy::scope(&actor);
        let who = Who::actor(&actor, &ctx.client_addr);
        let words = query.clone();
        let alert = audit::BulkAlert::from_config(&state.config);
        matches = db::transaction(&state.pool, move |conn| {
            let found = model::search(conn, &scope, &words, birth_date, PAGE_SIZE)?;
            let ids: Vec<i64> = found.iter().map(|m| m.id).collect();
            audit::record(
                conn,
                &who,
                AuditAction::ChildSearch,
                None,
                json!({
                    "results": found.len(),
                    "by_birth_date": birth_date.is_some(),
                    "child_ids": ids,
                }),
            )?;
            audit::watch_bulk_access(conn, &who, alert, &ids)?;
            Ok(found)
        })
        .await?;
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        status,
        &ListPage {
            can_register: policy::allows(&actor, Permission::RegisterChildren),
            ctx,
            children: Vec::new(),
            matches,
            searched: true,
            query,
            birth_date: form.get("birth_date").to_owned(),
            errors,
            next_before: None,
            today: today(),
        },
    )
}

// ------------------------------------------------------------------ record

#[derive(Template)]
#[template(path = "children/show.html")]
struct ShowPage {
    ctx: Ctx,
    child: Child,
    can_edit: bool,
    cases: Vec<crate::cases::model::ChildCase>,
    can_open_case: bool,
    /// For the unit head: records that may be the same child, to merge.
    duplicates: Vec<ChildMatch>,
    errors: FieldErrors,
    today: NaiveDate,
}

/// Load a child the actor may see, recording the view in the audit log in the
/// same transaction. A child outside the actor's scope is "not found": its
/// existence is not revealed.
async fn open_child(state: &AppState, ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<Child> {
    let viewer = actor.clone();
    let who = Who::actor(actor, &ctx.client_addr);
    db::transaction(&state.pool, move |conn| {
        let child = model::get_child(conn, id)?;
        if !policy::can_view_child(&viewer, &child.home_path, &child.units) {
            return Err(AppError::NotFound);
        }
        audit::record(
            conn,
            &who,
            AuditAction::ChildViewed,
            Some((TargetKind::Child, id)),
            json!({}),
        )?;
        Ok(child)
    })
    .await
}

pub async fn show(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewChildren)?;
    let child = open_child(&state, &signed.ctx, &signed.actor, path.into_inner()).await?;
    if let Some(kept) = child.merged_into {
        return Ok(see_other(&format!("/children/{kept}")));
    }
    render(&show_page(&state, signed, child, FieldErrors::new()).await?)
}

async fn show_page(
    state: &AppState,
    signed: Signed,
    child: Child,
    errors: FieldErrors,
) -> AppResult<ShowPage> {
    let (viewer, record) = (signed.actor.clone(), child.clone());
    let merges = signed.actor.role == crate::policy::Role::Supervisor;
    let who = Who::actor(&signed.actor, &signed.ctx.client_addr);
    let alert = audit::BulkAlert::from_config(&state.config);
    let (cases, duplicates) = db::transaction(&state.pool, move |conn| {
        let cases = crate::cases::handlers::visible_cases_of_child(conn, &viewer, record.id)?;
        let duplicates = if merges {
            let scope = policy::scope(&viewer);
            model::likely_duplicates(conn, &scope, &record.as_input(), Some(record.id))?
        } else {
            Vec::new()
        };
        // Other children named beside this one (the likely duplicates).
        let named: Vec<i64> = duplicates.iter().map(|d| d.id).collect();
        audit::listed(
            conn,
            &who,
            "likely_duplicates",
            json!({ "of_child": record.id }),
            &named,
            alert,
        )?;
        Ok((cases, duplicates))
    })
    .await?;
    Ok(ShowPage {
        can_open_case: policy::can_edit_child(&signed.actor, &child.home_path, &child.units)
            && policy::allows(&signed.actor, Permission::WorkOnCases),
        cases,
        duplicates,
        errors,
        can_edit: policy::can_edit_child(&signed.actor, &child.home_path, &child.units),
        ctx: signed.ctx,
        child,
        today: today(),
    })
}

/// The unit head merges this record into another record of the same child
/// (the one kept). Both must be in their territory; personal numbers must
/// not disagree; the person confirms they checked.
pub async fn merge(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::RegisterChildren)?;
    let id = path.into_inner();
    let child = open_child(&state, &signed.ctx, &signed.actor, id).await?;
    let kept_id = form.get("keep").trim().parse::<i64>().ok();
    let versions = (
        form.get("version").trim().parse::<i32>().ok(),
        form.get("keep_version").trim().parse::<i32>().ok(),
    );
    let confirmed = form.get("confirm") == "yes";
    let actor = signed.actor.clone();
    let who = Who::actor(&actor, &signed.ctx.client_addr);
    let session_hash = signed.ctx.session_hash.clone();
    let from = child.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        let Some(kept) = kept_id
            .map(|k| model::get_child(conn, k))
            .transpose()
            .or_else(|e| match e {
                diesel::result::Error::NotFound => Ok(None),
                other => Err(other),
            })?
        else {
            return Ok(Err("error-invalid-choice"));
        };
        // A record the actor may not see is answered as one that does not
        // exist: the answer must not reveal it.
        if !policy::can_view_child(&actor, &kept.home_path, &kept.units) {
            return Ok(Err("error-invalid-choice"));
        }
        if !policy::can_merge_children(&actor, &kept.home_path, &from.home_path) {
            return Err(AppError::Forbidden);
        }
        if !confirmed {
            return Ok(Err("error-merge-confirm"));
        }
        if versions != (Some(from.version), Some(kept.version)) {
            return Ok(Err("error-merge-changed"));
        }
        let moved = match model::merge(conn, &from, &kept, actor.id)? {
            Ok(moved) => moved,
            Err(model::MergeRefusal::DifferentNumbers) => return Ok(Err("error-merge-numbers")),
            Err(model::MergeRefusal::NotMergeable) => return Ok(Err("error-invalid-choice")),
            Err(model::MergeRefusal::Changed) => return Ok(Err("error-merge-changed")),
        };
        audit::record(
            conn,
            &who,
            AuditAction::ChildMerged,
            Some((TargetKind::Child, kept.id)),
            json!({ "merged": from.id, "kept": kept.id, "cases_moved": moved }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-child-merged")?;
        Ok(Ok(kept.id))
    })
    .await?;
    match outcome {
        Ok(kept) => Ok(see_other(&format!("/children/{kept}"))),
        Err(key) => {
            let mut errors = FieldErrors::new();
            errors.add("merge", key);
            let page = show_page(&state, signed, child, errors).await?;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

// -------------------------------------------------------- register & edit

#[derive(Template)]
#[template(path = "children/form.html")]
struct FormPage {
    ctx: Ctx,
    values: ChildValues,
    errors: FieldErrors,
    child: Option<Child>,
    conflict: Option<Child>,
    duplicates: Vec<ChildMatch>,
    places: Vec<LocationOption>,
    sexes: &'static [Sex],
    languages: &'static [ChildLanguage],
    statuses: &'static [SchoolStatus],
    disabilities: &'static [Disability],
}

impl FormPage {
    fn new(
        ctx: Ctx,
        values: ChildValues,
        child: Option<Child>,
        places: Vec<LocationOption>,
    ) -> FormPage {
        FormPage {
            ctx,
            values,
            errors: FieldErrors::new(),
            child,
            conflict: None,
            duplicates: Vec::new(),
            places,
            sexes: Sex::ALL,
            languages: ChildLanguage::ALL,
            statuses: SchoolStatus::ALL,
            disabilities: Disability::ALL,
        }
    }

    fn is_new(&self) -> bool {
        self.child.is_none()
    }
}

pub async fn new(signed: Signed, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::RegisterChildren)?;
    let places = places_for(&state, &signed.actor).await?;
    let home = signed.actor.location_id;
    render(&FormPage::new(
        signed.ctx,
        ChildValues::blank(home),
        None,
        places,
    ))
}

/// Checks that need the database: the home territory is one the actor may
/// place a child in, and the personal number is nobody else's.
fn check_with_database(
    conn: &mut diesel::PgConnection,
    actor: &Actor,
    input: &ChildInput,
    except: Option<i64>,
) -> AppResult<FieldErrors> {
    let mut errors = FieldErrors::new();
    match model::location_path(conn, input.home_location_id)? {
        None => errors.add("home_location_id", "error-invalid-choice"),
        Some(path) if !policy::can_edit_child(actor, &path, &[]) => {
            errors.add("home_location_id", "error-territory-outside-scope")
        }
        Some(_) => {}
    }
    if let Some(number) = &input.personal_number
        && model::personal_number_taken(conn, &policy::scope(actor), number, except)?
    {
        errors.add("personal_number", "error-pin-taken");
    }
    Ok(errors)
}

enum Registered {
    Created(i64),
    Invalid(FieldErrors),
    LikelyDuplicates(Vec<ChildMatch>),
}

pub async fn create(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::RegisterChildren)?;
    let Signed { ctx, actor } = signed;
    let values = ChildValues::from_form(&form);
    let places = places_for(&state, &actor).await?;
    let input = match values.parse(today()) {
        Ok(input) => input,
        Err(errors) => {
            let mut page = FormPage::new(ctx, values, None, places);
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let confirmed = values.confirmed_new;
    let registrar = actor.clone();
    let alert = audit::BulkAlert::from_config(&state.config);
    let outcome = db::transaction(&state.pool, move |conn| {
        let errors = check_with_database(conn, &registrar, &input, None)?;
        if !errors.is_empty() {
            return Ok(Registered::Invalid(errors));
        }
        if !confirmed {
            let scope = policy::scope(&registrar);
            let duplicates = model::likely_duplicates(conn, &scope, &input, None)?;
            if !duplicates.is_empty() {
                // The registrar is shown other children of their territory.
                let named: Vec<i64> = duplicates.iter().map(|d| d.id).collect();
                audit::listed(
                    conn,
                    &who,
                    "likely_duplicates",
                    json!({ "registering": true }),
                    &named,
                    alert,
                )?;
                return Ok(Registered::LikelyDuplicates(duplicates));
            }
        }
        let id = model::create_child(conn, &input, registrar.id)?;
        audit::record(
            conn,
            &who,
            AuditAction::ChildCreated,
            Some((TargetKind::Child, id)),
            json!({ "home_location_id": input.home_location_id }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-child-registered")?;
        Ok(Registered::Created(id))
    })
    .await?;
    match outcome {
        Registered::Created(id) => Ok(see_other(&format!("/children/{id}"))),
        Registered::Invalid(errors) => {
            let mut page = FormPage::new(ctx, values, None, places);
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Registered::LikelyDuplicates(duplicates) => {
            let mut page = FormPage::new(ctx, values, None, places);
            page.duplicates = duplicates;
            render(&page)
        }
    }
}

pub async fn edit(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::RegisterChildren)?;
    let child = open_child(&state, &signed.ctx, &signed.actor, path.into_inner()).await?;
    if let Some(kept) = child.merged_into {
        return Ok(see_other(&format!("/children/{kept}")));
    }
    if !policy::can_edit_child(&signed.actor, &child.home_path, &child.units) {
        return Err(AppError::Forbidden);
    }
    let places = places_for(&state, &signed.actor).await?;
    let values = ChildValues::from_record(&child);
    render(&FormPage::new(signed.ctx, values, Some(child), places))
}

pub async fn update(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::RegisterChildren)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let child = open_child(&state, &ctx, &actor, id).await?;
    if let Some(kept) = child.merged_into {
        return Ok(see_other(&format!("/children/{kept}")));
    }
    if !policy::can_edit_child(&actor, &child.home_path, &child.units) {
        return Err(AppError::Forbidden);
    }
    let places = places_for(&state, &actor).await?;
    let mut values = ChildValues::from_form(&form);
    let parsed =
        values
            .parse(today())
            .and_then(|input| match values.version.trim().parse::<i32>() {
                Ok(v) => Ok((input, v)),
                Err(_) => {
                    let mut errors = FieldErrors::new();
                    errors.add("version", "error-invalid-choice");
                    Err(errors)
                }
            });
    let (input, version) = match parsed {
        Ok(p) => p,
        Err(errors) => {
            let mut page = FormPage::new(ctx, values, Some(child), places);
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let editor = actor.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        let errors = check_with_database(conn, &editor, &input, Some(id))?;
        if !errors.is_empty() {
            return Ok(SaveOutcome::Invalid(errors));
        }
        if !model::update_child(conn, id, version, &input)? {
            return Ok(SaveOutcome::Conflict(Box::new(model::get_child(conn, id)?)));
        }
        audit::record(
            conn,
            &who,
            AuditAction::ChildUpdated,
            Some((TargetKind::Child, id)),
            json!({}),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-child-saved")?;
        Ok(SaveOutcome::Saved)
    })
    .await?;
    match outcome {
        SaveOutcome::Saved => Ok(see_other(&format!("/children/{id}"))),
        SaveOutcome::Invalid(errors) => {
            let mut page = FormPage::new(ctx, values, Some(child), places);
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        SaveOutcome::Conflict(current) => {
            values.version = current.version.to_string();
            let mut page = FormPage::new(ctx, values, Some(*current.clone()), places);
            page.conflict = Some(*current);
            render_with(StatusCode::CONFLICT, &page)
        }
    }
}
