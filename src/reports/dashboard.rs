//! The officials' dashboard: for a range of years and a territory within the
//! reader's own, the key figures, trends (SVG charts with the numbers in a
//! table beside them), children identified and how they break down,
//! referrals, follow-up results, inspections and violations, criminal
//! enforcement, complaints, and the territories below with drill-down links.
//! Counts of persons are protected on every table (DESIGN §5).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::charts::{self, Series};
use super::figures::{self, Published, Report};
use super::filter::{self, Depth, FIRST_YEAR, Filter};
use super::handlers::{CRIMINAL_ROWS, LABOR_ROWS, Rows, reader_scope, show_row, today};
use super::indicators::{self, Identified, Period, TerritoryRow};
use super::model;
use super::suppress::{self, Counts, Shown, protect};
use super::view::{self, RowView, TableView};
use crate::db;
use crate::policy::{self, Permission};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, render_with};
use crate::web::error::AppResult;

/// One year of the trends.
#[derive(Debug, Clone)]
pub struct TrendYear {
    pub year: i32,
    pub inspections: i64,
    pub violations: i64,
    pub investigations: i64,
    pub prosecutions: i64,
    pub convictions: i64,
    pub identified: i64,
    pub assisted: i64,
}

/// Everything the dashboard reads, raw.
struct Data {
    report: Report,
    identified: Identified,
    violations: Vec<i64>,
    complaints: Vec<i64>,
    territories: Vec<TerritoryRow>,
    trend: Vec<TrendYear>,
}

/// The years the trend charts cover: the range chosen, or the six years up
/// to a single chosen year.
pub fn trend_years(period: &Period) -> Period {
    if period.from < period.to {
        *period
    } else {
        Period {
            from: (period.to - 5).max(FIRST_YEAR),
            to: period.to,
        }
    }
}

pub fn trend(
    conn: &mut diesel::PgConnection,
    period: &Period,
    path: &str,
) -> diesel::QueryResult<Vec<TrendYear>> {
    trend_years(period)
        .years()
        .map(|year| {
            let p = Period::year(year);
            let labor = model::labor(conn, &p, path)?;
            let criminal = model::criminal(conn, &p, path)?;
            Ok(TrendYear {
                year,
                inspections: labor.inspections,
                violations: labor.violations,
                investigations: criminal.investigations,
                prosecutions: criminal.prosecutions,
                convictions: criminal.convictions,
                identified: indicators::identified_total(conn, &p, path)?,
                assisted: indicators::assisted_total(conn, &p, path)?,
            })
        })
        .collect()
}

/// The trend charts and their table.
pub struct Trends {
    pub actions_chart: String,
    pub children_chart: String,
    /// Series names, in the order of the colours (`.swatch-N` in the CSS).
    pub actions_legend: Vec<String>,
    pub children_legend: Vec<String>,
    pub table: TableView,
}

pub fn trends(ctx: &Ctx, trend: &[TrendYear], threshold: i64) -> Trends {
    let years: Vec<i32> = trend.iter().map(|t| t.year).collect();
    let persons = |n: i64| match suppress::one(n, threshold) {
        Shown::Value(v) => Some(v),
        _ => None,
    };
    type Pick = fn(&TrendYear) -> i64;
    let actions: [(&str, Pick); 5] = [
        ("report-inspections", |t| t.inspections),
        ("report-violations", |t| t.violations),
        ("report-investigations", |t| t.investigations),
        ("report-prosecutions", |t| t.prosecutions),
        ("report-convictions", |t| t.convictions),
    ];
    let children: [(&str, Pick); 2] = [
        ("report-identified", |t| t.identified),
        ("report-assisted", |t| t.assisted),
    ];
    let actions_series: Vec<Series> = actions
        .iter()
        .map(|(_, pick)| Series {
            points: trend.iter().map(|t| (t.year, Some(pick(t)))).collect(),
        })
        .collect();
    let children_series: Vec<Series> = children
        .iter()
        .map(|(_, pick)| Series {
            points: trend.iter().map(|t| (t.year, persons(pick(t)))).collect(),
        })
        .collect();
    let legend = |list: &[(&str, Pick)]| list.iter().map(|(key, _)| ctx.t(key)).collect::<Vec<_>>();
    let mut heads: Vec<String> = actions.iter().map(|(k, _)| ctx.t(k)).collect();
    heads.extend(children.iter().map(|(k, _)| ctx.t(k)));
    let rows = trend
        .iter()
        .map(|t| {
            let mut cells: Vec<String> = actions.iter().map(|(_, p)| p(t).to_string()).collect();
            cells.extend(
                children
                    .iter()
                    .map(|(_, p)| view::shown(ctx, suppress::one(p(t), threshold), threshold)),
            );
            RowView {
                label: t.year.to_string(),
                cells,
                link: None,
            }
        })
        .collect();
    Trends {
        actions_chart: charts::lines(&actions_series, &years, &ctx.t("report-trend-actions")),
        children_chart: charts::lines(&children_series, &years, &ctx.t("report-trend-children")),
        actions_legend: legend(&actions),
        children_legend: legend(&children),
        table: TableView {
            id: "trend".into(),
            title: ctx.t("report-trend-table"),
            corner: ctx.t("report-year"),
            heads,
            rows,
            total: None,
        },
    }
}

/// The territories below the chosen one, persons protected per column with
/// the chosen territory's figures as the total row.
pub fn territory_table(
    ctx: &Ctx,
    rows: &[TerritoryRow],
    totals: (i64, i64, &model::LaborEnforcement, i64),
    link: impl Fn(i32) -> String,
    threshold: i64,
) -> TableView {
    let (identified, assisted, labor, investigations) = totals;
    let p = protect(
        &Counts {
            body: rows
                .iter()
                .map(|r| vec![r.identified, r.assisted])
                .collect(),
            row_totals: None,
            column_totals: Some(vec![identified, assisted]),
            grand: None,
        },
        threshold,
    );
    let cells = |persons: &[Shown], inspections: i64, violations: i64, investigations: i64| {
        let mut cells: Vec<String> = persons
            .iter()
            .map(|s| view::shown(ctx, *s, threshold))
            .collect();
        cells.extend([inspections, violations, investigations].map(|n| n.to_string()));
        cells
    };
    TableView {
        id: "territories".into(),
        title: ctx.t("report-territories-title"),
        corner: ctx.t("report-territory"),
        heads: [
            "report-identified",
            "report-assisted",
            "report-inspections",
            "report-violations",
            "report-investigations",
        ]
        .iter()
        .map(|k| ctx.t(k))
        .collect(),
        rows: rows
            .iter()
            .zip(&p.body)
            .map(|(r, persons)| RowView {
                label: match ctx.lang {
                    crate::web::i18n::Lang::Ky => r.name_ky.clone(),
                    crate::web::i18n::Lang::Ru => r.name_ru.clone(),
                    crate::web::i18n::Lang::En => r.name_en.clone(),
                },
                cells: cells(persons, r.inspections, r.violations, r.investigations),
                link: r.has_children.then(|| link(r.id)),
            })
            .collect(),
        total: p.column_totals.map(|t| RowView {
            label: ctx.t("report-total"),
            cells: cells(&t, labor.inspections, labor.violations, investigations),
            link: None,
        }),
    }
}

#[derive(Template)]
#[template(path = "reports/dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    filter: Filter,
    years: Vec<i32>,
    threshold: i64,
    published: Option<Published>,
    cards: Vec<(&'static str, &'static str)>,
    trends: Option<Trends>,
    tables: Vec<TableView>,
    sections: Vec<(&'static str, &'static str, Rows)>,
    territories: Option<TableView>,
}

impl DashboardPage {
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

/// The key figures at the top of the dashboard.
const CARDS: [(&str, &str); 10] = [
    ("report-identified", "children_identified"),
    ("report-assisted", "children_assisted"),
    (
        "report-share-received-service",
        "share_received_service_percent",
    ),
    ("report-median-days", "median_days_to_first_service"),
    ("report-share-withdrawn", "share_withdrawn_percent"),
    ("report-overdue-referrals", "children_referrals_overdue"),
    ("report-inspections", "inspections"),
    ("report-violations", "child_labor_violations"),
    ("report-investigations", "investigations"),
    ("report-convictions", "convictions"),
];

fn tables(ctx: &Ctx, d: &Data, threshold: i64) -> Vec<TableView> {
    use crate::admin::model::ServiceKind;
    use crate::cases::model::{CaseStatus, ExploitationForm, Sector};
    use crate::children::model::Sex;
    use crate::complaints::model::ComplaintStatus;
    use crate::inspections::model::ViolationKind;
    use crate::referrals::model::ReferralStatus;
    let id = &d.identified;
    let children = ctx.t("report-children");
    let mut out = vec![
        TableView::list(
            ctx,
            "by-form",
            &ctx.t("report-by-form"),
            &children,
            view::labels(ctx, ExploitationForm::ALL, |f| f.message_key()),
            &id.by_form,
            id.total,
            true,
            threshold,
        ),
        TableView::list(
            ctx,
            "by-sector",
            &ctx.t("report-by-sector"),
            &children,
            view::labels(ctx, Sector::ALL, |s| s.message_key()),
            &id.by_sector,
            id.total,
            true,
            threshold,
        ),
        TableView::list(
            ctx,
            "by-sex",
            &ctx.t("report-by-sex"),
            &children,
            view::labels(ctx, Sex::ALL, |s| s.message_key()),
            &id.by_sex,
            id.total,
            true,
            threshold,
        ),
        TableView::list(
            ctx,
            "by-age",
            &ctx.t("report-by-age"),
            &children,
            indicators::AGE_BANDS
                .iter()
                .map(|b| ctx.t(format!("report-age-{}", b.replace('_', "-"))))
                .collect(),
            &id.by_age,
            id.total,
            true,
            threshold,
        ),
        TableView::list(
            ctx,
            "by-status",
            &ctx.t("report-cases-by-status"),
            &ctx.t("report-cases"),
            view::labels(ctx, CaseStatus::ALL, |s| s.message_key()),
            &id.cases_by_status,
            id.cases_by_status.iter().sum(),
            true,
            threshold,
        ),
    ];
    let m = &d.report.monitoring;
    out.push(TableView::cross(
        ctx,
        "referrals",
        &ctx.t("report-referrals-title"),
        view::labels(ctx, ServiceKind::ALL, |s| s.message_key()),
        view::labels(ctx, ReferralStatus::ALL, |s| s.message_key()),
        &protect(&m.referrals.counts(), threshold),
        threshold,
    ));
    let yes_no = vec![ctx.t("yes"), ctx.t("no")];
    let mut follow = TableView::cross(
        ctx,
        "follow-ups",
        &ctx.t("report-follow-up-title"),
        yes_no.clone(),
        yes_no,
        &protect(&m.follow_up_results.counts(), threshold),
        threshold,
    );
    follow.corner = ctx.t("report-follow-up-corner");
    out.push(follow);
    out.push(TableView::list(
        ctx,
        "violations-by-kind",
        &ctx.t("report-violations-by-kind"),
        &ctx.t("report-violations"),
        view::labels(ctx, ViolationKind::ALL, |k| k.message_key()),
        &d.violations,
        d.violations.iter().sum(),
        false,
        threshold,
    ));
    out.push(TableView::list(
        ctx,
        "complaints-by-status",
        &ctx.t("report-complaints-by-status"),
        &ctx.t("report-complaints-count"),
        view::labels(ctx, ComplaintStatus::ALL, |k| k.message_key()),
        &d.complaints,
        d.complaints.iter().sum(),
        false,
        threshold,
    ));
    out
}

/// The dashboard page.
pub async fn dashboard(
    signed: Signed,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    policy::require(&signed.actor, Permission::ViewReports)?;
    let query = req.query_string().to_owned();
    let scope = reader_scope(&signed.actor);
    let (filter, data) = db::run(&state.pool, move |conn| {
        let filter = filter::read(conn, &query, true, scope.as_deref(), Depth::All)?;
        let data = match &filter.chosen {
            None => None,
            Some(c) => Some(Data {
                report: figures::load(conn, &c.period, &c.path, today())?,
                identified: indicators::identified(conn, &c.period, &c.path)?,
                violations: indicators::violations_by_kind(conn, &c.period, &c.path)?,
                complaints: indicators::complaints_by_status(conn, &c.period, &c.path)?,
                territories: indicators::territories(conn, &c.period, &c.path)?,
                trend: trend(conn, &c.period, &c.path)?,
            }),
        };
        Ok((filter, data))
    })
    .await?;
    let threshold = state.config.suppression_threshold;
    let ctx = signed.ctx;
    let (published, trends, tables, territories) = match &data {
        None => (None, None, Vec::new(), None),
        Some(d) => {
            let published = figures::publish(&d.report, threshold);
            let assisted_total = d.report.assisted.grand;
            let base = filter.query_without_territory();
            let territories = territory_table(
                &ctx,
                &d.territories,
                (
                    d.identified.total,
                    assisted_total,
                    &d.report.labor,
                    d.report.criminal.investigations,
                ),
                |id| format!("/reports/dashboard?{base}&territory={id}"),
                threshold,
            );
            let mut tables = tables(&ctx, d, threshold);
            tables.insert(
                0,
                super::handlers::assistance_table(&ctx, &published, threshold),
            );
            (
                Some(published),
                Some(trends(&ctx, &d.trend, threshold)),
                tables,
                Some(territories),
            )
        }
    };
    let status = if filter.chosen.is_some() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    };
    render_with(
        status,
        &DashboardPage {
            ctx,
            filter,
            years: filter::years(),
            threshold,
            published,
            cards: CARDS.to_vec(),
            trends,
            tables,
            sections: vec![
                ("labor", "report-labor-title", LABOR_ROWS),
                ("criminal", "report-criminal-title", CRIMINAL_ROWS),
            ],
            territories,
        },
    )
}
