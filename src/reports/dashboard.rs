//! The officials' dashboard: for a range of years and a territory within the
//! reader's own, the key figures, trends (SVG charts with the numbers in a
//! table beside them), children identified and how they break down,
//! referrals, follow-up results, inspections and violations, criminal
//! enforcement, complaints, and the territories below with drill-down links.
//! Counts of persons are protected on every table (DESIGN §5).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::charts::{self, Series};
use super::figures::{Published, Report, Value};
use super::filter::{self, Depth, FIRST_YEAR, Filter};
use super::handlers::{
    CRIMINAL_ROWS, LABOR_ROWS, Rows, ShowsFigures, read_filter, reader_scope, staff_bundle,
};
use super::indicators::Period;
use super::name::{AgeBand, Name, Outcome, Schooling};
use super::publication::Bundle;
use super::suppress::{Protected, Shown, protect};
use super::view::{self, RowView, TableView};
use crate::policy::{self, Permission};
use crate::web::AppState;
use crate::web::context::{Ctx, Signed, render_with};
use crate::web::error::AppResult;

/// A count of persons as published (`Hidden` when absent).
pub fn persons(p: &Published, name: Name) -> Shown {
    match p.get(name) {
        Some(Value::Persons(s)) => *s,
        _ => Shown::Hidden,
    }
}

/// A count of actions as published.
pub fn count(p: &Published, name: Name) -> i64 {
    match p.get(name) {
        Some(Value::Count(n)) => *n,
        _ => 0,
    }
}

/// The years the trend charts cover: the six years up to the chosen one.
pub fn trend_years(period: &Period) -> Period {
    Period {
        from: (period.to - 5).max(FIRST_YEAR),
        to: period.to,
    }
}

/// The trend charts and their table.
pub struct Trends {
    pub actions_chart: String,
    pub children_chart: String,
    /// Series names, in the order of the colours (`.swatch-N` in the CSS).
    pub actions_legend: Vec<String>,
    pub children_legend: Vec<String>,
    pub table: TableView,
    /// A year's count of children is not published (drawn hollow on the
    /// axis; the page says why).
    pub hidden_points: bool,
}

/// The trend of a territory: each year's published figures.
pub fn trend_of(bundle: &Bundle, years: Period, code: &str) -> Vec<(i32, Published)> {
    years
        .years()
        .filter_map(|y| bundle.published(&Period::year(y), code).map(|p| (y, p)))
        .collect()
}

pub fn trends(ctx: &Ctx, trend: &[(i32, Published)], threshold: i64) -> Trends {
    let years: Vec<i32> = trend.iter().map(|(y, _)| *y).collect();
    let actions = [
        ("report-inspections", Name::Inspections),
        ("report-violations", Name::ChildLaborViolations),
        ("report-investigations", Name::Investigations),
        ("report-prosecutions", Name::ProsecutionsInitiated),
        ("report-convictions", Name::Convictions),
    ];
    let children = [
        ("report-identified", Name::ChildrenIdentified),
        ("report-assisted", Name::ChildrenAssisted),
    ];
    let actions_series: Vec<Series> = actions
        .iter()
        .map(|(_, name)| Series {
            points: trend
                .iter()
                .map(|(y, p)| (*y, Some(count(p, *name))))
                .collect(),
        })
        .collect();
    // A point that is not published is not drawn.
    let children_series: Vec<Series> = children
        .iter()
        .map(|(_, name)| Series {
            points: trend
                .iter()
                .map(|(y, p)| match persons(p, *name) {
                    Shown::Value(v) => (*y, Some(v)),
                    _ => (*y, None),
                })
                .collect(),
        })
        .collect();
    let mut heads: Vec<String> = actions.iter().map(|(k, _)| ctx.t(k)).collect();
    heads.extend(children.iter().map(|(k, _)| ctx.t(k)));
    let rows = trend
        .iter()
        .map(|(y, p)| {
            let mut cells: Vec<String> = actions
                .iter()
                .map(|(_, n)| crate::web::money::whole(count(p, *n), ctx.lang))
                .collect();
            cells.extend(
                children
                    .iter()
                    .map(|(_, n)| view::shown(ctx, persons(p, *n), threshold)),
            );
            RowView {
                label: y.to_string(),
                cells,
                link: None,
            }
        })
        .collect();
    let hidden_points = children_series
        .iter()
        .any(|s| s.points.iter().any(|(_, v)| v.is_none()));
    Trends {
        hidden_points,
        actions_chart: charts::lines(&actions_series, &years, &ctx.t("report-trend-actions")),
        children_chart: charts::lines(&children_series, &years, &ctx.t("report-trend-children")),
        actions_legend: actions.iter().map(|(k, _)| ctx.t(k)).collect(),
        children_legend: children.iter().map(|(k, _)| ctx.t(k)).collect(),
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

/// The territories below the chosen one, as the publication protected them,
/// with the chosen territory's own figures as the total row.
pub fn territory_table(
    ctx: &Ctx,
    bundle: &Bundle,
    period: &Period,
    link: impl Fn(i32) -> String,
    threshold: i64,
) -> TableView {
    let cells = |p: &Published| {
        let mut cells: Vec<String> = [Name::ChildrenIdentified, Name::ChildrenAssisted]
            .into_iter()
            .map(|n| view::shown(ctx, persons(p, n), threshold))
            .collect();
        cells.extend(
            [
                Name::Inspections,
                Name::ChildLaborViolations,
                Name::Investigations,
            ]
            .into_iter()
            .map(|n| crate::web::money::whole(count(p, n), ctx.lang)),
        );
        cells
    };
    let rows = bundle
        .below
        .iter()
        .filter_map(|place| {
            let p = bundle.published(period, &place.code)?;
            Some(RowView {
                label: place.names().get(&ctx.lang).to_owned(),
                cells: cells(&p),
                link: place.has_children.then(|| link(place.id)),
            })
        })
        .collect();
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
        rows,
        total: bundle
            .published(period, &bundle.place.code)
            .map(|p| RowView {
                label: ctx.t("report-total"),
                cells: cells(&p),
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
    cards: Vec<(&'static str, Name)>,
    trends: Option<Trends>,
    tables: Vec<TableView>,
    sections: Vec<(&'static str, &'static str, Rows)>,
    territories: Option<TableView>,
}

impl ShowsFigures for DashboardPage {
    fn figures(&self) -> (&Ctx, Option<&Published>, i64) {
        (&self.ctx, self.published.as_ref(), self.threshold)
    }
}

/// The key figures at the top of the dashboard.
const CARDS: [(&str, Name); 10] = [
    ("report-identified", Name::ChildrenIdentified),
    ("report-assisted", Name::ChildrenAssisted),
    (
        "report-share-received-service",
        Name::ShareReceivedServicePercent,
    ),
    ("report-median-days", Name::MedianDaysToFirstService),
    ("report-share-withdrawn", Name::ShareWithdrawnPercent),
    ("report-overdue-referrals", Name::ChildrenReferralsOverdue),
    ("report-inspections", Name::Inspections),
    ("report-violations", Name::ChildLaborViolations),
    ("report-investigations", Name::Investigations),
    ("report-convictions", Name::Convictions),
];

/// Counts of persons of a breakdown, by figure name.
fn breakdown(p: &Published, names: impl Iterator<Item = Name>) -> Vec<Shown> {
    names.map(|n| persons(p, n)).collect()
}

fn tables(
    ctx: &Ctx,
    published: &Published,
    report: &Report,
    violations: &[i64],
    complaints: &[i64],
    threshold: i64,
) -> Vec<TableView> {
    use crate::complaints::model::ComplaintStatus;
    use crate::inspections::model::ViolationKind;
    // Breakdowns of children are published for the whole country only
    // (`protection`); below it the page shows its headline figures.
    let mut out = Vec::new();
    if published.full {
        out.extend(person_tables(ctx, published, threshold));
    }
    out.extend(case_tables(ctx, published, report, threshold));
    out.push(TableView::list(
        ctx,
        "violations-by-kind",
        &ctx.t("report-violations-by-kind"),
        &ctx.t("report-violations"),
        view::labels(ctx, ViolationKind::ALL, |k| k.message_key()),
        violations,
        violations.iter().sum(),
        false,
        threshold,
    ));
    out.push(TableView::list(
        ctx,
        "complaints-by-status",
        &ctx.t("report-complaints-by-status"),
        &ctx.t("report-complaints-count"),
        view::labels(ctx, ComplaintStatus::ALL, |k| k.message_key()),
        complaints,
        complaints.iter().sum(),
        false,
        threshold,
    ));
    out
}

/// The tables of children: assistance, identified by form, sector, sex and
/// age, and the results of follow-up visits.
fn person_tables(ctx: &Ctx, published: &Published, threshold: i64) -> Vec<TableView> {
    use crate::cases::model::{ExploitationForm, Sector};
    use crate::children::model::Sex;
    let children = ctx.t("report-children");
    let total = persons(published, Name::ChildrenIdentified);
    let list = |id: &str, title: &str, labels: Vec<String>, cells: Vec<Shown>| {
        TableView::shown_list(
            ctx,
            id,
            &ctx.t(title),
            &children,
            labels,
            cells,
            total,
            threshold,
        )
    };
    let mut out = vec![
        super::handlers::assistance_table(ctx, published, threshold),
        list(
            "by-form",
            "report-by-form",
            view::labels(ctx, ExploitationForm::ALL, |f| f.message_key()),
            breakdown(
                published,
                ExploitationForm::ALL
                    .iter()
                    .map(|f| Name::ChildrenIdentifiedForm(*f)),
            ),
        ),
        list(
            "by-sector",
            "report-by-sector",
            view::labels(ctx, Sector::ALL, |s| s.message_key()),
            breakdown(
                published,
                Sector::ALL
                    .iter()
                    .map(|s| Name::ChildrenIdentifiedSector(*s)),
            ),
        ),
        list(
            "by-sex",
            "report-by-sex",
            view::labels(ctx, Sex::ALL, |s| s.message_key()),
            breakdown(
                published,
                Sex::ALL.iter().map(|s| Name::ChildrenIdentifiedSex(*s)),
            ),
        ),
        list(
            "by-age",
            "report-by-age",
            view::labels(ctx, AgeBand::ALL, |b| b.message_key()),
            breakdown(
                published,
                AgeBand::ALL.iter().map(|b| Name::ChildrenIdentifiedAge(*b)),
            ),
        ),
    ];
    let follow = Protected {
        body: Outcome::ALL
            .iter()
            .map(|o| {
                Schooling::ALL
                    .iter()
                    .map(|s| persons(published, Name::ChildrenOutcomeSchooling(*o, *s)))
                    .collect()
            })
            .collect(),
        row_totals: Some(
            Outcome::ALL
                .iter()
                .map(|o| persons(published, Name::ChildrenOutcome(*o)))
                .collect(),
        ),
        column_totals: Some(
            Schooling::ALL
                .iter()
                .map(|s| persons(published, Name::ChildrenFollowedUpSchooling(*s)))
                .collect(),
        ),
        grand: Some(persons(published, Name::ChildrenFollowedUp)),
    };
    let yes_no = vec![ctx.t("yes"), ctx.t("no")];
    let mut follow = TableView::cross(
        ctx,
        "follow-ups",
        &ctx.t("report-follow-up-title"),
        yes_no.clone(),
        yes_no,
        &follow,
        threshold,
    );
    follow.corner = ctx.t("report-follow-up-corner");
    out.push(follow);
    out
}

/// Cases and referrals are counted per case and per referral, in tables of
/// their own that share no total with the others.
fn case_tables(
    ctx: &Ctx,
    published: &Published,
    report: &Report,
    threshold: i64,
) -> Vec<TableView> {
    use crate::admin::model::ServiceKind;
    use crate::cases::model::CaseStatus;
    use crate::referrals::model::ReferralStatus;
    let mut out = Vec::new();
    // The total of cases usually equals the children identified: shown only
    // when that count is.
    let total = persons(published, Name::ChildrenIdentified);
    let id = &report.identified;
    if matches!(total, Shown::Value(_)) {
        out.push(TableView::list(
            ctx,
            "by-status",
            &ctx.t("report-cases-by-status"),
            &ctx.t("report-cases"),
            view::labels(ctx, CaseStatus::ALL, |s| s.message_key()),
            &id.cases_by_status,
            id.cases_by_status.iter().sum(),
            true,
            threshold,
        ));
    }
    out.push(TableView::cross(
        ctx,
        "referrals",
        &ctx.t("report-referrals-title"),
        view::labels(ctx, ServiceKind::ALL, |s| s.message_key()),
        view::labels(ctx, ReferralStatus::ALL, |s| s.message_key()),
        &protect(&report.monitoring.referrals.counts(), threshold),
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
    let scope = reader_scope(&signed.actor);
    let filter = read_filter(&state, req.query_string(), scope, Depth::All).await?;
    let threshold = state.config.suppression_threshold;
    let ctx = signed.ctx;
    let mut published = None;
    let mut trends = None;
    let mut tables_shown = Vec::new();
    let mut territories = None;
    if let Some(c) = &filter.chosen {
        let years = trend_years(&c.period);
        let bundle = &staff_bundle(&state, c.period, &c.path, Some(years)).await?;
        let code = bundle.place.code.clone();
        if let (Some(p), Some(report)) = (
            bundle.published(&c.period, &code),
            bundle.report(&c.period, &code),
        ) {
            let base = filter.query_without_territory();
            territories = Some(territory_table(
                &ctx,
                bundle,
                &c.period,
                |id| format!("/reports/dashboard?{base}&territory={id}"),
                threshold,
            ));
            trends = Some(super::dashboard::trends(
                &ctx,
                &trend_of(bundle, years, &code),
                threshold,
            ));
            tables_shown = tables(
                &ctx,
                &p,
                report,
                &bundle.violations,
                &bundle.complaints,
                threshold,
            );
            published = Some(p);
        }
    }
    let tables = tables_shown;
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
            cards: super::handlers::cards_of(&CARDS, published.as_ref()),
            published,
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

/// This year's headline figures of the reader's territory, as the dashboard
/// shows them (protected the same way), for the official's home page.
pub async fn headline_of_year(
    state: &AppState,
    ctx: &Ctx,
    actor: &policy::Actor,
    year: i32,
) -> AppResult<Vec<(Name, String, String)>> {
    if !policy::allows(actor, Permission::ViewReports) {
        return Ok(Vec::new());
    }
    let path = reader_scope(actor).unwrap_or_else(|| "KG".to_owned());
    let period = Period::year(year);
    let bundle = staff_bundle(state, period, &path, None).await?;
    let Some(p) = bundle.published(&period, &bundle.place.code) else {
        return Ok(Vec::new());
    };
    let threshold = state.config.suppression_threshold;
    let mut figures: Vec<(Name, String, String)> = [
        ("report-identified", Name::ChildrenIdentified),
        ("report-assisted", Name::ChildrenAssisted),
    ]
    .iter()
    .map(|(key, name)| {
        (
            *name,
            ctx.t(key),
            view::shown(ctx, persons(&p, *name), threshold),
        )
    })
    .collect();
    figures.extend(
        [
            ("report-inspections", Name::Inspections),
            ("report-violations", Name::ChildLaborViolations),
            ("report-investigations", Name::Investigations),
            ("report-prosecutions", Name::ProsecutionsInitiated),
            ("report-convictions", Name::Convictions),
        ]
        .iter()
        .map(|(key, name)| {
            (
                *name,
                ctx.t(key),
                crate::web::money::whole(count(&p, *name), ctx.lang),
            )
        }),
    );
    Ok(figures)
}
