//! The year and territory a report page is asked for, read from the query
//! string. Reports are of one year: no range of years is offered, because
//! counting a child once over several years and protecting that count
//! together with each year's costs the years' own figures (see
//! `protection::periods`); the dashboard's trends show the years before. Anything unknown, reversed or outside the
//! reader's territory becomes a message next to its field, with what was
//! typed kept; the page then shows no figures rather than wrong ones.

use chrono::Datelike;
use diesel::prelude::*;

use super::indicators::Period;
use crate::admin::model::{LocationOption, location_options};
use crate::web::context::TIME_ZONE;
use crate::web::forms::{FieldErrors, FormData};

/// The first year the reports offer.
pub const FIRST_YEAR: i32 = 2020;

pub fn this_year() -> i32 {
    chrono::Utc::now().with_timezone(&TIME_ZONE).year()
}

/// The years a reader can choose, newest first.
pub fn years() -> Vec<i32> {
    (FIRST_YEAR..=this_year()).rev().collect()
}

/// What the reader typed, kept to show back.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    /// The year (`year=`).
    pub to: String,
    pub territory: String,
}

/// A valid choice.
#[derive(Debug, Clone)]
pub struct Chosen {
    pub period: Period,
    pub territory_id: Option<i32>,
    /// The territory's path (`KG` for the whole country).
    pub path: String,
}

/// The filter as a page shows it.
#[derive(Debug, Clone)]
pub struct Filter {
    pub typed: Typed,
    pub errors: FieldErrors,
    pub chosen: Option<Chosen>,
    pub places: Vec<LocationOption>,
    /// The reader sees only their own territory (the empty choice means it).
    pub scoped: bool,
    /// The public release the reader asked for by number, kept when they
    /// choose another year or region (public pages only).
    pub release: Option<i64>,
}

/// How deep the territory list goes (public pages stop at the regions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    All,
    Regions,
}

fn year(text: &str, default: i32, errors: &mut FieldErrors, field: &'static str) -> i32 {
    match text.trim() {
        "" => default,
        y => match y.parse::<i32>() {
            Ok(y) if (FIRST_YEAR..=this_year()).contains(&y) => y,
            _ => {
                errors.add(field, "error-report-year-unknown");
                default
            }
        },
    }
}

/// Read the filter: `year` and `territory`. `scope` is the reader's own
/// territory path (None: the whole country).
pub fn read(
    conn: &mut PgConnection,
    query: &str,
    scope: Option<&str>,
    depth: Depth,
) -> QueryResult<Filter> {
    let q = FormData::parse(query.as_bytes());
    let typed = Typed {
        to: q.get("year").trim().to_owned(),
        territory: q.get("territory").trim().to_owned(),
    };
    let mut errors = FieldErrors::new();
    let to = year(&typed.to, this_year(), &mut errors, "year");
    let mut places = location_options(conn)?;
    let all = places.clone();
    // The reader's own territory and what lies below it.
    let scope_path = scope.map(str::to_owned);
    let paths: Vec<(i32, String)> = {
        use crate::db::schema::locations;
        locations::table
            .select((locations::id, locations::path))
            .load(conn)?
    };
    let path_of = |id: i32| paths.iter().find(|(i, _)| *i == id).map(|(_, p)| p.clone());
    let within = |path: &str| match &scope_path {
        None => true,
        Some(s) => path == s || path.starts_with(&format!("{s}/")),
    };
    places.retain(|p| {
        path_of(p.id).is_some_and(|path| within(&path))
            && (depth == Depth::All || p.depth <= 1)
            && p.depth > 0
    });
    let territory_id = match typed.territory.as_str() {
        "" => None,
        t => match t
            .parse::<i32>()
            .ok()
            .filter(|id| all.iter().any(|p| p.id == *id))
        {
            None => {
                errors.add("territory", "error-report-territory-unknown");
                None
            }
            Some(id) if !places.iter().any(|p| p.id == id) => {
                errors.add("territory", "error-report-territory-outside");
                None
            }
            Some(id) => Some(id),
        },
    };
    let path = match territory_id {
        Some(id) => path_of(id),
        None => Some(scope_path.clone().unwrap_or_else(|| "KG".to_owned())),
    };
    let chosen = match (errors.is_empty(), path) {
        (true, Some(path)) => Some(Chosen {
            period: Period::year(to),
            territory_id,
            path,
        }),
        _ => None,
    };
    Ok(Filter {
        typed,
        errors,
        chosen,
        places,
        scoped: scope.is_some(),
        release: None,
    })
}

impl Filter {
    /// The query string of the choice, for download links and drill-downs.
    pub fn query(&self) -> String {
        let base = self.query_without_territory();
        if self.typed.territory.is_empty() {
            base
        } else {
            let territory = serde_urlencoded::to_string([("territory", &self.typed.territory)])
                .unwrap_or_default();
            if base.is_empty() {
                territory
            } else {
                format!("{base}&{territory}")
            }
        }
    }

    /// The same without the territory, for drill-down links that add theirs.
    pub fn query_without_territory(&self) -> String {
        let mut parts = Vec::new();
        if !self.typed.to.is_empty() {
            parts.push(("year", self.typed.to.as_str()));
        }
        serde_urlencoded::to_string(parts).unwrap_or_default()
    }

    pub fn is_selected(&self, id: &i32) -> bool {
        self.typed.territory == id.to_string()
    }

    /// The chosen territory's name, for headings and print.
    pub fn territory_name(&self, ctx: &crate::web::context::Ctx) -> String {
        self.places
            .iter()
            .find(|p| self.is_selected(&p.id))
            .map(|p| p.names.get(&ctx.lang).to_owned())
            .unwrap_or_else(|| {
                ctx.t(if self.scoped {
                    "report-my-territory"
                } else {
                    "value-whole-country"
                })
            })
    }

    /// The year shown in a single-year select.
    pub fn year_text(&self) -> &str {
        &self.typed.to
    }
}
