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

/// The same figures as CSV: one row per figure. Column names say what each
/// counts; counts of children carry the `children_` prefix and are suppressed
/// like the page.
pub async fn enforcement_csv(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewReports)?;
    let (chosen, _) = chosen(&state, &req).await?;
    let (year, path) = (chosen.year, chosen.path.clone());
    let (l, c) = db::run(&state.pool, move |conn| {
        Ok((
            model::labor(conn, year, &path)?,
            model::criminal(conn, year, &path)?,
        ))
    })
    .await?;
    let rows: Vec<(&str, String)> = vec![
        ("labor_inspectors", l.inspectors.to_string()),
        (
            "inspectors_trained_forced_child_labor",
            l.trained_forced_labor.to_string(),
        ),
        ("inspections", l.inspections.to_string()),
        ("inspections_at_worksite", l.at_worksite.to_string()),
        ("inspections_desk_review", l.desk_reviews.to_string()),
        ("inspections_routine", l.routine.to_string()),
        ("inspections_unannounced", l.unannounced.to_string()),
        (
            "inspections_complaint_driven",
            l.complaint_driven.to_string(),
        ),
        (
            "inspections_finding_child_labor",
            l.found_child_labor.to_string(),
        ),
        ("child_labor_violations", l.violations.to_string()),
        ("penalties_imposed", l.penalties_imposed.to_string()),
        (
            "penalties_imposed_kgs",
            l.imposed_som.round_dp(2).to_string(),
        ),
        ("penalties_collected", l.penalties_collected.to_string()),
        (
            "penalties_collected_kgs",
            l.collected_som.round_dp(2).to_string(),
        ),
        (
            "inspections_referred_to_law_enforcement",
            l.referred.to_string(),
        ),
        ("school_fee_complaints", l.complaints.to_string()),
        ("investigations", c.investigations.to_string()),
        ("prosecutions_initiated", c.prosecutions.to_string()),
        ("convictions", c.convictions.to_string()),
        ("acquittals", c.acquittals.to_string()),
        ("dismissed", c.dismissed.to_string()),
        ("prison_sentences", c.prison_sentences.to_string()),
        ("fines_imposed_kgs", c.fines_som.round_dp(2).to_string()),
        (
            "children_referred_to_law_enforcement",
            persons(c.referred_by_social_services),
        ),
        (
            "children_referred_to_social_services",
            persons(c.referred_to_social_services),
        ),
        (
            "prosecutor_staff",
            c.prosecutor_staff
                .map(|s| s.to_string())
                .unwrap_or_default(),
        ),
    ];
    let mut body = String::from("year,territory,figure,value\n");
    for (figure, value) in rows {
        body.push_str(&format!(
            "{},{},{},{}\n",
            year,
            cell(&chosen.path),
            cell(figure),
            cell(&value)
        ));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"korgoo-enforcement-{year}.csv\""),
        ))
        .body(body))
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
