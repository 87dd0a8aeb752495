use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use serde_json::json;

use crate::admin::forms::{AgencyValues, UserValues};
use crate::admin::model::{
    self, Agency, AgencyFilter, AgencyKind, AuditEntry, AuditFilter, LocationOption, Names,
    ServiceKind, UserFilter, UserRecord,
};
use crate::admin::posts::{self, Post};
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::auth;
use crate::db;
use crate::policy::{self, Permission, Role};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, render, render_with, see_other};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, SaveOutcome};
use crate::web::i18n::Lang;
use crate::web::session;

const PAGE_SIZE: i64 = 50;

/// Put a one-time message on the admin's session, inside the change's transaction.
fn flash(
    conn: &mut diesel::PgConnection,
    ctx_hash: &Option<Vec<u8>>,
    key: &str,
    arg: Option<String>,
) -> AppResult<()> {
    Ok(session::flash_with(conn, ctx_hash.as_deref(), key, arg)?)
}

fn query_of(req: &HttpRequest) -> FormData {
    FormData::parse(req.query_string().as_bytes())
}

pub async fn index(signed: Signed) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    Ok(see_other("/admin/users"))
}

// -------------------------------------------------------------------- users

/// Agencies and locations the user form offers.
struct Choices {
    agencies: Vec<(i64, AgencyKind, Names)>,
    locations: Vec<LocationOption>,
}

async fn load_choices(state: &AppState) -> AppResult<Choices> {
    db::run(&state.pool, |conn| {
        Ok(Choices {
            agencies: model::agency_options(conn)?,
            locations: model::location_options(conn)?,
        })
    })
    .await
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    ctx: Ctx,
    users: Vec<UserRecord>,
    roles: &'static [Role],
    agencies: Vec<(i64, AgencyKind, Names)>,
    role: String,
    agency: String,
    active: String,
    q: String,
    next_after: Option<String>,
}

impl UsersPage {
    /// How many users this page shows.
    fn shown(&self) -> i64 {
        self.users.len() as i64
    }
}

pub async fn users_list(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    let query = query_of(&req);
    let filter = UserFilter {
        role: Role::parse(query.get("role")),
        agency_id: query.get("agency").parse().ok(),
        active: match query.get("active") {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        login_prefix: Some(query.get("q").trim().to_lowercase())
            .filter(|q| !q.is_empty() && q.len() <= 64),
    };
    let after = Some(query.get("after").to_owned()).filter(|a| !a.is_empty() && a.len() <= 64);
    let (mut users, agencies) = db::run(&state.pool, move |conn| {
        Ok((
            model::list_users(conn, &filter, after.as_deref(), PAGE_SIZE + 1)?,
            model::agency_options(conn)?,
        ))
    })
    .await?;
    let next_after = if users.len() as i64 > PAGE_SIZE {
        users.truncate(PAGE_SIZE as usize);
        users.last().map(|u| u.login.clone())
    } else {
        None
    };
    render(&UsersPage {
        ctx: signed.ctx,
        users,
        roles: Role::ALL,
        agencies,
        role: query.get("role").to_owned(),
        agency: query.get("agency").to_owned(),
        active: query.get("active").to_owned(),
        q: query.get("q").to_owned(),
        next_after,
    })
}

#[derive(Template)]
#[template(path = "admin/user_form.html")]
struct UserFormPage {
    ctx: Ctx,
    values: UserValues,
    errors: FieldErrors,
    /// The saved user, when editing.
    user: Option<UserRecord>,
    /// The version someone else saved meanwhile, when a save conflicted.
    conflict: Option<UserRecord>,
    password_errors: FieldErrors,
    roles: &'static [Role],
    langs: &'static [Lang],
    agencies: Vec<(i64, AgencyKind, Names)>,
    locations: Vec<LocationOption>,
    /// The user's labour inspector posts, newest first (when editing).
    posts: Vec<Post>,
    /// The post forms as typed, and their errors.
    post_form: FormData,
    post_errors: FieldErrors,
    today: NaiveDate,
}

impl UserFormPage {
    /// The page's three forms' errors, for its one summary.
    fn all_errors(&self) -> FieldErrors {
        FieldErrors::joined(&[&self.errors, &self.password_errors, &self.post_errors])
    }

    fn new(
        ctx: Ctx,
        values: UserValues,
        user: Option<UserRecord>,
        choices: Choices,
    ) -> UserFormPage {
        UserFormPage {
            ctx,
            values,
            errors: FieldErrors::new(),
            user,
            conflict: None,
            password_errors: FieldErrors::new(),
            roles: Role::ALL,
            langs: Lang::ALL,
            agencies: choices.agencies,
            locations: choices.locations,
            posts: Vec::new(),
            post_form: FormData::default(),
            post_errors: FieldErrors::new(),
            today: crate::reports::handlers::today(),
        }
    }

    fn is_new(&self) -> bool {
        self.user.is_none()
    }

    /// Whether the saved user may hold a labour inspector post (an
    /// inspector, or the head of a labour inspection office).
    fn may_hold_post(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            let kind = u.agency_id.and_then(|a| {
                self.agencies
                    .iter()
                    .find(|(id, _, _)| *id == a)
                    .map(|(_, k, _)| *k)
            });
            posts::may_hold_post(u.role, kind)
        })
    }

    /// The form to open a post: when none is open (or when the one typed
    /// was refused, so its message shows next to its field).
    fn shows_open_form(&self) -> bool {
        let refused = ["post_agency_id", "post_from_on"]
            .iter()
            .any(|f| self.post_errors.get(f).is_some());
        let active = self.user.as_ref().is_some_and(|u| u.active);
        refused || (active && self.may_hold_post() && self.open_post().is_none())
    }

    fn open_post(&self) -> Option<&Post> {
        self.posts.iter().find(|p| p.is_open())
    }

    /// The labour inspection offices a post may be in.
    fn offices(&self) -> Vec<&(i64, AgencyKind, Names)> {
        self.agencies
            .iter()
            .filter(|(_, k, _)| *k == AgencyKind::LaborInspectorate)
            .collect()
    }

    /// The office the open-a-post form shows: as typed, else the user's agency.
    fn post_office(&self) -> String {
        match self.post_form.get("post_agency_id") {
            "" => self
                .user
                .as_ref()
                .and_then(|u| u.agency_id)
                .map(|a| a.to_string())
                .unwrap_or_default(),
            typed => typed.to_owned(),
        }
    }

    fn typed(&self, name: &str) -> String {
        self.post_form.get(name).to_owned()
    }

    /// Whether the new-user form shows the "inspects" box ticked.
    fn inspects(&self) -> bool {
        self.values.inspects
    }
}

/// The user's page with everything it shows, posts included.
async fn user_page(state: &AppState, ctx: Ctx, id: i64) -> AppResult<UserFormPage> {
    let (user, choices, list) = db::run(&state.pool, move |conn| {
        Ok((
            model::get_user(conn, id)?,
            Choices {
                agencies: model::agency_options(conn)?,
                locations: model::location_options(conn)?,
            },
            posts::posts_of(conn, id)?,
        ))
    })
    .await?;
    let values = UserValues::from_record(&user);
    let mut page = UserFormPage::new(ctx, values, Some(user), choices);
    page.posts = list;
    Ok(page)
}

pub async fn user_new(signed: Signed, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    let choices = load_choices(&state).await?;
    render(&UserFormPage::new(
        signed.ctx,
        UserValues::blank(),
        None,
        choices,
    ))
}

pub async fn user_create(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    let Signed { ctx, actor } = signed;
    let values = UserValues::from_form(&form);
    let parsed = values.parse_new();
    let (login, mut input, password) = match parsed {
        Ok(p) => p,
        Err(errors) => {
            let choices = load_choices(&state).await?;
            let mut page = UserFormPage::new(ctx, values, None, choices);
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let hash = web::block(move || auth::model::hash_password(password.expose()))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let inspects = values.inspects;
    let outcome = db::transaction(&state.pool, move |conn| {
        let mut errors = model::check_assignment(conn, &mut input)?;
        if model::login_taken(conn, &login)? {
            errors.add("login", "error-login-taken");
        }
        if !errors.is_empty() {
            return Ok(Err(errors));
        }
        let id = model::create_user(conn, &login, &input, &hash, true)?;
        audit::record(
            conn,
            &who,
            AuditAction::UserCreated,
            Some((TargetKind::User, id)),
            json!({ "login": login, "role": input.role.as_str(), "agency_id": input.agency_id, "location_id": input.location_id }),
        )?;
        // An inspector, or an office head who inspects, is in post from the
        // day the account is created.
        if let Some(agency) = input.agency_id {
            let kind = model::agency_kind_and_location(conn, agency)?.map(|(k, _, _)| k);
            let inspects = input.role == Role::Inspector || inspects;
            if inspects && posts::may_hold_post(input.role, kind) {
                let from_on = crate::reports::handlers::today();
                let post = posts::insert(conn, id, agency, from_on)?;
                audit::record(
                    conn,
                    &who,
                    AuditAction::InspectorPostOpened,
                    Some((TargetKind::User, id)),
                    json!({ "post_id": post, "agency_id": agency, "from_on": from_on }),
                )?;
            }
        }
        flash(conn, &session_hash, "flash-user-created", Some(login))?;
        Ok(Ok(id))
    })
    .await?;
    match outcome {
        Ok(id) => Ok(see_other(&format!("/admin/users/{id}"))),
        Err(errors) => {
            let choices = load_choices(&state).await?;
            let mut page = UserFormPage::new(ctx, values, None, choices);
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn load_user(state: &AppState, id: i64) -> AppResult<(UserRecord, Choices)> {
    db::run(&state.pool, move |conn| {
        Ok((
            model::get_user(conn, id)?,
            Choices {
                agencies: model::agency_options(conn)?,
                locations: model::location_options(conn)?,
            },
        ))
    })
    .await
}

pub async fn user_edit(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    render(&user_page(&state, signed.ctx, path.into_inner()).await?)
}

pub async fn user_update(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let (user, choices) = load_user(&state, id).await?;
    let mut values = UserValues::from_form(&form);
    values.login = user.login.clone();
    let (mut input, version) = match values.parse_edit() {
        Ok(p) => p,
        Err(errors) => {
            let mut page = UserFormPage::new(ctx, values, Some(user), choices);
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    if id == actor.id && input.role != Role::Admin {
        // An admin removing their own role could leave nobody able to administer.
        let mut page = UserFormPage::new(ctx, values, Some(user), choices);
        page.errors.add("role", "error-cannot-demote-self");
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let before = user.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        let errors = model::check_assignment(conn, &mut input)?;
        if !errors.is_empty() {
            return Ok(SaveOutcome::Invalid(errors));
        }
        if !model::update_user(conn, id, version, &input)? {
            return Ok(SaveOutcome::Conflict(Box::new(model::get_user(conn, id)?)));
        }
        let changes = model::user_changes(&before, &input);
        audit::record(
            conn,
            &who,
            AuditAction::UserUpdated,
            Some((TargetKind::User, id)),
            changes,
        )?;
        flash(
            conn,
            &session_hash,
            "flash-user-saved",
            Some(before.login.clone()),
        )?;
        Ok(SaveOutcome::Saved)
    })
    .await?;
    match outcome {
        SaveOutcome::Saved => Ok(see_other(&format!("/admin/users/{id}"))),
        SaveOutcome::Invalid(errors) => {
            let mut page = UserFormPage::new(ctx, values, Some(user), choices);
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        SaveOutcome::Conflict(current) => {
            // Keep what this admin typed; show what the other saved; saving
            // again (at the new version) replaces theirs knowingly.
            values.version = current.version.to_string();
            let mut page = UserFormPage::new(ctx, values, Some(*current.clone()), choices);
            page.conflict = Some(*current);
            render_with(StatusCode::CONFLICT, &page)
        }
    }
}

pub async fn user_reset_password(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let (user, choices) = load_user(&state, id).await?;
    let password = match auth::forms::Password::parse(form.get("password"), &user.login) {
        Ok(p) => p,
        Err(key) => {
            let values = UserValues::from_record(&user);
            let mut page = UserFormPage::new(ctx, values, Some(user), choices);
            page.password_errors.add("password", key);
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let hash = web::block(move || auth::model::hash_password(password.expose()))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    db::transaction(&state.pool, move |conn| {
        auth::model::set_password(conn, id, &hash, true)?;
        // Whoever holds a session of this user loses it.
        session::delete_for_user(
            conn,
            id,
            session_hash
                .as_deref()
                .filter(|_| id == who.actor_id.unwrap_or(0)),
        )?;
        audit::record(
            conn,
            &who,
            AuditAction::PasswordReset,
            Some((TargetKind::User, id)),
            json!({}),
        )?;
        flash(
            conn,
            &session_hash,
            "flash-password-reset",
            Some(user.login.clone()),
        )?;
        Ok(())
    })
    .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

async fn set_active(
    signed: Signed,
    state: web::Data<AppState>,
    id: i64,
    active: bool,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    let Signed { ctx, actor } = signed;
    if id == actor.id && !active {
        return Err(AppError::Forbidden);
    }
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    db::transaction(&state.pool, move |conn| {
        let user = model::get_user(conn, id)?;
        model::set_active(conn, id, active)?;
        let (action, key) = if active {
            // A post is not reopened silently: the admin opens a new one.
            (AuditAction::UserActivated, "flash-user-activated")
        } else {
            session::delete_for_user(conn, id, None)?;
            (AuditAction::UserDeactivated, "flash-user-deactivated")
        };
        audit::record(conn, &who, action, Some((TargetKind::User, id)), json!({}))?;
        if !active
            && let Some((post, to_on)) =
                posts::end_open(conn, id, crate::reports::handlers::today())?
        {
            // The post ends the day the account does; it is kept.
            audit::record(
                conn,
                &who,
                AuditAction::InspectorPostEnded,
                Some((TargetKind::User, id)),
                json!({ "post_id": post, "to_on": to_on, "account_deactivated": true }),
            )?;
        }
        flash(conn, &session_hash, key, Some(user.login))?;
        Ok(())
    })
    .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

pub async fn user_deactivate(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    set_active(signed, state, path.into_inner(), false).await
}

pub async fn user_activate(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    set_active(signed, state, path.into_inner(), true).await
}

pub async fn user_unlock(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    db::transaction(&state.pool, move |conn| {
        let user = model::get_user(conn, id)?;
        model::unlock_user(conn, id)?;
        audit::record(
            conn,
            &who,
            AuditAction::UserUpdated,
            Some((TargetKind::User, id)),
            json!({ "unlocked": true }),
        )?;
        flash(conn, &session_hash, "flash-user-unlocked", Some(user.login))?;
        Ok(())
    })
    .await?;
    Ok(see_other(&format!("/admin/users/{id}")))
}

// ------------------------------------------------------- inspector posts

/// Open a labour inspector post for the user: the office (their agency by
/// default) and the first day in post, not after today.
pub async fn user_post_open(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let today = crate::reports::handlers::today();
    let mut errors = FieldErrors::new();
    let agency = crate::web::forms::optional_id(form.get("post_agency_id"))
        .map_err(|k| errors.add("post_agency_id", k))
        .ok()
        .flatten();
    if agency.is_none() && errors.get("post_agency_id").is_none() {
        errors.add("post_agency_id", "error-required");
    }
    let from_on = crate::web::forms::required_date(form.get("post_from_on"), today)
        .map_err(|k| errors.add("post_from_on", k))
        .ok();
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let outcome = match (agency, from_on) {
        (Some(agency), Some(from_on)) if errors.is_empty() => {
            db::transaction(&state.pool, move |conn| {
                let post = match posts::open(conn, id, agency, from_on)? {
                    Ok(post) => post,
                    Err(errors) => return Ok(Err(errors)),
                };
                audit::record(
                    conn,
                    &who,
                    AuditAction::InspectorPostOpened,
                    Some((TargetKind::User, id)),
                    json!({ "post_id": post, "agency_id": agency, "from_on": from_on }),
                )?;
                flash(conn, &session_hash, "flash-post-opened", None)?;
                Ok(Ok(()))
            })
            .await?
        }
        _ => Err(errors),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!("/admin/users/{id}#posts"))),
        Err(errors) => {
            let mut page = user_page(&state, ctx, id).await?;
            page.post_errors = errors;
            page.post_form = form;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// End the user's open post on a day typed (not before its first day, not
/// after today), over the version the page showed.
pub async fn user_post_end(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageUsers)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    // The post ends by its id in the form (the one the page showed open).
    let post = form.get("post").trim().parse::<i64>().ok();
    let today = crate::reports::handlers::today();
    let mut errors = FieldErrors::new();
    let to_on = crate::web::forms::required_date(form.get("post_to_on"), today)
        .map_err(|k| errors.add("post_to_on", k))
        .ok();
    let version = form.get("version").trim().parse::<i32>().ok();
    if (version.is_none() || post.is_none()) && errors.is_empty() {
        errors.add("post_to_on", "error-post-changed");
    }
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let outcome = match (to_on, version, post) {
        (Some(to_on), Some(version), Some(post)) if errors.is_empty() => {
            db::transaction(&state.pool, move |conn| {
                match posts::end(conn, id, post, version, to_on)? {
                    Ok(from_on) => {
                        audit::record(
                            conn,
                            &who,
                            AuditAction::InspectorPostEnded,
                            Some((TargetKind::User, id)),
                            json!({ "post_id": post, "from_on": from_on, "to_on": to_on }),
                        )?;
                        flash(conn, &session_hash, "flash-post-ended", None)?;
                        Ok(Ok(()))
                    }
                    Err(refused) => Ok(Err(refused)),
                }
            })
            .await?
        }
        _ => Err(posts::EndRefused::Invalid(errors)),
    };
    let (status, errors) = match outcome {
        Ok(()) => return Ok(see_other(&format!("/admin/users/{id}#posts"))),
        Err(posts::EndRefused::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(posts::EndRefused::Conflict) => (
            StatusCode::CONFLICT,
            FieldErrors::from_one("post_to_on", "error-post-changed"),
        ),
    };
    let mut page = user_page(&state, ctx, id).await?;
    page.post_errors = errors;
    page.post_form = form;
    render_with(status, &page)
}

// ----------------------------------------------------------------- agencies

#[derive(Template)]
#[template(path = "admin/agencies.html")]
struct AgenciesPage {
    ctx: Ctx,
    agencies: Vec<Agency>,
    kinds: &'static [AgencyKind],
    locations: Vec<LocationOption>,
    kind: String,
    location: String,
    next_after: Option<i64>,
}

pub async fn agencies_list(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageAgencies)?;
    let query = query_of(&req);
    let filter = AgencyFilter {
        kind: AgencyKind::parse(query.get("kind")),
        location_id: query.get("location").parse().ok(),
    };
    let after = query.get("after").parse::<i64>().ok();
    let (mut agencies, locations) = db::run(&state.pool, move |conn| {
        Ok((
            model::list_agencies(conn, &filter, after, PAGE_SIZE + 1)?,
            model::location_options(conn)?,
        ))
    })
    .await?;
    let next_after = if agencies.len() as i64 > PAGE_SIZE {
        agencies.truncate(PAGE_SIZE as usize);
        agencies.last().map(|a| a.id)
    } else {
        None
    };
    render(&AgenciesPage {
        ctx: signed.ctx,
        agencies,
        kinds: AgencyKind::ALL,
        locations,
        kind: query.get("kind").to_owned(),
        location: query.get("location").to_owned(),
        next_after,
    })
}

#[derive(Template)]
#[template(path = "admin/agency_form.html")]
struct AgencyFormPage {
    ctx: Ctx,
    values: AgencyValues,
    errors: FieldErrors,
    agency: Option<Agency>,
    conflict: Option<Agency>,
    kinds: &'static [AgencyKind],
    services: &'static [ServiceKind],
    locations: Vec<LocationOption>,
    /// For a prosecutor's office: staff on child labour and trafficking by year.
    staff: Vec<(i32, i32)>,
    staff_form: FormData,
}

impl AgencyFormPage {
    fn new(
        ctx: Ctx,
        values: AgencyValues,
        agency: Option<Agency>,
        locations: Vec<LocationOption>,
    ) -> AgencyFormPage {
        AgencyFormPage {
            ctx,
            values,
            errors: FieldErrors::new(),
            agency,
            conflict: None,
            kinds: AgencyKind::ALL,
            services: ServiceKind::ALL,
            locations,
            staff: Vec::new(),
            staff_form: FormData::default(),
        }
    }

    fn is_prosecutor(&self) -> bool {
        self.agency
            .as_ref()
            .is_some_and(|a| a.kind == AgencyKind::Prosecutor)
    }

    fn typed(&self, name: &str) -> String {
        self.staff_form.get(name).to_owned()
    }

    fn is_new(&self) -> bool {
        self.agency.is_none()
    }
}

async fn locations(state: &AppState) -> AppResult<Vec<LocationOption>> {
    db::run(&state.pool, |conn| Ok(model::location_options(conn)?)).await
}

pub async fn agency_new(signed: Signed, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageAgencies)?;
    let locations = locations(&state).await?;
    render(&AgencyFormPage::new(
        signed.ctx,
        AgencyValues::blank(),
        None,
        locations,
    ))
}

pub async fn agency_create(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageAgencies)?;
    let Signed { ctx, actor } = signed;
    let values = AgencyValues::from_form(&form);
    let input = match values.parse() {
        Ok(input) => input,
        Err(errors) => {
            let mut page = AgencyFormPage::new(ctx, values, None, locations(&state).await?);
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        if !model::location_exists(conn, input.location_id)? {
            let mut errors = FieldErrors::new();
            errors.add("location_id", "error-invalid-choice");
            return Ok(Err(errors));
        }
        let id = model::create_agency(conn, &input)?;
        audit::record(
            conn,
            &who,
            AuditAction::AgencyCreated,
            Some((TargetKind::Agency, id)),
            json!({ "kind": input.kind.as_str(), "location_id": input.location_id }),
        )?;
        flash(conn, &session_hash, "flash-agency-saved", None)?;
        Ok(Ok(id))
    })
    .await?;
    match outcome {
        Ok(id) => Ok(see_other(&format!("/admin/agencies/{id}"))),
        Err(errors) => {
            let mut page = AgencyFormPage::new(ctx, values, None, locations(&state).await?);
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

pub async fn agency_edit(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageAgencies)?;
    let id = path.into_inner();
    let (agency, locations, staff) = db::run(&state.pool, move |conn| {
        Ok((
            model::get_agency(conn, id)?,
            model::location_options(conn)?,
            crate::investigations::model::staff_of(conn, id)?,
        ))
    })
    .await?;
    let values = AgencyValues::from_record(&agency);
    let mut page = AgencyFormPage::new(signed.ctx, values, Some(agency), locations);
    page.staff = staff;
    render(&page)
}

/// Record the staff of a prosecutor's office on child labour and
/// trafficking for a year (the document asks to publish the number).
pub async fn agency_staff(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageAgencies)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let mut errors = FieldErrors::new();
    let this_year =
        chrono::Datelike::year(&chrono::Utc::now().with_timezone(&crate::web::context::TIME_ZONE));
    let year = crate::web::forms::optional_number(form.get("year"), 2000, i64::from(this_year) + 1)
        .map_err(|e| errors.add("year", e))
        .ok()
        .flatten();
    if year.is_none() && errors.get("year").is_none() {
        errors.add("year", "error-required");
    }
    let staff = crate::web::forms::optional_number(form.get("staff"), 0, 10_000)
        .map_err(|e| errors.add("staff", e))
        .ok()
        .flatten();
    if staff.is_none() && errors.get("staff").is_none() {
        errors.add("staff", "error-required");
    }
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let typed = errors.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        let agency = model::get_agency(conn, id)?;
        if agency.kind != AgencyKind::Prosecutor {
            return Err(AppError::NotFound);
        }
        let (Some(year), Some(staff)) = (year, staff) else {
            return Ok(Err(typed));
        };
        crate::investigations::model::set_staff(conn, id, year as i32, staff as i32)?;
        audit::record(
            conn,
            &who,
            AuditAction::ProsecutorStaffSet,
            Some((TargetKind::Agency, id)),
            json!({ "year": year, "staff": staff }),
        )?;
        flash(conn, &session_hash, "flash-agency-saved", None)?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/admin/agencies/{id}"))),
        Err(errors) => {
            let (agency, locations, staff) = db::run(&state.pool, move |conn| {
                Ok((
                    model::get_agency(conn, id)?,
                    model::location_options(conn)?,
                    crate::investigations::model::staff_of(conn, id)?,
                ))
            })
            .await?;
            let values = AgencyValues::from_record(&agency);
            let mut page = AgencyFormPage::new(ctx, values, Some(agency), locations);
            page.staff = staff;
            page.errors = errors;
            page.staff_form = form;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

pub async fn agency_update(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ManageAgencies)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let (agency, locations) = db::run(&state.pool, move |conn| {
        Ok((model::get_agency(conn, id)?, model::location_options(conn)?))
    })
    .await?;
    let mut values = AgencyValues::from_form(&form);
    let parsed = values
        .parse()
        .and_then(|input| match values.parse_version() {
            Some(v) => Ok((input, v)),
            None => {
                let mut errors = FieldErrors::new();
                errors.add("version", "error-invalid-choice");
                Err(errors)
            }
        });
    let (input, version) = match parsed {
        Ok(p) => p,
        Err(errors) => {
            let mut page = AgencyFormPage::new(ctx, values, Some(agency), locations);
            page.errors = errors;
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        if !model::location_exists(conn, input.location_id)? {
            let mut errors = FieldErrors::new();
            errors.add("location_id", "error-invalid-choice");
            return Ok(SaveOutcome::Invalid(errors));
        }
        if !model::update_agency(conn, id, version, &input)? {
            return Ok(SaveOutcome::Conflict(Box::new(model::get_agency(conn, id)?)));
        }
        audit::record(
            conn,
            &who,
            AuditAction::AgencyUpdated,
            Some((TargetKind::Agency, id)),
            json!({ "kind": input.kind.as_str(), "location_id": input.location_id, "active": input.active }),
        )?;
        flash(conn, &session_hash, "flash-agency-saved", None)?;
        Ok(SaveOutcome::Saved)
    })
    .await?;
    match outcome {
        SaveOutcome::Saved => Ok(see_other(&format!("/admin/agencies/{id}"))),
        SaveOutcome::Invalid(errors) => {
            let mut page = AgencyFormPage::new(ctx, values, Some(agency), locations);
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        SaveOutcome::Conflict(current) => {
            values.version = current.version.to_string();
            let mut page = AgencyFormPage::new(ctx, values, Some(*current.clone()), locations);
            page.conflict = Some(*current);
            render_with(StatusCode::CONFLICT, &page)
        }
    }
}

// ---------------------------------------------------------------- audit log

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    ctx: Ctx,
    entries: Vec<AuditEntry>,
    actions: &'static [AuditAction],
    targets: &'static [TargetKind],
    action: String,
    login: String,
    target_kind: String,
    target_id: String,
    from: String,
    to: String,
    errors: FieldErrors,
    next_before: Option<i64>,
}

impl AuditPage {
    fn details(&self, entry: &AuditEntry) -> String {
        match &entry.details {
            serde_json::Value::Object(map) if map.is_empty() => String::new(),
            other => other.to_string(),
        }
    }
}

fn parse_day(value: &str, field: &'static str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%d.%m.%Y"));
    match parsed {
        Ok(day) => Some(day),
        Err(_) => {
            errors.add(field, "error-date-format");
            None
        }
    }
}

pub async fn audit_list(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ReadAuditLog)?;
    let query = query_of(&req);
    let mut errors = FieldErrors::new();
    let from = parse_day(query.get("from"), "from", &mut errors);
    let to = parse_day(query.get("to"), "to", &mut errors);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.add("to", "error-range-reversed");
    }
    let target_id = match query.get("target_id").trim() {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add("target_id", "error-not-a-number");
                None
            }
        },
    };
    let filter = AuditFilter {
        action: AuditAction::parse(query.get("action")),
        actor_login: Some(query.get("login").trim().to_lowercase()).filter(|l| !l.is_empty()),
        target_kind: TargetKind::parse(query.get("target_kind")),
        target_id,
        from,
        to,
    };
    let before = query.get("before").parse::<i64>().ok();
    let mut entries = if errors.is_empty() {
        db::run(&state.pool, move |conn| {
            Ok(model::list_audit(conn, &filter, before, PAGE_SIZE + 1)?)
        })
        .await?
    } else {
        Vec::new()
    };
    let next_before = if entries.len() as i64 > PAGE_SIZE {
        entries.truncate(PAGE_SIZE as usize);
        entries.last().map(|e| e.id)
    } else {
        None
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_with(
        status,
        &AuditPage {
            ctx: signed.ctx,
            entries,
            actions: AuditAction::ALL,
            targets: TargetKind::ALL,
            action: query.get("action").to_owned(),
            login: query.get("login").to_owned(),
            target_kind: query.get("target_kind").to_owned(),
            target_id: query.get("target_id").to_owned(),
            from: query.get("from").to_owned(),
            to: query.get("to").to_owned(),
            errors,
            next_before,
        },
    )
}
