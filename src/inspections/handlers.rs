use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::PgConnection;
use serde_json::json;

use super::forms::{
    BAND_FIELDS, EstablishmentValues, InspectionValues, parse_payment, parse_penalty,
    parse_standing,
};
use super::model::{
    self, AgencyChoice, Choice, Cursor, Establishment, EstablishmentKind, FoundChild, Inspection,
    InspectionFilter, InspectionKind, InspectionLine, InspectionMethod, InspectionStatus,
    Outstanding, Penalty, Totals, ViolationKind,
};
use crate::admin::model::{LocationOption, location_options};
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::cases::forms::{NOTE_TEXT, optional_date};
use crate::cases::intake::{self, FoundValues, Intake, Origin};
use crate::cases::model::{CaseSource, ExploitationForm, Sector};
use crate::cases::workflow::Deadlines;
use crate::children::model::{self as children, SchoolStatus, Sex};
use crate::db;
use crate::policy::{self, Actor, Permission};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, TIME_ZONE, render, render_with, see_other};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData, text};
use crate::web::session;

const PAGE_SIZE: i64 = 50;

fn today() -> NaiveDate {
    chrono::Utc::now().with_timezone(&TIME_ZONE).date_naive()
}

fn query_of(req: &HttpRequest) -> FormData {
    FormData::parse(req.query_string().as_bytes())
}

/// The locations an actor may place an establishment in: their territory.
fn places_in(conn: &mut PgConnection, actor: &Actor) -> AppResult<Vec<LocationOption>> {
    let scope = policy::scope(actor);
    let paths = location_paths(conn)?;
    Ok(location_options(conn)?
        .into_iter()
        .filter(|l| {
            paths
                .iter()
                .find(|(id, _)| *id == l.id)
                .is_some_and(|(_, p)| scope.covers_path(p))
        })
        .collect())
}

fn location_paths(conn: &mut PgConnection) -> AppResult<Vec<(i32, String)>> {
    use crate::db::schema::locations;
    use diesel::prelude::*;
    Ok(locations::table
        .select((locations::id, locations::path))
        .load(conn)?)
}

// ============================================================ establishments

#[derive(Template)]
#[template(path = "inspections/establishments.html")]
struct EstablishmentsPage {
    ctx: Ctx,
    list: Vec<Establishment>,
    query: String,
    next_before: Option<i64>,
}

/// The establishments of the reader's territory, newest first, keyset by
/// `before`. The address carries no search words: an owner is often a
/// person (an individual entrepreneur), so searching is a POST
/// (`search_establishments`), like the children's search.
pub async fn establishments(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let before = query_of(&req).get("before").parse::<i64>().ok();
    establishment_list(signed, state, String::new(), before).await
}

/// `POST /establishments/search`: the same list, matching name or owner in
/// any spelling. Its pager is a POST too (the words and `before`), so the
/// next page keeps the search without putting it in an address.
pub async fn search_establishments(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let words = form.get("q").trim().chars().take(200).collect::<String>();
    let before = form.get("before").parse::<i64>().ok();
    establishment_list(signed, state, words, before).await
}

async fn establishment_list(
    signed: Signed,
    state: web::Data<AppState>,
    words: String,
    before: Option<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewInspections)?;
    let territory = policy::scope(&signed.actor).territory_path;
    let typed = words.clone();
    let mut list = db::run(&state.pool, move |conn| {
        Ok(model::list_establishments(
            conn,
            territory.as_deref(),
            &typed,
            before,
            PAGE_SIZE + 1,
        )?)
    })
    .await?;
    let next_before = if list.len() as i64 > PAGE_SIZE {
        list.truncate(PAGE_SIZE as usize);
        list.last().map(|e| e.id)
    } else {
        None
    };
    render(&EstablishmentsPage {
        ctx: signed.ctx,
        list,
        query: words,
        next_before,
    })
}

#[derive(Template)]
#[template(path = "inspections/establishment_form.html")]
struct EstablishmentForm {
    ctx: Ctx,
    values: EstablishmentValues,
    errors: FieldErrors,
    record: Option<Establishment>,
    conflict: Option<Establishment>,
    places: Vec<LocationOption>,
    kinds: &'static [EstablishmentKind],
    sectors: &'static [Sector],
}

impl EstablishmentForm {
    fn is_new(&self) -> bool {
        self.record.is_none()
    }
}

async fn establishment_form(
    state: &AppState,
    ctx: Ctx,
    actor: &Actor,
    values: EstablishmentValues,
    record: Option<Establishment>,
) -> AppResult<EstablishmentForm> {
    let who = actor.clone();
    let places = db::run(&state.pool, move |conn| places_in(conn, &who)).await?;
    Ok(EstablishmentForm {
        ctx,
        values,
        errors: FieldErrors::new(),
        record,
        conflict: None,
        places,
        kinds: EstablishmentKind::ALL,
        sectors: Sector::ALL,
    })
}

pub async fn new_establishment(
    signed: Signed,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewInspections)?;
    let values = EstablishmentValues {
        location_id: signed
            .actor
            .location_id
            .map(|l| l.to_string())
            .unwrap_or_default(),
        ..EstablishmentValues::default()
    };
    let actor = signed.actor.clone();
    render(&establishment_form(&state, signed.ctx, &actor, values, None).await?)
}

/// Checks that need the database: a place in the actor's territory, a tax
/// number nobody else has.
fn check_establishment(
    conn: &mut PgConnection,
    actor: &Actor,
    input: &model::EstablishmentInput,
    except: Option<i64>,
) -> AppResult<FieldErrors> {
    let mut errors = FieldErrors::new();
    match children::location_path(conn, input.location_id)? {
        Some(path) if policy::can_edit_establishment(actor, &path) => {}
        Some(_) => errors.add("location_id", "error-territory-outside-scope"),
        None => errors.add("location_id", "error-invalid-choice"),
    }
    if let Some(number) = &input.tax_number
        && model::tax_number_taken(conn, number, except)?
    {
        errors.add("tax_number", "error-tax-number-taken");
    }
    Ok(errors)
}

pub async fn create_establishment(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewInspections)?;
    let Signed { ctx, actor } = signed;
    let values = EstablishmentValues::from_form(&form);
    let parsed = values.parse();
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let maker = actor.clone();
    let outcome = match parsed {
        Err(errors) => Err(errors),
        Ok(input) => {
            db::transaction(&state.pool, move |conn| {
                let errors = check_establishment(conn, &maker, &input, None)?;
                if !errors.is_empty() {
                    return Ok(Err(errors));
                }
                let id = model::create_establishment(conn, &input, maker.id)?;
                audit::record(
                    conn,
                    &who,
                    AuditAction::EstablishmentCreated,
                    Some((TargetKind::Establishment, id)),
                    json!({}),
                )?;
                session::flash(conn, session_hash.as_deref(), "flash-establishment-saved")?;
                Ok(Ok(id))
            })
            .await?
        }
    };
    match outcome {
        Ok(id) => Ok(see_other(&format!("/establishments/{id}"))),
        Err(errors) => {
            let mut page = establishment_form(&state, ctx, &actor, values, None).await?;
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

fn visible_establishment(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
) -> AppResult<Establishment> {
    let e = model::get_establishment(conn, id)?;
    // Inspectors see establishments of their territory; so do heads.
    if !policy::can_edit_establishment(actor, &e.path) {
        return Err(AppError::NotFound);
    }
    Ok(e)
}

#[derive(Template)]
#[template(path = "inspections/establishment.html")]
struct EstablishmentPage {
    ctx: Ctx,
    establishment: Establishment,
    totals: Totals,
    history: Vec<InspectionLine>,
    can_inspect: bool,
}

impl EstablishmentPage {
    fn money(&self, amount: &rust_decimal::Decimal) -> String {
        crate::web::money::format(amount, self.ctx.lang)
    }
}

pub async fn show_establishment(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewInspections)?;
    let id = path.into_inner();
    let actor = signed.actor.clone();
    let (establishment, totals, history) = db::run(&state.pool, move |conn| {
        let e = visible_establishment(conn, &actor, id)?;
        let totals = model::establishment_totals(conn, id)?;
        // The history the actor may read: their office's visits, or their
        // territory's for a head.
        let scope = policy::inspection_scope(&actor).ok_or(AppError::Forbidden)?;
        let filter = InspectionFilter {
            establishment_id: Some(id),
            ..InspectionFilter::default()
        };
        let history = model::list_inspections(conn, &scope, &filter, None, 200)?;
        Ok((e, totals, history))
    })
    .await?;
    render(&EstablishmentPage {
        can_inspect: policy::allows(&signed.actor, Permission::RecordInspections),
        ctx: signed.ctx,
        establishment,
        totals,
        history,
    })
}

pub async fn edit_establishment(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewInspections)?;
    let id = path.into_inner();
    let actor = signed.actor.clone();
    let e = db::run(&state.pool, move |conn| {
        visible_establishment(conn, &actor, id)
    })
    .await?;
    let values = EstablishmentValues::from_record(&e);
    let actor = signed.actor.clone();
    render(&establishment_form(&state, signed.ctx, &actor, values, Some(e)).await?)
}

pub async fn update_establishment(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewInspections)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let viewer = actor.clone();
    let current = db::run(&state.pool, move |conn| {
        visible_establishment(conn, &viewer, id)
    })
    .await?;
    let mut values = EstablishmentValues::from_form(&form);
    let version = values.version.trim().parse::<i32>().ok();
    let parsed = values.parse();
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let editor = actor.clone();
    enum Saved {
        Done,
        Invalid(FieldErrors),
        Conflict(Box<Establishment>),
    }
    let outcome = match (parsed, version) {
        (Err(errors), _) => Saved::Invalid(errors),
        (Ok(_), None) => {
            let mut errors = FieldErrors::new();
            errors.add("version", "error-invalid-choice");
            Saved::Invalid(errors)
        }
        (Ok(input), Some(version)) => {
            db::transaction(&state.pool, move |conn| {
                let errors = check_establishment(conn, &editor, &input, Some(id))?;
                if !errors.is_empty() {
                    return Ok(Saved::Invalid(errors));
                }
                if !model::update_establishment(conn, id, version, &input)? {
                    return Ok(Saved::Conflict(Box::new(model::get_establishment(
                        conn, id,
                    )?)));
                }
                audit::record(
                    conn,
                    &who,
                    AuditAction::EstablishmentUpdated,
                    Some((TargetKind::Establishment, id)),
                    json!({}),
                )?;
                session::flash(conn, session_hash.as_deref(), "flash-establishment-saved")?;
                Ok(Saved::Done)
            })
            .await?
        }
    };
    match outcome {
        Saved::Done => Ok(see_other(&format!("/establishments/{id}"))),
        Saved::Invalid(errors) => {
            let mut page = establishment_form(&state, ctx, &actor, values, Some(current)).await?;
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Saved::Conflict(theirs) => {
            values.version = theirs.version.to_string();
            let mut page =
                establishment_form(&state, ctx, &actor, values, Some(*theirs.clone())).await?;
            page.conflict = Some(*theirs);
            render_with(StatusCode::CONFLICT, &page)
        }
    }
}

// =============================================================== inspections

#[derive(Template)]
#[template(path = "inspections/list.html")]
struct ListPage {
    ctx: Ctx,
    lines: Vec<InspectionLine>,
    filters: Filters,
    errors: FieldErrors,
    next: Option<String>,
    places: Vec<LocationOption>,
    kinds: &'static [InspectionKind],
    methods: &'static [InspectionMethod],
    sectors: &'static [Sector],
    can_record: bool,
}

/// The list's `?` filters as typed.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub territory: String,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub method: String,
    pub sector: String,
    pub violations: String,
}

impl Filters {
    fn from_query(q: &FormData) -> Filters {
        Filters {
            territory: q.get("territory").to_owned(),
            from: q.get("from").to_owned(),
            to: q.get("to").to_owned(),
            kind: q.get("kind").to_owned(),
            method: q.get("method").to_owned(),
            sector: q.get("sector").to_owned(),
            violations: q.get("violations").to_owned(),
        }
    }

    fn query(&self) -> String {
        let mut pairs = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("territory", &self.territory),
            ("from", &self.from),
            ("to", &self.to),
            ("kind", &self.kind),
            ("method", &self.method),
            ("sector", &self.sector),
            ("violations", &self.violations),
        ] {
            if !v.is_empty() {
                pairs.append_pair(k, v);
            }
        }
        pairs.finish()
    }
}

pub async fn list(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewInspections)?;
    let scope = policy::inspection_scope(&signed.actor).ok_or(AppError::Forbidden)?;
    let query = query_of(&req);
    let filters = Filters::from_query(&query);
    let mut errors = FieldErrors::new();
    use crate::cases::forms::optional_choice;
    let from = optional_date(&mut errors, "from", &filters.from);
    let to = optional_date(&mut errors, "to", &filters.to);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.add("to", "error-date-range");
    }
    let territory = match filters.territory.trim() {
        "" => None,
        t => t.parse::<i32>().ok().or_else(|| {
            errors.add("territory", "error-invalid-choice");
            None
        }),
    };
    let with_violations = match filters.violations.as_str() {
        "" => None,
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add("violations", "error-invalid-choice");
            None
        }
    };
    let mut filter = InspectionFilter {
        from,
        to,
        kind: optional_choice(&mut errors, "kind", &filters.kind, InspectionKind::parse),
        method: optional_choice(
            &mut errors,
            "method",
            &filters.method,
            InspectionMethod::parse,
        ),
        sector: optional_choice(&mut errors, "sector", &filters.sector, Sector::parse),
        with_violations,
        ..InspectionFilter::default()
    };
    let after = match query.get("after") {
        "" => None,
        a => Some(Cursor::decode(a).ok_or(AppError::BadRequest)?),
    };
    let valid = errors.is_empty();
    let (mut lines, places) = db::run(&state.pool, move |conn| {
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
        Ok((
            model::list_inspections(conn, &scope, &filter, after, PAGE_SIZE + 1)?,
            places,
        ))
    })
    .await?;
    let next = if lines.len() as i64 > PAGE_SIZE {
        lines.truncate(PAGE_SIZE as usize);
        lines.last().map(|l| {
            let cursor = Cursor {
                visited_on: l.visited_on,
                id: l.id,
            }
            .encode();
            match filters.query() {
                q if q.is_empty() => format!("after={cursor}"),
                q => format!("{q}&after={cursor}"),
            }
        })
    } else {
        None
    };
    render_with(
        if valid {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &ListPage {
            can_record: policy::allows(&signed.actor, Permission::RecordInspections),
            ctx: signed.ctx,
            lines,
            filters,
            errors,
            next,
            places,
            kinds: InspectionKind::ALL,
            methods: InspectionMethod::ALL,
            sectors: Sector::ALL,
        },
    )
}

#[derive(Template)]
#[template(path = "inspections/form.html")]
struct FormPage {
    ctx: Ctx,
    values: InspectionValues,
    errors: FieldErrors,
    record: Option<Inspection>,
    conflict: bool,
    establishment: Establishment,
    colleagues: Vec<Choice>,
    agencies: Vec<AgencyChoice>,
    kinds: &'static [InspectionKind],
    methods: &'static [InspectionMethod],
    violations: &'static [ViolationKind],
    bands: [(&'static str, &'static str); 6],
}

impl FormPage {
    fn is_new(&self) -> bool {
        self.record.is_none()
    }

    /// Which children a violation's suggestion counts (the form's script,
    /// as `model::suggested_violations` decides): those below 16 for
    /// underage work, every child at a hazardous place for hazardous work.
    fn rule_of(&self, v: &ViolationKind) -> &'static str {
        match v {
            ViolationKind::UnderageWork => "under16",
            ViolationKind::HazardousWork if self.establishment.kind.is_hazardous() => "all",
            _ => "",
        }
    }
}

/// A band of the form (in `BAND_FIELDS` order) is of children below 16.
pub fn is_under_16(band: &usize) -> bool {
    matches!(*band, 0 | 1 | 3 | 4)
}

fn bands() -> [(&'static str, &'static str); 6] {
    std::array::from_fn(|i| (BAND_FIELDS[i], model::BAND_LABELS[i]))
}

async fn inspection_form(
    state: &AppState,
    ctx: Ctx,
    actor: &Actor,
    values: InspectionValues,
    record: Option<Inspection>,
) -> AppResult<FormPage> {
    let establishment_id = values.establishment_id.trim().parse::<i64>().ok();
    let office = actor.agency_id.ok_or(AppError::Forbidden)?;
    let viewer = actor.clone();
    let (establishment, colleagues, agencies) = db::run(&state.pool, move |conn| {
        let id = establishment_id.ok_or(AppError::NotFound)?;
        Ok((
            visible_establishment(conn, &viewer, id)?,
            model::inspectors_of(conn, office)?,
            model::law_enforcement_agencies(conn)?,
        ))
    })
    .await?;
    // Those who took part stay on the list even if they have left the office.
    let mut colleagues = colleagues;
    if let Some(r) = &record {
        for (id, name) in &r.inspectors {
            if !colleagues.iter().any(|c| c.id == *id) {
                colleagues.push(Choice {
                    id: *id,
                    name: name.clone(),
                });
            }
        }
    }
    Ok(FormPage {
        ctx,
        values,
        errors: FieldErrors::new(),
        record,
        conflict: false,
        establishment,
        colleagues,
        agencies,
        kinds: InspectionKind::ALL,
        methods: InspectionMethod::ALL,
        violations: ViolationKind::ALL,
        bands: bands(),
    })
}

pub async fn new(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::RecordInspections)?;
    let establishment = query_of(&req).get("establishment").parse::<i64>().ok();
    if establishment.is_none() {
        return Ok(see_other("/establishments"));
    }
    let values = InspectionValues::blank(establishment, signed.actor.id, today());
    let actor = signed.actor.clone();
    render(&inspection_form(&state, signed.ctx, &actor, values, None).await?)
}

/// Checks that need the database: the colleagues are inspectors of the same
/// office, the agency is police or a prosecutor's office.
fn check_inspection(
    conn: &mut PgConnection,
    office: i64,
    input: &model::InspectionInput,
    already: &[i64],
) -> AppResult<FieldErrors> {
    let mut errors = FieldErrors::new();
    let colleagues = model::inspectors_of(conn, office)?;
    // Colleagues of the office; and whoever took part already, even if they
    // have left the office since (the record keeps who was there).
    if !input
        .inspectors
        .iter()
        .all(|id| colleagues.iter().any(|c| c.id == *id) || already.contains(id))
    {
        errors.add("inspectors", "error-invalid-choice");
    }
    if let Some(agency) = input.law_enforcement_id
        && !model::law_enforcement_agencies(conn)?
            .iter()
            .any(|a| a.id == agency)
    {
        errors.add("law_enforcement_id", "error-invalid-choice");
    }
    Ok(errors)
}

/// A visit dated after today is a plan: nothing has been found yet.
fn plan_has_no_findings(errors: &mut FieldErrors, input: &model::InspectionInput) {
    if input.visited_on > today() && (input.bands.total() > 0 || !input.violations.is_empty()) {
        errors.add("visited_on", "error-planned-with-findings");
    }
}

pub async fn create(
    signed: Signed,
    state: web::Data<AppState>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::RecordInspections)?;
    let Signed { ctx, actor } = signed;
    let office = actor.agency_id.ok_or(AppError::Forbidden)?;
    let values = InspectionValues::from_form(&form);
    let parsed = values.parse(actor.id);
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let inspector = actor.clone();
    let outcome = match parsed {
        Err(errors) => Err(errors),
        Ok(input) => {
            db::transaction(&state.pool, move |conn| {
                visible_establishment(conn, &inspector, input.establishment_id)?;
                let mut errors = check_inspection(conn, office, &input, &[])?;
                plan_has_no_findings(&mut errors, &input);
                if !errors.is_empty() {
                    return Ok(Err(errors));
                }
                let id = model::create_inspection(conn, &input, office, inspector.id, today())?;
                refer_to_law_enforcement(
                    conn,
                    &who,
                    id,
                    input.law_enforcement_id,
                    inspector.id,
                    input.visited_on,
                )?;
                audit::record(
                    conn,
                    &who,
                    AuditAction::InspectionCreated,
                    Some((TargetKind::Inspection, id)),
                    json!({ "establishment_id": input.establishment_id }),
                )?;
                session::flash(conn, session_hash.as_deref(), "flash-inspection-saved")?;
                Ok(Ok(id))
            })
            .await?
        }
    };
    match outcome {
        Ok(id) => Ok(see_other(&format!("/inspections/{id}"))),
        Err(errors) => {
            let mut page = inspection_form(&state, ctx, &actor, values, None).await?;
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// An inspection referred to a police unit or prosecutor's office lands in
/// that agency's queue (once per agency, unless it declined).
fn refer_to_law_enforcement(
    conn: &mut PgConnection,
    who: &Who,
    inspection: i64,
    agency: Option<i64>,
    by: i64,
    visited_on: NaiveDate,
) -> AppResult<()> {
    use crate::investigations::model as le;
    let Some(agency) = agency else {
        return Ok(());
    };
    if le::inspection_referred(conn, inspection, agency)? {
        return Ok(());
    }
    // Sent with the visit's record: dated by the visit (a plan's referral
    // cannot be dated ahead of today).
    let sent_on = visited_on.min(today());
    let referral = le::refer(conn, agency, None, Some(inspection), "", by, sent_on)?;
    audit::record(
        conn,
        who,
        AuditAction::LeReferralSent,
        Some((TargetKind::LeReferral, referral)),
        json!({ "inspection_id": inspection, "agency_id": agency }),
    )?;
    Ok(())
}

/// May the actor change the record: an open or planned one as one who took
/// part; a closed one as a correction (see `policy::can_follow_up_inspection`).
fn may_change(actor: &Actor, inspection: &Inspection) -> bool {
    let took_part = inspection.took_part(actor.id);
    if inspection.is_editable() {
        policy::can_edit_inspection(actor, took_part)
    } else {
        policy::can_follow_up_inspection(actor, took_part, &inspection.path)
    }
}

fn visible_inspection(conn: &mut PgConnection, actor: &Actor, id: i64) -> AppResult<Inspection> {
    let inspection = model::get_inspection(conn, id)?;
    if !policy::can_view_inspection(actor, inspection.office_id, &inspection.path) {
        return Err(AppError::NotFound);
    }
    Ok(inspection)
}

#[derive(Template)]
#[template(path = "inspections/show.html")]
struct ShowPage {
    ctx: Ctx,
    inspection: Inspection,
    penalties: Vec<Penalty>,
    found: Vec<FoundChild>,
    /// What became of the referral to law enforcement, if any.
    le_referrals: Vec<crate::investigations::model::InspectionReferral>,
    can_edit: bool,
    /// A closed inspection's record may be corrected (with a reason).
    can_correct: bool,
    can_impose: bool,
    /// The violations no penalty in force names yet.
    unpenalised: Vec<ViolationKind>,
    can_collect: bool,
    can_open_cases: bool,
    errors: FieldErrors,
    stale: bool,
    /// The penalty a collection form with errors belongs to.
    failed_penalty: Option<i64>,
    form: FormData,
    found_child: FoundValues,
    places: Vec<LocationOption>,
    sexes: &'static [Sex],
    schooling: &'static [SchoolStatus],
    case_forms: &'static [ExploitationForm],
    bands: [(&'static str, &'static str); 6],
    today: NaiveDate,
}

impl ShowPage {
    fn band(&self, i: &usize) -> i32 {
        let b = &self.inspection.bands;
        [
            b.girls[0], b.girls[1], b.girls[2], b.boys[0], b.boys[1], b.boys[2],
        ][*i]
    }

    fn money(&self, amount: &rust_decimal::Decimal) -> String {
        crate::web::money::format(amount, self.ctx.lang)
    }

    fn money_input(&self, amount: &rust_decimal::Decimal) -> String {
        if amount.is_zero() {
            String::new()
        } else {
            crate::web::money::input(amount)
        }
    }

    fn typed(&self, name: &str) -> String {
        self.form.get(name).to_owned()
    }

    /// What is still owed of a penalty, as the payment field offers it.
    fn owed_input(&self, penalty: &Penalty) -> String {
        self.money_input(&penalty.owed())
    }

    /// Was the violation ticked on the penalty form sent back?
    fn ticked(&self, kind: &ViolationKind) -> bool {
        self.form.all("violations").contains(&kind.as_str())
    }

    fn children_left(&self) -> i32 {
        self.inspection.children_found - self.found.len() as i32
    }

    fn age(&self, birth: &NaiveDate) -> i32 {
        children::age_on(*birth, self.today)
    }
}

async fn show_page(state: &AppState, ctx: Ctx, actor: &Actor, id: i64) -> AppResult<ShowPage> {
    let viewer = actor.clone();
    let (inspection, penalties, found, places, le_referrals, unpenalised) =
        db::run(&state.pool, move |conn| {
            let inspection = visible_inspection(conn, &viewer, id)?;
            Ok((
                inspection,
                model::penalties_of(conn, id)?,
                model::cases_of_inspection(conn, id)?,
                location_options(conn)?,
                crate::investigations::model::referrals_of_inspection(conn, id)?,
                model::unpenalised(conn, id)?,
            ))
        })
        .await?;
    let took_part = inspection.took_part(actor.id);
    let follows_up = policy::can_follow_up_inspection(actor, took_part, &inspection.path);
    Ok(ShowPage {
        can_edit: inspection.is_editable() && policy::can_edit_inspection(actor, took_part),
        can_correct: !inspection.is_editable() && follows_up,
        can_impose: !inspection.is_planned() && follows_up,
        unpenalised,
        can_collect: policy::can_record_collection(actor, inspection.office_id, &inspection.path),
        can_open_cases: policy::can_edit_inspection(actor, took_part),
        ctx,
        penalties,
        found,
        le_referrals,
        errors: FieldErrors::new(),
        stale: false,
        failed_penalty: None,
        form: FormData::default(),
        found_child: FoundValues::blank(inspection.establishment.location_id),
        places,
        sexes: Sex::ALL,
        schooling: SchoolStatus::ALL,
        case_forms: ExploitationForm::ALL,
        bands: bands(),
        today: today(),
        inspection,
    })
}

pub async fn show(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewInspections)?;
    let actor = signed.actor.clone();
    render(&show_page(&state, signed.ctx, &actor, path.into_inner()).await?)
}

pub async fn edit(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::RecordInspections)?;
    let id = path.into_inner();
    let viewer = signed.actor.clone();
    let inspection = db::run(&state.pool, move |conn| {
        visible_inspection(conn, &viewer, id)
    })
    .await?;
    if !may_change(&signed.actor, &inspection) {
        return Err(AppError::Forbidden);
    }
    let values = InspectionValues::from_record(&inspection);
    let actor = signed.actor.clone();
    render(&inspection_form(&state, signed.ctx, &actor, values, Some(inspection)).await?)
}

pub async fn update(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewInspections)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let viewer = actor.clone();
    let current = db::run(&state.pool, move |conn| {
        visible_inspection(conn, &viewer, id)
    })
    .await?;
    if !may_change(&actor, &current) {
        return Err(AppError::Forbidden);
    }
    let from = current.status;
    let correcting = from == InspectionStatus::Closed;
    let office = current.office_id;
    let already = current.inspector_ids();
    let actor_id = actor.id;
    let was_referred_to = current.law_enforcement_id;
    let mut values = InspectionValues::from_form(&form);
    // The place of an inspection is not changed by editing it.
    values.establishment_id = current.establishment.id.to_string();
    let version = values.version.trim().parse::<i32>().unwrap_or(-1);
    let parsed = values.parse(actor.id).and_then(|mut input| {
        // The head of the office correcting a record did not take part.
        if !already.contains(&actor.id) {
            input.inspectors.retain(|i| *i != actor.id);
        }
        if input.inspectors.is_empty() {
            input.inspectors = already.clone();
        }
        let mut errors = FieldErrors::new();
        if correcting {
            // A closed inspection's act is corrected, never reopened: the
            // visit happened, and the correction says why.
            if input.visited_on > today() {
                errors.add("visited_on", "error-date-in-future");
            }
            if form.get("correction_reason").trim().is_empty() {
                errors.add("correction_reason", "error-correction-reason-required");
            }
        }
        match text(form.get("correction_reason"), NOTE_TEXT, true) {
            Ok(_) if errors.is_empty() => Ok(input),
            Ok(_) => Err(errors),
            Err(key) => {
                errors.add("correction_reason", key);
                Err(errors)
            }
        }
    });
    let reason = form.get("correction_reason").trim().to_owned();
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    enum Saved {
        Done,
        Invalid(FieldErrors),
        Stale,
    }
    let outcome = match parsed {
        Err(errors) => Saved::Invalid(errors),
        Ok(input) => {
            db::transaction(&state.pool, move |conn| {
                model::lock_inspection(conn, id)?;
                let mut errors = check_inspection(conn, office, &input, &already)?;
                if !correcting {
                    plan_has_no_findings(&mut errors, &input);
                }
                let opened = model::cases_of_inspection(conn, id)?.len() as i32;
                if input.bands.total() < opened {
                    errors.add("children_found", "error-fewer-than-cases");
                }
                // A violation a penalty names stays on the record.
                let penalised = model::penalised(conn, id)?;
                if penalised
                    .iter()
                    .any(|k| !input.violations.iter().any(|(v, _)| v == k))
                {
                    errors.add("violations", "error-violation-penalised");
                }
                if input.visited_on > today() && !model::penalties_of(conn, id)?.is_empty() {
                    errors.add("visited_on", "error-planned-with-findings");
                }
                if !errors.is_empty() {
                    return Ok(Saved::Invalid(errors));
                }
                if !model::update_inspection(conn, id, version, &input, from, today())? {
                    return Ok(Saved::Stale);
                }
                // A referral goes when the agency is named or changed, not on
                // every save; an unanswered one to an agency no longer named
                // is withdrawn.
                if input.law_enforcement_id != was_referred_to {
                    if let Some(old) = was_referred_to {
                        crate::investigations::model::withdraw_waiting(conn, id, old)?;
                    }
                    refer_to_law_enforcement(
                        conn,
                        &who,
                        id,
                        input.law_enforcement_id,
                        actor_id,
                        input.visited_on,
                    )?;
                }
                if correcting {
                    audit::record(
                        conn,
                        &who,
                        AuditAction::InspectionCorrected,
                        Some((TargetKind::Inspection, id)),
                        json!({ "reason": reason, "visited_on": input.visited_on }),
                    )?;
                } else {
                    audit::record(
                        conn,
                        &who,
                        AuditAction::InspectionUpdated,
                        Some((TargetKind::Inspection, id)),
                        json!({}),
                    )?;
                }
                session::flash(conn, session_hash.as_deref(), "flash-inspection-saved")?;
                Ok(Saved::Done)
            })
            .await?
        }
    };
    match outcome {
        Saved::Done => Ok(see_other(&format!("/inspections/{id}"))),
        Saved::Invalid(errors) => {
            let mut page = inspection_form(&state, ctx, &actor, values, Some(current)).await?;
            page.errors = errors;
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Saved::Stale => {
            let viewer = actor.clone();
            let fresh = db::run(&state.pool, move |conn| {
                visible_inspection(conn, &viewer, id)
            })
            .await?;
            values.version = fresh.version.to_string();
            let mut page = inspection_form(&state, ctx, &actor, values, Some(fresh)).await?;
            page.conflict = true;
            render_with(StatusCode::CONFLICT, &page)
        }
    }
}

/// What a POST on the inspection page came to.
enum Done {
    Saved,
    Invalid(FieldErrors),
    Stale,
}

fn invalid(field: &'static str, key: &'static str) -> Done {
    let mut errors = FieldErrors::new();
    errors.add(field, key);
    Done::Invalid(errors)
}

async fn after_post(
    state: &AppState,
    ctx: Ctx,
    actor: &Actor,
    id: i64,
    done: Done,
    adjust: impl FnOnce(&mut ShowPage),
) -> AppResult<HttpResponse> {
    let (errors, stale, status) = match done {
        Done::Saved => return Ok(see_other(&format!("/inspections/{id}"))),
        Done::Invalid(errors) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
        Done::Stale => (FieldErrors::new(), true, StatusCode::CONFLICT),
    };
    let mut page = show_page(state, ctx, actor, id).await?;
    page.errors = errors;
    page.stale = stale;
    adjust(&mut page);
    render_with(status, &page)
}

/// The inspector closes the inspection: from now on it is read-only except
/// for what is collected of its penalties.
pub async fn close(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::RecordInspections)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let version = form.get("version").trim().parse::<i32>().unwrap_or(-1);
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let inspector = actor.clone();
    let done = db::transaction(&state.pool, move |conn| {
        let inspection = visible_inspection(conn, &inspector, id)?;
        if !policy::can_edit_inspection(&inspector, inspection.took_part(inspector.id)) {
            return Err(AppError::Forbidden);
        }
        if inspection.status == InspectionStatus::Closed {
            return Ok(invalid("close", "error-inspection-closed"));
        }
        // A completed inspection happened: it cannot lie in the future, and
        // a plan is first recorded as conducted.
        if inspection.visited_on > today() {
            return Ok(invalid("close", "error-close-future-visit"));
        }
        if inspection.is_planned() {
            return Ok(invalid("close", "error-close-planned"));
        }
        if version != inspection.version
            || !model::close_inspection(conn, id, version, inspector.id)?
        {
            return Ok(Done::Stale);
        }
        audit::record(
            conn,
            &who,
            AuditAction::InspectionClosed,
            Some((TargetKind::Inspection, id)),
            json!({}),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-inspection-closed")?;
        Ok(Done::Saved)
    })
    .await?;
    after_post(&state, ctx, &actor, id, done, |_| {}).await
}

/// Impose a penalty for violations of the inspection, on the day it was
/// decided; also after the inspection was closed, never on a plan.
pub async fn impose(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewInspections)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let inspector = actor.clone();
    let typed = form.clone();
    let done = db::transaction(&state.pool, move |conn| {
        model::lock_inspection(conn, id)?;
        let inspection = visible_inspection(conn, &inspector, id)?;
        let took_part = inspection.took_part(inspector.id);
        if !policy::can_follow_up_inspection(&inspector, took_part, &inspection.path) {
            return Err(AppError::Forbidden);
        }
        if inspection.is_planned() {
            return Ok(invalid("penalty", "error-penalty-planned"));
        }
        let open = model::unpenalised(conn, id)?;
        let input = match parse_penalty(&typed, &open, inspection.visited_on, today()) {
            Ok(p) => p,
            Err(errors) => return Ok(Done::Invalid(errors)),
        };
        let penalty = model::impose(conn, id, &input, inspector.id)?;
        audit::record(
            conn,
            &who,
            AuditAction::PenaltyImposed,
            Some((TargetKind::Inspection, id)),
            json!({
                "penalty_id": penalty,
                "imposed": input.imposed.to_string(),
                "decided_on": input.decided_on,
                "violations": input.violations.iter().map(|v| v.as_str()).collect::<Vec<_>>(),
            }),
        )?;
        session::flash(conn, session_hash.as_deref(), "flash-penalty-imposed")?;
        Ok(Done::Saved)
    })
    .await?;
    after_post(&state, ctx, &actor, id, done, |page| page.form = form).await
}

/// The penalty of the inspection at `path`, for one who may record its
/// collection (also after the inspection was closed).
fn penalty_for_clerk(
    conn: &mut PgConnection,
    clerk: &Actor,
    id: i64,
    penalty_id: i64,
) -> AppResult<Penalty> {
    let inspection = visible_inspection(conn, clerk, id)?;
    if !policy::can_record_collection(clerk, inspection.office_id, &inspection.path) {
        return Err(AppError::Forbidden);
    }
    let penalty = model::get_penalty(conn, penalty_id)?;
    if penalty.inspection_id != id {
        return Err(AppError::NotFound);
    }
    Ok(penalty)
}

/// A POST on one penalty of the inspection, by one who records its
/// collection: `act` runs in one transaction on the penalty as the form saw
/// it (a changed one is stale), and a refusal shows beside that penalty.
async fn on_penalty<F>(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: FormData,
    act: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce(&mut PgConnection, &Who, &Actor, &Penalty, &FormData) -> AppResult<Done>
        + Send
        + 'static,
{
    policy::require(&signed.actor, Permission::ViewInspections)?;
    let Signed { ctx, actor } = signed;
    let (id, penalty_id) = path.into_inner();
    let version = form.get("version").trim().parse::<i32>().unwrap_or(-1);
    let who = Who::actor(&actor, &ctx.client_addr);
    let clerk = actor.clone();
    let typed = form.clone();
    let done = db::transaction(&state.pool, move |conn| {
        let penalty = penalty_for_clerk(conn, &clerk, id, penalty_id)?;
        if version != penalty.version {
            return Ok(Done::Stale);
        }
        act(conn, &who, &clerk, &penalty, &typed)
    })
    .await?;
    after_post(&state, ctx, &actor, id, done, |page| {
        page.form = form;
        page.failed_penalty = Some(penalty_id);
    })
    .await
}

/// Record a payment of a penalty, on the day it was paid: collections are
/// counted in the year paid.
pub async fn collect(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let session_hash = signed.ctx.session_hash.clone();
    on_penalty(
        signed,
        state,
        path,
        form,
        move |conn, who, clerk, penalty, typed| {
            if !penalty.takes_payments() {
                return Ok(invalid("collected", "error-penalty-takes-no-payment"));
            }
            let payment = match parse_payment(typed, penalty.owed(), penalty.decided_on, today()) {
                Ok(p) => p,
                Err(errors) => return Ok(Done::Invalid(errors)),
            };
            if !model::record_payment(conn, penalty.id, penalty.version, &payment, clerk.id)? {
                return Ok(Done::Stale);
            }
            audit::record(
                conn,
                who,
                AuditAction::PenaltyCollected,
                Some((TargetKind::Inspection, penalty.inspection_id)),
                json!({
                    "penalty_id": penalty.id,
                    "amount": payment.amount.to_string(),
                    "paid_on": payment.paid_on,
                }),
            )?;
            session::flash(conn, session_hash.as_deref(), "flash-payment-recorded")?;
            Ok(Done::Saved)
        },
    )
    .await
}

/// A penalty is appealed, cancelled (only while nothing was paid; final), or
/// in force again after an appeal.
pub async fn standing(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: FormData,
) -> AppResult<HttpResponse> {
    let session_hash = signed.ctx.session_hash.clone();
    on_penalty(
        signed,
        state,
        path,
        form,
        move |conn, who, _, penalty, typed| {
            if !penalty.takes_payments() {
                return Ok(invalid("standing", "error-penalty-final"));
            }
            let to = match parse_standing(typed, penalty.collected) {
                Ok(s) => s,
                Err(errors) => return Ok(Done::Invalid(errors)),
            };
            if !model::set_penalty_status(conn, penalty.id, penalty.version, to)? {
                return Ok(Done::Stale);
            }
            audit::record(
                conn,
                who,
                AuditAction::PenaltyStatusChanged,
                Some((TargetKind::Inspection, penalty.inspection_id)),
                json!({
                    "penalty_id": penalty.id,
                    "status": [penalty.status.as_str(), to.as_str()],
                }),
            )?;
            session::flash(conn, session_hash.as_deref(), "flash-penalty-status")?;
            Ok(Done::Saved)
        },
    )
    .await
}

/// A child found at the inspection: register the child and open a case, source = inspection, in the
/// queue of the Child Support Unit of the child's territory.
pub async fn child_found(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::RecordInspections)?;
    let Signed { ctx, actor } = signed;
    let id = path.into_inner();
    let values = FoundValues::from_form(&form);
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let deadlines = Deadlines::from_config(&state.config);
    let inspector = actor.clone();
    let typed = values.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        // Held until the case is written: two inspectors saving at once
        // cannot open more cases than children were found.
        model::lock_inspection(conn, id)?;
        let inspection = visible_inspection(conn, &inspector, id)?;
        // Only those who took part open cases for the children they found,
        // also after the inspection is closed.
        if !policy::can_edit_inspection(&inspector, inspection.took_part(inspector.id)) {
            return Err(AppError::Forbidden);
        }
        if inspection.is_planned() {
            return Ok(Err(FieldErrors::from_one(
                "found",
                "error-planned-with-findings",
            )));
        }
        if model::cases_of_inspection(conn, id)?.len() as i32 >= inspection.children_found {
            return Ok(Err(FieldErrors::from_one(
                "found",
                "error-all-children-have-cases",
            )));
        }
        // The child was identified at the visit, whenever this is typed in.
        let found = match typed.parse(today(), Some(inspection.visited_on)) {
            Ok(parsed) => parsed,
            Err(errors) => return Ok(Err(errors)),
        };
        let origin = Origin {
            source: CaseSource::Inspection,
            sector: inspection.establishment.sector,
            inspection_id: Some(id),
            details: json!({ "inspection_id": id }),
        };
        match intake::open_case(conn, &who, inspector.id, found, origin, deadlines, today())? {
            Intake::NoUnit => Ok(Err(FieldErrors::from_one(
                "home_location_id",
                "error-no-unit-for-territory",
            ))),
            // The same message whether or not a similar child is registered:
            // an inspector learns nothing of other children's records (the
            // duplicate check is audited, and the unit head sees it).
            Intake::Opened { .. } => {
                session::flash(conn, session_hash.as_deref(), "flash-child-found-case")?;
                Ok(Ok(()))
            }
        }
    })
    .await?;
    let done = match outcome {
        Ok(()) => Done::Saved,
        Err(errors) => Done::Invalid(errors),
    };
    after_post(&state, ctx, &actor, id, done, |page| {
        page.found_child = values
    })
    .await
}

// ---------------------------------------------------------------- home queue

/// An inspector's work on their home page.
pub struct Queue {
    /// Planned visits, soonest first.
    pub planned: Vec<InspectionLine>,
    pub today: NaiveDate,
    pub open: Vec<InspectionLine>,
    pub follow_ups: Vec<InspectionLine>,
    pub outstanding: Vec<Outstanding>,
}

pub fn queue(conn: &mut PgConnection, actor: &Actor) -> AppResult<Option<Queue>> {
    if !policy::allows(actor, Permission::RecordInspections) {
        return Ok(None);
    }
    let Some(scope) = policy::inspection_scope(actor) else {
        return Ok(None);
    };
    let Some(office) = actor.agency_id else {
        return Ok(None);
    };
    let mine = InspectionFilter {
        inspector: Some(actor.id),
        open_only: true,
        ..InspectionFilter::default()
    };
    let soon = today() + chrono::Days::new(14);
    Ok(Some(Queue {
        planned: model::planned_inspections(conn, office, actor.id)?,
        today: today(),
        open: model::list_inspections(conn, &scope, &mine, None, 20)?,
        follow_ups: model::follow_ups_due(conn, office, soon)?,
        outstanding: model::outstanding_penalties(conn, office)?,
    }))
}
