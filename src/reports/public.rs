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
use chrono::{DateTime, Utc};

use super::dashboard::{self, Trends};
use super::figures::{self, Published, Value};
use super::filter::{self, Depth, Filter};
use super::handlers::{
    CRIMINAL_ROWS, GROUP_ROWS, LABOR_ROWS, MONITORING_ROWS, Rows, assistance_table, public_bundle,
    read_filter, show_row,
};
use super::recommendations::{self, Item, Progress};
use super::view::TableView;
use crate::db;
use crate::web::AppState;
use crate::web::context::{Ctx, render_with};
use crate::web::error::{AppError, AppResult};

/// A page or download as made: its body and type.
#[derive(Clone)]
pub struct Cached {
    pub body: actix_web::web::Bytes,
    pub content_type: &'static str,
}

/// Compute and serve. Downloads are the same for everyone and say so to
/// caches on the way.
async fn cached<F, Fut>(ctx: Option<&Ctx>, compute: F) -> AppResult<HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = AppResult<Computed>>,
{
    let (status, value) = compute().await?;
    let mut response = HttpResponse::build(status);
    response.content_type(value.content_type);
    if ctx.is_none() {
        response.insert_header((header::CACHE_CONTROL, "public, max-age=300"));
    }
    Ok(response.body(value.body))
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
    cards: Vec<(&'static str, &'static str)>,
    sections: Vec<(&'static str, &'static str, Rows)>,
    assistance: Option<TableView>,
    trends: Option<Trends>,
}

impl PublicPage {
    fn card(&self, name: &str) -> String {
        self.row(&[name])
    }

    fn row(&self, names: &[&str]) -> String {
        match &self.published {
            Some(p) => show_row(&self.ctx, p, names, self.threshold),
            None => String::new(),
        }
    }
}

const CARDS: [(&str, &str); 8] = [
    ("report-identified", "children_identified"),
    ("report-assisted", "children_assisted"),
    ("report-inspections", "inspections"),
    ("report-violations", "child_labor_violations"),
    ("report-collected-kgs", "penalties_collected_kgs"),
    ("report-investigations", "investigations"),
    ("report-prosecutions", "prosecutions_initiated"),
    ("report-convictions", "convictions"),
];

/// The public figures for a year and a region.
pub async fn index(
    ctx: Ctx,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let threshold = state.config.suppression_threshold;
    let render_ctx = ctx.clone();
    let state_ref = &state;
    let query = req.query_string().to_owned();
    cached(Some(&ctx), || async move {
        let ctx = render_ctx;
        let Choice {
            filter,
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
        let status = if published.is_some() {
            actix_web::http::StatusCode::OK
        } else {
            actix_web::http::StatusCode::BAD_REQUEST
        };
        html(
            &PublicPage {
                ctx,
                filter,
                years: filter::years(),
                threshold,
                cards: super::handlers::cards_of(&CARDS, published.as_ref()),
                published,
                sections: super::handlers::sections(full),
                assistance,
                trends,
            },
            status,
        )
    })
    .await
}

#[derive(Template)]
#[template(path = "reports/public_recommendations.html")]
struct PublicRecommendations {
    ctx: Ctx,
    filter: Filter,
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
    cached(Some(&ctx), || async move {
        let ctx = render_ctx;
        let Choice {
            filter, published, ..
        } = public_choice(state_ref, &query).await?;
        let statuses =
            db::run(&state_ref.pool, |conn| Ok(recommendations::statuses(conn)?)).await?;
        let (status, items) = match &published {
            Some(p) => (
                actix_web::http::StatusCode::OK,
                recommendations::items(&ctx, statuses, p, threshold),
            ),
            None => (actix_web::http::StatusCode::BAD_REQUEST, Vec::new()),
        };
        html(
            &PublicRecommendations {
                ctx,
                filter,
                years: filter::years(),
                items,
                threshold,
            },
            status,
        )
    })
    .await
}

/// One row of the open data.
#[derive(serde::Serialize)]
struct DataRow<'a> {
    year: i32,
    territory: &'a str,
    figure: &'a str,
    kind: &'static str,
    value: serde_json::Value,
}

/// The public choice of year and region, its figures, its trend and when
/// they were counted, all from the one public publication.
struct Choice {
    filter: Filter,
    published: Option<Published>,
    trend: Option<Vec<(i32, Published)>>,
}

async fn public_choice(state: &AppState, query: &str) -> AppResult<Choice> {
    let filter = read_filter(state, query, None, Depth::Regions).await?;
    let Some(c) = &filter.chosen else {
        return Ok(Choice {
            filter,
            published: None,
            trend: None,
        });
    };
    let bundle = &public_bundle(state).await?;
    // A path's last part is the territory's code.
    let code = c.path.rsplit('/').next().unwrap_or("KG").to_owned();
    let published = bundle.published(&c.period, &code);
    let trend = dashboard::trend_of(bundle, dashboard::trend_years(&c.period), &code);
    Ok(Choice {
        filter,
        published,
        trend: Some(trend),
    })
}

/// Every published figure of the public publication: (year, territory code,
/// figures), the country first, then the regions, year by year; and when
/// they were counted.
async fn open_data(state: &AppState) -> AppResult<(Vec<(i32, String, Published)>, DateTime<Utc>)> {
    let read_at = Utc::now();
    let bundle = public_bundle(state).await?;
    let mut rows = Vec::new();
    for period in super::protection::periods() {
        for code in std::iter::once(&bundle.place)
            .chain(&bundle.below)
            .map(|p| &p.code)
        {
            if let Some(p) = bundle.published(&period, code) {
                rows.push((period.from, code.clone(), p));
            }
        }
    }
    Ok((rows, read_at))
}

/// The open data as CSV: year, territory, figure, kind, value.
pub async fn data_csv(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let threshold = state.config.suppression_threshold;
    let state_ref = &state;
    cached(None, || async move {
        let (data, _) = open_data(state_ref).await?;
        let mut body = String::from("year,territory,figure,kind,value\n");
        for (year, territory, published) in &data {
            for (name, value) in &published.figures {
                body.push_str(&format!(
                    "{year},{},{},{},{}\n",
                    super::handlers::cell(territory),
                    super::handlers::cell(name),
                    value.kind().as_str(),
                    super::handlers::cell(&value.text(threshold))
                ));
            }
        }
        Ok((
            actix_web::http::StatusCode::OK,
            Cached {
                body: body.into(),
                content_type: "text/csv; charset=utf-8",
            },
        ))
    })
    .await
}

/// The open data as JSON: the same rows, numbers as numbers, suppressed
/// values as the strings "<5" or "suppressed", nothing to show as null.
pub async fn data_json(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let threshold = state.config.suppression_threshold;
    let state_ref = &state;
    cached(None, || async move {
        let (data, as_of) = open_data(state_ref).await?;
        let mut rows = Vec::new();
        for (year, territory, published) in &data {
            for (name, value) in &published.figures {
                let json = match (value, value.number()) {
                    // Whole numbers as integers, amounts and shares as decimals.
                    (Value::Count(n) | Value::Recorded(Some(n)), _) => serde_json::Value::from(*n),
                    (Value::Persons(super::suppress::Shown::Value(n)), _) => {
                        serde_json::Value::from(*n)
                    }
                    (_, Some(n)) => n
                        .to_string()
                        .parse::<f64>()
                        .map(serde_json::Value::from)
                        .unwrap_or(serde_json::Value::Null),
                    (Value::Persons(_), None) => serde_json::Value::String(value.text(threshold)),
                    _ => serde_json::Value::Null,
                };
                rows.push(DataRow {
                    year: *year,
                    territory,
                    figure: name,
                    kind: value.kind().as_str(),
                    value: json,
                });
            }
        }
        let body = serde_json::to_vec(&serde_json::json!({
            "schema": "/public/schema",
            "as_of": as_of.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "suppression_threshold": threshold,
            "rows": rows,
        }))
        .map_err(AppError::internal)?;
        Ok((
            actix_web::http::StatusCode::OK,
            Cached {
                body: body.into(),
                content_type: "application/json",
            },
        ))
    })
    .await
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
fn about_of(name: &str) -> Option<&'static str> {
    match name {
        "labor_inspectors" => Some("schema-about-labor-inspectors"),
        "labor_inspectors_on_last_day" => Some("schema-about-labor-inspectors-on-last-day"),
        "inspectors_trained_forced_child_labor" => Some("schema-about-trained"),
        "prosecutor_staff" => Some("schema-about-prosecutor-staff"),
        _ => None,
    }
}

/// The message saying which day a published figure is counted by (DESIGN
/// §4 "Dates"): the day its event happened, never the day it was typed in.
pub fn dated_by(name: &str) -> &'static str {
    match name {
        "inspections_planned" => "schema-date-planned",
        "inspectors_trained_forced_child_labor" => "schema-date-training",
        "violations_penalised" | "penalties_imposed" | "penalties_imposed_kgs" => {
            "schema-date-decided"
        }
        "penalties_collected" => "schema-date-paid-in-full",
        "penalties_collected_kgs" => "schema-date-paid",
        "school_fee_complaints" => "schema-date-charged",
        "investigations" => "schema-date-investigation-opened",
        "prosecutions_initiated" => "schema-date-in-court",
        "convictions" | "acquittals" | "dismissed" | "prison_sentences" | "fines_imposed_kgs" => {
            "schema-date-verdict"
        }
        "prosecutor_staff" => "schema-date-staff-year",
        "children_referred_to_law_enforcement" => "schema-date-le-referral",
        "children_referred_to_social_services" => "schema-date-identified",
        "children_referrals_overdue" => "schema-date-today",
        "children_received_service"
        | "share_received_service_percent"
        | "median_days_to_first_service" => "schema-date-identified-served",
        n if n.starts_with("labor_inspectors") || n.starts_with("workers_per_inspector") => {
            "schema-date-posts"
        }
        n if n.starts_with("inspections") || n == "child_labor_violations" => "schema-date-visit",
        n if n.starts_with("children_street_with") => "schema-date-identified-served",
        n if n.starts_with("children_assisted") => "schema-date-service-started",
        n if n.starts_with("children_followed_up")
            || n.starts_with("children_still_working")
            || n.starts_with("children_withdrawn")
            || n == "share_withdrawn_percent" =>
        {
            "schema-date-follow-up"
        }
        _ => "schema-date-identified",
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

/// Children identified, broken down: "Children identified · Girl".
fn identified_label(ctx: &Ctx, name: &str) -> Option<String> {
    use crate::cases::model::{ExploitationForm, Sector};
    use crate::children::model::Sex;
    let rest = name.strip_prefix("children_identified_")?;
    let part = if let Some(band) = rest.strip_prefix("age_") {
        super::indicators::AGE_BANDS
            .contains(&band)
            .then(|| ctx.t(format!("report-age-{}", band.replace('_', "-"))))
    } else if let Some(sector) = rest.strip_prefix("sector_") {
        Sector::parse(sector).map(|s| ctx.t(s.message_key()))
    } else {
        ExploitationForm::parse(rest)
            .map(|f| ctx.t(f.message_key()))
            .or_else(|| Sex::parse(rest).map(|s| ctx.t(s.message_key())))
    }?;
    Some(format!("{} · {part}", ctx.t("report-identified")))
}

/// The latest follow-up's results: "Children with a follow-up visit · Still
/// working · Attending school".
fn follow_up_label(ctx: &Ctx, name: &str) -> Option<String> {
    let school = |s: &str| match s {
        "at_school" => Some(ctx.t("report-at-school")),
        "out_of_school" => Some(ctx.t("report-out-of-school")),
        _ => None,
    };
    let (work, rest) = if let Some(r) = name.strip_prefix("children_still_working") {
        (Some(ctx.t("report-follow-up-corner")), r)
    } else if let Some(r) = name.strip_prefix("children_withdrawn") {
        (Some(ctx.t("report-withdrawn")), r)
    } else if let Some(r) = name.strip_prefix("children_followed_up") {
        (None, r)
    } else {
        return None;
    };
    let mut parts = vec![ctx.t("report-followed-up")];
    parts.extend(work);
    match rest {
        "" => {}
        r => parts.push(school(r.strip_prefix('_')?)?),
    }
    Some(parts.join(" · "))
}

/// The label of a figure: the report's own row label where there is one.
fn label_of(ctx: &Ctx, name: &str) -> String {
    use crate::cases::model::ExploitationForm;
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
    if let Some(label) = identified_label(ctx, name).or_else(|| follow_up_label(ctx, name)) {
        return label;
    }
    if name == "children_assisted" {
        return ctx.t("report-assisted");
    }
    let services = super::indicators::assistance_services();
    if let Some(s) = name
        .strip_prefix("children_assisted_service_")
        .and_then(|rest| services.iter().find(|s| s.as_str() == rest))
    {
        return format!("{} · {}", ctx.t("report-assisted"), ctx.t(s.message_key()));
    }
    if let Some(rest) = name.strip_prefix("children_assisted_") {
        for form in ExploitationForm::ALL {
            if rest == form.as_str() {
                return format!(
                    "{} · {}",
                    ctx.t("report-assisted"),
                    ctx.t(form.message_key())
                );
            }
            if let Some(service) = rest
                .strip_prefix(form.as_str())
                .and_then(|r| r.strip_prefix('_'))
                .and_then(|r| services.iter().find(|s| s.as_str() == r))
            {
                return format!(
                    "{} · {} · {}",
                    ctx.t("report-assisted"),
                    ctx.t(form.message_key()),
                    ctx.t(service.message_key())
                );
            }
        }
    }
    name.to_owned()
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
        .figures
        .iter()
        .map(|(name, value)| Documented {
            label: label_of(&ctx, name),
            dated: ctx.t(dated_by(name)),
            about: about_of(name).map(|key| ctx.t(key)),
            name: name.clone(),
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
