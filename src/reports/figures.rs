//! The figures of a period and territory as they may be published: the
//! enforcement tables (exact), the assistance table and the monitoring
//! indicators (counts of persons, protected by `suppress`). The report page,
//! the dashboard, the public pages and every download take them from here, so
//! a figure has one name and one rule wherever it appears.

use chrono::NaiveDate;
use diesel::prelude::*;
use rust_decimal::Decimal;

use super::indicators::{self, Cross, Groups, Monitoring, Period};
use super::model::{self, CriminalEnforcement, LaborEnforcement};
use super::suppress::{Counts, Protected, Shown, protect};

/// Everything the enforcement report holds, raw.
#[derive(Debug, Clone)]
pub struct Report {
    pub labor: LaborEnforcement,
    pub criminal: CriminalEnforcement,
    pub assisted: Cross,
    pub groups: Groups,
    pub monitoring: Monitoring,
}

pub fn load(
    conn: &mut PgConnection,
    period: &Period,
    path: &str,
    today: NaiveDate,
) -> QueryResult<Report> {
    Ok(Report {
        labor: model::labor(conn, period, path)?,
        criminal: model::criminal(conn, period, path)?,
        assisted: indicators::assisted(conn, period, path)?,
        groups: indicators::groups(conn, period, path)?,
        monitoring: indicators::monitoring(conn, period, path, today)?,
    })
}

/// A part of a whole (children of a group who got something): shown only so
/// that neither the part nor the rest of the whole is a small count.
pub fn subset(part: i64, whole: i64, threshold: i64) -> (Shown, Shown) {
    let p = protect(
        &Counts {
            body: vec![vec![part, (whole - part).max(0)]],
            row_totals: Some(vec![whole]),
            column_totals: None,
            grand: None,
        },
        threshold,
    );
    let total = p.row_totals.and_then(|t| t.first().copied());
    (p.body[0][0], total.unwrap_or(Shown::Hidden))
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

/// A cell of a protected table; an empty table has only zeros.
fn pick(cells: Option<&[Shown]>, i: usize) -> Shown {
    cells
        .and_then(|c| c.get(i).copied())
        .unwrap_or(Shown::Value(0))
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
#[derive(Debug, Clone, PartialEq)]
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
/// start with `children_`), in the report's order.
#[derive(Debug, Clone)]
pub struct Published {
    pub figures: Vec<(String, Value)>,
    pub assisted: Protected,
}

impl Published {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.figures.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

pub fn publish(r: &Report, threshold: i64) -> Published {
    use crate::cases::model::ExploitationForm;
    use Value::*;
    let (l, c, g, m) = (&r.labor, &r.criminal, &r.groups, &r.monitoring);
    let one = |n: i64| Persons(super::suppress::one(n, threshold));
    let mut f: Vec<(String, Value)> = vec![
        ("labor_inspectors".into(), Count(l.inspectors)),
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
        ("child_labor_violations".into(), Count(l.violations)),
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
        (
            "children_referred_to_law_enforcement".into(),
            one(c.referred_by_social_services),
        ),
        (
            "children_referred_to_social_services".into(),
            one(c.referred_to_social_services),
        ),
        ("prosecutor_staff".into(), Recorded(c.prosecutor_staff)),
    ];
    // Assistance: forms × services, with totals, protected as one table.
    let assisted = protect(&r.assisted.counts(), threshold);
    let services = super::indicators::assistance_services();
    f.push((
        "children_assisted".into(),
        Persons(assisted.grand.unwrap_or(Shown::Hidden)),
    ));
    for (i, form) in ExploitationForm::ALL.iter().enumerate() {
        let total = pick(assisted.row_totals.as_deref(), i);
        f.push((
            format!("children_assisted_{}", form.as_str()),
            Persons(total),
        ));
        for (j, service) in services.iter().enumerate() {
            f.push((
                format!("children_assisted_{}_{}", form.as_str(), service.as_str()),
                Persons(pick(assisted.body.get(i).map(Vec::as_slice), j)),
            ));
        }
    }
    for (j, service) in services.iter().enumerate() {
        let total = pick(assisted.column_totals.as_deref(), j);
        f.push((
            format!("children_assisted_service_{}", service.as_str()),
            Persons(total),
        ));
    }
    // The groups the document names.
    let (csec_victims, csec) = subset(g.csec_victims, g.csec, threshold);
    f.push(("children_csec_identified".into(), Persons(csec)));
    f.push((
        "children_csec_recorded_as_victims".into(),
        Persons(csec_victims),
    ));
    f.push(("children_street_identified".into(), one(g.street)));
    for (name, part) in [
        ("education", g.street_education),
        ("medical", g.street_medical),
        ("social", g.street_social),
    ] {
        let (part, _) = subset(part, g.street, threshold);
        f.push((
            format!("children_street_with_{name}_service"),
            Persons(part),
        ));
    }
    // The monitoring indicators.
    let (served, identified) = subset(m.served, m.identified, threshold);
    f.push(("children_identified".into(), Persons(identified)));
    f.push(("children_received_service".into(), Persons(served)));
    f.push((
        "share_received_service_percent".into(),
        Derived(share(served, identified)),
    ));
    let median = match served {
        Shown::Value(n) if n > 0 => m.median_days.and_then(Decimal::from_f64_retain).map(|d| {
            let mut d = d.round_dp(1);
            d.rescale(1);
            d
        }),
        _ => None,
    };
    f.push(("median_days_to_first_service".into(), Derived(median)));
    let (withdrawn, followed) = subset(m.withdrawn, m.followed_up, threshold);
    f.push(("children_followed_up".into(), Persons(followed)));
    f.push(("children_withdrawn".into(), Persons(withdrawn)));
    f.push((
        "share_withdrawn_percent".into(),
        Derived(share(withdrawn, followed)),
    ));
    f.push((
        "children_referrals_overdue".into(),
        one(m.overdue_referrals),
    ));
    Published {
        figures: f,
        assisted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subset_hides_the_part_when_the_rest_is_small() {
        // 20 street children, 18 with education: 2 without would show.
        assert_eq!(subset(18, 20, 5), (Shown::Hidden, Shown::Value(20)));
        assert_eq!(subset(3, 20, 5), (Shown::Small, Shown::Value(20)));
        assert_eq!(subset(0, 20, 5), (Shown::Value(0), Shown::Value(20)));
        assert_eq!(subset(10, 20, 5), (Shown::Value(10), Shown::Value(20)));
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
