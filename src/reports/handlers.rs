use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Datelike;

use super::model::{self, CriminalEnforcement, LaborEnforcement};
use crate::admin::model::{LocationOption, location_options};
use crate::db;
use crate::policy::{self, Permission};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, TIME_ZONE, render};
use crate::web::error::{AppError, AppResult};
use crate::web::forms::FormData;
use crate::web::money;

/// Counts of persons from 1 to this minus one are shown as "<5" (DESIGN §5).
pub const SUPPRESSION_THRESHOLD: i64 = 5;

/// A count of persons as an official page or download may show it.
pub fn persons(count: i64) -> String {
    if (1..SUPPRESSION_THRESHOLD).contains(&count) {
        format!("<{SUPPRESSION_THRESHOLD}")
    } else {
        count.to_string()
    }
}

struct Chosen {
    year: i32,
    territory_id: Option<i32>,
    path: String,
}

fn this_year() -> i32 {
    chrono::Utc::now().with_timezone(&TIME_ZONE).year()
}

/// The year and territory asked for; anything else is a 400 (the page's own
/// selects only offer valid values).
async fn chosen(state: &AppState, req: &HttpRequest) -> AppResult<(Chosen, Vec<LocationOption>)> {
    let query = FormData::parse(req.query_string().as_bytes());
    let year = match query.get("year").trim() {
        "" => this_year(),
        y => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=this_year()).contains(y))
            .ok_or(AppError::BadRequest)?,
    };
    let territory_id = match query.get("territory").trim() {
        "" => None,
        t => Some(t.parse::<i32>().map_err(|_| AppError::BadRequest)?),
    };
    db::run(&state.pool, move |conn| {
        let path = match territory_id {
            None => "KG".to_owned(),
            Some(id) => {
                crate::children::model::location_path(conn, id)?.ok_or(AppError::BadRequest)?
            }
        };
        Ok((
            Chosen {
                year,
                territory_id,
                path,
            },
            location_options(conn)?,
        ))
    })
    .await
}

#[derive(Template)]
#[template(path = "reports/enforcement.html")]
struct EnforcementPage {
    ctx: Ctx,
    year: i32,
    years: Vec<i32>,
    territory_id: Option<i32>,
    places: Vec<LocationOption>,
    labor: LaborEnforcement,
    criminal: CriminalEnforcement,
    query: String,
}

impl EnforcementPage {
    fn som(&self, amount: &rust_decimal::Decimal) -> String {
        money::format(amount, self.ctx.lang)
    }

    fn persons(&self, count: &i64) -> String {
        persons(*count)
    }
}

/// The annual enforcement report for a year and territory, laid out like the
/// enforcement tables of the US DOL findings.
pub async fn enforcement(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewReports)?;
    let (chosen, places) = chosen(&state, &req).await?;
    let (year, path) = (chosen.year, chosen.path.clone());
    let (labor, criminal) = db::run(&state.pool, move |conn| {
        Ok((
            model::labor(conn, year, &path)?,
            model::criminal(conn, year, &path)?,
        ))
    })
    .await?;
    render(&EnforcementPage {
        ctx: signed.ctx,
        year,
        years: (2020..=this_year()).rev().collect(),
        territory_id: chosen.territory_id,
        places,
        labor,
        criminal,
        query: req.query_string().to_owned(),
    })
}

/// Neutralise a cell a spreadsheet could read as a formula.
fn cell(value: &str) -> String {
    let safe = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if safe.contains([',', '"', '\n']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

/// One figure of the report, as a download writes it.
enum Figure {
    Count(i64),
    Som(rust_decimal::Decimal),
    /// A count of persons: suppressed from 1 to the threshold.
    Persons(i64),
    /// A figure that may not have been recorded.
    Recorded(Option<i64>),
}

impl Figure {
    fn text(&self) -> String {
        match self {
            Figure::Count(n) => n.to_string(),
            Figure::Som(amount) => amount.round_dp(2).to_string(),
            Figure::Persons(n) => persons(*n),
            Figure::Recorded(n) => n.map(|n| n.to_string()).unwrap_or_default(),
        }
    }
}

/// The figures of both tables, named as the downloads name them: counts of
/// children carry the `children_` prefix.
fn figures(l: &LaborEnforcement, c: &CriminalEnforcement) -> Vec<(&'static str, Figure)> {
    use Figure::*;
    vec![
        ("labor_inspectors", Count(l.inspectors)),
        (
            "inspectors_trained_forced_child_labor",
            Count(l.trained_forced_labor),
        ),
        ("inspections", Count(l.inspections)),
        ("inspections_at_worksite", Count(l.at_worksite)),
        ("inspections_desk_review", Count(l.desk_reviews)),
        ("inspections_routine", Count(l.routine)),
        ("inspections_unannounced", Count(l.unannounced)),
        ("inspections_complaint_driven", Count(l.complaint_driven)),
        (
            "inspections_finding_child_labor",
            Count(l.found_child_labor),
        ),
        ("child_labor_violations", Count(l.violations)),
        ("penalties_imposed", Count(l.penalties_imposed)),
        ("penalties_imposed_kgs", Som(l.imposed_som)),
        ("penalties_collected", Count(l.penalties_collected)),
        ("penalties_collected_kgs", Som(l.collected_som)),
        ("inspections_referred_to_law_enforcement", Count(l.referred)),
        ("school_fee_complaints", Count(l.complaints)),
        ("investigations", Count(c.investigations)),
        ("prosecutions_initiated", Count(c.prosecutions)),
        ("convictions", Count(c.convictions)),
        ("acquittals", Count(c.acquittals)),
        ("dismissed", Count(c.dismissed)),
        ("prison_sentences", Count(c.prison_sentences)),
        ("fines_imposed_kgs", Som(c.fines_som)),
        (
            "children_referred_to_law_enforcement",
            Persons(c.referred_by_social_services),
        ),
        (
            "children_referred_to_social_services",
            Persons(c.referred_to_social_services),
        ),
        ("prosecutor_staff", Recorded(c.prosecutor_staff)),
    ]
}

async fn report_figures(
    state: &AppState,
    req: &HttpRequest,
) -> AppResult<(Chosen, Vec<(&'static str, Figure)>)> {
    let (chosen, _) = chosen(state, req).await?;
    let (year, path) = (chosen.year, chosen.path.clone());
    let (l, c) = db::run(&state.pool, move |conn| {
        Ok((
            model::labor(conn, year, &path)?,
            model::criminal(conn, year, &path)?,
        ))
    })
    .await?;
    Ok((chosen, figures(&l, &c)))
}

fn attachment(name: &str) -> (actix_web::http::header::HeaderName, String) {
    (
        actix_web::http::header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{name}\""),
    )
}

/// The same figures as CSV: one row per figure.
pub async fn enforcement_csv(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewReports)?;
    let (chosen, figures) = report_figures(&state, &req).await?;
    let mut body = String::from("year,territory,figure,value\n");
    for (name, figure) in figures {
        body.push_str(&format!(
            "{},{},{},{}\n",
            chosen.year,
            cell(&chosen.path),
            cell(name),
            cell(&figure.text())
        ));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(attachment(&format!(
            "korgoo-enforcement-{}.csv",
            chosen.year
        )))
        .body(body))
}

/// The same figures as an Excel workbook: counts and amounts as numbers
/// (amounts with two decimals), suppressed counts as text.
pub async fn enforcement_xlsx(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    use rust_xlsxwriter::{Format, Workbook};
    policy::require(&signed.actor, Permission::ViewReports)?;
    let (chosen, figures) = report_figures(&state, &req).await?;
    let build = || -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let som = Format::new().set_num_format("#,##0.00");
        let sheet = book.add_worksheet();
        sheet.set_name(format!("{}", chosen.year))?;
        for (col, title) in ["year", "territory", "figure", "value"].iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *title, &bold)?;
        }
        for (i, (name, figure)) in figures.iter().enumerate() {
            let row = i as u32 + 1;
            sheet.write_number(row, 0, chosen.year)?;
            sheet.write_string(row, 1, &chosen.path)?;
            sheet.write_string(row, 2, *name)?;
            match figure {
                Figure::Count(n) | Figure::Recorded(Some(n)) => {
                    sheet.write_number(row, 3, *n as f64)?;
                }
                Figure::Som(amount) => {
                    sheet.write_with_format(row, 3, amount.round_dp(2), &som)?;
                }
                Figure::Persons(_) | Figure::Recorded(None) => {
                    sheet.write_string(row, 3, figure.text())?;
                }
            }
        }
        sheet.set_column_width(2, 42)?;
        book.save_to_buffer()
    };
    let bytes = build().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header(attachment(&format!(
            "korgoo-enforcement-{}.xlsx",
            chosen.year
        )))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_of_persons_are_suppressed_zero_is_not() {
        assert_eq!(persons(0), "0");
        assert_eq!(persons(1), "<5");
        assert_eq!(persons(4), "<5");
        assert_eq!(persons(5), "5");
    }

    #[test]
    fn a_cell_is_never_a_formula() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("-5"), "'-5");
        assert_eq!(cell("KG/KG-O"), "KG/KG-O");
        assert_eq!(cell("a,b"), "\"a,b\"");
    }
}
