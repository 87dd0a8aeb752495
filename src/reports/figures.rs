//! The figures of a period and territory as they may be published: the
//! enforcement tables (exact), the assistance table and the monitoring
//! indicators (counts of persons, protected by `suppress`). The report page,
//! the dashboard, the public pages and every download take them from here, so
//! a figure has one name and one rule wherever it appears.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use rust_decimal::Decimal;

use super::indicators::{self, Cross, Groups, Identified, Monitoring, Period};
use super::kept::{self, Kept};
use super::model::{self, CriminalEnforcement, LaborEnforcement, Staff};
use super::suppress::{Counts, Pos, Protected, Shown};

/// Everything the enforcement report holds, raw.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub labor: LaborEnforcement,
    pub criminal: CriminalEnforcement,
    pub assisted: Cross,
    pub groups: Groups,
    pub monitoring: Monitoring,
    pub identified: Identified,
}

/// What a territory that is not the page's own needs: the state's actions and
/// the headline counts of persons (see `publication::headline`).
pub fn load_headline(conn: &mut PgConnection, period: &Period, path: &str) -> QueryResult<Report> {
    if period.from == period.to {
        return Ok(headline_years(conn, period.from, period.to, path)?
            .remove(&period.from)
            .unwrap_or_default());
    }
    let counts = Kept::actions_of(conn, period, path)?.counts();
    let staff = Staff::of_period(conn, period, path)?;
    let mut r = Report {
        labor: model::labor(&staff, &counts),
        criminal: model::criminal(&staff, &counts),
        assisted: indicators::assisted(conn, period, path)?,
        groups: Default::default(),
        monitoring: Default::default(),
        identified: Default::default(),
    };
    let identified = indicators::identified_total(conn, period, path)?;
    r.identified.total = identified;
    r.monitoring.identified = identified;
    Ok(r)
}

/// The headline of each year `from..=to` of a territory: two queries of kept
/// rows and one of the staff tables.
pub fn headline_years(
    conn: &mut PgConnection,
    from: i32,
    to: i32,
    path: &str,
) -> QueryResult<BTreeMap<i32, Report>> {
    Ok(of_years(conn, from, to, path, 0)?
        .into_iter()
        .map(|(year, r)| (year, headline(r)))
        .collect())
}

/// The headline of each year `from..=to` of every territory directly below
/// `parent` (by code; `places` are those territories): two queries of kept
/// rows for all of them, and one of the staff tables each.
pub fn headlines_below(
    conn: &mut PgConnection,
    from: i32,
    to: i32,
    parent: &str,
    places: &[(String, String)],
) -> QueryResult<HashMap<String, BTreeMap<i32, Report>>> {
    let mut kept = Kept::below(conn, from, to, parent)?;
    let mut out = HashMap::new();
    for (code, path) in places {
        let mut staff = Staff::of_years(conn, from, to, path)?;
        let years = kept.remove(code).unwrap_or_default();
        let reports = (from..=to)
            .map(|year| {
                let k = years.get(&year).cloned().unwrap_or_default();
                let report = of_kept(&k, &staff.remove(&year).unwrap_or_default(), 0);
                (year, headline(report))
            })
            .collect();
        out.insert(code.clone(), reports);
    }
    Ok(out)
}

/// Only what a territory that is not the page's own shows.
pub fn headline(full: Report) -> Report {
    let mut r = Report {
        groups: Default::default(),
        monitoring: Default::default(),
        identified: Default::default(),
        ..full
    };
    r.identified.total = full.identified.total;
    r.monitoring.identified = full.identified.total;
    r
}

/// Every figure of `period` in the territory `path`. A single year is read
/// from what the database keeps (`kept`); a range of years (no page offers
/// one: the tests compare with it) adds up its counts of actions and counts
/// its children once over the range from the records.
pub fn load(
    conn: &mut PgConnection,
    period: &Period,
    path: &str,
    today: NaiveDate,
) -> QueryResult<Report> {
    if period.from == period.to {
        return Ok(load_years(conn, period.from, period.to, path, today)?
            .remove(&period.from)
            .unwrap_or_default());
    }
    let overdue = kept::overdue(conn, path, today)?;
    let counts = Kept::actions_of(conn, period, path)?.counts();
    let staff = Staff::of_period(conn, period, path)?;
    Ok(Report {
        labor: model::labor(&staff, &counts),
        criminal: model::criminal(&staff, &counts),
        assisted: indicators::assisted(conn, period, path)?,
        groups: indicators::groups(conn, period, path)?,
        monitoring: indicators::monitoring(conn, period, path, overdue)?,
        identified: indicators::identified(conn, period, path)?,
    })
}

/// Every figure of each year `from..=to` of a territory: two queries of kept
/// rows, one of the referrals overdue and one of the staff tables.
pub fn load_years(
    conn: &mut PgConnection,
    from: i32,
    to: i32,
    path: &str,
    today: NaiveDate,
) -> QueryResult<BTreeMap<i32, Report>> {
    let overdue = kept::overdue(conn, path, today)?;
    of_years(conn, from, to, path, overdue)
}

/// The same, each year with its kept rows (for the counts of actions a
/// dashboard breaks down, `Kept::violations_by_kind`).
pub fn load_years_kept(
    conn: &mut PgConnection,
    from: i32,
    to: i32,
    path: &str,
    today: NaiveDate,
) -> QueryResult<BTreeMap<i32, (Report, Kept)>> {
    let overdue = kept::overdue(conn, path, today)?;
    let mut staff = Staff::of_years(conn, from, to, path)?;
    Ok(Kept::years(conn, from, to, path)?
        .into_iter()
        .map(|(year, kept)| {
            let staff = staff.remove(&year).unwrap_or_default();
            (year, (of_kept(&kept, &staff, overdue), kept))
        })
        .collect())
}

/// The reports of the years `from..=to` from their kept rows and staff.
fn of_years(
    conn: &mut PgConnection,
    from: i32,
    to: i32,
    path: &str,
    overdue: i64,
) -> QueryResult<BTreeMap<i32, Report>> {
    let mut staff = Staff::of_years(conn, from, to, path)?;
    Ok(Kept::years(conn, from, to, path)?
        .into_iter()
        .map(|(year, kept)| {
            let staff = staff.remove(&year).unwrap_or_default();
            (year, of_kept(&kept, &staff, overdue))
        })
        .collect())
}

/// A year's report from its kept rows and staff.
fn of_kept(kept: &Kept, staff: &Staff, overdue: i64) -> Report {
    let counts = kept.counts();
    Report {
        labor: model::labor(staff, &counts),
        criminal: model::criminal(staff, &counts),
        assisted: kept.assisted(),
        groups: kept.groups(),
        monitoring: kept.monitoring(overdue),
        identified: kept.identified(),
    }
}

/// A share in per cent with one decimal, only when both counts are shown.
pub fn share(part: Shown, whole: Shown) -> Option<Decimal> {
    match (part, whole) {
        (Shown::Value(p), Shown::Value(w)) if w > 0 => {
            let mut share = (Decimal::from(p) * Decimal::from(100) / Decimal::from(w)).round_dp(1);
            share.rescale(1);
            Some(share)
        }
        _ => None,
    }
}

/// The ILO benchmark for a transition economy: one labour inspector per
/// 20,000 workers (DESIGN §7).
pub const ILO_WORKERS_PER_INSPECTOR: i64 = 20_000;

/// Workers per labour inspector against the ILO benchmark, from the
/// configured labour force and the inspectors in post on the period's last
/// day. Exact: whole numbers and decimals, never a float.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IloRatio {
    pub labour_force: i64,
    pub inspectors: i64,
    /// Rounded to a whole worker; `None` when nobody was in post.
    pub workers_per_inspector: Option<Decimal>,
    pub benchmark: i64,
    /// Inspectors the benchmark asks for: the labour force ÷ 20,000,
    /// rounded up.
    pub needed: i64,
}

impl IloRatio {
    pub fn of(labour_force: i64, inspectors: i64) -> IloRatio {
        let benchmark = ILO_WORKERS_PER_INSPECTOR;
        let workers_per_inspector = (inspectors > 0).then(|| {
            (Decimal::from(labour_force) / Decimal::from(inspectors))
                .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        });
        IloRatio {
            labour_force,
            inspectors,
            workers_per_inspector,
            benchmark,
            needed: (labour_force + benchmark - 1) / benchmark,
        }
    }

    pub fn workers_per_inspector_whole(&self) -> Option<i64> {
        use rust_decimal::prelude::ToPrimitive;
        self.workers_per_inspector.and_then(|d| d.to_i64())
    }
}

/// What kind of figure a column or row is (the schema page says it too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A count of the state's own actions: exact.
    Actions,
    /// A count of persons: small counts and their complements suppressed.
    Persons,
    /// An amount in KGS, exact.
    Money,
    /// A share in per cent or a number of days computed from counts of
    /// persons: suppressed with them.
    Derived,
    /// A number recorded as such (staff), exact.
    Recorded,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Actions => "actions",
            Kind::Persons => "persons",
            Kind::Money => "money",
            Kind::Derived => "derived",
            Kind::Recorded => "recorded",
        }
    }
}

/// One published figure.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    Count(i64),
    Som(Decimal),
    Persons(Shown),
    /// A share or a median; `None` when suppressed or undefined.
    Derived(Option<Decimal>),
    Recorded(Option<i64>),
}

impl Value {
    pub fn kind(&self) -> Kind {
        match self {
            Value::Count(_) => Kind::Actions,
            Value::Som(_) => Kind::Money,
            Value::Persons(_) => Kind::Persons,
            Value::Derived(_) => Kind::Derived,
            Value::Recorded(_) => Kind::Recorded,
        }
    }

    /// The value as a download writes it: "<5" for a small count,
    /// "suppressed" for a complementary cell, empty for nothing to show.
    pub fn text(&self, threshold: i64) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Som(amount) => amount.round_dp(2).to_string(),
            Value::Persons(shown) => shown.text(threshold, SUPPRESSED),
            Value::Derived(v) => v.map(|v| v.to_string()).unwrap_or_default(),
            Value::Recorded(n) => n.map(|n| n.to_string()).unwrap_or_default(),
        }
    }

    /// The number, when the figure is published as one.
    pub fn number(&self) -> Option<Decimal> {
        match self {
            Value::Count(n) | Value::Persons(Shown::Value(n)) | Value::Recorded(Some(n)) => {
                Some(Decimal::from(*n))
            }
            Value::Som(amount) => Some(amount.round_dp(2)),
            Value::Derived(v) => *v,
            _ => None,
        }
    }
}

/// How downloads write a complementary-suppressed cell.
pub const SUPPRESSED: &str = "suppressed";

/// The published figures, named as downloads name them (counts of persons
/// start with `children_`), in the report's order, and found by name
/// through an index (a page reads dozens of them, a release thousands).
/// A release stores them as JSON: the index is made again when read.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Published {
    figures: Vec<(String, Value)>,
    #[serde(skip)]
    index: std::sync::OnceLock<HashMap<String, usize>>,
    pub assisted: Protected,
    /// Every figure, or only the headline ones (a territory that is not the
    /// page's own, see `publication::headline`).
    pub full: bool,
}

impl Published {
    pub fn new(figures: Vec<(String, Value)>, assisted: Protected, full: bool) -> Published {
        Published {
            figures,
            index: Default::default(),
            assisted,
            full,
        }
    }

    /// The figure called `name`, if published.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let index = self.index.get_or_init(|| {
            self.figures
                .iter()
                .enumerate()
                .map(|(i, (n, _))| (n.clone(), i))
                .collect()
        });
        index.get(name).map(|&i| &self.figures[i].1)
    }

    /// Every figure, in the report's order.
    pub fn figures(&self) -> &[(String, Value)] {
        &self.figures
    }

    pub fn into_figures(self) -> Vec<(String, Value)> {
        self.figures
    }

    /// Keep only the figures `keep` says.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &Value) -> bool) {
        self.figures.retain(|(n, v)| keep(n, v));
        self.index = Default::default();
    }
}

/// The counts of persons a report publishes, by name, with their values.
/// Every `children_…` figure of `publish` is here, and nothing else.
pub fn persons(r: &Report) -> Vec<(String, i64)> {
    use crate::cases::model::{ExploitationForm, Sector};
    use crate::children::model::Sex;
    let (c, g, m, id) = (&r.criminal, &r.groups, &r.monitoring, &r.identified);
    let services = indicators::assistance_services();
    let mut out: Vec<(String, i64)> = vec![
        (
            "children_referred_to_law_enforcement".into(),
            c.referred_by_social_services,
        ),
        (
            "children_referred_to_social_services".into(),
            c.referred_to_social_services,
        ),
        ("children_assisted".into(), r.assisted.grand),
    ];
    for (i, form) in ExploitationForm::ALL.iter().enumerate() {
        out.push((
            format!("children_assisted_{}", form.as_str()),
            at(&r.assisted.row_totals, i),
        ));
        for (j, service) in services.iter().enumerate() {
            let v = r.assisted.body.get(i).map_or(0, |row| at(row, j));
            out.push((
                format!("children_assisted_{}_{}", form.as_str(), service.as_str()),
                v,
            ));
        }
    }
    for (j, service) in services.iter().enumerate() {
        out.push((
            format!("children_assisted_service_{}", service.as_str()),
            at(&r.assisted.column_totals, j),
        ));
    }
    out.extend([
        ("children_csec_identified".into(), g.csec),
        ("children_csec_recorded_as_victims".into(), g.csec_victims),
        ("children_street_identified".into(), g.street),
        (
            "children_street_with_education_service".into(),
            g.street_education,
        ),
        (
            "children_street_with_medical_service".into(),
            g.street_medical,
        ),
        (
            "children_street_with_social_service".into(),
            g.street_social,
        ),
        ("children_identified".into(), m.identified),
        ("children_received_service".into(), m.served),
    ]);
    for (i, form) in ExploitationForm::ALL.iter().enumerate() {
        out.push((
            format!("children_identified_{}", form.as_str()),
            at(&id.by_form, i),
        ));
    }
    for (i, sector) in Sector::ALL.iter().enumerate() {
        out.push((
            format!("children_identified_sector_{}", sector.as_str()),
            at(&id.by_sector, i),
        ));
    }
    for (i, sex) in Sex::ALL.iter().enumerate() {
        out.push((
            format!("children_identified_{}", sex.as_str()),
            at(&id.by_sex, i),
        ));
    }
    for (i, band) in indicators::AGE_BANDS.iter().enumerate() {
        out.push((format!("children_identified_age_{band}"), at(&id.by_age, i)));
    }
    let f = &m.follow_up_results;
    out.extend([
        ("children_followed_up".into(), f.grand),
        ("children_still_working".into(), at(&f.row_totals, 0)),
        ("children_withdrawn".into(), at(&f.row_totals, 1)),
        (
            "children_followed_up_at_school".into(),
            at(&f.column_totals, 0),
        ),
        (
            "children_followed_up_out_of_school".into(),
            at(&f.column_totals, 1),
        ),
        (
            "children_still_working_at_school".into(),
            f.body.first().map_or(0, |r| at(r, 0)),
        ),
        (
            "children_still_working_out_of_school".into(),
            f.body.first().map_or(0, |r| at(r, 1)),
        ),
        (
            "children_withdrawn_at_school".into(),
            f.body.get(1).map_or(0, |r| at(r, 0)),
        ),
        (
            "children_withdrawn_out_of_school".into(),
            f.body.get(1).map_or(0, |r| at(r, 1)),
        ),
        ("children_referrals_overdue".into(), m.overdue_referrals),
    ]);
    out
}

fn at(values: &[i64], i: usize) -> i64 {
    values.get(i).copied().unwrap_or(0)
}

/// A table of figures whose cells are linked by totals: the counts, and for
/// each cell the figure it publishes (`None`: a count that is not published
/// but can be worked out, such as the rest of a whole).
#[derive(Debug, Clone)]
pub struct Group {
    pub counts: Counts,
    pub names: Vec<(Pos, Option<String>)>,
}

impl Group {
    pub fn name(&self, pos: Pos) -> Option<&str> {
        self.names
            .iter()
            .find(|(p, _)| *p == pos)
            .and_then(|(_, n)| n.as_deref())
    }

    /// Parts and their whole. When the whole is more than the parts (people
    /// counted in no part), the rest is an unpublished part; when it is less
    /// (a child in two parts), the parts are taken as adding up, which only
    /// protects more.
    pub fn parts(parts: Vec<(String, i64)>, whole: (String, i64)) -> Group {
        let sum: i64 = parts.iter().map(|(_, v)| v).sum();
        let mut body: Vec<Vec<i64>> = parts.iter().map(|(_, v)| vec![*v]).collect();
        let mut names: Vec<(Pos, Option<String>)> = parts
            .into_iter()
            .enumerate()
            .map(|(i, (n, _))| (Pos::Body(i, 0), Some(n)))
            .collect();
        if whole.1 > sum {
            names.push((Pos::Body(body.len(), 0), None));
            body.push(vec![whole.1 - sum]);
        }
        names.push((Pos::ColumnTotal(0), Some(whole.0)));
        Group {
            counts: Counts {
                body,
                row_totals: None,
                column_totals: Some(vec![whole.1]),
                grand: None,
            },
            names,
        }
    }

    /// A cross table with row, column and grand totals, all published.
    fn cross(
        cross: &Cross,
        rows: &[String],
        cols: &[String],
        name: impl Fn(&str, &str) -> String,
        row_total: impl Fn(&str) -> String,
        col_total: impl Fn(&str) -> String,
        grand: &str,
    ) -> Group {
        let mut names = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            for (j, c) in cols.iter().enumerate() {
                names.push((Pos::Body(i, j), Some(name(r, c))));
            }
            names.push((Pos::RowTotal(i), Some(row_total(r))));
        }
        for (j, c) in cols.iter().enumerate() {
            names.push((Pos::ColumnTotal(j), Some(col_total(c))));
        }
        names.push((Pos::Grand, Some(grand.to_owned())));
        Group {
            counts: cross.counts(),
            names,
        }
    }
}

/// The tables inside one report whose totals link its counts of persons.
pub fn groups(r: &Report) -> Vec<Group> {
    use crate::cases::model::{ExploitationForm, Sector};
    use crate::children::model::Sex;
    let value = |name: &str, all: &[(String, i64)]| {
        all.iter().find(|(n, _)| n == name).map_or(0, |(_, v)| *v)
    };
    let all = persons(r);
    let named = |names: Vec<String>| -> Vec<(String, i64)> {
        names
            .into_iter()
            .map(|n| (n.clone(), value(&n, &all)))
            .collect()
    };
    let whole = |n: &str| (n.to_owned(), value(n, &all));
    let forms: Vec<String> = ExploitationForm::ALL
        .iter()
        .map(|f| f.as_str().to_owned())
        .collect();
    let services: Vec<String> = indicators::assistance_services()
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    let mut out = vec![Group::cross(
        &r.assisted,
        &forms,
        &services,
        |f, s| format!("children_assisted_{f}_{s}"),
        |f| format!("children_assisted_{f}"),
        |s| format!("children_assisted_service_{s}"),
        "children_assisted",
    )];
    let yes_no = ["still_working", "withdrawn"].map(str::to_owned);
    let school = ["at_school", "out_of_school"].map(str::to_owned);
    out.push(Group::cross(
        &r.monitoring.follow_up_results,
        &yes_no,
        &school,
        |w, s| format!("children_{w}_{s}"),
        |w| format!("children_{w}"),
        |s| format!("children_followed_up_{s}"),
        "children_followed_up",
    ));
    for (part, of) in [
        ("children_received_service", "children_identified"),
        (
            "children_csec_recorded_as_victims",
            "children_csec_identified",
        ),
        (
            "children_street_with_education_service",
            "children_street_identified",
        ),
        (
            "children_street_with_medical_service",
            "children_street_identified",
        ),
        (
            "children_street_with_social_service",
            "children_street_identified",
        ),
    ] {
        out.push(Group::parts(named(vec![part.to_owned()]), whole(of)));
    }
    let breakdowns: [Vec<String>; 4] = [
        ExploitationForm::ALL
            .iter()
            .map(|f| format!("children_identified_{}", f.as_str()))
            .collect(),
        Sector::ALL
            .iter()
            .map(|s| format!("children_identified_sector_{}", s.as_str()))
            .collect(),
        Sex::ALL
            .iter()
            .map(|s| format!("children_identified_{}", s.as_str()))
            .collect(),
        indicators::AGE_BANDS
            .iter()
            .map(|b| format!("children_identified_age_{b}"))
            .collect(),
    ];
    for names in breakdowns {
        out.push(Group::parts(named(names), whole("children_identified")));
    }
    out
}

/// The published figures of a report, with the decision of the
/// publication (`publication`) on which counts of persons are hidden.
pub fn publish_with(r: &Report, threshold: i64, hidden: &dyn Fn(&str) -> bool) -> Published {
    use crate::cases::model::ExploitationForm;
    use Value::*;
    let (l, c) = (&r.labor, &r.criminal);
    let persons_list = persons(r);
    let shown = |name: &str| -> Shown {
        let v = persons_list
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, v)| *v);
        if (1..threshold).contains(&v) {
            Shown::Small
        } else if hidden(name) {
            Shown::Hidden
        } else {
            Shown::Value(v)
        }
    };
    let mut f: Vec<(String, Value)> = vec![
        ("labor_inspectors".into(), Count(l.inspectors)),
        (
            "labor_inspectors_on_last_day".into(),
            Count(l.inspectors_on_last_day),
        ),
        (
            "inspectors_trained_forced_child_labor".into(),
            Count(l.trained_forced_labor),
        ),
        ("inspections".into(), Count(l.inspections)),
        ("inspections_at_worksite".into(), Count(l.at_worksite)),
        ("inspections_desk_review".into(), Count(l.desk_reviews)),
        ("inspections_routine".into(), Count(l.routine)),
        ("inspections_unannounced".into(), Count(l.unannounced)),
        (
            "inspections_complaint_driven".into(),
            Count(l.complaint_driven),
        ),
        (
            "inspections_finding_child_labor".into(),
            Count(l.found_child_labor),
        ),
        ("inspections_planned".into(), Count(l.planned)),
        ("child_labor_violations".into(), Count(l.violations)),
        ("violations_penalised".into(), Count(l.violations_penalised)),
        ("penalties_imposed".into(), Count(l.penalties_imposed)),
        ("penalties_imposed_kgs".into(), Som(l.imposed_som)),
        ("penalties_collected".into(), Count(l.penalties_collected)),
        ("penalties_collected_kgs".into(), Som(l.collected_som)),
        (
            "inspections_referred_to_law_enforcement".into(),
            Count(l.referred),
        ),
        ("school_fee_complaints".into(), Count(l.complaints)),
        ("investigations".into(), Count(c.investigations)),
        ("prosecutions_initiated".into(), Count(c.prosecutions)),
        ("convictions".into(), Count(c.convictions)),
        ("acquittals".into(), Count(c.acquittals)),
        ("dismissed".into(), Count(c.dismissed)),
        ("prison_sentences".into(), Count(c.prison_sentences)),
        ("fines_imposed_kgs".into(), Som(c.fines_som)),
        ("prosecutor_staff".into(), Recorded(c.prosecutor_staff)),
    ];
    for (name, _) in &persons_list {
        f.push((name.clone(), Persons(shown(name))));
    }
    let served = shown("children_received_service");
    let identified = shown("children_identified");
    f.push((
        "share_received_service_percent".into(),
        Derived(share(served, identified)),
    ));
    let median = match served {
        Shown::Value(n) if n > 0 => r
            .monitoring
            .median_days
            .and_then(Decimal::from_f64_retain)
            .map(|d| {
                let mut d = d.round_dp(1);
                d.rescale(1);
                d
            }),
        _ => None,
    };
    f.push(("median_days_to_first_service".into(), Derived(median)));
    f.push((
        "share_withdrawn_percent".into(),
        Derived(share(
            shown("children_withdrawn"),
            shown("children_followed_up"),
        )),
    ));
    // The assistance table as the pages draw it.
    let services = indicators::assistance_services();
    let forms = ExploitationForm::ALL;
    let assisted = Protected {
        body: forms
            .iter()
            .map(|form| {
                services
                    .iter()
                    .map(|s| {
                        shown(&format!(
                            "children_assisted_{}_{}",
                            form.as_str(),
                            s.as_str()
                        ))
                    })
                    .collect()
            })
            .collect(),
        row_totals: Some(
            forms
                .iter()
                .map(|form| shown(&format!("children_assisted_{}", form.as_str())))
                .collect(),
        ),
        column_totals: Some(
            services
                .iter()
                .map(|s| shown(&format!("children_assisted_service_{}", s.as_str())))
                .collect(),
        ),
        grand: Some(shown("children_assisted")),
    };
    Published::new(f, assisted, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ilo_ratio_is_exact() {
        let r = IloRatio::of(2_600_000, 28);
        // 2,600,000 / 28 = 92,857.14…
        assert_eq!(r.workers_per_inspector, Some(Decimal::from(92_857)));
        assert_eq!(r.needed, 130);
        assert_eq!(IloRatio::of(2_600_001, 3).needed, 131);
        assert_eq!(IloRatio::of(2_600_000, 0).workers_per_inspector, None);
        // Half a worker rounds up: 5 / 2 = 2.5.
        assert_eq!(
            IloRatio::of(5, 2).workers_per_inspector,
            Some(Decimal::from(3))
        );
    }

    #[test]
    fn a_share_of_a_suppressed_count_is_suppressed() {
        assert_eq!(share(Shown::Small, Shown::Value(20)), None);
        assert_eq!(
            share(Shown::Value(5), Shown::Value(20)),
            Some(Decimal::from(25))
        );
        assert_eq!(share(Shown::Value(0), Shown::Value(0)), None);
    }
}
