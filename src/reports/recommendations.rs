//! The recommendations tracker: the nine recommended actions of the document
//! (shared/seed/README.md), each with its area, the years it was made, the
//! live figures that measure it and a status with a public note an admin
//! sets. The texts are in locales/ (`recommendation-<code>`); the figures are
//! the published ones (`figures`), so they are protected the same way.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use super::figures::Published;
use super::filter::{self, Filter};
use super::handlers::{Rows, reader_scope, show_row};
use super::name::Name;
use crate::audit::{self, AuditAction, TargetKind, Who};
use crate::cases::model::ExploitationForm;
use crate::db;
use crate::db::schema::{recommendations, users};
use crate::policy::{self, Permission};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, render_with, see_other};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::{FieldErrors, FormData};
use crate::web::session::flash;

crate::text_enum! {
    pub enum Progress ("recommendation-status") {
        NotStarted = "not_started",
        InProgress = "in_progress",
        Done = "done",
    }
}

crate::text_enum! {
    pub enum Area ("recommendation-area") {
        Laws = "laws",
        Coordination = "coordination",
        Social = "social",
    }
}

/// What the document says of a recommendation, and what measures it.
pub struct Meta {
    pub code: &'static str,
    pub area: Area,
    pub years: &'static [i32],
    pub indicators: Rows,
    /// The recommendation asks for figures to be made public: the public
    /// pages publish its indicators.
    pub asks_publication: bool,
}

pub const RECOMMENDATIONS: [Meta; 9] = [
    Meta {
        code: "drug_trafficking_law",
        area: Area::Laws,
        years: &[2011, 2012],
        indicators: &[
            (
                "report-assisted-illicit",
                &[Name::ChildrenAssistedForm(
                    ExploitationForm::IllicitActivities,
                )],
            ),
            ("report-investigations", &[Name::Investigations]),
        ],
        asks_publication: false,
    },
    Meta {
        code: "free_education",
        area: Area::Laws,
        years: &[2009, 2010, 2012],
        indicators: &[("report-complaints", &[Name::SchoolFeeComplaints])],
        asks_publication: false,
    },
    Meta {
        code: "coordination",
        area: Area::Coordination,
        years: &[2012],
        indicators: &[
            (
                "report-children-to-law-enforcement",
                &[Name::ChildrenReferredToLawEnforcement],
            ),
            (
                "report-children-to-social-services",
                &[Name::ChildrenReferredToSocialServices],
            ),
            (
                "report-referred",
                &[Name::InspectionsReferredToLawEnforcement],
            ),
            (
                "report-overdue-referrals",
                &[Name::ChildrenReferralsOverdue],
            ),
        ],
        asks_publication: false,
    },
    Meta {
        code: "inspectors_trained",
        area: Area::Coordination,
        years: &[2012],
        indicators: &[
            ("report-inspectors", &[Name::LaborInspectors]),
            (
                "report-inspectors-on-last-day",
                &[Name::LaborInspectorsOnLastDay],
            ),
            ("report-trained", &[Name::InspectorsTrainedForcedChildLabor]),
        ],
        asks_publication: false,
    },
    Meta {
        code: "publish_inspections_fines",
        area: Area::Coordination,
        years: &[2009, 2010, 2011, 2012],
        indicators: &[
            ("report-inspections", &[Name::Inspections]),
            (
                "report-found-child-labor",
                &[Name::InspectionsFindingChildLabor],
            ),
            ("report-violations", &[Name::ChildLaborViolations]),
            ("report-violations-penalised", &[Name::ViolationsPenalised]),
            (
                "report-penalties-imposed",
                &[Name::PenaltiesImposed, Name::PenaltiesImposedKgs],
            ),
            ("report-penalties-collected", &[Name::PenaltiesCollected]),
            ("report-collected-kgs", &[Name::PenaltiesCollectedKgs]),
        ],
        asks_publication: true,
    },
    Meta {
        code: "publish_assistance",
        area: Area::Coordination,
        years: &[2011, 2012],
        indicators: &[
            (
                "report-assisted-forced-labor",
                &[Name::ChildrenAssistedForm(ExploitationForm::ForcedLabor)],
            ),
            (
                "report-assisted-trafficking",
                &[Name::ChildrenAssistedForm(ExploitationForm::Trafficking)],
            ),
            ("report-assisted", &[Name::ChildrenAssisted]),
        ],
        asks_publication: true,
    },
    Meta {
        code: "publish_prosecutions",
        area: Area::Coordination,
        years: &[2011, 2012],
        indicators: &[
            ("report-prosecutor-staff", &[Name::ProsecutorStaff]),
            ("report-investigations", &[Name::Investigations]),
            ("report-prosecutions", &[Name::ProsecutionsInitiated]),
            ("report-convictions", &[Name::Convictions]),
        ],
        asks_publication: true,
    },
    Meta {
        code: "csec_victims",
        area: Area::Coordination,
        years: &[2012],
        indicators: &[
            ("report-csec-identified", &[Name::ChildrenCsecIdentified]),
            (
                "report-csec-victims",
                &[Name::ChildrenCsecRecordedAsVictims],
            ),
        ],
        asks_publication: false,
    },
    Meta {
        code: "street_children",
        area: Area::Social,
        years: &[2012],
        indicators: &[
            (
                "report-street-identified",
                &[Name::ChildrenStreetIdentified],
            ),
            (
                "report-street-education",
                &[Name::ChildrenStreetWithEducationService],
            ),
            (
                "report-street-medical",
                &[Name::ChildrenStreetWithMedicalService],
            ),
            (
                "report-street-social",
                &[Name::ChildrenStreetWithSocialService],
            ),
        ],
        asks_publication: false,
    },
];

/// A recommendation's status as kept.
#[derive(Debug, Clone, Queryable)]
pub struct Status {
    pub id: i32,
    pub code: String,
    pub status: String,
    pub note: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<String>,
    pub version: i32,
}

pub fn statuses(conn: &mut PgConnection) -> QueryResult<Vec<Status>> {
    recommendations::table
        .left_join(users::table)
        .select((
            recommendations::id,
            recommendations::code,
            recommendations::status,
            recommendations::note,
            recommendations::updated_at,
            users::display_name.nullable(),
            recommendations::version,
        ))
        .order(recommendations::id)
        .load(conn)
}

/// Set a status and note; `false` when someone else changed it first.
pub fn update(
    conn: &mut PgConnection,
    id: i32,
    status: Progress,
    note: &str,
    version: i32,
    by: i64,
) -> QueryResult<bool> {
    let changed = diesel::update(
        recommendations::table
            .filter(recommendations::id.eq(id))
            .filter(recommendations::version.eq(version)),
    )
    .set((
        recommendations::status.eq(status.as_str()),
        recommendations::note.eq(note),
        recommendations::updated_by.eq(by),
        recommendations::updated_at.eq(diesel::dsl::now),
        recommendations::version.eq(recommendations::version + 1),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// One recommendation as a page shows it.
pub struct Item {
    pub meta: &'static Meta,
    pub status: Status,
    pub progress: Progress,
    /// (label, figures) of its indicators.
    pub figures: Vec<(String, String)>,
}

pub fn items(ctx: &Ctx, statuses: Vec<Status>, published: &Published, threshold: i64) -> Vec<Item> {
    statuses
        .into_iter()
        .filter_map(|status| {
            let meta = RECOMMENDATIONS.iter().find(|m| m.code == status.code)?;
            let progress = Progress::parse(&status.status).unwrap_or(Progress::NotStarted);
            let figures = meta
                .indicators
                .iter()
                .map(|(label, names)| (ctx.t(label), show_row(ctx, published, names, threshold)))
                .collect();
            Some(Item {
                meta,
                status,
                progress,
                figures,
            })
        })
        .collect()
}

impl Item {
    pub fn years(&self) -> String {
        self.meta
            .years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn text_key(&self) -> String {
        format!("recommendation-{}", self.meta.code.replace('_', "-"))
    }
}

#[derive(Template)]
#[template(path = "reports/recommendations.html")]
struct TrackerPage {
    ctx: Ctx,
    filter: Filter,
    years: Vec<i32>,
    items: Vec<Item>,
    can_edit: bool,
    /// A form sent back with its errors: (id, status, note, errors).
    failed: Option<(i32, String, String, FieldErrors)>,
    threshold: i64,
}

impl TrackerPage {
    /// The refused form's errors, for the page's summary.
    fn summary_errors(&self) -> FieldErrors {
        self.failed
            .as_ref()
            .map(|f| f.3.clone())
            .unwrap_or_default()
    }

    fn failed_for(&self, id: &i32) -> Option<&(i32, String, String, FieldErrors)> {
        self.failed.as_ref().filter(|f| f.0 == *id)
    }

    fn errors_for(&self, id: &i32) -> FieldErrors {
        self.failed_for(id).map(|f| f.3.clone()).unwrap_or_default()
    }

    fn progress_all(&self) -> &'static [Progress] {
        Progress::ALL
    }
}

async fn page(
    signed: Signed,
    state: &AppState,
    query: String,
    failed: Option<(i32, String, String, FieldErrors)>,
) -> AppResult<HttpResponse> {
    let scope = reader_scope(&signed.actor);
    let threshold = state.config.suppression_threshold;
    let (filter, published) = super::handlers::load(state, &query, scope).await?;
    let statuses = db::run(&state.pool, |conn| Ok(statuses(conn)?)).await?;
    let status = match (&failed, &published) {
        (Some(_), _) => actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        (None, None) => actix_web::http::StatusCode::BAD_REQUEST,
        (None, Some(_)) => actix_web::http::StatusCode::OK,
    };
    let items = match &published {
        Some(p) => items(&signed.ctx, statuses, p, threshold),
        None => Vec::new(),
    };
    render_with(
        status,
        &TrackerPage {
            can_edit: policy::allows(&signed.actor, Permission::TrackRecommendations),
            ctx: signed.ctx,
            filter,
            years: filter::years(),
            items,
            failed,
            threshold,
        },
    )
}

/// The tracker for staff who read reports; admins set statuses here.
pub async fn tracker(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewReports)?;
    page(signed, &state, req.query_string().to_owned(), None).await
}

/// Set a recommendation's status and public note (admin).
pub async fn set_status(
    signed: Signed,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    form: FormData,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::TrackRecommendations)?;
    let id = path.into_inner();
    if !(1..=RECOMMENDATIONS.len() as i32).contains(&id) {
        return Err(AppError::NotFound);
    }
    let mut errors = FieldErrors::new();
    let progress = crate::web::forms::choice(form.get("status"), Progress::parse)
        .map_err(|e| errors.add("status", e))
        .ok();
    let note = crate::web::forms::text(form.get("note"), 2000, true)
        .map_err(|e| errors.add("note", e))
        .ok();
    let version = form.get("version").parse::<i32>().ok();
    // A form not from this page (no version of it) is refused as stale,
    // with the message saying so.
    if version.is_none() && errors.is_empty() {
        errors.add("status", "error-recommendation-changed");
    }
    let (Some(progress), Some(note), Some(version), true) =
        (progress, note, version, errors.is_empty())
    else {
        let typed = (
            id,
            form.get("status").to_owned(),
            form.get("note").to_owned(),
            errors,
        );
        return page(signed, &state, String::new(), Some(typed)).await;
    };
    let Signed { ctx, actor } = signed;
    let who = Who::actor(&actor, &ctx.client_addr);
    let session_hash = ctx.session_hash.clone();
    let note_for_db = note.clone();
    let saved = db::transaction(&state.pool, move |conn| {
        if !update(conn, id, progress, &note_for_db, version, actor.id)? {
            return Ok(false);
        }
        audit::record(
            conn,
            &who,
            AuditAction::RecommendationUpdated,
            Some((TargetKind::Recommendation, i64::from(id))),
            json!({ "status": progress.as_str() }),
        )?;
        flash(conn, session_hash.as_deref(), "flash-recommendation-saved")?;
        Ok(true)
    })
    .await?;
    if saved {
        Ok(see_other(&format!(
            "/reports/recommendations#recommendation-{id}"
        )))
    } else {
        let signed = Signed { ctx, actor };
        let typed = (
            id,
            progress.as_str().to_owned(),
            note,
            FieldErrors::from_one("status", "error-recommendation-changed"),
        );
        page(signed, &state, String::new(), Some(typed)).await
    }
}
