//! The public transparency pages at `/public` (no sign-in): the enforcement
//! and assistance figures by year and region, trends, the recommendations
//! tracker, and open data (CSV and JSON) with a schema page. Only published
//! figures (`figures::publish`) ever reach these pages: counts of persons are
//! protected, the state's actions exact, no record and no name of anyone.
//!
//! Every page and download reads the one protected set of the whole country
//! (`protection`), so a region's figure is shown or hidden here as on every
//! staff page.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use std::collections::HashMap;
use std::sync::Arc;

use super::dashboard::{self, Trends};
use super::figures::{self, Published};
use super::filter::{self, Depth, Filter};
use super::handlers::{
    CRIMINAL_ROWS, GROUP_ROWS, LABOR_ROWS, MONITORING_ROWS, Rows, ShowsFigures, assistance_table,
    read_filter,
};
use super::name::{Name, Outcome, Schooling};
use super::recommendations::{self, Item, Progress};
use super::releases::{self, Release};
use super::view::TableView;
use crate::db;
use crate::web::AppState;
use crate::web::context::{Ctx, render_with};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FormData;

/// A page or download as made: its body and type.
#[derive(Clone)]
pub struct Cached {
    pub body: actix_web::web::Bytes,
    pub content_type: &'static str,
}

/// Serve what was made. Downloads are the same for everyone and say so to
/// caches on the way; pages do not.
fn served(status: actix_web::http::StatusCode, value: Cached, page: bool) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.content_type(value.content_type);
    if !page {
        response.insert_header((header::CACHE_CONTROL, "public, max-age=300"));
    }
    response.body(value.body)
}

/// A page or download: its status and its body.
type Computed = (actix_web::http::StatusCode, Cached);

fn html<T: Template>(page: &T, status: actix_web::http::StatusCode) -> AppResult<Computed> {
    let body = page.render().map_err(AppError::internal)?;
    Ok((
        status,
        Cached {
            body: body.into(),
            content_type: "text/html; charset=utf-8",
        },
    ))
}

#[derive(Template)]
#[template(path = "reports/public.html")]
struct PublicPage {
    ctx: Ctx,
    filter: Filter,
    years: Vec<i32>,
    threshold: i64,
    published: Option<Published>,
    /// The release shown; `None` before the first.
    banner: Option<Banner>,
    cards: Vec<(&'static str, Name)>,
    sections: Vec<(&'static str, &'static str, Rows)>,
    assistance: Option<TableView>,
    trends: Option<Trends>,
}

impl ShowsFigures for PublicPage {
    fn figures(&self) -> (&Ctx, Option<&Published>, i64) {
        (&self.ctx, self.published.as_ref(), self.threshold)
    }
}

/// What the public pages say of the release they show.
pub struct Banner {
    pub id: i64,
    pub title: String,
    pub published: String,
    pub note: Option<String>,
}

impl Banner {
    fn of(ctx: &Ctx, release: &Release) -> Banner {
        let h = &release.header;
        Banner {
            id: h.id,
            title: h.title(ctx),
            published: ctx.date(
                &h.published_at
                    .with_timezone(&crate::web::context::TIME_ZONE)
                    .date_naive(),
            ),
            note: h.note.clone(),
        }
    }
}

const CARDS: [(&str, Name); 8] = [
    ("report-identified", Name::ChildrenIdentified),
    ("report-assisted", Name::ChildrenAssisted),
    ("report-inspections", Name::Inspections),
    ("report-violations", Name::ChildLaborViolations),
    ("report-collected-kgs", Name::PenaltiesCollectedKgs),
    ("report-investigations", Name::Investigations),
    ("report-prosecutions", Name::ProsecutionsInitiated),
    ("report-convictions", Name::Convictions),
];

/// The public figures for a year and a region.
pub async fn index(
    ctx: Ctx,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let threshold = state.config.suppression_threshold;
    let query = req.query_string().to_owned();
    // An anonymous reader's page depends only on the release, the language
    // and the query: it is rendered once per release (a release never
    // changes). Anyone signed in gets their own (their name, their token).
    let shared = ctx.actor.is_none() && ctx.flash.is_none();
    let kept = if shared {
        let (_, release) = release_of(&state, &query).await?;
        release.map(|r| (r.header.id, format!("{}|{query}", ctx.lang_code())))
    } else {
        None
    };
    if let Some((id, key)) = &kept
        && let Some(page) = state.releases.page(*id, key)
    {
        return Ok(cached_page(page));
    }
    let render_ctx = ctx.clone();
    let state_ref = &state;
    let response = async move {
        let ctx = render_ctx;
        let Choice {
            filter,
            release,
            published,
            trend,
        } = public_choice(state_ref, &query).await?;
        // A region shows its headline figures; the breakdowns are the
        // country's (see `publication::headline`).
        let full = published.as_ref().is_some_and(|p| p.full);
        let assistance = published
            .as_ref()
            .filter(|p| p.full)
            .map(|p| assistance_table(&ctx, p, threshold));
        let trends = trend.map(|t| dashboard::trends(&ctx, &t, threshold));
        let status = if filter.chosen.is_some() {
            actix_web::http::StatusCode::OK
        } else {
            actix_web::http::StatusCode::BAD_REQUEST
        };
        let banner = release.as_ref().map(|r| Banner::of(&ctx, r));
        html(
            &PublicPage {
                ctx,
                filter,
                years: filter::years(),
                threshold,
                cards: super::handlers::cards_of(&CARDS, published.as_ref()),
                published,
                banner,
                sections: super::handlers::sections(full),
                assistance,
                trends,
            },
            status,
        )
    };
    let (status, page) = response.await?;
    if let Some((id, key)) = kept {
        state.releases.keep_page(
            id,
            key,
            releases::CachedPage {
                status: status.as_u16(),
                body: page.body.clone(),
            },
        );
    }
    Ok(served(status, page, true))
}

/// A public page kept from an earlier rendering.
fn cached_page(page: releases::CachedPage) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(page.status)
        .unwrap_or(actix_web::http::StatusCode::OK);
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(page.body)
}

#[derive(Template)]
#[template(path = "reports/public_recommendations.html")]
struct PublicRecommendations {
    ctx: Ctx,
    filter: Filter,
    banner: Option<Banner>,
    years: Vec<i32>,
    items: Vec<Item>,
    threshold: i64,
}

/// The recommendations tracker, read-only.
pub async fn recommendations(
    ctx: Ctx,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let threshold = state.config.suppression_threshold;
    let render_ctx = ctx.clone();
    let state_ref = &state;
    let query = req.query_string().to_owned();
    let response = async move {
        let ctx = render_ctx;
        let Choice {
            filter,
            published,
            release,
            ..
        } = public_choice(state_ref, &query).await?;
        let banner = release.as_ref().map(|r| Banner::of(&ctx, r));
        let statuses =
            db::run(&state_ref.pool, |conn| Ok(recommendations::statuses(conn)?)).await?;
        let status = if filter.chosen.is_some() {
            actix_web::http::StatusCode::OK
        } else {
            actix_web::http::StatusCode::BAD_REQUEST
        };
        let items = match &published {
            Some(p) => recommendations::items(&ctx, statuses, p, threshold),
            None => Vec::new(),
        };
        html(
            &PublicRecommendations {
                ctx,
                filter,
                banner,
                years: filter::years(),
                items,
                threshold,
            },
            status,
        )
    };
    let (status, page) = response.await?;
    Ok(served(status, page, true))
}

/// The public choice of year and region, and its figures, its trend and
/// the release they come from (`?release=` a number, or the latest).
struct Choice {
    filter: Filter,
    release: Option<Arc<Release>>,
    published: Option<Published>,
    trend: Option<Vec<(i32, Published)>>,
}

/// The release a public page shows: the one asked for (`release=`), or the
/// latest. An unknown number is not found.
async fn release_of(
    state: &AppState,
    query: &str,
) -> AppResult<(Option<i64>, Option<Arc<Release>>)> {
    let asked = FormData::parse(query.as_bytes())
        .get("release")
        .trim()
        .to_owned();
    let asked = match asked.as_str() {
        "" => None,
        n => Some(n.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    // The latest release, known and kept: no database at all.
    if asked.is_none()
        && let Some(release) = state
            .releases
            .latest()
            .and_then(|id| state.releases.kept(id))
    {
        return Ok((None, Some(release)));
    }
    let cache = state.releases.clone();
    let release = db::run(&state.pool, move |conn| {
        let id = match asked {
            Some(id) => Some(id),
            None => cache.latest_id(conn)?,
        };
        Ok(match id {
            Some(id) => cache.get(conn, id)?,
            None => None,
        })
    })
    .await?;
    match (asked, release) {
        (Some(_), None) => Err(AppError::NotFound),
        (asked, release) => Ok((asked, release)),
    }
}

async fn public_choice(state: &AppState, query: &str) -> AppResult<Choice> {
    let mut filter = read_filter(state, query, None, Depth::Regions).await?;
    let (asked, release) = release_of(state, query).await?;
    filter.release = asked;
    let (Some(c), Some(r)) = (&filter.chosen, &release) else {
        return Ok(Choice {
            filter,
            release,
            published: None,
            trend: None,
        });
    };
    // A path's last part is the territory's code.
    let code = c.path.rsplit('/').next().unwrap_or("KG").to_owned();
    let published = r.published(c.period.from, &code).cloned();
    let trend = r.trend(dashboard::trend_years(&c.period), &code);
    Ok(Choice {
        filter,
        published,
        trend: Some(trend),
        release,
    })
}

/// A release's open data as served: its bytes, their checksum as the ETag,
/// and its own address; the bytes of a release never change.
fn release_data(id: i64, format: releases::Format, file: &releases::File) -> HttpResponse {
    let (body, sha256) = file;
    let (content_type, file) = match format {
        releases::Format::Csv => ("text/csv; charset=utf-8", "data.csv"),
        releases::Format::Json => ("application/json", "data.json"),
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::ETAG, format!("\"{sha256}\"")))
        .insert_header((
            header::CONTENT_LOCATION,
            format!("/public/releases/{id}/{file}"),
        ))
        .insert_header(("Digest", format!("sha-256={sha256}")))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(body.clone())
}

async fn latest_data(state: &AppState, format: releases::Format) -> AppResult<HttpResponse> {
    if let Some(id) = state.releases.latest()
        && let Some(file) = state.releases.kept_file(id, format)
    {
        return Ok(release_data(id, format, &file));
    }
    let cache = state.releases.clone();
    let found = db::run(&state.pool, move |conn| {
        Ok(match cache.latest_id(conn)? {
            Some(id) => cache.file(conn, id, format)?.map(|d| (id, d)),
            None => None,
        })
    })
    .await?;
    let (id, file) = found.ok_or(AppError::NotFound)?;
    Ok(release_data(id, format, &file))
}

/// The open data of the latest release as CSV: year, territory, figure,
/// kind, value. Its own address is in `Content-Location`.
pub async fn data_csv(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    latest_data(&state, releases::Format::Csv).await
}

/// The open data of the latest release as JSON: the release, how each year
/// stands, and the same rows, numbers as numbers, suppressed values as the
/// strings "<5" or "suppressed", nothing to show as null.
pub async fn data_json(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    latest_data(&state, releases::Format::Json).await
}

/// A release's open data at its stable address.
pub async fn release_data_at(
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> AppResult<HttpResponse> {
    let (id, file) = path.into_inner();
    let format = match file.as_str() {
        "data.csv" => releases::Format::Csv,
        "data.json" => releases::Format::Json,
        _ => return Err(AppError::NotFound),
    };
    let cache = state.releases.clone();
    let file = db::run(&state.pool, move |conn| Ok(cache.file(conn, id, format)?))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(release_data(id, format, &file))
}

/// A release as the list of releases shows it.
pub struct Listed {
    pub header: releases::Header,
    pub title: String,
}

#[derive(Template)]
#[template(path = "reports/public_releases.html")]
struct ReleasesPage {
    ctx: Ctx,
    releases: Vec<Listed>,
    next_before: Option<i64>,
}

const RELEASES_PER_PAGE: i64 = 50;

/// Every release, newest first, with the checksums of its open data.
pub async fn releases_list(
    ctx: Ctx,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let before = FormData::parse(req.query_string().as_bytes())
        .get("before")
        .trim()
        .parse::<i64>()
        .ok();
    let headers = db::run(&state.pool, move |conn| {
        Ok(releases::headers(conn, before, RELEASES_PER_PAGE + 1)?)
    })
    .await?;
    let (releases, next_before) = listed(&ctx, headers, RELEASES_PER_PAGE);
    render_with(
        actix_web::http::StatusCode::OK,
        &ReleasesPage {
            ctx,
            releases,
            next_before,
        },
    )
}

/// Releases with their titles, and where the next page starts.
pub fn listed(
    ctx: &Ctx,
    mut headers: Vec<releases::Header>,
    per_page: i64,
) -> (Vec<Listed>, Option<i64>) {
    let more = headers.len() as i64 > per_page;
    headers.truncate(per_page.max(0) as usize);
    let next = more.then(|| headers.last().map(|h| h.id)).flatten();
    let out = headers
        .into_iter()
        .map(|header| Listed {
            title: header.title(ctx),
            header,
        })
        .collect();
    (out, next)
}

/// One year of a release as its page shows it.
pub struct YearShown {
    pub year: i32,
    pub standing: String,
    pub made_here: bool,
    pub made_in: i64,
    pub as_of: String,
}

/// One change as the release page shows it.
pub struct ChangeShown {
    pub year: i32,
    pub territory: String,
    pub figure: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "reports/public_release.html")]
struct ReleasePage {
    ctx: Ctx,
    title: String,
    release: releases::Header,
    years: Vec<YearShown>,
    /// Against the release before it; `None` for the first release.
    changes: Option<Vec<ChangeShown>>,
    previous: Option<i64>,
}

/// A release: what it is, how each year stands, what it changed against
/// the release before it, and its open data with checksums.
pub async fn release_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let cache = state.releases.clone();
    let (release, previous, names) = db::run(&state.pool, move |conn| {
        let Some(release) = cache.get(conn, id)? else {
            return Err(AppError::NotFound);
        };
        let previous = match releases::headers(conn, Some(id), 1)?.first() {
            Some(h) => cache.get(conn, h.id)?,
            None => None,
        };
        let mut names = HashMap::new();
        for p in std::iter::once(super::publication::place(conn, "KG")?)
            .flatten()
            .chain(super::publication::below(conn, "KG")?)
        {
            names.insert(p.code.clone(), p.names());
        }
        Ok((release, previous, names))
    })
    .await?;
    let name_of = |code: &str| {
        names
            .get(code)
            .map(|n| n.get(&ctx.lang).to_owned())
            .unwrap_or_else(|| code.to_owned())
    };
    let years = release
        .contents
        .years
        .iter()
        .rev()
        .map(|y| YearShown {
            year: y.year,
            standing: match y.standing {
                releases::Standing::Provisional => ctx.t("release-standing-provisional"),
                releases::Standing::Final { revision: 1 } => ctx.t("release-standing-final"),
                releases::Standing::Final { revision } => format!(
                    "{} · {}",
                    ctx.t("release-standing-final"),
                    ctx.t1("release-revision", "revision", revision.to_string())
                ),
            },
            made_here: y.made_in == release.header.id,
            made_in: y.made_in,
            as_of: ctx.date(&y.as_of),
        })
        .collect();
    let threshold = i64::from(release.header.threshold);
    let changes = previous.as_ref().map(|p| {
        releases::changes(p, &release)
            .into_iter()
            .map(|c| ChangeShown {
                year: c.year,
                territory: name_of(&c.code),
                figure: label_of(&ctx, c.figure),
                before: super::handlers::show(&ctx, c.before.as_ref(), threshold),
                after: super::handlers::show(&ctx, Some(&c.after), threshold),
            })
            .collect()
    });
    render_with(
        actix_web::http::StatusCode::OK,
        &ReleasePage {
            title: release.header.title(&ctx),
            release: release.header.clone(),
            years,
            changes,
            previous: previous.map(|p| p.header.id),
            ctx,
        },
    )
}

/// One figure as the schema page documents it.
pub struct Documented {
    pub name: String,
    pub kind: &'static str,
    pub label: String,
    /// Which day of which event the figure is counted by.
    pub dated: String,
    /// Which records and dates the figure counts, where the label alone
    /// does not say it.
    pub about: Option<String>,
}

/// The figures whose dates need saying: staff figures come from staff
/// history (DESIGN §4, "Dates").
fn about_of(name: Name) -> Option<&'static str> {
    match name {
        Name::LaborInspectors => Some("schema-about-labor-inspectors"),
        Name::LaborInspectorsOnLastDay => Some("schema-about-labor-inspectors-on-last-day"),
        Name::InspectorsTrainedForcedChildLabor => Some("schema-about-trained"),
        Name::ProsecutorStaff => Some("schema-about-prosecutor-staff"),
        _ => None,
    }
}

/// The message saying which day a published figure is counted by (DESIGN
/// §4 "Dates"): the day its event happened, never the day it was typed in.
/// Every figure is named here: a new one does not compile until it says
/// what dates it.
pub fn dated_by(name: Name) -> &'static str {
    use Name::*;
    match name {
        InspectionsPlanned => "schema-date-planned",
        InspectorsTrainedForcedChildLabor => "schema-date-training",
        ViolationsPenalised | PenaltiesImposed | PenaltiesImposedKgs => "schema-date-decided",
        PenaltiesCollected => "schema-date-paid-in-full",
        PenaltiesCollectedKgs => "schema-date-paid",
        SchoolFeeComplaints => "schema-date-charged",
        Investigations => "schema-date-investigation-opened",
        ProsecutionsInitiated => "schema-date-in-court",
        Convictions | Acquittals | Dismissed | PrisonSentences | FinesImposedKgs => {
            "schema-date-verdict"
        }
        ProsecutorStaff => "schema-date-staff-year",
        LaborInspectors | LaborInspectorsOnLastDay => "schema-date-posts",
        Inspections
        | InspectionsAtWorksite
        | InspectionsDeskReview
        | InspectionsRoutine
        | InspectionsUnannounced
        | InspectionsComplaintDriven
        | InspectionsFindingChildLabor
        | InspectionsReferredToLawEnforcement
        | ChildLaborViolations => "schema-date-visit",
        ChildrenReferredToLawEnforcement => "schema-date-le-referral",
        ChildrenReferralsOverdue => "schema-date-today",
        ChildrenReceivedService
        | ShareReceivedServicePercent
        | MedianDaysToFirstService
        | ChildrenStreetWithEducationService
        | ChildrenStreetWithMedicalService
        | ChildrenStreetWithSocialService => "schema-date-identified-served",
        ChildrenAssisted
        | ChildrenAssistedForm(_)
        | ChildrenAssistedFormService(..)
        | ChildrenAssistedService(_) => "schema-date-service-started",
        ChildrenFollowedUp
        | ChildrenFollowedUpSchooling(_)
        | ChildrenOutcome(_)
        | ChildrenOutcomeSchooling(..)
        | ShareWithdrawnPercent => "schema-date-follow-up",
        ChildrenReferredToSocialServices
        | ChildrenCsecIdentified
        | ChildrenCsecRecordedAsVictims
        | ChildrenStreetIdentified
        | ChildrenIdentified
        | ChildrenIdentifiedForm(_)
        | ChildrenIdentifiedSector(_)
        | ChildrenIdentifiedSex(_)
        | ChildrenIdentifiedAge(_) => "schema-date-identified",
    }
}

#[derive(Template)]
#[template(path = "reports/schema.html")]
struct SchemaPage {
    ctx: Ctx,
    /// (column, meaning), in the order of the files.
    columns: Vec<(&'static str, String)>,
    /// (kind, meaning).
    kinds: Vec<(&'static str, String)>,
    figures: Vec<Documented>,
}

/// The label of a figure: the report's own row label where there is one,
/// else the label of what it counts and the parts it is broken down by
/// ("Children identified · Girl").
pub(crate) fn label_of(ctx: &Ctx, name: Name) -> String {
    use Name::*;
    for rows in [LABOR_ROWS, CRIMINAL_ROWS, GROUP_ROWS, MONITORING_ROWS] {
        if let Some((label, names)) = rows.iter().find(|(_, names)| names.contains(&name)) {
            let label = ctx.t(label);
            return if names.len() > 1 && names[1] == name {
                format!("{label} ({})", ctx.t("report-in-kgs"))
            } else {
                label
            };
        }
    }
    let school = |s: Schooling| match s {
        Schooling::AtSchool => ctx.t("report-at-school"),
        Schooling::OutOfSchool => ctx.t("report-out-of-school"),
    };
    let outcome = |o: Outcome| match o {
        Outcome::StillWorking => ctx.t("report-follow-up-corner"),
        Outcome::Withdrawn => ctx.t("report-withdrawn"),
    };
    let parts: Vec<String> = match name {
        ChildrenIdentifiedForm(f) => vec![ctx.t("report-identified"), ctx.t(f.message_key())],
        ChildrenIdentifiedSector(s) => vec![ctx.t("report-identified"), ctx.t(s.message_key())],
        ChildrenIdentifiedSex(s) => vec![ctx.t("report-identified"), ctx.t(s.message_key())],
        ChildrenIdentifiedAge(b) => vec![ctx.t("report-identified"), ctx.t(b.message_key())],
        ChildrenFollowedUpSchooling(s) => vec![ctx.t("report-followed-up"), school(s)],
        ChildrenOutcome(o) => vec![ctx.t("report-followed-up"), outcome(o)],
        ChildrenOutcomeSchooling(o, s) => {
            vec![ctx.t("report-followed-up"), outcome(o), school(s)]
        }
        ChildrenAssisted => vec![ctx.t("report-assisted")],
        ChildrenAssistedForm(f) => vec![ctx.t("report-assisted"), ctx.t(f.message_key())],
        ChildrenAssistedService(s) => vec![ctx.t("report-assisted"), ctx.t(s.message_key())],
        ChildrenAssistedFormService(f, s) => vec![
            ctx.t("report-assisted"),
            ctx.t(f.message_key()),
            ctx.t(s.message_key()),
        ],
        other => vec![other.to_string()],
    };
    parts.join(" · ")
}

/// The schema of the open data: each column, and each figure with its kind.
pub async fn schema(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let empty = figures::Report {
        labor: Default::default(),
        criminal: Default::default(),
        assisted: Default::default(),
        groups: Default::default(),
        monitoring: Default::default(),
        identified: Default::default(),
    };
    let threshold = state.config.suppression_threshold;
    let figures = figures::publish_with(&empty, threshold, &|_| false)
        .figures()
        .iter()
        .map(|(name, value)| Documented {
            label: label_of(&ctx, *name),
            dated: ctx.t(dated_by(*name)),
            about: about_of(*name).map(|key| ctx.t(key)),
            name: name.to_string(),
            kind: value.kind().as_str(),
        })
        .collect();
    let t = threshold.to_string();
    let columns = vec![
        ("year", ctx.t("schema-col-year")),
        ("territory", ctx.t("schema-col-territory")),
        ("figure", ctx.t("schema-col-figure")),
        ("kind", ctx.t("schema-col-kind")),
        ("value", ctx.t1("schema-col-value", "threshold", &t)),
    ];
    use figures::Kind;
    let kinds = vec![
        (Kind::Actions.as_str(), ctx.t("schema-kind-actions")),
        (
            Kind::Persons.as_str(),
            ctx.t1("schema-kind-persons", "threshold", &t),
        ),
        (Kind::Money.as_str(), ctx.t("schema-kind-money")),
        (Kind::Derived.as_str(), ctx.t("schema-kind-derived")),
        (Kind::Recorded.as_str(), ctx.t("schema-kind-recorded")),
    ];
    render_with(
        actix_web::http::StatusCode::OK,
        &SchemaPage {
            ctx,
            columns,
            kinds,
            figures,
        },
    )
}
