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
use super::name::{AgeBand, Name, Outcome, Schooling};
use super::suppress::{Counts, Pos, Protected, Shown};
use crate::cases::model::{ExploitationForm, Sector};
use crate::children::model::Sex;

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
    let mut staff_below = Staff::of_years_below(conn, from, to, places)?;
    let mut out = HashMap::new();
    for (code, _) in places {
        let mut staff = staff_below.remove(code).unwrap_or_default();
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

/// The published figures, in the report's order, found by name through an
/// index (a page reads dozens of them, a release thousands). A release
/// stores them as JSON, each under its name: the index is made again when
/// read.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Published {
    figures: Vec<(Name, Value)>,
    #[serde(skip)]
    index: std::sync::OnceLock<HashMap<Name, usize>>,
    pub assisted: Protected,
    /// Every figure, or only the headline ones (a territory that is not the
    /// page's own, see `Name::is_headline`).
    pub full: bool,
}

impl Published {
    pub fn new(figures: Vec<(Name, Value)>, assisted: Protected, full: bool) -> Published {
        Published {
            figures,
            index: Default::default(),
            assisted,
            full,
        }
    }

    /// The figure `name`, if published.
    pub fn get(&self, name: Name) -> Option<&Value> {
        let index = self.index.get_or_init(|| {
            self.figures
                .iter()
                .enumerate()
                .map(|(i, (n, _))| (*n, i))
                .collect()
        });
        index.get(&name).map(|&i| &self.figures[i].1)
    }

    /// Every figure, in the report's order.
    pub fn figures(&self) -> &[(Name, Value)] {
        &self.figures
    }

    pub fn into_figures(self) -> Vec<(Name, Value)> {
        self.figures
    }

    /// Keep only the figures `keep` says.
    pub fn retain(&mut self, mut keep: impl FnMut(Name, &Value) -> bool) {
        self.figures.retain(|(n, v)| keep(*n, v));
        self.index = Default::default();
    }
}

/// Every figure a report publishes, in the report's order.
pub fn every_name() -> Vec<Name> {
    publish_with(&Report::default(), 1, &|_| false)
        .into_figures()
        .into_iter()
        .map(|(n, _)| n)
        .collect()
}

/// The counts of persons a report publishes, with their values. Every
/// count of persons `publish_with` publishes is here, and nothing else.
pub fn persons(r: &Report) -> Vec<(Name, i64)> {
    use Name::*;
    let (c, g, m, id) = (&r.criminal, &r.groups, &r.monitoring, &r.identified);
    let services = indicators::assistance_services();
    let mut out: Vec<(Name, i64)> = vec![
        (
            ChildrenReferredToLawEnforcement,
            c.referred_by_social_services,
        ),
        (
            ChildrenReferredToSocialServices,
            c.referred_to_social_services,
        ),
        (ChildrenAssisted, r.assisted.grand),
    ];
    for (i, form) in ExploitationForm::ALL.iter().enumerate() {
        out.push((ChildrenAssistedForm(*form), at(&r.assisted.row_totals, i)));
        for (j, service) in services.iter().enumerate() {
            let v = r.assisted.body.get(i).map_or(0, |row| at(row, j));
            out.push((ChildrenAssistedFormService(*form, *service), v));
        }
    }
    for (j, service) in services.iter().enumerate() {
        out.push((
            ChildrenAssistedService(*service),
            at(&r.assisted.column_totals, j),
        ));
    }
    out.extend([
        (ChildrenCsecIdentified, g.csec),
        (ChildrenCsecRecordedAsVictims, g.csec_victims),
        (ChildrenStreetIdentified, g.street),
        (ChildrenStreetWithEducationService, g.street_education),
        (ChildrenStreetWithMedicalService, g.street_medical),
        (ChildrenStreetWithSocialService, g.street_social),
        (ChildrenIdentified, m.identified),
        (ChildrenReceivedService, m.served),
    ]);
    for (i, form) in ExploitationForm::ALL.iter().enumerate() {
        out.push((ChildrenIdentifiedForm(*form), at(&id.by_form, i)));
    }
    for (i, sector) in Sector::ALL.iter().enumerate() {
        out.push((ChildrenIdentifiedSector(*sector), at(&id.by_sector, i)));
    }
    for (i, sex) in Sex::ALL.iter().enumerate() {
        out.push((ChildrenIdentifiedSex(*sex), at(&id.by_sex, i)));
    }
    for (i, band) in AgeBand::ALL.iter().enumerate() {
        out.push((ChildrenIdentifiedAge(*band), at(&id.by_age, i)));
    }
    let f = &m.follow_up_results;
    out.push((ChildrenFollowedUp, f.grand));
    for (i, outcome) in Outcome::ALL.iter().enumerate() {
        out.push((ChildrenOutcome(*outcome), at(&f.row_totals, i)));
    }
    for (j, school) in Schooling::ALL.iter().enumerate() {
        out.push((
            ChildrenFollowedUpSchooling(*school),
            at(&f.column_totals, j),
        ));
    }
    for (i, outcome) in Outcome::ALL.iter().enumerate() {
        for (j, school) in Schooling::ALL.iter().enumerate() {
            out.push((
                ChildrenOutcomeSchooling(*outcome, *school),
                f.body.get(i).map_or(0, |r| at(r, j)),
            ));
        }
    }
    out.push((ChildrenReferralsOverdue, m.overdue_referrals));
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
    pub names: Vec<(Pos, Option<Name>)>,
}

impl Group {
    pub fn name(&self, pos: Pos) -> Option<Name> {
        self.names
            .iter()
            .find(|(p, _)| *p == pos)
            .and_then(|(_, n)| *n)
    }

    /// Parts and their whole. When the whole is more than the parts (people
    /// counted in no part), the rest is an unpublished part; when it is less
    /// (a child in two parts), the parts are taken as adding up, which only
    /// protects more.
    pub fn parts(parts: Vec<(Name, i64)>, whole: (Name, i64)) -> Group {
        let sum: i64 = parts.iter().map(|(_, v)| v).sum();
        let mut body: Vec<Vec<i64>> = parts.iter().map(|(_, v)| vec![*v]).collect();
        let mut names: Vec<(Pos, Option<Name>)> = parts
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
    fn cross<R: Copy, C: Copy>(
        cross: &Cross,
        rows: &[R],
        cols: &[C],
        name: impl Fn(R, C) -> Name,
        row_total: impl Fn(R) -> Name,
        col_total: impl Fn(C) -> Name,
        grand: Name,
    ) -> Group {
        let mut names = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            for (j, c) in cols.iter().enumerate() {
                names.push((Pos::Body(i, j), Some(name(*r, *c))));
            }
            names.push((Pos::RowTotal(i), Some(row_total(*r))));
        }
        for (j, c) in cols.iter().enumerate() {
            names.push((Pos::ColumnTotal(j), Some(col_total(*c))));
        }
        names.push((Pos::Grand, Some(grand)));
        Group {
            counts: cross.counts(),
            names,
        }
    }
}

/// The tables inside one report whose totals link its counts of persons.
pub fn groups(r: &Report) -> Vec<Group> {
    use Name::*;
    let all: HashMap<Name, i64> = persons(r).into_iter().collect();
    let value = |name: Name| all.get(&name).copied().unwrap_or(0);
    let named = |names: Vec<Name>| -> Vec<(Name, i64)> {
        names.into_iter().map(|n| (n, value(n))).collect()
    };
    let whole = |n: Name| (n, value(n));
    let mut out = vec![Group::cross(
        &r.assisted,
        ExploitationForm::ALL,
        &indicators::assistance_services(),
        ChildrenAssistedFormService,
        ChildrenAssistedForm,
        ChildrenAssistedService,
        ChildrenAssisted,
    )];
    out.push(Group::cross(
        &r.monitoring.follow_up_results,
        &Outcome::ALL,
        &Schooling::ALL,
        ChildrenOutcomeSchooling,
        ChildrenOutcome,
        ChildrenFollowedUpSchooling,
        ChildrenFollowedUp,
    ));
    for (part, of) in [
        (ChildrenReceivedService, ChildrenIdentified),
        (ChildrenCsecRecordedAsVictims, ChildrenCsecIdentified),
        (ChildrenStreetWithEducationService, ChildrenStreetIdentified),
        (ChildrenStreetWithMedicalService, ChildrenStreetIdentified),
        (ChildrenStreetWithSocialService, ChildrenStreetIdentified),
    ] {
        out.push(Group::parts(named(vec![part]), whole(of)));
    }
    let breakdowns: [Vec<Name>; 4] = [
        ExploitationForm::ALL
            .iter()
            .map(|f| ChildrenIdentifiedForm(*f))
            .collect(),
        Sector::ALL
            .iter()
            .map(|s| ChildrenIdentifiedSector(*s))
            .collect(),
        Sex::ALL.iter().map(|s| ChildrenIdentifiedSex(*s)).collect(),
        AgeBand::ALL
            .iter()
            .map(|b| ChildrenIdentifiedAge(*b))
            .collect(),
    ];
    for names in breakdowns {
        out.push(Group::parts(named(names), whole(ChildrenIdentified)));
    }
    out
}

/// The published figures of a report, with the decision of the
/// publication (`publication`) on which counts of persons are hidden.
pub fn publish_with(r: &Report, threshold: i64, hidden: &dyn Fn(Name) -> bool) -> Published {
    use Name::*;
    use Value::*;
    let (l, c) = (&r.labor, &r.criminal);
    let persons_list = persons(r);
    let values: HashMap<Name, i64> = persons_list.iter().copied().collect();
    let shown = |name: Name| -> Shown {
        let v = values.get(&name).copied().unwrap_or(0);
        if (1..threshold).contains(&v) {
            Shown::Small
        } else if hidden(name) {
            Shown::Hidden
        } else {
            Shown::Value(v)
        }
    };
    let mut f: Vec<(Name, Value)> = vec![
        (LaborInspectors, Count(l.inspectors)),
        (LaborInspectorsOnLastDay, Count(l.inspectors_on_last_day)),
        (
            InspectorsTrainedForcedChildLabor,
            Count(l.trained_forced_labor),
        ),
        (Inspections, Count(l.inspections)),
        (InspectionsAtWorksite, Count(l.at_worksite)),
        (InspectionsDeskReview, Count(l.desk_reviews)),
        (InspectionsRoutine, Count(l.routine)),
        (InspectionsUnannounced, Count(l.unannounced)),
        (InspectionsComplaintDriven, Count(l.complaint_driven)),
        (InspectionsFindingChildLabor, Count(l.found_child_labor)),
        (InspectionsPlanned, Count(l.planned)),
        (ChildLaborViolations, Count(l.violations)),
        (ViolationsPenalised, Count(l.violations_penalised)),
        (PenaltiesImposed, Count(l.penalties_imposed)),
        (PenaltiesImposedKgs, Som(l.imposed_som)),
        (PenaltiesCollected, Count(l.penalties_collected)),
        (PenaltiesCollectedKgs, Som(l.collected_som)),
        (InspectionsReferredToLawEnforcement, Count(l.referred)),
        (SchoolFeeComplaints, Count(l.complaints)),
        (Investigations, Count(c.investigations)),
        (ProsecutionsInitiated, Count(c.prosecutions)),
        (Convictions, Count(c.convictions)),
        (Acquittals, Count(c.acquittals)),
        (Dismissed, Count(c.dismissed)),
        (PrisonSentences, Count(c.prison_sentences)),
        (FinesImposedKgs, Som(c.fines_som)),
        (ProsecutorStaff, Recorded(c.prosecutor_staff)),
    ];
    for (name, _) in &persons_list {
        f.push((*name, Persons(shown(*name))));
    }
    let served = shown(ChildrenReceivedService);
    let identified = shown(ChildrenIdentified);
    f.push((
        ShareReceivedServicePercent,
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
    f.push((MedianDaysToFirstService, Derived(median)));
    f.push((
        ShareWithdrawnPercent,
        Derived(share(
            shown(ChildrenOutcome(Outcome::Withdrawn)),
            shown(ChildrenFollowedUp),
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
                    .map(|s| shown(ChildrenAssistedFormService(*form, *s)))
                    .collect()
            })
            .collect(),
        row_totals: Some(
            forms
                .iter()
                .map(|form| shown(ChildrenAssistedForm(*form)))
                .collect(),
        ),
        column_totals: Some(
            services
                .iter()
                .map(|s| shown(ChildrenAssistedService(*s)))
                .collect(),
        ),
        grand: Some(shown(ChildrenAssisted)),
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
