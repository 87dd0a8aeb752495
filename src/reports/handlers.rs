//! The annual enforcement report for staff (officials, admins, heads of units
//! and offices): page, CSV and XLSX, for a year and a territory within the
//! reader's own.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel::RunQueryDsl;

use std::sync::Arc;

use super::figures::{IloRatio, Published, Value};
use super::filter::{self, Depth, Filter};
use super::indicators::Period;
use super::indicators::assistance_services;
use super::name::{Name, Outcome};
use super::protection::{self, Protected};
use super::publication::{self, Bundle};
use super::view::{self, TableView};
use crate::audit::Who;
use crate::cases::model::ExploitationForm;
use crate::db;
use crate::policy::{self, Permission};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, TIME_ZONE, render_with};
use crate::web::error::{AppError, AppResult};
use crate::web::money;

/// The report's rows: a label and the figures shown on that row.
pub type Rows = &'static [(&'static str, &'static [Name])];

pub const LABOR_ROWS: Rows = &[
    ("report-inspectors", &[Name::LaborInspectors]),
    (
        "report-inspectors-on-last-day",
        &[Name::LaborInspectorsOnLastDay],
    ),
    ("report-trained", &[Name::InspectorsTrainedForcedChildLabor]),
    ("report-inspections", &[Name::Inspections]),
    ("report-at-worksite", &[Name::InspectionsAtWorksite]),
    ("report-desk-reviews", &[Name::InspectionsDeskReview]),
    ("report-routine", &[Name::InspectionsRoutine]),
    ("report-unannounced", &[Name::InspectionsUnannounced]),
    (
        "report-complaint-driven",
        &[Name::InspectionsComplaintDriven],
    ),
    ("report-planned", &[Name::InspectionsPlanned]),
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
    (
        "report-referred",
        &[Name::InspectionsReferredToLawEnforcement],
    ),
    ("report-complaints", &[Name::SchoolFeeComplaints]),
];

pub const CRIMINAL_ROWS: Rows = &[
    ("report-investigations", &[Name::Investigations]),
    ("report-prosecutions", &[Name::ProsecutionsInitiated]),
    ("report-convictions", &[Name::Convictions]),
    ("report-acquittals", &[Name::Acquittals]),
    ("report-dismissed", &[Name::Dismissed]),
    ("report-prison-sentences", &[Name::PrisonSentences]),
    ("report-fines", &[Name::FinesImposedKgs]),
    (
        "report-children-to-law-enforcement",
        &[Name::ChildrenReferredToLawEnforcement],
    ),
    (
        "report-children-to-social-services",
        &[Name::ChildrenReferredToSocialServices],
    ),
    ("report-prosecutor-staff", &[Name::ProsecutorStaff]),
];

pub const GROUP_ROWS: Rows = &[
    ("report-csec-identified", &[Name::ChildrenCsecIdentified]),
    (
        "report-csec-victims",
        &[Name::ChildrenCsecRecordedAsVictims],
    ),
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
];

pub const MONITORING_ROWS: Rows = &[
    ("report-identified", &[Name::ChildrenIdentified]),
    ("report-received-service", &[Name::ChildrenReceivedService]),
    (
        "report-share-received-service",
        &[Name::ShareReceivedServicePercent],
    ),
    ("report-median-days", &[Name::MedianDaysToFirstService]),
    ("report-followed-up", &[Name::ChildrenFollowedUp]),
    (
        "report-withdrawn",
        &[Name::ChildrenOutcome(Outcome::Withdrawn)],
    ),
    ("report-share-withdrawn", &[Name::ShareWithdrawnPercent]),
    (
        "report-overdue-referrals",
        &[Name::ChildrenReferralsOverdue],
    ),
];

/// What a page below the country shows of children (its headline figures).
pub const REGION_CHILDREN_ROWS: Rows = &[
    ("report-identified", &[Name::ChildrenIdentified]),
    ("report-assisted", &[Name::ChildrenAssisted]),
];

/// Children assisted by form, below the country.
pub const REGION_ASSISTED_ROWS: Rows = &[
    (
        "exploitation-form-hazardous-work",
        &[Name::ChildrenAssistedForm(ExploitationForm::HazardousWork)],
    ),
    (
        "exploitation-form-forced-labor",
        &[Name::ChildrenAssistedForm(ExploitationForm::ForcedLabor)],
    ),
    (
        "exploitation-form-trafficking",
        &[Name::ChildrenAssistedForm(ExploitationForm::Trafficking)],
    ),
    (
        "exploitation-form-commercial-sexual-exploitation",
        &[Name::ChildrenAssistedForm(
            ExploitationForm::CommercialSexualExploitation,
        )],
    ),
    (
        "exploitation-form-illicit-activities",
        &[Name::ChildrenAssistedForm(
            ExploitationForm::IllicitActivities,
        )],
    ),
    (
        "exploitation-form-forced-begging",
        &[Name::ChildrenAssistedForm(ExploitationForm::ForcedBegging)],
    ),
];

/// The sections of a report: every table for the country; below it, the
/// state's actions and the headline counts of children, which are all the
/// one protection publishes there (`protection`).
pub fn sections(full: bool) -> Vec<(&'static str, &'static str, Rows)> {
    if full {
        vec![
            ("labor", "report-labor-title", LABOR_ROWS),
            ("criminal", "report-criminal-title", CRIMINAL_ROWS),
            ("groups", "report-groups-title", GROUP_ROWS),
            ("monitoring", "report-monitoring-title", MONITORING_ROWS),
        ]
    } else {
        vec![
            ("labor", "report-labor-title", LABOR_ROWS),
            ("criminal", "report-criminal-title", CRIMINAL_ROWS),
            ("children", "report-children", REGION_CHILDREN_ROWS),
            (
                "assisted-by-form",
                "report-assisted-by-form-title",
                REGION_ASSISTED_ROWS,
            ),
        ]
    }
}

/// The figure cards a page shows: those its territory publishes (below the
/// country, the shares and medians of the monitoring are not).
pub fn cards_of(
    cards: &[(&'static str, Name)],
    published: Option<&Published>,
) -> Vec<(&'static str, Name)> {
    cards
        .iter()
        .filter(|(_, name)| published.is_none_or(|p| p.get(*name).is_some()))
        .copied()
        .collect()
}

/// A figure in the reader's language.
pub fn show(ctx: &Ctx, value: Option<&Value>, threshold: i64) -> String {
    match value {
        None => String::new(),
        Some(Value::Count(n)) => money::whole(*n, ctx.lang),
        Some(Value::Som(amount)) => money::format(amount, ctx.lang),
        Some(Value::Persons(s)) => view::shown(ctx, *s, threshold),
        Some(Value::Derived(Some(d))) => money::decimal(d, ctx.lang),
        Some(Value::Derived(None)) => ctx.t("report-not-shown"),
        Some(Value::Recorded(Some(n))) => n.to_string(),
        Some(Value::Recorded(None)) => ctx.t("value-none"),
    }
}

/// A page that shows published figures by name: its template writes a row
/// (`row(names)`) or a card (`card(name)`) and the page says where its
/// figures come from.
pub trait ShowsFigures {
    fn figures(&self) -> (&Ctx, Option<&Published>, i64);

    /// The figures of a row in the reader's language; empty without any.
    fn row(&self, names: &[Name]) -> String {
        match self.figures() {
            (ctx, Some(p), threshold) => show_row(ctx, p, names, threshold),
            _ => String::new(),
        }
    }

    fn card(&self, name: &Name) -> String {
        self.row(&[*name])
    }
}

/// The figures of a row joined ("3 · KGS 1,000.00").
pub fn show_row(ctx: &Ctx, published: &Published, names: &[Name], threshold: i64) -> String {
    names
        .iter()
        .map(|n| show(ctx, published.get(*n), threshold))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The assistance table: forms of exploitation × services.
pub fn assistance_table(ctx: &Ctx, published: &Published, threshold: i64) -> TableView {
    use crate::cases::model::ExploitationForm;
    TableView::cross(
        ctx,
        "assistance",
        &ctx.t("report-assistance-title"),
        view::labels(ctx, ExploitationForm::ALL, |f| f.message_key()),
        view::labels(ctx, &assistance_services(), |s| s.message_key()),
        &published.assisted,
        threshold,
    )
}

/// The territory the reader may see reports of (None: the whole country).
pub fn reader_scope(actor: &crate::policy::Actor) -> Option<String> {
    match actor.role {
        crate::policy::Role::Admin => None,
        _ => actor.territory_path.clone(),
    }
}

pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&TIME_ZONE).date_naive()
}

/// Read the filter of a report page.
pub async fn read_filter(
    state: &AppState,
    query: &str,
    scope: Option<String>,
    depth: Depth,
) -> AppResult<Filter> {
    let query = query.to_owned();
    db::run(&state.pool, move |conn| {
        Ok(filter::read(conn, &query, scope.as_deref(), depth)?)
    })
    .await
}

/// Read what a page shows in one snapshot of the report tables: the one
/// protection of the whole country (made again only when a count of persons
/// changed, `protection::Protector`) and the page's own reports, so the
/// decisions and the figures they are applied to agree even while records
/// change. Every figure includes every write acknowledged before the
/// request; nothing here counts the records themselves.
async fn bundle<F>(state: &AppState, make: F) -> AppResult<Bundle>
where
    F: FnOnce(&mut diesel::PgConnection, Arc<Protected>) -> AppResult<Bundle> + Send + 'static,
{
    let protector = state.protector.clone();
    let threshold = state.config.suppression_threshold;
    let timeout = state.config.report_timeout_ms;
    db::run(&state.pool, move |conn| {
        conn.build_transaction()
            .read_only()
            .repeatable_read()
            .run(|conn| {
                diesel::sql_query(format!("SET LOCAL statement_timeout = {timeout}"))
                    .execute(conn)?;
                let protected = protection::current(conn, &protector, threshold, today())?;
                make(conn, protected)
            })
    })
    .await
}

/// The staff publication about a territory and period (see `publication`).
pub async fn staff_bundle(
    state: &AppState,
    period: Period,
    path: &str,
    trend: Option<Period>,
) -> AppResult<Bundle> {
    let path = path.to_owned();
    bundle(state, move |conn, protected| {
        publication::staff(conn, protected, period, &path, trend)?.ok_or(AppError::BadRequest)
    })
    .await
}

/// The public publication (every year, the country and each region).
pub async fn public_bundle(state: &AppState) -> AppResult<Bundle> {
    bundle(state, move |conn, protected| {
        Ok(publication::public(conn, protected)?)
    })
    .await
}

/// Read the filter and, when it is valid, the published figures.
pub async fn load(
    state: &AppState,
    query: &str,
    scope: Option<String>,
) -> AppResult<(Filter, Option<Published>)> {
    let filter = read_filter(state, query, scope, Depth::All).await?;
    let Some(c) = &filter.chosen else {
        return Ok((filter, None));
    };
    let bundle = staff_bundle(state, c.period, &c.path, None).await?;
    let published = bundle.published(&c.period, &bundle.place.code);
    Ok((filter, published))
}

#[derive(Template)]
#[template(path = "reports/enforcement.html")]
struct EnforcementPage {
    ctx: Ctx,
    filter: Filter,
    years: Vec<i32>,
    published: Option<Published>,
    assistance: Option<TableView>,
    threshold: i64,
    sections: Vec<(&'static str, &'static str, Rows)>,
    /// Workers per inspector against the ILO benchmark, for the whole
    /// country only (the labour force is a national figure).
    ilo: Option<IloRatio>,
    /// A territory below the country was chosen: the page says the ratio is
    /// shown for the whole country only.
    ilo_country_only: bool,
    labour_force_source: String,
}

impl EnforcementPage {
    fn whole(&self, n: &i64) -> String {
        money::whole(*n, self.ctx.lang)
    }

    fn workers_per_inspector(&self, ilo: &IloRatio) -> String {
        match ilo.workers_per_inspector_whole() {
            Some(n) => money::whole(n, self.ctx.lang),
            None => self.ctx.t("report-ilo-no-inspectors"),
        }
    }
}

impl ShowsFigures for EnforcementPage {
    fn figures(&self) -> (&Ctx, Option<&Published>, i64) {
        (&self.ctx, self.published.as_ref(), self.threshold)
    }
}

/// The annual enforcement report for a year and territory, laid out like the
/// enforcement tables of the US DOL findings, with the assistance figures and
/// the monitoring indicators.
pub async fn enforcement(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewReports)?;
    let (filter, published) = load(&state, req.query_string(), reader_scope(&signed.actor)).await?;
    let threshold = state.config.suppression_threshold;
    let full = published.as_ref().is_none_or(|p| p.full);
    let assistance = published
        .as_ref()
        .filter(|p| p.full)
        .map(|p| assistance_table(&signed.ctx, p, threshold));
    let country = filter.chosen.as_ref().is_some_and(|c| c.path == "KG");
    let ilo = match published
        .as_ref()
        .and_then(|p| p.get(Name::LaborInspectorsOnLastDay))
    {
        Some(Value::Count(n)) if country => Some(IloRatio::of(state.config.labour_force, *n)),
        _ => None,
    };
    let ilo_country_only = published.is_some() && !country;
    let status = if filter.chosen.is_some() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    };
    render_with(
        status,
        &EnforcementPage {
            ctx: signed.ctx,
            filter,
            years: filter::years(),
            published,
            assistance,
            threshold,
            sections: sections(full),
            ilo,
            ilo_country_only,
            labour_force_source: state.config.labour_force_source.clone(),
        },
    )
}

/// Neutralise a cell a spreadsheet could read as a formula, and quote it for
/// CSV when it needs quoting.
pub fn cell(value: &str) -> String {
    let safe = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    // A bare CR ends a row in a spreadsheet as LF does: quoted too, or
    // "\r=1+1" would start a new row with a formula.
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

pub fn attachment(name: &str) -> (actix_web::http::header::HeaderName, String) {
    (
        actix_web::http::header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{name}\""),
    )
}

/// What a download holds: the year, the territory (path and name in the
/// reader's language) and the published figures.
struct Download {
    year: i32,
    path: String,
    territory: String,
    published: Published,
}

/// The figures of a download, and its audit entry (which report, format,
/// year and territory: a download leaves the system, so it is traced).
async fn downloadable(
    state: &AppState,
    signed: &Signed,
    req: &HttpRequest,
    format: &'static str,
) -> AppResult<Download> {
    policy::require(&signed.actor, Permission::ViewReports)?;
    let (filter, published) = load(state, req.query_string(), reader_scope(&signed.actor)).await?;
    let territory = filter.territory_name(&signed.ctx);
    let (year, path, published) = match (filter.chosen, published) {
        (Some(c), Some(p)) => (c.period.to, c.path, p),
        _ => return Err(AppError::BadRequest),
    };
    let who = Who::actor(&signed.actor, &signed.ctx.client_addr);
    let audited = path.clone();
    db::run(&state.pool, move |conn| {
        Ok(crate::audit::record(
            conn,
            &who,
            crate::audit::AuditAction::ReportDownloaded,
            None,
            serde_json::json!({
                "report": "enforcement",
                "format": format,
                "year": year,
                "territory": audited,
            }),
        )?)
    })
    .await?;
    Ok(Download {
        year,
        path,
        territory,
        published,
    })
}

/// The same figures as CSV: one row per figure, with its kind, and the
/// figure's label in the reader's language last (the machine columns stay
/// as the open data has them).
pub async fn enforcement_csv(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let d = downloadable(&state, &signed, &req, "csv").await?;
    let threshold = state.config.suppression_threshold;
    let mut body = String::from("year,territory,figure,kind,value,label\n");
    for (name, value) in d.published.figures() {
        body.push_str(&format!(
            "{},{},{},{},{},{}\n",
            d.year,
            cell(&d.path),
            cell(&name.to_string()),
            value.kind().as_str(),
            cell(&value.text(threshold)),
            cell(&super::public::label_of(&signed.ctx, *name))
        ));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(attachment(&format!("korgoo-enforcement-{}.csv", d.year)))
        .body(body))
}

/// A sheet's name: at most 31 characters, none of those Excel refuses.
fn sheet_name(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect()
}

/// The same figures as an Excel workbook. The first sheet is the report as
/// the page shows it, in the reader's language: each section's rows with
/// their labels, the assistance table, small and hidden counts marked as on
/// the page, and the note saying what the marks mean — a table an official
/// can forward. The second holds the machine-readable long table (year,
/// territory, figure, kind, value, label): counts and amounts as numbers
/// (amounts with two decimals), marked counts as text.
pub async fn enforcement_xlsx(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
    let d = downloadable(&state, &signed, &req, "xlsx").await?;
    let threshold = state.config.suppression_threshold;
    let ctx = &signed.ctx;
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let som = Format::new().set_num_format("#,##0.00");
    let plain = Format::new();
    let right = Format::new().set_align(rust_xlsxwriter::FormatAlign::Right);
    // A figure in a cell: a number where it is one (an amount with two
    // decimals), else `text` ("<5", "hidden" as the page or the machine
    // table writes it).
    let write_value = |sheet: &mut Worksheet, row: u32, col: u16, value: &Value, text: String| {
        match (value, value.number()) {
            (Value::Som(amount), _) => {
                sheet.write_with_format(row, col, amount.round_dp(2), &som)?;
            }
            (_, Some(n)) => {
                sheet.write_with_format(row, col, n, &plain)?;
            }
            (_, None) => {
                sheet.write_string_with_format(row, col, text, &right)?;
            }
        }
        Ok::<(), XlsxError>(())
    };
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let report = book.add_worksheet();
        report.set_name(sheet_name(&format!(
            "{} {}",
            ctx.t("report-enforcement-title"),
            d.year
        )))?;
        report.write_string_with_format(
            0,
            0,
            format!(
                "{} · {} · {}",
                ctx.t("report-enforcement-title"),
                d.territory,
                d.year
            ),
            &title,
        )?;
        let mut row = 2u32;
        for (_, section, rows) in sections(d.published.full) {
            report.write_string_with_format(row, 0, ctx.t(section), &bold)?;
            row += 1;
            for (label, names) in rows.iter() {
                report.write_string(row, 0, ctx.t(label))?;
                for (j, name) in names.iter().enumerate() {
                    if let Some(value) = d.published.get(*name) {
                        let text = show(ctx, Some(value), threshold);
                        write_value(report, row, 1 + j as u16, value, text)?;
                    }
                }
                row += 1;
            }
            row += 1;
        }
        if d.published.full {
            let table = assistance_table(ctx, &d.published, threshold);
            report.write_string_with_format(row, 0, &table.title, &bold)?;
            row += 1;
            report.write_string_with_format(row, 0, &table.corner, &bold)?;
            for (j, head) in table.heads.iter().enumerate() {
                report.write_string_with_format(row, 1 + j as u16, head, &bold)?;
            }
            row += 1;
            for r in table.rows.iter().chain(&table.total) {
                report.write_string(row, 0, &r.label)?;
                for (j, text) in r.cells.iter().enumerate() {
                    match text.parse::<i64>() {
                        Ok(n) => report.write_number(row, 1 + j as u16, n as f64)?,
                        Err(_) => {
                            report.write_string_with_format(row, 1 + j as u16, text, &right)?
                        }
                    };
                }
                row += 1;
            }
            row += 1;
        }
        report.write_string(
            row,
            0,
            ctx.t1(
                "report-suppression-note",
                "threshold",
                threshold.to_string(),
            ),
        )?;
        report.set_column_width(0, 60)?;
        report.set_column_width(1, 16)?;
        report.set_column_width(2, 16)?;

        let data = book.add_worksheet();
        data.set_name("data")?;
        for (col, head) in ["year", "territory", "figure", "kind", "value", "label"]
            .iter()
            .enumerate()
        {
            data.write_string_with_format(0, col as u16, *head, &bold)?;
        }
        for (i, (name, value)) in d.published.figures().iter().enumerate() {
            let row = i as u32 + 1;
            data.write_number(row, 0, d.year)?;
            data.write_string(row, 1, &d.path)?;
            data.write_string(row, 2, name.to_string())?;
            data.write_string(row, 3, value.kind().as_str())?;
            write_value(data, row, 4, value, value.text(threshold))?;
            data.write_string(row, 5, super::public::label_of(ctx, *name))?;
        }
        data.set_column_width(2, 52)?;
        data.set_column_width(5, 60)?;
        book.save_to_buffer()
    };
    let bytes = build().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header(attachment(&format!("korgoo-enforcement-{}.xlsx", d.year)))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::super::figures;
    use super::*;

    #[test]
    fn a_cell_is_never_a_formula() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("-5"), "'-5");
        assert_eq!(cell("KG/KG-O"), "KG/KG-O");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("\r=1+1"), "\"'\r=1+1\"");
    }

    #[test]
    fn every_row_names_published_figures() {
        let names: Vec<Name> = [LABOR_ROWS, CRIMINAL_ROWS, GROUP_ROWS, MONITORING_ROWS]
            .iter()
            .flat_map(|rows| rows.iter().flat_map(|(_, names)| names.iter().copied()))
            .collect();
        let report = figures::Report {
            labor: super::super::model::LaborEnforcement::default(),
            criminal: super::super::model::CriminalEnforcement::default(),
            assisted: Default::default(),
            groups: Default::default(),
            monitoring: Default::default(),
            identified: Default::default(),
        };
        let published = figures::publish_with(&report, 5, &|_| false);
        for name in names {
            assert!(published.get(name).is_some(), "{name} is not a figure");
        }
    }
}
